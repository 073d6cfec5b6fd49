"""Saved searches ("N new since your last visit" from the index, a private feed, email
alerts) and snapshots (frozen result sets that say what changed since)."""

import datetime as dt
import io
import json
import xml.etree.ElementTree as ET

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import Client

from archive.research import alerts, services
from archive.research.models import AlertDelivery, SavedSearch, Snapshot
from tests.factories import make_article
from tests.research import client_for, make_reader

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
T0 = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def reader():
    return make_reader("ann")


def at(moment, fn, *args, **kwargs):
    with time_machine.travel(moment, tick=False):
        return fn(*args, **kwargs)


@pytest.fixture
def saved(reader, on_commit):
    at(T0, on_commit, make_article, title="Ferry strike", source="Coastal Times")
    at(T0, on_commit, make_article, title="Ferry timetable", source="Inland Post")
    return at(
        T0 + dt.timedelta(hours=1), services.saved_search_create,
        owner=reader, name="Ferries", query="q=ferry&source=coastal-times",
    )  # fmt: skip


def test_save_the_current_search_with_all_its_parameters(reader, on_commit):
    on_commit(make_article, title="Ferry strike")
    client = client_for(reader)
    page = client.get("/search/", {"q": "ferry", "source": "the-daily-test", "sort": "oldest"})
    assert "Save this search" in page.content.decode()
    query = "q=ferry&source=the-daily-test&sort=oldest"
    response = client.post("/searches/", {"query": query, "name": ""})
    assert response.status_code == 302
    saved = SavedSearch.objects.get(owner=reader)
    assert saved.query == query and saved.name.startswith("ferry")
    opened = client.get(f"/searches/{saved.pk}/")
    assert opened["Location"] == f"/search/?{query}"


def test_a_search_with_bad_parameters_is_not_saved(reader):
    client_for(reader).post("/searches/", {"query": "start=yesterday"})
    assert not SavedSearch.objects.exists()


def test_anonymous_search_page_is_unchanged(client, on_commit):
    on_commit(make_article, title="Ferry strike")
    page = client.get("/search/", {"q": "ferry"}).content.decode()
    assert "Save this search" not in page and 'action="/collect/"' not in page


def test_new_since_counts_only_new_matches(reader, saved, on_commit):
    later = T0 + dt.timedelta(days=1)
    at(later, on_commit, make_article, title="Ferry returns", source="Coastal Times")
    at(later, on_commit, make_article, title="Ferry elsewhere", source="Inland Post")
    at(later, on_commit, make_article, title="Bridge news", source="Coastal Times")
    client = client_for(reader)
    page = client.get("/searches/").content.decode()
    assert "<strong>1 new</strong>" in page
    client.get(f"/searches/{saved.pk}/")  # the visit
    assert "none new" in client.get("/searches/").content.decode()


def test_new_since_says_at_least_when_more_arrived_than_it_looks_at(saved, on_commit):
    from archive.research.queries import NewCount, count_new

    later = T0 + dt.timedelta(days=1)
    for n in range(3):
        at(later, on_commit, make_article, title=f"Ferry {n} news", source="Coastal Times")
    at(later, on_commit, make_article, title="Bridge news", source="Coastal Times")
    # The newest two of the four new articles are looked at: one of them matches.
    assert count_new(saved.query, saved.last_visit, limit=2) == NewCount(1, at_least=True)
    assert count_new(saved.query, saved.last_visit) == NewCount(3)


def test_new_since_with_no_new_articles_asks_nothing_of_the_index(reader, saved):
    assert "none new" in client_for(reader).get("/searches/").content.decode()


def test_private_feed_behind_its_token(client, saved, on_commit):
    feed = client.get(f"/feeds/search/saved/{saved.feed_token}/")
    assert feed.status_code == 200
    root = ET.fromstring(feed.content)
    assert [e.find(f"{ATOM}title").text for e in root.iter(f"{ATOM}entry")] == ["Ferry strike"]
    assert client.get("/feeds/search/saved/not-the-token/").status_code == 404
    old = saved.feed_token
    services.feed_token_renew(saved=saved)
    assert client.get(f"/feeds/search/saved/{old}/").status_code == 404


def test_saved_searches_of_another_reader_are_404(reader, saved):
    mallory = client_for(make_reader("mallory"))
    assert mallory.get(f"/searches/{saved.pk}/").status_code == 404
    assert mallory.get(f"/searches/{saved.pk}/edit/").status_code == 404
    assert mallory.post(f"/searches/{saved.pk}/edit/", {"action": "delete"}).status_code == 404
    assert "Ferries" not in mallory.get("/searches/").content.decode()
    assert SavedSearch.objects.filter(pk=saved.pk).exists()


def test_edit_turns_alerts_off_and_renews_the_feed(reader, saved):
    client = client_for(reader)
    client.post(f"/searches/{saved.pk}/edit/", {"name": "Ferry news"})
    saved.refresh_from_db()
    assert (saved.name, saved.alerts) == ("Ferry news", False)
    token = saved.feed_token
    client.post(f"/searches/{saved.pk}/edit/", {"action": "renew"})
    saved.refresh_from_db()
    assert saved.feed_token != token


def test_send_alerts_emails_new_matches_once(reader, saved, on_commit):
    later = T0 + dt.timedelta(days=1)
    at(later, on_commit, make_article, title="Ferry returns", source="Coastal Times")
    at(later, on_commit, make_article, title="Bridge news", source="Coastal Times")
    at(later + dt.timedelta(hours=1), call_command, "send_alerts", stdout=io.StringIO())
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ann@example.com"] and "Ferry returns" in message.body
    assert "Bridge news" not in message.body and "Ferry strike" not in message.body
    delivery = AlertDelivery.objects.get()
    assert len(delivery.article_ids) == 1
    # A rerun sends nothing more; a new match later is sent alone.
    at(later + dt.timedelta(hours=2), alerts.send_alerts)
    assert len(mail.outbox) == 1
    at(later + dt.timedelta(hours=3), on_commit, make_article, title="Ferry again",
       source="Coastal Times")  # fmt: skip
    at(later + dt.timedelta(hours=4), alerts.send_alerts)
    assert len(mail.outbox) == 2 and "Ferry again" in mail.outbox[1].body
    assert "Ferry returns" not in mail.outbox[1].body


def test_send_alerts_waits_for_articles_added_just_now(reader, saved, on_commit):
    later = T0 + dt.timedelta(days=1)
    at(later, on_commit, make_article, title="Ferry returns", source="Coastal Times")
    at(later + dt.timedelta(seconds=30), alerts.send_alerts)
    assert not mail.outbox  # maybe not indexed yet: next run
    at(later + dt.timedelta(minutes=10), alerts.send_alerts)
    assert len(mail.outbox) == 1


def test_send_alerts_skips_searches_with_alerts_off(reader, saved, on_commit):
    SavedSearch.objects.update(alerts=False)
    at(T0 + dt.timedelta(days=1), on_commit, make_article, title="Ferry returns",
       source="Coastal Times")  # fmt: skip
    outcome = at(T0 + dt.timedelta(days=2), alerts.send_alerts)
    assert outcome.searches == 0 and not mail.outbox


# --- snapshots ------------------------------------------------------------------------------
@pytest.fixture
def snapshot(reader, on_commit):
    for title in ("Ferry strike", "Ferry timetable", "Ferry fares"):
        on_commit(make_article, title=title)
    client_for(reader).post("/snapshots/", {"query": "q=ferry&sort=oldest", "name": "Corpus"})
    return Snapshot.objects.get()


def test_snapshot_freezes_ids_and_hashes(snapshot):
    assert snapshot.size == 3 and snapshot.query == "q=ferry&sort=oldest"
    items = list(snapshot.items.all())
    assert [i.title for i in items] == ["Ferry strike", "Ferry timetable", "Ferry fares"]
    assert all(len(i.content_hash) >= 32 for i in items)


def test_snapshot_says_what_changed_or_was_removed(reader, snapshot, on_commit):
    first, second, _ = [i.article_id for i in snapshot.items.all()]
    from archive.models import Article

    changed = Article.objects.get(pk=first)
    changed.body_html = "<p>A corrected text about the ferry.</p>"
    on_commit(changed.save)
    Article.objects.filter(pk=second).update(is_public=False)
    page = client_for(reader).get(snapshot.get_absolute_url()).content.decode()
    assert "1 unchanged, 1 changed, 1 removed" in page
    assert "changed since" in page and "removed since" in page


def test_snapshot_has_a_permalink_and_exports(client, reader, snapshot):
    owner = client_for(reader)
    rows = b"".join(owner.get(f"/snapshots/{snapshot.pk}/export.csv").streaming_content)
    assert rows.decode("utf-8-sig").count("\n") == 4
    ris = b"".join(owner.get(f"/snapshots/{snapshot.pk}/export.ris").streaming_content).decode()
    assert ris.count("TY  - NEWS") == 3
    owner.post(snapshot.get_absolute_url(), {"share": "on"})
    snapshot.refresh_from_db()
    public = client.get(f"/shared/snapshots/{snapshot.share_token}/")
    assert public.status_code == 200 and "Ferry fares" in public.content.decode()
    items = json.loads(
        b"".join(
            client.get(f"/shared/snapshots/{snapshot.share_token}/export.json").streaming_content
        )  # fmt: skip
    )
    assert len(items) == 3
    token = snapshot.share_token
    owner.post(snapshot.get_absolute_url(), {"share": "off"})
    assert client.get(f"/shared/snapshots/{token}/").status_code == 404


def test_snapshots_of_another_reader_are_404(snapshot):
    mallory = client_for(make_reader("mallory"))
    for url in (f"/snapshots/{snapshot.pk}/", f"/snapshots/{snapshot.pk}/export.csv"):
        assert mallory.get(url).status_code == 404
    assert mallory.post(f"/snapshots/{snapshot.pk}/", {"action": "delete"}).status_code == 404
    assert "Corpus" not in mallory.get("/snapshots/").content.decode()
    assert Snapshot.objects.exists()


def test_snapshot_post_needs_csrf(reader, on_commit):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    assert client.post("/snapshots/", {"query": "q=ferry"}).status_code == 403


def test_snapshot_of_a_bad_search_is_refused(reader):
    response = client_for(reader).post("/snapshots/", {"query": "start=not-a-date"})
    assert response.status_code == 302 and not Snapshot.objects.exists()


def test_a_deleted_article_stays_listed_in_a_snapshot(reader, snapshot):
    first = snapshot.items.first()
    from archive.models import Article

    Article.objects.filter(pk=first.article_id).delete()
    page = client_for(reader).get(snapshot.get_absolute_url()).content.decode()
    assert first.title in page and "removed since" in page
