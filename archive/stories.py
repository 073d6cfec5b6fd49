"""Stories: the articles that are copies or near copies of one another, across outlets.

Each article of at least `min_words` words gets a MinHash signature over the word shingles
of its cleaned text (archive.signatures), cut into LSH bands; each band is stored as one 64-bit key
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

from collections.abc import Iterable

import numpy as np
from django.db import connection, transaction

from archive.models import Article, Story, StoryBand, StorySignature
from archive.signatures import (  # noqa: F401 (the comparisons, re-exported for readers)
    DEFAULT_POLICY,
    Signature,
    StoryPolicy,
    band_keys,
    containment,
    eligible,
    jaccard,
    same_story,
    shingles,
    sign,
    signature,
)

_KEY = connection.ops.quote_name("key")  # a keyword in some SQL dialects
# Any constant; the key of PostgreSQL's advisory lock for story joins.
_PG_LOCK = 0x5354_4F52


# --- the index in the database ----------------------------------------------------------------
def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK])


def store_signature(article: Article, signed: Signature, *, new: bool = False) -> None:
    """Write the article's signature and band keys (replacing any, unless `new`: it has
    none yet). Plain executemany: the ORM's bulk_create cost more than the look-up."""
    if not new:
        drop_signature(article.pk)
    StorySignature.objects.create(
        article_id=article.pk, content_hash=signed.content_hash, minhash=signed.minhash,
        shingles=signed.shingles,
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {StoryBand._meta.db_table} ({_KEY}, article_id) VALUES (%s, %s)",  # noqa: S608
            [(k, article.pk) for k in signed.keys],
        )


def drop_signature(article_id: int) -> None:
    StoryBand.objects.filter(article_id=article_id).delete()
    StorySignature.objects.filter(article_id=article_id).delete()


def candidates(article: Article, keys: Iterable[int], policy: StoryPolicy) -> list[int]:
    """Ids of the articles sharing a band with `keys`, most bands shared first. (The same
    text has the same signature: its exact copies are among them.)"""
    keys = list(keys)
    table = StoryBand._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT article_id FROM {table} WHERE {_KEY} IN ({', '.join(['%s'] * len(keys))}) "  # noqa: S608
            "AND article_id <> %s GROUP BY article_id ORDER BY count(*) DESC, article_id "
            "LIMIT %s",
            [*keys, article.pk, policy.max_candidates],
        )
        return [row[0] for row in cursor.fetchall()]


def texts(ids: Iterable[int]) -> dict[int, tuple[str, int]]:
    """{id: (body text, word count)} of these articles."""
    rows = Article.objects.filter(pk__in=list(ids)).values_list("pk", "body_text", "word_count")
    return {pk: (text, words) for pk, text, words in rows.order_by()}


def verified(
    article: Article,
    found: set[bytes] | None,
    ids: list[int],
    policy: StoryPolicy,
    signed: Signature | None = None,
) -> list[int]:
    """Those of `ids` whose texts are copies or near copies of the article's (`found`: its
    shingles, None to work them out). With its `signed` signature, candidates whose stored
    signatures say they are far apart are left out before the exact comparison."""
    if signed is not None:
        ids = _likely(signed, ids, policy)
    if not ids:
        return []
    if found is None:
        found = shingles(article.body_text, policy.shingle_words)
    matches = []
    for pk, (text, words) in texts(ids).items():
        if words >= policy.min_words and same_story(
            found, shingles(text, policy.shingle_words), policy
        ):
            matches.append(pk)
    return matches


# The estimate's margin: with 128 values, an estimated Jaccard is within about 0.1 of the
# true one; a containment worked out from it and the two shingle counts, within this.
_MARGIN = 0.3


def _likely(signed: Signature, ids: list[int], policy: StoryPolicy) -> list[int]:
    """Those of `ids` whose estimated containment (from the stored MinHash and shingle
    count) could reach the threshold: an exact comparison reads and shingles the text."""
    if not ids:
        return []
    mine = np.frombuffer(signed.minhash, dtype=np.uint32)
    rows = StorySignature.objects.filter(article_id__in=ids).values_list(
        "article_id", "minhash", "shingles"
    )
    likely = []
    for pk, minhash, count in rows:
        theirs = np.frombuffer(bytes(minhash), dtype=np.uint32)
        if theirs.shape != mine.shape or not count or not signed.shingles:
            likely.append(pk)  # (another policy's signature: compare exactly)
            continue
        j = float(np.mean(theirs == mine))
        shared = j * (count + signed.shingles) / (1 + j)
        if shared / min(count, signed.shingles) >= policy.threshold - _MARGIN:
            likely.append(pk)
    return likely


# --- joining, leaving, regrouping -------------------------------------------------------------
def _reindex(ids: Iterable[int]) -> None:
    from search.outbox import enqueue  # the search wing hears of story changes after commit

    enqueue(sorted(set(ids)))


def refresh_story(
    article: Article, policy: StoryPolicy = DEFAULT_POLICY, *, created: bool = False
) -> Story | None:
    """Bring the article's signature and story up to date with its text, inside the caller's
    transaction (or one of its own); `created`: the article was just inserted (it has no
    signature yet). Returns its story (None when it has no copy)."""
    with transaction.atomic():
        current = [] if created else list(
            StorySignature.objects.filter(article_id=article.pk).values_list(
                "content_hash", flat=True
            )
        )  # fmt: skip
        if current == [article.content_hash] and eligible(article, policy):
            return article.story
        _lock()
        new = not current
        old_story = (
            None if new
            else Article.objects.filter(pk=article.pk).values_list("story_id", flat=True).first()
        )  # fmt: skip
        story = _join(article, policy, new=new)
        if old_story and old_story != (story.pk if story else None):
            regroup(old_story, policy)
        return story


def _join(article: Article, policy: StoryPolicy, *, new: bool) -> Story | None:
    if not eligible(article, policy):
        if not new:
            drop_signature(article.pk)
        return _alone(article, new=new)
    signed = getattr(article, "signed_ahead", None)
    if not (isinstance(signed, Signature) and signed.policy == policy
            and signed.content_hash == article.content_hash):  # fmt: skip
        signed = sign(article.body_text, policy)[0]
    store_signature(article, signed, new=new)
    found = candidates(article, signed.keys, policy)
    matches = verified(article, None, found, policy, signed=signed)
    if not matches:
        return _alone(article, new=new)
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
    joining = list(
        Article.objects.filter(pk__in=matches).exclude(story=story).values_list("pk", flat=True)
    )
    _set_story([article.pk, *joining], story.pk)
    _reindex(joining)
    article.story = story
    return story


def _alone(article: Article, *, new: bool) -> None:
    if not new:  # (a new article has no story yet: nothing to write)
        _set_story([article.pk], None)
    article.story = None
    return None


def _set_story(ids: list[int], story_id: int | None) -> None:
    # update(), not save(): a save would start this all over for the same text.
    Article.objects.filter(pk__in=ids).update(story_id=story_id)


def pairs_among(ids: list[int], policy: StoryPolicy = DEFAULT_POLICY) -> list[tuple[int, int]]:
    """The verified pairs among these articles: sharing a band, and near copies."""
    ids = list(ids)
    bands: dict[int, set[int]] = {}
    for key, pk in StoryBand.objects.filter(article_id__in=ids).values_list("key", "article_id"):
        bands.setdefault(key, set()).add(pk)
    linked = set()
    for group in bands.values():
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
def article_saved(sender, instance: Article, created=False, raw=False, **kwargs):
    if not raw:
        refresh_story(instance, created=created)


def article_deleted(sender, instance: Article, **kwargs):
    if instance.story_id:
        regroup(instance.story_id)
