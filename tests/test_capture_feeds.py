"""Following feeds: capture_urls --feed and --subscriptions against a real loopback server."""

import pytest

from archive.models import Article, FeedSubscription
from tests import httpd
from tests.commands import run_command

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(settings):
    settings.CAPTURE_ALLOW_PRIVATE = True
    with httpd.Site() as running:
        yield running


def run(*args):
    return run_command("capture_urls", *args)


def test_a_feed_s_entries_not_yet_archived_are_captured(site):
    entries = [site.url(f"/article/{n}") for n in range(3)]
    site.routes["/feed.xml"] = httpd.feed(entries)
    code, out = run("--feed", site.url("/feed.xml"), "--source", "Harbour Gazette")
    assert code == 0, out
    assert f"feed {site.url('/feed.xml')}: 3 entries, 3 not yet archived" in out
    assert out.strip().endswith("imported 3, duplicates 0, failed 0")
    assert set(Article.objects.values_list("original_url", flat=True)) == set(entries)
    assert set(Article.objects.values_list("source__name", flat=True)) == {"Harbour Gazette"}
    # A second run fetches the feed and nothing else.
    site.requests.clear()
    code, out = run("--feed", site.url("/feed.xml"))
    assert "3 entries, 0 not yet archived" in out
    assert out.strip().endswith("imported 0, duplicates 0, failed 0")
    assert [p for p, _ in site.requests] == ["/feed.xml"]


def test_a_feed_of_ten_thousand_entries_is_capped_per_run(site, settings):
    settings.CAPTURE_FEED_MAX_ENTRIES = 3
    site.routes["/big.xml"] = httpd.feed([site.url(f"/article/{n}") for n in range(10_000)])
    code, out = run("--feed", site.url("/big.xml"))
    assert code == 0, out
    assert "10000 entries, 10000 not yet archived; capturing the first 3 this run" in out
    assert "(the other 9997 next run)" in out
    assert Article.objects.count() == 3


def test_what_is_not_a_feed_is_a_clear_line(site):
    site.routes["/page"] = httpd.article(1)
    site.routes["/data.xml"] = lambda h: httpd.send(
        h, 200, b"<?xml version='1.0'?><a/>", "text/xml"
    )
    site.routes["/empty.xml"] = httpd.feed([])
    code, out = run("--feed", site.url("/page"), site.url("/data.xml"), site.url("/empty.xml"))
    assert code == 1
    assert f"failed: feed {site.url('/page')}: not an RSS or Atom feed" in out
    assert f"failed: feed {site.url('/data.xml')}: not an RSS or Atom feed" in out
    assert f"feed {site.url('/empty.xml')}: 0 entries, 0 not yet archived" in out


def test_subscriptions_send_etag_and_an_unchanged_feed_costs_one_request(site):
    site.routes["/feed.xml"] = httpd.feed([site.url("/article/1"), site.url("/article/2")])
    subscription = FeedSubscription.objects.create(url=site.url("/feed.xml"), source="Gazette")
    FeedSubscription.objects.create(url=site.url("/paused.xml"), active=False)
    code, out = run("--subscriptions")
    assert code == 0, out
    assert out.strip().endswith("imported 2, duplicates 0, failed 0")
    subscription.refresh_from_db()
    assert subscription.etag == '"v1"'
    assert subscription.last_modified == "Tue, 01 Dec 2026 10:00:00 GMT"
    assert subscription.last_checked is not None and "imported 2" in subscription.last_result
    site.requests.clear()
    code, out = run("--subscriptions")
    assert code == 0
    assert "unchanged since the last run (304)" in out
    assert [(p, h.get("If-None-Match")) for p, h in site.requests] == [("/feed.xml", '"v1"')]
    assert Article.objects.count() == 2


def test_a_capped_run_keeps_no_etag_so_the_next_run_gets_the_rest(site, settings):
    settings.CAPTURE_FEED_MAX_ENTRIES = 2
    site.routes["/feed.xml"] = httpd.feed([site.url(f"/article/{n}") for n in range(5)])
    FeedSubscription.objects.create(url=site.url("/feed.xml"))
    run("--subscriptions")
    assert FeedSubscription.objects.get().etag == ""
    run("--subscriptions")
    run("--subscriptions")
    assert Article.objects.count() == 5
    assert FeedSubscription.objects.get().etag == '"v1"'


def test_a_failing_subscription_is_reported_and_the_others_still_run(site):
    site.routes["/feed.xml"] = httpd.feed([site.url("/article/1")])
    FeedSubscription.objects.create(url=site.url("/gone.xml"))
    FeedSubscription.objects.create(url=site.url("/feed.xml"))
    code, out = run("--subscriptions")
    assert code == 1
    assert f"failed: feed {site.url('/gone.xml')}: the feed's server answered 404" in out
    assert Article.objects.count() == 1
    assert "404" in FeedSubscription.objects.get(url=site.url("/gone.xml")).last_result


def test_feed_subscriptions_are_kept_in_the_admin(admin_client):
    response = admin_client.post("/admin/archive/feedsubscription/add/", {
        "url": "https://news.example.com/feed.xml", "source": "Gazette", "active": "on"
    })  # fmt: skip
    assert response.status_code == 302
    subscription = FeedSubscription.objects.get()
    assert subscription.source == "Gazette" and subscription.etag == ""
    listing = admin_client.get("/admin/archive/feedsubscription/").content.decode()
    assert "https://news.example.com/feed.xml" in listing
