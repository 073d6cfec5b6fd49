"""Every tuning knob of the search wing, in one frozen dataclass.

The backend is given one (haystack connection option `POLICY`; the defaults below otherwise)
and the index write path reads it from there (search.capabilities.policy()); a test sets a
policy (`dataclasses.replace(backend.policy, ...)`) instead of patching module names. The
figures are measured choices; the comments say what each trades.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field


def _bulk_procs() -> int:
    return min(2, os.cpu_count() or 1)


@dataclass(frozen=True)
class SearchPolicy:
    # --- the outbox during an import (search.outbox) -----------------------------------------
    # Articles per index commit when the import indexes in its own thread (no writer process).
    import_batch_articles: int = 200
    # The next commit is due this long after the END of the last one, and at least
    # import_gap_factor times as long as that one took: index commits (0.3-1 s, several
    # seconds when Whoosh merges) then take at most a third of the import's time, and the
    # writer lock is free at least two thirds of it for other processes' saves.
    import_batch_delay: float = 1.0
    import_gap_factor: float = 2.0
    # Seconds after a flush: other processes' rows waiting in the outbox make one due.
    waiting_check_after: float = 0.25
    drain_chunk: int = 500  # outbox rows per index commit when draining
    request_lock_wait: float = 2.0  # a single save never holds a request longer for the lock
    batch_lock_wait: float = 10.0  # an import's or a repair's commit
    # Seconds a living import's outbox rows are left to it (a request does not write them);
    # an import whose process is gone leaves them to anyone at once.
    import_rows_owned: float = 120.0

    # --- the index writer process beside an import (search.index_writer) ---------------------
    writer_tick: float = 0.25  # seconds between its looks at the outbox
    writer_chunk: int = 150  # articles per commit (~1 s)
    backlog_in_bulk: int = 1000  # rows left when the saving ends, written in one bulk commit
    writer_stop_wait: float = 3600.0  # seconds an import waits for its writer's last drain

    # --- backend writes (search.backend) -------------------------------------------------------
    # update_index/rebuild_index read this many articles from the database at a time
    # (haystack's default is 1,000); they all go to one bulk writer, not a commit each.
    rebuild_read_batch: int = 5000
    # Memory for a batch commit's postings before they spill to temporary files: Whoosh's
    # 128 MB spilled a batch of 5,000 articles (~1.5 million postings, ~260 MB by its estimate).
    pool_mb: int = 512
    request_pool_mb: int = 64
    bulk_pool_mb: int = 256  # update_index's one writer spills sorted runs past this
    bulk_lock_wait: float = 60.0
    # Worker processes of a bulk run, a segment each: the parent reads the database and
    # prepares documents, the workers analyse and write them (1.5x on two cores at 100k).
    bulk_procs: int = field(default_factory=_bulk_procs)
    tier_factor: int = 4  # a batch commit merges this many segments of like size into one...
    merge_max_docs: int = 10_000  # ...up to this many documents: bigger ones are never rewritten
    tiny_segment: int = 10  # documents; a request's commit merges segments this small...
    tiny_merge_at: int = 8  # ...once there are this many of them (at most 80 documents: < 1 s)

    # --- reading (search.backend) --------------------------------------------------------------
    suggest_below: int = 3  # results below this count get a spelling suggestion
    # A suggestion corrects this many unknown words at most (each is a fuzzy scan of the
    # lexicon), none longer than this, and gives up after this long: one query must never
    # hold a worker.
    suggest_max_words: int = 4
    suggest_max_word_length: int = 30
    suggest_seconds: float = 0.25
    # Words a wildcard (negotiat*) or a fuzzy word (Stoltenbrg~) stands for at most: the most
    # frequent are searched (a wildcard on the search page says when it was cut).
    prefix_terms: int = 256
    fuzzy_terms: int = 64
    # Letters a fuzzy word's matches share with it (Whoosh's own default is 1): each is a scan
    # of the index words that begin so.
    fuzzy_prefix: int = 1
    # A query's top-level AND of more parts than this searches the most selective of them
    # (the page says so); and evaluating a query gives up after query_seconds of its own CPU
    # time (the page says it was too costly): with facets, snippets and the suggester, a
    # request costs under 2 s. The 500-character adversarial queries take 10-100 ms.
    query_parts: int = 10
    query_seconds: float = 1.0
    related_text_chars: int = 2000  # of an article (title and lead) whose key terms pick related
    related_terms: int = 5  # key terms searched for (as Whoosh's more_like)
    matches_cache: int = 4  # query results kept per process (a page, its export, its feed)
    # Decoded posting lists kept per process: the words people search for come back.
    postings_cache_bytes: int = 32 * 1024 * 1024
    # Distinct facet values (slugs, months) coded per field before the codes are renumbered
    # from the segments in use (a process that lived through many renames).
    facet_values_max: int = 200_000
    # A query node the engine does not evaluate (a bug: our parser never emits one) raises
    # UnsupportedQuery; off, it is logged and answered by Whoosh's own matchers. The tests'
    # backends are strict.
    strict_queries: bool = False


DEFAULT_POLICY = SearchPolicy()
