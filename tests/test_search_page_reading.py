"""The search page as a reader uses it: one form, sort as links, filter chips in words,
numbered pages, help when nothing matches, the query syntax on the page."""

import datetime as dt
import re
from html import unescape

import pytest

from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def harbour(on_commit):
    def make(n, **kwargs):
        return [
            on_commit(make_article, title=f"Harbour story {i}", source="Coastal Times",
                      published=dt.date(2022, 1, 1) + dt.timedelta(days=i), **kwargs)
            for i in range(n)
        ]  # fmt: skip

    return make


def page(client, **params) -> str:
    return client.get("/search/", params).content.decode()


def test_the_search_page_has_one_search_form(client, harbour):
    harbour(2)
    html = page(client, q="harbour")
    assert html.count('role="search"') == 1
    assert html.count('name="q"') == 1
    # Every other page keeps the header's search form.
    assert client.get("/").content.decode().count('role="search"') == 1


def test_sort_is_links_with_one_best_match_and_no_default(client, harbour):
    harbour(3)
    html = page(client, q="harbour", start="2022-01-01")
    sort = re.search(r'<nav class="sort".*?</nav>', html, re.S)[0]
    labels = re.findall(r">([^<>]+)</a>", sort)
    assert labels == ["Best match", "Newest first", "Oldest first"]
    assert "Default" not in html and "<select" not in html
    current = re.search(r'href="([^"]+)" aria-current="true">Best match<', sort)
    assert current
    oldest = unescape(re.search(r'href="([^"]+)">Oldest first<', sort)[1])
    assert "sort=oldest" in oldest and "start=2022-01-01" in oldest and "q=harbour" in oldest


def test_without_words_best_match_is_not_offered(client, harbour):
    harbour(3)
    sort = re.search(r'<nav class="sort".*?</nav>', page(client), re.S)[0]
    assert re.findall(r">([^<>]+)</a>", sort) == ["Newest first", "Oldest first"]


def test_filter_chips_say_names_and_dates_in_words(client, harbour, on_commit):
    harbour(2, tags=(("region", "Middle East"),))
    html = page(client, q="harbour", source="coastal-times", tag="middle-east",
                start="2022-01-01", end="2022-02-28")  # fmt: skip
    chips = re.search(r'<div class="chosen-filters">.*?</div>', html, re.S)[0]
    texts = [unescape(t).strip() for t in re.findall(r'">([^<]+)<span aria-hidden', chips)]
    assert texts == ["Source: Coastal Times", "Tag: Middle East", "From 1 January 2022",
                     "To 28 February 2022"]  # fmt: skip
    assert "source: coastal-times" not in html and "start: 2022" not in html


def test_relevance_pages_are_numbered_previous_and_next(client, harbour):
    harbour(45)
    html = page(client, q="harbour", page=2)
    nav = re.search(r'<nav class="pagination".*?</nav>', html, re.S)[0]
    assert "← Previous" in nav and "Next →" in nav and "Newer" not in nav
    numbers = re.findall(r'aria-label="Page (\d+)(, this page)?"', nav)
    assert numbers == [("1", ""), ("2", ", this page"), ("3", "")]
    link = unescape(re.search(r'href="([^"]+)" aria-label="Page 3"', nav)[1])
    assert "q=harbour" in link and "page=3" in link


def test_date_sorted_pages_say_newer_and_older(client, harbour):
    harbour(45)
    newest = re.search(
        r'<nav class="pagination".*?</nav>', page(client, q="harbour", sort="newest", page=2), re.S
    )[0]
    assert "← Newer" in newest and "Older →" in newest
    oldest = re.search(
        r'<nav class="pagination".*?</nav>', page(client, q="harbour", sort="oldest", page=2), re.S
    )[0]
    assert "← Older" in oldest and "Newer →" in oldest


def test_zero_results_give_help_and_offer_no_exports(client, harbour):
    harbour(2)
    html = page(client, q="zeppelinfestival", source="coastal-times")
    assert "No articles match" in html
    assert "Search again without the filters" in html
    assert "Check the spelling" in html and "<code>OR</code>" in html
    for export in ("/search/export.csv", "/api/search/", "/feeds/search/"):
        assert export not in html
    assert 'class="facets"' not in html


def test_the_query_syntax_is_on_the_search_page(client, harbour):
    harbour(1)
    html = page(client, q="harbour")
    syntax = re.search(r'<details class="syntax".*?</details>', html, re.S)[0]
    for example in ('"peace talks"', "Geneva OR Vienna", "migra*", "title:summit", "-oil",
                    'author:"Ann Writer"', "NOT"):  # fmt: skip
        assert example in unescape(syntax), example
    assert 'href="#syntax"' in html


def test_the_date_inputs_do_not_bring_back_dates_the_url_no_longer_has(client, harbour):
    # After Back, a browser refills a form from its memory unless told not to.
    harbour(1)
    html = page(client, q="harbour")
    assert re.search(r'<form class="search-form"[^>]*autocomplete="off"', html)
    assert 'id="id_start" type="date" name="start" value=""' in html


def test_the_results_come_before_the_facets_in_the_page(client, harbour):
    harbour(3)
    html = page(client, q="harbour")
    assert html.index('id="results"') < html.index('class="facets"')
    assert 'href="#results"' in html  # a skip link straight to them


def test_one_month_of_results_is_not_one_bar_across_the_chart(client, harbour):
    harbour(3)
    html = page(client, q="harbour")
    widths = [float(w) for w in re.findall(r'<rect class="bar"[^>]*width="([\d.]+)"', html)]
    assert widths and max(widths) <= 720 / 12
