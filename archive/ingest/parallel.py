"""Parse a stream of documents on several cores, in input order, with bounded memory.

Parsing (language detection, date parsing, markdown, HTML extraction) costs ~10 ms a
document and is pure Python with no shared state, so a bulk import parses in worker
processes while the caller saves to the database. Small imports never start a worker.

A JSON-lines document (a newsroom's export: thousands of articles in one file) is parsed a
chunk of lines at a time: its articles then spread over the workers too, and only a window
of chunks is in memory, where a whole parsed 2,000-line file used to be.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import wait

from archive.ingest.files import DEFAULT_LIMITS
from archive.ingest.types import Limits, Outcome, Skipped

# Below this many articles one worker parses them all: starting a second costs more than
# it saves.
INLINE_FIRST = 48
# Tasks (documents or chunks of lines) submitted ahead of the one being saved: keeps both
# cores busy, memory bounded.
WINDOW = 16
JSONL_LINES = 50  # lines of a JSON-lines document per task
START_SECONDS = 60  # for a worker to start (the first one also starts the fork server)

Document = tuple[str, bytes | None, str]


def parse_document(
    document: Document, format: str, source: str, limits: Limits, finish=None
) -> list[Outcome]:
    """One (name, data, error) triple from iter_documents -> its Outcomes; never raises.
    `finish(outcomes)`, when given, then works on them in place (in the same process)."""
    from archive.ingest import parse

    name, data, error = document
    if data is None:
        return [unreadable(name, error)]
    try:
        outcomes = parse(data, name=name, format=format, source=source, limits=limits)
    except Exception as exc:  # parse() is built not to raise; a bug must not stop the batch
        return [Outcome(name, error=f"could not parse: {type(exc).__name__}: {exc}")]
    return _finished(outcomes, finish)


def unreadable(name: str, error: str) -> Outcome:
    """The outcome of a document that could not be read, or was skipped (a Skipped error)."""
    if isinstance(error, Skipped):
        return Outcome(name, skipped=str(error))
    return Outcome(name, error=error or "cannot read file")


def parse_chunk(
    chunk: tuple[int, str], name: str, source: str, limits: Limits, finish=None
) -> list[Outcome]:
    """One chunk of a JSON-lines document's lines -> their Outcomes; never raises."""
    from archive.ingest import parse_lines

    try:
        outcomes = parse_lines(chunk, name=name, source=source, limits=limits)
    except Exception as exc:  # as parse_document: a bug must not stop the batch
        first, text = chunk
        last = first + text.count("\n")
        return [Outcome(name, error=f"lines {first}-{last}: could not parse: {exc}")]
    return _finished(outcomes, finish)


def _finished(outcomes: list[Outcome], finish) -> list[Outcome]:
    if finish is not None:
        # Only work done ahead: if it fails, whoever uses the outcomes does it themselves.
        with contextlib.suppress(Exception):
            finish(outcomes)
    return outcomes


def parse_stream(
    documents: Iterable[Document],
    *,
    format: str = "auto",
    source: str = "",
    limits: Limits = DEFAULT_LIMITS,
    workers: int = 1,
    finish=None,
) -> Iterator[list[Outcome]]:
    """(name, data, error) triples -> lists of Outcomes, in input order: one list per
    document, or per chunk of lines of a JSON-lines document.

    Every document is parsed in a worker process under the time budget of `limits`
    (Limits.parse_budget): one over it is stopped and reported as failed with the reason, and
    the rest go on. Small imports use one worker; larger ones `workers`.

    `finish`, a module-level function (workers receive it pickled), is called on each
    list of outcomes where they were parsed: work the caller would otherwise do itself.
    """
    tasks = _tasks(documents, format, source, limits, finish)
    head, weight = [], 0
    for task in tasks:
        head.append(task)
        weight += task.weight
        if weight >= INLINE_FIRST:
            break
    count = workers if weight >= INLINE_FIRST else 1
    with _BudgetedPool(max(1, count), limits) as pool:
        yield from pool.run(itertools.chain(head, tasks))


def parse_bounded(
    data: bytes,
    *,
    name: str,
    format: str = "auto",
    source: str = "",
    limits: Limits = DEFAULT_LIMITS,
) -> list[Outcome]:
    """parse() of one document, in a worker process under the time budget (as parse_stream)."""
    return [o for outcomes in parse_stream([(name, data, "")], format=format, source=source,
                                           limits=limits) for o in outcomes]  # fmt: skip


@dataclass
class _Task:
    fn: Callable
    args: tuple
    weight: int  # articles it parses, about
    name: str
    size: int  # bytes


def _tasks(documents, format, source, limits, finish) -> Iterator[_Task]:
    from archive.ingest import split_jsonl

    for document in documents:
        name, data, _error = document
        chunks = None
        if data is not None:
            chunks = split_jsonl(data, name=name, format=format, limits=limits, lines=JSONL_LINES)
        if not chunks:
            args = (document, format, source, limits, finish)
            yield _Task(parse_document, args, 1, name, len(data or b""))
            continue
        for chunk in chunks:
            args = (chunk, name, source, limits, finish)
            yield _Task(parse_chunk, args, JSONL_LINES, name, len(chunk[1]))


def _over_budget(task: _Task, seconds: float) -> list[Outcome]:
    where = ""
    if task.fn is parse_chunk:
        first, text = task.args[0]
        where = f"lines {first}-{first + text.count(chr(10))}: "
    reason = (
        f"{where}parsing took longer than its budget of {seconds:.1f} s and was stopped "
        "(too large or too unusual to read as an article)"
    )
    return [Outcome(task.name, error=reason)]


def _context():
    # forkserver: workers start from a clean interpreter, not a copy of a Django process with
    # open database connections; the server imports the parsing libraries once, so each worker
    # after the first starts in milliseconds.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["archive.ingest.warm"])
    return context


def _serve(conn) -> None:
    """A worker: say it is ready, then run each task it is sent and send back the outcomes,
    until told to stop."""
    conn.send("ready")
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        fn, args = task
        conn.send(fn(*args))


class _Worker:
    def __init__(self, context):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child,), daemon=True)
        self.process.start()
        child.close()
        # A task's budget starts once the worker is up: starting one is not its parsing.
        if not self.conn.poll(START_SECONDS) or self.conn.recv() != "ready":
            self.stop(kill=True)
            raise OSError("a parse worker did not start")
        self.task: _Task | None = None
        self.seq = -1
        self.deadline = 0.0

    def give(self, seq: int, task: _Task, seconds: float) -> None:
        self.conn.send((task.fn, task.args))  # first: a worker that cannot take it stays idle
        self.task, self.seq = task, seq
        self.deadline = time.monotonic() + seconds

    def stop(self, *, kill: bool = False) -> None:
        with contextlib.suppress(OSError, ValueError):
            if kill:
                self.process.kill()
            else:
                self.conn.send(None)
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


class _BudgetedPool:
    """Worker processes that each parse one task at a time; a task over its budget has its
    worker killed (and replaced). Results come back in the order the tasks were given, with
    at most WINDOW tasks given ahead of the one the caller waits for."""

    def __init__(self, workers: int, limits: Limits):
        self.size, self.limits = workers, limits
        self.context = _context()
        self.workers: list[_Worker] = []
        self.unbounded: dict[int, list[Outcome]] = {}  # parsed here: no worker could start

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for worker in self.workers:
            worker.stop(kill=worker.task is not None)
        self.workers.clear()

    def _idle_worker(self) -> _Worker:
        for worker in self.workers:
            if worker.task is None:
                return worker
        worker = _Worker(self.context)
        self.workers.append(worker)
        return worker

    def run(self, tasks: Iterator[_Task]) -> Iterator[list[Outcome]]:
        done: dict[int, list[Outcome]] = {}
        given = 0  # tasks handed out so far (their sequence numbers)
        wanted = 0  # the next sequence number to yield
        tasks = iter(tasks)
        exhausted = False
        while True:
            while not exhausted and given - wanted < WINDOW and self._busy() < self.size:
                task = next(tasks, None)
                if task is None:
                    exhausted = True
                    break
                self._give(given, task)
                given += 1
            while wanted in done:
                yield done.pop(wanted)
                wanted += 1
            if exhausted and wanted == given:
                return
            self._collect(done)

    def _busy(self) -> int:
        return sum(1 for w in self.workers if w.task is not None)

    def _give(self, seq: int, task: _Task) -> None:
        seconds = self.limits.parse_budget(task.size)
        try:
            worker = self._idle_worker()
        except OSError:  # no worker could start: parsed here, without a budget
            self.unbounded[seq] = task.fn(*task.args)
            return
        try:
            worker.give(seq, task, seconds)
        except OSError:  # it died idle: parsed here, and the next task gets a new worker
            worker.stop(kill=True)
            self.workers.remove(worker)
            self.unbounded[seq] = task.fn(*task.args)

    def _collect(self, done: dict[int, list[Outcome]]) -> None:
        """Wait for the next worker to finish or run out of time, and take what it gave."""
        done.update(self.unbounded)
        self.unbounded.clear()
        busy = [w for w in self.workers if w.task is not None]
        if not busy:
            return
        timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic())
        ready = wait([w.conn for w in busy], timeout=timeout)
        now = time.monotonic()
        for worker in busy:
            task = worker.task
            if worker.conn in ready:
                try:
                    done[worker.seq] = worker.conn.recv()
                    worker.task = None
                    continue
                except (EOFError, OSError):
                    # The worker died (killed, out of memory): parse here instead, so that no
                    # document is lost.
                    done[worker.seq] = task.fn(*task.args)
            elif now < worker.deadline:
                continue
            else:
                done[worker.seq] = _over_budget(task, self.limits.parse_budget(task.size))
            worker.stop(kill=True)
            self.workers.remove(worker)
