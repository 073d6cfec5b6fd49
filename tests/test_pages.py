import datetime as dt

import pytest
from django.urls import reverse

from archive.models import Article, Author, Source, Tag
from tests.factories import make_article, make_articles

pytestmark = pytest.mark.django_db


def test_latest_lists_newest_first(client):
    old = make_article(title="Old news", published=dt.date(2020, 1, 1))
    new = make_article(title="New news", published=dt.date(2023, 1, 1))
    html = client.get("/").content.decode()
    assert html.index(new.title) < html.index(old.title)


def test_latest_says_when_the_archive_is_empty(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "The archive is empty" in response.content.decode()


def test_latest_paginates_by_twenty(client):
    make_articles(25)
    page1 = client.get("/")
    page2 = client.get("/?page=2")
    assert len(page1.context["articles"]) == 20
    assert len(page2.context["articles"]) == 5
    assert 'href="?page=2"' in page1.content.decode()


def test_an_out_of_range_page_is_a_404_not_a_500(client):
    make_articles(2)
    assert client.get("/?page=9").status_code == 404
    assert client.get("/?page=abc").status_code == 404


def test_article_page_shows_everything(client):
    article = make_article(
        title="Talks in Geneva",
        body="<p>Diplomats met.</p>",
        source="Global Research",
        authors=("Lucas Leiroz",),
        tags=(("region", "Europe"),),
        url="https://example.com/talks",
        published=dt.date(2022, 1, 10),
    )
    html = client.get(article.get_absolute_url()).content.decode()
    for text in (
        "Talks in Geneva",
        "Diplomats met.",
        "Global Research",
        "Lucas Leiroz",
        "Europe",
        "https://example.com/talks",
        "10 January 2022",
    ):
        assert text in html


def test_article_page_redirects_a_wrong_slug(client):
    article = make_article(title="Right slug")
    response = client.get(f"/articles/{article.pk}/wrong/")
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


def test_unknown_objects_are_404(client):
    for url in (
        "/articles/999/x/",
        "/sources/nope/",
        "/authors/nope/",
        "/tags/nope/",
        "/sources/nope/feed/",
        "/api/articles/999/",
        "/archive/1999/",
    ):
        assert client.get(url).status_code == 404, url


def test_hidden_articles_are_not_shown(client):
    article = make_article(title="Secret")
    Article.objects.filter(pk=article.pk).update(is_public=False)
    assert client.get(article.get_absolute_url()).status_code == 404
    assert "Secret" not in client.get("/").content.decode()


def test_sources_page_counts_articles(client):
    make_articles(3, source="Alpha")
    make_article(source="Beta")
    hidden = make_article(source="Alpha")
    Article.objects.filter(pk=hidden.pk).update(is_public=False)
    make_article(source="Gamma")
    Article.objects.filter(source__name="Gamma").update(is_public=False)
    html = client.get("/sources/").content.decode()
    assert "Alpha" in html and "Beta" in html
    sources = {s.name: s.article_count for s in client.get("/sources/").context["sources"]}
    # Gamma has only a hidden article: its name is not to be known (trust issue).
    assert sources == {"Alpha": 3, "Beta": 1}


def test_source_author_and_tag_pages_list_their_articles(client):
    a = make_article(title="Mine", source="Alpha", authors=("Ann",), tags=(("theme", "War"),))
    make_article(title="Theirs", source="Beta", authors=("Bob",), tags=(("theme", "Peace"),))
    for url in (
        a.source.get_absolute_url(),
        Author.objects.get(name="Ann").get_absolute_url(),
        Tag.objects.get(name="War").get_absolute_url(),
    ):
        html = client.get(url).content.decode()
        assert "Mine" in html and "Theirs" not in html, url


def test_date_archive_year_month_day(client):
    a = make_article(title="January piece", published=dt.date(2022, 1, 10))
    make_article(title="March piece", published=dt.date(2022, 3, 5))
    make_article(title="Older piece", published=dt.date(2021, 6, 1))
    year = client.get("/archive/2022/")
    assert year.status_code == 200
    assert "January piece" in year.content.decode() and "Older piece" not in year.content.decode()
    month = client.get("/archive/2022/01/")
    assert "January piece" in month.content.decode() and "March piece" not in month.content.decode()
    assert 'href="/archive/2022/03/"' in month.content.decode()  # next month with articles
    day = client.get("/archive/2022/01/10/")
    assert a.title in day.content.decode()
    assert client.get("/archive/").status_code == 200


def test_date_archive_pagination_keeps_the_period(client):
    make_articles(21, published=dt.date(2022, 1, 10))
    html = client.get("/archive/2022/01/").content.decode()
    assert 'href="?page=2"' in html
    assert client.get("/archive/2022/01/?page=2").status_code == 200


def test_pagination_keeps_other_parameters(client):
    make_articles(21, source="Alpha")
    html = client.get("/sources/alpha/?foo=bar").content.decode()
    assert 'href="?foo=bar&amp;page=2"' in html


def test_feeds_are_atom(client):
    article = make_article(title="Feed me", source="Alpha")
    for url in ("/feeds/latest/", "/sources/alpha/feed/"):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/atom+xml")
        assert "Feed me" in response.content.decode()
        assert article.get_absolute_url() in response.content.decode()


def test_sitemap_lists_articles(client):
    article = make_article()
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert article.get_absolute_url() in response.content.decode()


def test_article_api_shape(client):
    article = make_article(
        title="API",
        source="Alpha",
        authors=("Ann",),
        url="https://e.com/a",
        tags=(("region", "Europe"),),
    )
    data = client.get(f"/api/articles/{article.pk}/").json()
    assert set(data) == {
        "id",
        "title",
        "url",
        "source",
        "authors",
        "published",
        "tags",
        "language",
        "original_url",
        "captured",
        "body_html",
        "body_text",
        "story",
    }
    assert data["source"] == {"name": "Alpha", "slug": "alpha"}
    assert data["authors"] == [{"name": "Ann", "slug": "ann"}]
    assert data["published"] == "2022-01-10"


def test_article_api_unknown_source_is_null(client):
    article = make_article(source="", authors=(), published=None)
    data = client.get(f"/api/articles/{article.pk}/").json()
    assert data["source"] is None and data["authors"] == [] and data["published"] is None


def test_healthz_is_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"


def test_security_headers_on_every_page(client):
    response = client.get("/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"].split("script-src")[1]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/sources/",
        "/sources/alpha/",
        "/authors/ann/",
        "/tags/europe/",
        "/archive/2022/",
        "/archive/2022/01/",
        "/archive/2022/01/10/",
        "/feeds/latest/",
    ],
)
def test_pages_do_not_grow_queries_with_rows(client, django_assert_max_num_queries, url):
    def build(n):
        for _ in range(n):
            make_article(source="Alpha", authors=("Ann", "Bob"), tags=(("region", "Europe"),))

    build(2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    build(15)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_article_page_query_count_is_constant(client):
    first = make_article(source="Alpha", authors=("Ann",), tags=(("region", "Europe"),))
    make_article(source="Alpha", authors=("Ann",), tags=(("region", "Europe"),))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(first.get_absolute_url())
    for _ in range(10):
        make_article(source="Alpha", authors=("Ann", "Bob"), tags=(("region", "Europe"),))
    with CaptureQueriesContext(connection) as many:
        client.get(first.get_absolute_url())
    assert len(many) == len(few)


def test_source_without_slug_match_is_404_not_other_source(client):
    Source.objects.create(name="Alpha")
    assert client.get("/sources/alph/").status_code == 404


def test_reverse_names_are_stable():
    assert reverse("archive:latest") == "/"
    assert reverse("search:search") == "/search/"


def test_a_lead_that_opens_the_body_is_not_shown_twice(client):
    article = make_article(body="<p>The lead sentence.</p><p>More text.</p>")
    article.standfirst = "The lead sentence."
    article.save()
    html = client.get(article.get_absolute_url()).content.decode()
    shown = html.split("</head>", 1)[1]  # the head's descriptions are for machines
    assert shown.count("The lead sentence.") == 1


def test_a_separate_lead_is_shown_above_the_body(client):
    article = make_article(body="<p>Body only.</p>")
    article.standfirst = "A distinct lead."
    article.save()
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<p class="standfirst">A distinct lead.</p>' in html


def test_year_list_skips_years_without_articles(client):
    make_article(published=dt.date(2019, 5, 1))
    make_article(published=dt.date(2022, 1, 10))
    make_article(published=None)
    years = [d.year for d in client.get("/archive/").context["date_list"]]
    assert years == [2022, 2019]
    months = [d.month for d in client.get("/archive/2022/").context["date_list"]]
    assert months == [1]
