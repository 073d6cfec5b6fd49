"""Reader accounts: sign-up by SIGNUP (open, invite, closed), invitations, log-in with the
admin's throttling, log-out, password reset by email. Readers are never staff."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from archive.research import services
from archive.research.models import Invitation
from tests.research import PASSWORD, make_reader

pytestmark = pytest.mark.django_db

NEW = {"username": "newreader", "email": "new@example.com",
       "password1": PASSWORD, "password2": PASSWORD}  # fmt: skip


def test_signup_is_by_invitation_by_default(client, settings):
    assert settings.SIGNUP == "invite"
    response = client.get("/accounts/signup/")
    assert response.status_code == 403
    assert "by invitation" in response.content.decode()
    response = client.post("/accounts/signup/", NEW)
    assert response.status_code == 403
    assert not get_user_model().objects.filter(username="newreader").exists()


def test_open_signup_makes_a_reader_who_is_not_staff(client, settings):
    settings.SIGNUP = "open"
    response = client.post("/accounts/signup/", NEW)
    assert response.status_code == 302
    user = get_user_model().objects.get(username="newreader")
    assert not user.is_staff and not user.is_superuser
    assert client.get("/collections/").status_code == 200  # logged in
    assert client.get("/admin/").status_code == 302  # not let in


def test_closed_signup_refuses_even_an_invitation(client, settings):
    settings.SIGNUP = "closed"
    _, token = services.invitation_create(email="x@example.com")
    assert client.get(f"/accounts/signup/{token}/").status_code == 403
    assert client.post(f"/accounts/signup/{token}/", NEW).status_code == 403


def test_staff_invite_and_the_link_works_once(staff_client):
    client = Client()  # the invitee, not the editor
    response = staff_client.post("/accounts/invite/", {"email": "new@example.com"})
    assert response.status_code == 200
    link = re.search(r"http://testserver(/accounts/signup/[^/\s\"]+/)", mail.outbox[0].body)[1]
    assert link in response.content.decode()
    invitation = Invitation.objects.get()
    assert link.split("/")[-2] not in invitation.token_digest  # only the digest is stored
    form = client.get(link)
    assert form.status_code == 200 and 'value="new@example.com"' in form.content.decode()
    assert client.post(link, NEW).status_code == 302
    assert Invitation.objects.get().used_by.username == "newreader"
    client.logout()
    again = client.post(link, {**NEW, "username": "second", "email": "b@example.com"})
    assert again.status_code == 403
    assert not get_user_model().objects.filter(username="second").exists()


def test_an_expired_or_made_up_invitation_is_refused(client):
    invitation, token = services.invitation_create(email="x@example.com", days=-1)
    assert client.get(f"/accounts/signup/{token}/").status_code == 403
    assert client.get("/accounts/signup/not-a-token/").status_code == 403


def test_a_reader_cannot_invite(client):
    client.force_login(make_reader())
    response = client.post("/accounts/invite/", {"email": "x@example.com"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not Invitation.objects.exists()


def test_login_and_logout(client):
    make_reader()
    page = client.get("/accounts/login/?next=/collections/")
    assert page.status_code == 200 and "csrfmiddlewaretoken" in page.content.decode()
    response = client.post(
        "/accounts/login/", {"username": "reader", "password": PASSWORD, "next": "/collections/"}
    )
    assert response.status_code == 302 and response["Location"] == "/collections/"
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/collections/").status_code == 302  # back to the login


def test_login_to_another_site_is_not_followed(client):
    make_reader()
    response = client.post(
        "/accounts/login/",
        {"username": "reader", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"


def test_login_is_throttled_like_the_admin(client, settings):
    settings.LOGIN_MAX_FAILURES = 2
    make_reader()
    for _ in range(2):
        client.post("/accounts/login/", {"username": "reader", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "reader", "password": PASSWORD})
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_by_email(client):
    make_reader()
    response = client.post("/accounts/password/reset/", {"email": "reader@example.com"})
    assert response.status_code == 302
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body)[1]
    form = client.get(link, follow=True)
    assert form.status_code == 200 and "new_password1" in form.content.decode()
    new = "another-long-password-2"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    assert client.login(username="reader", password=new)


def test_password_reset_for_an_unknown_address_says_the_same(client):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302 and not mail.outbox


def test_password_reset_emails_are_capped_per_address(client, settings):
    settings.LOGIN_MAX_FAILURES = 2
    make_reader()
    for _ in range(4):
        response = client.post("/accounts/password/reset/", {"email": "reader@example.com"})
        assert response.status_code == 302  # the same answer every time
    assert len(mail.outbox) == 2


def test_anonymous_header_offers_log_in_only(client, settings):
    page = client.get("/").content.decode()
    assert "Log in" in page and "Sign up" not in page
    settings.SIGNUP = "open"
    assert "Sign up" in client.get("/").content.decode()


def test_bad_signup_setting_is_loud(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from archive import settings as module

    monkeypatch.setenv("SIGNUP", "sometimes")
    with pytest.raises(ImproperlyConfigured):
        module._choice("SIGNUP", "invite", module.SIGNUP_CHOICES)
