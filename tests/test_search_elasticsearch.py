"""The scale-out path (SEARCH_URL=elasticsearch7://…) without a server: the request bodies
haystack's ES 7 backend and ours (search/elastic.py) send for every operator of the query
language, the filters, facets and group=story, checked against the ES 7 query DSL (the
query_string syntax read by luqum, Lucene's grammar in Python); and every place that asks
what the backend can do, on its non-Whoosh branch.

The fake cluster (tests/elastic.py) replaces only the client's socket; an unreachable
cluster is a real closed port.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from haystack import connections
from luqum.parser import parser
from luqum.tree import (
    AndOperation,
    FieldGroup,
    Fuzzy,
    Group,
    Not,
    OrOperation,
    Phrase,
    Prohibit,
    Proximity,
    Range,
    SearchField,
    Word,
)

from archive import settings as project_settings
from search import capabilities, consistency, elastic, health
from tests.elastic import INDEX, Cluster, connection_class
from tests.factories import make_article

pytestmark = pytest.mark.django_db
README = Path(__file__).resolve().parent.parent / "README.md"
# The keys of a search body that ES 7's _search accepts and haystack sends.
BODY_KEYS = {"query", "aggs", "sort", "from", "size", "suggest", "stored_fields", "highlight"}


@contextlib.contextmanager
def _connected(settings, conn: dict):
    """The default connection is `conn` inside the block, then what it was."""
    old = connections.connections_info["default"]
    settings.HAYSTACK_CONNECTIONS = {"default": conn}  # as override_settings does
    connections.connections_info["default"] = conn  # haystack read the setting at start
    connections.reload("default")
    try:
        yield
    finally:
        connections.connections_info["default"] = old
        connections.reload("default")


@pytest.fixture
def cluster(settings):
    """The default connection on the ES 7 backend, as SEARCH_URL sets it, talking to a fake
    cluster."""
    fake = Cluster()
    conn = project_settings._haystack_connection(f"elasticsearch7://es.test:9200/{INDEX}")
    conn["KWARGS"] = {"connection_class": connection_class(fake)}
    with _connected(settings, conn):
        yield fake


@pytest.fixture
def unreachable(settings):
    """The ES 7 backend pointed at a closed port."""
    conn = project_settings._haystack_connection(f"elasticsearch7://127.0.0.1:9/{INDEX}")
    conn["KWARGS"] = {"max_retries": 0}
    with _connected(settings, conn):
        yield


def _search_body(client, cluster, **params) -> dict:
    """The body of the API's main search (the first _search it sends)."""
    response = client.get("/api/search/", params)
    assert response.status_code == 200, response.content
    searches = cluster.searches()
    assert searches, "no _search request was sent"
    body = searches[0].body
    assert set(body) <= BODY_KEYS
    return body


def _query_string(body: dict) -> dict:
    query = body["query"]
    if "bool" in query:
        query = query["bool"]["must"]
    return query["query_string"]


def _tree(body: dict):
    """The query_string of a body read as ES reads it (a syntax error raises)."""
    return _unwrap(parser.parse(_query_string(body)["query"]))


def _unwrap(node):
    while isinstance(node, Group | FieldGroup) and len(node.children) == 1:
        node = node.children[0]
    return node


def _filters(body: dict) -> list[dict]:
    found = body["query"]["bool"]["filter"]
    return found["bool"]["must"] if "bool" in found else [found]


def _narrowed(body: dict) -> list:
    """The filters' query strings, each parsed."""
    return [
        _unwrap(parser.parse(f["query_string"]["query"]))
        for f in _filters(body)
        if "query_string" in f
    ]


# --- the query language -> query_string --------------------------------------------------------
def test_words_are_a_query_string_on_the_text_field_all_required(client, cluster):
    body = _search_body(client, cluster, q="Geneva talks")
    qs = _query_string(body)
    assert qs["default_field"] == "text" and qs["default_operator"] == "AND"
    tree = _tree(body)
    assert isinstance(tree, AndOperation)
    assert [str(_unwrap(c)) for c in tree.children] == ["geneva", "talks"]


def test_or_is_an_or_operation(client, cluster):
    tree = _tree(_search_body(client, cluster, q="Geneva OR Vienna"))
    assert isinstance(tree, OrOperation)
    assert [str(_unwrap(c)) for c in tree.children] == ["geneva", "vienna"]


@pytest.mark.parametrize("q", ["Sherman -Lavrov", "Sherman NOT Lavrov"])
def test_an_exclusion_is_a_not(client, cluster, q):
    tree = _tree(_search_body(client, cluster, q=q))
    assert isinstance(tree, AndOperation)
    first, second = (_unwrap(c) for c in tree.children)
    assert str(first) == "sherman"
    assert isinstance(second, Not | Prohibit)
    assert str(_unwrap(second.a)) == "lavrov"


def test_a_phrase_is_a_phrase(client, cluster):
    tree = _tree(_search_body(client, cluster, q='"Normandy format"'))
    assert isinstance(tree, Phrase) and tree.value == '"normandy format"'


def test_proximity_is_a_phrase_with_its_slop(client, cluster):
    tree = _tree(_search_body(client, cluster, q='"Kuleba Russia"~3'))
    assert isinstance(tree, Proximity) and tree.degree == 3
    assert tree.term.value == '"kuleba russia"'


@pytest.mark.parametrize(("q", "edits"), [("Stoltenbrg~", 1), ("Stoltnbrg~2", 2)])
def test_a_fuzzy_word_keeps_its_number_of_edits(client, cluster, q, edits):
    tree = _tree(_search_body(client, cluster, q=q))
    assert isinstance(tree, Fuzzy) and tree.degree == edits
    assert tree.term.value == q.split("~")[0].lower()


def test_a_prefix_is_a_wildcard_word_analysed_as_es_does(client, cluster):
    body = _search_body(client, cluster, q="négociat*")
    assert _query_string(body)["analyze_wildcard"] is True
    tree = _tree(body)
    assert isinstance(tree, Word) and tree.value == "negociat*" and tree.has_wildcard()


def test_grouping_keeps_the_exclusion_whole(client, cluster):
    tree = _tree(_search_body(client, cluster, q="Sherman -(Ryabkov OR Lavrov)"))
    assert isinstance(tree, AndOperation)
    excluded = _unwrap(tree.children[1])
    assert isinstance(excluded, Not | Prohibit)
    inner = _unwrap(excluded.a)
    assert isinstance(inner, OrOperation)
    assert [str(_unwrap(c)) for c in inner.children] == ["ryabkov", "lavrov"]


def test_and_binds_tighter_than_or(client, cluster):
    tree = _tree(_search_body(client, cluster, q="Sherman AND Ryabkov OR Plotner"))
    assert isinstance(tree, OrOperation)
    assert isinstance(_unwrap(tree.children[0]), AndOperation)
    assert str(_unwrap(tree.children[1])) == "plotner"


@pytest.mark.parametrize(
    ("q", "field", "kind", "value"),
    [
        ("title:Stoltenberg", "title", Word, "stoltenberg"),
        ('author:"Ann Writer"', "author", Phrase, '"ann writer"'),
        ("source:reuters", "source", Word, "reuters"),
        ("tag:europe", "tag", Word, "europe"),
        ("title:Stoltenbrg~", "title", Fuzzy, None),
    ],
)
def test_a_field_query_names_its_index_field(client, cluster, q, field, kind, value):
    tree = _tree(_search_body(client, cluster, q=q))
    assert isinstance(tree, SearchField) and tree.name == field
    inner = _unwrap(tree.expr)
    assert isinstance(inner, kind)
    if value is not None:
        assert inner.value == value


def test_a_field_group_applies_the_field_to_each_part(client, cluster):
    tree = _tree(_search_body(client, cluster, q="title:(Geneva OR Vienna)"))
    assert isinstance(tree, OrOperation)
    assert [(_unwrap(c).name, str(_unwrap(_unwrap(c).expr))) for c in tree.children] == [
        ("title", "geneva"),
        ("title", "vienna"),
    ]


def test_reserved_characters_are_escaped_never_syntax(client, cluster):
    tree = _tree(_search_body(client, cluster, q="AT&T c++ 50/50"))
    assert isinstance(tree, AndOperation)
    assert not any(isinstance(_unwrap(c), SearchField) for c in tree.children)


# --- filters, sorting, facets ------------------------------------------------------------------
def test_filters_are_filter_clauses_on_the_unanalysed_fields(client, cluster):
    body = _search_body(
        client, cluster, q="talks", source=["reuters", "-"], author="ann-writer", tag="europe",
        language=["de", "fr"], start="2022-01-01", end="2022-06-30",
    )  # fmt: skip
    assert {"terms": {"django_ct": ["archive.article"]}} in _filters(body)
    fields = {}
    for node in _narrowed(body):
        assert isinstance(node, SearchField)
        fields.setdefault(node.name, []).append(_unwrap(node.expr))
    assert set(fields) == {"source_slug", "author_slugs", "tag_slugs", "language", "published"}
    sources = fields["source_slug"][0]
    assert isinstance(sources, OrOperation)
    assert [c.value for c in sources.children] == ['"reuters"', '"-"']
    assert [c.value for c in fields["language"][0].children] == ['"de"', '"fr"']
    assert _unwrap(fields["author_slugs"][0]).value == '"ann-writer"'
    start, end = sorted(fields["published"], key=lambda r: str(r.low) == "*")
    assert (
        isinstance(start, Range)
        and start.include_low
        and str(start.low) == ('"2022-01-01T00:00:00"')
    )
    assert str(start.high) == "*"
    assert isinstance(end, Range) and end.include_high and str(end.low) == "*"
    assert str(end.high) == '"2022-06-30T00:00:00"'


@pytest.mark.parametrize(("sort", "order"), [("newest", "desc"), ("oldest", "asc")])
def test_a_date_sort_is_a_sort_on_published(client, cluster, sort, order):
    body = _search_body(client, cluster, q="talks", sort=sort)
    assert body["sort"] == [{"published": {"order": order}}]


def test_relevance_sends_no_sort_and_pages_by_from_and_size(client, cluster):
    body = _search_body(client, cluster, q="talks")
    assert "sort" not in body
    assert (body["from"], body["size"]) == (0, 20)


def test_facets_are_terms_aggregations_each_without_its_own_filter(client, cluster):
    client.get("/api/search/", {"q": "talks", "source": "reuters", "start": "2022-01-01"})
    main, *per_dimension = cluster.searches()
    assert set(main.body["aggs"]) == {"source_slug", "author_slugs", "tag_slugs", "month",
                                      "language"}  # fmt: skip
    for name, agg in main.body["aggs"].items():
        assert agg["terms"]["field"] == name
        assert agg["terms"]["size"] == (12000 if name == "month" else 20)
    # One search per facet (ES counts facets under every filter), each without its own.
    asked = {next(iter(r.body["aggs"])): r.body for r in per_dimension}
    assert set(asked) == set(main.body["aggs"])
    narrowed = {n: {f.name for f in _narrowed(b)} for n, b in asked.items()}
    assert narrowed["source_slug"] == {"published"}
    assert narrowed["month"] == {"source_slug"}
    assert narrowed["tag_slugs"] == {"source_slug", "published"}


def test_facet_buckets_come_back_as_the_apis_facets_and_timeline(client, cluster):
    article = make_article(title="Talks")
    cluster.hits = [article.pk]
    cluster.buckets = {
        "source_slug": [("the-daily-test", 1), ("-", 1)],
        "month": [("2022-03", 4), ("2022-01", 1), ("-", 2)],
        "language": [("de", 3)],
    }
    data = client.get("/api/search/", {"q": "talks"}).json()
    assert [r["id"] for r in data["results"]] == [article.pk]
    assert data["facets"]["source"] == [
        {"value": "the-daily-test", "label": "The Daily Test", "count": 1},
        {"value": "-", "label": "Unknown source", "count": 1},
    ]
    assert [(m["value"], m["count"]) for m in data["facets"]["month"]] == [
        ("2022-01", 1), ("2022-03", 4), ("-", 2),
    ]  # fmt: skip
    page = client.get("/search/", {"q": "talks"})
    assert page.status_code == 200
    assert b"March 2022" in page.content  # the timeline's bars come from the month facet


def test_group_story_reads_the_storied_matches_ids_in_one_search(client, cluster):
    cluster.total = 3
    response = client.get("/api/search/", {"q": "talks", "group": "story"})
    assert response.status_code == 200
    storied = [r for r in cluster.searches() if any(
        isinstance(n, SearchField) and n.name == "in_story" for n in _narrowed(r.body)
    )]  # fmt: skip
    assert len(storied) == 2  # their count, then every id at once
    (node,) = [n for n in _narrowed(storied[-1].body) if n.name == "in_story"]
    assert _unwrap(node.expr).value == '"yes"'
    assert "aggs" not in storied[-1].body
    assert (storied[-1].body["from"], storied[-1].body["size"]) == (0, 3)


def test_an_empty_query_lists_from_the_database_not_the_cluster(client, cluster):
    make_article(title="Listed")
    cluster.requests.clear()
    data = client.get("/api/search/", {"start": "2022-01-01"}).json()
    assert data["count"] == 1
    assert cluster.searches() == []
    assert not capabilities.current().fast_listing


# --- what the backend can do: the non-Whoosh branches ----------------------------------------
def test_the_es_backend_declares_only_the_id_scroll():
    backend_class = elastic.ArchiveElasticsearch7Engine.backend
    assert capabilities.of(backend_class) == capabilities.Capabilities(id_column=True)


def test_saving_an_article_sends_it_in_one_bulk_request(cluster, on_commit):
    article = on_commit(make_article, title="Bulk", body="<p>Geneva talks.</p>", language="de")
    (bulk,) = [r for r in cluster.requests if r.path.endswith("/_bulk")]
    action, doc = bulk.body
    assert bulk.path == f"/{INDEX}/_bulk"
    assert action == {"index": {"_id": f"archive.article.{article.pk}"}}
    assert doc["django_ct"] == "archive.article" and doc["django_id"] == str(article.pk)
    assert "Geneva talks" in doc["text"] and doc["title"] == "Bulk"
    assert doc["language"] == "de" and doc["month"] == "2022-01" and doc["in_story"] == "no"
    assert doc["published"] == "2022-01-10T00:00:00"
    assert doc["source_slug"] == "the-daily-test" and doc["author_slugs"] == ["ann-writer"]


def test_the_first_write_creates_the_index_with_our_settings_and_mapping(cluster, on_commit):
    on_commit(make_article, title="First")
    (create,) = [r for r in cluster.requests if r.method == "PUT" and r.path == f"/{INDEX}"]
    analysis = create.body["settings"]["analysis"]
    assert analysis["analyzer"]["archive_en"]["filter"] == [
        "lowercase", "asciifolding", "archive_stem_en",
    ]  # fmt: skip
    assert analysis["filter"]["archive_stem_de"] == {"type": "snowball", "language": "German"}
    assert create.body["settings"]["index"]["max_result_window"] == elastic.MAX_RESULT_WINDOW
    props = cluster.mapping["properties"]
    assert props["text"] == {"type": "text", "analyzer": "archive_en"}
    assert props["source_slug"] == {"type": "keyword"}
    assert props["published"] == {"type": "date"}


def test_unpublishing_deletes_the_document(cluster, on_commit):
    article = on_commit(make_article, title="Gone")
    cluster.requests.clear()
    article.is_public = False
    on_commit(article.save)
    deletes = [r.path for r in cluster.requests if r.method == "DELETE"]
    assert f"/{INDEX}/_doc/archive.article.{article.pk}" in deletes


def test_check_index_reads_every_id_by_scroll(cluster, on_commit):
    kept = on_commit(make_article, title="Kept")
    missing = on_commit(make_article, title="Missing")
    cluster.documents = {kept.pk, 999999}
    diff = consistency.compare()
    assert (diff.missing, diff.extra) == ([missing.pk], [999999])
    (scroll,) = [r for r in cluster.searches() if "scroll" in r.params]
    assert scroll.body["query"] == {"term": {"django_ct": "archive.article"}}
    assert scroll.body["_source"] is False and scroll.body["sort"] == "_doc"


def test_update_index_writes_through_haystacks_own_command(cluster, db):
    article = make_article(title="Reindexed")
    cluster.requests.clear()
    call_command("update_index", verbosity=0)
    docs = [d for r in cluster.requests if r.path.endswith("/_bulk") for d in r.body[1::2]]
    assert [d["django_id"] for d in docs] == [str(article.pk)]


def test_an_import_sends_its_articles_in_bulk(cluster, seeds):
    docs = [d for r in cluster.requests if r.path.endswith("/_bulk") for d in r.body[1::2]]
    assert sorted(int(d["django_id"]) for d in docs) == sorted(a.pk for a in seeds.values())


def test_check_index_command_reports_and_repairs_through_the_cluster(cluster, seeds):
    held = sorted(a.pk for a in seeds.values())
    assert cluster.documents == set(held)
    cluster.documents.discard(held[0])  # lost by the cluster
    cluster.requests.clear()
    out = io.StringIO()
    call_command("check_index", "--repair", stdout=out)
    assert f"missing from the index: 1 ({held[0]})" in out.getvalue()
    assert "repaired: in sync" in out.getvalue()
    resent = [d for r in cluster.requests if r.path.endswith("/_bulk") for d in r.body[1::2]]
    assert [int(d["django_id"]) for d in resent] == [held[0]]
    out = io.StringIO()
    call_command("check_index", stdout=out)
    assert "in sync" in out.getvalue()


def test_check_index_on_an_unreachable_cluster_is_a_clear_error(unreachable, db):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="Elasticsearch"):
        call_command("check_index", stdout=io.StringIO())


def test_health_is_ok_when_the_cluster_holds_the_articles(client, cluster, on_commit):
    on_commit(make_article, title="Held")
    cluster.total = 1
    assert health.index_problem() == ""
    assert client.get("/healthz").status_code == 200


def test_health_says_an_empty_index_needs_a_rebuild(cluster, db):
    make_article(title="Not indexed")
    assert "rebuild_index" in health.index_problem()


def test_an_unreachable_cluster_is_unavailable_not_a_crash(client, unreachable, db):
    make_article(title="Geneva talks")
    assert health.index_problem() == "search index unavailable"
    assert client.get("/healthz").status_code == 503
    api = client.get("/api/search/", {"q": "Geneva"})
    assert api.status_code == 503 and "search" in api.json()["errors"]
    assert client.get("/search/", {"q": "Geneva"}).status_code == 503
    listing = client.get("/api/search/", {"start": "2022-01-01"})  # from the database
    assert listing.status_code == 200 and listing.json()["count"] == 1


def test_the_article_page_asks_the_cluster_for_more_like_this(client, cluster):
    article = make_article(title="Alike")
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    (mlt,) = [r for r in cluster.searches() if "more_like_this" in json.dumps(r.body)]
    like = mlt.body["query"]["bool"]["must"]["more_like_this"]
    assert like["like"] == [{"_index": INDEX, "_id": f"archive.article.{article.pk}"}]


def test_exports_and_the_feed_read_their_articles_from_the_cluster(client, cluster):
    article = make_article(title="Exported talks")
    cluster.hits, cluster.total = [article.pk], 1
    csv = b"".join(client.get("/search/export.csv", {"q": "talks"}).streaming_content)
    assert b"Exported talks" in csv
    feed = client.get("/feeds/search/", {"q": "talks"})
    assert feed.status_code == 200 and b"Exported talks" in feed.content


def test_snippets_mark_the_words_without_the_backends_analysis(client, cluster):
    article = make_article(title="T", body="<p>The Geneva talks went on.</p>")
    cluster.hits = [article.pk]
    (hit,) = client.get("/api/search/", {"q": "geneva"}).json()["results"]
    assert "<mark>Geneva</mark>" in hit["snippet"]


def test_search_url_names_the_analyzer_language(settings):
    conn = project_settings._haystack_connection("elasticsearch7s://es:9200/ix?language=de")
    assert conn["URL"] == "https://es:9200/" and conn["INDEX_NAME"] == "ix"
    conn["KWARGS"] = {"connection_class": connection_class(Cluster())}
    with _connected(settings, conn):
        backend = connections["default"].get_backend()
        fields = connections["default"].get_unified_index().all_searchfields()
        _name, mapping = backend.build_schema(fields)
    assert mapping["text"]["analyzer"] == "archive_de"
    assert mapping["title"]["analyzer"] == "archive_de"
    assert mapping["author"]["analyzer"] == "archive_folding"


@pytest.mark.parametrize("url", ["elasticsearch7://es:9200/ix?language=xx",
                                 "elasticsearch7://es:9200/ix?shards=3"])  # fmt: skip
def test_a_bad_search_url_option_is_refused(url):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="language"):
        project_settings._haystack_connection(url)


def test_the_languages_analysed_are_the_archives():
    from search.backend.analysis import FoldedStemAnalyzer

    for code in elastic.SNOWBALL:
        assert FoldedStemAnalyzer(code).has_morph()  # the embedded engine stems it too


# --- the README's recipe -------------------------------------------------------------------
def mapping_json() -> str:
    """The mapping haystack creates (build_schema) with our analyzers, as the README shows."""
    backend = elastic.ArchiveElasticsearch7Backend("default", URL="http://es:9200/",
                                                   INDEX_NAME="newsarchive")  # fmt: skip
    from haystack import connections as conns

    _name, mapping = backend.build_schema(conns["default"].get_unified_index().all_searchfields())
    return json.dumps({"properties": mapping}, indent=2, sort_keys=True)


def _readme_block(marker: str) -> str:
    text = README.read_text()
    found = re.search(rf"<!-- {marker}:start -->\n```json\n(.*?)```\n<!-- {marker}:end -->",
                      text, re.S)  # fmt: skip
    assert found, f"README lacks the {marker} block"
    return found.group(1)


def test_the_readme_shows_the_mapping_haystack_creates():
    assert _readme_block("es-mapping").strip() == mapping_json()


def test_the_readme_shows_the_index_settings():
    shown = json.loads(_readme_block("es-settings"))
    assert shown == elastic.index_settings()


def test_a_fuzzy_fragment_keeps_the_edits_in_ess_syntax(cluster):
    from search.inputs import Fuzzy as FuzzyInput

    query = connections["default"].get_query()
    fragment = query.build_query_fragment("title", "fuzzy", FuzzyInput("stoltenbrg", 2))
    assert fragment == "title:(stoltenbrg~2)"
    tree = _unwrap(parser.parse(fragment))
    assert isinstance(_unwrap(tree.expr), Fuzzy) and _unwrap(tree.expr).degree == 2


def test_dates_before_1000_never_reach_the_cluster(client, cluster):
    response = client.get("/api/search/", {"q": "x", "start": dt.date(999, 1, 1).isoformat()})
    assert response.status_code == 400
    assert cluster.searches() == []
