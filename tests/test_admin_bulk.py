"""Bulk actions on the article list: a confirmation page, one change to every chosen article,
a revision each, the index up to date after the commit; refused without change permission."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission

from archive.models import Article, Revision, Tag
from tests.factories import make_article

pytestmark = pytest.mark.django_db

LIST = "/admin/archive/article/"


@pytest.fixture
def articles(on_commit):
    return [
        on_commit(make_article, title=f"Harbour talks {i}", source="", published=None)
        for i in range(3)
    ]


def _act(client, action, articles, **fields):
    data = {"action": action, "_selected_action": [a.pk for a in articles], "index": "0"}
    return client.post(LIST, {**data, **fields})


def _search(client, **params):
    return client.get("/api/search/", params).json()


def test_an_action_asks_first_and_changes_nothing_until_confirmed(staff_client, articles):
    response = _act(staff_client, "bulk_set_source", articles)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Set the source" in html and "3 articles" in html
    assert 'name="apply"' in html
    assert not Article.objects.filter(source__isnull=False).exists()


def test_set_source_changes_every_chosen_article_and_the_index(
    staff_client, articles, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _act(staff_client, "bulk_set_source", articles[:2], apply="1", source="BBC News")
    assert response.status_code == 302
    assert sorted(Article.objects.values_list("source__name", flat=True), key=str) == [
        "BBC News", "BBC News", None,
    ]  # fmt: skip
    found = _search(staff_client, q="harbour", source="bbc-news")
    assert found["count"] == 2
    revisions = Revision.objects.filter(kind="bulk")
    assert revisions.count() == 2
    assert {r.user.username for r in revisions} == {"editor"}
    assert all(r.changes["source"] == [None, "BBC News"] for r in revisions)


def test_set_date_and_language(staff_client, articles, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _act(staff_client, "bulk_set_date", articles, apply="1", published="2021-05-06")
        _act(staff_client, "bulk_set_language", articles, apply="1", language="de")
    assert set(Article.objects.values_list("published", "language")) == {
        (dt.date(2021, 5, 6), "de")
    }
    assert _search(staff_client, start="2021-05-01", end="2021-05-31")["count"] == 3


def test_a_bad_value_is_shown_on_the_confirmation_page_and_nothing_changes(staff_client, articles):
    response = _act(staff_client, "bulk_set_language", articles, apply="1", language="english")
    assert response.status_code == 200
    assert "Two letters" in response.content.decode()
    assert set(Article.objects.values_list("language", flat=True)) == {"en"}
    assert not Revision.objects.exists()


def test_add_and_remove_tags(staff_client, articles, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _act(staff_client, "bulk_add_tags", articles, apply="1", kind="region",
             names="Baltic; North Sea")  # fmt: skip
    for article in articles:
        names = {(t.kind, t.name) for t in article.tags.all()}
        assert {("region", "Baltic"), ("region", "North Sea")} <= names
    baltic = Tag.objects.get(name="Baltic")
    assert _search(staff_client, tag=baltic.slug)["count"] == 3
    with django_capture_on_commit_callbacks(execute=True):
        _act(staff_client, "bulk_remove_tags", articles[:1], apply="1", kind="region",
             names="baltic")  # fmt: skip
    assert not articles[0].tags.filter(name="Baltic").exists()
    assert articles[1].tags.filter(name="Baltic").exists()
    assert _search(staff_client, tag=baltic.slug)["count"] == 2


def test_hide_and_publish(staff_client, articles, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _act(staff_client, "bulk_hide", articles[:2], apply="1")
    assert _search(staff_client, q="harbour")["count"] == 1
    assert staff_client.get(articles[0].get_absolute_url()).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        _act(staff_client, "bulk_publish", articles, apply="1")
    assert _search(staff_client, q="harbour")["count"] == 3


def test_bulk_actions_are_refused_without_change_permission(client, django_user_model, articles):
    viewer = django_user_model.objects.create_user("viewer", password="pw-12345", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(viewer)
    page = client.get(LIST).content.decode()
    assert "bulk_set_source" not in page
    for action in ("bulk_set_source", "bulk_hide"):
        response = _act(client, action, articles, apply="1", source="Sneaky")
        assert response.status_code in (200, 302, 403)
    assert not Article.objects.filter(source__isnull=False).exists()
    assert Article.objects.filter(is_public=True).count() == 3
    assert not Revision.objects.exists()
