"""A real HTTP server on loopback, started by a test, answering what the capture tests need."""

from __future__ import annotations

import gzip
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests import warcs


class Site:
    """Routes: path -> handler(request) writing the response. Counts the requests."""

    def __init__(self, host: str = "127.0.0.1"):
        self.requests: list[tuple[str, dict]] = []
        self.routes: dict[str, object] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                site.requests.append((self.path, dict(self.headers)))
                route = site.routes.get(self.path) or site.routes.get(self.path.split("?")[0])
                if route is None and self.path.startswith("/article/"):
                    route = article(int(self.path.rsplit("/", 1)[1]))
                if route is None:
                    return send(self, 404, b"not found", "text/plain")
                route(self)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.host = host
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str, host: str = "") -> str:
        return f"http://{host or self.host}:{self.port}{path}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def send(handler, status: int, body: bytes, content_type: str = "text/html; charset=utf-8",
         headers: dict | None = None):  # fmt: skip
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for key, value in (headers or {}).items():
        handler.send_header(key, value)
    handler.end_headers()
    handler.wfile.write(body)


def article(n: int, **kwargs):
    return lambda h: send(h, 200, warcs.article_html(n, **kwargs))


def redirect(location: str, status: int = 302):
    return lambda h: send(h, status, b"", headers={"Location": location})


def gzipped(n: int):
    return lambda h: send(h, 200, gzip.compress(warcs.article_html(n)),
                          headers={"Content-Encoding": "gzip"})  # fmt: skip


def chunked(n: int):
    def handle(h):
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        body = warcs.article_html(n)
        for start in range(0, len(body), 500):
            piece = body[start : start + 500]
            h.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
        h.wfile.write(b"0\r\n\r\n")

    return handle


def trickle(seconds: float = 30, every: float = 0.2):
    """A page that comes one byte at a time, for `seconds`."""

    def handle(h):
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", "100000")
        h.end_headers()
        end = time.monotonic() + seconds
        try:
            while time.monotonic() < end:
                h.wfile.write(b"x")
                h.wfile.flush()
                time.sleep(every)
        except OSError:
            pass

    return handle


def endless():
    """A page that never ends (no length, as fast as it goes)."""

    def handle(h):
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Connection", "close")
        h.end_headers()
        try:
            while True:
                h.wfile.write(b"<p>more</p>" * 1000)
        except OSError:
            pass

    return handle


def feed(entries: list[str], *, etag: str = '"v1"', title: str = "Harbour news"):
    items = "".join(f"<item><title>{u}</title><link>{u}</link></item>" for u in entries)
    body = (f"<?xml version='1.0'?><rss version='2.0'><channel><title>{title}</title>"
            f"{items}</channel></rss>").encode()  # fmt: skip

    def handle(h):
        if h.headers.get("If-None-Match") == etag:
            h.send_response(304)
            h.send_header("ETag", etag)
            h.send_header("Content-Length", "0")
            h.end_headers()
            return
        send(
            h,
            200,
            body,
            "application/rss+xml",
            headers={"ETag": etag, "Last-Modified": "Tue, 01 Dec 2026 10:00:00 GMT"},
        )

    return handle
