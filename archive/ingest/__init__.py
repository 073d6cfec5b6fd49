"""Raw documents -> ParsedArticle. Pure Python: no Django here (see ARCHITECTURE.md).

    parse(data, name=..., format="auto", source="")  one document's bytes -> [Outcome]
    iter_documents(paths, limits=Limits())            files, folders, zips -> (name, data, error)
    parse_upload(name, data, format=..., source=...)  one uploaded file (maybe a zip) -> [Outcome]

parse() never raises for bad input: every problem is an Outcome with `error` set. Parsing is
deterministic, so parse(article.raw, name=article.raw_name, format=article.raw_format) gives
the same article again.
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Iterable, Iterator

from archive.ingest.clean import build_article
from archive.ingest.encoding import decode
from archive.ingest.files import DEFAULT_LIMITS, iter_documents, size_limit, too_big, zip_documents
from archive.ingest.types import (
    FORMATS,
    TAG_KINDS,
    Hints,
    IngestError,
    Limits,
    Outcome,
    ParsedArticle,
    RemovedLine,
)

__all__ = [
    "FORMATS",
    "TAG_KINDS",
    "IngestError",
    "Limits",
    "Outcome",
    "ParsedArticle",
    "RemovedLine",
    "detect_format",
    "iter_documents",
    "parse",
    "parse_all",
    "parse_lines",
    "parse_upload",
    "split_jsonl",
]

_HTML_NAME = re.compile(r"\.(html?|xhtml)$", re.IGNORECASE)
_JSONL_NAME = re.compile(r"\.(jsonl|ndjson)(\.gz)?$", re.IGNORECASE)
_MD_NAME = re.compile(r"\.(md|markdown)$", re.IGNORECASE)
_HTML_OPENING = re.compile(r"<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE)
_ELEMENT = re.compile(r"<[A-Za-z]")
_GZIP_MAGIC = b"\x1f\x8b"


def parse(
    data: bytes,
    *,
    name: str = "",
    format: str = "auto",
    source: str = "",
    limits: Limits | None = None,
) -> list[Outcome]:
    """One document's bytes -> Outcomes (several for JSON lines); never raises for bad input.

    format is "auto" or one of FORMATS. source, when non-empty, is the publisher and wins over
    what the text says (which is still kept as original_source when it names one).
    """
    limits = limits or DEFAULT_LIMITS
    try:
        if format == "warc" or (format in ("auto", "html") and data.startswith(b"WARC/")):
            return _parse_warc_record(data, name=name, source=source, limits=limits)
        if format != "auto" and format not in FORMATS:
            raise IngestError(f"unknown format {format!r}; use auto or one of {', '.join(FORMATS)}")
        data = _gunzip(data, limits)
        if len(data) > size_limit(name, limits):
            raise IngestError(too_big(size_limit(name, limits)))
        text = decode(data)
        fmt = detect_format(text, name) if format == "auto" else format
        if fmt == "jsonl":
            return _parse_jsonl(text, name=name, source=source, limits=limits)
        if fmt == "html":
            _check_elements(text, limits)
        return [Outcome(name, _parse_one(text, fmt, raw=data, name=name, source=source))]
    except IngestError as exc:
        return [Outcome(name, error=str(exc))]
    except RecursionError:
        return [Outcome(name, error="document nested too deeply to parse")]


def _parse_warc_record(data: bytes, *, name: str, source: str, limits: Limits) -> list[Outcome]:
    """One WARC record (a web archive's page, or the raw original of one) -> its article,
    through the HTML path: the record's URI is the original URL, its date the capture's. A
    resource record that holds a file (export_warc's) is parsed as that file would be."""
    from archive.ingest.warc import page_text, read_record

    page = read_record(data, limits)
    if page.format != "html" or page.name:
        return parse(page.payload, name=page.name or name, format=page.format, source=source,
                     limits=limits)  # fmt: skip
    text = page_text(page)
    _check_elements(text, limits)
    article = _parse_one(text, "html", raw=data, name=name, source=source)
    article.original_url = page.uri or article.original_url
    article.captured = page.captured
    article.raw_format = "warc"
    return [Outcome(name, article)]


def _check_elements(text: str, limits: Limits) -> None:
    if text.count("<") <= limits.max_elements:  # every element opens with one: none too many
        return
    for count, _match in enumerate(_ELEMENT.finditer(text), 1):
        if count > limits.max_elements:
            raise IngestError(
                f"the page has more than {limits.max_elements:,} elements: not one article"
            )


def detect_format(text: str, name: str = "") -> str:
    """The format of a decoded document, from its name and its content."""
    from archive.ingest.text import looks_like_markdown

    if _JSONL_NAME.search(name) or _looks_like_jsonl(text):
        return "jsonl"
    if _HTML_NAME.search(name) or _starts_as_html_page(text[:5000]):
        return "html"
    if _MD_NAME.search(name) or looks_like_markdown(text):
        return "markdown"
    return "text"


def _starts_as_html_page(text: str) -> bool:
    """Whether the text opens with <!doctype html>, <html>, <head> or <body>, after any
    white space and comments (licence headers). A loop of find()s: the regular expression
    it replaces backtracked exponentially over a run of empty comments."""
    at = 0
    while True:
        while at < len(text) and text[at].isspace():
            at += 1
        if not text.startswith("<!--", at):
            return _HTML_OPENING.match(text, at) is not None
        end = text.find("-->", at + 4)
        if end < 0:
            return False
        at = end + 3


def parse_upload(
    name: str,
    data: bytes,
    *,
    format: str = "auto",
    source: str = "",
    limits: Limits = DEFAULT_LIMITS,
) -> list[Outcome]:
    """One uploaded file (a .zip is expanded) -> Outcomes, by the rules of iter_documents+parse,
    each document parsed in a worker process under the time budget of `limits`."""
    from archive.ingest.parallel import parse_stream
    from archive.ingest.warc import stream_documents, web_archive_kind

    if web_archive_kind(name, data[:8]) == "warc":
        documents: Iterable = stream_documents(lambda: io.BytesIO(data), name, limits)
    elif web_archive_kind(name) == "wacz":
        documents = _wacz_documents(data, name, limits)
    elif name.lower().endswith(".zip") or data[:4] == b"PK\x03\x04":
        documents = zip_documents(data, name, limits)
    else:
        documents = [(name, data, "")]
    lists = parse_stream(documents, format=format, source=source, limits=limits)
    return [outcome for outcomes in lists for outcome in outcomes]


def _wacz_documents(data: bytes, name: str, limits: Limits):
    import zipfile

    from archive.ingest.warc import wacz_documents

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            yield from wacz_documents(archive, name, limits)
    except zipfile.BadZipFile as exc:
        yield name, None, f"broken WACZ (zip) file: {exc}"


def parse_all(
    documents: Iterable[tuple[str, bytes | None, str]],
    *,
    format: str = "auto",
    source: str = "",
    limits: Limits = DEFAULT_LIMITS,
) -> Iterator[Outcome]:
    """(name, data, error) triples (from iter_documents) -> Outcomes, one document at a time."""
    for name, data, error in documents:
        if data is None:
            from archive.ingest.parallel import unreadable

            yield unreadable(name, error)
        else:
            yield from parse(data, name=name, format=format, source=source, limits=limits)


def _parse_one(text: str, fmt: str, *, raw: bytes, name: str, source: str) -> ParsedArticle:
    from archive.ingest.html import read_html
    from archive.ingest.text import read_markdown, read_text

    hints = Hints()
    if fmt == "html":
        blocks, hints = read_html(text)
    elif fmt == "markdown":
        blocks = read_markdown(text)
    else:
        blocks = read_text(text)
    return build_article(blocks, hints=hints, source=source, raw=raw, name=name, fmt=fmt)


def split_jsonl(
    data: bytes,
    *,
    name: str = "",
    format: str = "auto",
    limits: Limits | None = None,
    lines: int = 100,
) -> list[tuple[int, str]] | None:
    """A JSON-lines document as chunks of `lines` lines, (number of the chunk's first line,
    text) each, so that its articles can be parsed a chunk at a time on several cores and
    parse_lines(chunk) gives the outcomes parse() would. None for any other document, and
    for one parse() must refuse (too big, broken gzip, no lines): parse() says why."""
    limits = limits or DEFAULT_LIMITS
    if format not in ("auto", "jsonl"):
        return None
    try:
        data = _gunzip(data, limits)
        if len(data) > size_limit(name, limits):
            return None
        text = decode(data)
    except IngestError:
        return None
    if (detect_format(text, name) if format == "auto" else format) != "jsonl":
        return None
    rows = text.split("\n")
    if not any(row.strip() for row in rows):
        return None
    return [(n + 1, "\n".join(rows[n : n + lines])) for n in range(0, len(rows), lines)]


def parse_lines(
    chunk: tuple[int, str], *, name: str, source: str = "", limits: Limits | None = None
) -> list[Outcome]:
    """The outcomes of one chunk of split_jsonl(); blank lines give none."""
    first, text = chunk
    return _parse_jsonl(
        text, name=name, source=source, limits=limits or DEFAULT_LIMITS, first_line=first
    )


def _parse_jsonl(
    text: str, *, name: str, source: str, limits: Limits, first_line: int | None = None
) -> list[Outcome]:
    from archive.ingest import jsonl

    outcomes = []
    seen: dict[str, str] = {}  # line -> the name of its first occurrence
    for number, line in jsonl.iter_lines(text, start=first_line or 1):
        line_name = f"{name}:{number}"
        if line in seen:  # a file of one line repeated a million times parses it once a chunk
            outcomes.append(Outcome(line_name, repeats=seen[line]))
            continue
        raw = line.encode("utf-8")
        try:
            if len(raw) > limits.max_file_bytes:
                raise IngestError(too_big(limits.max_file_bytes))
            body, body_format, hints = jsonl.record_hints(jsonl.load_record(line))
            article = _parse_record(body, body_format, hints, raw=raw, name=name, source=source)
            outcomes.append(Outcome(line_name, article))
            seen[line] = line_name
        except (IngestError, ValueError) as exc:
            outcomes.append(Outcome(line_name, error=f"line {number}: {exc}"))
    if not outcomes and first_line is None:
        outcomes.append(Outcome(name, error="empty file"))
    return outcomes


def _parse_record(
    body: str, body_format: str, hints: Hints, *, raw: bytes, name: str, source: str
) -> ParsedArticle:
    from archive.ingest.html import fragment_blocks
    from archive.ingest.text import read_markdown, read_text

    if not body.strip():
        raise IngestError("no article text (empty body)")
    if body_format == "html":
        blocks = fragment_blocks(body)
    elif body_format == "markdown":
        blocks = read_markdown(body)
    else:
        blocks = read_text(body)
    return build_article(blocks, hints=hints, source=source, raw=raw, name=name, fmt="jsonl")


def _gunzip(data: bytes, limits: Limits) -> bytes:
    """Decompress gzip data (a .jsonl.gz), refusing output over the JSON-lines size limit."""
    if not data.startswith(_GZIP_MAGIC):
        return data
    cap = limits.max_jsonl_bytes
    try:
        out = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data, cap + 1)
    except zlib.error as exc:
        raise IngestError(f"broken gzip file: {exc}")
    if len(out) > cap:
        raise IngestError(too_big(cap) + " (uncompressed)")
    return out


def _looks_like_jsonl(text: str) -> bool:
    first = text.lstrip()[:1]
    if first != "{":
        return False
    line = text.lstrip().split("\n", 1)[0].strip()
    return line.endswith("}")
