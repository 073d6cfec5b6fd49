"""A researcher cites an article and exports a search, in a real browser: the Cite box opens
without JavaScript help, its text is there to copy, and the downloads are files a reference
manager reads."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import rispy

from tests.e2e.conftest import new_watched_page
from tests.e2e.test_reading import axe_js, axe_problems, sideways_scroll  # noqa: F401
from tests.factories import make_article


@pytest.fixture
def articles(transactional_db):
    return [
        make_article(
            title=f"Harbour ferries return, part {n}",
            source="Coastal Times",
            authors=("Jane Smith",),
            published=dt.date(2022, 1, 10 + n),
            url=f"https://coastal.example/ferries-{n}",
        )
        for n in range(3)
    ]


def test_a_reader_cites_an_article_and_exports_a_search(articles, browser, gunicorn_server):
    page = new_watched_page(
        browser, gunicorn_server.url, java_script_enabled=False, accept_downloads=True
    )
    try:
        article = articles[0]
        page.goto(article.get_absolute_url())
        box = page.locator("details.cite-box")
        assert not box.locator(".citation-text").first.is_visible()
        box.locator("summary").click()
        apa = box.locator(".citation-text").first
        assert apa.is_visible()
        assert apa.inner_text().startswith("Smith, J. (2022, January 10). Harbour ferries return")
        assert sideways_scroll(page) <= 0

        with page.expect_download() as download:
            box.get_by_role("link", name="RIS").click()
        assert download.value.suggested_filename.endswith(".ris")
        (record,) = rispy.loads(download.value.path().read_text())
        assert record["title"] == article.title
        assert record["urls"] == [gunicorn_server.url + article.get_absolute_url()]

        page.goto("/search/?q=ferries")
        with page.expect_download() as download:
            page.locator(".exports").get_by_role("link", name="CSL-JSON").click()
        items = json.loads(download.value.path().read_text())
        assert sorted(i["title"] for i in items) == sorted(a.title for a in articles)
        assert page.watch.problems() == []
    finally:
        page.context.close()


def test_the_open_cite_box_passes_axe(articles, browser, gunicorn_server, axe_js):  # noqa: F811
    page = new_watched_page(browser, gunicorn_server.url)
    try:
        page.goto(articles[0].get_absolute_url())
        page.locator("details.cite-box summary").click()
        assert axe_problems(page, axe_js) == []
    finally:
        page.context.close()
