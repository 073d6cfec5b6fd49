"""Feeds, CSV and JSON as a feed reader, a spreadsheet and a script read them: on their bytes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.factories import make_article

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


# --- Atom ---------------------------------------------------------------------------------
def test_the_search_feed_links_itself_with_its_query_and_filters(client, on_commit):
    on_commit(make_article, title="Ferries at dawn", source="Coastal Times")
    response = client.get("/feeds/search/", {"q": "ferries", "source": "coastal-times"})
    feed = ET.fromstring(body(response))
    (self_link,) = [e for e in feed.findall(f"{ATOM}link") if e.get("rel") == "self"]
    parts = urlsplit(self_link.get("href"))
    assert parts.scheme == "http" and parts.path == "/feeds/search/"
    assert parse_qs(parts.query) == {"q": ["ferries"], "source": ["coastal-times"]}
    alternate = next(e for e in feed.findall(f"{ATOM}link") if e.get("rel") == "alternate")
    assert parse_qs(urlsplit(alternate.get("href")).query)["q"] == ["ferries"]


@pytest.mark.parametrize("path", ["/feeds/latest/", "/feeds/search/?q=ferries"])
def test_an_undated_article_has_no_published_date_in_a_feed(client, on_commit, path):
    on_commit(make_article, title="Undated ferries", published=None)
    on_commit(make_article, title="Dated ferries", published=dt.date(2005, 3, 4))
    feed = ET.fromstring(body(client.get(path)))
    entries = {e.find(f"{ATOM}title").text: e for e in feed.findall(f"{ATOM}entry")}
    undated, dated = entries["Undated ferries"], entries["Dated ferries"]
    assert undated.find(f"{ATOM}published") is None
    assert undated.find(f"{ATOM}updated") is not None  # Atom requires it
    assert dated.find(f"{ATOM}published").text.startswith("2005-03-04")


# --- CSV ------------------------------------------------------------------------------------
def test_the_csv_starts_with_a_utf8_bom_so_spreadsheets_read_umlauts(client, on_commit):
    on_commit(make_article, title="Die europäischen Fähren", body="<p>Fähren über die See.</p>")
    raw = body(client.get("/search/export.csv", {"q": "fähren"}))
    assert raw.startswith(b"\xef\xbb\xbfid,title,")
    assert raw.count(b"\xef\xbb\xbf") == 1
    assert "Die europäischen Fähren".encode() in raw


def test_the_csv_keeps_the_contract_columns_and_appends_tags_language_snippet(client, on_commit):
    on_commit(
        make_article,
        title="Harbour ferries return",
        body="<p>The ferries returned to the harbour &amp; quay at dawn.</p>",
        tags=(("region", "Europe"), ("keyword", "Shipping")),
        language="en",
    )
    table = list(
        csv.reader(
            io.StringIO(
                body(client.get("/search/export.csv", {"q": "ferries"})).decode("utf-8-sig")
            )
        )
    )
    head, row = table
    assert head == ["id", "title", "source", "authors", "published", "url", "original_url",
                    "tags", "language", "snippet"]  # fmt: skip
    record = dict(zip(head, row, strict=True))
    assert set(record["tags"].split("; ")) == {"Europe", "Shipping"}
    assert record["language"] == "en"
    # Plain text: no <mark>, no HTML escapes.
    assert record["snippet"] == "The ferries returned to the harbour & quay at dawn."
    assert record["url"].startswith("http://testserver/articles/")


@pytest.mark.parametrize(
    ("params", "filename"),
    [
        ({}, "search.csv"),
        ({"q": "Harbour ferries"}, "search-harbour-ferries.csv"),
        (
            {"q": "ferries", "source": "coastal-times", "start": "2022-01-01", "end": "2022-02-01"},
            "search-ferries-source-coastal-times-from-2022-01-01-to-2022-02-01.csv",
        ),
        ({"q": '"exact phrase" -noise'}, "search-exact-phrase-noise.csv"),
    ],
)
def test_the_csv_is_named_after_the_query(client, on_commit, params, filename):
    on_commit(make_article, title="Ferries", source="Coastal Times")
    response = client.get("/search/export.csv", params)
    body(response)  # read to the end: a streamed export holds its client's slot till then
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'


def test_a_csv_of_a_greek_query_keeps_its_letters_in_filename_star(client, on_commit):
    on_commit(make_article, title="Λιμάνι", body="<p>Το λιμάνι άνοιξε.</p>")
    response = client.get("/search/export.csv", {"q": "λιμάνι"})
    body(response)
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename=\"search.csv\"; filename*=UTF-8''")
    assert disposition.endswith("search-%CE%BB%CE%B9%CE%BC%CE%AC%CE%BD%CE%B9.csv")


# --- JSON -----------------------------------------------------------------------------------
def test_json_urls_are_absolute_and_pages_link_to_the_next(client, on_commit):
    for n in range(5):
        on_commit(make_article, title=f"Ferries number {n}")
    data = json.loads(client.get("/api/search/", {"q": "ferries", "page_size": 2}).content)
    assert (data["count"], data["pages"], data["page_size"]) == (5, 3, 2)
    assert len(data["results"]) == 2
    assert all(r["url"].startswith("/articles/") for r in data["results"])  # INTERFACE.md
    assert data["previous"] is None
    seen = [r["id"] for r in data["results"]]
    while data["next"]:
        parts = urlsplit(data["next"])
        assert parts.netloc == "testserver" and parts.path == "/api/search/"
        data = json.loads(client.get(parts.path + "?" + parts.query).content)
        assert parse_qs(urlsplit(data["previous"]).query)["page_size"] == ["2"]
        seen += [r["id"] for r in data["results"]]
    assert len(seen) == len(set(seen)) == 5  # every match once, by following `next`


def test_json_page_size_defaults_to_twenty(client, on_commit):
    for _ in range(21):
        on_commit(make_article, title="Ferries again")
    data = client.get("/api/search/", {"q": "ferries"}).json()
    assert data["page_size"] == 20 and len(data["results"]) == 20
    assert "page=2" in data["next"]


@pytest.mark.parametrize("size", ["0", "101", "-3", "many"])
def test_json_page_size_is_bounded(client, on_commit, size):
    on_commit(make_article, title="Ferries")
    response = client.get("/api/search/", {"q": "ferries", "page_size": size})
    assert response.status_code == 400
    assert "page_size" in response.json()["errors"]


def test_the_article_api_gives_the_path_the_interface_names(client, on_commit):
    article = on_commit(make_article, title="Ferries")
    data = client.get(f"/api/articles/{article.pk}/").json()
    assert data["url"] == article.get_absolute_url()
