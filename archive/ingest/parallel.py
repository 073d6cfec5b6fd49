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
import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from archive.ingest.files import DEFAULT_LIMITS
from archive.ingest.types import Limits, Outcome

# Below this many articles, starting workers (each imports the parsing libraries: ~1 s)
# costs more than it saves.
INLINE_FIRST = 48
# Tasks (documents or chunks of lines) submitted ahead of the one being saved: keeps both
# cores busy, memory bounded.
WINDOW = 16
JSONL_LINES = 50  # lines of a JSON-lines document per task

Document = tuple[str, bytes | None, str]


def parse_document(
    document: Document, format: str, source: str, limits: Limits, finish=None
) -> list[Outcome]:
    """One (name, data, error) triple from iter_documents -> its Outcomes; never raises.
    `finish(outcomes)`, when given, then works on them in place (in the same process)."""
    from archive.ingest import parse

    name, data, error = document
    if data is None:
        return [Outcome(name, error=error or "cannot read file")]
    try:
        outcomes = parse(data, name=name, format=format, source=source, limits=limits)
    except Exception as exc:  # parse() is built not to raise; a bug must not stop the batch
        return [Outcome(name, error=f"could not parse: {type(exc).__name__}: {exc}")]
    return _finished(outcomes, finish)


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

    `finish`, a module-level function (workers receive it pickled), is called on each
    list of outcomes where they were parsed: work the caller would otherwise do itself.
    """
    tasks = _tasks(documents, format, source, limits, finish)
    head, weight = [], 0
    for task in tasks:
        head.append(task)
        weight += task[2]
        if weight >= INLINE_FIRST:
            break
    for fn, args, _weight in head:
        yield fn(*args)
    if weight < INLINE_FIRST or workers <= 1:
        for fn, args, _weight in tasks:
            yield fn(*args)
        return
    yield from _parse_in_pool(tasks, workers)


def _tasks(documents, format, source, limits, finish) -> Iterator[tuple]:
    """(function, arguments, articles it parses about) for each piece of work."""
    from archive.ingest import split_jsonl

    for document in documents:
        name, data, _error = document
        chunks = None
        if data is not None:
            chunks = split_jsonl(data, name=name, format=format, limits=limits, lines=JSONL_LINES)
        if not chunks:
            yield parse_document, (document, format, source, limits, finish), 1
            continue
        for chunk in chunks:
            yield parse_chunk, (chunk, name, source, limits, finish), JSONL_LINES


def _parse_in_pool(tasks, workers) -> Iterator[list[Outcome]]:
    # forkserver: workers start from a clean interpreter, not a copy of a Django process
    # with open database connections.
    context = multiprocessing.get_context("forkserver")
    pending: deque[tuple[tuple, Future | None]] = deque()
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for fn, args, _weight in tasks:
            try:
                future = pool.submit(fn, *args)
            except BrokenProcessPool:
                future = None  # the pool is gone: this and the rest are parsed here
            pending.append(((fn, args), future))
            if len(pending) >= WINDOW:
                yield _result(*pending.popleft())
        while pending:
            yield _result(*pending.popleft())


def _result(task: tuple, future: Future | None) -> list[Outcome]:
    fn, args = task
    if future is None:
        return fn(*args)
    try:
        return future.result()
    except BrokenProcessPool:
        # A worker died (killed, out of memory): parse here instead, so no document is lost.
        return fn(*args)
