"""Stories: the articles that are copies or near copies of one another, across outlets.

Each article of at least `min_words` words gets a MinHash signature over the word shingles
of its cleaned text (datasketch), cut into LSH bands; each band is stored as one 64-bit key
in StoryBand. A new or changed text finds its candidates with one indexed `key IN (...)`
look-up (plus its exact copies by content hash) inside its own save transaction, so every
process sees the same index and nothing is held in memory. Candidates are then verified
exactly: the share of the shorter text's shingles found in the other (containment) must
reach `threshold`. A story is a connected group of verified pairs. All of it is derived
data: archive.story_check compares it with the articles and rebuilds it (check_stories).

Concurrency: the look-up and the join run under one lock per database (SQLite's IMMEDIATE
transactions already hold the write lock from BEGIN; on PostgreSQL a transaction-scoped
advisory lock), so an original and its copies saved at once by several processes end in
one story whatever the order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from datasketch import MinHash
from django.db import connection, transaction
from django.db.models import Count

from archive.models import Article, Story, StoryBand, StorySignature
from archive.sanitize import normalize_for_hash

# Any constant; the key of PostgreSQL's advisory lock for story joins.
_PG_LOCK = 0x5354_4F52


@dataclass(frozen=True)
class StoryPolicy:
    """How texts are compared. Changing shingle_words, num_perm, bands, rows or seed makes
    every stored signature stale: `check_stories --repair` rebuilds them."""

    shingle_words: int = 5
    num_perm: int = 128
    # 42 bands of 3 rows: a pair with shingle Jaccard 0.3 is a candidate 68% of the time,
    # 0.4: 94%, 0.5: 99.6%; 0.05 (articles on one topic): 0.5% (bench/stories.py).
    bands: int = 42
    rows: int = 3
    seed: int = 1
    min_words: int = 50  # texts shorter than this never join a story
    threshold: float = 0.5  # containment of the shorter text's shingles in the other
    max_candidates: int = 50

    def __post_init__(self):
        if self.bands * self.rows > self.num_perm:
            raise ValueError("bands * rows must not exceed num_perm")


DEFAULT_POLICY = StoryPolicy()


# --- texts, signatures and bands (pure functions) ---------------------------------------------
def shingles(text: str, size: int = DEFAULT_POLICY.shingle_words) -> set[bytes]:
    """The distinct runs of `size` words of the text, as compared (case, accents and
    punctuation folded as for the content hash)."""
    words = normalize_for_hash(text).split()
    if len(words) < size:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + size]).encode() for i in range(len(words) - size + 1)}


@lru_cache(maxsize=4)
def _permutations(num_perm: int, seed: int):
    # datasketch draws these for every MinHash; drawn once per policy they cost nothing.
    return MinHash(num_perm=num_perm, seed=seed).permutations


def signature(found: set[bytes], policy: StoryPolicy = DEFAULT_POLICY) -> np.ndarray:
    """The MinHash of a shingle set: num_perm unsigned 32-bit values."""
    mh = MinHash(
        num_perm=policy.num_perm, seed=policy.seed,
        permutations=_permutations(policy.num_perm, policy.seed),
    )  # fmt: skip
    if found:
        mh.update_batch(list(found))
    return mh.hashvalues.astype(np.uint32)


def band_keys(sig: np.ndarray, policy: StoryPolicy = DEFAULT_POLICY) -> list[int]:
    """One signed 64-bit key per band: the band's number and its rows, hashed."""
    keys = []
    for band in range(policy.bands):
        rows = sig[band * policy.rows : (band + 1) * policy.rows].tobytes()
        digest = hashlib.blake2b(band.to_bytes(2, "big") + rows, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "big", signed=True))
    return keys


def containment(a: set, b: set) -> float:
    """The share of the smaller set found in the other (0 when either is empty)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def eligible(article: Article, policy: StoryPolicy = DEFAULT_POLICY) -> bool:
    return article.word_count >= policy.min_words


def same_story(a: set, b: set, policy: StoryPolicy = DEFAULT_POLICY) -> bool:
    return containment(a, b) >= policy.threshold


# --- the index in the database ----------------------------------------------------------------
def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK])


def store_signature(article: Article, found: set[bytes], policy: StoryPolicy) -> list[int]:
    """Write the article's signature and band keys (replacing any); returns the keys."""
    sig = signature(found, policy)
    keys = band_keys(sig, policy)
    StoryBand.objects.filter(article_id=article.pk).delete()
    StorySignature.objects.update_or_create(
        article_id=article.pk,
        defaults={"content_hash": article.content_hash, "minhash": sig.tobytes(),
                  "shingles": len(found)},
    )  # fmt: skip
    StoryBand.objects.bulk_create([StoryBand(key=k, article_id=article.pk) for k in keys])
    return keys


def drop_signature(article_id: int) -> None:
    StoryBand.objects.filter(article_id=article_id).delete()
    StorySignature.objects.filter(article_id=article_id).delete()


def candidates(article: Article, keys: list[int], policy: StoryPolicy) -> list[int]:
    """Ids of the articles sharing a band with `keys` (most shared first) or the same text."""
    shared = (
        StoryBand.objects.filter(key__in=keys)
        .exclude(article_id=article.pk)
        .values("article_id")
        .annotate(n=Count("key"))
        .order_by("-n", "article_id")
        .values_list("article_id", flat=True)[: policy.max_candidates]
    )
    same_text = (
        Article.objects.filter(content_hash=article.content_hash)
        .exclude(pk=article.pk)
        .order_by()
        .values_list("pk", flat=True)[: policy.max_candidates]
    )
    return list(dict.fromkeys([*same_text, *shared]))


def texts(ids: Iterable[int]) -> dict[int, tuple[str, int]]:
    """{id: (body text, word count)} of these articles."""
    rows = Article.objects.filter(pk__in=list(ids)).values_list("pk", "body_text", "word_count")
    return {pk: (text, words) for pk, text, words in rows.order_by()}


def verified(article: Article, found: set[bytes], ids: list[int], policy: StoryPolicy) -> list[int]:
    """Those of `ids` whose texts are copies or near copies of the article's."""
    matches = []
    for pk, (text, words) in texts(ids).items():
        if words >= policy.min_words and same_story(found, shingles(text, policy.shingle_words), policy):
            matches.append(pk)
    return matches


# --- joining, leaving, regrouping -------------------------------------------------------------
def _reindex(ids: Iterable[int]) -> None:
    from search.outbox import enqueue  # the search wing hears of story changes after commit

    enqueue(sorted(set(ids)))


def refresh_story(article: Article, policy: StoryPolicy = DEFAULT_POLICY) -> Story | None:
    """Bring the article's signature and story up to date with its text, inside the caller's
    transaction (or one of its own). Returns its story (None when it has no copy)."""
    with transaction.atomic():
        current = StorySignature.objects.filter(article_id=article.pk).values_list(
            "content_hash", flat=True
        )
        if list(current) == [article.content_hash] and eligible(article, policy):
            return article.story
        _lock()
        old_story = Article.objects.filter(pk=article.pk).values_list("story_id", flat=True).first()
        story = _join(article, policy)
        if old_story and old_story != (story.pk if story else None):
            regroup(old_story, policy)
        return story


def _join(article: Article, policy: StoryPolicy) -> Story | None:
    if not eligible(article, policy):
        drop_signature(article.pk)
        _set_story([article.pk], None)
        article.story = None
        return None
    found = shingles(article.body_text, policy.shingle_words)
    keys = store_signature(article, found, policy)
    matches = verified(article, found, candidates(article, keys, policy), policy)
    if not matches:
        _set_story([article.pk], None)
        article.story = None
        return None
    stories = list(
        Article.objects.filter(pk__in=matches, story__isnull=False)
        .values_list("story_id", flat=True)
        .distinct()
        .order_by("story_id")
    )
    story = Story.objects.get(pk=stories[0]) if stories else Story.objects.create()
    if len(stories) > 1:  # the new text bridges stories: they are one
        moved = Article.objects.filter(story_id__in=stories[1:])
        _reindex(moved.values_list("pk", flat=True))
        moved.update(story=story)
        Story.objects.filter(pk__in=stories[1:]).delete()
    joining = list(Article.objects.filter(pk__in=matches).exclude(story=story).values_list("pk", flat=True))
    _set_story([article.pk, *joining], story.pk)
    _reindex(joining)
    article.story = story
    return story


def _set_story(ids: list[int], story_id: int | None) -> None:
    # update(), not save(): a save would start this all over for the same text.
    Article.objects.filter(pk__in=ids).update(story_id=story_id)


def pairs_among(ids: list[int], policy: StoryPolicy = DEFAULT_POLICY) -> list[tuple[int, int]]:
    """The verified pairs among these articles: sharing a band or the text, and near copies."""
    ids = list(ids)
    bands: dict[int, set[int]] = {}
    for key, pk in StoryBand.objects.filter(article_id__in=ids).values_list("key", "article_id"):
        bands.setdefault(key, set()).add(pk)
    hashes: dict[str, set[int]] = {}
    for pk, h in Article.objects.filter(pk__in=ids).values_list("pk", "content_hash"):
        hashes.setdefault(h, set()).add(pk)
    linked = set()
    for group in [*bands.values(), *hashes.values()]:
        members = sorted(group)
        linked.update((a, b) for i, a in enumerate(members) for b in members[i + 1 :])
    found = {pk: (shingles(t, policy.shingle_words), w) for pk, (t, w) in texts(ids).items()}
    return [
        (a, b) for a, b in sorted(linked)
        if a in found and b in found
        and min(found[a][1], found[b][1]) >= policy.min_words
        and same_story(found[a][0], found[b][0], policy)
    ]  # fmt: skip


def components(ids: Iterable[int], pairs: Iterable[tuple[int, int]]) -> list[set[int]]:
    """Connected groups (of two or more) of `ids` joined by `pairs` (union-find)."""
    parent = {pk: pk for pk in ids}

    def root(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        parent[root(a)] = root(b)
    groups: dict[int, set[int]] = {}
    for pk in parent:
        groups.setdefault(root(pk), set()).add(pk)
    return [g for g in groups.values() if len(g) > 1]


def regroup(story_id: int, policy: StoryPolicy = DEFAULT_POLICY) -> None:
    """Make a story consistent after one of its articles left it (deleted, or its text
    changed): what still hangs together stays (the largest part keeps the story's id), other
    parts become stories of their own, and an article left alone has none."""
    with transaction.atomic():
        _lock()
        ids = list(Article.objects.filter(story_id=story_id).values_list("pk", flat=True))
        groups = sorted(components(ids, pairs_among(ids, policy)), key=len, reverse=True)
        placed = set().union(*groups) if groups else set()
        _set_story([pk for pk in ids if pk not in placed], None)
        for n, group in enumerate(groups):
            if n:
                _set_story(list(group), Story.objects.create().pk)
        if not groups:
            Story.objects.filter(pk=story_id).delete()
        _reindex(pk for pk in ids if not groups or pk not in groups[0])


# --- signals: whoever saves or deletes an article (importer, admin, shell) ---------------------
def article_saved(sender, instance: Article, raw=False, **kwargs):
    if not raw:
        refresh_story(instance)


def article_deleted(sender, instance: Article, **kwargs):
    if instance.story_id:
        regroup(instance.story_id)
