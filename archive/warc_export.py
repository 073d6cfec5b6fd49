"""Web archives out: articles' raw originals written as a WARC file (export_warc).

A captured page (its raw original is a WARC record) is written back as that record, byte for
byte; a file's article as a `resource` record holding the file as it was imported (its media
type from the format it was read as, its name in X-Original-Name), so that importing the
export reads every article exactly as before: the same content hashes, duplicates all. Each
record is its own gzip member (the .warc.gz convention warcio, pywb and replay tools read),
written as it is made: memory is one article's whatever the export's size.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from warcio.warcwriter import WARCWriter

from archive.ingest.warc import NAME_HEADER, WARC_MAGIC
from archive.models import Article

MEDIA_TYPES = {
    "html": "text/html; charset=utf-8", "text": "text/plain; charset=utf-8",
    "markdown": "text/markdown; charset=utf-8", "jsonl": "application/x-ndjson",
}  # fmt: skip


@dataclass
class ExportCounts:
    responses: int = 0  # captured pages, their own records
    resources: int = 0  # files, as resource records
    bodies: int = 0  # articles with no raw original: their stored body, as HTML

    @property
    def total(self) -> int:
        return self.responses + self.resources + self.bodies


def export_warc(articles: Iterable[Article], out: Path | io.BufferedIOBase) -> ExportCounts:
    """Write the articles' records to `out` (a path, or a binary file), gzipped per record."""
    counts = ExportCounts()
    if isinstance(out, (str, Path)):
        with open(out, "wb") as fh:
            return export_warc(articles, fh)
    writer = WARCWriter(out, gzip=True, warc_version="1.0")
    filename = getattr(out, "name", None)
    filename = Path(filename).name if isinstance(filename, str) else "export.warc.gz"
    info = {"software": "newsarchive export_warc", "format": "WARC File Format 1.0"}
    writer.write_record(writer.create_warcinfo_record(filename, info))
    for article in articles:
        original = getattr(article, "original", None)
        raw = bytes(original.raw) if original is not None else b""
        if original is not None and raw.startswith(WARC_MAGIC):
            out.write(gzip.compress(raw + b"\r\n\r\n"))  # the record as captured, untouched
            counts.responses += 1
            continue
        if original is not None:
            media = MEDIA_TYPES.get(original.format, "application/octet-stream")
            name = original.name
            counts.resources += 1
        else:  # made in the admin: no original; its body stands in
            raw, media, name = article.body_html.encode("utf-8"), MEDIA_TYPES["html"], ""
            counts.bodies += 1
        headers = {"WARC-Date": _warc_date(article)}
        if name:
            headers[NAME_HEADER] = name
        uri = article.original_url or f"urn:x-newsarchive:article:{article.pk}:{quote(name)}"
        record = writer.create_warc_record(
            uri, "resource", payload=io.BytesIO(raw), length=len(raw),
            warc_content_type=media, warc_headers_dict=headers,
        )  # fmt: skip
        writer.write_record(record)
    return counts


def _warc_date(article: Article) -> str:
    when = article.captured or article.created
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")
