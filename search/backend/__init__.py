"""Our haystack backend for Whoosh. This package is the only place that knows Whoosh;
everything else speaks haystack.

    engine.py     queries evaluated on whole posting lists (numpy), BM25F as Whoosh scores
    postings.py   posting lists read straight from the segment files, cached
    columns.py    ids, dates and facet values of every document as arrays
    analysis.py   the one-pass analyzer and positions format (Whoosh's terms, faster)
    writing.py    the codec, pool and parallel writer of bulk runs

What this adds to haystack's Whoosh backend, and why (measured traps, issues 4 and 6):

- Analysis: case folding, accent folding and English stemming on the text, so "Plotner" finds
  "Plötner" (and back) and "negotiations" finds "negotiate". Names (authors, source, tags) are
  folded but not stemmed.
- Lean schema: nothing is stored but the ids; snippets are cut from the database text. Facet
  fields (haystack's Facet*Field) are unanalysed ID/KEYWORD fields, so facets are slugs, not
  word stems.
- One searcher per process, refreshed only when the index generation changes (haystack opens
  one per query: 45 ms at 10k documents).
- Queries evaluated on whole posting lists with numpy (search.backend.engine), scored with
  the same BM25F as Whoosh's: Whoosh's own matchers step through postings one at a time in
  Python, over 100 ms for three common words at 100,000 articles.
- Filters and facets off Whoosh's slow paths: per segment, the facet values, dates and ids of
  every document are read once into arrays (search.backend.columns); a filter is a mask and a
  facet a bincount over the matches. Facet counts are "multi-select": each facet is counted
  under the query and the *other* narrowings.
- A match-all query (an empty query with filters) is answered from the columns, never by
  Whoosh's match-all (which reads every posting: seconds at 10,000 articles).
- Spelling suggestions when a query finds few results (haystack gives none when there are none).
- Writes retry with backoff on the writer lock and raise IndexLocked when it stays held, so the
  caller (search.outbox) keeps the update for later instead of dropping it silently.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from django.core.exceptions import ImproperlyConfigured
from django.utils.encoding import force_str
from haystack import connections
from haystack.backends import log_query
from haystack.backends.whoosh_backend import WhooshEngine, WhooshSearchBackend, WhooshSearchQuery
from haystack.constants import DJANGO_CT, DJANGO_ID, ID
from haystack.exceptions import SkipDocument
from haystack.models import SearchResult
from haystack.utils import get_identifier
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.fields import DATETIME, KEYWORD, TEXT, Schema
from whoosh.fields import ID as WHOOSH_ID
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError
from whoosh.reading import SegmentReader

from search.backend import budget, columns, engine, languages
from search.backend.analysis import (
    FoldedStemAnalyzer,
    FoldedStemPositions,
    language_code,
    marked,
    name_analyzer,
)
from search.backend.writing import ParallelWriter, segment_writer
from search.capabilities import Capabilities
from search.inputs import Fuzzy
from search.policy import SearchPolicy

log = logging.getLogger(__name__)

MATCH_ALL = {"*", "*:*"}  # haystack's matching_all_fragment() for Whoosh, and its usual form
REDUCED = (
    "This query has {parts} parts; the {kept} that match the fewest articles were searched, "
    "so some results may lack the others."
)
TOO_COSTLY = (
    "This query took too long to answer, so nothing is listed: wildcards, fuzzy words~ and "
    "long phrases cost the most. Try fewer of them."
)


class IndexLocked(Exception):
    """The index writer lock stayed held; nothing was written."""


def text_analyzer():
    """Case- and accent-folded, stop words removed, English stems (one pass: analysis.py)."""
    return FoldedStemAnalyzer("en")


def _text_field(boost: float = 1.0) -> TEXT:
    """Analysed text with positions (for phrases), written by the one-pass format."""
    field = TEXT(analyzer=text_analyzer(), field_boost=boost)
    field.format = FoldedStemPositions(field_boost=boost)
    return field


@dataclass(frozen=True)
class Served:
    """What the backend serves, as its one SearchIndex (ArticleIndex) declares it: the model
    (results name it) and the date field with the facet derived from it (a date filter does
    not narrow that facet: every month stays listed)."""

    app_label: str
    model_name: str
    date_field: str
    date_facet: str
    language_field: str = ""  # the document's language: its text is stemmed in it

    @classmethod
    def of(cls, unified_index) -> Served:
        indexes = list(unified_index.get_indexes().values())
        if len(indexes) != 1:
            raise ImproperlyConfigured(f"this backend serves one SearchIndex, not {len(indexes)}")
        index = indexes[0]
        meta = index.get_model()._meta
        language = getattr(index, "language_field", "")  # declared by the SearchIndex, or not
        return cls(meta.app_label, meta.model_name, index.date_field, index.date_facet, language)

    def result(self, result_class, pk, score):
        return result_class(self.app_label, self.model_name, pk, score)


@dataclass
class _View:
    """A searcher with what was read of it: its segments (for postings) and its columns."""

    searcher: object
    segs: engine.Segments
    cols: columns.Columns
    languages: tuple[str, ...] = ()  # stemmed languages other than English it holds


@dataclass
class _Narrowing:
    """One narrow query: the index fields it reads and the documents passing it (a mask)."""

    fieldnames: set[str]
    mask: np.ndarray


class ArchiveWhooshSearchQuery(WhooshSearchQuery):
    """Haystack's Whoosh query, with a fuzzy word written with its own number of edits and
    the policy's prefix (haystack writes every fuzzy word `~2/3`)."""

    notices: tuple = ()  # what the backend said about how the last run was answered

    def run(self, spelling_query=None, **kwargs):
        """Haystack's run(), keeping the backend's notices too."""
        search_kwargs = self.build_params(spelling_query=spelling_query)
        search_kwargs.update(kwargs)
        results = self.backend.search(self.build_query(), **search_kwargs)
        self._results = results.get("results", [])
        self._hit_count = results.get("hits", 0)
        self._facet_counts = self.post_process_facets(results)
        self._spelling_suggestion = results.get("spelling_suggestion", None)
        self.notices = tuple(results.get("notices", ()))

    def build_query_fragment(self, field, filter_type, value):
        if filter_type == "fuzzy" and isinstance(value, Fuzzy):
            word = self.clean(value.prepare(self))
            prefix = min(self.backend.policy.fuzzy_prefix, max(len(word) - 1, 0))
            fuzzy = f"{word}~{value.edits}/{prefix}" if prefix else f"{word}~{value.edits}"
            if field == "content":
                return f"({fuzzy})"
            unified = connections[self._using].get_unified_index()
            return f"{unified.get_index_fieldname(field)}:({fuzzy})"
        return super().build_query_fragment(field, filter_type, value)


class ArchiveWhooshBackend(WhooshSearchBackend):
    # What callers may ask of it (search.capabilities): every one of them.
    capabilities = Capabilities.every()

    def __init__(self, connection_alias, **options):
        super().__init__(connection_alias, **options)
        # The tuning knobs (search.policy); a test or a deployment passes its own.
        self.policy: SearchPolicy = options.get("POLICY") or SearchPolicy()
        self.batch_size = options.get("BATCH_SIZE", self.policy.rebuild_read_batch)
        self.include_spelling = True
        self._lock = threading.RLock()
        self._searcher = None
        self._view: _View | None = None  # for self._searcher
        self._store = columns.SegmentStore()  # what is read of each segment (per setup)
        self._matches: OrderedDict = OrderedDict()  # query results of the current view
        self.served: Served | None = None  # the model and date fields, from its SearchIndex
        self._bulk = None  # the writer of a bulk_writes() block
        self.facet_fields: list[str] = []
        self.multi_valued: set[str] = set()

    # --- schema -------------------------------------------------------------------------------
    def build_schema(self, fields):
        schema_fields = {
            ID: WHOOSH_ID(stored=True, unique=True),
            DJANGO_CT: WHOOSH_ID(stored=False),
            # A column, so every document's id can be read in one pass (check_index, sorting).
            DJANGO_ID: WHOOSH_ID(stored=True, sortable=True),
        }
        content_field_name = ""
        self.facet_fields = []
        self.multi_valued = set()
        for field in fields.values():
            name = field.index_fieldname
            if hasattr(field, "facet_for"):  # haystack's Facet*Field: an unanalysed value
                self.facet_fields.append(name)
                if field.is_multivalued:
                    self.multi_valued.add(name)
                    schema_fields[name] = KEYWORD(commas=True, lowercase=False, scorable=False)
                else:
                    schema_fields[name] = WHOOSH_ID()
            elif field.field_type in ("date", "datetime"):
                schema_fields[name] = DATETIME(sortable=True)
            elif field.document:
                content_field_name = name
                # No spelling=True: Whoosh's extra word field halves indexing speed and adds
                # 1.5x the raw text to the index; suggestions work from the stems instead.
                schema_fields[name] = _text_field()
            elif field.boost != 1.0:
                schema_fields[name] = _text_field(field.boost)
            else:
                schema_fields[name] = TEXT(analyzer=name_analyzer())
        return content_field_name, Schema(**schema_fields)

    def setup(self, *, create: bool = True):
        """Open (or create) the index. Haystack's own setup, with three differences: files are
        read, not mmapped (a segment overwritten under a worker would kill it with SIGBUS),
        the parser reads fuzzy words (`word~1/1`) and proximity (`"a b"~N`, order-free:
        engine.Near; haystack's parser reads it as an ordered phrase), and a read
        (create=False) never creates an index while the archive holds articles: a lost index
        must show as unavailable, not as an empty one answering "no results"."""
        from haystack import connections

        os.makedirs(self.path, exist_ok=True)
        if not os.access(self.path, os.W_OK):
            raise OSError(f"The search index directory {self.path} is not writable.")
        self.storage = FileStorage(self.path, supports_mmap=False)
        unified = connections[self.connection_alias].get_unified_index()
        self.content_field_name, self.schema = self.build_schema(unified.all_searchfields())
        self.served = Served.of(unified)
        self.parser = engine.query_parser(
            self.content_field_name, languages.query_schema(self.schema, self.content_field_name)
        )
        if whoosh_index.exists_in(self.path):
            self.index = self.storage.open_index(schema=self.schema)
        elif create or not _archive_has_articles():
            self.index = self.storage.create_index(self.schema)
        else:
            raise FileNotFoundError(f"search index is missing from {self.path}")
        self.setup_complete = True
        self._reset_searcher()

    def _reset_searcher(self):
        with self._lock:
            self._searcher = None
            self._view = None
            self._store = self._new_store()
            self._matches.clear()

    def _new_store(self) -> columns.SegmentStore:
        date_field = self.served.date_field if self.served.date_field in self.schema else ""
        single = tuple(f for f in self.facet_fields if f not in self.multi_valued)
        multi = tuple(f for f in self.facet_fields if f in self.multi_valued)
        return columns.SegmentStore(
            columns.Layout(id_field=DJANGO_ID, date_field=date_field, single=single, multi=multi),
            postings_bytes=self.policy.postings_cache_bytes,
            max_values=self.policy.facet_values_max,
        )

    # --- the one searcher ---------------------------------------------------------------------
    def searcher(self):
        """The process's searcher, refreshed when another writer has committed."""
        return self.view().searcher

    def view(self) -> _View:
        """The current searcher with its segments and columns, refreshed when another writer
        has committed (a new segment is read once; the others keep what was read)."""
        if not self.setup_complete:
            self.setup(create=False)
        with self._lock:
            if self._searcher is None:
                self._searcher = self.index.refresh().searcher()
                self._view = None
            else:
                fresh = self._searcher.refresh()
                if fresh is not self._searcher:
                    self._searcher = fresh
                    self._view = None
            if self._view is None:
                self._view = self._make_view(self._searcher)
                self._matches.clear()
            return self._view

    def _make_view(self, searcher) -> _View:
        """A view of the searcher: the store keeps only its segments, and a new segment's
        columns are read now (the others' were, in their segment's life)."""
        leaves = searcher.reader().leaf_readers()
        store = self._store
        store.keep({engine.segment_id(reader) for reader, _offset in leaves})
        parts = [
            (store.columns(engine.segment_id(r), r, engine.read_numbers), offset, _live_mask(r))
            for r, offset in leaves
        ]
        segs = engine.Segments(
            searcher, store, strict=self.policy.strict_queries, policy=self.policy
        )
        cols = columns.merge(parts)
        language = self.served.language_field
        held = ()
        if language in cols.vocabularies:
            held = languages.present(cols.counts(language, cols.live))
        return _View(searcher, segs, cols, held)

    # --- writing ------------------------------------------------------------------------------
    def _writer(self, wait: float, limitmb: int, procs: int = 1):
        """A writer, retrying with backoff while another process holds the lock."""
        deadline = time.monotonic() + wait
        delay = 0.02
        while True:
            try:
                if procs > 1:
                    return ParallelWriter(self.index, procs=procs, limitmb=limitmb)
                return segment_writer(self.index, limitmb=limitmb)
            except LockError:
                if time.monotonic() >= deadline:
                    raise IndexLocked(f"index writer lock held for more than {wait:.1f}s")
                time.sleep(delay)
                delay = min(delay * 2, 0.5)

    def apply_changes(self, index, load, wait: float | None = None, batch: bool = True):
        """Take the writer lock, then call `load()` for (objects to index, document ids to
        remove) and write them in one commit.

        `batch=False` (one request's save) merges only a few tiny segments on commit, so the
        commit stays short whatever the index holds: a Whoosh merge rewrites every posting of
        the merged segments at about 75 documents/s (4.8 s for 364 documents at 10k) with the
        lock held, and the save is searchable only after it. Batch commits (imports, outbox
        drains) merge segments of like size, never into one over the policy's merge_max_docs
        (_merge_tiered), which keeps the segment count down without ever rewriting the
        whole index.

        Loading under the lock is what keeps concurrent writers from overwriting a newer
        version with an older one: whoever holds the lock reads the database after every
        earlier writer committed. Raises IndexLocked when the lock stays held for `wait`
        seconds; nothing is loaded or written then.
        """
        if not self.setup_complete:
            self.setup()
        if self._bulk is not None:
            self._add(self._bulk, index, load)
            return
        policy = self.policy
        self.index = self.index.refresh()
        wait = policy.batch_lock_wait if wait is None else wait
        writer = self._writer(wait, policy.pool_mb if batch else policy.request_pool_mb)
        try:
            if not self._add(writer, index, load):
                writer.cancel()  # an empty commit would still make every searcher reopen
                return
        except BaseException:
            writer.cancel()
            raise
        writer.commit(mergetype=batch_merge(policy) if batch else request_merge(policy))

    def _add(self, writer, index, load) -> bool:
        """Write load()'s changes with `writer`; False when there were none."""
        objs, remove_ids = load()
        docs = {}
        for obj in objs:
            try:
                doc = index.full_prepare(obj)
            except SkipDocument:
                continue
            language = doc.get(self.served.language_field) if self.served.language_field else ""
            text = doc.get(self.content_field_name)
            if language and isinstance(text, str):  # stemmed in its own language
                doc[self.content_field_name] = marked(text, language)
            docs[doc[ID]] = {k: self._from_python(v) for k, v in doc.items() if k != "boost"}
        if not docs and not remove_ids:
            return False
        # One reader for all the deletions: Whoosh's update_document opens a new reader
        # over every segment for each document (most of the time of a rebuild).
        with writer.searcher() as searcher:
            for ident in [*docs, *remove_ids]:
                for docnum in searcher.document_numbers(**{ID: ident}):
                    writer.delete_document(docnum)
        for doc in docs.values():
            writer.add_document(**doc)
        return True

    @contextlib.contextmanager
    def bulk_writes(self, wait: float | None = None):
        """Every update() and remove() inside goes through one writer, committed at the end:
        a whole update_index run becomes one segment per worker process (a segment per batch
        made 21 at 100,000 articles, each with its own copy of the vocabulary: an index 1.8
        times the text, and a term lookup per segment for every query word). The writer
        lock is held throughout; other processes' saves wait in the outbox meanwhile."""
        if not self.setup_complete:
            self.setup()
        policy = self.policy
        self.index = self.index.refresh()
        wait = policy.bulk_lock_wait if wait is None else wait
        writer = self._writer(wait, policy.bulk_pool_mb, procs=policy.bulk_procs)
        self._bulk = writer
        try:
            yield
        except BaseException:
            self._bulk = None
            writer.cancel()
            raise
        self._bulk = None
        # Existing segments merge as a batch commit's do (on an empty index: none to merge).
        writer.commit(mergetype=batch_merge(policy))

    def update(self, index, iterable, commit=True):
        objs = list(iterable)
        if objs:
            self.apply_changes(index, lambda: (objs, []))

    def remove(self, obj_or_string, commit=True):
        self.apply_changes(None, lambda: ([], [get_identifier(obj_or_string)]))

    def clear(self, models=None, commit=True):
        """Empty the index. Clearing everything removes the directory first, so a corrupt
        index can be rebuilt (haystack's clear opens it before deleting it, and fails)."""
        if models is None:
            shutil.rmtree(self.path, ignore_errors=True)
            self.setup_complete = False
            self.setup()
            return
        super().clear(models=models, commit=commit)
        self._reset_searcher()

    # --- reading ------------------------------------------------------------------------------
    def _parse(self, query_string: str, view: _View | None = None):
        """The Whoosh query for a haystack query string: its text words stemmed in every
        language the index holds (search.backend.languages), its prefixes expanded against
        `view` (the search's own: a fresh view mid-search would evict its segments)."""
        q = self.parser.parse(force_str(query_string))
        if q is None or q is wq.NullQuery or isinstance(q, wq.Every):
            return None
        held = view.languages if view is not None else ()
        analyzer = self.schema[self.content_field_name].analyzer
        q = q.accept(
            languages.Stemming(analyzer, self.content_field_name, self.served.language_field, held)
        )
        if view is not None:
            q = q.accept(lambda node: self._expand_prefix(node, view.searcher.reader()))
        return q

    def _expand_prefix(self, q, reader):
        """ "negotiat*" must find "negotiations", indexed as the stem "negoti": a prefix on the
        stemmed text also matches stems that are the prefix cut short by one or two letters
        (stemming removes at most that much of a word's beginning in practice)."""
        if not (isinstance(q, wq.Prefix) and q.fieldname == self.content_field_name):
            return q
        shorter = [q.text[:-n] for n in (1, 2) if len(q.text) - n >= 4]
        known = [t for t in shorter if reader.doc_frequency(q.fieldname, t)]
        if not known:
            return q
        return wq.Or([q] + [wq.Term(q.fieldname, t) for t in known], boost=q.boost)

    def _query_matches(self, view: _View, query_string: str, q):
        """Live documents matching `q` with their scores, and what the page should say about
        how it was answered; the last few are kept, since one page asks for the same query
        more than once (results, export chunks).

        The cost is bounded (search.backend.budget): a top-level AND of more than the
        policy's query_parts parts searches the most selective of them, and evaluation
        gives up after query_seconds (nothing is listed then, and the page says why)."""
        with self._lock:
            if query_string in self._matches:
                self._matches.move_to_end(query_string)
                return self._matches[query_string]
        policy = self.policy
        q, dropped = budget.most_selective(q, view.searcher.reader(), policy.query_parts)
        notices = [REDUCED.format(parts=policy.query_parts + dropped, kept=policy.query_parts)]
        notices = notices if dropped else []
        try:
            with budget.within(policy.query_seconds):
                found = engine.evaluate(q, view.segs)
        except budget.QueryTooCostly:
            log.warning("search: query over its %.1fs budget: %r", policy.query_seconds, q)
            found, notices = engine.Matches.none(), [*notices, TOO_COSTLY]
        live = view.cols.live[found.ids]
        if not live.all():
            found = engine.Matches(found.ids[live], found.scores[live])
        with self._lock:
            self._matches[query_string] = (found, notices)
            while len(self._matches) > 2 * policy.matches_cache:  # with their suggestions
                self._matches.popitem(last=False)
        return found, notices

    @staticmethod
    def _every_document(view: _View) -> engine.Matches:
        """Every live document (haystack's match-all), from the columns: no posting is read
        (Whoosh's own match-all query took seconds at 10,000 articles)."""
        ids = np.flatnonzero(view.cols.live)
        return engine.Matches(ids, np.zeros(len(ids), dtype=np.float64))

    def _narrowing(self, view: _View, q) -> _Narrowing:
        """A narrow query as a mask over every document number."""
        cols = view.cols
        date_field = self.served.date_field
        if isinstance(q, wq.NumericRange) and q.fieldname == date_field:
            return _Narrowing({date_field}, cols.date_mask(q.start, q.end))
        terms = (
            [q] if isinstance(q, wq.Term) else list(q.subqueries) if isinstance(q, wq.Or) else []
        )
        if terms and all(isinstance(t, wq.Term) for t in terms):
            names = {t.fieldname for t in terms}
            if len(names) == 1:
                mask = cols.mask(next(iter(names)), [force_str(t.text) for t in terms])
                if mask is not None:
                    return _Narrowing(names, mask)
        mask = np.zeros(cols.size, dtype=bool)
        mask[engine.evaluate(q, view.segs).ids] = True
        names = {fieldname for fieldname, _text in q.iter_all_terms()}
        return _Narrowing(names, mask)

    def _narrowings(self, view: _View, narrow_queries) -> list[_Narrowing]:
        narrowings = []
        for nq in sorted(narrow_queries or ()):
            if nq.startswith(f"{DJANGO_CT}:"):
                continue  # one model is indexed: restricting to it would read every document
            q = self._parse(nq)
            if q is not None:
                narrowings.append(self._narrowing(view, q))
        return narrowings

    @log_query
    def search(
        self,
        query_string,
        sort_by=None,
        start_offset=0,
        end_offset=None,
        facets=None,
        narrow_queries=None,
        spelling_query=None,
        result_class=None,
        **kwargs,
    ):
        """Haystack's search contract, answered from the one searcher and the columns."""
        empty = {"results": [], "hits": 0, "facets": {}, "spelling_suggestion": None}
        view = self.view()
        notices: list[str] = []
        if (query_string or "").strip() in MATCH_ALL:
            found = self._every_document(view)
            spelling_query = None
        else:
            q = self._parse(query_string, view) if query_string else None
            if q is None:
                return empty
            found, notices = self._query_matches(view, query_string, q)
        narrowings = self._narrowings(view, narrow_queries)
        in_query = np.zeros(view.cols.size, dtype=bool)
        in_query[found.ids] = True
        passing = in_query.copy()
        for narrowing in narrowings:
            passing &= narrowing.mask
        keep = passing[found.ids]
        hits = int(keep.sum())
        facet_counts = self._count_facets(view, in_query, narrowings, list(facets or ()))
        page = self._page(view, found, keep, sort_by, start_offset, end_offset)
        result_class = result_class or SearchResult
        results = [self.served.result(result_class, pk, score) for pk, score in page]
        suggestion = None
        if hits < self.policy.suggest_below and spelling_query:
            suggestion = self._suggestion(spelling_query)
        return {
            "results": results,
            "hits": hits,
            "facets": {"fields": facet_counts, "dates": {}, "queries": {}} if facets else {},
            "spelling_suggestion": suggestion,
            "notices": notices,
        }

    def _count_facets(self, view: _View, in_query, narrowings, facets) -> dict:
        """Each facet counted over the documents that pass every narrowing except its own
        field's (the month facet ignores the date narrowing)."""
        counts = {}
        for name in facets:
            selected = in_query.copy()
            for narrowing in narrowings:
                if not self._touches(narrowing, name):
                    selected &= narrowing.mask
            counts[name] = view.cols.counts(name, selected)
        return counts

    def _touches(self, narrowing: _Narrowing, facet: str) -> bool:
        served = self.served
        return facet in narrowing.fieldnames or (
            facet == served.date_facet and served.date_field in narrowing.fieldnames
        )

    def _page(self, view: _View, found, keep, sort_by, start_offset, end_offset):
        """(pk, score) of the matches from start_offset to end_offset, in the asked order."""
        start = start_offset or 0
        total = int(keep.sum())
        end = total if end_offset is None else min(end_offset, total)
        if start >= end:
            return []
        cols = view.cols
        if sort_by:
            ids = found.ids[keep]
            newest = sort_by[0].startswith("-")
            dates = cols.dates[ids]
            dated = dates != columns.NO_DATE
            # Undated articles last either way; ties by id, in the sort's direction.
            if newest:
                order = np.lexsort((-cols.pks[ids], -dates, ~dated))
            else:
                order = np.lexsort((cols.pks[ids], dates, ~dated))
            chosen = ids[order[start:end]]
            return [(int(cols.pks[d]), None) for d in chosen]
        ids, scores = engine.top(found, keep, end)
        pairs = zip(ids[start:end], scores[start:end], strict=True)
        return [(int(cols.pks[d]), float(s)) for d, s in pairs]

    def prefix_overflow(self, field: str, prefix: str) -> tuple[int, int] | None:
        """(words of `field` that start with `prefix`, words a prefix query searches) when the
        first is more (the policy's prefix_terms, the most frequent, are kept); else None."""
        reader = self.searcher().reader()
        try:
            words = reader.expand_prefix(field or self.content_field_name, prefix)
            count = sum(1 for _word in words)
        except Exception:  # an unknown field: nothing was cut
            return None
        most = self.policy.prefix_terms
        return (count, most) if count > most else None

    def fuzzy_stems(self, field: str, word: str, edits: int) -> list[str]:
        """The index terms `word`~`edits` stands for in `field` (the text when empty), as a
        query searches them."""
        fieldname = field or self.content_field_name
        if fieldname not in self.schema:
            return []
        stems = [t.text for t in self.schema[fieldname].analyzer(word, mode="query")]
        if len(stems) != 1:
            return []
        view = self.view()
        prefix = min(self.policy.fuzzy_prefix, max(len(stems[0]) - 1, 0))
        return engine.fuzzy_expansion(view.segs, fieldname, stems[0], edits, prefix)

    def _suggestion(self, query_string: str) -> str | None:
        """create_spelling_suggestion(), kept with the query's matches: a page runs its
        query more than once (the count, the page, the facets)."""
        key = ("suggestion", query_string)
        with self._lock:
            if key in self._matches:
                return self._matches[key]
        suggestion = self.create_spelling_suggestion(query_string)
        with self._lock:
            self._matches[key] = suggestion
            while len(self._matches) > 2 * self.policy.matches_cache:
                self._matches.popitem(last=False)
        return suggestion

    def create_spelling_suggestion(self, query_string):
        """The query with each word the index does not know replaced by the closest known
        word (by edit distance of the stems, then by how many documents hold it); None when
        nothing changes. Operators, fields and punctuation are kept as they were.

        The cost is bounded whatever the query: each distinct word is looked up once, at most
        the policy's suggest_max_words unknown words are corrected (a fuzzy scan of the lexicon
        each), words longer than suggest_max_word_length are left alone, and once
        suggest_seconds have gone the rest of the query is kept as written."""
        policy = self.policy
        searcher = self.searcher()
        reader = searcher.reader()
        field_name = self.content_field_name
        analyzer = self.schema[field_name].analyzer
        deadline = time.monotonic() + policy.suggest_seconds
        segs = self.view().segs
        fixed: dict[str, str] = {}  # word -> its replacement (itself when kept)
        lookups = 0

        def correct(word: str) -> str:
            nonlocal lookups
            if len(word) > policy.suggest_max_word_length:
                return word
            stems = [t.text for t in analyzer(word, mode="query")]
            if len(stems) != 1 or reader.doc_frequency(field_name, stems[0]):
                return word
            if lookups >= policy.suggest_max_words or time.monotonic() > deadline:
                return word
            lookups += 1
            for maxdist in (1, 2) if len(stems[0]) >= 5 else (1,):
                found = engine.fuzzy_terms(segs, field_name, stems[0], maxdist, prefix=1)
                if found:
                    best = max(found, key=lambda t: (reader.doc_frequency(field_name, t), t))
                    return self._surface_word(searcher, best)
            return word

        def fix(match):
            word = match.group(0)
            if word in {"AND", "OR", "NOT"} or match.string[match.end() : match.end() + 1] == ":":
                return word
            if word not in fixed:
                fixed[word] = correct(word)
            return fixed[word]

        suggestion = re.sub(r"\w+", fix, query_string[:500])
        return suggestion if suggestion != query_string[:500] else None

    def _surface_word(self, searcher, stem: str) -> str:
        """A word as written that the index holds as `stem` ("negoti" -> "negotiations"),
        found in the text of one article that has it; the stem itself if none is found."""
        from haystack import connections

        view = self.view()
        found = engine.evaluate(wq.Term(self.content_field_name, stem), view.segs)
        live = found.ids[view.cols.live[found.ids]]
        pk = int(view.cols.pks[live[0]]) if len(live) else None
        ui = connections[self.connection_alias].get_unified_index()
        for index in ui.get_indexes().values():
            obj = index.read_queryset().filter(pk=pk).first() if pk else None
            if obj is None:
                continue
            text = index.full_prepare(obj).get(self.content_field_name) or ""
            analyzer = self.schema[self.content_field_name].analyzer
            for word in re.findall(r"\w+", text):
                if [t.text for t in analyzer(word, mode="query")] == [stem]:
                    return word.lower()
        return stem

    def more_like_this(self, model_instance, additional_query_string=None, start_offset=0,
                       end_offset=None, result_class=None, **kwargs):  # fmt: skip
        """Articles like this one: the key terms of its own text (Whoosh's Bo1 model, as its
        more_like does), searched as one OR query (nothing is stored in the index, so the
        text is prepared from the database object)."""
        empty = {"results": [], "hits": 0}
        view = self.view()
        from haystack import connections

        ui = connections[self.connection_alias].get_unified_index()
        index = ui.get_index(type(model_instance))
        # Only the two fields it reads, not full_prepare's every field (its facets and story
        # cost five queries more an article page).
        fields = {f.index_fieldname: f for f in index.fields.values()}
        field = self.content_field_name
        text = fields[field].prepare(model_instance) or ""
        if not text.strip():
            return empty
        policy = self.policy
        language_field = fields.get(self.served.language_field or "")
        language = (language_field.prepare(model_instance) or "") if language_field else ""
        lead = marked(text[: policy.related_text_chars], language)  # its terms as indexed
        terms = engine.key_terms(view.segs, field, lead, policy.related_terms)
        q = wq.Or([wq.Term(field, word, boost=weight) for word, weight in terms])
        found = engine.evaluate(q, view.segs)
        cols = view.cols
        keep = cols.live[found.ids] & (cols.pks[found.ids] != model_instance.pk)
        keep &= cols.pks[found.ids] != 0
        top = end_offset or 5
        ids, scores = engine.top(found, keep, top)
        result_class = result_class or SearchResult
        results = [
            self.served.result(result_class, int(cols.pks[d]), float(score))
            for d, score in zip(ids, scores, strict=True)
        ]
        return {"results": results, "hits": len(results)}

    # --- support for snippets, check_index and /healthz ------------------------------------
    def analyze(self, text: str, language: str = ""):
        """(term, start, end) for each word of `text`, analysed as the text field is (an
        article's text in its `language`)."""
        if not self.setup_complete:
            self.setup(create=False)
        analyzer = self.schema[self.content_field_name].analyzer
        if language:
            analyzer = analyzer.in_language(language_code(language))
        for token in analyzer(text, chars=True, mode="index"):
            yield token.text, token.startchar, token.endchar

    def indexed_ids(self) -> set[int]:
        """The primary keys of every live document, read from the id column in one pass."""
        cols = self.view().cols
        return {int(pk) for pk in cols.pks[cols.live & (cols.pks != 0)]}

    def problem(self) -> str:
        """ "" when the index can be opened and searched, else what is wrong.

        A directory missing at first use is created, as haystack does (a fresh install); one
        that disappears under a running process is reported, not silently recreated."""
        if not self.setup_complete:
            try:
                self.setup(create=False)
            except Exception as exc:
                log.warning("search index cannot be set up: %r", exc)
                return "search index cannot be opened"
        if not os.path.isdir(self.path):
            return f"search index is missing from {self.path}"
        try:
            if not whoosh_index.exists_in(self.path):
                return f"search index is missing from {self.path}"
            ix = FileStorage(self.path).open_index()
            with ix.searcher() as s:
                s.doc_count()
        except Exception as exc:  # corrupt files raise many kinds of errors
            log.warning("search index unreadable: %r", exc)
            return "search index is unreadable"
        return ""

    def doc_count(self) -> int:
        return self.searcher().doc_count()


def _live_mask(reader) -> np.ndarray:
    """False for the segment's deleted documents."""
    live = np.ones(reader.doc_count_all(), dtype=bool)
    if reader.has_deletions():
        live[np.fromiter(reader.segment().deleted_docs(), dtype=np.int64)] = False
    return live


def _archive_has_articles() -> bool:
    from archive.models import Article

    return Article.objects.public().exists()


class ArchiveWhooshEngine(WhooshEngine):
    backend = ArchiveWhooshBackend
    query = ArchiveWhooshSearchQuery


def request_merge(policy: SearchPolicy):
    """The Whoosh merge policy (mergetype) of a request's commit."""
    return lambda writer, segments: _merge_tiny(writer, segments, policy)


def batch_merge(policy: SearchPolicy):
    """The Whoosh merge policy (mergetype) of a batch commit and of a bulk run."""
    return lambda writer, segments: _merge_tiered(writer, segments, policy)


def _merge_tiny(writer, segments, policy: SearchPolicy):
    """Whoosh merge policy for a request's commit: merge the tiny segments (single saves)
    once there are tiny_merge_at of them; never touch a bigger one."""
    tiny = [s for s in segments if s.doc_count_all() <= policy.tiny_segment]
    if len(tiny) < policy.tiny_merge_at:
        return segments
    return _merge(writer, segments, tiny)


def _merge_tiered(writer, segments, policy: SearchPolicy):
    """Whoosh merge policy for batch commits (imports, outbox drains): segments of like size
    (by powers of tier_factor) are merged tier_factor at a time, smallest first, and never
    into one over merge_max_docs. Whoosh's MERGE_SMALL merges "every segment up to the merge
    point", which at 100,000 articles included the biggest: an import rewrote the whole
    index every twenty commits or so, holding the writer lock for minutes (the 100k import
    fell from 64 to 51 articles/s as the index grew). Here each article is rewritten a few
    times at most, and a merge holds the lock for at most merge_max_docs documents' worth."""
    factor, biggest = policy.tier_factor, policy.merge_max_docs
    tiers: dict[int, list] = {}
    for segment in segments:
        count = segment.doc_count_all()
        if count < biggest:
            tiers.setdefault(_tier(count, factor), []).append(segment)
    for tier in sorted(tiers):
        group = sorted(tiers[tier], key=lambda s: s.doc_count_all())[:factor]
        if len(group) == factor and sum(s.doc_count_all() for s in group) <= biggest:
            return _merge(writer, segments, group)
    return segments


def _merge(writer, segments, group):
    """Add `group`'s documents to the writer's new segment; the segments left as they are."""
    for segment in group:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return [s for s in segments if s not in group]


def _tier(count: int, factor: int) -> int:
    tier = 0
    while count >= factor:
        count //= factor
        tier += 1
    return tier
