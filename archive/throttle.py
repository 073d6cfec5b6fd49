"""At most so many expensive requests (searches, exports, search feeds) at once per client,
across every worker process on this host; past that a 429 with Retry-After.

Two gunicorn workers serve the archive. Without a bound, one visitor sending a burst of slow
searches held both, and every reader's request, cheap ones too, waited behind them. Each
request of a bounded kind holds a slot: an exclusive flock() on one of a few files for its
client (hashed into a fixed number of buckets, so the files do not grow with the visitors).
The kernel releases a lock when its process dies, so a killed worker leaks no slot. A
streamed export holds its slot until its last byte is sent.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse, JsonResponse

BUCKETS = 4096  # slot files per kind and slot number, shared by the clients hashed into each
RETRY_AFTER = 2  # seconds


@dataclass(frozen=True)
class Bound:
    """`limit` requests of `kind` at once: per client, or for everyone when `shared`."""

    kind: str
    limit: int
    shared: bool = False


def bounds_for(path: str) -> list[Bound]:
    """The bounds a request for `path` must get slots under (none for most pages)."""
    per_client = settings.SEARCH_CLIENT_CONCURRENCY
    if not per_client:
        return []
    if "/export" in path and path.startswith(("/search/", "/api/")):
        return [Bound("export", 1), Bound("export-all", settings.EXPORT_CONCURRENCY, shared=True)]
    if path.startswith(("/search/", "/api/search/", "/feeds/search/")):
        return [Bound("search", per_client)]
    return []


def client_of(request) -> str:
    """The client's address: REMOTE_ADDR, or behind a proxy the last address of the header
    CLIENT_IP_HEADER names (the one the proxy added; earlier ones are the client's say-so)."""
    header = settings.CLIENT_IP_HEADER
    if header and request.META.get(header):
        return request.META[header].split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


class Slots:
    """The slots one request holds; release() is idempotent."""

    def __init__(self, fds: list[int]):
        self._fds = fds

    def release(self) -> None:
        fds, self._fds = self._fds, []
        for fd in fds:
            with contextlib.suppress(OSError):
                os.close(fd)


def acquire(bounds: list[Bound], client: str) -> Slots | None:
    """A slot under each bound, or None (holding nothing) when any is full."""
    held: list[int] = []
    for bound in bounds:
        fd = _take(bound, "*" if bound.shared else client)
        if fd is None:
            Slots(held).release()
            return None
        held.append(fd)
    return Slots(held)


def _take(bound: Bound, client: str) -> int | None:
    directory = Path(settings.THROTTLE_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    digest = hashlib.blake2b(f"{bound.kind}\0{client}".encode(), digest_size=8).digest()
    bucket = int.from_bytes(digest, "big") % BUCKETS
    for slot in range(bound.limit):
        fd = os.open(directory / f"{bound.kind}.{bucket}.{slot}", os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        return fd
    return None


def too_many(request, bounds: list[Bound]) -> HttpResponse:
    if bounds[0].kind.startswith("export"):
        message = f"Too many exports are running: try again in {RETRY_AFTER} seconds."
    else:
        message = (
            f"Too many searches at once from your address: try again in {RETRY_AFTER} seconds."
        )
    if request.path.startswith("/api/"):
        response = JsonResponse({"errors": {"search": [message]}}, status=429)
    else:
        response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    response.headers["Retry-After"] = str(RETRY_AFTER)
    return response


class _ReleasedAfter:
    """A streamed body that gives back its slots when read to the end or closed: the server
    closes every response, read or not (a generator's `finally` runs only once started)."""

    def __init__(self, content, slots: Slots):
        self._content, self._slots = iter(content), slots

    def __iter__(self):
        return self

    def __next__(self):
        try:
            return next(self._content)
        except BaseException:  # the end, or the stream failed: either way it is over
            self.close()
            raise

    def close(self) -> None:
        self._slots.release()
        close = getattr(self._content, "close", None)
        if close is not None:
            close()


class ClientBoundMiddleware:
    """Applies bounds_for() to each request (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        bounds = bounds_for(request.path)
        if not bounds:
            return self.get_response(request)
        slots = acquire(bounds, client_of(request))
        if slots is None:
            return too_many(request, bounds)
        try:
            response = self.get_response(request)
        except BaseException:
            slots.release()
            raise
        if response.streaming:
            response.streaming_content = _ReleasedAfter(response.streaming_content, slots)
        else:
            slots.release()
        return response
