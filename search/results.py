"""The one result set behind the search page, the JSON API, the CSV export and the feed.

Two implementations of the same small interface:

- IndexResults, for a query: haystack's SearchQuerySet with the query as SQ and each filter
  as a narrow query; facets come back from the same backend call. The Whoosh backend counts
  every facet under the query and the *other* filters in one pass; on a backend that cannot
  (Elasticsearch), each facet is asked for separately with its own filter left out. An
  empty query is a match-all here too when the backend answers it from memory (ours: a few
  ms at 100,000 articles, where the database's GROUP BY queries took 70-180 ms).
- DatabaseResults, for an empty query on any other backend, and when the index fails: the
  public ArticleQuerySet with the filters; facets are database aggregates (Whoosh's own
  match-all reads every posting: seconds at 10k articles).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count
from django.db.models.functions import TruncMonth
from haystack.query import SearchQuerySet

from archive.models import Article, Author, Source, Tag
from search import capabilities, facet_cache, languages
from search.query import FIELDS, ParsedQuery

PAGE_SIZE = 20
FACET_SIZE = 20
# Buckets a backend is asked for per facet (haystack's `size` option; Elasticsearch's terms
# aggregation gives 10 without it): the top FACET_SIZE, and every month (a thousand years).
FACET_BUCKETS = {"month": 12 * 1000}
DIMENSIONS = ("source", "author", "tag")
# facet name (INTERFACE.md) -> index field
INDEX_FIELDS = {
    "source": "source_slug",
    "author": "author_slugs",
    "tag": "tag_slugs",
    "month": "month",
    "language": "language",
}
LABEL_MODELS = {"source": Source, "author": Author, "tag": Tag}
# The facet value (and the filter, source=-) of articles with no known source, and the
# month facet's value for undated articles; the index stores it for them (search_indexes).
UNKNOWN = "-"
UNKNOWN_LABELS = {"source": "Unknown source", "month": "Undated"}


@dataclass
class Filters:
    source: list[str] = field(default_factory=list)
    author: list[str] = field(default_factory=list)
    tag: list[str] = field(default_factory=list)
    language: list[str] = field(default_factory=list)
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


def _in_order(pks: list[int], *, cards: bool = False) -> list[Article]:
    """The public articles of `pks`, in that order. `cards`: only what a result card and the
    API's result show (source and authors), not the tags too (one query and a related
    manager per article less: a tenth of a results page's time at 10,000 articles)."""
    found = _with_related(Article.objects.public(), cards).in_bulk(pks)
    return [found[pk] for pk in pks if pk in found]


def _with_related(qs, cards: bool):
    return qs.select_related("source").prefetch_related("authors") if cards else qs.for_listing()


@functools.lru_cache(maxsize=4096)
def _month_label(value: str) -> str:
    try:
        return dt.datetime.strptime(value, "%Y-%m").strftime("%B %Y")
    except ValueError:
        return value


def _labelled(dimension: str, counts: list[tuple[str, int]]) -> list[Facet]:
    if dimension == "language":
        return [Facet(v, n, languages.label(v)) for v, n in counts if v][:FACET_SIZE]
    if dimension == "month":  # every month is listed; undated last
        facets = [Facet(v, n, _month_label(v)) for v, n in counts if v and v != UNKNOWN]
        facets.sort(key=lambda f: f.value)
        undated = sum(n for v, n in counts if v == UNKNOWN)
        return facets + ([Facet(UNKNOWN, undated, UNKNOWN_LABELS["month"])] if undated else [])
    counts = [(v, n) for v, n in counts if v][:FACET_SIZE]
    names = dict(
        LABEL_MODELS[dimension]
        .objects.filter(slug__in=[v for v, _ in counts])
        .values_list("slug", "name")
    )
    names.setdefault(UNKNOWN, UNKNOWN_LABELS.get(dimension, UNKNOWN))
    return [Facet(v, n, names.get(v, v)) for v, n in counts]


def _with_unknown(rows: list[tuple], unknown: int) -> list[tuple]:
    """(value, count) rows with the unknown ones' count in its place by count."""
    if not unknown:
        return list(rows)
    return sorted([*rows, (UNKNOWN, unknown)], key=lambda r: (-r[1], r[0]))


class _Paged:
    """One page of hits, fetched lazily: subclasses give `count` and `_fetch(start, end)`."""

    def page(self, number: int, per_page: int = PAGE_SIZE):
        paginator = Paginator(_Window(self.count, self._fetch), per_page)
        page = paginator.page(number)
        page.hits = page.object_list
        return page

    def cut_prefixes(self) -> list[tuple[str, int, int]]:
        """Prefixes of the query that match more words than were searched (none here)."""
        return []

    def notices(self) -> list[str]:
        """What the page should say about how the query was answered (nothing here)."""
        return []


class DatabaseResults(_Paged):
    """Every public article matching the filters, from the database.

    The count and the facets are a handful of GROUP BY queries that SQLite answers from
    indexes alone (article_public_date, article_source_date and the m2m tables' indexes):
    "public" is written `is_public = 1` (an index seek, where the ORM's bare `is_public`
    reads every row past its body) or as "not among the few non-public ones", and every
    filter is an `id IN (…)` set built from index columns. They are cached per filter set
    under the outbox's sequence number, which every article change advances in its own
    transaction (search.outbox.enqueue), so a cached figure is never older than the data.
    On any other database the same figures come through the ORM (orm_summary()): at 100,000
    articles on SQLite that took 1.3-5 s per figure set where these queries take 0.1-0.2 s
    (measured for issue 16), which is why both are kept; a test holds them equal.
    """

    suggestion = None

    def __init__(self, filters: Filters, sort: str):
        self.filters = filters
        self.sort = sort
        self._summary: dict | None = None

    def _queryset(self, filters: Filters):
        qs = Article.objects.public_by_date().between(filters.start, filters.end)
        # Subqueries rather than joins, so an article with two chosen tags counts once.
        if filters.source:
            qs = qs.filter(pk__in=_source_ids(filters.source))
        if filters.author:
            through = Article.authors.through.objects.filter(author__slug__in=filters.author)
            qs = qs.filter(pk__in=through.values("article_id"))
        if filters.tag:
            through = Article.tags.through.objects.filter(tag__slug__in=filters.tag)
            qs = qs.filter(pk__in=through.values("article_id"))
        if filters.language:
            qs = qs.filter(language__in=filters.language)
        return qs

    def ordered(self, *, cards: bool = False):
        qs = _with_related(self._queryset(self.filters), cards)
        return qs.oldest() if self.sort == "oldest" else qs.newest()

    def _fetch(self, start: int, end: int) -> list[Hit]:
        return [Hit(a) for a in self.ordered(cards=True)[start:end]]

    @property
    def count(self) -> int:
        return self._summarize()["count"]

    def facets(self) -> dict[str, list[Facet]]:
        return self._summarize()["facets"]

    def _summarize(self) -> dict:
        if self._summary is None:
            compute = self.sql_summary if connection.vendor == "sqlite" else self.orm_summary
            self._summary = facet_cache.get_or_compute(self.filters, compute)
        return self._summary

    def sql_summary(self) -> dict:
        """{"count", "facets"} from SQLite's indexes alone (the queries below)."""
        return {"count": _sql_count(self.filters), "facets": _sql_facets(self.filters)}

    def orm_summary(self) -> dict:
        """The same figures through the ORM, on any database."""
        return {"count": self._queryset(self.filters).count(), "facets": self._orm_facets()}

    # Any other database: the same figures through the ORM.
    def _orm_facets(self) -> dict[str, list[Facet]]:
        return {
            "source": self._counts("source", "source__slug"),
            "author": self._counts("author", "authors__slug"),
            "tag": self._counts("tag", "tags__slug"),
            "month": self._month_counts(),
            "language": _language_counts(self._queryset(self.filters.without("language"))),
        }

    def _counts(self, dimension: str, lookup: str) -> list[Facet]:
        qs = self._queryset(self.filters.without(dimension))
        rows = (
            qs.exclude(**{f"{lookup}__isnull": True})
            .values_list(lookup)
            .annotate(n=Count("id"))
            .order_by("-n", lookup)[:FACET_SIZE]
        )
        unknown = qs.filter(source__isnull=True).count() if dimension == "source" else 0
        return _labelled(dimension, _with_unknown(rows, unknown))

    def _month_counts(self) -> list[Facet]:
        rows = (
            self._queryset(self.filters.without("month"))
            .exclude(published__isnull=True)
            .annotate(m=TruncMonth("published"))
            .values_list("m")
            .annotate(n=Count("id"))
            .order_by("m")
        )
        undated = self._queryset(self.filters.without("month")).filter(published__isnull=True)
        return _labelled(
            "month", [(m.strftime("%Y-%m"), n) for m, n in rows] + [(UNKNOWN, undated.count())]
        )

    def iter_articles(self, limit: int | None = None) -> Iterator[Article]:
        qs = self.ordered()
        if limit is not None:
            yield from qs[:limit]
            return
        yield from qs.iterator(chunk_size=500)


def _language_counts(queryset) -> list[Facet]:
    """The language facet of a queryset of articles (a few distinct values: one GROUP BY)."""
    rows = (
        queryset.exclude(language="")
        .values_list("language")
        .annotate(n=Count("id"))
        .order_by("-n", "language")[:FACET_SIZE]
    )
    return _labelled("language", list(rows))


def _source_ids(slugs: list[str]):
    """The ids of the sources' articles (UNKNOWN: those with none), from the (source_id,
    published) index alone."""
    chosen = Article.objects.filter(source__in=Source.objects.filter(slug__in=slugs))
    if UNKNOWN in slugs:
        chosen = chosen | Article.objects.filter(source__isnull=True)
    return chosen.values("pk")


# --- SQLite: counts and facets from indexes ---------------------------------------------------
# Table and column names in these strings are constants; every value is a query parameter.
_A = "archive_article"
_NOT_PUBLIC = f"SELECT id FROM {_A} WHERE is_public = 0"  # noqa: S608 (few; a seek)
# The filter sets, each a subquery of article ids read from index columns only.
_SETS = {
    "source": (
        f"SELECT id FROM {_A} INDEXED BY article_source_date WHERE source_id IN "  # noqa: S608
        "(SELECT id FROM archive_source WHERE slug IN ({}))"
    ),
    "author": (
        "SELECT article_id FROM archive_article_authors WHERE author_id IN "
        "(SELECT id FROM archive_author WHERE slug IN ({}))"
    ),
    "tag": (
        "SELECT article_id FROM archive_article_tags WHERE tag_id IN "
        "(SELECT id FROM archive_tag WHERE slug IN ({}))"
    ),
}


_NO_SOURCE = f"SELECT id FROM {_A} INDEXED BY article_source_date WHERE source_id IS NULL"  # noqa: S608


def _in_sets(filters: Filters, column: str) -> tuple[list[str], list]:
    where, params = [], []
    for dimension in DIMENSIONS:
        values = getattr(filters, dimension)
        if values:
            chosen = _SETS[dimension].format(", ".join(["%s"] * len(values)))
            if dimension == "source" and UNKNOWN in values:
                chosen = f"{chosen} UNION ALL {_NO_SOURCE}"
            where.append(f"{column} IN ({chosen})")
            params += values
    if filters.language:
        chosen = (
            f"SELECT id FROM {_A} WHERE language IN ({', '.join(['%s'] * len(filters.language))})"  # noqa: S608
        )
        where.append(f"{column} IN ({chosen})")
        params += filters.language
    return where, params


def _dates(filters: Filters, column: str) -> tuple[list[str], list]:
    where, params = [], []
    if filters.start:
        where.append(f"{column} >= %s")
        params.append(filters.start.isoformat())
    if filters.end:
        where.append(f"{column} <= %s")
        params.append(filters.end.isoformat())
    return where, params


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _sql_count(filters: Filters) -> int:
    dates, dparams = _dates(filters, "published")
    sets, sparams = _in_sets(filters, "id")
    where = " AND ".join(["is_public = 1", *dates, *sets])
    return _rows(f"SELECT count(*) FROM {_A} WHERE {where}", dparams + sparams)[0][0]  # noqa: S608


def _sql_facets(filters: Filters) -> dict[str, list[Facet]]:
    return {
        "source": _sql_source_counts(filters.without("source")),
        "author": _sql_m2m_counts("author", filters.without("author")),
        "tag": _sql_m2m_counts("tag", filters.without("tag")),
        "month": _sql_month_counts(filters.without("month")),
        "language": _language_counts(
            DatabaseResults(filters, "newest")._queryset(filters.without("language"))
        ),
    }


def _top(dimension: str, table: str, grouped: str, params: list) -> list[Facet]:
    rows = _rows(
        f"SELECT t.slug, g.n FROM ({grouped}) g JOIN {table} t ON t.id = g.k "  # noqa: S608
        "ORDER BY g.n DESC, t.slug LIMIT %s",
        [*params, FACET_SIZE],
    )
    return _labelled(dimension, rows)


def _sql_source_counts(filters: Filters) -> list[Facet]:
    # Read from (source_id, published) alone: "public" as "not among the non-public ones".
    dates, dparams = _dates(filters, "published")
    sets, sparams = _in_sets(filters, "id")
    where = " AND ".join(["source_id IS NOT NULL", f"id NOT IN ({_NOT_PUBLIC})", *dates, *sets])
    grouped = (
        f"SELECT source_id AS k, count(*) AS n FROM {_A} INDEXED BY article_source_date "  # noqa: S608
        f"WHERE {where} GROUP BY source_id"
    )
    unknown_where = where.replace("source_id IS NOT NULL", "source_id IS NULL")
    unknown = _rows(
        f"SELECT count(*) FROM {_A} INDEXED BY article_source_date WHERE {unknown_where}",  # noqa: S608
        dparams + sparams,
    )[0][0]
    facets = _top("source", "archive_source", grouped, dparams + sparams)
    rows = _with_unknown([(f.value, f.count) for f in facets], unknown)[:FACET_SIZE]
    return _labelled("source", rows)


def _sql_m2m_counts(dimension: str, filters: Filters) -> list[Facet]:
    through, key = {
        "author": ("archive_article_authors", "author_id"),
        "tag": ("archive_article_tags", "tag_id"),
    }[dimension]
    table = {"author": "archive_author", "tag": "archive_tag"}[dimension]
    dates, dparams = _dates(filters, "published")
    sets, sparams = _in_sets(filters, "article_id")
    if not dates and not sets:
        # Every public article: all rows, counted from the (key) index alone, minus the
        # few non-public articles' rows (12 ms at 100k, where checking each row is 50-70).
        grouped = (
            f"SELECT a.k AS k, a.n - coalesce(h.n, 0) AS n "  # noqa: S608
            f"FROM (SELECT {key} AS k, count(*) AS n FROM {through} GROUP BY {key}) a "
            f"LEFT JOIN (SELECT {key} AS k, count(*) AS n FROM {through} "
            f"WHERE article_id IN ({_NOT_PUBLIC}) GROUP BY {key}) h ON h.k = a.k "
            "WHERE a.n - coalesce(h.n, 0) > 0"
        )
        return _top(dimension, table, grouped, [])
    where = [f"article_id NOT IN ({_NOT_PUBLIC})"]
    if dates:
        where.append(
            f"article_id IN (SELECT id FROM {_A} WHERE is_public = 1 AND {' AND '.join(dates)})"  # noqa: S608
        )
    grouped = (
        f"SELECT {key} AS k, count(*) AS n FROM {through} "  # noqa: S608
        f"WHERE {' AND '.join(where + sets)} GROUP BY {key}"
    )
    return _top(dimension, table, grouped, dparams + sparams)


def _sql_month_counts(filters: Filters) -> list[Facet]:
    # Grouped by day, in article_public_date's own order (no sort: 9 ms at 100k articles,
    # where grouping by substr(published, 1, 7) sorts every row: 50 ms), then by month here.
    sets, sparams = _in_sets(filters, "id")
    where = " AND ".join(["is_public = 1", *sets])
    rows = _rows(
        f"SELECT published, count(*) FROM {_A} WHERE {where} GROUP BY published",  # noqa: S608
        sparams,
    )
    months: dict[str, int] = {}
    for day, n in rows:
        month = str(day)[:7] if day else UNKNOWN  # a date, or its YYYY-MM-DD text
        months[month] = months.get(month, 0) + n
    return _labelled("month", list(months.items()))


def _facet(sqs: SearchQuerySet, name: str) -> SearchQuerySet:
    return sqs.facet(name, size=FACET_BUCKETS.get(name, FACET_SIZE))


def lists_through_index() -> bool:
    """Whether an empty query (filters only) is best answered by the index: on a backend
    that answers a match-all with filters and facets from memory (ours), yes; elsewhere the
    database's GROUP BY queries are the sure way (DatabaseResults)."""
    return capabilities.current().fast_listing


class IndexResults(_Paged):
    """Articles matching a query (every article, for an empty one), from the search index
    (any haystack backend)."""

    def cut_prefixes(self) -> list[tuple[str, int, int]]:
        """(prefix, words it stands for, words searched) for each of the query's prefixes
        that matches more words than the backend searches; [] where it cannot tell."""
        if not capabilities.current().prefix_counts:
            return []
        backend = capabilities.backend()
        cut = []
        for term in self.query.terms:
            if term.prefix and not term.negated:
                overflow = backend.prefix_overflow(FIELDS.get(term.field, ""), term.text)
                if overflow:
                    cut.append((term.text, *overflow))
        return cut

    def notices(self) -> list[str]:
        """The parser's and the backend's word on how the query was answered."""
        self._ensure_run()
        said = self.query.notices()
        if capabilities.current().query_notices:
            said += list(self._query.notices)
        return said

    def __init__(self, query: ParsedQuery, raw_query: str, filters: Filters, sort: str):
        self.query = query
        self.filters = filters
        self.sort = sort
        self.sqs = self._searchqueryset(filters).set_spelling_query(raw_query)
        for name in INDEX_FIELDS.values():
            self.sqs = _facet(self.sqs, name)
        if sort != "relevance":
            self.sqs = self.sqs.order_by("-published" if sort == "newest" else "published")
        self._query = None  # the haystack query that last ran
        self._window: tuple[int, int] | None = None
        self._results: list = []

    def _searchqueryset(self, filters: Filters) -> SearchQuerySet:
        sqs = SearchQuerySet().models(Article)
        if not self.query.is_empty:  # else haystack asks for every document
            sqs = sqs.filter(self.query.to_sq())
        fragment = sqs.query.build_query_fragment
        for dimension in DIMENSIONS:
            values = getattr(filters, dimension)
            if values:
                sqs = sqs.narrow(fragment(INDEX_FIELDS[dimension], "in", values))
        if filters.start:
            sqs = sqs.narrow(fragment("published", "gte", filters.start))
        if filters.end:
            sqs = sqs.narrow(fragment("published", "lte", filters.end))
        if filters.language:
            sqs = sqs.narrow(fragment(INDEX_FIELDS["language"], "in", filters.language))
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
        articles = {a.pk: a for a in _in_order([int(r.pk) for r in results], cards=True)}
        return [Hit(articles[int(r.pk)], r.score) for r in results if int(r.pk) in articles]

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
        if capabilities.current().multiselect_facets:
            fields = self._query.get_facet_counts().get("fields", {})
        else:
            fields = {}
            for dimension, name in INDEX_FIELDS.items():
                sqs = _facet(self._searchqueryset(self.filters.without(dimension)), name)
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
