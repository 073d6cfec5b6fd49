"""Reading as people do, in a real browser (Debian's chromium) against gunicorn: every kind
of page at 390 px (a phone) and 1280 px, in light and dark schemes.

On every page: no sideways scroll, no console error (CSP violations included), and axe-core
(from the npm registry, tests/e2e/axe.py) finds no serious or critical violation. On a phone
the first result is on the first screen after a search; the dark scheme is honoured.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.e2e.axe import ensure_axe
from tests.e2e.conftest import new_watched_page
from tests.factories import make_article

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
LONG_URL = "https://example.com/" + "very-long-path-segment-without-spaces-" * 12 + "end.html"
LONG_WORD = "Donaudampfschifffahrtselektrizitätenhauptbetriebswerkbauunterbeamtengesellschaft" * 2


@pytest.fixture
def site(transactional_db):
    """25 harbour articles over four months, one with a lead made of a long URL and a long
    word (the page that was 2,240 px wide on a phone)."""
    articles = [
        make_article(
            title=f"Harbour story number {n}",
            body=f"<p>The harbour master spoke about tides and ships, story {n}.</p>"
            f"<p>Fishing boats returned at dawn with {n * 7} crates.</p>",
            source=("Harbour Gazette", "Coastal Times")[n % 2],
            authors=(("Ann Writer", "Ben Scribe")[n % 2],),
            tags=(("region", "Europe"), ("keyword", ("Shipping", "Fishing")[n % 2])),
            published=dt.date(2022, 1 + n % 4, 1 + n),
        )
        for n in range(25)
    ]
    long_one = make_article(
        title="Harbour notice with a long address",
        body=f"<p>{LONG_URL}</p><p>{LONG_WORD} harbour.</p><pre>{LONG_URL}</pre>",
        url=LONG_URL,
        published=dt.date(2022, 4, 30),
    )
    return {"article": articles[0], "long": long_one}


def page_kinds(site) -> dict[str, str]:
    article = site["article"]
    source, author = article.source.slug, article.authors.first().slug
    tag = article.tags.first().slug
    return {
        "latest": "/",
        "latest page 2": "/?page=2",
        "article": article.get_absolute_url(),
        "long article": site["long"].get_absolute_url(),
        "sources": "/sources/",
        "source": f"/sources/{source}/",
        "authors": "/authors/",
        "author": f"/authors/{author}/",
        "tags": "/tags/",
        "tag": f"/tags/{tag}/",
        "archive": "/archive/",
        "year": "/archive/2022/",
        "month": "/archive/2022/01/",
        "day": "/archive/2022/01/01/",
        "search": "/search/",
        "search results": f"/search/?q=harbour&source={source}&start=2022-01-01",
        "search page 2": "/search/?q=harbour&page=2",
        "no results": "/search/?q=zeppelinfestival",
        "attention": "/search/attention/?q=harbour&q=fishing+boats&q=crates",
        "attention by week": "/search/attention/?q=harbour&q=story&interval=week&measure=share",
        "not found": "/articles/999999/gone/",
    }


@pytest.fixture(scope="session")
def axe_js():
    path, why = ensure_axe()
    if path is None:
        pytest.skip(why)
    return path.read_text()


def axe_problems(page, axe_js: str) -> list[str]:
    """Serious and critical axe-core violations of the page as it is."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_js)  # through the DevTools protocol: the page's CSP stays on
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def sideways_scroll(page) -> int:
    """How many pixels wider than the window the page is (0: no sideways scroll)."""
    return page.evaluate(
        "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - window.innerWidth"
    )


def problems_of(page, path: str) -> list[str]:
    problems = page.watch.problems()
    if path.startswith("/articles/999999"):  # the 404 status itself is logged as an error
        problems = [p for p in problems if "status of 404" not in p]
    page.watch.clear()
    return problems


@pytest.mark.parametrize(
    ("viewport", "scheme"), [(PHONE, "light"), (DESKTOP, "light"), (PHONE, "dark")]
)
def test_every_page_kind_reads_well(site, browser, gunicorn_server, axe_js, viewport, scheme):
    page = new_watched_page(browser, gunicorn_server.url, viewport=viewport, color_scheme=scheme)
    failures = {}
    try:
        for name, path in page_kinds(site).items():
            response = page.goto(path)
            expected = 404 if name == "not found" else 200
            found = []
            if response.status != expected:
                found.append(f"status {response.status}")
            if (extra := sideways_scroll(page)) > 0:
                found.append(f"{extra} px of sideways scroll")
            found += problems_of(page, path)
            found += axe_problems(page, axe_js)
            if found:
                failures[name] = found
    finally:
        page.context.close()
    assert failures == {}


def background_luminance(page) -> float:
    rgb = page.evaluate(
        "() => getComputedStyle(document.body).backgroundColor.match(/\\d+/g).map(Number)"
    )
    return (0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]) / 255


def test_the_dark_scheme_is_honoured(site, browser, gunicorn_server):
    luminance = {}
    for scheme in ("light", "dark"):
        page = new_watched_page(browser, gunicorn_server.url, color_scheme=scheme)
        try:
            page.goto(site["article"].get_absolute_url())
            luminance[scheme] = background_luminance(page)
            text = page.evaluate("() => getComputedStyle(document.body).color")
            header = page.evaluate(
                "() => getComputedStyle(document.querySelector('.site-header')).backgroundColor"
            )
        finally:
            page.context.close()
        luminance[f"{scheme} text"] = text
        luminance[f"{scheme} header"] = header
    assert luminance["light"] > 0.9 and luminance["dark"] < 0.15, luminance
    assert luminance["light header"] != luminance["dark header"]


def test_a_phone_shows_the_first_result_without_scrolling_after_a_search(
    site, browser, gunicorn_server
):
    page = new_watched_page(browser, gunicorn_server.url, viewport=PHONE, is_mobile=True)
    try:
        page.goto("/search/")
        page.fill("#id_q", "harbour")
        page.press("#id_q", "Enter")
        page.wait_for_url("**/search/?q=harbour*")
        first = page.locator(".results article.card h2 a").first
        box = first.bounding_box()
        assert box is not None and box["y"] + box["height"] <= PHONE["height"], box
        assert page.evaluate("() => window.scrollY") == 0
        # The facets come after the results on a phone.
        facets_top = page.locator(".facets").bounding_box()["y"]
        assert facets_top > box["y"]
        assert problems_of(page, "/search/") == []
    finally:
        page.context.close()


def test_the_date_inputs_and_sort_are_usable_on_a_phone(site, browser, gunicorn_server):
    page = new_watched_page(browser, gunicorn_server.url, viewport=PHONE, is_mobile=True)
    try:
        page.goto("/search/?q=harbour&start=2022-01-01")
        for selector in ("#id_start", "#id_end"):
            assert page.locator(selector).bounding_box()["width"] >= 150, selector
        assert page.locator("select").count() == 0  # sort is links, no truncated "Def"
        page.get_by_role("link", name="Oldest first").click()
        page.wait_for_url("**sort=oldest*")
        assert page.locator(".sort [aria-current]").inner_text() == "Oldest first"
        assert "2022-01-01" in page.url  # the dates stay
        assert problems_of(page, "/search/") == []
    finally:
        page.context.close()


def test_printing_an_article_leaves_out_the_site_controls(site, browser, gunicorn_server):
    page = new_watched_page(browser, gunicorn_server.url)
    try:
        page.goto(site["article"].get_absolute_url())
        page.emulate_media(media="print")
        hidden = page.evaluate(
            "() => ['.site-header', '.site-footer', '.related'].map("
            "s => getComputedStyle(document.querySelector(s)).display)"
        )
        assert hidden == ["none", "none", "none"]
        assert page.locator("h1").is_visible() and page.locator(".body").is_visible()
    finally:
        page.context.close()


def test_the_search_help_link_opens_the_query_syntax(site, browser, gunicorn_server):
    page = new_watched_page(browser, gunicorn_server.url)
    try:
        page.goto("/search/?q=harbour")
        assert not page.locator("#syntax").is_visible()
        page.get_by_role("link", name="How to write a query").click()
        assert page.locator("#syntax").is_visible()
        assert "title:summit" in page.locator("#syntax").inner_text()
    finally:
        page.context.close()


def test_back_does_not_bring_back_a_date_the_address_does_not_have(site, browser, gunicorn_server):
    page = new_watched_page(browser, gunicorn_server.url)
    try:
        page.goto("/search/?q=harbour")
        page.fill("#id_start", "2022-03-01")
        page.get_by_role("link", name="Oldest first").click()  # leave without searching
        page.wait_for_url("**sort=oldest*")
        page.go_back()
        page.wait_for_url("**/search/?q=harbour")
        assert page.input_value("#id_start") == ""
        assert problems_of(page, "/search/") == []
    finally:
        page.context.close()


def test_the_first_result_is_three_tabs_away_after_a_search(site, browser, gunicorn_server):
    page = new_watched_page(browser, gunicorn_server.url)
    try:
        page.goto("/search/?q=harbour")
        page.keyboard.press("Tab")  # "Skip to content"
        page.keyboard.press("Tab")  # "Skip to the results"
        assert page.evaluate("() => document.activeElement.textContent") == "Skip to the results"
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        focused = page.evaluate("() => document.activeElement.closest('article.card h2') !== null")
        assert focused
        first_title = page.locator(".results article.card h2 a").first.inner_text()
        assert page.evaluate("() => document.activeElement.textContent") == first_title
    finally:
        page.context.close()
