"""Plain data types passed from parsing (archive.ingest) to saving (archive.services).

No Django imports here or anywhere in archive.ingest: parsing is pure Python so it is fast
and easy to test, and the services layer is the only place that touches the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

FORMATS = ("text", "markdown", "html", "jsonl")
# Publication dates the archive keeps: what its pages can show, link and step through (a
# date archive, a timeline, the admin's year list). Others are read as no date, with a warning.
EARLIEST_DATE = dt.date(1000, 1, 1)
LATEST_DATE = dt.date(2999, 12, 31)
MAX_AUTHORS = 50  # names kept of one article; a longer list is a parse gone wrong
MAX_TAGS = 100  # tags kept of one article (20,000 distinct tags cost a minute to save)
TAG_KINDS = ("region", "theme", "category", "keyword")


class IngestError(ValueError):
    """A document that cannot be turned into an article; the message is shown to the user."""


class Skipped(str):
    """The error of a (name, None, error) document that is no failure: what a web archive
    held besides article pages (images, redirects, requests), counted in one line."""


@dataclass
class RemovedLine:
    """A line the cleaner dropped, and the rule (with its reason) that dropped it."""

    text: str
    rule: str
    reason: str


@dataclass
class Metadata:
    """An article's metadata as one reader found it: what Hints (the container's) and
    metadata.Meta (the text's) have in common; the cleaner merges them, the container's first."""

    title: str = ""
    authors: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)  # agencies, publishers credited
    published: dt.date | dt.datetime | None = None
    source: str = ""
    tags: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Hints(Metadata):
    """Metadata the container (HTML meta tags, JSON keys) already gave; wins over the text's."""

    original_url: str = ""
    language: str = ""
    standfirst: str = ""
    extra: dict = field(default_factory=dict)
    removed: list[RemovedLine] = field(default_factory=list)
    drop_teasers: bool = True  # only scrapes carry unmarked links to other articles


@dataclass
class ParsedArticle:
    """Everything parsing learnt about one article.

    body_html is *not yet* sanitized: archive.services sanitizes every body on save, whoever
    saves it. raw / raw_name / raw_format are the untouched original, kept so the article
    can be parsed again with better rules.
    """

    title: str
    body_html: str
    title_derived: bool = False
    standfirst: str = ""
    authors: list[str] = field(default_factory=list)  # people
    organisations: list[str] = field(default_factory=list)  # credited agencies and publishers
    published: dt.datetime | dt.date | None = None
    source: str = ""  # publisher; "" when unknown (never "admin")
    original_source: str = ""  # "The original source of this article is X"
    original_url: str = ""
    tags: list[tuple[str, str]] = field(default_factory=list)  # (kind, name), kind in TAG_KINDS
    language: str = ""  # ISO 639-1, of the body
    removed: list[RemovedLine] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    raw: bytes = b""
    raw_name: str = ""
    raw_format: str = ""  # one of FORMATS, or "warc" (raw is one WARC record)
    captured: dt.datetime | None = None  # when a web archive captured the page (WARC-Date)
    extra: dict = field(default_factory=dict)  # unknown JSON keys etc., kept with the raw original
    # clean_html() of some of the fields above, worked out where the article was parsed (a
    # parse worker): {text as parsed: its cleaned HTML}. Saving looks here before cleaning.
    cleaned: dict[str, str] = field(default_factory=dict)
    # html_to_text() of some cleaned HTML, worked out there too (the body's, which signing
    # needs): {cleaned HTML: its text}. Saving looks here before converting.
    texts: dict[str, str] = field(default_factory=dict)
    # content_hash() of some of those texts, worked out there too (the body's, which signing
    # normalizes anyway): {text: its content hash}. Saving looks here before hashing.
    hashes: dict[str, str] = field(default_factory=dict)
    # The body text's story signature (archive.signatures.Signature), worked out there too.
    signed: object = None


@dataclass
class Outcome:
    """One item produced from a document: an article, or a clear message saying why not.

    name is "file.txt", "dump.jsonl:17" (line number) or "batch.zip/dir/x.txt".
    """

    name: str
    article: ParsedArticle | None = None
    error: str = ""
    repeats: str = ""  # the name of an earlier line of the same file this line repeats exactly
    skipped: str = ""  # what was skipped (records of a web archive that are not articles)


@dataclass(frozen=True)
class Limits:
    """Size limits that protect the importer from huge files and zip bombs."""

    max_file_bytes: int = 20 * 1024 * 1024  # per file (also per zip member, uncompressed)
    max_zip_members: int = 10_000
    max_zip_total_bytes: int = 500 * 1024 * 1024  # total uncompressed
    max_zip_depth: int = 1  # a zip inside a zip is refused (reported), not expanded beyond this
    # A JSON-lines file is a collection (Reuters-21578 is 28 MB), so the whole file may be this
    # big; each of its lines must still fit max_file_bytes.
    max_jsonl_bytes: int = 500 * 1024 * 1024
    # The time one document (or chunk of JSON lines) may take to parse, in a worker process
    # that is stopped past it: a base plus so much per MB (a 20 MB page: 32 s).
    parse_seconds: float = 2.0
    parse_seconds_per_mb: float = 1.5
    # Elements of one HTML page: news pages have a few thousand; a million <p> would take
    # the budget to find out what this check says at once.
    max_elements: int = 100_000

    def parse_budget(self, size: int) -> float:
        return self.parse_seconds + self.parse_seconds_per_mb * size / (1024 * 1024)
