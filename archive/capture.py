"""Capture by URL: fetch a page safely, keep the response as a WARC record, import it.

    fetch(url, policy)                     the page, after at most 5 redirects -> Fetched
    to_warc_record(fetched)                the response as one (uncompressed) WARC record
    capture_url(url, source=…, names=…)    fetch + record + parse + save -> SaveResult

Every request the server makes for a user is dangerous (SSRF): the host is resolved here,
each address checked (loopback, private, link-local, multicast, reserved, unspecified, IPv4
and IPv6, IPv4-mapped too), and the connection made to the very address checked, with the
name kept for the Host header and TLS (no second look-up a DNS rebinding could answer
differently). Every redirect is checked the same way. settings.CAPTURE_ALLOW_PRIVATE
(CAPTURE_ALLOW_PRIVATE=1) lifts the address check, for an archive on a private network and
the tests. A page is cut off past its size cap or its overall deadline (a server sending one
byte a second), whatever the per-read timeouts say.
"""

from __future__ import annotations

import io
import ipaddress
import socket
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import urllib3
from django.conf import settings
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive import services
from archive.ingest import Limits
from archive.ingest.parallel import parse_bounded

USER_AGENT = (
    "newsarchive-capture/0.1 (a searchable news archive capturing this page at a user's "
    "request; python-urllib3)"
)
_CHUNK = 64 * 1024
# Hop-by-hop and framing headers: the body is kept as received minus its chunking, so a
# record that said "chunked" would be misread.
_DROPPED = {"transfer-encoding", "connection", "keep-alive"}


class CaptureError(Exception):
    """A page that could not be captured; the message says why, for the user."""


@dataclass(frozen=True)
class CapturePolicy:
    connect_timeout: float = 10.0
    read_timeout: float = 15.0  # between two reads
    deadline: float = 30.0  # the whole page, redirects included
    max_bytes: int = 20 * 1024 * 1024
    max_redirects: int = 5
    allow_private: bool = False
    # Networks allowed although not public (e.g. ("10.1.2.0/24",) for one intranet server);
    # every other refused address stays refused.
    allowed: tuple[str, ...] = ()

    @classmethod
    def from_settings(cls, **changes) -> CapturePolicy:
        values = {
            "deadline": float(settings.CAPTURE_TIMEOUT),
            "max_bytes": settings.IMPORT_MAX_FILE_BYTES,
            "allow_private": settings.CAPTURE_ALLOW_PRIVATE,
        }
        return cls(**{**values, **changes})


@dataclass
class Fetched:
    url: str  # the page's URL, after redirects
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes
    ip: str
    redirects: list[str] = field(default_factory=list)  # the URLs that redirected here


# --- Addresses --------------------------------------------------------------------------------
def refusal(address: str) -> str:
    """Why a server-side request must not go to this IP address, or "" when it may."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    for test, what in (
        ("is_unspecified", "unspecified"),
        ("is_loopback", "loopback"),
        ("is_link_local", "link-local"),
        ("is_multicast", "multicast"),
        ("is_private", "private"),
        ("is_reserved", "reserved"),
    ):
        if getattr(ip, test):
            return f"{ip} is {'an' if what[0] in 'aeiou' else 'a'} {what} address"
    if not ip.is_global:
        return f"{ip} is not a public address"
    return ""


def _allowed(address: str, networks: tuple[str, ...]) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return any(ip in ipaddress.ip_network(n, strict=False) for n in networks)


def resolve(host: str, port: int, policy: CapturePolicy) -> str:
    """The address to connect to for host: the first one resolved that may be used."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise CaptureError(f"cannot resolve {host}: {exc}")
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise CaptureError(f"cannot resolve {host}: no address")
    if policy.allow_private:
        return addresses[0]
    reasons = []
    for address in addresses:
        reason = "" if _allowed(address, policy.allowed) else refusal(address)
        if not reason:
            return address
        reasons.append(reason)
    raise CaptureError(
        f"refused: {host} resolves to {reasons[0]} (requests to loopback, private, link-local, "
        "multicast and reserved networks are refused; set CAPTURE_ALLOW_PRIVATE=1 to allow them)"
    )


# --- Fetching ---------------------------------------------------------------------------------
def fetch(url: str, policy: CapturePolicy | None = None, *, headers: dict | None = None) -> Fetched:
    """GET url, following at most policy.max_redirects redirects, each target checked.
    `headers` are sent too (If-None-Match, If-Modified-Since)."""
    policy = policy or CapturePolicy.from_settings()
    deadline = time.monotonic() + policy.deadline
    seen: list[str] = []
    while True:
        fetched = _get_once(url, policy, deadline, headers or {})
        location = _header(fetched.headers, "location")
        if not (300 <= fetched.status < 400 and location):
            fetched.redirects = seen
            return fetched
        seen.append(url)
        target = urljoin(url, location.strip())
        if target in seen:
            raise CaptureError(f"redirect loop: {target} redirects back to itself")
        if len(seen) > policy.max_redirects:
            raise CaptureError(f"too many redirects (more than {policy.max_redirects})")
        url = target


def _split(url: str) -> tuple[str, str, int, str]:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise CaptureError(f"not a valid URL: {exc}")
    if parts.scheme not in ("http", "https"):
        raise CaptureError(f"not an http or https URL: {url[:200]}")
    if not parts.hostname:
        raise CaptureError(f"no host in the URL: {url[:200]}")
    port = port or (443 if parts.scheme == "https" else 80)
    path = parts.path or "/"
    if parts.query:
        path += f"?{parts.query}"
    return parts.scheme, parts.hostname, port, path


def _get_once(url: str, policy: CapturePolicy, deadline: float, headers: dict) -> Fetched:
    scheme, host, port, path = _split(url)
    address = resolve(host, port, policy)  # checked here, and connected to below
    host_header = f"[{host}]" if ":" in host else host
    if port != (443 if scheme == "https" else 80):
        host_header += f":{port}"
    left = deadline - time.monotonic()
    if left <= 0:
        raise CaptureError(f"gave up after {policy.deadline:.0f} s (the overall time limit)")
    timeout = urllib3.Timeout(
        connect=min(policy.connect_timeout, left), read=min(policy.read_timeout, left)
    )
    pool_class = urllib3.HTTPSConnectionPool if scheme == "https" else urllib3.HTTPConnectionPool
    extra = {"server_hostname": host, "assert_hostname": host} if scheme == "https" else {}
    pool = pool_class(address, port, timeout=timeout, retries=False, maxsize=1, **extra)
    try:
        response = pool.urlopen(
            "GET", path, redirect=False, retries=False, preload_content=False,
            decode_content=False, assert_same_host=False,
            headers={**headers, "Host": host_header, "User-Agent": USER_AGENT,
                     "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"},
        )  # fmt: skip
        try:
            body = _read_body(response, policy, deadline)
        finally:
            response.release_conn()
    except urllib3.exceptions.TimeoutError:
        raise CaptureError(f"timed out fetching {url[:200]}")
    except urllib3.exceptions.HTTPError as exc:
        raise CaptureError(f"cannot fetch {url[:200]}: {_reason(exc)}")
    finally:
        pool.close()
    headers = [(k, v) for k, v in response.headers.items()]
    return Fetched(url, response.status, response.reason or "", headers, body, address)


def _read_body(response, policy: CapturePolicy, deadline: float) -> bytes:
    declared = _header(list(response.headers.items()), "content-length")
    if declared.isdigit() and int(declared) > policy.max_bytes:
        raise CaptureError(f"page too large: {int(declared):,} bytes, over {policy.max_bytes:,}")
    chunks, read = [], 0
    while True:
        if time.monotonic() > deadline:
            raise CaptureError(
                f"gave up after {policy.deadline:.0f} s: the server sends too slowly "
                "(the overall time limit for one page)"
            )
        chunk = response.read1(_CHUNK, decode_content=False)
        if not chunk:
            return b"".join(chunks)
        read += len(chunk)
        if read > policy.max_bytes:
            raise CaptureError(f"page too large: over the {policy.max_bytes:,} byte limit")
        chunks.append(chunk)


def _reason(exc: BaseException) -> str:
    inner = getattr(exc, "reason", None)
    return " ".join(str(inner or exc).split())[:200]


def _header(headers: list[tuple[str, str]], name: str) -> str:
    return next((v for k, v in headers if k.lower() == name), "")


# --- The record -------------------------------------------------------------------------------
def to_warc_record(fetched: Fetched) -> bytes:
    """The response as one uncompressed WARC/1.0 response record (the raw original)."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=False, warc_version="1.0")
    headers = [(k, v) for k, v in fetched.headers if k.lower() not in _DROPPED]
    http = StatusAndHeaders(
        f"{fetched.status} {fetched.reason}".strip(), headers, protocol="HTTP/1.1"
    )
    record = writer.create_warc_record(
        fetched.url, "response", payload=io.BytesIO(fetched.body), http_headers=http,
        warc_headers_dict={"WARC-IP-Address": fetched.ip},
    )  # fmt: skip
    writer.write_record(record)
    return buffer.getvalue()


def page_problem(fetched: Fetched) -> str:
    """Why the response is not a page to archive, or ""."""
    if fetched.status != 200:
        return f"the server answered {fetched.status} {fetched.reason}".strip()
    media = _header(fetched.headers, "content-type").split(";")[0].strip().lower()
    if media and media not in ("text/html", "application/xhtml+xml"):
        return f"not an HTML page ({media})"
    return ""


# --- Capture = fetch + record + import --------------------------------------------------------
def already_archived(url: str):
    from archive.models import Article

    return Article.objects.filter(original_url=url).exclude(original_url="").order_by().first()


def capture_url(
    url: str,
    *,
    source: str = "",
    names: services.NameCache | None = None,
    policy: CapturePolicy | None = None,
) -> services.SaveResult:
    """Capture one page and import it; never raises for a bad URL, server or page."""
    url = url.strip()
    existing = already_archived(url)
    if existing:
        return services.SaveResult(
            services.DUPLICATE, url, existing, f"already archived as article {existing.pk}"
        )
    try:
        fetched = fetch(url, policy)
    except CaptureError as exc:
        return services.SaveResult(services.FAILED, url, message=str(exc))
    problem = page_problem(fetched)
    if problem:
        return services.SaveResult(services.FAILED, url, message=problem)
    limits = Limits(max_file_bytes=settings.IMPORT_MAX_FILE_BYTES)
    outcomes = parse_bounded(to_warc_record(fetched), name=url, source=source, limits=limits)
    return services.save_outcomes(outcomes[:1], source=source, names=names)[0]
