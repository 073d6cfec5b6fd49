"""Facet counts, narrowing and removal links, and the timeline."""

import datetime as dt
import re
from html import unescape

import pytest
from django.db import connection

from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(on_commit):
    """Five summits: Alpha 3 (Ann 2, Bob 1), Beta 2 (Bob); January to March 2022."""
    specs = [
        ("Alpha", ("Ann",), dt.date(2022, 1, 5), "europe"),
        ("Alpha", ("Ann", "Bob"), dt.date(2022, 1, 20), "asia"),
        ("Alpha", ("Bob",), dt.date(2022, 3, 1), "europe"),
        ("Beta", ("Bob",), dt.date(2022, 3, 9), "europe"),
        ("Beta", ("Bob",), dt.date(2022, 1, 9), "asia"),
    ]
    return [
        on_commit(
            make_article,
            title=f"Summit {i}",
            source=s,
            authors=a,
            published=d,
            tags=(("region", t),),
        )  # fmt: skip
        for i, (s, a, d, t) in enumerate(specs)
    ]


def facets(client, **params):
    data = client.get("/api/search/", params).json()
    return {k: {f["value"]: f["count"] for f in v} for k, v in data["facets"].items()}, data


@pytest.mark.parametrize("q", ["summit", ""])
def test_facets_count_the_whole_result_set(client, articles, q):
    counts, data = facets(client, q=q)
    assert data["count"] == 5
    assert counts["source"] == {"alpha": 3, "beta": 2}
    assert counts["author"] == {"ann": 2, "bob": 4}
    assert counts["tag"] == {"europe": 3, "asia": 2}
    assert counts["month"] == {"2022-01": 3, "2022-03": 2}


@pytest.mark.parametrize("q", ["summit", ""])
def test_each_facet_is_counted_under_the_other_filters_only(client, articles, q):
    counts, data = facets(client, q=q, source="alpha", tag="europe")
    assert data["count"] == 2
    # sources under tag=europe only; tags under source=alpha only
    assert counts["source"] == {"alpha": 2, "beta": 1}
    assert counts["tag"] == {"europe": 2, "asia": 1}
    assert counts["author"] == {"ann": 1, "bob": 1}


@pytest.mark.parametrize("q", ["summit", ""])
def test_the_month_facet_ignores_the_date_filter(client, articles, q):
    counts, data = facets(client, q=q, start="2022-03-01")
    assert data["count"] == 2
    assert counts["month"] == {"2022-01": 3, "2022-03": 2}
    assert counts["source"] == {"alpha": 1, "beta": 1}


def test_facet_labels_are_names(client, articles):
    data = client.get("/api/search/", {"q": "summit"}).json()
    assert {f["label"] for f in data["facets"]["source"]} == {"Alpha", "Beta"}
    assert all(set(f) == {"value", "count"} for f in data["facets"]["month"])


def test_repeated_filters_match_any_value(client, articles):
    data = client.get("/api/search/?q=summit&author=ann&author=bob").json()
    assert data["count"] == 5


def hrefs(html):
    return [unescape(h) for h in re.findall(r'href="([^"]*)"', html)]


def test_choosing_a_facet_narrows_and_keeps_the_query(client, articles):
    html = client.get("/search/", {"q": "summit"}).content.decode()
    link = next(h for h in hrefs(html) if "source=alpha" in h)
    assert "q=summit" in link
    narrowed = client.get("/search/" + link)
    assert narrowed.context["outcome"].count == 3


def test_chosen_filters_can_be_removed_one_by_one(client, articles):
    response = client.get("/search/", {"q": "summit", "source": "alpha", "author": "ann"})
    chosen = {c["value"]: c["url"] for c in response.context["chosen"]}
    assert set(chosen) == {"alpha", "ann"}
    assert "author=ann" in chosen["alpha"] and "source=alpha" not in chosen["alpha"]
    assert "source=alpha" in chosen["ann"] and "author=ann" not in chosen["ann"]
    assert client.get("/search/" + chosen["ann"]).context["outcome"].count == 3


def test_timeline_bars_link_to_their_month(client, articles):
    response = client.get("/search/", {"q": "summit", "source": "alpha"})
    html = response.content.decode()
    assert "<svg" in html and "January 2022" in html
    bars = {b.month: b for b in response.context["timeline"].bars}
    assert [m for m in bars] == ["2022-01", "2022-02", "2022-03"]
    assert bars["2022-02"].count == 0 and bars["2022-01"].count == 2
    link = bars["2022-01"].url
    assert "start=2022-01-01" in link and "end=2022-01-31" in link and "source=alpha" in link
    assert client.get("/search/" + link).context["outcome"].count == 2


def test_timeline_has_a_text_alternative(client, articles):
    html = client.get("/search/", {"q": "summit"}).content.decode()
    assert "The counts as text" in html
    assert re.search(r"January 2022</a>: 3", html)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"source": "alpha"},
        {"tag": "europe", "author": "bob"},
        {"start": "2022-01-09", "end": "2022-03-01"},
        {"source": ["alpha", "beta"], "sort": "oldest"},
        {"author": "nobody"},
    ],
)
def test_the_database_lists_filters_as_the_index_does(articles, params):
    """Without words the index answers (from memory); the database is the fallback when the
    index fails, and must give the same count, facets and order."""
    from django.http import QueryDict

    from search.forms import ArchiveSearchForm

    query = QueryDict(mutable=True)
    for key, value in params.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    form = ArchiveSearchForm(query)
    assert form.is_valid(), form.errors
    index, database = form.results(), form.database_results()
    assert type(index).__name__ == "IndexResults"
    assert index.count == database.count
    assert index.facets() == database.facets()
    assert [h.article.pk for h in index.page(1).hits] == [
        h.article.pk for h in database.page(1).hits
    ]
    if connection.vendor == "sqlite":  # SQLite's own queries, and the ORM's elsewhere
        assert database.sql_summary() == database.orm_summary()


def test_the_month_facet_lists_every_month_not_the_top_twenty(client, on_commit):
    for n in range(30):
        on_commit(
            make_article, title="Monthly ferries", published=dt.date(2020 + n // 12, 1 + n % 12, 5)
        )
    for params in ({"q": "ferries"}, {}):
        months = client.get("/api/search/", params).json()["facets"]["month"]
        assert len(months) == 30, params
        assert [m["value"] for m in months] == sorted(m["value"] for m in months)
