"""Per-client bounds on searches and exports: 429 with Retry-After past them, never a queue
that makes every reader wait behind one visitor's burst."""

from __future__ import annotations

import concurrent.futures
import urllib.error
import urllib.parse
import urllib.request

import pytest

from archive import throttle
from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def slot_dir(settings, tmp_path):
    settings.THROTTLE_DIR = str(tmp_path / "slots")
    settings.SEARCH_CLIENT_CONCURRENCY = 1
    settings.EXPORT_CONCURRENCY = 1


def hold(path, client="127.0.0.1"):
    slots = throttle.acquire(throttle.bounds_for(path), client)
    assert slots is not None
    return slots


def test_a_client_over_its_bound_gets_429_with_retry_after_and_others_are_served(client):
    held = hold("/api/search/")
    response = client.get("/api/search/", {"q": "x"})
    assert response.status_code == 429
    assert response.headers["Retry-After"] == str(throttle.RETRY_AFTER)
    assert "Too many searches" in response.json()["errors"]["search"][0]
    assert client.get("/search/", {"q": "x"}).status_code == 429  # the page is plain text
    assert client.get("/api/search/", {"q": "x"}, REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/").status_code == 200  # browse pages are not bounded
    held.release()
    assert client.get("/api/search/", {"q": "x"}).status_code == 200


def test_a_streamed_export_holds_its_slot_until_it_is_sent(client, on_commit):
    on_commit(make_article)
    first = client.get("/search/export.csv")
    assert first.streaming and first.status_code == 200
    second = client.get("/search/export.csv", REMOTE_ADDR="10.9.9.9")
    assert second.status_code == 429  # one export at a time, whoever asks
    b"".join(first.streaming_content)
    first.close()
    assert client.get("/search/export.csv", REMOTE_ADDR="10.9.9.9").status_code == 200


def test_an_export_closed_unread_gives_its_slot_back(client, on_commit):
    on_commit(make_article)
    unread = client.get("/search/export.csv")
    assert unread.streaming and unread.status_code == 200
    unread.close()  # what the server does with every response, read or not
    assert client.get("/search/export.csv", REMOTE_ADDR="10.9.9.9").status_code == 200


def test_behind_a_proxy_the_named_header_tells_clients_apart(client, settings):
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    held = hold("/api/search/", "203.0.113.7")
    blocked = client.get("/api/search/", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7")
    assert blocked.status_code == 429
    other = client.get("/api/search/", HTTP_X_FORWARDED_FOR="203.0.113.7, 198.51.100.2")
    assert other.status_code == 200  # only the proxy's own (last) entry is trusted
    held.release()


def test_zero_turns_the_bound_off(settings):
    settings.SEARCH_CLIENT_CONCURRENCY = 0
    assert throttle.bounds_for("/api/search/") == []


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_burst_from_one_address_leaves_a_worker_for_everyone_else(tmp_path, search_index):
    from tests.e2e.live import LiveServer

    for i in range(30):
        make_article(title=f"Story {i} about the economy", body=f"<p>Economy story {i}.</p>")
    from django.core.management import call_command

    call_command("rebuild_index", "--noinput", verbosity=0)
    with LiveServer(search_index, workers=2, THROTTLE_DIR=str(tmp_path / "slots")) as server:
        # Unknown words: each once cost a fuzzy scan of the lexicon for a suggestion.
        slow = urllib.parse.quote(" ".join(f"economyy{i} sxq{i}" for i in range(40))[:499])

        def get(path, source="127.0.0.1"):
            try:
                with _bound_opener(source).open(server.url + path, timeout=30) as response:
                    return response.status, dict(response.headers)
            except urllib.error.HTTPError as error:
                return error.code, dict(error.headers)

        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
            burst = [pool.submit(get, f"/api/search/?q={slow}") for _ in range(40)]
            cheap = [get("/api/search/?q=economy", source="127.0.0.2") for _ in range(10)]
            results = [f.result() for f in burst]
    statuses = [status for status, _headers in results]
    assert set(statuses) <= {200, 429} and 429 in statuses
    assert all(h.get("Retry-After") for status, h in results if status == 429)
    assert [status for status, _h in cheap] == [200] * 10
    print(f"\n[trust] burst of 40 from one address: {statuses.count(200)} served, "
          f"{statuses.count(429)} told to retry; another address: 10 of 10 served")  # fmt: skip


def _bound_opener(source: str):
    """An opener whose connections leave from `source` (a loopback address of 127.0.0.0/8)."""
    import http.client

    class Connection(http.client.HTTPConnection):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, source_address=(source, 0), **kwargs)

    class Handler(urllib.request.HTTPHandler):
        def http_open(self, req):
            return self.do_open(Connection, req)

    return urllib.request.build_opener(Handler)
