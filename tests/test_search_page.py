"""The /search/ page: results, snippets, pagination, suggestions, messages, failures."""

import re
import shutil
from html import unescape

import pytest

from tests.factories import make_article, make_articles

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_article(on_commit):
    return on_commit(make_article, title="Summit in Geneva")


def test_results_show_title_source_authors_date_and_a_marked_snippet(client, seeds):
    html = client.get("/search/", {"q": "Schoenbach"}).content.decode()
    assert seeds["002"].title in html
    assert re.search(r"<mark>Schoenbach</mark>", html)
    assert "1 article for" in html


def test_snippets_mark_stemmed_and_folded_forms(client, on_commit):
    on_commit(make_article, title="T", body="<p>The negotiations with Plötner went on.</p>")
    data = client.get("/api/search/", {"q": "negotiate plotner"}).json()
    snippet = data["results"][0]["snippet"]
    assert "<mark>negotiations</mark>" in snippet and "<mark>Plötner</mark>" in snippet


def test_snippets_escape_hostile_text(client, on_commit):
    body = "<p>Summit &lt;script&gt;alert(1)&lt;/script&gt; &lt;b onmouseover=x&gt;bold</p>"
    on_commit(make_article, title="Hostile", body=body)
    snippet = client.get("/api/search/", {"q": "summit"}).json()["results"][0]["snippet"]
    assert "<script>" not in snippet and "<b " not in snippet
    assert "&lt;script&gt;" in snippet
    assert re.sub(r"</?mark>", "", snippet) == re.sub(
        r"<[^>]*>", "", re.sub(r"</?mark>", "", snippet)
    )
    html = client.get("/search/", {"q": "summit"}).content.decode()
    assert "<script>alert" not in html


def test_the_snippet_is_the_passage_with_the_words(client, on_commit):
    body = "<p>" + "Filler words here. " * 100 + "The Ryabkov remark came late.</p>"
    on_commit(make_article, title="Long", body=body)
    snippet = client.get("/api/search/", {"q": "ryabkov"}).json()["results"][0]["snippet"]
    assert snippet.startswith("…") and "<mark>Ryabkov</mark>" in snippet


def test_pagination_keeps_every_parameter(client, on_commit):
    on_commit(make_articles, 25, title="Summit", source="Alpha")
    response = client.get("/search/", {"q": "summit", "source": "alpha", "sort": "newest"})
    assert len(response.context["outcome"].hits) == 20
    html = response.content.decode()
    next_link = unescape(re.search(r'<a rel="next" href="([^"]*)"', html).group(1))
    for part in ("q=summit", "source=alpha", "sort=newest", "page=2"):
        assert part in next_link
    page2 = client.get("/search/" + next_link)
    assert len(page2.context["outcome"].hits) == 5
    first = {h.article.pk for h in response.context["outcome"].hits}
    assert first.isdisjoint(h.article.pk for h in page2.context["outcome"].hits)


def test_a_misspelling_gets_did_you_mean(client, seeds):
    response = client.get("/search/", {"q": "Schoenbch"})
    assert response.context["outcome"].suggestion == "schoenbach"
    html = response.content.decode()
    assert "Did you mean" in html and 'href="?q=schoenbach"' in html


def test_no_suggestion_when_the_query_finds_plenty(client, seeds):
    assert client.get("/api/search/", {"q": "Russia"}).json()["suggestion"] is None


def test_no_results_offers_to_drop_the_filters(client, seeds):
    response = client.get("/search/", {"q": "Schoenbach", "source": "rt-de"})
    html = unescape(response.content.decode())
    assert "No articles match" in html
    assert 'href="?q=Schoenbach"' in html


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2022-13-01"}, "start"),
        ({"end": "yesterday"}, "end"),
        ({"start": "2022-02-01", "end": "2022-01-01"}, "end"),
        ({"sort": "random"}, "sort"),
        ({"page": "0"}, "page"),
        ({"page": "abc"}, "page"),
        ({"page": "9"}, "page"),
        ({"source": "not a slug"}, "source"),
        ({"q": "-only -excluded"}, "q"),
        ({"q": "x" * 501}, "q"),
    ],
)
def test_invalid_values_give_the_page_with_a_message(client, one_article, params, field):
    response = client.get("/search/", params)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'class="form-errors"' in response.content.decode()


def test_a_broken_index_says_search_is_unavailable(client, seeds, search_index):
    shutil.rmtree(search_index)
    search_index.mkdir()
    (search_index / "_MAIN_1.toc").write_bytes(b"garbage")
    response = client.get("/search/", {"q": "Russia"})
    assert response.status_code == 503
    assert "Search is unavailable" in response.content.decode()
    assert client.get("/search/").status_code == 200  # listing comes from the database
    assert client.get("/").status_code == 200
    assert client.get(seeds["000"].get_absolute_url()).status_code == 200
    assert client.get("/healthz").status_code == 503


def test_a_missing_index_directory_fails_healthz(client, seeds, search_index):
    assert client.get("/healthz").status_code == 200
    shutil.rmtree(search_index)
    assert client.get("/healthz").status_code == 503


@pytest.mark.parametrize(
    "query",
    [
        "",
        "q=Kuleba+%C3%A9t%C3%A9+%22a+b%22~3&source=bbc&source=dw&tag=war&start=2024-01-01"
        "&sort=oldest&group=story&page_size=50",
        "q=a%26b%3Dc+%2B%23&author=jane-doe&end=2023-12-31",
    ],
)
def test_every_link_is_the_parameters_urlencoded(query):
    """url() encodes each unchanged parameter once per form; every link must still be exactly
    the canonical parameters with the change applied, in their order."""
    from urllib.parse import urlencode

    from django.http import QueryDict

    from search.forms import ArchiveSearchForm

    form = ArchiveSearchForm(QueryDict(query))
    assert form.is_valid(), form.errors
    changes = [
        {}, {"page": 3}, {"source": []}, {"source": ["x", "y"]}, {"q": None}, {"q": "é&="},
        {"start": "2020-01-01", "end": "2020-01-31"}, {"group": None, "page": None},
        {"sort": "newest"}, {"tag": ["war", "peace"], "page": 2},
    ]  # fmt: skip
    for change in changes:
        assert form.url(**change) == "?" + urlencode(form.params(**change)), change
    if query.startswith("q=Kuleba"):
        assert form.url(source=["dw"], page=2) == (
            "?q=Kuleba+%C3%A9t%C3%A9+%22a+b%22~3&source=dw&tag=war&start=2024-01-01"
            "&sort=oldest&group=story&page_size=50&page=2"
        )
