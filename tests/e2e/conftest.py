"""Browser tests: Playwright for Python driving Debian's chromium against real gunicorn.

`make browser` installs chromium (apt) where it is missing; `playwright install` cannot
download here, so the browser is always the system's. Without it these tests skip.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.e2e.live import LiveServer, create_cache_table

# Playwright's sync API keeps an event loop in this thread; Django would then refuse database
# calls from the test. They are plain synchronous calls, so that refusal does not apply.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def cache_table(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        create_cache_table()


@pytest.fixture
def gunicorn_server(transactional_db, cache_table, search_index):
    """gunicorn (3 workers) serving the test database and this test's index."""
    with LiveServer(search_index, workers=3) as server:
        yield server


@pytest.fixture(scope="session")
def browser():
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if not executable:
        pytest.skip("chromium is not installed (run `make browser`, which apt-installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Watch:
    """What a page did that it should not: dialogs, errors, requests to other origins."""

    origin: str
    dialogs: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)
    # https images are the one remote load the archive allows on purpose (the sanitizer keeps
    # <img src="https://...">, the CSP says img-src 'self' https:); recorded and counted,
    # aborted all the same.
    remote_images: list[str] = field(default_factory=list)

    def clear(self) -> None:
        for name in ("dialogs", "console_errors", "page_errors", "outside_requests",
                     "remote_images"):  # fmt: skip
            getattr(self, name).clear()

    def problems(self) -> list[str]:
        return (
            [f"dialog: {d}" for d in self.dialogs]
            + [f"console error: {e}" for e in self.console_errors]
            + [f"page error: {e}" for e in self.page_errors]
            + [f"request outside {self.origin}: {u}" for u in self.outside_requests]
        )


def new_watched_page(browser, base_url: str, **context_options):
    """A page on `base_url` that records dialogs, console errors, uncaught errors and any
    request to another origin (those are aborted, so nothing leaves the machine). Close it
    with page.context.close(). `context_options` go to browser.new_context (viewport,
    color_scheme, ...)."""
    context_options.setdefault("viewport", {"width": 1200, "height": 900})
    context = browser.new_context(base_url=base_url, **context_options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    watch = Watch(origin=base_url)

    def on_dialog(dialog):
        watch.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def on_console(message):
        # An aborted remote image logs "net::ERR_FAILED"; that load is counted above.
        if message.type == "error" and not (
            watch.remote_images and "net::ERR_FAILED" in message.text
        ):
            watch.console_errors.append(message.text)

    def route(route, request):
        if request.url.startswith(base_url + "/"):
            route.continue_()
        else:
            if request.resource_type == "image" and request.url.startswith("https://"):
                watch.remote_images.append(request.url)
            else:
                watch.outside_requests.append(request.url)
            route.abort()

    page.on("dialog", on_dialog)
    page.on("console", on_console)
    page.on("pageerror", lambda error: watch.page_errors.append(str(error)))
    context.route("**/*", route)
    page.watch = watch
    return page


@pytest.fixture
def watched_page(browser, gunicorn_server):
    page = new_watched_page(browser, gunicorn_server.url)
    yield page
    page.context.close()


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
