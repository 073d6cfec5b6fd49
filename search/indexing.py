"""Index updates after the database transaction commits, batched during bulk imports."""

from __future__ import annotations

import contextlib
import logging
import threading

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from haystack import connections
from haystack.signals import BaseSignalProcessor

from archive.models import Article

log = logging.getLogger(__name__)
_state = threading.local()


BATCH_SIZE = 200


def _pending() -> set[int]:
    if not hasattr(_state, "pending"):
        _state.pending = set()
        _state.batch_depth = 0
    return _state.pending


def enqueue(article_id: int) -> None:
    """Ask for one article to be brought up to date in the index (indexed, or removed when it
    is gone or not public) once the current transaction commits."""
    _pending().add(article_id)
    # on_commit runs the callback at once outside a transaction, and drops it on rollback.
    transaction.on_commit(_flush_full_batch if _state.batch_depth else flush)


def _flush_full_batch() -> None:
    if len(_pending()) >= BATCH_SIZE:
        flush()


def flush() -> None:
    """Write every pending update to the index in one batch."""
    pending = _pending()
    if not pending:
        return
    ids, _state.pending = set(pending), set()
    index = connections["default"].get_unified_index().get_index(Article)
    backend = connections["default"].get_backend()
    live = list(index.index_queryset().filter(pk__in=list(ids)))
    live_ids = {a.pk for a in live}
    if live:
        backend.update(index, live)
    for pk in ids:
        if pk not in live_ids:
            backend.remove(f"archive.article.{pk}")


@contextlib.contextmanager
def batched_index_updates():
    """Collect index updates and write them in batches (for imports of many articles)."""
    _pending()
    _state.batch_depth += 1
    try:
        yield
    finally:
        _state.batch_depth -= 1
        if not _state.batch_depth:
            flush()


class AfterCommitSignalProcessor(BaseSignalProcessor):
    """Reaches the index only after the transaction commits, so a rolled-back save never
    shows up in search and the index write never holds the database transaction open."""

    def setup(self):
        post_save.connect(self.handle_article_save, sender=Article)
        post_delete.connect(self.handle_article_delete, sender=Article)
        m2m_changed.connect(self.handle_m2m, sender=Article.authors.through)
        m2m_changed.connect(self.handle_m2m, sender=Article.tags.through)

    def teardown(self):
        post_save.disconnect(self.handle_article_save, sender=Article)
        post_delete.disconnect(self.handle_article_delete, sender=Article)
        m2m_changed.disconnect(self.handle_m2m, sender=Article.authors.through)
        m2m_changed.disconnect(self.handle_m2m, sender=Article.tags.through)

    def handle_article_save(self, sender, instance, **kwargs):
        enqueue(instance.pk)

    def handle_article_delete(self, sender, instance, **kwargs):
        enqueue(instance.pk)

    def handle_m2m(self, sender, instance, action, **kwargs):
        if action.startswith("post_") and isinstance(instance, Article):
            enqueue(instance.pk)


def reindex_articles(article_ids: list[int]) -> int:
    """Bring these articles up to date in the index now; returns how many were asked for."""
    with batched_index_updates():
        for pk in article_ids:
            enqueue(pk)
    return len(article_ids)
