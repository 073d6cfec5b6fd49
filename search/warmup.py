"""A server worker's first search, made before it takes requests (issue 18).

What a worker loads lazily costs its first reader: the URLconf and every view module
(0.12 s at 10,000 articles), the search backend and its index (the columns of every segment:
0.3 s at 10,000 articles), the templates, the snippets' analyzers. archive/wsgi.py calls
warm() once per worker process as it starts (gunicorn loads the application in each worker),
so the first request after a restart costs what any other does. Nothing is loaded that a
search would not load anyway.

Then the objects loaded so far are moved out of the garbage collector's sight (gc.freeze()):
they live as long as the process, and a full collection walked all of them, 20-45 ms at
10,000 articles, in whichever request happened to trigger it (the "first requests" of a kind
that were slow).

It is meant for an application loaded in each worker (gunicorn's default, as `make serve`
and the bench run it); under `--preload` it would run once in the master before the fork,
and the workers would share its open index files: turn it off there. The database
connection it opened is closed at the end either way.

SEARCH_WARMUP=0 turns it off. A failure is logged and the worker starts anyway: warming is
an optimisation, never a condition of serving.
"""

from __future__ import annotations

import gc
import logging
import re
import time

log = logging.getLogger(__name__)
_WORD = re.compile(r"[^\W\d_]{4,}")


def sample_word() -> str:
    """A word of the title of the public article added last ("" for an empty archive)."""
    from archive.models import Article

    title = Article.objects.public().order_by("-pk").values_list("title", flat=True).first()
    title = title or ""
    words = _WORD.findall(title)
    return max(words, key=len) if words else ""


def _request(path: str, params: dict):
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    request = RequestFactory().get(path, params)
    request.user = AnonymousUser()
    return request


def warm() -> dict:
    """Load what the first search would, by making it (the API and the page, with words and
    without); returns {step: seconds} of what was done."""
    from django.db import connections
    from django.urls import get_resolver

    from search.views import SearchApiView, SearchPageView

    done: dict[str, float] = {}

    def step(name: str, fn) -> None:
        started = time.perf_counter()
        try:
            fn()
        except Exception:
            log.warning("warm-up step %r failed; the first request will load it", name,
                        exc_info=True)  # fmt: skip
            return
        done[name] = round(time.perf_counter() - started, 3)

    step("urls", lambda: get_resolver().url_patterns)
    word = ""

    def find_word():
        nonlocal word
        word = sample_word()

    step("word", find_word)
    api, page = SearchApiView.as_view(), SearchPageView.as_view()
    step("api listing", lambda: api(_request("/api/search/", {})))
    if word:
        step("api search", lambda: api(_request("/api/search/", {"q": word})))
        step("page search", lambda: page(_request("/search/", {"q": word})))
    step("gc", _freeze)
    connections.close_all()
    return done


def _freeze() -> None:
    gc.collect()
    gc.freeze()
