"""archive.services.save_article: what one import remembers between its articles."""

import pytest
from django.db import DatabaseError

from archive import services
from archive.models import Article, Author, Original, Source
from tests.factories import parsed

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_import_looks_each_name_up_once(django_assert_max_num_queries):
    names = services.NameCache()
    for _ in range(2):  # made by the first, found (and remembered) by the second
        services.save_article(parsed=parsed(authors=("Ann Writer", "Bo Li")), names=names)
    with django_assert_max_num_queries(30) as captured:
        result = services.save_article(parsed=parsed(authors=("Ann Writer", "Bo Li")), names=names)
    assert result.status == services.IMPORTED
    looked_up = [
        q["sql"]
        for q in captured.captured_queries
        if any(f'"archive_{t}"."name" LIKE' in q["sql"] for t in ("author", "source", "tag"))
    ]
    assert looked_up == []
    assert list(result.article.authors.order_by("name").values_list("name", flat=True)) == [
        "Ann Writer",
        "Bo Li",
    ]


def test_a_failed_save_forgets_the_names_it_made(monkeypatch):
    names = services.NameCache()
    real_save = Original.save

    def fail_once(self, *args, **kwargs):
        monkeypatch.setattr(Original, "save", real_save)
        raise DatabaseError("disk full")

    monkeypatch.setattr(Original, "save", fail_once)
    with pytest.raises(DatabaseError):
        services.save_article(
            parsed=parsed(authors=("New Person",), source="New Source"), names=names
        )
    assert not Author.objects.filter(name="New Person").exists()  # rolled back whole
    result = services.save_article(
        parsed=parsed(authors=("New Person",), source="New Source"), names=names
    )
    assert result.status == services.IMPORTED
    assert result.article.authors.get().name == "New Person"
    assert Source.objects.get(name="New Source") == result.article.source
    assert Article.objects.count() == 1


def test_one_author_named_twice_in_different_case_is_linked_once():
    result = services.save_article(parsed=parsed(authors=("Ann Writer",)))
    again = services.save_article(parsed=parsed(authors=("ANN WRITER", "Ann Writer")))
    assert again.status == services.IMPORTED
    assert list(again.article.authors.all()) == list(result.article.authors.all())
