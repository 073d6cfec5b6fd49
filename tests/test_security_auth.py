"""Who may reach the admin and the upload, login brute-force limits, and CSRF on every form.

tests/test_admin.py already proves anonymous and non-staff users are sent to the login page
for GETs; these add the writes (POSTs to upload, confirm, change form and actions), the
login throttle of archive/security.py, and CSRF with a client that enforces it.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.test import Client, override_settings

from archive.models import Article
from tests import uploads
from tests.e2e.live import create_cache_table
from tests.factories import make_article

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
UPLOAD = "/admin/archive/article/upload/"
TEXT = (
    "A headline about hostile logins\n\nBy Jane Reporter\n\nJanuary 10, 2022\n\n"
    "Diplomats met in Geneva on Monday to discuss security in Europe.\n"
)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # The real hasher costs ~0.3 s a login on purpose; these tests log in dozens of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def cache_table(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        create_cache_table()


@pytest.fixture
def editors(cache_table, django_user_model):
    for name in ("editor", "other"):
        django_user_model.objects.create_superuser(name, f"{name}@example.com", "right-pw-123")


def upload_file(text: str = TEXT, name: str = "talks.txt"):
    f = io.BytesIO(text.encode())
    f.name = name
    return f


def log_in(client: Client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password})


def logged_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/admin/"


# --- Only staff ------------------------------------------------------------------------------


def test_anonymous_upload_posts_save_nothing(client):
    response = client.post(UPLOAD, {"files": [upload_file()]})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    response = client.post(UPLOAD, {"token": "x" * 22, "confirm": "1"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert Article.objects.count() == 0


def test_non_staff_upload_posts_save_nothing(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("reader", password="pw-12345"))
    response = client.post(UPLOAD, {"files": [upload_file()]})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert Article.objects.count() == 0


def test_staff_without_add_permission_cannot_post_an_upload(client, django_user_model):
    user = django_user_model.objects.create_user("intern", password="pw-12345", is_staff=True)
    client.force_login(user)
    assert client.post(UPLOAD, {"files": [upload_file()]}).status_code == 403
    assert Article.objects.count() == 0


def test_a_confirm_token_is_useless_without_the_permission(staff_client, client, django_user_model):
    preview = staff_client.post(UPLOAD, {"files": [upload_file()]}, follow=True)
    token = preview.context["token"]
    intern = django_user_model.objects.create_user("intern", password="pw-1", is_staff=True)
    client.force_login(intern)
    assert client.post(UPLOAD, {"token": token, "confirm": "1"}).status_code == 403
    assert Article.objects.count() == 0


def test_non_staff_cannot_change_or_run_actions(client, django_user_model):
    article = make_article(title="Keep me")
    client.force_login(django_user_model.objects.create_user("reader", password="pw-12345"))
    client.post(f"/admin/archive/article/{article.pk}/change/", {"title": "Changed"})
    client.post(
        "/admin/archive/article/", {"action": "delete_selected", "_selected_action": [article.pk]}
    )
    article.refresh_from_db()
    assert article.title == "Keep me"


# --- Login throttling ------------------------------------------------------------------------


@override_settings(LOGIN_MAX_FAILURES=3, LOGIN_LOCKOUT_SECONDS=600)
def test_after_too_many_failures_even_the_right_password_is_refused(client, editors):
    for _ in range(3):
        response = log_in(client, "editor", "wrong")
        assert response.status_code == 200 and not logged_in(response)
    response = log_in(client, "editor", "right-pw-123")
    assert not logged_in(response)
    assert "Too many failed login attempts" in response.content.decode()
    assert "10 minutes" in response.content.decode()


@override_settings(LOGIN_MAX_FAILURES=3, LOGIN_LOCKOUT_SECONDS=600)
def test_the_lockout_also_counts_other_spellings_of_the_username(client, editors):
    for name in ("editor", "EDITOR", " Editor"):
        log_in(client, name, "wrong")
    assert not logged_in(log_in(client, "editor", "right-pw-123"))


@override_settings(LOGIN_MAX_FAILURES=3, LOGIN_LOCKOUT_SECONDS=600)
def test_other_users_can_still_log_in(client, editors):
    for _ in range(4):
        log_in(client, "editor", "wrong")
    assert logged_in(log_in(Client(), "other", "right-pw-123"))


@override_settings(LOGIN_MAX_FAILURES=3, LOGIN_LOCKOUT_SECONDS=600)
def test_fewer_failures_than_the_limit_do_not_lock(client, editors):
    for _ in range(2):
        log_in(client, "editor", "wrong")
    assert logged_in(log_in(client, "editor", "right-pw-123"))


@override_settings(LOGIN_MAX_FAILURES=3, LOGIN_LOCKOUT_SECONDS=600)
def test_a_successful_login_resets_the_count(client, editors):
    for _ in range(2):
        log_in(client, "editor", "wrong")
    assert logged_in(log_in(client, "editor", "right-pw-123"))
    fresh = Client()
    for _ in range(2):
        log_in(fresh, "editor", "wrong")
    assert logged_in(log_in(fresh, "editor", "right-pw-123"))


@override_settings(LOGIN_MAX_FAILURES=3, LOGIN_LOCKOUT_SECONDS=600)
def test_one_address_spraying_many_usernames_is_stopped(client, editors):
    # 3 x 4 failures from one address, each username below its own limit.
    for n in range(12):
        log_in(client, f"guess-{n}", "wrong")
    response = log_in(client, "other", "right-pw-123")
    assert not logged_in(response)
    assert "Too many failed login attempts" in response.content.decode()
    # Another address is not affected.
    assert logged_in(log_in(Client(REMOTE_ADDR="10.0.0.2"), "other", "right-pw-123"))


@override_settings(LOGIN_MAX_FAILURES=2, LOGIN_LOCKOUT_SECONDS=600)
def test_the_lockout_ends(client, editors, time_machine):
    time_machine.move_to(dt.datetime(2022, 1, 10, 12, 0, tzinfo=dt.UTC), tick=False)
    for _ in range(2):
        log_in(client, "editor", "wrong")
    time_machine.move_to(dt.datetime(2022, 1, 10, 12, 9, tzinfo=dt.UTC), tick=False)
    assert not logged_in(log_in(client, "editor", "right-pw-123"))
    time_machine.move_to(dt.datetime(2022, 1, 10, 12, 11, tzinfo=dt.UTC), tick=False)
    assert logged_in(log_in(client, "editor", "right-pw-123"))


# --- CSRF --------------------------------------------------------------------------------------


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, "no CSRF token in the form"
    return match[1]


@pytest.fixture
def csrf_client(cache_table, django_user_model):
    django_user_model.objects.create_superuser("editor", "e@example.com", "right-pw-123")
    return Client(enforce_csrf_checks=True)


def test_login_refuses_a_post_without_csrf_token(csrf_client):
    response = csrf_client.post(LOGIN, {"username": "editor", "password": "right-pw-123"})
    assert response.status_code == 403
    token = csrf_token(csrf_client.get(LOGIN).content.decode())
    response = csrf_client.post(
        LOGIN, {"username": "editor", "password": "right-pw-123", "csrfmiddlewaretoken": token}
    )
    assert logged_in(response)


def test_logged_in_forms_refuse_posts_without_csrf_token(csrf_client):
    article = make_article(title="Guarded")
    token = csrf_token(csrf_client.get(LOGIN).content.decode())
    csrf_client.post(
        LOGIN, {"username": "editor", "password": "right-pw-123", "csrfmiddlewaretoken": token}
    )
    change = f"/admin/archive/article/{article.pk}/change/"
    posts = {
        "upload preview": (UPLOAD, {"files": [upload_file()]}),
        "upload confirm": (UPLOAD, {"token": "x" * 22, "confirm": "1"}),
        "change form": (change, {"title": "Changed"}),
        "add form": ("/admin/archive/article/add/", {"title": "New"}),
        "action": (
            "/admin/archive/article/",
            {"action": "reparse", "_selected_action": [article.pk]},
        ),
        "delete": (f"/admin/archive/article/{article.pk}/delete/", {"post": "yes"}),
        "logout": ("/admin/logout/", {}),
    }
    for name, (url, data) in posts.items():
        assert csrf_client.post(url, data).status_code == 403, name
        forged = {**data, "csrfmiddlewaretoken": "A" * 64}
        assert csrf_client.post(url, forged).status_code == 403, f"{name} (forged token)"
    article.refresh_from_db()
    assert article.title == "Guarded"
    assert Article.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_upload_works_with_the_token_from_its_form(csrf_client):
    token = csrf_token(csrf_client.get(LOGIN).content.decode())
    csrf_client.post(
        LOGIN, {"username": "editor", "password": "right-pw-123", "csrfmiddlewaretoken": token}
    )
    token = csrf_token(csrf_client.get(UPLOAD).content.decode())
    preview = csrf_client.post(
        UPLOAD, {"files": [upload_file()], "csrfmiddlewaretoken": token}, follow=True
    )
    assert preview.status_code == 200
    confirm_token = csrf_token(preview.content.decode())
    report = csrf_client.post(
        UPLOAD,
        {"token": preview.context["token"], "confirm": "1", "csrfmiddlewaretoken": confirm_token},
    )
    _job, report = uploads.report(csrf_client, report)
    assert "imported 1" in report.content.decode()
