"""What the search backend can do, asked in one place.

A backend declares what it offers as a class attribute `capabilities` (as Wagtail's backends
declare `supports_facet`); any other haystack backend (Elasticsearch) offers none of it, and
callers take haystack's own paths. Nothing else in the project probes a backend with
hasattr/getattr.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from haystack import connections

from search.policy import DEFAULT_POLICY, SearchPolicy


@dataclass(frozen=True)
class Capabilities:
    # Each facet counted under the query and the *other* filters in one search call.
    multiselect_facets: bool = False
    # An empty query with filters, facets and a date sort answered from memory in
    # milliseconds, so search.results lists it through the index, not the database.
    fast_listing: bool = False
    # apply_changes(index, load, wait=, batch=): loads the database rows under the index lock
    # (so concurrent writers never overwrite a newer version) and commits once.
    locked_loads: bool = False
    # bulk_writes(wait=): a context in which every write goes to one writer, committed at the end.
    bulk_writes: bool = False
    # indexed_ids(): every indexed primary key in one pass.
    id_column: bool = False
    # analyze(text, language="") -> (term, start, end): the index's own analysis (of an
    # article in that language), for snippets.
    analysis: bool = False
    # problem() -> "" or what is wrong, and doc_count(): checks that never recreate an index.
    self_check: bool = False
    # prefix_overflow(field, prefix) -> (words the prefix stands for, words searched) when the
    # first is more (the most frequent are kept), else None: the search page says so.
    prefix_counts: bool = False
    # fuzzy_stems(field, word, edits) -> the index terms a fuzzy word stands for (as the
    # analysis capability gives them), so snippets mark what a fuzzy word matched.
    fuzzy_stems: bool = False
    # The haystack query's `notices` after a run: what the page should say about how the
    # query was answered (cut to its most selective parts; too costly to answer).
    query_notices: bool = False
    # search(end_offset=None) gives every match in one call, so a whole result set is read
    # with one search (haystack's Elasticsearch backend answers 10 then: count, then slice).
    whole_results: bool = False

    @classmethod
    def every(cls) -> Capabilities:
        return cls(**{f.name: True for f in fields(cls)})


NONE = Capabilities()


def of(backend) -> Capabilities:
    """The capabilities `backend` declares; none for a backend that declares nothing."""
    declared = getattr(backend, "capabilities", NONE)
    return declared if isinstance(declared, Capabilities) else NONE


def backend(alias: str = "default"):
    return connections[alias].get_backend()


def current(alias: str = "default") -> Capabilities:
    return of(backend(alias))


def policy(alias: str = "default") -> SearchPolicy:
    """The tuning policy the backend was given (the defaults for a backend without one)."""
    given = getattr(backend(alias), "policy", None)
    return given if isinstance(given, SearchPolicy) else DEFAULT_POLICY
