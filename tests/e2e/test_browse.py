"""A reader and an editor in a real browser, against gunicorn, under the real CSP.

The reader browses the latest articles, pages through them, opens one, looks at the sources
and the date archive, searches, narrows by a facet and by a timeline bar and pages through
the results. The editor logs in through the login form, uploads two files, previews and
confirms them, and finds them by search. No page may log a console error (a CSP violation
included), raise, open a dialog or ask another origin for anything. Screenshots of the main
pages go to var/screenshots/.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.factories import make_article

SOURCES = ("Harbour Gazette", "Coastal Times", "Evening Lantern")
UPLOADS = {
    "zeppelin.txt": (
        "Zeppelinfest opens at the harbour\n\nBy Mara Quill\n\nMarch 3, 2022\n\n"
        "The zeppelinfest drew crowds to the harbour on Thursday, organisers said. "
        "Airships circled the lighthouse twice before landing.\n"
    ),
    "zeppelin.md": (
        "# Zeppelinfest closes with fireworks\n\nBy Mara Quill\n\n"
        "The *zeppelinfest* ended with fireworks over the harbour on Sunday. "
        "Visitors numbered in the thousands, the council said.\n"
    ),
}


@pytest.fixture
def archive(transactional_db):
    """25 articles (two pages) from three sources over four months, all about the harbour."""
    for n in range(25):
        make_article(
            title=f"Harbour story number {n}",
            body=f"<p>The harbour master spoke about tides and ships, story {n} of many.</p>"
            f"<p>Fishing boats returned at dawn with a catch of {n * 7} crates.</p>",
            source=SOURCES[n % 3],
            authors=(("Ann Writer", "Ben Scribe")[n % 2],),
            tags=(("region", "Europe"), ("keyword", ("Shipping", "Fishing")[n % 2])),
            published=dt.date(2022, 1 + n % 4, 1 + n),
        )


def ok(page) -> None:
    problems = page.watch.problems()
    assert problems == [], problems
    page.watch.clear()


def result_count(page) -> int:
    text = page.locator(".result-count").inner_text()
    return int(re.match(r"\s*(\d+)", text)[1])


def test_a_reader_browses_and_searches(archive, watched_page, screenshot):
    page = watched_page
    page.goto("/")
    assert page.locator("h1").inner_text() == "Latest articles"
    assert page.locator("article.card").count() == 20
    screenshot(page, "latest")
    ok(page)

    page.click("a[rel=next]")
    assert "page=2" in page.url
    assert page.locator("article.card").count() == 5
    assert "Page 2 of 2" in page.locator(".pagination").inner_text()
    ok(page)

    title = page.locator("article.card h2 a").first.inner_text()
    page.locator("article.card h2 a").first.click()
    assert page.locator("h1").inner_text() == title
    assert "harbour master" in page.locator(".body").inner_text()
    screenshot(page, "article")
    ok(page)

    page.goto("/sources/")
    assert page.locator("table.sources tbody tr").count() == 3
    screenshot(page, "sources")
    page.click("text=Coastal Times")
    assert page.locator("h1").inner_text() == "Coastal Times"
    ok(page)

    page.goto("/archive/2022/")
    page.click("ul.months a >> nth=0")
    assert re.search(r"/archive/2022/01/$", page.url)
    assert page.locator("article.card").count() >= 1
    screenshot(page, "archive-month")
    ok(page)

    page.fill("#site-q", "harbour")
    page.press("#site-q", "Enter")
    page.wait_for_url(re.compile(r"/search/\?q=harbour"))
    assert result_count(page) == 25
    assert page.locator(".results article.card").count() == 20
    assert page.locator(".results mark").count() > 0
    screenshot(page, "search")
    ok(page)

    page.click(".results a[rel=next]")
    assert "page=2" in page.url
    assert page.locator(".results article.card").count() == 5
    ok(page)

    page.goto("/search/?q=harbour")
    facet = page.locator(".facet").filter(has_text="Sources").locator("li a").first
    label = facet.inner_text()
    facet.click()
    assert "source=" in page.url
    narrowed = result_count(page)
    assert 0 < narrowed < 25
    assert all(label in t for t in page.locator(".results .meta .source").all_inner_texts())
    screenshot(page, "search-facet")
    ok(page)

    page.goto("/search/?q=harbour")
    bar = page.locator(".timeline svg a").first
    bar_label = bar.get_attribute("aria-label")
    bar.click()
    assert "start=" in page.url and "end=" in page.url
    expected = int(re.search(r": (\d+) article", bar_label)[1])
    assert result_count(page) == expected < 25
    screenshot(page, "search-timeline")
    ok(page)


def test_an_editor_uploads_and_finds_the_articles(
    archive, watched_page, screenshot, django_user_model, tmp_path
):
    django_user_model.objects.create_superuser("editor", "e@example.com", "right-pw-123")
    page = watched_page
    page.goto("/admin/")
    assert "/admin/login/" in page.url
    page.fill("#id_username", "editor")
    page.fill("#id_password", "right-pw-123")
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))
    screenshot(page, "admin")
    ok(page)

    page.goto("/admin/archive/article/")
    page.click("text=Upload files")
    files = []
    for name, text in UPLOADS.items():
        (tmp_path / name).write_text(text)
        files.append(str(tmp_path / name))
    page.set_input_files("input[name=files]", files)
    page.click("input[value=Preview]")
    page.wait_for_selector("text=ready to import")
    assert "Zeppelinfest opens at the harbour" in page.content()
    assert "Mara Quill" in page.content()
    screenshot(page, "upload-preview")
    ok(page)

    page.click("input[name=confirm]")
    # The report page refreshes itself while the upload saves, then gives the summary.
    page.wait_for_selector("text=imported 2, duplicates 0, failed 0", timeout=60_000)
    page.wait_for_selector(".progress", state="detached")
    screenshot(page, "upload-report")
    ok(page)

    page.goto("/admin/archive/article/")
    assert "Zeppelinfest closes with fireworks" in page.content()
    ok(page)

    page.goto("/")
    page.fill("#site-q", "zeppelinfest")
    page.press("#site-q", "Enter")
    page.wait_for_url(re.compile(r"/search/\?q=zeppelinfest"))
    assert result_count(page) == 2
    titles = page.locator(".results article.card h2").all_inner_texts()
    assert sorted(titles) == [
        "Zeppelinfest closes with fireworks",
        "Zeppelinfest opens at the harbour",
    ]
    screenshot(page, "search-uploaded")
    ok(page)
