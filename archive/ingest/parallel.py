"""Parse a stream of documents on several cores, in input order, with bounded memory.

Parsing (language detection, date parsing, markdown, HTML extraction) costs ~10 ms a
document and is pure Python with no shared state, so a bulk import parses in worker
processes while the caller saves to the database. Small imports never start a worker.
"""

from __future__ import annotations

import itertools
import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from archive.ingest.files import DEFAULT_LIMITS
from archive.ingest.types import Limits, Outcome

# Below this many documents, starting workers (each imports the parsing libraries: ~1 s)
# costs more than it saves.
INLINE_FIRST = 48
# Documents submitted ahead of the one being saved: keeps both cores busy, memory bounded.
WINDOW = 64

Document = tuple[str, bytes | None, str]


def parse_document(document: Document, format: str, source: str, limits: Limits) -> list[Outcome]:
    """One (name, data, error) triple from iter_documents -> its Outcomes; never raises."""
    from archive.ingest import parse

    name, data, error = document
    if data is None:
        return [Outcome(name, error=error or "cannot read file")]
    try:
        return parse(data, name=name, format=format, source=source, limits=limits)
    except Exception as exc:  # parse() is built not to raise; a bug must not stop the batch
        return [Outcome(name, error=f"could not parse: {type(exc).__name__}: {exc}")]


def parse_stream(
    documents: Iterable[Document],
    *,
    format: str = "auto",
    source: str = "",
    limits: Limits = DEFAULT_LIMITS,
    workers: int = 1,
) -> Iterator[list[Outcome]]:
    """(name, data, error) triples -> one list of Outcomes per document, in input order."""
    documents = iter(documents)
    head = list(itertools.islice(documents, INLINE_FIRST))
    for document in head:
        yield parse_document(document, format, source, limits)
    if len(head) < INLINE_FIRST or workers <= 1:
        for document in documents:
            yield parse_document(document, format, source, limits)
        return
    yield from _parse_in_pool(documents, format, source, limits, workers)


def _parse_in_pool(documents, format, source, limits, workers) -> Iterator[list[Outcome]]:
    # forkserver: workers start from a clean interpreter, not a copy of a Django process
    # with open database connections.
    context = multiprocessing.get_context("forkserver")
    pending: deque[tuple[Document, Future]] = deque()
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for document in documents:
            pending.append(
                (document, pool.submit(parse_document, document, format, source, limits))
            )
            if len(pending) >= WINDOW:
                yield _result(*pending.popleft(), format, source, limits)
        while pending:
            yield _result(*pending.popleft(), format, source, limits)


def _result(document: Document, future: Future, format, source, limits) -> list[Outcome]:
    try:
        return future.result()
    except BrokenProcessPool:
        # A worker died (killed, out of memory): parse here instead, so no document is lost.
        return parse_document(document, format, source, limits)
