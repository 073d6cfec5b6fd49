"""Story signatures: word shingles of a text, their 32-bit hashes, the MinHash of those
(datasketch's arithmetic) and its LSH band keys, and the exact comparison of two texts. Pure
functions, no Django: parse workers sign each article where it was parsed (sign_ahead), so
saving finds the work done.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from archive.sanitize import clean_ahead, html_to_text, normalize_for_hash, normalized_hash


@dataclass(frozen=True)
class StoryPolicy:
    """How texts are compared. Changing shingle_words, num_perm, bands, rows or seed (or
    the shingle hash, _span_hashes) makes every stored signature stale: signature_version()
    changes with them, and `check_stories` counts the signatures of another version and
    `--repair` signs them again."""

    shingle_words: int = 5
    # Only the MinHash values the bands read (bands x rows): datasketch's permutations come
    # from one seeded sequence, so these 42 are the first 42 of the 128 it was, the same band
    # keys and stories, at a third of the arithmetic. Migration 0011 cut the stored ones.
    num_perm: int = 42
    # 21 bands of 2 rows: a pair with shingle Jaccard 0.2 is a candidate 58% of the time,
    # 0.3: 86%, 0.4: 97%; 0.05 (articles on one topic): 5%, verified on their hashes then.
    # It was 42 bands of 3 (0.3: 68%, 0.4: 94%, 0.05: 0.5%), 42 band rows of random keys an
    # article. On bench/stories.py (100 originals, 400 distinct) 21 x 2 has pair precision
    # 0.986 -> 0.990 and recall 0.904 -> 0.951 (cut copies 0.88 -> 0.98), no seed grouped;
    # half the rows did not change the import's cost onto 100,000 articles (bench/README.md).
    # Migration 0010 recomputes stored bands from the stored MinHashes.
    bands: int = 21
    rows: int = 2
    seed: int = 1
    min_words: int = 50  # texts shorter than this never join a story
    # Containment of the shorter text's shingles in the other. Chosen on bench/stories.py
    # (BBC originals, six kinds of copy, distinct articles on the same topics, the seeds):
    # 0.5 grouped a few copies with an article one of their added paragraphs came from
    # (precision 0.975); 0.6 made no wrong pair and kept recall at 0.92.
    threshold: float = 0.6
    max_candidates: int = 50

    def __post_init__(self):
        if self.bands * self.rows > self.num_perm:
            raise ValueError("bands * rows must not exceed num_perm")


DEFAULT_POLICY = StoryPolicy()


# --- the signature version -----------------------------------------------------------------
# The arithmetic a stored signature comes from, beyond the policy's fields. BUMP IT whenever
# a stored signature would come out differently for the same text and policy: the shingle
# hash (_span_hashes, normalized_hashes, shingle_hashes, _BASE, the mixing constants), the
# MinHash arithmetic or its permutations (signature_of_hashes, _permutations), the band keys
# (band_keys) or how texts are folded into words (normalize_for_hash; that changes content
# hashes too). Every stored signature then reads as of an older version: check_stories says
# how many (one COUNT) and --repair signs them again.
#   1: shingles hashed by sha1 (datasketch's sha1_hash32), before 2026-12-04
#   2: the polynomial + splitmix64 shingle hash below, since
SIGNATURE_ALGORITHM = 2

# The StoryPolicy fields that shape a signature and its bands. min_words (which texts are
# signed: check_stories checks that on the texts), threshold and max_candidates (how the
# signatures are compared) change no stored signature.
_SIGNING_FIELDS = ("shingle_words", "num_perm", "bands", "rows", "seed")


@lru_cache(maxsize=8)
def signature_version(policy: StoryPolicy = DEFAULT_POLICY) -> int:
    """The version stored with each signature (StorySignature.version): a fingerprint, from 1
    to 2**31 - 1, of SIGNATURE_ALGORITHM and the policy's signing fields. 0 is a signature of
    an unknown version (stored before versions were): stale until signed again."""
    made = repr((SIGNATURE_ALGORITHM, *(getattr(policy, f) for f in _SIGNING_FIELDS)))
    digest = hashlib.blake2b(made.encode(), digest_size=4).digest()
    return (int.from_bytes(digest, "big") & 0x7FFF_FFFF) or 1


# --- texts, signatures and bands (pure functions) ---------------------------------------------
def shingles(text: str, size: int = DEFAULT_POLICY.shingle_words) -> set[bytes]:
    """The distinct runs of `size` words of the text, as compared (case, accents and
    punctuation folded as for the content hash)."""
    return _shingles_of(normalize_for_hash(text).split(), size)


def _shingles_of(words: list[str], size: int) -> set[bytes]:
    if len(words) < size:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + size]).encode() for i in range(len(words) - size + 1)}


# MinHash as datasketch 1.6 computes it (same permutations and arithmetic), written out
# here: importing datasketch imports scipy, which took 2 s in every fresh parse worker and
# fork server, enough to push the first documents of an upload past their parse budget.
# A change to its arithmetic or permutations bumps SIGNATURE_ALGORITHM.
_MERSENNE = np.uint64((1 << 61) - 1)
_MAX_HASH = np.uint64((1 << 32) - 1)
_SHIFT = np.uint64(61)


@lru_cache(maxsize=4)
def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    gen = np.random.RandomState(seed)
    pairs = [
        (gen.randint(1, _MERSENNE, dtype=np.uint64), gen.randint(0, _MERSENNE, dtype=np.uint64))
        for _ in range(num_perm)
    ]
    a, b = np.array(pairs, dtype=np.uint64).T
    return a, b


# --- the shingles' 32-bit hashes ---------------------------------------------------------------
# A shingle's hash is a polynomial over its UTF-8 bytes (each byte + 1, times _BASE to the
# power of its place, wrapping at 2**64), mixed by splitmix64's finalizer, top 32 bits. A
# polynomial hash of every run of five words of a text is a difference of two prefix sums,
# so all of a text's shingles are hashed in a few numpy passes over its bytes, with no
# shingle made as a string: 0.15 ms an article where a sha1 of each shingle (datasketch's
# sha1_hash32, before) took 1.0 ms of the signature's 1.5 (bench/README.md). Not for
# security: only texts are compared with it. Changing it makes every stored signature stale:
# bump SIGNATURE_ALGORITHM with it (check_stories then counts them, --repair signs them again).
_BASE = 0x100000001B3  # odd: it has an inverse modulo 2**64
_BASE_INVERSE = pow(_BASE, -1, 1 << 64)
_MIX1, _MIX2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S32 = (np.uint64(k) for k in (30, 27, 31, 32))
_POWERS_KEPT = 1 << 20  # bytes of text the cached powers cover at most (16 MB)
_powers_cache: list[np.ndarray] = [np.ones(1, np.uint64), np.ones(1, np.uint64)]


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """_BASE**i and its inverse**i modulo 2**64 for i < n (at least): cached and grown,
    made afresh for a text longer than _POWERS_KEPT."""
    if len(_powers_cache[0]) >= n:
        return _powers_cache[0], _powers_cache[1]
    size = max(n, min(2 * len(_powers_cache[0]), _POWERS_KEPT), 1 << 14)
    made = []
    for base in (_BASE, _BASE_INVERSE):
        steps = np.full(size, base, dtype=np.uint64)
        steps[0] = 1
        made.append(np.cumprod(steps, dtype=np.uint64))
    if size <= _POWERS_KEPT:
        _powers_cache[:] = made
    return made[0], made[1]


def _span_hashes(data: bytes, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The 32-bit hashes of data[start:end] for each span, distinct and sorted."""
    if not len(starts):
        return np.empty(0, dtype=np.uint32)
    values = np.frombuffer(data, dtype=np.uint8).astype(np.uint64)
    values += np.uint64(1)
    power, inverse = _powers(len(values) + 1)
    prefix = np.zeros(len(values) + 1, dtype=np.uint64)
    np.cumsum(values * power[: len(values)], out=prefix[1:])
    x = (prefix[ends] - prefix[starts]) * inverse[starts]  # each span's polynomial from 0
    x ^= x >> _S30
    x *= _MIX1
    x ^= x >> _S27
    x *= _MIX2
    x ^= x >> _S31
    return np.unique((x >> _S32).astype(np.uint32))


def normalized_hashes(normalized: str, size: int = DEFAULT_POLICY.shingle_words) -> np.ndarray:
    """The shingle hashes of a text as normalize_for_hash() gives it (words of \\w
    characters, one space between): the hashes of _shingles_of(normalized.split(), size),
    without making them."""
    data = normalized.encode()
    if not data:
        return np.empty(0, dtype=np.uint32)
    spaces = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 32)
    starts = np.concatenate(([0], spaces + 1))
    ends = np.concatenate((spaces, [len(data)]))
    if len(starts) < size:  # the one shingle of all its words
        return _span_hashes(data, starts[:1], ends[-1:])
    return _span_hashes(data, starts[: len(starts) - size + 1], ends[size - 1 :])


def shingle_hashes(found: set[bytes]) -> np.ndarray:
    """The shingles' 32-bit hashes, distinct and sorted: what the MinHash is made of, and
    what the exact comparison compares (stored with the signature, so a candidate is
    compared without reading and shingling its text again)."""
    if not found:
        return np.empty(0, dtype=np.uint32)
    found = list(found)
    lengths = np.fromiter((len(x) for x in found), dtype=np.int64, count=len(found))
    ends = np.cumsum(lengths + 1) - 1  # each followed by one separating byte
    return _span_hashes(b" ".join(found), ends - lengths, ends)


def signature(found: set[bytes], policy: StoryPolicy = DEFAULT_POLICY) -> np.ndarray:
    """The MinHash of a shingle set: num_perm unsigned 32-bit values."""
    return signature_of_hashes(shingle_hashes(found), policy)


def signature_of_hashes(hashes: np.ndarray, policy: StoryPolicy = DEFAULT_POLICY) -> np.ndarray:
    """The MinHash of shingles given by their hashes (shingle_hashes; a repeated value
    changes no minimum, so this is datasketch's MinHash of the shingles)."""
    if not len(hashes):
        return np.full(policy.num_perm, _MAX_HASH, dtype=np.uint64).astype(np.uint32)
    a, b = _permutations(policy.num_perm, policy.seed)
    phv = hashes.astype(np.uint64).reshape(-1, 1) * a  # (hv * a + b) % prime & max, in place
    phv += b
    # % (2**61 - 1) without a division: 2**61 is 1 modulo the prime, so a 64-bit value is its
    # low 61 bits plus its top 3, less the prime once if that reaches it (the same values as
    # np.remainder, a third faster: the remainder was half of the signature's time).
    high = phv >> _SHIFT
    phv &= _MERSENNE
    phv += high
    np.subtract(phv, _MERSENNE, out=phv, where=phv >= _MERSENNE)
    phv &= _MAX_HASH
    return phv.min(axis=0).astype(np.uint32)


def band_keys(sig: np.ndarray, policy: StoryPolicy = DEFAULT_POLICY) -> list[int]:
    """One signed 64-bit key per band: the band's number and its rows, hashed."""
    keys = []
    for band in range(policy.bands):
        rows = sig[band * policy.rows : (band + 1) * policy.rows].tobytes()
        digest = hashlib.blake2b(band.to_bytes(2, "big") + rows, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "big", signed=True))
    return keys


def containment(a, b) -> float:
    """The share of the smaller set found in the other (0 when either is empty). Sets, or
    sorted arrays of distinct values (shingle_hashes) as stored."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        if not len(a) or not len(b):
            return 0.0
        shared = len(np.intersect1d(a, b, assume_unique=True))
        return shared / min(len(a), len(b))
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def eligible(article, policy: StoryPolicy = DEFAULT_POLICY) -> bool:
    """Whether an article (anything with a word_count) is long enough to join a story."""
    return article.word_count >= policy.min_words


def same_story(a, b, policy: StoryPolicy = DEFAULT_POLICY) -> bool:
    return containment(a, b) >= policy.threshold


@dataclass(frozen=True)
class Signature:
    """What is stored for one text: its content hash, MinHash, shingle count, band keys and
    the shingles' hashes (sorted uint32, for the exact comparison)."""

    content_hash: str
    minhash: bytes
    shingles: int
    keys: tuple[int, ...]
    policy: StoryPolicy
    hashes: bytes = b""

    def hash_array(self) -> np.ndarray:
        return np.frombuffer(self.hashes, dtype=np.uint32)


def text_hashes(text: str, policy: StoryPolicy = DEFAULT_POLICY) -> np.ndarray:
    """The text's shingle hashes, as compared (shingle_hashes(shingles(text)))."""
    return normalized_hashes(normalize_for_hash(text), policy.shingle_words)


def sign(text: str, policy: StoryPolicy = DEFAULT_POLICY) -> tuple[Signature, np.ndarray]:
    """The text's signature, and its shingle hashes. The text is normalized once, for both
    its content hash and its shingles (twice cost 0.12 ms of a 1.7 ms signature), and its
    shingles are hashed from its bytes without being made (normalized_hashes)."""
    normalized = normalize_for_hash(text)
    hashes = normalized_hashes(normalized, policy.shingle_words)
    sig = signature_of_hashes(hashes, policy)
    keys = tuple(band_keys(sig, policy))
    signed = Signature(
        normalized_hash(normalized), sig.tobytes(), len(hashes), keys, policy, hashes.tobytes()
    )
    return signed, hashes


def clean_and_sign_ahead(outcomes) -> None:
    """archive.ingest.parallel's `finish` hook: clean each parsed article (clean_ahead) and
    sign its text where it was parsed; a few milliseconds an article the saving process,
    the import's bottleneck, no longer spends. The body's text and its content hash, which
    signing makes, go to saving too (ParsedArticle.texts, .hashes), which would otherwise
    make them again."""
    clean_ahead(outcomes)
    for outcome in outcomes:
        article = outcome.article
        if article is not None and article.body_html in article.cleaned:
            body = article.cleaned[article.body_html]
            text = article.texts[body] = html_to_text(body)
            if len(text.split()) >= DEFAULT_POLICY.min_words:
                article.signed = sign(text)[0]
                article.hashes[text] = article.signed.content_hash
            else:
                article.hashes[text] = normalized_hash(normalize_for_hash(text))
