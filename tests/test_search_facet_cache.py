"""The empty-query path's cached count and facets change with the data, at once."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection

from archive.models import Article
from search import facet_cache
from tests.factories import make_article

pytestmark = pytest.mark.django_db(transaction=True)


def figures(client, **params):
    data = client.get("/api/search/", params).json()
    counts = {k: {f["value"]: f["count"] for f in v} for k, v in data["facets"].items()}
    return data["count"], counts


def test_a_saved_article_changes_the_cached_facets_right_after_commit(client):
    cache.clear()
    make_article(title="One", source="Alpha", authors=("Ann",), published=dt.date(2022, 1, 5))
    make_article(title="Two", source="Beta", authors=("Bob",), published=dt.date(2022, 2, 5))
    before = figures(client)
    assert before == figures(client)  # the second answer is the cached one
    assert before[0] == 2
    assert before[1]["source"] == {"alpha": 1, "beta": 1}
    version = facet_cache.data_version()
    if connection.vendor == "sqlite":
        assert version is not None  # the cache is in use

    article = make_article(
        title="Three", source="Alpha", authors=("Ann",), published=dt.date(2022, 2, 9)
    )  # committed: no transaction around it
    if version is not None:
        assert facet_cache.data_version() != version
    count, counts = figures(client)
    assert count == 3
    assert counts["source"] == {"alpha": 2, "beta": 1}
    assert counts["author"] == {"ann": 2, "bob": 1}
    assert counts["month"] == {"2022-01": 1, "2022-02": 2}
    assert figures(client, source="alpha")[0] == 2

    Article.objects.get(pk=article.pk).delete()
    assert figures(client) == before

    hidden = Article.objects.get(title="Two")
    hidden.is_public = False
    hidden.save()
    count, counts = figures(client)
    assert count == 1
    assert counts["source"] == {"alpha": 1}
    assert counts["month"] == {"2022-01": 1}
