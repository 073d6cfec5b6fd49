"""search/warmup.py: a server worker's first search, made as it starts (issue 18)."""

import gc
import shutil

import pytest
from haystack import connections

from search import warmup
from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def unfreeze():
    yield
    gc.unfreeze()  # the other tests' objects stay collectable


def test_warm_loads_the_index_and_searches_a_word_of_the_archive(on_commit):
    on_commit(make_article, title="Glaciers retreating in the Alps")
    backend = connections["default"].get_backend()
    assert backend._view is None  # nothing read yet: the first search would read it all
    done = warmup.warm()
    assert {"urls", "word", "api listing", "api search", "page search", "gc"} <= set(done)
    assert backend._view is not None and backend._view.cols.size == 1
    assert gc.get_freeze_count() > 0


def test_the_sample_word_is_the_longest_word_of_the_last_title(on_commit):
    on_commit(make_article, title="Old news")
    on_commit(make_article, title="Glaciers retreating in the Alps")
    assert warmup.sample_word() == "retreating"


def test_an_empty_archive_is_listed_but_not_searched():
    done = warmup.warm()
    assert "api listing" in done and "api search" not in done


def test_a_lost_index_never_stops_the_worker(on_commit, search_index, caplog):
    on_commit(make_article, title="Glaciers retreating in the Alps")
    shutil.rmtree(search_index)
    connections.reload("default")
    done = warmup.warm()  # the views answer 503 or list from the database; nothing raises
    assert "urls" in done
