"""Pages that never fail: without collectstatic (DEBUG off), for an unknown address, and the
name indexes (/authors/, /tags/) that list only names with public articles."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import override_settings

from archive.models import Article
from tests.e2e.live import Http, LiveServer, create_cache_table
from tests.factories import make_article


def _some_articles():
    first = make_article(
        title="Harbour opens to ferries",
        body="<p>The harbour opened to ferries on Monday.</p>",
        source="Coastal Times",
        authors=("Mara Quill",),
        tags=(("region", "Europe"),),
        published=dt.date(2022, 1, 10),
    )
    make_article(
        title="Ferries return at dawn",
        body="<p>Ferries came back at dawn with the tide.</p>",
        source="Harbour Gazette",
        authors=("Ben Scribe",),
        tags=(("keyword", "Shipping"),),
        published=dt.date(2022, 2, 3),
    )
    return first


def every_page_kind(article: Article) -> list[str]:
    """One address of each kind of page the archive serves."""
    source, author = article.source.slug, article.authors.first().slug
    tag = article.tags.first().slug
    return [
        "/",
        "/?page=1",
        article.get_absolute_url(),
        "/sources/",
        f"/sources/{source}/",
        f"/sources/{source}/feed/",
        "/authors/",
        f"/authors/{author}/",
        "/tags/",
        f"/tags/{tag}/",
        "/archive/",
        "/archive/2022/",
        "/archive/2022/01/",
        "/archive/2022/01/10/",
        "/search/",
        "/search/?q=ferries",
        "/search/?q=ferries&sort=newest&start=2022-01-01",
        "/search/export.csv?q=ferries",
        "/api/search/?q=ferries",
        f"/api/articles/{article.pk}/",
        "/feeds/latest/",
        "/feeds/search/?q=ferries",
        "/sitemap.xml",
        "/healthz",
        "/admin/login/",
    ]


@pytest.mark.slow
def test_a_fresh_clone_serves_every_page_without_collectstatic(
    transactional_db, search_index, tmp_path
):
    """As the README's scale-out recipe runs it: migrate, index, serve; no collectstatic."""
    create_cache_table()
    article = _some_articles()
    empty_static_root = tmp_path / "never-collected"
    env = {"STATIC_ROOT": str(empty_static_root), "DEBUG": "0"}
    with LiveServer(search_index, workers=2, collect=False, **env) as server:
        http = Http(server.url)
        statuses = {path: http.get(path)[0] for path in every_page_kind(article)}
        assert {p: s for p, s in statuses.items() if s != 200} == {}
        _, html = http.get("/")
        stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
        icons = re.findall(r'<link rel="icon" href="([^"]+)"', html)
        assert stylesheets == ["/static/css/site.css"]  # the plain name: no manifest
        for url in stylesheets + icons:
            status, body = http.get(url)
            assert status == 200 and body, url
        assert "collectstatic has not run" in server.log_text()
    assert not empty_static_root.exists() or not any(empty_static_root.iterdir())


def test_a_page_links_a_static_file_missing_from_the_manifest_by_its_plain_name(
    client, db, tmp_path
):
    with override_settings(STATIC_ROOT=tmp_path):
        response = client.get("/")
    assert response.status_code == 200
    assert 'href="/static/css/site.css"' in response.content.decode()


def test_the_check_names_the_fix_when_collectstatic_has_not_run(tmp_path):
    from archive.storage import collectstatic_has_run

    with override_settings(STATIC_ROOT=tmp_path):
        (warning,) = collectstatic_has_run()
    assert warning.id == "archive.W001"
    assert "collectstatic --noinput" in warning.hint
    (tmp_path / "staticfiles.json").write_text("{}")
    with override_settings(STATIC_ROOT=tmp_path):
        assert collectstatic_has_run() == []


def test_static_root_comes_from_the_environment(tmp_path):
    import subprocess
    import sys

    from tests.e2e.live import REPO

    out = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.STATIC_ROOT)"],
        env={"DJANGO_SETTINGS_MODULE": "archive.settings", "STATIC_ROOT": str(tmp_path),
             "PATH": "/usr/bin:/bin", "SECRET_KEY": "x"},
        cwd=REPO, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert out.stdout.strip() == str(tmp_path)


# --- the 404 page -----------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/articles/999999/gone/", "/no/such/page/", "/authors/nobody/"])
def test_an_unknown_address_gets_a_404_page_with_ways_back(client, path):
    response = client.get(path)
    html = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in html
    assert path in html  # says which address was not found
    for way_back in ('href="/"', 'action="/search/"', 'href="/sources/"', 'href="/archive/"'):
        assert way_back in html
    assert 'rel="stylesheet"' in html  # the site's own layout, not a bare "Not Found"


@pytest.mark.django_db
def test_the_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith(".svg")
    assert 'rel="icon"' in client.get("/").content.decode()


# --- /authors/ and /tags/ ---------------------------------------------------------------------
@pytest.mark.django_db
def test_the_author_index_lists_each_author_with_a_count_of_public_articles(client):
    make_article(authors=("Mara Quill",))
    make_article(authors=("Mara Quill", "Ben Scribe"))
    hidden = make_article(authors=("Ben Scribe", "Hidden Hand"))
    Article.objects.filter(pk=hidden.pk).update(is_public=False)
    response = client.get("/authors/")
    html = response.content.decode()
    rows = re.findall(
        r'<tr><td><a href="/authors/([^/]+)/">([^<]+)</a></td><td class="num">(\d+)', html
    )
    assert rows == [("ben-scribe", "Ben Scribe", "1"), ("mara-quill", "Mara Quill", "2")]
    assert "Hidden Hand" not in html
    assert "2 authors with articles" in html


@pytest.mark.django_db
def test_the_tag_index_lists_kinds_and_counts_of_public_articles_only(client):
    make_article(tags=(("region", "Europe"), ("keyword", "Shipping")))
    make_article(tags=(("region", "Europe"),))
    hidden = make_article(tags=(("theme", "Secret plans"),))
    Article.objects.filter(pk=hidden.pk).update(is_public=False)
    html = client.get("/tags/").content.decode()
    rows = re.findall(
        r'<a href="/tags/([^/]+)/">[^<]+</a></td><td>(\w+)</td><td class="num">(\d+)', html
    )
    assert rows == [("europe", "Region", "2"), ("shipping", "Keyword", "1")]
    assert "Secret plans" not in html


@pytest.mark.django_db
def test_the_name_indexes_page_by_a_hundred_with_numbered_pages(client):
    for n in range(105):
        make_article(authors=(f"Writer {n:03d}",))
    page1 = client.get("/authors/").content.decode()
    page2 = client.get("/authors/?page=2").content.decode()
    assert page1.count('<td class="num">') == 100
    assert page2.count('<td class="num">') == 5
    assert 'aria-label="Page 2"' in page1 and "Next →" in page1
    assert client.get("/authors/?page=3").status_code == 404


@pytest.mark.django_db
def test_the_name_indexes_say_when_there_are_none(client):
    assert "No authors yet." in client.get("/authors/").content.decode()
    assert "No tags yet." in client.get("/tags/").content.decode()
