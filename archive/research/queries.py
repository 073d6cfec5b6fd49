"""Reads of the research app: a search inside a set of articles (a collection, the new
matches of a saved search), through the same form and result sets as the search page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.http import QueryDict

from archive.models import Article
from search.forms import ArchiveSearchForm
from search.results import DatabaseResults, IndexResults

# Most articles one collection holds, and most new articles a "new since" count looks at:
# both become one `django_id IN (…)` narrow query of the index.
MAX_ITEMS = 1000


def _id_fragment(sqs, ids: list[str]):
    # "0" is no article's id: an empty set must match nothing, not everything.
    return sqs.query.build_query_fragment("django_id", "in", ids or ["0"])


class IndexWithin(IndexResults):
    """IndexResults narrowed to a set of article ids (every facet too)."""

    def __init__(self, *args, ids: list[str], **kwargs):
        self.ids = ids
        super().__init__(*args, **kwargs)

    def _searchqueryset(self, filters):
        sqs = super()._searchqueryset(filters)
        return sqs.narrow(_id_fragment(sqs, self.ids))


class DatabaseWithin(DatabaseResults):
    """DatabaseResults narrowed to a set of article ids, counted through the ORM (the SQLite
    summary and its cache are for whole-archive filter sets)."""

    def __init__(self, *args, ids: list[str], **kwargs):
        self.ids = [int(i) for i in ids]
        super().__init__(*args, **kwargs)

    def _queryset(self, filters):
        return super()._queryset(filters).filter(pk__in=self.ids)

    def _summarize(self) -> dict:
        if self._summary is None:
            self._summary = self.orm_summary()
        return self._summary


class WithinForm(ArchiveSearchForm):
    """The search form, its results limited to `ids`."""

    def __init__(self, data, *, ids):
        super().__init__(data)
        self.ids = [str(i) for i in ids]

    def results(self):
        q = self.cleaned_data["q"]
        return IndexWithin(self.parsed, q, self.filters(), self.sort_order, ids=self.ids)

    def database_results(self):
        return DatabaseWithin(self.filters(), self.sort_order, ids=self.ids)


def saved_form(query: str, *, ids=None) -> ArchiveSearchForm:
    """The search form of a saved query string (validated), optionally limited to `ids`."""
    data = QueryDict(query)
    form = ArchiveSearchForm(data) if ids is None else WithinForm(data, ids=ids)
    form.is_valid()
    return form


def new_ids(
    since: dt.datetime, until: dt.datetime | None = None, *, limit: int = MAX_ITEMS
) -> list[str]:
    """Public articles added to the archive after `since` (and up to `until`), newest first,
    at most `limit` + 1 (one more tells "more than")."""
    qs = Article.objects.public().filter(created__gt=since)
    if until is not None:
        qs = qs.filter(created__lte=until)
    return [str(pk) for pk in qs.order_by("-created").values_list("pk", flat=True)[: limit + 1]]


@dataclass(frozen=True)
class NewCount:
    """How many new matches; `at_least` when more articles were added than were looked at
    (the newest MAX_ITEMS), so the true count may be higher."""

    n: int
    at_least: bool = False


def count_new(query: str, since: dt.datetime, *, limit: int = MAX_ITEMS) -> NewCount | None:
    """How many articles added after `since` the saved search matches, from the index (its
    query and filters restricted to the new articles' ids); None when it cannot tell (the
    saved parameters no longer validate, or the index fails)."""
    ids = new_ids(since, limit=limit)
    if not ids:
        return NewCount(0)
    form = saved_form(query, ids=ids[:limit])
    if not form.is_valid():
        return None
    try:
        return NewCount(form.results().count, at_least=len(ids) > limit)
    except Exception:  # a broken index: the list says "unknown", it does not fail
        return None


def new_matches(query: str, since: dt.datetime, until: dt.datetime) -> list[Article]:
    """The articles added in (since, until] that the saved search matches, newest first."""
    ids = new_ids(since, until)[:MAX_ITEMS]
    if not ids:
        return []
    form = saved_form(query, ids=ids)
    if not form.is_valid():
        return []
    found = {str(a.pk) for a in form.results().iter_articles()}
    articles = Article.objects.public().for_listing().in_bulk([int(i) for i in ids if i in found])
    return sorted(articles.values(), key=lambda a: a.created, reverse=True)


def collection_article_ids(collection) -> list[int]:
    return list(collection.items.values_list("article_id", flat=True)[:MAX_ITEMS])


def collection_items(collection):
    """The collection's items in its order, each with its public article (withdrawn ones
    are left out of the page but kept in the collection)."""
    return (
        collection.items.filter(article__in=Article.objects.public())
        .select_related("article", "article__source")
        .prefetch_related("article__authors", "article__tags")
    )
