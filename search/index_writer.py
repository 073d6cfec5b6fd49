"""An import saves in one process and indexes in another: the index writer process.

batched_index_updates() wraps an import: its outbox rows are an import's (search.outbox),
and an IndexWriterProcess forked at its start drains them beside the saving. Saving no longer
waits for index commits (and their segment merges), the cores the parsing leaves idle index,
and what indexing has not caught up with when the saving ends (the backlog) is written in
one bulk commit on every core (drain_backlog): 20,000 articles import at 124/s where one
process saving and indexing in turn managed 70/s.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import time

from django.db import connections as db_connections
from haystack import connections

from search import capabilities, outbox
from search.models import PendingIndexUpdate
from search.policy import SearchPolicy

log = logging.getLogger(__name__)


@contextlib.contextmanager
def batched_index_updates(writer_process: bool = False, on_catching_up=None):
    """Collect index updates and write them in batches (for imports of many articles).

    With `writer_process`, an IndexWriterProcess writes them beside the caller, where it can
    (outside a transaction, on a system that forks); the caller's own thread writes them
    otherwise, or if that process ends early. Either way all are written on leaving;
    `on_catching_up(n)` hears how many were still to write then. Yields the ImportBatch,
    whose `writer` is the writer process (None without one).
    """
    with outbox.import_batch() as batch:
        outermost = batch.depth == 1
        writer = None
        if writer_process and outermost and IndexWriterProcess.possible():
            try:
                writer = batch.writer = IndexWriterProcess(batch.policy)
            except OSError:
                log.warning("could not start an index writer process", exc_info=True)
        try:
            yield batch
        finally:
            if on_catching_up is not None and outermost:
                with contextlib.suppress(Exception):  # only a progress report
                    left = outbox.pending_count()
                    if left:
                        on_catching_up(left)
            if writer is not None:
                batch.writer = None
                writer.stop()
        # Leaving import_batch() writes whatever is still pending, in this process.


class IndexWriterProcess:
    """A forked process that drains the outbox into the index while an import saves.

    It flushes whatever is pending once its last flush is the policy's import_batch_delay
    behind it, in commits of writer_chunk articles (a second or two each), rows a request
    left first and alone: an editor's save whose own request found the lock held is written
    right after the commit at hand. It drains everything left when stopped, or when the
    process that started it is gone, and then exits: a backlog of backlog_in_bulk or more in
    one bulk commit on every core (the saving no longer needs them), the rest in commits.
    """

    def __init__(self, policy: SearchPolicy):
        context = multiprocessing.get_context("fork")
        self.policy = policy
        self._stop = _StopSignal(context)
        # A forked child must not share the parent's database connections: close them (they
        # reopen on next use) so neither process ever talks over the other's.
        db_connections.close_all()
        # Not a daemon: a daemon may not start processes, and its bulk write starts some.
        self.process = context.Process(
            target=_run, args=(self._stop, os.getpid(), policy), name="index-writer"
        )
        self.process.start()

    @property
    def pid(self) -> int:
        return self.process.pid

    @staticmethod
    def possible() -> bool:
        """Only outside a transaction (a child never sees uncommitted rows) and where
        processes fork."""
        return "fork" in multiprocessing.get_all_start_methods() and not any(
            conn.in_atomic_block for conn in db_connections.all(initialized_only=True)
        )

    def alive(self) -> bool:
        return self.process.is_alive()

    def stop(self) -> None:
        timeout = self.policy.writer_stop_wait
        self._stop.set()
        self.process.join(timeout)
        if self.process.is_alive():  # hung: the caller's own flush writes what is left
            log.warning("the index writer process did not finish in %.0fs; stopping it", timeout)
            self.process.terminate()
            self.process.join()


class _StopSignal:
    """An Event over a pipe. multiprocessing's Event deadlocked the importer when the writer
    was killed inside wait(): set() then waits for the dead waiter to say it woke up. A byte
    in a pipe asks nothing of the reader."""

    def __init__(self, context):
        self._reader, self._writer = context.Pipe(duplex=False)

    def set(self) -> None:
        with contextlib.suppress(OSError):
            self._writer.send_bytes(b"stop")

    def wait(self, timeout: float) -> bool:
        return self._reader.poll(timeout)

    def is_set(self) -> bool:
        return self._reader.poll(0)


def _run(stop, parent_pid: int, policy: SearchPolicy) -> None:
    """The writer process: look at the outbox every writer_tick until stopped."""
    connections.reload("default")  # a backend of its own: nothing the parent read or opened
    capabilities.backend().policy = policy  # the import's policy, whatever the settings say
    last_flush = time.monotonic()

    def parent_gone() -> bool:
        return os.getppid() != parent_pid

    while True:
        done = stop.wait(policy.writer_tick) or parent_gone()
        try:
            if done:
                drain_backlog(policy)
            if done or _due(last_flush, policy):
                # Stopped, it ends the commit at hand and writes the backlog in bulk.
                outbox.flush(
                    chunk=policy.writer_chunk,
                    interrupt=None if done else lambda: stop.is_set() or parent_gone(),
                    policy=policy,
                )
                last_flush = time.monotonic()
            if done:
                return
        except Exception:  # the database busy or gone: the rows wait for the next look
            log.exception("index writer process: flush failed")
            if done:
                return


def _due(last_flush: float, policy: SearchPolicy) -> bool:
    if time.monotonic() - last_flush >= policy.import_batch_delay:
        return PendingIndexUpdate.objects.exists()
    return PendingIndexUpdate.objects.filter(bulk=False).exists()


def drain_backlog(policy: SearchPolicy | None = None) -> int:
    """Write the backlog an import leaves when its saving ends (saving outruns indexing) in
    one bulk commit on every core, as update_index does: a segment per worker and no
    merging, where commits of writer_chunk write a core's worth with merges. Returns how
    many rows it wrote: none below backlog_in_bulk, or on a backend without bulk writes.
    The rows are deleted only once that commit is in; if it fails they stay for the
    chunked flush."""
    policy = policy or capabilities.policy()
    backend = capabilities.backend()
    if not capabilities.of(backend).bulk_writes:
        return 0
    rows = list(PendingIndexUpdate.objects.order_by("pk").values_list("pk", "article_id"))
    if len(rows) < policy.backlog_in_bulk:
        return 0
    parts = [rows[i : i + policy.drain_chunk] for i in range(0, len(rows), policy.drain_chunk)]
    try:
        with backend.bulk_writes(wait=policy.batch_lock_wait):
            for part in parts:
                ids = {article_id for _pk, article_id in part}
                outbox.write_changes(lambda ids=ids: outbox.load_articles(ids), wait=0, batch=True)
    except Exception:
        log.exception("index writer process: bulk write failed; writing in commits instead")
        return 0
    for part in parts:
        PendingIndexUpdate.objects.filter(pk__in=[pk for pk, _a in part]).delete()
    return len(rows)
