"""The real server for tests: gunicorn with several workers on the test database.

Used by the browser tests (tests/e2e/) and the concurrency and fault tests
(tests/test_faults_*.py). The server is another process, so it sees only committed data: use
it with `transactional_db`. It reads the test database file (settings: var/test-<pid>.sqlite3)
through DATABASE_URL and the test's own index through SEARCH_URL.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
MANAGE = [sys.executable, str(REPO / "manage.py")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(index_dir: Path | str, **extra: str) -> dict[str, str]:
    """The environment of a server or command process on the current test database."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        database_url = f"sqlite:///{db['NAME']}"
    else:
        user = db.get("USER") or ""
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        auth = f"{user}{password}@" if user else ""
        host = db.get("HOST") or "127.0.0.1"
        port = f":{db['PORT']}" if db.get("PORT") else ""
        database_url = f"postgres://{auth}{host}{port}/{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SEARCH_URL": f"whoosh://{index_dir}",
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "0",
        "PYTHONUNBUFFERED": "1",
        "LOG_LEVEL": "WARNING",
    }
    env.update(extra)
    return env


def manage(*args: str, index_dir: Path | str, timeout: float = 120, check: bool = True):
    """Run manage.py in its own process on the test database; returns the CompletedProcess."""
    result = subprocess.run(
        [*MANAGE, *args],
        env=server_env(index_dir),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"manage.py {' '.join(args)}: {result.stdout}\n{result.stderr}")
    return result


_static_collected = False


def collect_static() -> None:
    """With DEBUG off, pages name static files from the manifest that collectstatic writes."""
    global _static_collected
    if not _static_collected:
        subprocess.run(
            [*MANAGE, "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=REPO,
            check=True,
            timeout=120,
        )
        _static_collected = True


class LiveServer:
    def __init__(
        self, index_dir: Path | str, *, workers: int = 3, log: Path | None = None, **env: str
    ):
        self.index_dir = Path(index_dir)
        self.env = env  # extra environment of the server (settings)
        self.workers = workers
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log or self.index_dir.parent / f"gunicorn-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 30) -> LiveServer:
        collect_static()
        self.log = open(self.log_path, "w")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"), "archive.wsgi",
                "--bind", f"127.0.0.1:{self.port}",
                "--workers", str(self.workers),
                "--timeout", "60", "--graceful-timeout", "5",
            ],
            cwd=REPO, env=server_env(self.index_dir, **self.env), stdout=self.log,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log_path.read_text()[-3000:]}")
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=2)
                return self
            except urllib.error.HTTPError:
                return self  # it answers (503 while the index is empty is fine)
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("gunicorn did not answer in time")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if getattr(self, "log", None):
            self.log.close()

    def log_text(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def create_cache_table() -> None:
    """The database cache's table (login throttling): migrations do not create it."""
    from django.core.management import call_command

    call_command("createcachetable", verbosity=0)


class Http:
    """A tiny browser-less HTTP client with cookies (urllib only): status and text back,
    never an exception for an HTTP error status."""

    def __init__(self, base_url: str, timeout: float = 30):
        import http.cookiejar

        self.base_url = base_url
        self.timeout = timeout
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        from urllib.parse import urlencode

        body = urlencode(data, doseq=True).encode() if data is not None else None
        req = urllib.request.Request(self.base_url + path, data=body)
        if body is not None:
            req.add_header("Referer", self.base_url + path)
        try:
            with self.opener.open(req, timeout=self.timeout) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    def get(self, path: str) -> tuple[int, str]:
        return self.request(path)

    def post_form(self, path: str, data: dict) -> tuple[int, str]:
        """GET the form for its CSRF token, then POST `data` with it."""
        import re

        status, html = self.get(path)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert match, f"no CSRF token on {path} ({status})"
        return self.request(path, {**data, "csrfmiddlewaretoken": match[1]})

    def log_in(self, username: str, password: str) -> None:
        status, _ = self.post_form(
            "/admin/login/?next=/admin/", {"username": username, "password": password}
        )
        assert status == 302, f"login failed ({status})"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
