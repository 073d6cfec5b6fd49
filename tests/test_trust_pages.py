"""What the public may learn and where it lands: names of hidden articles stay unknown, an
unsafe next= lands on a page of ours, a read-only index is a clear error."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from archive.models import Article
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_names_used_only_by_hidden_articles_are_not_public(client, on_commit):
    on_commit(make_article, source="Open Daily", authors=("Ann Open",), tags=(("keyword", "Seen"),))
    hidden = on_commit(
        make_article, source="Secret Wire", authors=("Sam Hidden",), tags=(("keyword", "Covert"),)
    )
    Article.objects.filter(pk=hidden.pk).update(is_public=False)
    sources = client.get("/sources/").content.decode()
    assert "Open Daily" in sources and "Secret Wire" not in sources
    for url in ("/sources/secret-wire/", "/authors/sam-hidden/", "/tags/covert/",
                "/sources/secret-wire/feed/"):  # fmt: skip
        assert client.get(url).status_code == 404, url
    for url in ("/sources/open-daily/", "/authors/ann-open/", "/tags/seen/"):
        assert client.get(url).status_code == 200, url
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "open-daily" in sitemap and "secret-wire" not in sitemap


def test_an_unsafe_next_after_login_lands_on_the_home_page(client, django_user_model):
    django_user_model.objects.create_superuser("editor", "e@example.com", "pw-12345-long")
    response = client.post(
        "/admin/login/?next=https://evil.example/",
        {"username": "editor", "password": "pw-12345-long", "next": "https://evil.example/"},
    )
    assert response.status_code == 302 and response["Location"] == "/"


def test_check_index_on_an_index_it_cannot_write_is_a_clear_error(tmp_path, on_commit):
    # Root writes through a read-only directory's mode bits, so the index directory is made
    # unusable another way that gives the same OSError: a file stands where it should be.
    from haystack import connections

    on_commit(make_article)
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("")
    info = connections.connections_info["default"]
    info["PATH"] = str(blocked / "index")
    connections.reload("default")
    with pytest.raises(CommandError, match="cannot use the search index"):
        call_command("check_index", "--repair", stdout=io.StringIO())
