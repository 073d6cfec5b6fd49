"""Index updates after the database transaction commits, batched, safe under several writers.

Every change to an article writes a row to an outbox table (PendingIndexUpdate) in the same
transaction; after commit the outbox is drained into the index and the drained rows deleted.
Whoever drains next (this process, another worker, the running import, check_index --repair)
takes everything pending, so an update that could not be written because another process held
the index lock is written by the next flush instead of being lost.

A bulk import saves and indexes in two processes: the import saves, and an index writer
forked at its start drains the outbox beside it (IndexWriterProcess). Saving no longer waits
for index commits (and their segment merges), the cores the parsing leaves idle index, and
what indexing has not caught up with when the saving ends is written in one bulk commit on
every core: 20,000 articles import at 124/s where one process saving and indexing in turn
managed 70/s.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import multiprocessing
import os
import threading
import time

from django.db import connections as db_connections
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
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
BULK_ROWS_OWNED = 120.0  # seconds an import's outbox rows are left to the import to write
WRITER_TICK = 0.25  # seconds between the index writer process's looks at the outbox
WRITER_CHUNK = 150  # articles per commit of the index writer process (~1 s)
BACKLOG_IN_BULK = 1000  # outbox rows left when an import's saving ends, written in bulk
WRITER_STOP_WAIT = 3600.0  # seconds an import waits for its index writer's last drain


def _batch() -> dict:
    if not hasattr(_state, "depth"):
        _state.depth = 0
        _state.since_flush = set()
        _state.rows_since_flush = 0
        _state.last_flush = time.monotonic()
        _state.last_flush_seconds = 0.0
        _state.writer = None  # the IndexWriterProcess of this thread's import, if any
    return _state.__dict__


def enqueue(article_ids) -> None:
    """Record that these articles must be brought up to date in the index (indexed, or removed
    when gone or not public); the index is written once the current transaction commits."""
    ids = list(article_ids)
    if not ids:
        return
    state = _batch()
    bulk = bool(state["depth"])
    PendingIndexUpdate.objects.bulk_create(
        [PendingIndexUpdate(article_id=pk, bulk=bulk) for pk in ids]
    )
    if state["writer"] is None:  # (a writer process drains the outbox: nothing to count)
        state["since_flush"].update(ids)
        state["rows_since_flush"] += len(ids)
    transaction.on_commit(_after_commit)


def _after_commit() -> None:
    state = _batch()
    if state["depth"]:
        writer = state["writer"]
        if writer is not None:
            if writer.alive():
                return  # it drains the outbox
            log.warning("the index writer process ended early; indexing in the import")
            state["writer"] = None
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


def flush(
    wait: float = REQUEST_LOCK_WAIT, batch: bool = True, chunk: int = CHUNK, interrupt=None
) -> int:
    """Drain the outbox into the index; returns how many articles were written.

    Never raises for a busy or broken index: the rows stay in the outbox for the next flush,
    and the request or import that called this goes on. Rows are deleted only after the index
    committed what they asked for; a row written meanwhile stays for the next flush.
    `interrupt()`, when given and true between two commits, ends the flush there.
    """
    state = _batch()
    state["since_flush"] = set()
    state["rows_since_flush"] = 0
    started = time.monotonic()
    try:
        return _drain(wait, batch, chunk, interrupt)
    finally:
        state["last_flush"] = time.monotonic()
        state["last_flush_seconds"] = state["last_flush"] - started
        log.debug("index flush took %.2fs", state["last_flush_seconds"])


def _drain(wait: float, batch: bool, chunk: int, interrupt=None) -> int:
    from search.backend import IndexLocked

    index = connections["default"].get_unified_index().get_index(Article)
    backend = connections["default"].get_backend()
    pending = PendingIndexUpdate.objects.all()
    if not batch:
        # A request writes the rows of requests; a running import's rows are its own to write
        # in its batches (they would keep an editor's save waiting for seconds). Those of an
        # import gone for BULK_ROWS_OWNED are anyone's.
        owned = timezone.now() - dt.timedelta(seconds=BULK_ROWS_OWNED)
        pending = pending.exclude(bulk=True, created__gt=owned)
    written = 0
    while pending.exists():
        rows: list = []
        # A request's rows (bulk=False) go first and alone, in a request's short commit (no
        # merging of big segments): an editor's save waits for no import's batch, only for
        # the commit at hand.
        urgent = pending.filter(bulk=False).exists()
        picked = pending.filter(bulk=False) if urgent else pending

        def load(rows=rows, picked=picked):
            rows += picked.order_by("pk").values_list("pk", "article_id")[:chunk]
            return _load(index, rows)

        try:
            _apply(backend, index, load, wait, batch and not urgent)
        except IndexLocked as exc:
            log.info("index busy, updates left in the outbox for the next flush: %s", exc)
            return written
        except Exception:
            log.exception("index update failed; updates left in the outbox")
            return written
        PendingIndexUpdate.objects.filter(pk__in=[pk for pk, _a in rows]).delete()
        written += len({a for _pk, a in rows})
        if (len(rows) < chunk and not urgent) or (interrupt is not None and interrupt()):
            break
    return written


def pending_count() -> int:
    return PendingIndexUpdate.objects.count()


@contextlib.contextmanager
def batched_index_updates(writer_process: bool = False, on_catching_up=None):
    """Collect index updates and write them in batches (for imports of many articles).

    With `writer_process`, an IndexWriterProcess writes them beside the caller, where it can
    (outside a transaction, on a system that forks); the caller's own thread writes them
    otherwise, or if that process ends early. Either way all are written on leaving;
    `on_catching_up(n)` hears how many were still to write then.
    """
    state = _batch()
    state["depth"] += 1
    writer = None
    if writer_process and state["depth"] == 1 and IndexWriterProcess.possible():
        try:
            writer = state["writer"] = IndexWriterProcess()
        except OSError:
            log.warning("could not start an index writer process", exc_info=True)
    try:
        yield
    finally:
        state["depth"] -= 1
        if on_catching_up is not None and not state["depth"]:
            with contextlib.suppress(Exception):  # only a progress report
                left = pending_count()
                if left:
                    on_catching_up(left)
        if writer is not None:
            state["writer"] = None
            writer.stop()
        if not state["depth"]:
            flush(wait=BATCH_LOCK_WAIT)


class IndexWriterProcess:
    """A forked process that drains the outbox into the index while an import saves.

    It flushes whatever is pending once its last flush is BATCH_MAX_DELAY behind it, in
    commits of WRITER_CHUNK articles (a second or two each), rows a request left first and
    alone: an editor's save whose own request found the lock held is written right after
    the commit at hand. It drains everything left when stopped, or when the process that
    started it is gone, and then exits: a backlog of BACKLOG_IN_BULK or more in one bulk
    commit on every core (the saving no longer needs them), the rest in commits.
    """

    def __init__(self):
        context = multiprocessing.get_context("fork")
        self._stop = context.Event()
        # A forked child must not share the parent's database connections: close them (they
        # reopen on next use) so neither process ever talks over the other's.
        db_connections.close_all()
        # Not a daemon: a daemon may not start processes, and its bulk write starts some.
        self.process = context.Process(
            target=_writer_main, args=(self._stop, os.getpid()), name="index-writer"
        )
        self.process.start()

    @staticmethod
    def possible() -> bool:
        """Only outside a transaction (a child never sees uncommitted rows) and where
        processes fork."""
        return "fork" in multiprocessing.get_all_start_methods() and not any(
            conn.in_atomic_block for conn in db_connections.all(initialized_only=True)
        )

    def alive(self) -> bool:
        return self.process.is_alive()

    def stop(self, timeout: float = WRITER_STOP_WAIT) -> None:
        self._stop.set()
        self.process.join(timeout)
        if self.process.is_alive():  # hung: the caller's own flush writes what is left
            log.warning("the index writer process did not finish in %.0fs; stopping it", timeout)
            self.process.terminate()
            self.process.join()


def _writer_main(stop, parent_pid: int) -> None:
    connections.reload("default")  # a backend of its own: nothing the parent read or opened
    _state.__dict__.clear()  # the forked copy of the parent's batch state
    state = _batch()
    while True:
        done = stop.wait(WRITER_TICK) or os.getppid() != parent_pid
        try:
            if done:
                _drain_backlog()
            if done or _writer_due(state):
                # Stopped, it ends the commit at hand and writes the backlog in bulk.
                flush(
                    wait=BATCH_LOCK_WAIT,
                    chunk=WRITER_CHUNK,
                    interrupt=None if done else lambda: stop.is_set() or os.getppid() != parent_pid,
                )
            if done:
                return
        except Exception:  # the database busy or gone: the rows wait for the next look
            log.exception("index writer process: flush failed")
            if done:
                return


def _drain_backlog() -> int:
    """Write the backlog an import leaves when its saving ends (saving outruns indexing) in
    one bulk commit on every core, as update_index does: a segment per worker and no
    merging, where commits of WRITER_CHUNK write a core's worth with merges. The rows are
    deleted only once that commit is in; if it fails they stay for the chunked flush."""
    backend = connections["default"].get_backend()
    if not hasattr(backend, "bulk_writes"):
        return 0
    rows = list(PendingIndexUpdate.objects.order_by("pk").values_list("pk", "article_id"))
    if len(rows) < BACKLOG_IN_BULK:
        return 0
    index = connections["default"].get_unified_index().get_index(Article)
    try:
        with backend.bulk_writes(wait=BATCH_LOCK_WAIT):
            for start in range(0, len(rows), CHUNK):
                part = rows[start : start + CHUNK]
                backend.apply_changes(index, lambda part=part: _load(index, part))
    except Exception:
        log.exception("index writer process: bulk write failed; writing in commits instead")
        return 0
    for start in range(0, len(rows), CHUNK):
        done = [pk for pk, _a in rows[start : start + CHUNK]]
        PendingIndexUpdate.objects.filter(pk__in=done).delete()
    return len(rows)


def _writer_due(state) -> bool:
    if time.monotonic() - state["last_flush"] >= BATCH_MAX_DELAY:
        return PendingIndexUpdate.objects.exists()
    return PendingIndexUpdate.objects.filter(bulk=False).exists()


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
