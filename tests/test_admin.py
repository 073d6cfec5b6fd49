import pytest

from archive.models import Article
from tests.factories import NO_ORIGINAL_INLINE, make_article

pytestmark = pytest.mark.django_db

ADMIN_URLS = [
    "/admin/",
    "/admin/archive/article/",
    "/admin/archive/article/add/",
    "/admin/archive/article/upload/",
    "/admin/archive/source/",
]

SEED_LIKE = (
    "A test headline about talks\n\nBy Jane Reporter\n\nJanuary 10, 2022\n\n"
    "Diplomats met in Geneva on Monday to discuss security in Europe. "
    "They agreed to meet again next week.\n\nLeave a Reply\n"
)


@pytest.mark.parametrize("url", ADMIN_URLS)
def test_anonymous_users_are_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize("url", ADMIN_URLS)
def test_non_staff_users_are_refused(client, django_user_model, url):
    user = django_user_model.objects.create_user("reader", password="pw-12345")
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_staff_without_add_permission_cannot_upload(client, django_user_model):
    user = django_user_model.objects.create_user("intern", password="pw-12345", is_staff=True)
    client.force_login(user)
    assert client.get("/admin/archive/article/upload/").status_code == 403


@pytest.mark.parametrize("url", ADMIN_URLS)
def test_staff_see_admin_pages(staff_client, url):
    assert staff_client.get(url).status_code == 200


def test_admin_change_form_sanitizes_the_body(staff_client):
    article = make_article(title="Edit me")
    response = staff_client.post(
        f"/admin/archive/article/{article.pk}/change/",
        {
            "title": "Edited",
            "slug": article.slug,
            "standfirst": "",
            "body_html": '<p onclick="x()">Clean me</p><script>alert(1)</script>',
            "source": article.source_id,
            "authors": [],
            "tags": [],
            "published": "2022-01-10",
            "published_time": "",
            "language": "en",
            "original_url": "",
            "original_source": "",
            "is_public": "on",
            "original-TOTAL_FORMS": "1",
            "original-INITIAL_FORMS": "1",
            "original-MIN_NUM_FORMS": "0",
            "original-MAX_NUM_FORMS": "0",
            "original-0-id": article.original.pk,
            "original-0-article": article.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    article.refresh_from_db()
    assert article.title == "Edited"
    assert "script" not in article.body_html and "onclick" not in article.body_html
    assert "Clean me" in article.body_text


def admin_add(client, body: str, **fields):
    return client.post(
        "/admin/archive/article/add/",
        {"title": "Second", "slug": "second", "body_html": body, "language": "en",
         "is_public": "on", **fields, **NO_ORIGINAL_INLINE},
    )  # fmt: skip


def test_admin_refuses_a_duplicate_body_from_the_same_source_with_a_message(staff_client):
    first = make_article(title="First", body="<p>Identical words</p>")
    response = admin_add(staff_client, "<p>identical words</p>", source=str(first.source_id))
    assert response.status_code == 200
    assert "has the same text" in response.content.decode()
    assert Article.objects.count() == 1


def test_admin_keeps_the_same_body_from_another_source_as_a_copy(staff_client):
    make_article(title="First", body="<p>Identical words</p>")
    response = admin_add(staff_client, "<p>identical words</p>")  # no source: another outlet
    assert response.status_code == 302
    assert Article.objects.count() == 2


def test_upload_without_files_shows_the_form_error(staff_client):
    response = staff_client.post("/admin/archive/article/upload/", {"format": "auto"})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()


def test_the_cache_table_exists_after_migrate_so_login_works(client, django_user_model):
    django_user_model.objects.create_superuser("boss", "b@example.com", "pw-12345")
    response = client.post("/admin/login/", {"username": "boss", "password": "wrong"})
    assert response.status_code == 200  # a failed login, counted in the cache, not a 500
