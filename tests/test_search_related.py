"""Related articles on the article page: more-like-this, else the same tags."""

import pytest

from archive.models import Article
from search.related import related_articles
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_related_articles_come_from_more_like_this(on_commit):
    body = "<p>Geneva arms control talks between diplomats about missiles and treaties.</p>"
    one = on_commit(make_article, title="Arms talks", body=body, tags=())
    two = on_commit(
        make_article, title="Arms treaty", body=body.replace("talks", "meeting"), tags=()
    )
    on_commit(make_article, title="Cooking", body="<p>Recipes for bread and cakes.</p>", tags=())
    assert related_articles(one) == [two]


def test_related_never_lists_the_article_itself_or_hidden_ones(on_commit):
    body = "<p>Geneva arms control talks between diplomats about missiles.</p>"
    one = on_commit(make_article, title="A", body=body)
    hidden = on_commit(make_article, title="B", body=body + "<p>x</p>")
    Article.objects.filter(pk=hidden.pk).update(is_public=False)
    assert related_articles(one) == []


def test_related_falls_back_to_the_same_tags_without_an_index(on_commit, monkeypatch):
    one = make_article(title="One", tags=(("region", "Europe"),))
    two = make_article(title="Two", tags=(("region", "Europe"),))
    make_article(title="Three", tags=(("region", "Asia"),))
    assert related_articles(one) == [two]  # nothing was indexed (no on_commit)


def test_the_article_page_shows_related_articles(client, seeds):
    html = client.get(seeds["001"].get_absolute_url()).content.decode()
    section = html.split('id="related-h"')[1]
    assert '<li><a href="/articles/' in section
    assert seeds["001"].get_absolute_url() not in section
