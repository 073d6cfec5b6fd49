"""Posting lists of one Whoosh segment as numpy arrays, read straight from the file.

Whoosh's matchers walk postings one at a time in Python (a few microseconds each, so a word
in a fifth of 100,000 articles costs tens of milliseconds before anything is scored). Here a
term's whole extent is read in one call and its blocks decoded into two arrays: document
numbers and weights. Positions, needed only to check phrases, stay in the raw bytes and are
decoded for the few postings asked for.

The block layout is Whoosh 2.7.4's W3 codec (whoosh/codec/whoosh3.py: W3PostingsWriter):
a 4-byte magic, then per block a signed int length (negative for the last block), a pickled
info tuple (count, last id, max weight, compression, min and max length bytes) and the data,
a pickled (ids delta-encoded, weights, values) tuple, zlib-compressed when compression > 0.
pyproject.toml pins Whoosh to that version; tests/test_search_engine.py compares every
decoded list with Whoosh's own matcher, so a format change fails loudly.
"""

from __future__ import annotations

import io
import pickle
import struct
import threading
import zlib
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

MAGIC = b"W3Bl"  # WHOOSH3_HEADER_MAGIC
_INT = struct.Struct("!i")
EMPTY_IDS = np.zeros(0, dtype=np.int32)
EMPTY_WEIGHTS = np.zeros(0, dtype=np.float32)


@dataclass
class Postings:
    """One term's postings in one segment."""

    ids: np.ndarray  # int32 document numbers within the segment, ascending
    weights: np.ndarray  # float32 (term frequency times the field boost)
    raw: bytes = b""  # the extent as stored, for positions
    blocks: tuple = ()  # (first posting index, data start, data end, compression) per block

    @property
    def nbytes(self) -> int:
        return self.ids.nbytes + self.weights.nbytes + len(self.raw) + 40 * len(self.blocks)

    def values(self, indexes) -> dict[int, bytes]:
        """The stored values (encoded positions) of the postings at these indexes."""
        out: dict[int, bytes] = {}
        if not self.blocks:
            return out
        starts = [b[0] for b in self.blocks]
        wanted = np.asarray(indexes, dtype=np.int64)
        block_of = np.searchsorted(starts, wanted, side="right") - 1
        for block in np.unique(block_of):
            first, begin, end, compression = self.blocks[block]
            data = self.raw[begin:end]
            values = pickle.loads(zlib.decompress(data) if compression else data)[2]  # noqa: S301 - our own index
            for index in wanted[block_of == block]:
                out[int(index)] = values[int(index) - first]
        return out


EMPTY = Postings(EMPTY_IDS, EMPTY_WEIGHTS)


def read_postings(reader, fieldname: str, text, *, keep_values: bool) -> Postings:
    """The postings of `text` in `fieldname` of one segment reader; EMPTY when absent."""
    try:
        info = reader.term_info(fieldname, text)
    except Exception:  # TermNotFound, or a field this segment does not have
        return EMPTY
    if info.is_inlined():
        ids, weights, values = info.inlined_postings()
        postings = Postings(np.asarray(ids, dtype=np.int32), np.asarray(weights, np.float32))
        if keep_values and values:
            raw = pickle.dumps(((), (), tuple(values)), 2)
            postings.raw, postings.blocks = raw, ((0, 0, len(raw), 0),)
        return postings
    offset, length = info.extent()
    if isinstance(length, tuple):  # W3TermInfo.from_bytes keeps it as unpack()'s tuple
        length = length[0]
    raw = reader._terms._postfile.get(offset, length)  # one read for the whole list
    return _decode(raw, keep_values)


def _decode(raw: bytes, keep_values: bool) -> Postings:
    if raw[:4] != MAGIC:
        raise ValueError("not a Whoosh 2.7 posting list")
    pos, first = 4, 0
    deltas, weights, blocks = [], [], []
    stream = io.BytesIO(raw)
    while pos < len(raw):
        (length,) = _INT.unpack_from(raw, pos)
        last = length < 0
        end = pos + 4 + abs(length)
        stream.seek(pos + 4)
        count, _last_id, _max_weight, compression, _mn, _mx = pickle.load(stream)  # noqa: S301
        begin = stream.tell()
        data = raw[begin:end]
        block_ids, block_weights, _values = pickle.loads(  # noqa: S301 - our own index
            zlib.decompress(data) if compression else data
        )
        ids = np.cumsum(np.asarray(block_ids, dtype=np.int64))  # deltas, restarting per block
        deltas.append(ids)
        if block_weights is None:
            weights.append(np.ones(count, dtype=np.float32))
        elif isinstance(block_weights, float):
            weights.append(np.full(count, block_weights, dtype=np.float32))
        else:
            weights.append(np.asarray(block_weights, dtype=np.float32))
        blocks.append((first, begin, end, compression))
        first += count
        pos = end
        if last:
            break
    postings = Postings(
        np.concatenate(deltas).astype(np.int32) if deltas else EMPTY_IDS,
        np.concatenate(weights) if weights else EMPTY_WEIGHTS,
    )
    if keep_values:
        postings.raw, postings.blocks = raw, tuple(blocks)
    return postings


class PostingsCache:
    """Decoded posting lists, least recently used first out, within a byte budget.

    A segment's postings never change (deletions are kept beside them), so an entry keyed
    by segment id stays right for the segment's whole life.
    """

    def __init__(self, budget_bytes: int):
        self.budget = budget_bytes
        self.used = 0
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, load) -> Postings:
        found = self.peek(key)
        if found is not None:
            return found
        postings = load()
        size = postings.nbytes + 200
        if size > self.budget // 4:
            return postings  # a huge list would push out everything else
        with self._lock:
            if key not in self._entries:
                self._entries[key] = postings
                self.used += size
                while self.used > self.budget and self._entries:
                    _key, old = self._entries.popitem(last=False)
                    self.used -= old.nbytes + 200
        return postings

    def peek(self, key) -> Postings | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def forget_segments(self, live: set[str]) -> None:
        """Drop the entries of segments that are gone (merged away)."""
        with self._lock:
            for key in [k for k in self._entries if k[0] not in live]:
                self.used -= self._entries.pop(key).nbytes + 200
