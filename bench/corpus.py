"""Deterministic benchmark corpus: N unique, realistic articles as JSON lines.

    python -m bench.corpus --n 10000 --seed 42 --out var/bench/corpus-10000.jsonl

Every body is made of real paragraphs from the third-party corpora in ``../shared/corpora``
(Reuters-21578 and BBC News), read at run time: nothing from them is copied into this
repository. An article takes a few paragraphs, in order, from one real story (whose headline
becomes its title) and fills up to a drawn length with runs of paragraphs from other real
stories, mostly of the same topic. Sources, authors, dates and tags are generated; tags come
from the real topic codes, places and categories of the stories used.

Same (n, seed) gives a byte-identical file, and the first k articles do not depend on n
(the 10,000-article corpus is the prefix of the 100,000-article one). Output is streamed.

One JSON object a line, keys in this order: title, body, body_format ("text"), url,
published ("YYYY-MM-DD"), source, authors (1-3 names), tags (1-4 names), language ("en").
Titles, urls and bodies (after whitespace/case normalisation) are unique, because the
importer deduplicates on normalised text and URL and would skip a duplicate silently.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import gzip
import hashlib
import json
import math
import os
import random
import re
import shutil
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPORA = REPO_ROOT.parent / "shared" / "corpora"

DATE_START = dt.date(2015, 1, 1)
DATE_END = dt.date(2024, 12, 31)
MEDIAN_WORDS = 580  # drawn target; the last paragraph overshoots, the result is ~600
SIGMA_WORDS = 0.45
MIN_WORDS, MAX_WORDS = 150, 2500
BBC_SHARE = 0.35  # share of articles whose lead story (and title) comes from BBC
SAME_GROUP = 0.75  # chance a filler story is from the lead story's topic group
POOL_SEED = 1987  # sources, authors: fixed, whatever the article seed

# --------------------------------------------------------------------------- text cleaning

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]+")
_REUTERS_PARA = re.compile(r"\n[ \t]*\n|\n[ \t]+")
_BBC_PARA = re.compile(r"\n[ \t]*\n")
_TICKER = re.compile(r"<[^<>]*>")
_ALL_BYTES = bytes(range(256))
_NOT_LETTER = bytes(b for b in _ALL_BYTES if not (chr(b).isalpha() and b < 128 or b >= 128))
_NOT_UPPER = bytes(b for b in _ALL_BYTES if not chr(b).isupper() or b >= 128)
_NOT_DIGIT = bytes(b for b in _ALL_BYTES if not chr(b).isdigit() or b >= 128)
_ENDS_SENTENCE = (".", "!", "?", '"', "'", ")", "\u201d", "\u2019")


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def normalize(text: str) -> str:
    """Case-folded, whitespace-collapsed text: what "the same body" means for the importer."""
    return " ".join(text.casefold().split())


def clean_text(text: str) -> str:
    """Remove control characters (Reuters has ^B/^C) and collapse whitespace."""
    return " ".join(_CONTROL.sub("", text).split())


def _good_paragraph(para: str, min_words: int) -> bool:
    words = para.split()
    if len(words) < min_words or not para.endswith(_ENDS_SENTENCE):
        return False
    if "blah blah" in para.casefold() or para.startswith(("Reuter", "REUTER")):
        return False
    raw = para.encode()  # counting on bytes is fast; non-ASCII counts as letters
    letters = len(raw.translate(None, _NOT_LETTER))
    if letters < 0.7 * len(raw):
        return False
    upper = len(raw.translate(None, _NOT_UPPER))
    digits = len(raw.translate(None, _NOT_DIGIT))
    return upper < 0.25 * letters and digits < 0.1 * len(raw)


_SMALL_WORDS = frozenset(
    _words("a an and as at but by for from in into of off on or over per the to up via vs with")
)
_ACRONYMS = frozenset(
    _words(
        "ADR AG AMEX BP CD CEO CFTC CPI EC EEC FCC FDIC FED FHLBB FRG GATT GNP GDP IBM IMF "
        "IPO ITC LDC NV NYSE OECD OPEC PLC SA SEC UAW UK UN US USA USDA USSR"
    )
)


def _title_word(word: str, first: bool) -> str:
    bare = word.strip("\"'(),:;")
    if bare in _ACRONYMS or re.fullmatch(r"(?:[A-Z]\.){2,}", bare):
        return word
    if not first and word.lower() in _SMALL_WORDS:
        return word.lower()
    if any(c.isdigit() for c in word):  # 1ST, 4TH, 1987/88, 12-MTH
        return word.lower()
    return "-".join(part[:1].upper() + part[1:].lower() for part in word.split("-"))


def reuters_headline(title: str) -> str:
    """'STANDARD OIL <SRD> TO FORM FINANCIAL UNIT' -> 'Standard Oil to Form Financial Unit'."""
    words = clean_text(_TICKER.sub(" ", title)).split()
    return " ".join(_title_word(w, i == 0) for i, w in enumerate(words))


# --------------------------------------------------------------------------- the source pool


@dataclass(frozen=True)
class Story:
    headline: str
    group: str  # BBC category or Reuters first topic ("" if none)
    tags: tuple[str, ...]  # tag names from the story's real metadata, most specific first
    paras: tuple[int, ...]  # indexes into Pool.paragraphs, in story order


@dataclass
class Pool:
    paragraphs: list[str] = field(default_factory=list)
    words: list[int] = field(default_factory=list)
    stories: list[Story] = field(default_factory=list)
    bbc: list[int] = field(default_factory=list)  # story indexes
    reuters: list[int] = field(default_factory=list)
    by_group: dict[str, list[int]] = field(default_factory=dict)


BBC_TAGS = {
    "business": "business",
    "entertainment": "entertainment",
    "politics": "politics",
    "sport": "sport",
    "tech": "technology",
}
REUTERS_TOPIC_TAGS = {
    "earn": "earnings", "acq": "mergers and acquisitions", "money-fx": "foreign exchange",
    "grain": "grain", "crude": "crude oil", "trade": "trade", "interest": "interest rates",
    "ship": "shipping", "wheat": "wheat", "corn": "corn", "oilseed": "oilseeds",
    "sugar": "sugar", "dlr": "us dollar", "gnp": "economic growth", "coffee": "coffee",
    "veg-oil": "vegetable oil", "gold": "gold", "money-supply": "money supply",
    "nat-gas": "natural gas", "livestock": "livestock", "soybean": "soybeans",
    "cpi": "inflation", "bop": "balance of payments", "copper": "copper", "carcass": "meat",
    "reserves": "currency reserves", "cocoa": "cocoa", "jobs": "employment", "rice": "rice",
    "iron-steel": "steel", "cotton": "cotton", "alum": "aluminium", "yen": "yen",
    "ipi": "industrial production", "gas": "gasoline", "meal-feed": "animal feed",
    "rubber": "rubber", "barley": "barley", "zinc": "zinc", "palm-oil": "palm oil",
    "pet-chem": "petrochemicals", "silver": "silver", "rapeseed": "rapeseed", "lead": "lead",
    "sorghum": "sorghum", "tin": "tin", "strategic-metal": "strategic metals",
    "wpi": "wholesale prices", "fuel": "fuel oil", "soy-meal": "soymeal", "hog": "hogs",
    "soy-oil": "soybean oil", "heat": "heating oil", "orange": "orange juice",
    "retail": "retail", "housing": "housing", "sunseed": "sunflower seed", "lumber": "lumber",
    "stg": "sterling", "tea": "tea", "dmk": "deutsche mark", "oat": "oats",
    "lei": "leading indicators", "income": "personal income", "platinum": "platinum",
    "nickel": "nickel",
}  # fmt: skip
PLACE_NAMES = {"usa": "United States", "uk": "United Kingdom", "ussr": "Soviet Union"}
N_PLACE_TAGS = 30
GENERIC_TAGS = ("economy", "markets", "world", "companies")


def _place_tag(code: str) -> str:
    return PLACE_NAMES.get(code) or code.replace("-", " ").title()


def _read_bbc(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")  # sport/199.txt


def corpora_dir(corpora: Path | str | None = None) -> Path:
    """The corpora folder, or SystemExit with a clear message when it is missing."""
    path = Path(corpora or os.environ.get("BENCH_CORPORA") or DEFAULT_CORPORA)
    missing = [p for p in ("reuters21578.jsonl.gz", "bbc") if not (path / p).exists()]
    if missing:
        raise SystemExit(
            f"bench.corpus: third-party corpora not found in {path} (missing: "
            f"{', '.join(missing)}); put them in ../shared/corpora or pass --corpora/BENCH_CORPORA"
        )
    return path


def load_pool(corpora: Path | str | None = None) -> Pool:
    """Read every usable paragraph and story from Reuters-21578 and BBC News (cached)."""
    return _load_pool(corpora_dir(corpora).resolve())


@functools.lru_cache(maxsize=2)
def _load_pool(path: Path) -> Pool:
    pool = Pool()
    para_index: dict[str, int] = {}

    def add_story(headline: str, group: str, tags: list[str], paras: list[str]) -> int | None:
        ids: list[int] = []
        new = False
        for para in paras:
            idx = para_index.get(para)
            if idx is None:
                idx = para_index[para] = len(pool.paragraphs)
                pool.paragraphs.append(para)
                pool.words.append(len(para.split()))
                new = True
            if idx not in ids:
                ids.append(idx)
        if not headline or not ids or not new:  # nothing usable, or a duplicate story
            return None
        pool.stories.append(Story(headline, group, tuple(dict.fromkeys(tags)), tuple(ids)))
        story = len(pool.stories) - 1
        pool.by_group.setdefault(group, []).append(story)
        return story

    reuters_docs = []
    place_counts: Counter[str] = Counter()
    with gzip.open(path / "reuters21578.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            doc = json.loads(line)
            if doc.get("title") and doc.get("body"):
                reuters_docs.append(doc)
                place_counts.update(doc.get("places") or ())
    top_places = set(sorted(place_counts, key=lambda c: (-place_counts[c], c))[:N_PLACE_TAGS])
    for doc in reuters_docs:
        paras = [clean_text(p) for p in _REUTERS_PARA.split(doc["body"])]
        paras = [p for p in paras if _good_paragraph(p, 10)]
        topics = [t for t in doc.get("topics") or () if t in REUTERS_TOPIC_TAGS]
        tags = [REUTERS_TOPIC_TAGS[t] for t in topics]
        tags += [_place_tag(p) for p in doc.get("places") or () if p in top_places]
        group = topics[0] if topics else ""
        story = add_story(reuters_headline(doc["title"]), group, tags, paras)
        if story is not None:
            pool.reuters.append(story)

    for category in sorted(p.name for p in (path / "bbc").iterdir() if p.is_dir()):
        for file in sorted((path / "bbc" / category).glob("*.txt")):
            headline, _, body = _read_bbc(file).strip().partition("\n")
            paras = [clean_text(p) for p in _BBC_PARA.split(body)]
            paras = [p for p in paras if _good_paragraph(p, 6)]
            tag = BBC_TAGS.get(category, category)
            story = add_story(clean_text(headline), f"bbc:{category}", [tag], paras)
            if story is not None:
                pool.bbc.append(story)
    return pool


# --------------------------------------------------------------------------- sources, authors

_TOWN_HEADS = _words(
    "Ash Bel Brook Cale Dun Elm Fair Glen Hart Holm Kings Lark Mill North Oak Pem Queens "
    "Raven Stone Thorn Wes Wren Marl Red Silver Wyn"
)
_TOWN_TAILS = _words("ford haven field bridge mouth wick ton bury dale port more stead ley worth")
_MASTHEADS = _words(
    "Gazette Herald Chronicle Courier Tribune Observer Post Times Ledger Record Sentinel "
    "Examiner Dispatch Standard Journal Mercury Star Argus Echo Telegraph Advertiser Register"
)
_AGENCIES = (
    "Continental Press Agency", "Meridian News Service", "Atlas Wire", "Northern Newswire",
    "Pacific Press Association", "Harbour Financial Wire", "Crossroads News Agency",
    "Compass Business Daily",
)  # fmt: skip
_TLDS = (".com", ".com", ".com", ".co.uk", ".co.uk", ".com.au", ".ca", ".ie", ".co.nz", ".net")
_FIRST = _words(
    "Aaron Abigail Adrian Aisha Alan Alice Amara Andrew Anna Ben Carlos Catherine Chen Chloe "
    "Daniel David Diana Elena Emily Fatima Felix Fiona George Grace Hannah Hiroshi Ian Isabel "
    "Jack James Javier Julia Karen Kofi Laura Leo Liam Lucy Maria Mark Martin Maya Mei Michael "
    "Nadia Naomi Nikos Olivia Omar Patrick Paul Priya Rachel Rahul Robert Ruth Samuel Sara "
    "Sean Sofia Sophie Stefan Thomas Tom Yusuf Zoe"
)
_LAST = _words(
    "Abbott Adeyemi Ahmed Alvarez Anderson Bailey Barker Bennett Brennan Brooks Campbell Carter "
    "Chandra Clarke Collins Cooper Costa Dawson Dixon Doyle Duarte Edwards Ellis Evans Fischer "
    "Fleming Foster Garcia Gibson Gordon Grant Hall Hansen Harper Hayes Hughes Ibrahim Jensen "
    "Kaur Kelly Kennedy Khan Kim Kowalski Larsen Lawson Lee Lopez Marshall Mason Mensah Meyer "
    "Mitchell Moreno Murphy Nakamura Nguyen Novak Okafor Olsen Owens Palmer Patel Pereira "
    "Porter Quinn Reid Reyes Richter Rossi Russell Santos Schmidt Shaw Silva Singh Sullivan "
    "Tanaka Taylor Thompson Turner Walsh Ward Watson Weber Wright Young Zhang"
)


@dataclass(frozen=True)
class Source:
    name: str
    domain: str
    staff: tuple[str, ...]


@functools.lru_cache(maxsize=1)
def sources() -> tuple[Source, ...]:
    """64 outlets (56 papers, 8 agencies), each with a domain and 4-10 staff writers."""
    rng = random.Random(POOL_SEED)
    names: dict[str, None] = {}
    towns = [h + t for h in _TOWN_HEADS for t in _TOWN_TAILS]
    while len(names) < 56:
        town, masthead = rng.choice(towns), rng.choice(_MASTHEADS)
        if not any(n.split()[1] == town for n in names):  # one paper a town
            names[f"The {town} {masthead}"] = None
    all_names = list(names) + list(_AGENCIES)
    people = [f"{f} {last}" for f in _FIRST for last in _LAST]
    rng.shuffle(people)
    out, used = [], 0
    for name in all_names:
        size = rng.randint(4, 10)
        staff, used = tuple(people[used : used + size]), used + size
        words = [w for w in name.lower().split() if w != "the"]
        base = "".join(words[:2]) if name in _AGENCIES else "".join(words)
        out.append(Source(name, base + rng.choice(_TLDS), staff))
    return tuple(out)


# --------------------------------------------------------------------------- building

QUALIFIERS = (
    "Analysis", "Update", "Explainer", "What We Know", "Reaction", "Timeline", "Factbox",
    "Opinion", "Commentary", "Background", "In Depth", "Key Points", "The Details",
    "Five Things to Know", "Latest", "Briefing", "Market Wrap", "Preview", "Review",
    "Follow-Up", "Fact Check", "Special Report", "Interview", "Insight", "Recap",
    "Weekend Edition", "Morning Briefing", "Evening Report", "Regional View", "Industry View",
    "Expert View", "Viewpoint", "Extended", "Full Story", "Context", "Outlook", "Q&A",
    "Looking Back", "Second Look", "Reader Questions",
)  # fmt: skip
SECTIONS = {"bbc:business": "business", "bbc:entertainment": "culture", "bbc:politics": "politics",
            "bbc:sport": "sport", "bbc:tech": "technology"}  # fmt: skip
_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str, max_len: int = 60) -> str:
    slug = _SLUG.sub("-", text.lower()).strip("-")
    if len(slug) > max_len:
        slug = slug[:max_len].rsplit("-", 1)[0]
    return slug or "article"


def _unique_title(rng: random.Random, headline: str, pool: Pool, seen: set[str]) -> str:
    candidates = [headline]
    candidates += [f"{headline}: {q}" for q in rng.sample(QUALIFIERS, 4)]
    other = pool.stories[rng.randrange(len(pool.stories))].headline
    candidates.append(f"{headline}; {other}")
    for title in candidates:
        if normalize(title) not in seen:
            return title
    k = 2
    while normalize(f"{candidates[1]} ({k})") in seen:
        k += 1
    return f"{candidates[1]} ({k})"


def _assemble(rng: random.Random, pool: Pool, lead: int) -> tuple[list[int], list[int]]:
    """Paragraph ids (in order) and the stories used, lead first."""
    target = rng.lognormvariate(math.log(MEDIAN_WORDS), SIGMA_WORDS)
    target = min(MAX_WORDS, max(MIN_WORDS, target))
    story = pool.stories[lead]
    # the lead story gives its first paragraphs, up to about half of the target
    lead_share = target * rng.uniform(0.3, 0.6)
    chosen: list[int] = []
    words = 0
    for p in story.paras:
        if chosen and words + pool.words[p] > lead_share:
            break
        chosen.append(p)
        words += pool.words[p]
    used = [lead]
    group = pool.by_group.get(story.group) or pool.reuters
    while words < target or len(used) < 2:
        if rng.random() < SAME_GROUP and len(group) > 1:
            donor = group[rng.randrange(len(group))]
        else:
            donor = rng.randrange(len(pool.stories))
        if donor in used:
            continue
        paras = pool.stories[donor].paras
        start = rng.randrange(len(paras)) if rng.random() < 0.5 else 0
        run = rng.randint(1, 4)
        added = False
        for p in paras[start : start + run]:
            if p in chosen:
                continue
            chosen.append(p)
            words += pool.words[p]
            added = True
            if words >= target:
                break
        if added:
            used.append(donor)
    return chosen, used


def _tags(rng: random.Random, pool: Pool, used: list[int]) -> list[str]:
    """1-4 tags: the lead story's own first, then those of fillers of the same topic group."""
    lead = pool.stories[used[0]]
    names = dict.fromkeys(lead.tags)
    for s in used[1:]:
        if pool.stories[s].group == lead.group:
            names.update(dict.fromkeys(pool.stories[s].tags))
    for s in used[1:]:  # other fillers only when the lead's group gave too few
        names.update(dict.fromkeys(pool.stories[s].tags))
    k = rng.choices((1, 2, 3, 4), weights=(2, 4, 3, 2))[0]
    return list(names)[:k] or [rng.choice(GENERIC_TAGS)]


def build_corpus(n: int, *, seed: int = 42, corpora: Path | str | None = None) -> Iterator[dict]:
    """Yield n unique articles, deterministically for (n, seed); see the module docstring."""
    if n < 0:
        raise ValueError("n must be >= 0")
    pool = load_pool(corpora)
    outlets = sources()
    source_weights = [1 / (rank + 1) ** 0.6 for rank in range(len(outlets))]
    rng = random.Random(seed)
    outlets = list(outlets)
    rng.shuffle(outlets)  # which outlet is big depends on the seed
    span = (DATE_END - DATE_START).days
    seen_titles: set[str] = set()
    seen_bodies: set[bytes] = set()
    for i in range(n):
        lead_list = pool.bbc if rng.random() < BBC_SHARE else pool.reuters
        lead = lead_list[rng.randrange(len(lead_list))]
        for _attempt in range(100):
            paras, used = _assemble(rng, pool, lead)
            body = "\n\n".join(pool.paragraphs[p] for p in paras)
            key = hashlib.blake2b(normalize(body).encode(), digest_size=16).digest()
            if key not in seen_bodies:
                break
        else:  # pragma: no cover - would need an absurdly small pool
            raise RuntimeError(f"could not make a unique body for article {i}")
        seen_bodies.add(key)
        title = _unique_title(rng, pool.stories[lead].headline, pool, seen_titles)
        seen_titles.add(normalize(title))
        outlet = rng.choices(outlets, weights=source_weights)[0]
        n_authors = rng.choices((1, 2, 3), weights=(70, 22, 8))[0]
        authors = rng.sample(outlet.staff, min(n_authors, len(outlet.staff)))
        published = DATE_START + dt.timedelta(days=rng.randint(0, span))
        section = SECTIONS.get(pool.stories[lead].group, "business")
        url = (
            f"https://www.{outlet.domain}/{section}/{published:%Y/%m/%d}/"
            f"{slugify(title)}-{seed % 1000:03d}{i + 1:07d}"
        )
        yield {
            "title": title,
            "body": body,
            "body_format": "text",
            "url": url,
            "published": published.isoformat(),
            "source": outlet.name,
            "authors": authors,
            "tags": _tags(rng, pool, used),
            "language": "en",
        }


@dataclass
class CorpusStats:
    path: str
    n: int
    seed: int
    median_words: float
    p10_words: int
    p90_words: int
    sources: int
    authors: int
    tags: int
    raw_text_bytes: int  # UTF-8 bytes of title + body, summed over all articles
    file_bytes: int
    seconds: float

    def summary(self) -> str:
        return (
            f"bench.corpus: n={self.n} seed={self.seed} median_words={self.median_words:g} "
            f"p10={self.p10_words} p90={self.p90_words} sources={self.sources} "
            f"authors={self.authors} tags={self.tags} raw_text_bytes={self.raw_text_bytes} "
            f"file_bytes={self.file_bytes} seconds={self.seconds:.1f} -> {self.path}"
        )


def _percentile(sorted_values: list[int], q: float) -> int:
    if not sorted_values:
        return 0
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


class _Tally:
    """Running figures for CorpusStats while articles are written."""

    def __init__(self) -> None:
        self.words: list[int] = []
        self.sources: dict[str, None] = {}
        self.authors: dict[str, None] = {}
        self.tags: dict[str, None] = {}
        self.raw_bytes = 0

    def add(self, article: dict) -> None:
        self.words.append(len(article["body"].split()))
        self.raw_bytes += len(article["title"].encode()) + len(article["body"].encode())
        self.sources[article["source"]] = None
        self.authors.update(dict.fromkeys(article["authors"]))
        self.tags.update(dict.fromkeys(article["tags"]))

    def stats(self, path: Path, n: int, seed: int, file_bytes: int, started: float) -> CorpusStats:
        words = sorted(self.words)
        median = 0.0
        if words:
            mid = len(words) // 2
            median = words[mid] if len(words) % 2 else (words[mid - 1] + words[mid]) / 2
        return CorpusStats(
            path=str(path),
            n=n,
            seed=seed,
            median_words=median,
            p10_words=_percentile(words, 0.1),
            p90_words=_percentile(words, 0.9),
            sources=len(self.sources),
            authors=len(self.authors),
            tags=len(self.tags),
            raw_text_bytes=self.raw_bytes,
            file_bytes=file_bytes,
            seconds=time.perf_counter() - started,
        )


def write_corpus(
    path: Path | str, n: int, seed: int = 42, corpora: Path | str | None = None
) -> CorpusStats:
    """Stream build_corpus(n, seed) to path (atomically, via a .tmp file); return stats."""
    started = time.perf_counter()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tally = _Tally()
    with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        for article in build_corpus(n, seed=seed, corpora=corpora):
            fh.write(json.dumps(article, ensure_ascii=False) + "\n")
            tally.add(article)
    os.replace(tmp, path)
    return tally.stats(path, n, seed, path.stat().st_size, started)


def write_shards(
    folder: Path | str,
    n: int,
    seed: int = 42,
    corpora: Path | str | None = None,
    shard_size: int = 2000,
) -> CorpusStats:
    """The same articles as write_corpus, as a folder of JSON-lines files of `shard_size`
    articles each (part-00001.jsonl, ...), so no file comes near the importer's size limit.
    Written to FOLDER.tmp and renamed at the end; stats.path is the folder."""
    if shard_size < 1:
        raise ValueError("shard_size must be >= 1")
    started = time.perf_counter()
    folder = Path(folder)
    tmp = folder.with_name(folder.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    tally = _Tally()
    fh = None
    try:
        for i, article in enumerate(build_corpus(n, seed=seed, corpora=corpora)):
            if i % shard_size == 0:
                if fh:
                    fh.close()
                name = f"part-{i // shard_size + 1:05d}.jsonl"
                fh = open(tmp / name, "w", encoding="utf-8", newline="\n")  # noqa: SIM115
            fh.write(json.dumps(article, ensure_ascii=False) + "\n")
            tally.add(article)
    finally:
        if fh:
            fh.close()
    if folder.exists():
        shutil.rmtree(folder)
    os.replace(tmp, folder)
    size = sum(p.stat().st_size for p in folder.glob("*.jsonl"))
    return tally.stats(folder, n, seed, size, started)


def raw_text_bytes(path: Path | str) -> int:
    """UTF-8 bytes of title + body summed over a corpus file (what an index is compared to)."""
    total = 0
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            article = json.loads(line)
            total += len(article["title"].encode()) + len(article["body"].encode())
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.corpus", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--n", type=int, default=10_000, help="number of articles (10000)")
    parser.add_argument("--seed", type=int, default=42, help="random seed (42)")
    parser.add_argument("--out", type=Path, help="output .jsonl (var/bench/corpus-N.jsonl)")
    parser.add_argument(
        "--corpora", type=Path, help=f"third-party corpora folder ({DEFAULT_CORPORA})"
    )
    args = parser.parse_args(argv)
    if args.n < 0:
        parser.error("--n must be >= 0")
    out = args.out or REPO_ROOT / "var" / "bench" / f"corpus-{args.n}.jsonl"
    stats = write_corpus(out, args.n, seed=args.seed, corpora=args.corpora)
    print(stats.summary(), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
