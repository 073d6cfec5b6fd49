"""Citations on the web: the article page's metadata and Cite box, the per-article files and
the search's citation exports, read as Zotero, a reference manager and a browser read them."""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser

import bibtexparser
import pytest
import rispy
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive.models import Article, Author
from tests.factories import make_article

pytestmark = pytest.mark.django_db


class Head(HTMLParser):
    """The <meta> and <link> elements, and the JSON-LD blocks, of a page."""

    def __init__(self):
        super().__init__()
        self.meta: list[tuple[str, str]] = []
        self.links: list[dict] = []
        self.jsonld: list[str] = []
        self._in_jsonld = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and ("name" in a or "property" in a):
            self.meta.append((a.get("name") or a.get("property"), a.get("content")))
        elif tag == "link":
            self.links.append(a)
        elif tag == "script" and a.get("type") == "application/ld+json":
            self._in_jsonld = True
            self.jsonld.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_jsonld = False

    def handle_data(self, data):
        if self._in_jsonld:
            self.jsonld[-1] += data

    def values(self, name: str) -> list[str]:
        return [content for n, content in self.meta if n == name]


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def page_head(client, article) -> Head:
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    head = Head()
    head.feed(response.content.decode())
    return head


def test_an_article_page_carries_what_zotero_reads(client, on_commit):
    article = on_commit(
        make_article,
        title="Ferries return to the harbour",
        source="Coastal Times",
        authors=("Jane Smith", "王小明"),
        published=dt.date(2022, 1, 10),
        url="https://coastal.example/ferries",
    )
    head = page_head(client, article)
    permalink = f"http://testserver/articles/{article.pk}/{article.slug}/"
    assert [link["href"] for link in head.links if link.get("rel") == "canonical"] == [permalink]
    assert head.values("citation_title") == ["Ferries return to the harbour"]
    assert head.values("citation_author") == ["Smith, Jane", "王小明"]
    assert head.values("citation_publication_date") == ["2022/01/10"]
    assert head.values("citation_journal_title") == ["Coastal Times"]
    assert head.values("citation_publisher") == ["Coastal Times"]
    assert head.values("citation_public_url") == [permalink]
    assert head.values("og:type") == ["article"]
    assert head.values("og:url") == [permalink]
    assert head.values("article:published_time") == ["2022-01-10"]


def test_the_json_ld_is_a_news_article_with_people_organisations_and_the_original(
    client, on_commit
):
    article = on_commit(
        make_article,
        source="Coastal Times",
        authors=("Jane Smith", "Associated Press"),
        url="https://coastal.example/ferries",
    )
    Author.objects.filter(name="Associated Press").update(kind=Author.Kind.ORGANISATION)
    (block,) = page_head(client, article).jsonld
    data = json.loads(block)
    assert data["@type"] == "NewsArticle" and data["@context"] == "https://schema.org"
    assert data["headline"] == article.title
    assert data["datePublished"] == "2022-01-10"
    assert data["dateModified"].startswith(str(dt.date.today().year))
    assert [(a["@type"], a["name"]) for a in data["author"]] == [
        ("Organization", "Associated Press"),  # authors are listed by name (no byline order)
        ("Person", "Jane Smith"),
    ]
    assert data["publisher"] == {"@type": "Organization", "name": "Coastal Times"}
    assert data["isBasedOn"] == "https://coastal.example/ferries"
    assert data["url"].startswith("http://testserver/articles/")


def test_a_title_with_a_closing_script_tag_stays_inside_the_json_ld(client, on_commit):
    # The stored title is text: "&lt;" in the source becomes "<" in the title.
    article = on_commit(
        make_article, title="Tolls &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; rise"
    )
    assert "</script>" in article.title
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    head = Head()
    head.feed(html)
    (block,) = head.jsonld
    assert json.loads(block)["headline"] == article.title
    assert head.values("citation_title") == [article.title]  # escaped in the attribute


def test_an_undated_article_without_authors_has_no_empty_tags(client, on_commit):
    article = on_commit(make_article, authors=(), published=None, source="")
    head = page_head(client, article)
    assert head.values("citation_author") == []
    assert head.values("citation_publication_date") == []
    assert head.values("citation_journal_title") == []
    data = json.loads(head.jsonld[0])
    assert not {"author", "datePublished", "publisher", "isBasedOn"} & data.keys()


def test_the_cite_box_shows_three_styles_and_links_the_files_without_javascript(client, on_commit):
    article = on_commit(make_article, title="Ferries return", authors=("Jane Smith",))
    html = client.get(article.get_absolute_url()).content.decode()
    box = html[html.index('<details class="cite-box"') : html.index("</details>")]
    assert "<script" not in box
    for label in ("APA", "Chicago", "MLA"):
        assert label in box
    assert "Smith, J. (2022, January 10). Ferries return." in box
    assert "Smith, Jane. “Ferries Return”." in box
    for fmt in ("ris", "bib", "json"):
        assert f'href="/articles/{article.pk}/cite.{fmt}"' in box


def test_the_page_with_its_citations_costs_the_same_queries_however_many_authors(client, on_commit):
    few = on_commit(make_article, authors=("Jane Smith",), tags=(("keyword", "A"),))
    many = on_commit(
        make_article,
        authors=tuple(f"Writer Number{c}" for c in "BCDEFG"),
        tags=tuple(("keyword", t) for t in "BCDEF"),
    )

    def queries(article) -> int:
        client.get(article.get_absolute_url())  # warm: sessions, caches
        with CaptureQueriesContext(connection) as page:
            assert client.get(article.get_absolute_url()).status_code == 200
        return len(page.captured_queries)

    assert queries(many) == queries(few)


# --- per-article files --------------------------------------------------------------------
@time_machine.travel(dt.datetime(2026, 12, 2, 12, tzinfo=dt.UTC), tick=False)
@pytest.mark.parametrize(
    "fmt, content_type",
    [
        ("ris", "application/x-research-info-systems; charset=utf-8"),
        ("bib", "application/x-bibtex; charset=utf-8"),
        ("json", "application/vnd.citationstyles.csl+json; charset=utf-8"),
    ],
)
def test_an_article_downloads_as_a_citation_file(client, on_commit, fmt, content_type):
    article = on_commit(make_article, title="Ferries & fares", source="Coastal Times")
    response = client.get(f"/articles/{article.pk}/cite.{fmt}")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == (
        f'attachment; filename="article-{article.pk}-{article.slug}.{fmt}"'
    )
    text = response.content.decode()
    permalink = f"http://testserver/articles/{article.pk}/{article.slug}/"
    if fmt == "ris":
        (record,) = rispy.loads(text)
        assert (record["title"], record["urls"], record["access_date"]) == (
            "Ferries & fares",
            [permalink],
            "2026/12/02",
        )
    elif fmt == "bib":
        (entry,) = bibtexparser.parse_string(text).entries
        assert (entry["url"], entry["urldate"]) == (permalink, "2026-12-02")
    else:
        (item,) = json.loads(text)
        assert (item["title"], item["URL"], item["container-title"]) == (
            "Ferries & fares",
            permalink,
            "Coastal Times",
        )


@pytest.mark.parametrize("fmt", ["ris", "bib", "json"])
def test_a_hidden_or_missing_article_has_no_citation(client, on_commit, fmt):
    hidden = on_commit(make_article)
    Article.objects.filter(pk=hidden.pk).update(is_public=False)
    assert client.get(f"/articles/{hidden.pk}/cite.{fmt}").status_code == 404
    assert client.get(f"/articles/{hidden.pk + 1000}/cite.{fmt}").status_code == 404


# --- search exports -----------------------------------------------------------------------
def test_the_search_exports_every_match_with_the_same_filters(client, on_commit):
    for n in range(3):
        on_commit(make_article, title=f"Harbour ferries {n}", source="Coastal Times")
    on_commit(make_article, title="Harbour ferries elsewhere", source="Inland Post")
    on_commit(make_article, title="Bridges", source="Coastal Times")
    response = client.get("/search/export.ris", {"q": "ferries", "source": "coastal-times"})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("application/x-research-info-systems")
    assert response["Content-Disposition"] == (
        'attachment; filename="search-ferries-source-coastal-times.ris"'
    )
    records = rispy.loads(body(response).decode())
    assert sorted(r["title"] for r in records) == [f"Harbour ferries {n}" for n in range(3)]


def test_the_search_exports_bibtex_and_csl_json_in_the_search_order(client, on_commit):
    for day in (3, 1, 2):
        on_commit(make_article, title=f"Ferries day {day}", published=dt.date(2022, 1, day))
    params = {"q": "ferries", "sort": "oldest"}
    bib = bibtexparser.parse_string(body(client.get("/search/export.bib", params)).decode())
    items = json.loads(body(client.get("/search/export.json", params)))
    expected = ["Ferries day 1", "Ferries day 2", "Ferries day 3"]
    assert [e["title"].strip("{}") for e in bib.entries] == expected
    assert [i["title"] for i in items] == expected


def test_a_search_export_without_matches_is_an_empty_valid_file(client, on_commit):
    on_commit(make_article, title="Ferries")
    assert json.loads(body(client.get("/search/export.json", {"q": "zeppelins"}))) == []
    assert rispy.loads(body(client.get("/search/export.ris", {"q": "zeppelins"})).decode()) == []


@pytest.mark.parametrize("fmt", ["ris", "bib", "json"])
def test_a_bad_search_parameter_is_a_400_that_says_which(client, fmt):
    response = client.get(f"/search/export.{fmt}", {"start": "2022-13-45"})
    assert response.status_code == 400
    assert response.content.decode().startswith("start:")


def test_a_citation_export_shares_the_export_bound(client, on_commit):
    on_commit(make_article, title="Ferries")
    first = client.get("/search/export.ris")
    assert client.get("/search/export.bib", REMOTE_ADDR="10.9.9.9").status_code == 429
    body(first)
    first.close()
    assert client.get("/search/export.json", REMOTE_ADDR="10.9.9.9").status_code == 200


def test_the_search_page_links_the_citation_exports_with_its_query(client, on_commit):
    on_commit(make_article, title="Ferries")
    html = client.get("/search/", {"q": "ferries"}).content.decode()
    for fmt in ("ris", "bib", "json"):
        assert re.search(rf'href="/search/export\.{fmt}\?[^"]*q=ferries', html)
