"""Index updates after the database transaction commits, batched, safe under several writers.

Every change to an article writes a row to an outbox table (PendingIndexUpdate) in the same
transaction; after commit the outbox is drained into the index and the drained rows deleted.
Whoever drains next (this process, another worker, the running import, check_index --repair)
takes everything pending, so an update that could not be written because another process held
the index lock is written by the next flush instead of being lost.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from haystack import connections
from haystack.signals import BaseSignalProcessor

from archive.models import Article, Author, Source, Tag
from search.models import PendingIndexUpdate

log = logging.getLogger(__name__)
_state = threading.local()

BATCH_SIZE = 200  # articles per index commit during an import
# During an import the next commit is due this long after the END of the last one, and at
# least BATCH_GAP_FACTOR times as long as that one took: index commits (0.3-1 s, several
# seconds when Whoosh merges) then take at most a third of the import's time, and the
# writer lock is free at least two thirds of it for other processes' saves.
BATCH_MAX_DELAY = 1.0
BATCH_GAP_FACTOR = 2.0
WAITING_CHECK_AFTER = 0.25  # seconds after a flush: others' updates waiting make one due
CHUNK = 500  # outbox rows per index commit when draining
REQUEST_LOCK_WAIT = 2.0  # a single save never holds a request longer than this for the lock
BATCH_LOCK_WAIT = 10.0


def _batch() -> dict:
    if not hasattr(_state, "depth"):
        _state.depth = 0
        _state.since_flush = set()
        _state.rows_since_flush = 0
        _state.last_flush = time.monotonic()
        _state.last_flush_seconds = 0.0
    return _state.__dict__


def enqueue(article_ids) -> None:
    """Record that these articles must be brought up to date in the index (indexed, or removed
    when gone or not public); the index is written once the current transaction commits."""
    ids = list(article_ids)
    if not ids:
        return
    PendingIndexUpdate.objects.bulk_create([PendingIndexUpdate(article_id=pk) for pk in ids])
    state = _batch()
    state["since_flush"].update(ids)
    state["rows_since_flush"] += len(ids)
    transaction.on_commit(_after_commit)


def _after_commit() -> None:
    state = _batch()
    if state["depth"]:
        if _batch_due(state):
            flush(wait=BATCH_LOCK_WAIT, batch=True)
    else:
        flush(wait=REQUEST_LOCK_WAIT, batch=False)


def _batch_due(state) -> bool:
    if len(state["since_flush"]) >= BATCH_SIZE:
        return True
    idle = time.monotonic() - state["last_flush"]
    if idle >= max(BATCH_MAX_DELAY, BATCH_GAP_FACTOR * state["last_flush_seconds"]):
        return True
    # Another process's save that found the lock held (by us) left its update in the outbox:
    # write it with ours now rather than a whole gap later.
    return idle >= WAITING_CHECK_AFTER and _others_waiting(state)


def _others_waiting(state) -> bool:
    return PendingIndexUpdate.objects.count() > state["rows_since_flush"]


def _load(index, rows):
    """The outbox rows' articles: those to index and the document ids to remove."""
    ids = {article_id for _pk, article_id in rows}
    live = list(index.index_queryset().filter(pk__in=ids))
    gone = ids - {a.pk for a in live}
    return live, [f"archive.article.{pk}" for pk in sorted(gone)]


def _apply(backend, index, load, wait: float, batch: bool) -> None:
    if hasattr(backend, "apply_changes"):  # ours: loads under the index lock
        backend.apply_changes(index, load, wait=wait, batch=batch)
        return
    live, gone = load()  # another haystack backend (Elasticsearch): its own update and remove
    if live:
        backend.update(index, live)
    for ident in gone:
        backend.remove(ident)


def flush(wait: float = REQUEST_LOCK_WAIT, batch: bool = True) -> int:
    """Drain the outbox into the index; returns how many articles were written.

    Never raises for a busy or broken index: the rows stay in the outbox for the next flush,
    and the request or import that called this goes on. Rows are deleted only after the index
    committed what they asked for; a row written meanwhile stays for the next flush.
    """
    state = _batch()
    state["since_flush"] = set()
    state["rows_since_flush"] = 0
    started = time.monotonic()
    try:
        return _drain(wait, batch)
    finally:
        state["last_flush"] = time.monotonic()
        state["last_flush_seconds"] = state["last_flush"] - started
        log.debug("index flush took %.2fs", state["last_flush_seconds"])


def _drain(wait: float, batch: bool) -> int:
    from search.backend import IndexLocked

    index = connections["default"].get_unified_index().get_index(Article)
    backend = connections["default"].get_backend()
    written = 0
    while PendingIndexUpdate.objects.exists():
        rows: list = []

        def load(rows=rows):
            rows += PendingIndexUpdate.objects.order_by("pk").values_list("pk", "article_id")[
                :CHUNK
            ]
            return _load(index, rows)

        try:
            _apply(backend, index, load, wait, batch)
        except IndexLocked as exc:
            log.info("index busy, updates left in the outbox for the next flush: %s", exc)
            return written
        except Exception:
            log.exception("index update failed; updates left in the outbox")
            return written
        PendingIndexUpdate.objects.filter(pk__in=[pk for pk, _a in rows]).delete()
        written += len({a for _pk, a in rows})
        if len(rows) < CHUNK:
            break
    return written


def pending_count() -> int:
    return PendingIndexUpdate.objects.count()


@contextlib.contextmanager
def batched_index_updates():
    """Collect index updates and write them in batches (for imports of many articles)."""
    state = _batch()
    state["depth"] += 1
    try:
        yield
    finally:
        state["depth"] -= 1
        if not state["depth"]:
            flush(wait=BATCH_LOCK_WAIT)


def reindex_articles(article_ids) -> int:
    """Bring these articles up to date in the index now; returns how many were asked for."""
    ids = list(dict.fromkeys(article_ids))
    with batched_index_updates(), transaction.atomic():
        for start in range(0, len(ids), CHUNK):
            enqueue(ids[start : start + CHUNK])
    return len(ids)


class AfterCommitSignalProcessor(BaseSignalProcessor):
    """Reaches the index only after the transaction commits, so a rolled-back save never
    shows up in search and the index write never holds the database transaction open."""

    def setup(self):
        post_save.connect(self.handle_article, sender=Article)
        post_delete.connect(self.handle_article, sender=Article)
        m2m_changed.connect(self.handle_m2m, sender=Article.authors.through)
        m2m_changed.connect(self.handle_m2m, sender=Article.tags.through)
        for model in (Source, Author, Tag):
            post_save.connect(self.handle_name_change, sender=model)

    def teardown(self):
        post_save.disconnect(self.handle_article, sender=Article)
        post_delete.disconnect(self.handle_article, sender=Article)
        m2m_changed.disconnect(self.handle_m2m, sender=Article.authors.through)
        m2m_changed.disconnect(self.handle_m2m, sender=Article.tags.through)
        for model in (Source, Author, Tag):
            post_save.disconnect(self.handle_name_change, sender=model)

    def handle_article(self, sender, instance, **kwargs):
        enqueue([instance.pk])

    def handle_m2m(self, sender, instance, action, reverse, pk_set, **kwargs):
        if not action.startswith("post_"):
            return
        if isinstance(instance, Article):
            enqueue([instance.pk])
        elif pk_set:  # author.articles.add(...): the articles changed
            enqueue(sorted(pk_set))

    def handle_name_change(self, sender, instance, created, **kwargs):
        """A renamed source, author or tag changes the indexed names of its articles."""
        if not created:
            enqueue(instance.articles.values_list("pk", flat=True))

    # haystack's API, used by its own code paths; ours go through the outbox.
    def handle_save(self, sender, instance, **kwargs):
        enqueue([instance.pk])

    def handle_delete(self, sender, instance, **kwargs):
        enqueue([instance.pk])
