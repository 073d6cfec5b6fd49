import datetime as dt

import pytest
from django.db import IntegrityError

from archive.models import Article, Author, Source, Tag
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_saving_an_article_sanitizes_its_body():
    article = Article(title="T", body_html="<p>ok</p><script>alert(1)</script>")
    article.save()
    article.refresh_from_db()
    assert "script" not in article.body_html
    assert article.body_text == "ok"
    assert article.word_count == 1


def test_saving_derives_slug_hash_and_text():
    article = Article.objects.create(title="Hello <b>World</b>", body_html="<p>One two three</p>")
    assert article.title == "Hello World"
    assert article.slug == "hello-world"
    assert len(article.content_hash) == 64
    assert article.body_text == "One two three"


def test_the_same_text_cannot_be_saved_twice():
    Article.objects.create(title="A", body_html="<p>Same words here</p>")
    with pytest.raises(IntegrityError):
        Article.objects.create(title="B", body_html="<p>same  words, here!</p>")


def test_original_url_is_unique_when_present_only():
    Article.objects.create(title="A", body_html="<p>a</p>")
    Article.objects.create(title="B", body_html="<p>b</p>")  # two empty URLs are fine
    Article.objects.create(title="C", body_html="<p>c</p>", original_url="https://e.com/1")
    with pytest.raises(IntegrityError):
        Article.objects.create(title="D", body_html="<p>d</p>", original_url="https://e.com/1")


def test_public_hides_non_public_articles():
    shown = make_article()
    hidden = make_article()
    hidden.is_public = False
    hidden.save()
    assert list(Article.objects.public()) == [shown]


def test_between_is_inclusive_and_open_ended():
    a = make_article(published=dt.date(2022, 1, 10))
    b = make_article(published=dt.date(2022, 1, 20))
    make_article(published=None)
    assert set(Article.objects.between(dt.date(2022, 1, 10), dt.date(2022, 1, 10))) == {a}
    assert set(Article.objects.between(start=dt.date(2022, 1, 11))) == {b}
    assert set(Article.objects.between(end=dt.date(2022, 1, 20))) == {a, b}


def test_newest_puts_undated_articles_last():
    undated = make_article(published=None)
    old = make_article(published=dt.date(2020, 1, 1))
    new = make_article(published=dt.date(2023, 1, 1))
    assert list(Article.objects.newest()) == [new, old, undated]


def test_from_source_by_author_and_with_tag():
    a = make_article(source="Alpha", authors=("Ann",), tags=(("region", "Europe"),))
    make_article(source="Beta", authors=("Bob",), tags=(("region", "Asia"),))
    assert list(Article.objects.from_source(Source.objects.get(name="Alpha"))) == [a]
    assert list(Article.objects.by_author(Author.objects.get(name="Ann"))) == [a]
    assert list(Article.objects.with_tag(Tag.objects.get(name="Europe"))) == [a]


def test_slugs_are_unique_per_model():
    s1 = Source.objects.create(name="The Times")
    s2 = Source.objects.create(name="The  Times!")
    assert s1.slug == "the-times" and s2.slug == "the-times-2"


def test_a_tag_name_may_be_of_two_kinds_with_distinct_slugs():
    region = Tag.objects.create(name="Europe", kind="region")
    keyword = Tag.objects.create(name="Europe", kind="keyword")
    assert region.slug == "europe" and keyword.slug == "europe-keyword"


def test_published_at_combines_date_and_time():
    article = make_article(published=dt.datetime(2022, 1, 12, 15, 56))
    assert article.published == dt.date(2022, 1, 12)
    assert article.published_at == dt.datetime(2022, 1, 12, 15, 56)


def test_a_non_web_original_url_is_not_stored():
    article = Article.objects.create(
        title="A", body_html="<p>a</p>", original_url="javascript:alert(document.cookie)"
    )
    assert article.original_url == ""


def test_names_lose_control_characters():
    assert Source.objects.create(name="Wire\x00 Service\x1b").name == "Wire Service"
    assert Author.objects.create(name="Ann\tWriter").name == "Ann Writer"
    assert Tag.objects.create(name="Eu\x07rope").name == "Europe"


def test_a_body_changed_after_deriving_is_sanitized_again_on_save():
    article = Article(title="T", body_html="<p>fine</p>")
    article.refresh_derived_fields()
    article.body_html = "<p>changed</p><script>alert(1)</script>"
    article.save()
    article.refresh_from_db()
    assert "script" not in article.body_html and article.body_text == "changed"
