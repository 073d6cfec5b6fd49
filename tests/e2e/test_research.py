"""A researcher's tools in a real browser against gunicorn, without JavaScript doing any
of it: sign up from an invitation, collect from search results, write a note, export CSV
and RIS, save a search and see "new since" when articles arrive."""

from __future__ import annotations

import csv
import io
import re

import pytest

from archive.research.models import Collection
from tests.e2e.conftest import new_watched_page
from tests.factories import make_article

PASSWORD = "a-long-reader-password-1"


def ok(page) -> None:
    problems = page.watch.problems()
    assert problems == [], problems
    page.watch.clear()


@pytest.fixture
def harbour(transactional_db):
    return [
        make_article(title="Ferries return to the harbour", source="Coastal Times"),
        make_article(title="Harbour bridge opens", source="Inland Post"),
        make_article(title="Summit in Geneva", source="Coastal Times"),
    ]


def sign_up_by_invitation(browser, server, django_user_model):
    """An editor invites; the reader opens the link in their own browser and signs up."""
    django_user_model.objects.create_superuser("editor", "e@example.com", "right-pw-123")
    editor = new_watched_page(browser, server.url)
    editor.goto("/accounts/login/")
    editor.fill("#id_username", "editor")
    editor.fill("#id_password", "right-pw-123")
    editor.click(".account-form button[type=submit]")
    editor.wait_for_url(re.compile(r"/$"))
    editor.goto("/accounts/invite/")
    editor.fill("#id_email", "ann@example.com")
    editor.click("text=Make the invitation")
    link = editor.locator("input.invite-link").input_value()
    assert re.search(r"/accounts/signup/[\w-]{43}/$", link)
    ok(editor)
    editor.context.close()

    reader = new_watched_page(browser, server.url)
    reader.goto(link)
    assert reader.locator("#id_email").input_value() == "ann@example.com"
    reader.fill("#id_username", "ann")
    reader.fill("#id_password1", PASSWORD)
    reader.fill("#id_password2", PASSWORD)
    reader.click("text=Open my account")
    reader.wait_for_url(re.compile(r"/collections/$"))
    assert reader.get_by_text("Welcome, ann").is_visible()
    ok(reader)
    return reader


def test_invited_reader_collects_notes_and_exports(
    browser, gunicorn_server, harbour, django_user_model, tmp_path
):
    page = sign_up_by_invitation(browser, gunicorn_server, django_user_model)
    user = django_user_model.objects.get(username="ann")
    assert not user.is_staff

    # Collect from the search results: the first into a new collection, the second into it.
    page.goto("/search/?q=harbour")
    cards = page.locator("div.collect")
    assert cards.count() == 2
    cards.nth(0).get_by_role("button", name=re.compile("Add .* to a new collection")).click()
    page.wait_for_url(re.compile(r"/search/\?q=harbour$"))
    assert page.get_by_text("Added to “My collection”").is_visible()
    page.locator("div.collect").nth(1).get_by_role(
        "button", name=re.compile("to the chosen collection")
    ).click()
    page.wait_for_url(re.compile(r"/search/\?q=harbour$"))
    collection = Collection.objects.get(owner=user)
    assert collection.items.count() == 2
    ok(page)

    # A note, with markup that must stay text.
    page.goto(collection.get_absolute_url())
    first = harbour[0].pk
    page.fill(f"#note-{first}", "Key source <b>quoted</b>\nsecond line")
    page.locator(f"#item-{first}").get_by_role("button", name="Save the note").click()
    assert (
        page.locator(f"#item-{first} .note-text")
        .inner_text()
        .startswith("Key source <b>quoted</b>")
    )
    assert page.locator(f"#item-{first} .note-text b").count() == 0
    ok(page)

    # Exports: CSV and RIS, downloaded as a browser does.
    with page.expect_download() as download:
        page.click("a[href$='export.csv']")
    path = tmp_path / "c.csv"
    download.value.save_as(path)
    rows = list(csv.DictReader(io.StringIO(path.read_text("utf-8-sig"))))
    assert [r["title"] for r in rows] == [harbour[0].title, harbour[1].title]
    assert rows[0]["note"].startswith("Key source")
    with page.expect_download() as download:
        page.click("a[href$='export.ris']")
    download.value.save_as(tmp_path / "c.ris")
    assert (tmp_path / "c.ris").read_text().count("TY  - NEWS") == 2
    page.context.close()


def test_save_a_search_and_see_new_since(browser, gunicorn_server, harbour, django_user_model):
    django_user_model.objects.create_user("ann", "ann@example.com", PASSWORD)
    page = new_watched_page(browser, gunicorn_server.url)
    page.goto("/search/?q=harbour")
    page.click("text=Log in")
    page.fill("#id_username", "ann")
    page.fill("#id_password", PASSWORD)
    page.click(".account-form button[type=submit]")
    page.wait_for_url(re.compile(r"/search/\?q=harbour$"))
    page.fill("#save-name", "Harbour news")
    page.click("text=Save this search")
    page.wait_for_url(re.compile(r"/searches/$"))
    row = page.locator("tr", has_text="Harbour news")
    assert row.locator(".new-count").inner_text() == "none new"
    ok(page)

    # Articles arrive (one matching, one not); the list says so; a visit resets it.
    make_article(title="Harbour cranes arrive")
    make_article(title="Mountain pass closed")
    page.reload()
    assert row.locator(".new-count").inner_text() == "1 new"  # not the two there before
    row.get_by_role("link", name="Harbour news", exact=True).click()
    page.wait_for_url(re.compile(r"/search/\?q=harbour$"))
    assert page.get_by_role("link", name="Harbour cranes arrive").is_visible()
    page.goto("/searches/")
    assert page.locator("tr", has_text="Harbour news").locator(".new-count").inner_text() == (
        "none new"
    )
    ok(page)
    page.context.close()
