"""Every change to an article is a revision (who, when, what changed), and can be reverted."""

import pytest
from django.contrib.auth.models import Permission

from archive import services
from archive.models import Article, Revision
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def _edit(client, article, **changes):
    data = {
        "title": article.title,
        "slug": article.slug,
        "standfirst": article.standfirst,
        "body_html": article.body_html,
        "source": article.source_id or "",
        "authors": [a.pk for a in article.authors.all()],
        "tags": [t.pk for t in article.tags.all()],
        "published": article.published.isoformat() if article.published else "",
        "published_time": "",
        "language": article.language,
        "original_url": article.original_url,
        "original_source": article.original_source,
        "is_public": "on",
        "original-TOTAL_FORMS": "1",
        "original-INITIAL_FORMS": "1",
        "original-MIN_NUM_FORMS": "0",
        "original-MAX_NUM_FORMS": "0",
        "original-0-id": article.original.pk,
        "original-0-article": article.pk,
        **changes,
    }
    response = client.post(f"/admin/archive/article/{article.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


@pytest.fixture
def article(on_commit):
    body = "<p>The harbour opened on Monday.</p><p>Ships came from the north.</p>"
    return on_commit(make_article, title="Harbour opens", body=body)


def test_an_import_is_not_a_revision_but_an_admin_edit_is(staff_client, article):
    assert not Revision.objects.exists()
    _edit(staff_client, article, title="Harbour opens at last")
    revision = Revision.objects.get()
    assert revision.kind == "edit" and revision.user.username == "editor"
    assert revision.changes == {"title": ["Harbour opens", "Harbour opens at last"]}


def test_an_edit_that_changes_nothing_leaves_no_revision(staff_client, article):
    _edit(staff_client, article)
    assert not Revision.objects.exists()


def test_the_revisions_page_shows_who_what_and_a_readable_body_diff(staff_client, article):
    body = "<p>The harbour opened on Tuesday.</p><p>Ships came from the north.</p>"
    _edit(staff_client, article, body_html=body, title="Harbour opens late")
    page = staff_client.get(f"/admin/archive/article/{article.pk}/revisions/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "admin edit" in html and "editor" in html
    assert "Harbour opens" in html and "Harbour opens late" in html
    assert "-The harbour opened on Monday." in html and "+The harbour opened on Tuesday." in html
    assert "&lt;p&gt;" not in html  # the body diff is of its text, not its markup


def test_revert_restores_the_stored_fields_and_reindexes(
    staff_client, article, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _edit(staff_client, article, title="Lighthouse closes", published="2020-02-02")
    assert staff_client.get("/api/search/", {"q": "lighthouse"}).json()["count"] == 1
    revision = Revision.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            f"/admin/archive/article/{article.pk}/revisions/{revision.pk}/revert/"
        )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Harbour opens"
    assert str(article.published) == "2022-01-10"
    assert staff_client.get("/api/search/", {"q": "lighthouse"}).json()["count"] == 0
    found = staff_client.get("/api/search/", {"q": "harbour opens"}).json()
    assert [r["id"] for r in found["results"]] == [article.pk]
    revert = Revision.objects.filter(kind="revert").get()
    assert revert.changes["title"] == ["Lighthouse closes", "Harbour opens"]


def test_revert_of_authors_source_and_tags(article, on_commit):
    services.bulk_edit_articles(article_ids=[article.pk], change="source", value="Other Paper")
    services.bulk_edit_articles(
        article_ids=[article.pk], change="add_tags", value=[("region", "Baltic")]
    )
    for revision in Revision.objects.order_by("created", "id").reverse():
        on_commit(services.revert_revision, revision=revision)
    article.refresh_from_db()
    assert article.source.name == "The Daily Test"
    assert {(t.kind, t.name) for t in article.tags.all()} == {("keyword", "Testing")}


def test_reparse_records_what_it_replaced(article):
    Article.objects.filter(pk=article.pk).update(title="Broken by hand")
    article.refresh_from_db()
    result = services.reparse_article(article=article)
    assert result.status == services.UPDATED
    revision = Revision.objects.get(kind="reparse")
    assert revision.changes["title"][0] == "Broken by hand"


def test_reparse_action_rederives_from_the_raw_original(staff_client, article):
    Article.objects.filter(pk=article.pk).update(title="Broken by hand")
    response = staff_client.post(
        "/admin/archive/article/",
        {"action": "reparse", "_selected_action": [article.pk]},
        follow=True,
    )
    assert "Re-parsed 1 article" in response.content.decode()
    assert Revision.objects.get(kind="reparse").user.username == "editor"


def test_revert_needs_change_permission(client, django_user_model, staff_client, article):
    _edit(staff_client, article, title="Harbour opens at last")
    revision = Revision.objects.get()
    viewer = django_user_model.objects.create_user("viewer", password="pw-12345", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(viewer)
    page = client.get(f"/admin/archive/article/{article.pk}/revisions/")
    assert page.status_code == 200 and "Revert" not in page.content.decode()
    url = f"/admin/archive/article/{article.pk}/revisions/{revision.pk}/revert/"
    assert client.post(url).status_code == 403
    article.refresh_from_db()
    assert article.title == "Harbour opens at last"
