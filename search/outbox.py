"""The index outbox: every article change leaves a row; after commit the rows are written.

A saved article reaches the index in three steps:

1. The signal processor (AfterCommitSignalProcessor) hears the save, delete, author/tag change
   or rename and calls enqueue(), which writes a PendingIndexUpdate row in the same
   transaction: a rolled-back save leaves none, a committed one always leaves one.
2. After commit, flush() drains the outbox into the index: it takes the backend's writer
   lock, loads the rows' articles under it (so concurrent writers never overwrite a newer
   version with an older one), commits, and only then deletes the rows. A busy or broken
   index leaves the rows for whoever flushes next: an update is delayed, never lost.
3. During an import (search.index_writer.batched_index_updates) the rows are marked `bulk`
   with the importing process's host and pid, and written in batches by the import's index
   writer process; a request leaves them to the import while that process lives, and
   writes them at once when it is gone (a killed import).

Tuning comes from the backend's policy (search.policy.SearchPolicy).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import socket
import threading
import time
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from haystack import connections
from haystack.signals import BaseSignalProcessor

from archive.models import Article, Author, Source, Tag
from search import capabilities
from search.models import PendingIndexUpdate
from search.policy import SearchPolicy

log = logging.getLogger(__name__)
HOST = socket.gethostname()[:255]


@dataclass
class ImportBatch:
    """This thread's import in progress: its rows wait for batch commits."""

    policy: SearchPolicy
    depth: int = 0  # nested batched blocks (an import inside a reindex, say)
    writer: object | None = None  # the import's IndexWriterProcess, while it runs
    ids_since_flush: set = field(default_factory=set)  # only without a writer process
    rows_since_flush: int = 0
    last_flush: float = field(default_factory=time.monotonic)
    last_flush_seconds: float = 0.0

    def due(self) -> bool:
        """Whether the import's own thread should write a batch now (no writer process)."""
        policy = self.policy
        if len(self.ids_since_flush) >= policy.import_batch_articles:
            return True
        idle = time.monotonic() - self.last_flush
        gap = max(policy.import_batch_delay, policy.import_gap_factor * self.last_flush_seconds)
        if idle >= gap:
            return True
        # Another process's save that found the lock held (by us) left its row in the
        # outbox: write it with ours now rather than a whole gap later.
        return idle >= policy.waiting_check_after and self._others_waiting()

    def _others_waiting(self) -> bool:
        return PendingIndexUpdate.objects.count() > self.rows_since_flush

    def flushed(self, started: float) -> None:
        self.ids_since_flush = set()
        self.rows_since_flush = 0
        self.last_flush = time.monotonic()
        self.last_flush_seconds = self.last_flush - started


_local = threading.local()


def current_batch() -> ImportBatch | None:
    return getattr(_local, "batch", None)


def _forget_batch() -> None:
    # A forked child (the index writer, a parsing worker) is not the import that forked it.
    _local.__dict__.clear()


os.register_at_fork(after_in_child=_forget_batch)


@contextlib.contextmanager
def import_batch():
    """Mark this thread's enqueued rows as an import's, written in batches; whatever is
    pending is written on leaving the outermost block. Yields the ImportBatch."""
    batch = current_batch()
    if batch is None:
        batch = _local.batch = ImportBatch(policy=capabilities.policy())
    batch.depth += 1
    try:
        yield batch
    finally:
        batch.depth -= 1
        if not batch.depth:
            _local.batch = None
            flush(policy=batch.policy)


def enqueue(article_ids) -> None:
    """Record that these articles must be brought up to date in the index (indexed, or removed
    when gone or not public); the index is written once the current transaction commits."""
    ids = list(article_ids)
    if not ids:
        return
    batch = current_batch()
    if batch is None:
        rows = [PendingIndexUpdate(article_id=pk) for pk in ids]
    else:
        owner = {"bulk": True, "owner_host": HOST, "owner_pid": os.getpid()}
        rows = [PendingIndexUpdate(article_id=pk, **owner) for pk in ids]
        if batch.writer is None:  # (a writer process drains the outbox: nothing to count)
            batch.ids_since_flush.update(ids)
            batch.rows_since_flush += len(ids)
    PendingIndexUpdate.objects.bulk_create(rows)
    transaction.on_commit(_after_commit)


def _after_commit() -> None:
    batch = current_batch()
    if batch is None:
        flush(request=True)
        return
    if batch.writer is not None:
        if batch.writer.alive():
            return  # it drains the outbox
        log.warning("the index writer process ended early; indexing in the import")
        batch.writer = None
    if batch.due():
        flush(policy=batch.policy)


def flush(
    *,
    request: bool = False,
    chunk: int | None = None,
    interrupt=None,
    policy: SearchPolicy | None = None,
) -> int:
    """Drain the outbox into the index; returns how many articles were written.

    `request=True` is one request's flush: a short wait for the lock, a request's short
    commits, and the rows of a living import left to it. Otherwise (an import, a repair)
    every row, in batch commits. `chunk` rows per commit (the policy's drain_chunk by
    default); `interrupt()`, when given and true between two commits, ends the flush there.

    Never raises for a busy or broken index: the rows stay in the outbox for the next flush.
    Rows are deleted only after the index committed what they asked for.
    """
    policy = policy or capabilities.policy()
    started = time.monotonic()
    try:
        return _drain(request, chunk or policy.drain_chunk, interrupt, policy)
    finally:
        batch = current_batch()
        if batch is not None:
            batch.flushed(started)
        log.debug("index flush took %.2fs", time.monotonic() - started)


@dataclass
class _Chunk:
    """Up to `size` outbox rows, read when the backend holds the lock (load())."""

    picked: object  # a queryset of rows
    size: int
    rows: list = field(default_factory=list)  # (row pk, article id), once loaded

    def load(self):
        """(articles to index, document ids to remove) for the rows."""
        self.rows = list(self.picked.order_by("pk").values_list("pk", "article_id")[: self.size])
        return load_articles({article_id for _pk, article_id in self.rows})

    def delete(self) -> int:
        PendingIndexUpdate.objects.filter(pk__in=[pk for pk, _a in self.rows]).delete()
        return len({a for _pk, a in self.rows})


def load_articles(ids) -> tuple[list, list[str]]:
    """The articles to index among `ids` (public ones) and the document ids to remove."""
    index = _article_index()
    live = list(index.index_queryset().filter(pk__in=ids))
    gone = set(ids) - {a.pk for a in live}
    return live, [f"archive.article.{pk}" for pk in sorted(gone)]


def _article_index():
    return connections["default"].get_unified_index().get_index(Article)


def _drain(request: bool, size: int, interrupt, policy: SearchPolicy) -> int:
    from search.backend import IndexLocked

    pending = PendingIndexUpdate.objects.all()
    if request:
        # A running import's rows are its own to write in its batches (they would keep an
        # editor's save waiting for seconds), unless its process is gone.
        pending = pending.exclude(_owned_by_living_imports(policy))
    wait = policy.request_lock_wait if request else policy.batch_lock_wait
    written = 0
    while pending.exists():
        # A request's rows (bulk=False) go first and alone, in a request's short commit (no
        # merging of big segments): an editor's save waits for no import's batch.
        urgent = pending.filter(bulk=False).exists()
        chunk = _Chunk(pending.filter(bulk=False) if urgent else pending, size)
        try:
            write_changes(chunk.load, wait=wait, batch=not (request or urgent))
        except IndexLocked as exc:
            log.info("index busy, updates left in the outbox for the next flush: %s", exc)
            return written
        except Exception:
            log.exception("index update failed; updates left in the outbox")
            return written
        written += chunk.delete()
        if (len(chunk.rows) < size and not urgent) or (interrupt is not None and interrupt()):
            break
    return written


def write_changes(load, *, wait: float, batch: bool) -> None:
    """One commit of load()'s (articles, removed ids), through the backend's locked load when
    it has one; another haystack backend (Elasticsearch) gets its own update and remove."""
    backend = capabilities.backend()
    index = _article_index()
    if capabilities.of(backend).locked_loads:
        backend.apply_changes(index, load, wait=wait, batch=batch)
        return
    live, gone = load()
    if live:
        backend.update(index, live)
    for ident in gone:
        backend.remove(ident)


def _owned_by_living_imports(policy: SearchPolicy) -> Q:
    """The rows a living import will write: recent bulk rows whose importing process still
    runs (on another host, or rows without an owner, the recent ones are assumed to)."""
    since = timezone.now() - dt.timedelta(seconds=policy.import_rows_owned)
    recent = PendingIndexUpdate.objects.filter(bulk=True, created__gt=since)
    owners = recent.filter(owner_host=HOST).values_list("owner_pid", flat=True).distinct()
    dead = [pid for pid in owners if pid is not None and not process_alive(pid)]
    owned = Q(bulk=True, created__gt=since)
    if dead:
        owned &= ~Q(owner_host=HOST, owner_pid__in=dead)
    return owned


def process_alive(pid: int) -> bool:
    """Whether process `pid` runs on this host (a zombie, killed but not yet reaped, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's: it exists
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def pending_count() -> int:
    return PendingIndexUpdate.objects.count()


def reindex_articles(article_ids) -> int:
    """Bring these articles up to date in the index now; returns how many were asked for."""
    ids = list(dict.fromkeys(article_ids))
    size = capabilities.policy().drain_chunk
    with import_batch(), transaction.atomic():
        for start in range(0, len(ids), size):
            enqueue(ids[start : start + size])
    return len(ids)


class AfterCommitSignalProcessor(BaseSignalProcessor):
    """Reaches the index only after the transaction commits, so a rolled-back save never
    shows up in search and the index write never holds the database transaction open."""

    def _wiring(self):
        """(signal, handler, sender) of every change that reaches the index."""
        yield post_save, self.handle_article, Article
        yield post_delete, self.handle_article, Article
        yield m2m_changed, self.handle_m2m, Article.authors.through
        yield m2m_changed, self.handle_m2m, Article.tags.through
        for model in (Source, Author, Tag):
            yield post_save, self.handle_name_change, model

    def setup(self):
        for signal, handler, sender in self._wiring():
            signal.connect(handler, sender=sender)

    def teardown(self):
        for signal, handler, sender in self._wiring():
            signal.disconnect(handler, sender=sender)

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
