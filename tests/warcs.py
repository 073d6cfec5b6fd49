"""Web archives made in the tests with warcio's own writer (no binary files committed)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

WORDS = (
    "The council met on Tuesday to debate the new budget for the harbour district, and "
    "members argued for hours over the cost of repairs to the old sea wall."
)


def article_html(n: int, *, title: str = "", words: str = WORDS) -> bytes:
    """A news page that the HTML path reads as one article, different for each n."""
    title = title or f"Harbour council story number {n}"
    paragraphs = "".join(
        f"<p>{words} Paragraph {k} of story {n} adds detail number {n * 31 + k}.</p>"
        for k in range(6)
    )
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>"
        f"<meta name='author' content='Ann Writer'>"
        f"<meta property='article:published_time' content='2023-05-0{1 + n % 9}'></head>"
        f"<body><article><h1>{title}</h1><p>By Ann Writer</p>{paragraphs}</article></body></html>"
    ).encode()


class Warc:
    """A WARC being written: add responses, revisits and other records, then .data()."""

    def __init__(self, *, gzip: bool = True):
        self.buffer = io.BytesIO()
        self.writer = WARCWriter(self.buffer, gzip=gzip)

    def response(self, url: str, body: bytes, *, status: str = "200 OK",
                 content_type: str = "text/html; charset=utf-8", date: str = "",
                 headers: list | None = None):  # fmt: skip
        http = StatusAndHeaders(
            status, [("Content-Type", content_type), *(headers or [])], protocol="HTTP/1.1"
        )
        warc_headers = {"WARC-Date": date} if date else None
        record = self.writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), http_headers=http,
            warc_headers_dict=warc_headers,
        )  # fmt: skip
        self.writer.write_record(record)
        return record

    def revisit(self, url: str, of, *, date: str = ""):
        record = self.writer.create_revisit_record(
            url,
            digest=of.rec_headers.get_header("WARC-Payload-Digest"),
            refers_to_uri=of.rec_headers.get_header("WARC-Target-URI"),
            refers_to_date=of.rec_headers.get_header("WARC-Date"),
            http_headers=of.http_headers,
        )
        if date:
            record.rec_headers.replace_header("WARC-Date", date)
        self.writer.write_record(record)

    def request(self, url: str):
        http = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example.com")], is_http_request=True)
        record = self.writer.create_warc_record(
            url, "request", payload=io.BytesIO(b""), http_headers=http
        )
        self.writer.write_record(record)

    def data(self) -> bytes:
        return self.buffer.getvalue()

    def save(self, path: Path) -> Path:
        path.write_bytes(self.data())
        return path


def pages(n: int, *, gzip: bool = True, start: int = 0) -> Warc:
    warc = Warc(gzip=gzip)
    for i in range(start, start + n):
        warc.response(f"https://news.example.com/story/{i}", article_html(i),
                      date=f"2024-03-0{1 + i % 9}T10:00:00Z")  # fmt: skip
    return warc


def wacz(path: Path, warcs: dict[str, bytes], *, compression=zipfile.ZIP_STORED) -> Path:
    """A WACZ: its WARCs under archive/, with the datapackage.json beside them."""
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        archive.writestr("datapackage.json", '{"profile": "data-package", "resources": []}')
        for name, data in warcs.items():
            archive.writestr(f"archive/{name}", data)
    return path
