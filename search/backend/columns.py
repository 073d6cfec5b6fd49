"""Per-document values of the index as numpy arrays (ids, dates, facet values), and the one
store of what is read of each segment.

Every segment is read once in its life (a segment never changes but for its deletions); the
searcher's view concatenates the segments' arrays. Filters then are boolean masks over all
document numbers and facet counts are bincounts of the masked values: a few milliseconds at
100,000 articles, where walking the matches in Python took tens.

Facet values are coded as small integers; a code means the same value in every segment read
into the same SegmentStore. SegmentStore keeps, per segment, its columns, field lengths and
term weights, and the decoded posting lists (a byte-bounded cache): everything lives as long
as its segment, and each new view of the index keeps only its own segments' (keep()).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np

from search.backend.postings import PostingsCache, read_postings

NO_DATE = 0  # no publication date (real dates are positive ticks)
NO_VALUE = -1


class Vocabulary:
    """value <-> code for one facet field, shared by every segment of a process."""

    def __init__(self):
        self.codes: dict[str, int] = {}
        self.values: list[str] = []
        self._lock = threading.Lock()

    def code(self, value: str) -> int:
        found = self.codes.get(value)
        if found is not None:
            return found
        with self._lock:
            if value not in self.codes:
                self.codes[value] = len(self.values)
                self.values.append(value)
            return self.codes[value]

    def known(self, values) -> np.ndarray:
        """The codes of those of `values` any segment has had."""
        return np.asarray([self.codes[v] for v in values if v in self.codes], dtype=np.int32)


@dataclass
class MultiValues:
    """A multi-valued field: one (owner document, value code) pair per value."""

    owners: np.ndarray  # int32 document numbers
    codes: np.ndarray  # int32

    def docs_with(self, wanted: np.ndarray, size: int) -> np.ndarray:
        mask = np.zeros(size, dtype=bool)
        mask[self.owners[np.isin(self.codes, wanted)]] = True
        return mask


@dataclass
class Columns:
    """The values of `size` documents (one segment, or the searcher's whole reader)."""

    size: int
    pks: np.ndarray  # int64, 0 when unknown
    dates: np.ndarray  # int64 date ticks, NO_DATE when undated
    single: dict[str, np.ndarray] = field(default_factory=dict)  # field -> int32 codes
    multi: dict[str, MultiValues] = field(default_factory=dict)
    live: np.ndarray | None = None  # bool, False for deleted documents (merged view only)
    vocabularies: dict[str, Vocabulary] = field(default_factory=dict)  # the store's, per field

    def mask(self, fieldname: str, values) -> np.ndarray | None:
        """Documents having any of `values` in `fieldname`; None for a field not kept here."""
        vocabulary = self.vocabularies.get(fieldname)
        if vocabulary is None:
            return None
        wanted = vocabulary.known(values)
        if fieldname in self.single:
            return np.isin(self.single[fieldname], wanted)
        if fieldname in self.multi:
            return self.multi[fieldname].docs_with(wanted, self.size)
        return None

    def date_mask(self, start: int | None, end: int | None) -> np.ndarray:
        mask = self.dates != NO_DATE
        if start is not None:
            mask &= self.dates >= start
        if end is not None:
            mask &= self.dates <= end
        return mask

    def counts(self, fieldname: str, selected: np.ndarray) -> list[tuple[str, int]]:
        """(value, count) over the selected documents (a bool mask), most frequent first."""
        vocabulary = self.vocabularies[fieldname]
        if fieldname in self.single:
            codes = self.single[fieldname][selected]
        else:
            values = self.multi[fieldname]
            codes = values.codes[selected[values.owners]]
        codes = codes[codes >= 0]
        if not len(codes):
            return []
        tally = np.bincount(codes)
        found = np.flatnonzero(tally)
        pairs = [(vocabulary.values[c], int(tally[c])) for c in found]
        return sorted(pairs, key=lambda item: (-item[1], item[0]))


def merge(parts: list[tuple[Columns, int, np.ndarray]]) -> Columns:
    """One Columns over several segments: (columns, document offset, live mask) each."""
    if not parts:
        return Columns(0, np.zeros(0, np.int64), np.zeros(0, np.int64), live=np.zeros(0, bool))
    size = sum(cols.size for cols, _offset, _live in parts)
    first = parts[0][0]
    merged = Columns(
        size,
        np.concatenate([cols.pks for cols, _o, _l in parts]),
        np.concatenate([cols.dates for cols, _o, _l in parts]),
        live=np.concatenate([live for _c, _o, live in parts]),
        vocabularies=first.vocabularies,
    )
    for name in first.single:
        merged.single[name] = np.concatenate([cols.single[name] for cols, _o, _l in parts])
    for name in first.multi:
        merged.multi[name] = MultiValues(
            np.concatenate([cols.multi[name].owners + offset for cols, offset, _l in parts]),
            np.concatenate([cols.multi[name].codes for cols, _o, _l in parts]),
        )
    return merged


@dataclass(frozen=True)
class Layout:
    """Which index fields become columns: the id column, the date, the facet fields."""

    id_field: str
    date_field: str = ""  # "" when the schema has none
    single: tuple[str, ...] = ()  # facet fields of one value per document
    multi: tuple[str, ...] = ()  # facet fields of several values


class SegmentStore:
    """What is read of each segment, kept for the segment's life: its columns, its field
    lengths, its terms' collection weights and (within a byte budget) its decoded posting
    lists. A new view of the index calls keep() with its segments; the others' go.

    The facet vocabularies are the store's too: a code means one value in every segment.
    They only grow while segments come and go (renamed tags, new months), so once one holds
    more than `max_values` values, keep() starts them over with the live segments."""

    def __init__(
        self,
        layout: Layout | None = None,
        *,
        postings_bytes: int = 32 * 1024 * 1024,
        max_values: int = 200_000,
        weights_per_segment: int = 100_000,
    ):
        self.layout = layout or Layout(id_field="")
        self.postings = PostingsCache(postings_bytes)
        self.max_values = max_values
        self.weights_per_segment = weights_per_segment
        self._vocabularies = self._fresh_vocabularies()
        self._columns: dict[str, Columns] = {}
        self._lengths: dict[tuple[str, str], np.ndarray] = {}
        self._weights: dict[str, dict] = {}
        self._lexicons: dict[tuple[str, str], list[str]] = {}

    def _fresh_vocabularies(self) -> dict[str, Vocabulary]:
        return {name: Vocabulary() for name in (*self.layout.single, *self.layout.multi)}

    def keep(self, live: set[str]) -> None:
        """Forget every segment but these (a new view's)."""
        if any(len(v.values) > self.max_values for v in self._vocabularies.values()):
            self._vocabularies = self._fresh_vocabularies()
            self._columns = {}
        self._columns = {k: v for k, v in self._columns.items() if k in live}
        self._lengths = {k: v for k, v in self._lengths.items() if k[0] in live}
        self._weights = {k: v for k, v in self._weights.items() if k in live}
        self._lexicons = {k: v for k, v in self._lexicons.items() if k[0] in live}
        self.postings.forget_segments(live)

    def columns(self, segment_id: str, reader, read_numbers) -> Columns:
        """The segment's columns, read on first use (`read_numbers(reader, field, n)` reads
        a numeric column)."""
        found = self._columns.get(segment_id)
        if found is None:
            found = self._columns[segment_id] = self._read(reader, read_numbers)
        return found

    def lengths(self, segment_id: str, fieldname: str, read) -> np.ndarray:
        """A field's per-document lengths in the segment, `read()` on first use."""
        key = (segment_id, fieldname)
        found = self._lengths.get(key)
        if found is None:
            found = self._lengths[key] = read()
        return found

    def lexicon(self, segment_id: str, fieldname: str, read) -> list[str]:
        """A field's words in the segment, sorted, `read()` on first use (a fuzzy word's
        first: about 60 bytes a word, 15 MB for the text of 100,000 articles)."""
        key = (segment_id, fieldname)
        found = self._lexicons.get(key)
        if found is None:
            found = self._lexicons[key] = read()
        return found

    def weights(self, segment_id: str) -> dict:
        """The segment's known collection weights by (field, term), for the caller to fill;
        emptied once it holds weights_per_segment of them."""
        known = self._weights.setdefault(segment_id, {})
        if len(known) >= self.weights_per_segment:
            known.clear()
        return known

    def _read(self, reader, read_numbers) -> Columns:
        layout = self.layout
        n = reader.doc_count_all()
        pks = np.zeros(n, dtype=np.int64)
        if reader.has_column(layout.id_field):
            for docnum, value in enumerate(reader.column_reader(layout.id_field)):
                pks[docnum] = int(value) if value else 0
        dates = np.zeros(n, dtype=np.int64)
        if layout.date_field and reader.has_column(layout.date_field):
            raw = read_numbers(reader, layout.date_field, n)
            missing = (raw == 0) | (raw >= 2**63)
            dates = np.where(missing, NO_DATE, raw).astype(np.int64)
        cols = Columns(n, pks, dates, vocabularies=self._vocabularies)
        for name in layout.single:
            owners, codes = self._values(reader, name)
            single = np.full(n, NO_VALUE, dtype=np.int32)
            single[owners] = codes
            cols.single[name] = single
        for name in layout.multi:
            owners, codes = self._values(reader, name)
            cols.multi[name] = MultiValues(owners.astype(np.int32), codes)
        return cols

    def _values(self, reader, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(document, value code) of every value of a facet field in the segment."""
        vocabulary = self._vocabularies[name]
        owners, codes = [], []
        if name in reader.indexed_field_names():
            for term in reader.lexicon(name):
                code = vocabulary.code(term.decode("utf-8"))
                ids = read_postings(reader, name, term).ids
                owners.append(ids)
                codes.append(np.full(len(ids), code, dtype=np.int32))
        if not owners:
            return np.zeros(0, np.int32), np.zeros(0, np.int32)
        return np.concatenate(owners), np.concatenate(codes)
