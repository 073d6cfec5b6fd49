"""The one result set behind the search page, the JSON API, the CSV export and the feed.

Two implementations of the same small interface:

- DatabaseResults, for an empty query: the public ArticleQuerySet with the filters; facets
  are database aggregates. Listing never goes through the index (a match-all reads every
  posting: seconds at 10k articles).
- IndexResults, for a query: haystack's SearchQuerySet with the query as SQ and each filter
  as a narrow query; facets come back from the same backend call. The Whoosh backend counts
  every facet under the query and the *other* filters in one pass; on a backend that cannot
  (Elasticsearch), each facet is asked for separately with its own filter left out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Count
from django.db.models.functions import TruncMonth
from haystack import connections
from haystack.query import SearchQuerySet

from archive.models import Article, Author, Source, Tag
from search.query import ParsedQuery

PAGE_SIZE = 20
FACET_SIZE = 20
DIMENSIONS = ("source", "author", "tag")
# facet name (INTERFACE.md) -> index field
INDEX_FIELDS = {
    "source": "source_slug",
    "author": "author_slugs",
    "tag": "tag_slugs",
    "month": "month",
}
LABEL_MODELS = {"source": Source, "author": Author, "tag": Tag}


@dataclass
class Filters:
    source: list[str] = field(default_factory=list)
    author: list[str] = field(default_factory=list)
    tag: list[str] = field(default_factory=list)
    start: dt.date | None = None
    end: dt.date | None = None

    def without(self, dimension: str) -> Filters:
        """These filters minus one facet's own (the month facet drops the dates)."""
        changes = {"start": None, "end": None} if dimension == "month" else {dimension: []}
        return Filters(**{**self.__dict__, **changes})


@dataclass
class Hit:
    article: Article
    score: float | None = None


@dataclass
class Facet:
    value: str
    count: int
    label: str = ""


class _Window:
    """A sequence of `count` items of which one page is known, for Django's Paginator."""

    def __init__(self, count: int, fetch):
        self.count = count
        self._fetch = fetch

    def __len__(self):
        return self.count

    def __getitem__(self, bounds: slice):
        return self._fetch(bounds.start or 0, bounds.stop)


def _in_order(pks: list[int]) -> list[Article]:
    found = Article.objects.public().for_listing().in_bulk(pks)
    return [found[pk] for pk in pks if pk in found]


def _month_label(value: str) -> str:
    try:
        return dt.datetime.strptime(value, "%Y-%m").strftime("%B %Y")
    except ValueError:
        return value


def _labelled(dimension: str, counts: list[tuple[str, int]]) -> list[Facet]:
    counts = [(v, n) for v, n in counts if v][:FACET_SIZE]
    if dimension == "month":
        return sorted((Facet(v, n, _month_label(v)) for v, n in counts), key=lambda f: f.value)
    names = dict(
        LABEL_MODELS[dimension]
        .objects.filter(slug__in=[v for v, _ in counts])
        .values_list("slug", "name")
    )
    return [Facet(v, n, names.get(v, v)) for v, n in counts]


class DatabaseResults:
    """Every public article matching the filters, from the database."""

    suggestion = None

    def __init__(self, filters: Filters, sort: str):
        self.filters = filters
        self.sort = sort

    def _queryset(self, filters: Filters):
        qs = Article.objects.public().between(filters.start, filters.end)
        if filters.source:
            qs = qs.filter(source__slug__in=filters.source)
        # Subqueries rather than joins, so an article with two chosen tags counts once.
        if filters.author:
            through = Article.authors.through.objects.filter(author__slug__in=filters.author)
            qs = qs.filter(pk__in=through.values("article_id"))
        if filters.tag:
            through = Article.tags.through.objects.filter(tag__slug__in=filters.tag)
            qs = qs.filter(pk__in=through.values("article_id"))
        return qs

    def ordered(self):
        qs = self._queryset(self.filters).for_listing()
        return qs.oldest() if self.sort == "oldest" else qs.newest()

    def page(self, number: int):
        paginator = Paginator(self.ordered(), PAGE_SIZE)
        page = paginator.page(number)
        page.hits = [Hit(a) for a in page.object_list]
        return page

    @property
    def count(self) -> int:
        return self._queryset(self.filters).count()

    def facets(self) -> dict[str, list[Facet]]:
        return {
            "source": self._counts("source", "source__slug"),
            "author": self._counts("author", "authors__slug"),
            "tag": self._counts("tag", "tags__slug"),
            "month": self._month_counts(),
        }

    def _counts(self, dimension: str, lookup: str) -> list[Facet]:
        rows = (
            self._queryset(self.filters.without(dimension))
            .exclude(**{f"{lookup}__isnull": True})
            .values_list(lookup)
            .annotate(n=Count("id"))
            .order_by("-n", lookup)[:FACET_SIZE]
        )
        return _labelled(dimension, list(rows))

    def _month_counts(self) -> list[Facet]:
        rows = (
            self._queryset(self.filters.without("month"))
            .exclude(published__isnull=True)
            .annotate(m=TruncMonth("published"))
            .values_list("m")
            .annotate(n=Count("id"))
            .order_by("m")
        )
        months = [Facet(m.strftime("%Y-%m"), n, m.strftime("%B %Y")) for m, n in rows]
        return months

    def iter_articles(self, limit: int | None = None) -> Iterator[Article]:
        qs = self.ordered()
        if limit is not None:
            yield from qs[:limit]
            return
        yield from qs.iterator(chunk_size=500)


class IndexResults:
    """Articles matching a query, from the search index (any haystack backend)."""

    def __init__(self, query: ParsedQuery, raw_query: str, filters: Filters, sort: str):
        self.query = query
        self.filters = filters
        self.sort = sort
        self.sqs = self._searchqueryset(filters).set_spelling_query(raw_query)
        for name in INDEX_FIELDS.values():
            self.sqs = self.sqs.facet(name)
        if sort != "relevance":
            self.sqs = self.sqs.order_by("-published" if sort == "newest" else "published")
        self._query = None  # the haystack query that last ran
        self._window: tuple[int, int] | None = None
        self._results: list = []

    def _searchqueryset(self, filters: Filters) -> SearchQuerySet:
        sqs = SearchQuerySet().models(Article).filter(self.query.to_sq())
        fragment = sqs.query.build_query_fragment
        for dimension in DIMENSIONS:
            values = getattr(filters, dimension)
            if values:
                sqs = sqs.narrow(fragment(INDEX_FIELDS[dimension], "in", values))
        if filters.start:
            sqs = sqs.narrow(fragment("published", "gte", filters.start))
        if filters.end:
            sqs = sqs.narrow(fragment("published", "lte", filters.end))
        return sqs

    def _run(self, start: int, end: int) -> list:
        """One backend call: this window of results, the count, facets and suggestion."""
        if self._window != (start, end):
            sqs = self.sqs.all()
            self._results = list(sqs[start:end])
            self._query, self._window = sqs.query, (start, end)
        return self._results

    def _ensure_run(self):
        if self._query is None:
            self._run(0, PAGE_SIZE)

    def _fetch(self, start: int, end: int) -> list[Hit]:
        results = self._run(start, end)
        articles = {a.pk: a for a in _in_order([int(r.pk) for r in results])}
        return [Hit(articles[int(r.pk)], r.score) for r in results if int(r.pk) in articles]

    def page(self, number: int):
        paginator = Paginator(_Window(self.count, self._fetch), PAGE_SIZE)
        page = paginator.page(number)
        page.hits = page.object_list
        return page

    @property
    def count(self) -> int:
        self._ensure_run()
        return self._query.get_count()

    @property
    def suggestion(self) -> str | None:
        self._ensure_run()
        return self._query.get_spelling_suggestion() or None

    def facets(self) -> dict[str, list[Facet]]:
        self._ensure_run()
        backend = connections["default"].get_backend()
        if getattr(backend, "supports_multiselect_facets", False):
            fields = self._query.get_facet_counts().get("fields", {})
        else:
            fields = {}
            for dimension, name in INDEX_FIELDS.items():
                sqs = self._searchqueryset(self.filters.without(dimension)).facet(name)
                fields[name] = sqs.facet_counts().get("fields", {}).get(name, [])
        return {
            dimension: _labelled(dimension, fields.get(name, []))
            for dimension, name in INDEX_FIELDS.items()
        }

    def iter_articles(self, limit: int | None = None) -> Iterator[Article]:
        """Every match (or the first `limit`), in the chosen order, a chunk at a time."""
        total = self.count if limit is None else min(limit, self.count)
        chunk = 500
        for start in range(0, total, chunk):
            results = self._run(start, min(start + chunk, total))
            yield from _in_order([int(r.pk) for r in results])
