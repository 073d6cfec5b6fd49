"""Extraction benchmark: the importer on real pages it was not written for, beside trafilatura.

    python -m bench.extraction [--dev ../shared/ingest-dev] [--limit N] [--jobs 2]
                               [--out bench/results] [--readme]

Every page of ../shared/ingest-dev (see its README) goes through four paths:

- ``html``: the saved page through ``archive.ingest.parse`` (the importer's one entry point);
- ``text-region``: the page's article region turned into scraped markdown-like text, the way the
  seeds look (markdownify, every link target ``#``, images dropped), through ``parse``;
- ``text-page``: the same from the whole ``<body>`` (navigation, footers and all);
- ``trafilatura``: ``trafilatura.bare_extraction`` alone, with its defaults, for comparison.

The article region is chosen with the truth, as a scraper configured with a site's article
selector would have it: the page's ``<article>``/``<main>`` element when one holds the true text,
else the smallest element that holds it; then widened to the nearest ancestor that also holds
the page's first ``<h1>``, as long as that at most doubles the region's text (a header standing
beside the text is part of the article; a whole page column is not). "Holds the true text"
means every ``with`` snippet (trafilatura pages) or 90% of the true body's words (Zyte pages).

Metrics (README of ingest-dev for the truth): title exact (after Unicode, case, quote and
whitespace normalisation), date same day / wrong / missing on dated pages and invented on
date-less ones, author names micro precision/recall/F1 (case-folded), body word-token
precision/recall/F1 and Zyte's 4-word-shingle F1 (Zyte pages: per-page precision and recall
averaged, F1 of the averages, as Zyte's benchmark computes it), and on trafilatura's pages the
share of ``with`` snippets kept and of ``without`` snippets left out. Rows per path, per half of
the development set (``dev``/``held``, fixed by a hash of the file name, so rule changes can be
checked on pages they were not developed on) and per language of the page (py3langid on the
true title and text, independent of the importer). Parse time is the median wall time of one
``parse`` call (markdownify not included).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import re
import statistics
import sys
import time
import unicodedata
import zlib
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEV = REPO.parent / "shared" / "ingest-dev"
OUT = REPO / "bench" / "results"
README = REPO / "README.md"
BEFORE = OUT / "extraction-before.json"  # the importer before issue 11's work, for the README
PATHS = ("html", "text-region", "text-page", "trafilatura")
REGION_COVERAGE = 0.9  # share of the true body's words an element must hold to be the region
REGION_WIDEN = 2.0  # widen to the title's ancestor while the text at most doubles
MIN_LANGUAGE_PAGES = 15  # smaller languages are pooled into "other"
_WORD = re.compile(r"\w+")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]{0,200}\?>")
_AND = re.compile(r"\s+(?:and|und|et|y|e|&)\s+")
_WS = re.compile(r"\s+")
_QUOTES = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "‚": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "«": '"',
        "»": '"',
        "–": "-",
        "—": "-",
        "\u00a0": " ",
        "\u00ad": None,
    }
)  # fmt: skip  (a soft hyphen: no character seen)
_DROP_TAGS = ("script", "style", "noscript", "template", "svg", "img", "picture", "video",
              "audio", "iframe", "source", "canvas")  # fmt: skip


# --------------------------------------------------------------------------- pages and truth


@dataclass
class Page:
    """One page of the development set with its truth (None: not known for this page)."""

    id: str
    set: str  # "trafilatura" | "zyte"
    path: str
    title: str | None = None
    authors: list[str] | None = None
    date: str | None = None  # "YYYY-MM-DD", "" for a page known to have none
    body: str | None = None  # Zyte's articleBody
    with_: list[str] = field(default_factory=list)
    without: list[str] = field(default_factory=list)

    @property
    def half(self) -> str:
        return "dev" if zlib.crc32(self.id.encode()) % 2 == 0 else "held"

    def truth_text(self) -> str:
        return " ".join([self.title or "", self.body or "", *self.with_])

    def read(self) -> bytes:
        return gzip.decompress(Path(self.path).read_bytes())


def load_pages(dev: Path = DEV) -> list[Page]:
    """Every page of the development set, in a fixed order (trafilatura's, then Zyte's)."""
    pages: list[Page] = []
    traf = dev / "trafilatura"
    for _url, v in json.loads((traf / "evaldata.json").read_text()).items():
        path = traf / "pages" / f"{v['file']}.gz"
        if not path.exists():
            continue
        has_meta = "title" in v
        pages.append(
            Page(
                id=v["file"],
                set="trafilatura",
                path=str(path),
                title=(v.get("title") or None) if has_meta else None,
                authors=_split_authors(v.get("author", "")) if has_meta else None,
                date=(v.get("date") or "") if has_meta else None,
                with_=list(v.get("with") or []),
                without=list(v.get("without") or []),
            )
        )
    zyte = dev / "zyte"
    for sha, v in sorted(json.loads((zyte / "ground-truth.json").read_text()).items()):
        path = zyte / "html" / f"{sha}.html.gz"
        if path.exists():
            pages.append(Page(id=sha, set="zyte", path=str(path), body=v["articleBody"]))
    return pages


def sample(pages: list[Page], limit: int) -> list[Page]:
    """About `limit` pages of each set, spread evenly over it (the sets are ordered by site)."""
    out: list[Page] = []
    for name in ("trafilatura", "zyte"):
        group = [p for p in pages if p.set == name]
        step = max(1, len(group) // limit)
        out += group[::step][:limit]
    return out


def _split_authors(value: str | list) -> list[str]:
    """The true names one by one: 'A; B', ['A', 'B'], and 'A und B' (written so in the truth)."""
    parts = value if isinstance(value, list) else (value or "").split(";")
    names = [n for p in parts if isinstance(p, str) for n in _AND.split(p)]
    return [n.strip() for n in names if n.strip()]


def page_language(page: Page) -> str:
    import py3langid

    text = page.truth_text()
    return str(py3langid.classify(text[:5000])[0]) if len(text) >= 20 else "?"


# --------------------------------------------------------------------------- scraped text


def _converter():
    from markdownify import MarkdownConverter

    class Scrape(MarkdownConverter):
        """markdownify as the seeds' scraper: link targets '#', no images."""

        def convert_a(self, el, text, parent_tags):
            text = (text or "").strip()
            return f"[{text}](#)" if text else ""

        def convert_img(self, el, text, parent_tags):
            return ""

    return Scrape(heading_style="ATX", bullets="*")


def scraped_text(html_text: str, page: Page, *, region: bool) -> str:
    """The page (or its article region) as scraped markdown-like text."""
    import lxml.html

    # lxml refuses str input that declares its encoding (XHTML pages): the text is decoded.
    root = lxml.html.document_fromstring(_XML_DECLARATION.sub("", html_text, count=1))
    for bad in root.iter(*_DROP_TAGS):
        bad.drop_tree() if bad.getparent() is not None else None
    body = root.find("body")
    element = (find_region(body, page) if region else None) if body is not None else None
    element = element if element is not None else (body if body is not None else root)
    markup = lxml.html.tostring(element, encoding="unicode")
    text = _converter().convert(markup)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def find_region(body, page: Page):
    """The article region (see the module docstring); None when no element holds the text."""
    holds = _holds_truth(page)
    if holds is None:
        return None
    candidates = []
    for el in body.iter():
        if not isinstance(el.tag, str):
            continue
        text = _norm_space(el.text_content())
        if len(text) >= 40 and holds(text):
            candidates.append((len(text), el))
    if not candidates:
        return None
    marked = [
        c for c in candidates if c[1].tag in ("article", "main") or c[1].get("role") == "main"
    ]
    size, element = min(marked or candidates, key=lambda c: c[0])
    h1 = next(body.iter("h1"), None)
    if h1 is None or _is_ancestor(element, h1):
        return element
    for ancestor in element.iterancestors():
        if len(_norm_space(ancestor.text_content())) > REGION_WIDEN * size:
            break
        if _is_ancestor(ancestor, h1):
            return ancestor
    return element


def _is_ancestor(element, other) -> bool:
    return any(a is element for a in other.iterancestors())


def _holds_truth(page: Page):
    if page.body:
        truth = Counter(_tokens(page.body))
        total = sum(truth.values())

        def holds_body(text: str) -> bool:
            found = sum((Counter(_tokens(text)) & truth).values())
            return found >= REGION_COVERAGE * total

        return holds_body
    snippets = [_norm_space(s) for s in page.with_ if s.strip()]
    if not snippets:
        return None
    return lambda text: all(s in text for s in snippets)


# --------------------------------------------------------------------------- running the paths


@dataclass
class Result:
    """What one path found on one page, and how long the parse took."""

    title: str = ""
    authors: list[str] = field(default_factory=list)
    date: str = ""
    body: str = ""
    ms: float = 0.0
    error: str = ""


def run_importer(data: bytes, name: str) -> Result:
    from archive.ingest import parse
    from archive.ingest.blocks import fragment_text

    start = time.perf_counter()
    outcomes = parse(data, name=name)
    ms = (time.perf_counter() - start) * 1000
    article = outcomes[0].article if outcomes else None
    if article is None:
        return Result(ms=ms, error=outcomes[0].error if outcomes else "no outcome")
    published = article.published
    if isinstance(published, dt.datetime):
        published = published.date()
    authors = list(article.authors) + list(getattr(article, "organisations", []) or [])
    return Result(
        title=article.title if not article.title_derived else "",
        authors=authors,
        date=published.isoformat() if published else "",
        body=fragment_text(article.body_html.replace("</", " </")),
        ms=ms,
    )


def run_trafilatura(html_text: str) -> Result:
    import trafilatura

    start = time.perf_counter()
    doc = trafilatura.bare_extraction(html_text, with_metadata=True)
    ms = (time.perf_counter() - start) * 1000
    if doc is None:
        return Result(ms=ms, error="nothing found")
    return Result(
        title=doc.title or "",
        authors=_split_authors(doc.author or ""),
        date=(doc.date or "")[:10],
        body=doc.text or "",
        ms=ms,
    )


def run_page(page: Page, paths: tuple[str, ...] = PATHS) -> dict:
    """Every path on one page -> {"page": ..., path: Result as a dict}."""
    from archive.ingest.encoding import decode
    from archive.ingest.types import IngestError

    data = page.read()
    try:
        html_text = decode(data)
    except IngestError:  # the importer says so on the html path; the others get nothing
        html_text = data.decode("utf-8", errors="replace")
    out: dict = {"id": page.id, "set": page.set, "half": page.half, "lang": page_language(page)}
    stem = re.sub(r"\.html?$", "", page.id)
    for path in paths:
        try:
            if path == "html":
                result = run_importer(data, f"{stem}.html")
            elif path == "trafilatura":
                result = run_trafilatura(html_text)
            else:
                text = scraped_text(html_text, page, region=path == "text-region")
                result = run_importer(text.encode("utf-8"), f"{stem}.txt")
        except Exception as exc:  # noqa: BLE001 - a crash is a result of the benchmark too
            result = Result(error=f"{type(exc).__name__}: {exc}")
        out[path] = asdict(result)
        out[path]["measures"] = body_measures(page, out[path].pop("body"))
    return out


def _run_one(args: tuple[dict, tuple[str, ...]]) -> dict:
    page, paths = args
    return run_page(Page(**page), paths)


def run_all(pages: list[Page], paths: tuple[str, ...] = PATHS, jobs: int = 2) -> list[dict]:
    work = [(asdict(p), paths) for p in pages]
    if jobs <= 1:
        return [_run_one(w) for w in work]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(_run_one, work, chunksize=4))


# --------------------------------------------------------------------------- scoring


def norm_title(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").translate(_QUOTES).casefold()
    return _WS.sub(" ", text).strip(" .:-|")


def norm_name(text: str) -> str:
    return _WS.sub(" ", unicodedata.normalize("NFKC", text or "").casefold()).strip(" .,")


def _norm_space(text: str) -> str:
    return _WS.sub(" ", text or "").strip()


def _tokens(text: str) -> list[str]:
    return _WORD.findall((text or "").lower())


def _shingles(tokens: list[str], n: int = 4) -> Counter:
    return Counter(tuple(tokens[i : i + n]) for i in range(max(0, len(tokens) - n + 1)))


def _pr(pred: Counter, true: Counter) -> tuple[float, float]:
    """Precision and recall of one prediction; an empty prediction of a true text scores 0/0."""
    overlap = sum((pred & true).values())
    p = overlap / sum(pred.values()) if pred else (1.0 if not true else 0.0)
    r = overlap / sum(true.values()) if true else 1.0
    return p, r


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def body_measures(page: Page, body: str) -> dict:
    """One page's body against its truth (kept in the results instead of the body itself)."""
    out: dict = {}
    if page.body:
        tokens = _tokens(body)
        out["body_p"], out["body_r"] = _pr(Counter(tokens), Counter(_tokens(page.body)))
        out["shingle_p"], out["shingle_r"] = _pr(_shingles(tokens), _shingles(_tokens(page.body)))
    if page.with_ or page.without:
        text = _norm_space(body)
        out["with_total"], out["without_total"] = len(page.with_), len(page.without)
        out["with_kept"] = sum(_norm_space(w) in text for w in page.with_)
        out["without_out"] = sum(_norm_space(w) not in text for w in page.without)
    return out


def score(rows: list[dict], pages: dict[str, Page], path: str) -> dict:
    """The metrics of one path over some pages (see the module docstring)."""
    s: dict = {"pages": len(rows), "errors": 0}
    titles = dated = same = wrong = dateless = invented = 0
    a_tp = a_pred = a_true = 0
    body_p: list[float] = []
    body_r: list[float] = []
    sh_p: list[float] = []
    sh_r: list[float] = []
    with_total = with_kept = without_total = without_out = 0
    times: list[float] = []
    for row in rows:
        page, res = pages[row["id"]], row[path]
        s["errors"] += bool(res["error"])
        if res["ms"]:
            times.append(res["ms"])
        if page.title:
            titles += norm_title(res["title"]) == norm_title(page.title)
        if page.date is not None:
            if page.date:
                dated += 1
                same += res["date"] == page.date
                wrong += bool(res["date"]) and res["date"] != page.date
            else:
                dateless += 1
                invented += bool(res["date"])
        if page.authors is not None:
            pred = {norm_name(a) for a in res["authors"] if a.strip()}
            true = {norm_name(a) for a in page.authors}
            a_tp, a_pred, a_true = a_tp + len(pred & true), a_pred + len(pred), a_true + len(true)
        body = res.get("measures") or body_measures(page, res.get("body", ""))
        if "body_p" in body:
            body_p.append(body["body_p"])
            body_r.append(body["body_r"])
            sh_p.append(body["shingle_p"])
            sh_r.append(body["shingle_r"])
        with_total += body.get("with_total", 0)
        with_kept += body.get("with_kept", 0)
        without_total += body.get("without_total", 0)
        without_out += body.get("without_out", 0)
    with_title = sum(bool(p.title) for p in (pages[r["id"]] for r in rows))
    s["title"] = _share(titles, with_title)
    s["date_pages"], s["date_same"], s["date_wrong"] = (
        dated,
        _share(same, dated),
        _share(wrong, dated),
    )
    s["dateless_pages"], s["date_invented"] = dateless, _share(invented, dateless)
    ap, ar = _ratio(a_tp, a_pred), _ratio(a_tp, a_true)
    s["authors_p"], s["authors_r"] = ap, ar
    s["authors_f1"] = round(_f1(ap, ar), 3) if ap is not None and ar is not None else None
    s["body_pages"] = len(body_p)
    if body_p:
        bp, br = statistics.mean(body_p), statistics.mean(body_r)
        s["body_p"], s["body_r"], s["body_f1"] = round(bp, 3), round(br, 3), round(_f1(bp, br), 3)
        sp, sr = statistics.mean(sh_p), statistics.mean(sh_r)
        s["shingle_p"], s["shingle_r"], s["shingle_f1"] = (
            round(sp, 3), round(sr, 3), round(_f1(sp, sr), 3)
        )  # fmt: skip
    s["with_kept"], s["without_out"] = (
        _share(with_kept, with_total),
        _share(without_out, without_total),
    )
    s["median_ms"] = round(statistics.median(times), 2) if times else None
    return s


def _share(n: int, total: int) -> float | None:
    return round(100 * n / total, 1) if total else None


def _ratio(n: int, total: int) -> float | None:
    return round(n / total, 3) if total else None


def summarise(rows: list[dict], pages: list[Page], paths: tuple[str, ...] = PATHS) -> dict:
    """{path: {subset: metrics}} for subsets all, dev, held and each language."""
    by_id = {p.id: p for p in pages}
    langs = Counter(r["lang"] for r in rows)
    big = {lang for lang, n in langs.items() if n >= MIN_LANGUAGE_PAGES}

    def lang_of(row: dict) -> str:
        return row["lang"] if row["lang"] in big else "other"

    subsets: dict[str, list[dict]] = {"all": rows}
    subsets["dev"] = [r for r in rows if r["half"] == "dev"]
    subsets["held"] = [r for r in rows if r["half"] == "held"]
    subsets["non-en"] = [r for r in rows if r["lang"] != "en"]
    for lang in sorted({lang_of(r) for r in rows}):
        subsets[f"lang:{lang}"] = [r for r in rows if lang_of(r) == lang]
    return {
        path: {name: score(sub, by_id, path) for name, sub in subsets.items() if sub}
        for path in paths
    }


# --------------------------------------------------------------------------- report


_COLUMNS = [
    ("pages", "pages", ""),
    ("title", "title exact %", ""),
    ("date_same", "date same day %", ""),
    ("date_wrong", "date wrong %", ""),
    ("date_invented", "invented % (date-less)", ""),
    ("authors_p", "authors P", ""),
    ("authors_r", "authors R", ""),
    ("authors_f1", "authors F1", ""),
    ("body_p", "body P", ""),
    ("body_r", "body R", ""),
    ("body_f1", "body F1", ""),
    ("shingle_f1", "shingle F1", ""),
    ("with_kept", "with kept %", ""),
    ("without_out", "without out %", ""),
    ("median_ms", "median ms", ""),
]


def table(summary: dict, subset: str = "all", paths: tuple[str, ...] = PATHS) -> str:
    head = "| path | " + " | ".join(label for _k, label, _ in _COLUMNS) + " |"
    lines = [head, "|---" * (len(_COLUMNS) + 1) + "|"]
    for path in paths:
        s = summary.get(path, {}).get(subset)
        if s is None:
            continue
        cells = ["–" if s.get(k) is None else str(s.get(k)) for k, _l, _ in _COLUMNS]
        lines.append(f"| {path} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def subset_table(summary: dict, path: str) -> str:
    head = "| subset | " + " | ".join(label for _k, label, _ in _COLUMNS) + " |"
    lines = [head, "|---" * (len(_COLUMNS) + 1) + "|"]
    for name, s in summary.get(path, {}).items():
        cells = ["–" if s.get(k) is None else str(s.get(k)) for k, _l, _ in _COLUMNS]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def markdown(result: dict, before: dict | None = None) -> str:
    summary = result["summary"]
    out = [
        f"`make bench-extract` (`python -m bench.extraction`) on {result['pages']} pages of "
        "`../shared/ingest-dev/` (trafilatura's evaluation pages: title, date, authors and "
        "with/without snippets; Zyte's: body, English only); see `bench/extraction.py` for how "
        "the scraped texts and the article region are made and what each figure means. "
        f"Commit {result['commit']}, {result['date']}.",
        "",
        table(summary),
        "",
        "Targets (issue 11, on pages the work never saw): HTML title exact >= 90 %, date same "
        "day >= 95 % with invented <= 10 % of date-less pages, authors F1 >= 0.88, body F1 >= "
        "0.96; scraped text of the article region title >= 85 %, date >= 85 %, authors F1 >= "
        "0.80, body precision >= 0.92 with recall >= 0.97; non-English within 10 points of "
        "English; median parse <= 10 ms. The truth of trafilatura's pages is itself noisy for "
        "authors (blog handles, names of pages that credit nobody, 'A und B' as one name, "
        "which is split here). Parse times are wall times on a shared 2-core machine.",
        "",
        "Per subset (dev/held: the two halves of the set; languages of the page), scraped "
        "text of the article region:",
        "",
        subset_table(summary, "text-region"),
        "",
        "HTML:",
        "",
        subset_table(summary, "html"),
    ]
    if before:
        out += [
            "",
            f"Before this work (commit {before['commit']}, {before['date']}), all pages:",
            "",
            table(before["summary"]),
            "",
            "Before, scraped text of the article region, per subset:",
            "",
            subset_table(before["summary"], "text-region"),
        ]
    return "\n".join(out)


_START, _END = "<!-- extraction:start -->", "<!-- extraction:end -->"


def update_readme(result: dict, readme: Path = README, before: dict | None = None) -> None:
    """Rewrite the README's extraction section (between its markers; added before
    `## Benchmarks` the first time, where bench.run's own section begins)."""
    text = readme.read_text()
    section = f"{_START}\n{markdown(result, before)}\n{_END}"
    if _START in text and _END in text:
        text = text[: text.index(_START)] + section + text[text.index(_END) + len(_END) :]
    else:
        block = f"## Extraction benchmark\n\n{section}\n\n"
        marker = "## Benchmarks\n"
        text = text.replace(marker, block + marker, 1) if marker in text else text + "\n" + block
    readme.write_text(text)


def _commit() -> str:
    import subprocess

    try:
        return subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def write_results(result: dict, out: Path, name: str) -> None:
    """The summary as NAME.json (and extraction-latest.json); what each path found on each
    page beside it, gzipped, as NAME.pages.json.gz (for --rescore)."""
    out.mkdir(parents=True, exist_ok=True)
    summary = {k: v for k, v in result.items() if k != "pages_detail"}
    pages = json.dumps(result["pages_detail"], ensure_ascii=False).encode()
    for stem in (name.removesuffix(".json"), "extraction-latest"):
        (out / f"{stem}.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n")
        (out / f"{stem}.pages.json.gz").write_bytes(gzip.compress(pages, mtime=0))


def read_results(path: Path) -> dict:
    """A results file with its pages (NAME.json beside NAME.pages.json.gz, or one file)."""
    result = json.loads(path.read_text())
    pages = path.with_name(path.name.removesuffix(".json") + ".pages.json.gz")
    if "pages_detail" not in result and pages.exists():
        result["pages_detail"] = json.loads(gzip.decompress(pages.read_bytes()))
    return result


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--dev", type=Path, default=DEV, help="the ingest-dev folder")
    p.add_argument("--limit", type=int, default=0, help="only N pages of each set, spread evenly")
    p.add_argument("--jobs", type=int, default=2, help="worker processes")
    p.add_argument("--paths", default=",".join(PATHS), help="comma-separated paths to run")
    p.add_argument("--out", type=Path, default=OUT, help="folder for the results JSON")
    p.add_argument("--label", default="", help="a name for this run in the results file name")
    p.add_argument("--rescore", type=Path, help="score a results file's pages again, no parsing")
    p.add_argument("--before", type=Path, default=BEFORE, help="results shown as 'before'")
    p.add_argument("--readme", action="store_true", help="rewrite the README's section")
    a = p.parse_args(argv)
    if not (a.dev / "trafilatura" / "evaldata.json").exists():
        print(f"no development set at {a.dev}", file=sys.stderr)
        return 2
    paths = tuple(x for x in a.paths.split(",") if x in PATHS)
    pages = load_pages(a.dev)
    if a.limit:
        pages = sample(pages, a.limit)
    start, old = time.time(), {}
    if a.rescore:
        # The stored per-page findings scored again (e.g. after a change to the truth's reading).
        old = read_results(a.rescore)
        rows = old["pages_detail"]
        keep = {r["id"] for r in rows}
        pages = [p for p in pages if p.id in keep]
        paths = tuple(p for p in paths if all(p in r for r in rows))
        by_id = {p.id: p for p in pages}
        for row in rows:
            for path in paths:
                if "body" in row[path]:  # an older file: measure, then drop the text
                    row[path]["measures"] = body_measures(by_id[row["id"]], row[path].pop("body"))
    else:
        rows = run_all(pages, paths, jobs=a.jobs)
    result = {
        "date": dt.date.today().isoformat(),
        "commit": old.get("commit", "") if a.rescore else _commit(),
        "pages": len(pages),
        "limit": a.limit,
        "seconds": old.get("seconds") if a.rescore else round(time.time() - start, 1),
        "summary": summarise(rows, pages, paths),
        "pages_detail": rows,
    }
    label = f"-{a.label}" if a.label else ""
    name = f"extraction{label}-{result['date']}.json"
    write_results(result, a.out, name)
    print(table(result["summary"], paths=paths))
    print()
    for path in paths:
        print(f"## {path}")
        print(subset_table(result["summary"], path))
        print()
    if a.readme:
        before = json.loads(a.before.read_text()) if a.before and a.before.exists() else None
        if before is not None:
            before.pop("pages_detail", None)
        update_readme(result, before=before)
    return 0


if __name__ == "__main__":
    sys.exit(main())
