"""The benchmark's HTTP side: a seeded query mix, a small keep-alive client, percentiles.

Nothing here imports Django: the runner talks to the real server over loopback HTTP, and
reads slugs and ids straight from the SQLite file with the standard library.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import math
import random
import re
import sqlite3
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

# --------------------------------------------------------------------------- statistics


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an already sorted list (0 for an empty one)."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(q * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def summarize(seconds: list[float]) -> dict:
    """p50/p95/p99/max in milliseconds (nearest rank, so p50 <= p95 <= p99 <= max)."""
    values = sorted(seconds)
    return {
        "count": len(values),
        "p50_ms": round(percentile(values, 0.50) * 1000, 2),
        "p95_ms": round(percentile(values, 0.95) * 1000, 2),
        "p99_ms": round(percentile(values, 0.99) * 1000, 2),
        "max_ms": round((values[-1] if values else 0.0) * 1000, 2),
    }


def median_of(summaries: list[dict]) -> dict:
    """Per-figure median of several runs' summaries; counts and errors are summed."""
    if not summaries:
        return {}
    out: dict = {}
    for key in summaries[0]:
        values = [s[key] for s in summaries if key in s]
        if key in {"count", "errors", "zero_hits"}:
            out[key] = sum(values)
        elif all(isinstance(v, int | float) for v in values):
            ordered = sorted(values)
            out[key] = ordered[len(ordered) // 2]  # upper median: an actual measured run
        else:
            out[key] = values[0]
    # medians taken figure by figure can come out of order; keep the reported ladder sane
    ladder = ["p50_ms", "p95_ms", "p99_ms", "max_ms"]
    for low, high in zip(ladder, ladder[1:], strict=False):
        if low in out and high in out and out[high] < out[low]:
            out[high] = out[low]
    return out


# --------------------------------------------------------------------------- the query mix

STOPWORDS = frozenset(
    """about above after again against also among been before being below between both
    could does doing down during each from further have having here into itself just more
    most much must only other over same said says should since some such than that their
    them then there these they this those through under until very were what when where
    which while whom will with would year years your last first would told""".split()  # noqa: SIM905
)
_WORD = re.compile(r"[A-Za-z]{4,}")
_TOKEN = re.compile(r"[A-Za-z]+")

SEARCH_KINDS = (
    "1 word",
    "2 words",
    "3 words",
    "phrase",
    "OR / -word",
    "field",
    "words + source",
    "words + dates",
    "empty + filters",
    "sort newest",
    # Issue 19's operators, after the others so that their queries stay as they were.
    "proximity",
    "fuzzy",
    "grouped",
    "adversarial",
    # Issue 18: an empty query with a half-year date range (the outside run's slow kind).
    "empty + dates",
)
EMPTY_KINDS = ("empty + filters", "empty + dates")  # no words: not in "search API/page"
ADVERSARIAL_FORMS = ("made-up words", "one word repeated", "many ORs", "deep brackets", "fuzzy")
WORD_KINDS = ("1 word", "2 words", "3 words")  # the ones compared with icontains and FTS5
PAGE_KINDS = (
    "article",
    "latest",
    "sources",
    "source",
    "author",
    "tag",
    "archive year",
    "archive month",
    "archive day",
)
LIST_KINDS = ("latest", "sources", "source", "author", "tag")
ARCHIVE_KINDS = ("archive year", "archive month", "archive day")


@dataclass
class Query:
    kind: str
    params: dict
    words: list[str] = field(default_factory=list)  # plain words, for the baselines

    def path(self, endpoint: str) -> str:
        base = "/api/search/" if endpoint == "api" else "/search/"
        return base + "?" + urlencode(self.params)


@dataclass
class DbFacts:
    """What the query mix and the page list need from the database."""

    sources: list[str]
    authors: list[str]
    tags: list[str]
    articles: list[tuple[int, str, str | None]]  # (id, slug, published), a seeded sample
    days: list[str]  # publication dates that exist, YYYY-MM-DD
    count: int
    max_id: int


def read_db_facts(db_path: Path, *, seed: int, sample: int = 500) -> DbFacts:
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        sources = [r[0] for r in con.execute("SELECT slug FROM archive_source ORDER BY slug")]
        authors = [r[0] for r in con.execute("SELECT slug FROM archive_author ORDER BY slug")]
        tags = [r[0] for r in con.execute("SELECT slug FROM archive_tag ORDER BY slug")]
        count, max_id = con.execute(
            "SELECT count(*), coalesce(max(id), 0) FROM archive_article WHERE is_public"
        ).fetchone()
        ids = [r[0] for r in con.execute("SELECT id FROM archive_article WHERE is_public")]
        rng = random.Random(seed)
        chosen = sorted(rng.sample(ids, min(sample, len(ids))))
        articles = []
        for start in range(0, len(chosen), 500):
            part = chosen[start : start + 500]
            marks = ",".join("?" * len(part))
            articles += con.execute(
                f"SELECT id, slug, published FROM archive_article WHERE id IN ({marks})", part
            ).fetchall()
        days = [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT published FROM archive_article WHERE published IS NOT NULL "
                "ORDER BY published"
            )
        ]
    finally:
        con.close()
    return DbFacts(sources, authors, tags, sorted(articles), days, count, max_id)


def corpus_sample(shard_dir: Path, *, limit: int = 3000) -> list[dict]:
    """The first `limit` articles of a sharded corpus (what the vocabulary is drawn from)."""
    out: list[dict] = []
    for shard in sorted(shard_dir.glob("*.jsonl")):
        with open(shard, encoding="utf-8") as fh:
            for line in fh:
                out.append(json.loads(line))
                if len(out) >= limit:
                    return out
    return out


def vocabulary(articles: list[dict]) -> list[str]:
    """Words that real queries would use: not stop words, in 0.2%-20% of the articles."""
    df: Counter[str] = Counter()
    for article in articles:
        df.update({w.lower() for w in _WORD.findall(article["title"] + " " + article["body"])})
    n = max(1, len(articles))
    low, high = max(2, int(0.002 * n)), max(3, int(0.2 * n))
    return sorted(w for w, c in df.items() if low <= c <= high and w not in STOPWORDS)


def _phrase(rng: random.Random, article: dict) -> list[str]:
    tokens = _TOKEN.findall(article["body"])
    for _ in range(50):
        i = rng.randrange(max(1, len(tokens) - 2))
        pair = tokens[i : i + 2]
        if (
            len(pair) == 2
            and all(len(t) >= 3 for t in pair)
            and any(t.lower() not in STOPWORDS and len(t) >= 4 for t in pair)
        ):
            return [t.lower() for t in pair]
    return [t.lower() for t in tokens[:2]]


def _date_window(rng: random.Random, days: list[str]) -> tuple[str, str]:
    first = dt.date.fromisoformat(days[0]) if days else dt.date(2015, 1, 1)
    last = dt.date.fromisoformat(days[-1]) if days else dt.date(2024, 12, 31)
    span = max(1, (last - first).days)
    length = rng.choice((31, 92, 365, 730))
    start = first + dt.timedelta(days=rng.randrange(span))
    return start.isoformat(), min(last, start + dt.timedelta(days=length)).isoformat()


def _half_year(rng: random.Random, days: list[str]) -> tuple[str, str]:
    """A window of 182 days inside the archive's dates."""
    first = dt.date.fromisoformat(days[0]) if days else dt.date(2015, 1, 1)
    last = dt.date.fromisoformat(days[-1]) if days else dt.date(2024, 12, 31)
    start = first + dt.timedelta(days=rng.randrange(max(1, (last - first).days - 182)))
    return start.isoformat(), min(last, start + dt.timedelta(days=182)).isoformat()


def build_queries(*, seed: int, per_kind: int, articles: list[dict], facts: DbFacts) -> list[Query]:
    """A fixed, seeded mix: per_kind queries of each kind in SEARCH_KINDS."""
    rng = random.Random(seed)
    vocab = vocabulary(articles) or sorted(
        {w.lower() for a in articles for w in _WORD.findall(a["body"])} - STOPWORDS
    )
    title_words = sorted(
        {w.lower() for a in articles for w in _WORD.findall(a["title"])} - STOPWORDS
    )
    sources = facts.sources or ["none"]
    authors = facts.authors or ["none"]
    tags = facts.tags or ["none"]

    vocab_set = set(vocab)

    def words(k: int) -> list[str]:
        """k query words that occur together in one article, so AND queries find something
        (words drawn independently mostly find nothing, which flatters every engine)."""
        if k == 1:
            return [rng.choice(vocab)]
        for _ in range(20):
            article = rng.choice(articles)
            text = article["title"] + " " + article["body"]
            present = sorted({w.lower() for w in _WORD.findall(text)} & vocab_set)
            if len(present) >= k:
                return rng.sample(present, k)
        return rng.sample(vocab, k)

    out: list[Query] = []
    for kind in SEARCH_KINDS:
        for i in range(per_kind):
            if kind in WORD_KINDS:
                ws = words(WORD_KINDS.index(kind) + 1)
                out.append(Query(kind, {"q": " ".join(ws)}, ws))
            elif kind == "phrase":
                ws = _phrase(rng, rng.choice(articles))
                out.append(Query(kind, {"q": '"' + " ".join(ws) + '"'}, ws))
            elif kind == "OR / -word":
                a, b = words(2)
                q = f"{a} OR {b}" if i % 2 == 0 else f"{a} -{b}"
                out.append(Query(kind, {"q": q}, [a, b]))
            elif kind == "field":
                form = i % 4
                if form == 0:
                    q = f"title:{rng.choice(title_words)}"
                elif form == 1:
                    q = f"{words(1)[0]} author:{rng.choice(authors)}"
                elif form == 2:
                    q = f"{words(1)[0]} source:{rng.choice(sources)}"
                else:
                    q = f"tag:{rng.choice(tags)}"
                out.append(Query(kind, {"q": q}))
            elif kind == "words + source":
                ws = words(1 + i % 2)
                out.append(Query(kind, {"q": " ".join(ws), "source": rng.choice(sources)}, ws))
            elif kind == "words + dates":
                ws = words(1 + i % 2)
                start, end = _date_window(rng, facts.days)
                out.append(Query(kind, {"q": " ".join(ws), "start": start, "end": end}, ws))
            elif kind == "empty + filters":
                start, end = _date_window(rng, facts.days)
                params = [
                    {"source": rng.choice(sources)},
                    {"start": start, "end": end},
                    {"source": rng.choice(sources), "start": start, "end": end},
                    {"tag": rng.choice(tags)},
                ][i % 4]
                out.append(Query(kind, {"q": "", **params}))
            elif kind == "sort newest":
                ws = words(1)
                out.append(Query(kind, {"q": ws[0], "sort": "newest"}, ws))
            elif kind == "proximity":
                ws = words(2)
                out.append(Query(kind, {"q": f'"{ws[0]} {ws[1]}"~{rng.randint(2, 10)}'}, ws))
            elif kind == "fuzzy":
                ws = words(1 + i % 2)
                edits = 1 + i % 2
                q = " ".join([misspelled(rng, ws[0], edits) + f"~{edits}", *ws[1:]])
                out.append(Query(kind, {"q": q}, ws))
            elif kind == "grouped":
                a, b, c = words(3)
                d, e = rng.sample(vocab, 2)
                out.append(Query(kind, {"q": f"{a} ({b} OR {c}) -({d} OR {e})"}, [a, b, c]))
            elif kind == "adversarial":
                form = ADVERSARIAL_FORMS[i % len(ADVERSARIAL_FORMS)]
                out.append(Query(kind, {"q": adversarial_query(rng, form, vocab)}))
            elif kind == "empty + dates":
                start, end = _half_year(rng, facts.days)
                out.append(Query(kind, {"q": "", "start": start, "end": end}))
    return out


def misspelled(rng: random.Random, word: str, edits: int) -> str:
    """`word` with `edits` letters changed (never the first: fuzzy words keep it)."""
    letters = list(word)
    for _ in range(edits):
        at = rng.randrange(1, len(letters)) if len(letters) > 1 else 0
        letters[at] = "z" if letters[at] != "z" else "q"
    return "".join(letters)


def adversarial_query(rng: random.Random, form: str, vocab: list[str], length: int = 500) -> str:
    """A query of `length` characters built to cost the most (issue 19): made-up words, one
    unknown word repeated, a long chain of ORs, brackets nested deep, or many fuzzy words."""

    def made_up() -> str:
        return "".join(rng.choice("bcdfghjklmnpqrstvwxz") for _ in range(rng.randint(5, 7)))

    if form == "made-up words":
        parts = [made_up() for _ in range(length // 6)]
    elif form == "one word repeated":
        parts = [made_up()] * length
    elif form == "many ORs":
        parts = " OR ".join(rng.choice(vocab) for _ in range(length // 8)).split()
    elif form == "deep brackets":
        a, b = rng.sample(vocab, 2)
        depth = (length - len(a) - len(b) - 4) // 2
        return ("(" * depth + f"{a} OR {b}" + ")" * depth)[:length]
    else:
        parts = [rng.choice(vocab) + "~2" for _ in range(length // 8)]
    return " ".join(parts)[:length].strip()


def build_pages(*, seed: int, per_kind: int, facts: DbFacts) -> list[tuple[str, str]]:
    """(kind, path) for article, list and date-archive pages, seeded."""
    rng = random.Random(seed)
    pages: list[tuple[str, str]] = []
    days = facts.days or ["2020-01-01"]
    max_page = max(1, min(50, facts.count // 20))
    for kind in PAGE_KINDS:
        for _ in range(per_kind):
            if kind == "article" and facts.articles:
                pk, slug, _published = rng.choice(facts.articles)
                pages.append((kind, f"/articles/{pk}/{slug}/"))
            elif kind == "latest":
                page = rng.choice((1, 1, 2, 3, rng.randint(1, max_page)))
                pages.append((kind, "/" if page == 1 else f"/?page={page}"))
            elif kind == "sources":
                pages.append((kind, "/sources/"))
            elif kind == "source" and facts.sources:
                pages.append((kind, f"/sources/{rng.choice(facts.sources)}/"))
            elif kind == "author" and facts.authors:
                pages.append((kind, f"/authors/{rng.choice(facts.authors)}/"))
            elif kind == "tag" and facts.tags:
                pages.append((kind, f"/tags/{rng.choice(facts.tags)}/"))
            elif kind.startswith("archive"):
                y, m, d = rng.choice(days).split("-")
                path = {"archive year": f"/archive/{y}/", "archive month": f"/archive/{y}/{m}/"}
                pages.append((kind, path.get(kind, f"/archive/{y}/{m}/{d}/")))
    return pages


# --------------------------------------------------------------------------- HTTP


class Client:
    """One keep-alive connection (reopened when the server closes it, as sync workers do)."""

    def __init__(self, host: str, port: int, timeout: float = 120.0):
        self.host, self.port, self.timeout = host, port, timeout
        self.conn = http.client.HTTPConnection(host, port, timeout=timeout)

    def get(self, path: str) -> tuple[int, bytes, float]:
        """(status, body, seconds); status 0 when the request failed outright."""
        started = time.perf_counter()
        for attempt in (1, 2):
            try:
                self.conn.request("GET", path, headers={"Accept-Encoding": "identity"})
                resp = self.conn.getresponse()
                body = resp.read()
                return resp.status, body, time.perf_counter() - started
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()  # a stale keep-alive connection: retry once on a new one
                if attempt == 2:
                    return 0, b"", time.perf_counter() - started
            except (http.client.HTTPException, OSError) as exc:
                self.conn.close()
                return 0, str(exc).encode(), time.perf_counter() - started
        return 0, b"", time.perf_counter() - started  # pragma: no cover

    def close(self) -> None:
        self.conn.close()


def api_count(body: bytes) -> int | None:
    try:
        data = json.loads(body)
    except ValueError:
        return None
    return data.get("count") if isinstance(data, dict) else None


@dataclass
class Sample:
    kind: str
    endpoint: str
    seconds: float
    status: int
    hits: int | None = None
    query: Query | None = None


def run_mix(
    client: Client, queries: list[Query], pages: list[tuple[str, str]], *, seed: int
) -> list[Sample]:
    """One pass over every search (API and page) and every page, in a seeded order."""
    jobs = [("api", q) for q in queries] + [("page", q) for q in queries]
    jobs += [("browse", p) for p in pages]
    random.Random(seed).shuffle(jobs)
    samples = []
    for endpoint, job in jobs:
        if endpoint == "browse":
            kind, path = job
            status, _, secs = client.get(path)
            samples.append(Sample(kind, "browse", secs, status))
            continue
        status, body, secs = client.get(job.path(endpoint))
        hits = api_count(body) if endpoint == "api" and status == 200 else None
        samples.append(Sample(job.kind, endpoint, secs, status, hits, job))
    return samples


def summarize_samples(samples: list[Sample], endpoint: str, kinds: tuple[str, ...]) -> dict:
    out = {}
    for kind in kinds:
        mine = [s for s in samples if s.endpoint == endpoint and s.kind == kind]
        if not mine:
            continue
        summary = summarize([s.seconds for s in mine if s.status == 200])
        summary["count"] = len(mine)
        summary["errors"] = sum(1 for s in mine if s.status != 200)
        if endpoint == "api":
            summary["zero_hits"] = sum(1 for s in mine if s.hits == 0)
        out[kind] = summary
    return out


def throughput(
    host: str, port: int, queries: list[Query], *, clients: int, seconds: float, seed: int
) -> dict:
    """`clients` threads searching (API and page alternately) for `seconds`."""
    deadline = time.perf_counter() + seconds
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[int] = []

    def worker(k: int) -> None:
        rng = random.Random(seed * 100 + k)
        client = Client(host, port)
        mine, bad = [], 0
        try:
            while time.perf_counter() < deadline:
                query = rng.choice(queries)
                status, _, secs = client.get(query.path(rng.choice(("api", "page"))))
                if status == 200:
                    mine.append(secs)
                else:
                    bad += 1
        finally:
            client.close()
        with lock:
            latencies.extend(mine)
            errors.append(bad)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    summary = summarize(latencies)
    return {
        "clients": clients,
        "seconds": round(elapsed, 2),
        "requests": len(latencies) + sum(errors),
        "errors": sum(errors),
        "per_s": round(len(latencies) / elapsed, 2) if elapsed else 0.0,
        **{k: v for k, v in summary.items() if k != "count"},
    }
