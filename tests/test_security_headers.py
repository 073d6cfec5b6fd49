"""Security headers on every kind of response: pages, JSON, CSV, feeds, admin, errors.

tests/test_pages.py checks the home page; this checks every URL of INTERFACE.md and the
responses people forget (404s, 400s, redirects, 503 from /healthz, admin). Whether the site
still works under the CSP is checked in a real browser (tests/e2e/test_browse.py).
"""

from __future__ import annotations

import pytest

from tests.factories import make_article

pytestmark = pytest.mark.django_db


def policy(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = [w.lower() for w in words[1:]]
    return directives


def assert_secure_headers(response, url: str) -> None:
    csp = response.get("Content-Security-Policy")
    assert csp, f"{url}: no Content-Security-Policy"
    directives = policy(csp)
    script = directives.get("script-src") or directives.get("default-src")
    assert script, f"{url}: no script-src"
    assert not {"'unsafe-inline'", "'unsafe-eval'", "data:", "*", "http:", "https:"} & set(
        script
    ), f"{url}: script-src {script}"
    assert directives.get("object-src") == ["'none'"], url
    assert directives.get("base-uri") in (["'none'"], ["'self'"]), url
    assert directives.get("frame-ancestors") == ["'none'"], url
    assert "'unsafe-inline'" not in directives.get("style-src", []), url
    assert response.get("X-Content-Type-Options") == "nosniff", url
    assert response.get("Referrer-Policy") in (
        "same-origin",
        "strict-origin-when-cross-origin",
        "no-referrer",
    ), url
    assert response.get("X-Frame-Options") == "DENY", url


@pytest.fixture
def site(db, on_commit):
    article = on_commit(
        make_article,
        title="Headers everywhere",
        body="<p>Words about headers and policies for the test.</p>",
        source="Alpha",
        authors=("Ann Writer",),
        tags=(("region", "Europe"),),
    )
    return article


def public_urls(article) -> list[tuple[str, int]]:
    source, author, tag = article.source, article.authors.get(), article.tags.get()
    return [
        ("/", 200),
        (article.get_absolute_url(), 200),
        (f"/articles/{article.pk}/wrong-slug/", 301),
        ("/sources/", 200),
        (source.get_absolute_url(), 200),
        (author.get_absolute_url(), 200),
        (tag.get_absolute_url(), 200),
        ("/archive/", 200),
        ("/archive/2022/", 200),
        ("/archive/2022/01/", 200),
        ("/archive/2022/01/10/", 200),
        ("/search/?q=headers", 200),
        ("/search/?start=nonsense", 200),
        ("/api/search/?q=headers", 200),
        ("/api/search/?start=nonsense", 400),
        (f"/api/articles/{article.pk}/", 200),
        ("/api/articles/999999/", 404),
        ("/search/export.csv?q=headers", 200),
        ("/feeds/latest/", 200),
        ("/feeds/search/?q=headers", 200),
        (f"/sources/{source.slug}/feed/", 200),
        ("/sitemap.xml", 200),
        ("/healthz", 200),
        ("/no/such/page/", 404),
        ("/articles/999999/nothing/", 404),
        ("/admin/", 302),
        ("/admin/login/", 200),
    ]


def test_every_public_response_has_the_security_headers(client, site):
    for url, status in public_urls(site):
        response = client.get(url)
        assert response.status_code == status, (url, response.status_code)
        assert_secure_headers(response, url)


def test_admin_pages_have_the_security_headers(staff_client, site):
    urls = [
        "/admin/",
        "/admin/archive/article/",
        f"/admin/archive/article/{site.pk}/change/",
        "/admin/archive/article/add/",
        "/admin/archive/article/upload/",
        "/admin/archive/source/",
        "/admin/archive/article/999999/change/",
    ]
    for url in urls:
        response = staff_client.get(url)
        assert response.status_code in (200, 302), (url, response.status_code)
        assert_secure_headers(response, url)


def test_an_unhealthy_healthz_has_the_headers_too(client, db, search_index):
    # An index directory that is a file: the index cannot open.
    import shutil

    from haystack import connections

    shutil.rmtree(search_index, ignore_errors=True)
    search_index.parent.mkdir(parents=True, exist_ok=True)
    search_index.write_text("not an index")
    connections.reload("default")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert_secure_headers(response, "/healthz (503)")


def test_responses_are_not_sniffable_as_html(client, site):
    # JSON, CSV and feeds declare their type; with nosniff a browser never renders them as
    # HTML, whatever text the articles hold.
    expected = {
        f"/api/articles/{site.pk}/": "application/json",
        "/api/search/?q=headers": "application/json",
        "/search/export.csv?q=headers": "text/csv",
        "/feeds/latest/": "application/atom+xml",
        "/healthz": "text/plain",
    }
    for url, content_type in expected.items():
        assert client.get(url)["Content-Type"].startswith(content_type), url
