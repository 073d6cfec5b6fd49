"""What one query may cost the engine: a time budget, and long queries cut to their most
selective parts.

Every other bound is a cap where the cost arises (the parser's numbers of words, wildcards
and fuzzy words; the policy's expansions of a wildcard or a fuzzy word; the suggester's few
words and its own budget). This is the last line: evaluation checks the clock at every node
and every term it reads, and gives up past the policy's query_seconds (QueryTooCostly), so
no input holds a worker for long, whatever the next unforeseen expensive query is.

The clock is the thread's CPU time, not the wall clock: on a machine busy with other work an
ordinary query waits for the processor too (a two-word phrase took 1.3 s of wall time at
10,000 articles with the load at 14 on two cores, 0.2 s of its own), and must not be refused
for it; what is bounded is what the query itself costs.
"""

from __future__ import annotations

import contextlib
import time
from contextvars import ContextVar

from whoosh import query as wq

_DEADLINE: ContextVar[float | None] = ContextVar("search_deadline", default=None)


class QueryTooCostly(Exception):
    """Evaluating the query took longer than its budget."""


@contextlib.contextmanager
def within(seconds: float):
    """Evaluation inside may take `seconds` of CPU time at most (then check() raises
    QueryTooCostly)."""
    token = _DEADLINE.set(time.thread_time() + seconds)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def check() -> None:
    deadline = _DEADLINE.get()
    if deadline is not None and time.thread_time() > deadline:
        raise QueryTooCostly("the query took longer than its time budget")


def most_selective(q, reader, most: int) -> tuple[object, int]:
    """`q` with at most `most` of its top-level AND's positive parts, the ones matching the
    fewest documents (a word the index lacks first: it alone decides that nothing matches),
    and how many parts were left out. Exclusions are kept. Whatever the words left out would
    have removed is then listed too: the caller says so."""
    if not isinstance(q, wq.And) or len(q.subqueries) <= most:
        return q, 0
    positive = [s for s in q.subqueries if not isinstance(s, wq.Not)]
    if len(positive) <= most:
        return q, 0
    negative = [s for s in q.subqueries if isinstance(s, wq.Not)]
    sizes = {id(s): _size(s, reader) for s in positive}
    kept = sorted(positive, key=lambda s: sizes[id(s)])[:most]
    chosen = {id(s) for s in kept}
    ordered = [s for s in positive if id(s) in chosen]  # the reader's order
    return wq.And(ordered + negative, boost=q.boost), len(positive) - len(kept)


def _size(q, reader) -> int:
    """Documents `q` may match, estimated without reading postings (a wildcard or a fuzzy
    word counts as the most: its expansion is what costs)."""
    if isinstance(q, wq.Term) and not isinstance(q, wq.FuzzyTerm):
        return reader.doc_frequency(q.fieldname, q.text)
    if isinstance(q, wq.Phrase):
        return min((reader.doc_frequency(q.fieldname, w) for w in q.words), default=0)
    if isinstance(q, wq.And):
        parts = [s for s in q.subqueries if not isinstance(s, wq.Not)]
        return min((_size(s, reader) for s in parts), default=0)
    if isinstance(q, wq.Or):
        return sum(_size(s, reader) for s in q.subqueries)
    return reader.doc_count_all()
