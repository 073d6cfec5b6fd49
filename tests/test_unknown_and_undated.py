"""Articles with no known source or date are counted and findable, not invisible."""

import datetime as dt

import pytest
from django.db import connection
from django.http import QueryDict

from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(on_commit):
    """Alpha 2 (one undated), no source 2 (one undated), Beta 1 hidden and undated."""
    specs = [
        ("Alpha", dt.date(2022, 1, 5), True),
        ("Alpha", None, True),
        ("", dt.date(2022, 3, 1), True),
        ("", None, True),
        ("Beta", None, False),
    ]
    made = []
    for i, (source, published, public) in enumerate(specs):
        article = on_commit(make_article, title=f"Harbour {i}", source=source, published=published)
        if not public:
            article.is_public = False
            on_commit(article.save)
        made.append(article)
    return made


def facets(client, **params):
    data = client.get("/api/search/", params).json()
    return {k: {f["value"]: f for f in v} for k, v in data["facets"].items()}, data


@pytest.mark.parametrize("q", ["harbour", ""])
def test_the_source_facet_lists_unknown_source(client, articles, q):
    found, data = facets(client, q=q)
    assert data["count"] == 4
    assert {v: f["count"] for v, f in found["source"].items()} == {"alpha": 2, "-": 2}
    assert found["source"]["-"]["label"] == "Unknown source"


@pytest.mark.parametrize("q", ["harbour", ""])
def test_the_month_facet_counts_undated_last(client, articles, q):
    data = client.get("/api/search/", {"q": q}).json()
    months = data["facets"]["month"]
    assert [(m["value"], m["count"]) for m in months] == [("2022-01", 1), ("2022-03", 1), ("-", 2)]
    assert months[-1]["label"] == "Undated"


@pytest.mark.parametrize("q", ["harbour", ""])
def test_source_dash_finds_the_articles_with_no_source(client, articles, q):
    data = client.get("/api/search/", {"q": q, "source": "-"}).json()
    assert sorted(r["title"] for r in data["results"]) == ["Harbour 2", "Harbour 3"]
    assert all(r["source"] is None for r in data["results"])
    both = client.get("/api/search/", {"q": q, "source": ["-", "alpha"]}).json()
    assert both["count"] == 4


@pytest.mark.parametrize(
    "params", [{}, {"source": "-"}, {"source": ["-", "alpha"]}, {"start": "2022-01-01"}]
)
def test_the_database_counts_unknown_and_undated_as_the_index_does(articles, params):
    from search.forms import ArchiveSearchForm
    from search.results import _sql_facets

    query = QueryDict(mutable=True)
    for key, value in params.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    form = ArchiveSearchForm(query)
    assert form.is_valid(), form.errors
    index, database = form.results(), form.database_results()
    assert index.count == database.count
    assert index.facets() == database.facets()
    # The ORM's version (any other database) and SQLite's index-only queries agree too.
    if connection.vendor == "sqlite":
        assert database._orm_facets() == _sql_facets(form.filters())
    assert [h.article.pk for h in index.page(1).hits] == [
        h.article.pk for h in database.page(1).hits
    ]


def test_the_search_page_shows_unknown_source_and_undated(client, articles):
    html = client.get("/search/").content.decode()
    assert "Unknown source" in html and "?source=-" in html
    assert "Undated: 2 articles" in html
    chosen = client.get("/search/", {"source": "-"}).content.decode()
    assert "Remove the filter Unknown source" in chosen  # the chip, in words


def test_the_sources_page_says_how_many_have_no_source(client, articles):
    html = client.get("/sources/").content.decode()
    assert "2 articles have no known source" in html
    assert 'href="/search/?source=-"' in html


def test_the_date_archive_counts_undated(client, articles):
    html = client.get("/archive/").content.decode()
    assert "Undated: 2 articles" in html
