"""/api/search/, /search/export.csv and /feeds/search/: the same result set as the page."""

import csv
import io
import xml.etree.ElementTree as ET

import pytest

from tests.factories import make_article, make_articles

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_article(on_commit):
    return on_commit(make_article, title="Summit in Geneva")


ATOM = "{http://www.w3.org/2005/Atom}"


def test_api_shape_is_exactly_the_interface(client, seeds):
    data = client.get("/api/search/", {"q": "Ryabkov"}).json()
    contract = {"count", "page", "pages", "results", "facets", "suggestion"}
    assert set(data) == contract | {"page_size", "next", "previous", "notices"}
    assert (data["count"], data["page"], data["pages"]) == (2, 1, 1)
    result = data["results"][0]
    keys = {"id", "title", "url", "source", "authors", "published", "snippet", "score", "story"}
    assert set(result) == keys
    assert isinstance(result["score"], float)
    assert set(data["facets"]) == {"source", "author", "tag", "month", "language"}
    assert data["facets"]["month"] == [{"value": "2022-01", "count": 2}]
    source = next(r for r in data["results"] if r["source"])["source"]
    assert set(source) == {"name", "slug"}


def test_api_unknown_fields_are_null_or_empty(client, on_commit):
    on_commit(make_article, title="Bare summit", source="", authors=(), published=None)
    result = client.get("/api/search/", {"q": "summit"}).json()["results"][0]
    assert result["source"] is None and result["authors"] == [] and result["published"] is None


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "20220101"}, "start"),
        ({"sort": "best"}, "sort"),
        ({"page": "-1"}, "page"),
        ({"page": "5"}, "page"),
        ({"tag": "<script>"}, "tag"),
        ({"start": "2022-03-01", "end": "2022-02-01"}, "end"),
    ],
)
def test_api_bad_parameters_are_400_with_errors(client, one_article, params, field):
    response = client.get("/api/search/", params)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def rows(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_csv_streams_every_match_not_just_a_page(client, on_commit):
    on_commit(make_articles, 45, title="Summit", source="Alpha")
    response = client.get("/search/export.csv", {"q": "summit"})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    table = rows(response)
    contract = ["id", "title", "source", "authors", "published", "url", "original_url"]
    assert table[0] == [*contract, "tags", "language", "snippet"]
    assert len(table) == 46 and len({r[0] for r in table[1:]}) == 45


def test_csv_of_an_empty_query_lists_every_article(client, seeds):
    assert len(rows(client.get("/search/export.csv"))) == 6


def test_csv_cells_cannot_start_a_formula(client, on_commit):
    on_commit(
        make_article, title="=HYPERLINK(\"http://evil\") summit", source="+Source",
        authors=("@Ann", "-Bob"),
    )  # fmt: skip
    table = rows(client.get("/search/export.csv", {"q": "summit"}))
    row = dict(zip(table[0], table[1], strict=True))
    assert row["title"].startswith("'=")
    assert row["source"] == "'+Source"
    assert row["authors"] == "'-Bob; @Ann"


def test_csv_refuses_bad_parameters(client, one_article):
    assert client.get("/search/export.csv", {"start": "x"}).status_code == 400


def test_feed_is_atom_with_the_same_results(client, seeds):
    response = client.get("/feeds/search/", {"q": "Ryabkov"})
    assert response.status_code == 200
    feed = ET.fromstring(response.content)
    titles = {e.find(f"{ATOM}title").text for e in feed.iter(f"{ATOM}entry")}
    assert titles == {seeds["001"].title, seeds["004"].title}
    assert "Ryabkov" in feed.find(f"{ATOM}title").text


def test_feed_of_filters_only_lists_from_the_database(client, seeds):
    feed = ET.fromstring(client.get("/feeds/search/", {"source": "rt-de"}).content)
    assert [e.find(f"{ATOM}title").text for e in feed.iter(f"{ATOM}entry")] == [seeds["001"].title]


def test_feed_refuses_bad_parameters(client, one_article):
    assert client.get("/feeds/search/", {"sort": "x"}).status_code == 400


def test_the_page_links_to_export_json_and_feed_with_its_parameters(client, seeds):
    # (A search that finds nothing offers no exports: tests/test_search_page_reading.py.)
    html = client.get("/search/", {"q": "Ryabkov", "sort": "oldest"}).content.decode()
    for path in ("/search/export.csv", "/api/search/", "/feeds/search/"):
        assert f"{path}?q=Ryabkov&amp;sort=oldest" in html
