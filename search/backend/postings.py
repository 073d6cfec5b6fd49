"""Posting lists of one Whoosh segment as numpy arrays, read straight from the file.

Whoosh's matchers walk postings one at a time in Python (a few microseconds each, so a word
in a fifth of 100,000 articles costs tens of milliseconds before anything is scored). Here a
term's whole extent is read in one call and its blocks decoded into two arrays: document
numbers and weights. Positions, needed only to check phrases, are kept encoded and decoded
for a phrase's candidate documents alone; the check itself is array work.

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
from itertools import accumulate, chain

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
    values: list | None = None  # each posting's encoded positions, when asked for
    decode: object = None  # the field format's decode_positions

    @property
    def nbytes(self) -> int:
        extra = 0 if self.values is None else 60 * len(self.values)
        return self.ids.nbytes + self.weights.nbytes + extra

    def positions_of(self, indexes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(which of `indexes`, position) for every position of the postings at `indexes`:
        only those postings are decoded (a phrase's candidates, not the whole list)."""
        decoded = [_fast_positions(self.values[i]) or self.decode(self.values[i]) for i in indexes]
        counts = np.fromiter((len(p) for p in decoded), dtype=np.int64, count=len(decoded))
        owner = np.repeat(np.arange(len(decoded)), counts)
        flat = np.fromiter(chain.from_iterable(decoded), dtype=np.int64, count=int(counts.sum()))
        return owner, flat


EMPTY = Postings(EMPTY_IDS, EMPTY_WEIGHTS)


def read_postings(reader, fieldname: str, text, *, positions: bool = False) -> Postings:
    """The postings of `text` in `fieldname` of one segment reader; EMPTY when absent.
    With `positions`, each posting's positions too (for phrases)."""
    try:
        info = reader.term_info(fieldname, text)
    except Exception:  # TermNotFound, or a field this segment does not have
        return EMPTY
    has_positions = positions and reader.schema[fieldname].format.supports("positions")
    decode = reader.schema[fieldname].format.decode_positions if has_positions else None
    if info.is_inlined():
        ids, weights, values = info.inlined_postings()
        postings = Postings(np.asarray(ids, dtype=np.int32), np.asarray(weights, np.float32))
        if decode is not None:
            postings.values, postings.decode = list(values), decode
        return postings
    offset, length = info.extent()
    if isinstance(length, tuple):  # W3TermInfo.from_bytes keeps it as unpack()'s tuple
        length = length[0]
    raw = reader._terms._postfile.get(offset, length)  # one read for the whole list
    return _decode(raw, decode)


def _decode(raw: bytes, decode) -> Postings:
    if raw[:4] != MAGIC:
        raise ValueError("not a Whoosh 2.7 posting list")
    pos = 4
    ids, weights, values = [], [], []
    stream = io.BytesIO(raw)
    while pos < len(raw):
        (length,) = _INT.unpack_from(raw, pos)
        last = length < 0
        end = pos + 4 + abs(length)
        stream.seek(pos + 4)
        count, _last_id, _max_weight, compression, _mn, _mx = pickle.load(stream)  # noqa: S301
        data = raw[stream.tell() : end]
        block_ids, block_weights, block_values = pickle.loads(  # noqa: S301 - our own index
            zlib.decompress(data) if compression else data
        )
        ids.append(np.cumsum(np.asarray(block_ids, dtype=np.int64)))  # deltas, per block
        if block_weights is None:
            weights.append(np.ones(count, dtype=np.float32))
        elif isinstance(block_weights, float):
            weights.append(np.full(count, block_weights, dtype=np.float32))
        else:
            weights.append(np.asarray(block_weights, dtype=np.float32))
        values.append(block_values)
        pos = end
        if last:
            break
    postings = Postings(
        np.concatenate(ids).astype(np.int32) if ids else EMPTY_IDS,
        np.concatenate(weights) if weights else EMPTY_WEIGHTS,
    )
    if decode is not None:
        postings.values = list(chain.from_iterable(values))
        postings.decode = decode
    return postings


def _fast_positions(value: bytes) -> list[int] | None:
    """Whoosh's Positions encoding (a count, then the pickled position deltas) decoded
    without its per-position Python loop; None for anything else."""
    if value[4:6] != b"\x80\x02" or not value.endswith(b"."):
        return None
    return list(accumulate(pickle.loads(value[4:])))  # noqa: S301 - our own index


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
