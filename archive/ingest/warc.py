"""Web archives in: WARC, WARC.gz and WACZ files -> documents, one HTML page record at a time.

    web_archive_kind(name, head)               "warc", "wacz" or "" (not a web archive)
    path_documents(path, name, limits)         a .warc / .warc.gz / .wacz on disk -> documents
    stream_documents(open_stream, name, limits) a WARC stream -> documents
    read_record(data, limits)                  one record's bytes -> the page it holds

A document is one record's bytes as they stand in the file (WARC headers, then the block:
HTTP headers and payload), so the record itself is the article's raw original and a re-parse
reads it again. Streaming throughout (warcio): one record is in memory at a time, never more
than the size cap of it (a larger record is skipped with the reason, read past, not kept);
a 2 GB crawl costs the memory of its largest article page.

What is not an HTML page answered 200 (images, scripts, redirects, errors, requests,
metadata, warcinfo) is counted and reported in one line per file (a Skipped error, which is
not a failure). A revisit record is resolved to the response it repeats (by payload digest, or
by the URI and date it refers to), read again from its offset in the file. A damaged file (a
truncated gzip member, a record whose Content-Length lies) gives a clear line for the record
or the place where reading stopped; the records before it are imported all the same.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeadersParser, StatusAndHeadersParserException

from archive.ingest.types import IngestError, Limits, Skipped

Document = tuple[str, bytes | None, str]
WARC_MAGIC = b"WARC/"
_WARC_NAME = re.compile(r"\.warc(\.gz)?$", re.IGNORECASE)
_WACZ_NAME = re.compile(r"\.wacz$", re.IGNORECASE)
_HTML_TYPES = ("text/html", "application/xhtml+xml")
# The formats of files kept in resource records (as export_warc writes them), by media type.
RESOURCE_FORMATS = {
    "text/html": "html", "application/xhtml+xml": "html", "text/plain": "text",
    "text/markdown": "markdown", "application/x-ndjson": "jsonl",
}  # fmt: skip
_HEAD_BYTES = 64 * 1024  # HTTP headers longer than this are not a page's
# A gzipped WARC inside a WACZ does not compress further: a member that expands more than
# this many times over is a zip bomb, refused before it is read.
MAX_WACZ_RATIO = 20
NAME_HEADER = "X-Original-Name"  # a resource record's file name, as export_warc writes it
MAX_REMEMBERED = 1_000_000  # responses remembered (by digest) for revisits, per file


def web_archive_kind(name: str, head: bytes = b"") -> str:
    """ "wacz", "warc" (a .warc, a .warc.gz, or an uncompressed WARC by its first bytes), or ""."""
    if _WACZ_NAME.search(name):
        return "wacz"
    if _WARC_NAME.search(name) or head.startswith(WARC_MAGIC):
        return "warc"
    return ""


def is_warc_record(data: bytes) -> bool:
    return data.startswith(WARC_MAGIC)


# --- Files -> documents -----------------------------------------------------------------------
def path_documents(path: Path, name: str, limits: Limits) -> Iterator[Document]:
    """The documents of a web archive on disk (a .warc, .warc.gz or .wacz)."""
    with path.open("rb") as fh:
        head = fh.read(4)
    if web_archive_kind(name) == "wacz" or head == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(path) as archive:
                yield from wacz_documents(archive, name, limits)
        except zipfile.BadZipFile as exc:
            yield name, None, f"broken WACZ (zip) file: {exc}"
        return
    yield from stream_documents(lambda: path.open("rb"), name, limits)


def wacz_documents(archive: zipfile.ZipFile, name: str, limits: Limits) -> Iterator[Document]:
    """The WARCs of a WACZ (its archive/*.warc[.gz] members), streamed from the zip."""
    members = sorted(
        (i for i in archive.infolist() if not i.is_dir() and _is_wacz_warc(i.filename)),
        key=lambda i: i.filename,
    )
    if not members:
        yield name, None, "not a WACZ: it has no archive/*.warc or archive/*.warc.gz inside"
        return
    for info in members[: limits.max_zip_members]:
        member_name = f"{name}/{info.filename}"
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1024 * 1024 and ratio > MAX_WACZ_RATIO:
            yield (
                member_name,
                None,
                (
                    f"zip bomb refused: {info.compress_size:,} bytes that expand to "
                    f"{info.file_size:,} ({ratio:.0f} times over; a WARC in a WACZ does not "
                    "compress)"
                ),
            )
            continue
        yield from stream_documents(capped_member(archive, info), member_name, limits)
    if len(members) > limits.max_zip_members:
        yield name, None, f"WACZ has more than {limits.max_zip_members} WARCs; the rest skipped"


def _is_wacz_warc(filename: str) -> bool:
    return filename.startswith("archive/") and bool(_WARC_NAME.search(filename))


def capped_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo):
    """A function opening the zip member, its stream refusing to read past the declared size."""
    return lambda: _Capped(archive.open(info), info.file_size)


class _Capped(io.RawIOBase):
    """A zip member's stream that stops with an error past the size its header declared
    (a zip bomb may understate it), and seeks (forward and back) as the member does."""

    def __init__(self, fh, declared: int):
        self.fh, self.declared = fh, declared

    def readable(self):
        return True

    def seekable(self):
        return True

    def tell(self):
        return self.fh.tell()

    def seek(self, offset, whence=io.SEEK_SET):
        return self.fh.seek(offset, whence)

    def readinto(self, buffer):
        data = self.fh.read(len(buffer))
        if self.fh.tell() > self.declared:
            raise IngestError("zip bomb refused: the member is larger than its header says")
        buffer[: len(data)] = data
        return len(data)

    def close(self):
        self.fh.close()
        super().close()


class _Iterator(ArchiveIterator):
    """warcio's iterator, noting (instead of printing) a record not followed by the blank
    lines that end one: its Content-Length was wrong."""

    misaligned = False

    def _consume_blanklines(self):
        empty_size = 0
        first_line = True
        while True:
            line = self.reader.readline()
            if not line:
                return None, empty_size
            if not line.rstrip() or first_line:
                empty_size += len(line)
                if line.rstrip():
                    self.misaligned = True
                first_line = False
                continue
            return line, empty_size


@dataclass
class _Remembered:
    offsets: dict  # payload digest or (uri, date) -> offset of the response record
    count: int = 0

    def add(self, offset: int, record) -> None:
        if self.count >= MAX_REMEMBERED:
            return
        self.count += 1
        headers = record.rec_headers
        digest = headers.get_header("WARC-Payload-Digest")
        if digest:
            self.offsets[digest] = offset
        uri, date = headers.get_header("WARC-Target-URI"), headers.get_header("WARC-Date")
        self.offsets[(uri, date)] = offset

    def find(self, record) -> int | None:
        headers = record.rec_headers
        digest = headers.get_header("WARC-Payload-Digest")
        if digest and digest in self.offsets:
            return self.offsets[digest]
        key = (
            headers.get_header("WARC-Refers-To-Target-URI"),
            headers.get_header("WARC-Refers-To-Date"),
        )
        return self.offsets.get(key)


def stream_documents(
    open_stream: Callable[[], BinaryIO], name: str, limits: Limits
) -> Iterator[Document]:
    """A WARC (gzipped or not) -> a document per HTML page record, then one Skipped line
    for the records that are not pages. `open_stream()` opens the file again from its start
    (to read the response a revisit record repeats)."""
    skipped: Counter = Counter()
    remembered = _Remembered({})
    offset = 0
    try:
        with open_stream() as fh:
            records = _Iterator(fh, no_record_parse=True)
            for record in records:
                offset = records.offset
                kind = _kind(record)
                if kind != "page":
                    skipped[kind] += 1
                    continue
                doc_name = _record_name(name, offset, record)
                block, error = _read_block(record, limits)
                if error:
                    records.read_to_end()
                    yield doc_name, None, error
                    continue
                records.misaligned = False
                records.read_to_end()  # now: to learn whether the record ended where it said
                problem = _block_problem(record, block, records.misaligned)
                if problem:
                    yield doc_name, None, problem
                    continue
                rtype = record.rec_type
                if rtype == "revisit":
                    data, why = _resolve(record, remembered, open_stream, limits)
                    if data is None:
                        skipped[why] += 1
                        continue
                    yield doc_name, data, ""
                    continue
                reason = _not_a_page(_http_head(block)) if rtype == "response" else ""
                if reason:
                    skipped[reason] += 1
                    continue
                if rtype == "response":
                    remembered.add(offset, record)
                yield doc_name, record.rec_headers.to_bytes() + block, ""
    except (ArchiveLoadFailed, IngestError, zlib.error, EOFError, OSError, ValueError) as exc:
        yield (
            name,
            None,
            (
                f"cannot read the web archive past byte {offset:,}: {_short(exc)} (a damaged "
                "or truncated file; the records before it were read)"
            ),
        )
    except zipfile.BadZipFile as exc:
        yield name, None, f"cannot read from the WACZ: {exc}"
    if skipped:
        total = sum(skipped.values())
        parts = ", ".join(f"{n} {what}" for what, n in skipped.most_common())
        yield name, None, Skipped(f"{total} records are not article pages: {parts}")


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:200]


def _record_name(name: str, offset: int, record) -> str:
    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
    return f"{name}#{offset} {uri}".strip()[:500]


def _kind(record) -> str:
    """ "page" for a record that may hold an HTML page (read further); else what it is."""
    rtype = record.rec_type
    if rtype in ("response", "revisit"):
        return "page"
    if rtype == "resource":
        media = _media_type(record.rec_headers.get_header("Content-Type"))
        return "page" if media in RESOURCE_FORMATS else _media_kind(media)
    known = {"request": "requests", "metadata": "metadata", "warcinfo": "warcinfo"}
    return known.get(rtype, f"{rtype} records" if rtype else "records of no known type")


def _media_type(value: str | None) -> str:
    return (value or "").split(";")[0].strip().lower()


def _media_kind(media: str) -> str:
    main = media.split("/")[0]
    if main in ("image", "video", "audio", "font"):
        return f"{main}s"
    if "css" in media or "javascript" in media or "json" in media:
        return "scripts and styles"
    return f"other media ({media})" if media else "other media"


def _read_block(record, limits: Limits) -> tuple[bytes, str]:
    cap = limits.max_file_bytes
    declared = _content_length(record)
    if declared is not None and declared > cap:
        return b"", f"record too large: {declared:,} bytes, over the {cap:,} byte limit; skipped"
    block = record.raw_stream.read(cap + 1)
    if len(block) > cap:
        return b"", f"record too large: over the {cap:,} byte limit; skipped"
    if declared is not None and len(block) < declared:
        return b"", (
            f"record truncated: its Content-Length says {declared:,} bytes, only "
            f"{len(block):,} are there (a truncated gzip member or file)"
        )
    return block, ""


def _content_length(record) -> int | None:
    try:
        return int(record.rec_headers.get_header("Content-Length") or "")
    except ValueError:
        return None


def _block_problem(record, block: bytes, misaligned: bool) -> str:
    digest = record.rec_headers.get_header("WARC-Block-Digest")
    if digest and not _digest_matches(digest, block):
        return (
            "record damaged: its block does not match its WARC-Block-Digest (a Content-Length "
            "that lies, or a damaged file); skipped"
        )
    if misaligned:
        return "record's Content-Length lies: the record does not end where it says; skipped"
    return ""


def _digest_matches(header: str, block: bytes) -> bool:
    algorithm, _, value = header.partition(":")
    algorithm = algorithm.strip().lower().replace("-", "")
    try:
        digest = hashlib.new(algorithm, block).digest()
    except ValueError:
        return True  # an algorithm we do not know: nothing to check against
    value = value.strip()
    return value.upper() == base64.b32encode(digest).decode() or value.lower() == digest.hex()


@dataclass
class _HttpHead:
    status: int
    content_type: str
    location: str


def _http_head(block: bytes) -> _HttpHead | None:
    end = block.find(b"\r\n\r\n", 0, _HEAD_BYTES)
    if end < 0:
        end = block.find(b"\n\n", 0, _HEAD_BYTES)
    if end < 0:
        return None
    try:
        head = StatusAndHeadersParser([], verify=False).parse(io.BytesIO(block[: end + 4]))
        status = int((head.get_statuscode() or "0")[:3])
    except (StatusAndHeadersParserException, ValueError, UnicodeDecodeError):
        return None
    return _HttpHead(
        status, _media_type(head.get_header("Content-Type")), head.get_header("Location") or ""
    )


def _not_a_page(http: _HttpHead | None) -> str:
    if http is None:
        return "responses without HTTP headers"
    if 300 <= http.status < 400:
        return "redirects"
    if http.status >= 400:
        return "errors (4xx/5xx)"
    if http.status != 200:
        return f"status {http.status}"
    if http.content_type and http.content_type not in _HTML_TYPES:
        return _media_kind(http.content_type)
    return ""


def _resolve(record, remembered: _Remembered, open_stream, limits: Limits):
    """A revisit record -> a response record with the revisit's URI and date and the block
    of the response it repeats, or (None, why it is skipped)."""
    offset = remembered.find(record)
    if offset is None:
        return None, "revisits of a response not in this file"
    with open_stream() as fh:
        fh.seek(offset)
        original = next(iter(_Iterator(fh, no_record_parse=True)), None)
        if original is None or original.rec_type != "response":
            return None, "revisits of a response not in this file"
        block, error = _read_block(original, limits)
    if error:
        return None, "revisits of a response too large to read"
    reason = _not_a_page(_http_head(block))
    if reason:
        return None, f"revisits of {reason}"
    headers = record.rec_headers
    lines = ["WARC/1.0", "WARC-Type: response"]
    for key in ("WARC-Record-ID", "WARC-Date", "WARC-Target-URI"):
        if headers.get_header(key):
            lines.append(f"{key}: {headers.get_header(key)}")
    lines.append(f"WARC-Refers-To-Date: {original.rec_headers.get_header('WARC-Date') or ''}")
    lines += ["Content-Type: application/http; msgtype=response", f"Content-Length: {len(block)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + block, ""


# --- One record -> the page -------------------------------------------------------------------
@dataclass
class Page:
    """What one WARC record holds: the page's bytes (transfer and content encodings undone),
    the charset the server named, the URI it was captured from and when."""

    payload: bytes
    charset: str
    uri: str
    captured: dt.datetime | None
    format: str = "html"  # a resource record's file may be text, markdown or a JSON line
    name: str = ""  # a resource record's file name (WARC-Filename-like X-Original-Name)


def read_record(data: bytes, limits: Limits) -> Page:
    """One record's bytes (a document from stream_documents, or a raw original) -> its page."""
    try:
        record = next(iter(ArchiveIterator(io.BytesIO(data))), None)
        if record is None:
            raise IngestError("not a WARC record")
        if record.rec_type not in ("response", "resource", "revisit"):
            raise IngestError(f"a WARC {record.rec_type} record holds no page")
        stream = record.content_stream()
        payload = stream.read(limits.max_file_bytes + 1)
    except (ArchiveLoadFailed, StatusAndHeadersParserException, zlib.error, OSError) as exc:
        raise IngestError(f"cannot read the WARC record: {_short(exc)}")
    if len(payload) > limits.max_file_bytes:
        raise IngestError(f"page too large: over the {limits.max_file_bytes:,} byte limit")
    content_type = (
        record.http_headers.get_header("Content-Type")
        if record.http_headers
        else record.rec_headers.get_header("Content-Type")
    ) or ""
    match = re.search(r"charset=[\"']?([\w.:-]+)", content_type, re.IGNORECASE)
    resource = record.rec_type == "resource"
    return Page(
        payload=payload,
        charset=match.group(1) if match else "",
        uri=record.rec_headers.get_header("WARC-Target-URI") or "",
        captured=None
        if resource
        else parse_warc_date(record.rec_headers.get_header("WARC-Date") or ""),
        format=RESOURCE_FORMATS.get(_media_type(content_type), "html") if resource else "html",
        name=(record.rec_headers.get_header(NAME_HEADER) or "") if resource else "",
    )


def parse_warc_date(value: str) -> dt.datetime | None:
    """A WARC-Date (ISO 8601, UTC, maybe with fractions of a second) -> an aware datetime."""
    value = value.strip()
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


def page_text(page: Page) -> str:
    """The page's text: in the charset the server named when that decodes, else detected."""
    from archive.ingest.encoding import decode

    if page.charset:
        try:
            text = page.payload.decode(page.charset)
            if text.strip():
                return text
        except (LookupError, UnicodeDecodeError):
            pass
    return decode(page.payload)
