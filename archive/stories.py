"""Stories: the articles that are copies or near copies of one another, across outlets.

Each article of at least `min_words` words gets a MinHash signature over the word shingles
of its cleaned text (archive.signatures), cut into LSH bands; each band is stored as one 64-bit
key in StoryBand, whose (key, article) pairs are its primary key and its only index. A new or
changed text finds its candidates with one indexed `key IN (...)` look-up inside its own save
transaction, so every process sees the same index and nothing is held in memory. Candidates
are then verified: the share of the shorter text's shingles found in the other (containment)
must reach `threshold`, compared on the shingles' 32-bit hashes, which the signature stores
(so no candidate's text is read or shingled again). A text joins the story of its nearest
match (choose(): a text containing two stories merges them only when nearly the same as
both), so a story hangs together by verified pairs but does not chain through every shared
passage. All of it is derived data: archive.story_check compares it with the articles and
mends it (check_stories).

Concurrency: the look-up and the join run under one lock per database (SQLite's IMMEDIATE
transactions already hold the write lock from BEGIN; on PostgreSQL a transaction-scoped
advisory lock), so an original and its copies saved at once by several processes end in
one story whatever the order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

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
    shingle_hashes,
    shingles,
    sign,
    signature,
    signature_version,
    text_hashes,
)

_KEY = connection.ops.quote_name("key")  # a keyword in some SQL dialects
# Any constant; the key of PostgreSQL's advisory lock for story joins.
_PG_LOCK = 0x5354_4F52


# --- the index in the database ----------------------------------------------------------------
def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK])


_SIGNATURES = StorySignature._meta.db_table
_BANDS = StoryBand._meta.db_table


def store_signature(article: Article, signed: Signature, *, new: bool = False) -> None:
    """Write the article's signature, with its version, and band keys (replacing any,
    unless `new`: it has none yet): two INSERTs, the bands' in one statement. The one
    writer of signatures (saving, the parse workers' signatures, imports, check_stories
    --repair all come here)."""
    if not new:
        drop_signature(article.pk)
    hashes = signed.hashes or sign_hashes(article.body_text, signed.policy)
    keys = list(dict.fromkeys(signed.keys))
    version = signature_version(signed.policy)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_SIGNATURES} "  # noqa: S608
            "(article_id, content_hash, minhash, shingles, hashes, version) "
            "VALUES (%s, %s, %s, %s, %s, %s)",
            [article.pk, signed.content_hash, signed.minhash, signed.shingles, hashes, version],
        )
        cursor.execute(
            f"INSERT INTO {_BANDS} ({_KEY}, article_id) VALUES "  # noqa: S608
            + ", ".join(["(%s, %s)"] * len(keys))
            + " ON CONFLICT DO NOTHING",
            [v for k in keys for v in (k, article.pk)],
        )


def sign_hashes(text: str, policy: StoryPolicy = DEFAULT_POLICY) -> bytes:
    return text_hashes(text, policy).tobytes()


def stored_keys(minhash: bytes, policy: StoryPolicy = DEFAULT_POLICY) -> list[int]:
    """The band keys of a stored MinHash (the rows StoryBand holds for it)."""
    sig = np.frombuffer(bytes(minhash), dtype=np.uint32)
    return band_keys(sig, policy) if len(sig) >= policy.bands * policy.rows else []


def drop_signature(article_id: int, policy: StoryPolicy = DEFAULT_POLICY) -> None:
    """Delete the article's signature and its bands (found by the keys of its stored
    MinHash: the table has no index by article; rows left by another policy are strays,
    which check_stories finds and removes)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT minhash FROM {_SIGNATURES} WHERE article_id = %s", [article_id])  # noqa: S608
        row = cursor.fetchone()
        if row is None:
            return
        keys = stored_keys(row[0], policy)
        if keys:
            cursor.execute(
                f"DELETE FROM {_BANDS} WHERE {_KEY} IN ({', '.join(['%s'] * len(keys))}) "  # noqa: S608
                "AND article_id = %s",
                [*keys, article_id],
            )
        cursor.execute(f"DELETE FROM {_SIGNATURES} WHERE article_id = %s", [article_id])  # noqa: S608


def purge_bands(ids: Iterable[int], chunk: int = 30_000) -> None:
    """Every band row of these articles, whatever its key: a scan of the whole table per
    chunk of ids (no index by article), for check_stories' repairs."""
    ids = sorted(set(ids))
    with connection.cursor() as cursor:
        for start in range(0, len(ids), chunk):
            part = ids[start : start + chunk]
            cursor.execute(
                f"DELETE FROM {_BANDS} WHERE article_id IN ({', '.join(['%s'] * len(part))})",  # noqa: S608
                part,
            )


def candidates(article: Article, keys: Iterable[int], policy: StoryPolicy) -> list[int]:
    """Ids of the articles sharing a band with `keys`, most bands shared first. (The same
    text has the same signature: its exact copies are among them.)"""
    keys = list(keys)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT article_id FROM {_BANDS} WHERE {_KEY} IN ({', '.join(['%s'] * len(keys))}) "  # noqa: S608
            "AND article_id <> %s GROUP BY article_id ORDER BY count(*) DESC, article_id "
            "LIMIT %s",
            [*keys, article.pk or 0, policy.max_candidates],
        )
        return [row[0] for row in cursor.fetchall()]


def texts(ids: Iterable[int]) -> dict[int, tuple[str, int]]:
    """{id: (body text, word count)} of these articles."""
    rows = Article.objects.filter(pk__in=list(ids)).values_list("pk", "body_text", "word_count")
    return {pk: (text, words) for pk, text, words in rows.order_by()}


def stored_hashes(ids: Iterable[int], policy: StoryPolicy = DEFAULT_POLICY) -> dict:
    """{id: shingle hashes} of these articles, from their stored signatures (no text read),
    or from their texts where a signature has none (stored before hashes were), is of
    another version (signature_version) or none is stored; articles too short to compare
    are left out.

    An older version's hashes come from another hash function: compared with this one's
    they would share next to nothing, and a copy would be turned down. Its candidates are
    verified on their texts instead, not signed again here: a save signs only its own text
    (re-signing a candidate would rewrite another article's bands inside this save, and
    would not find the others: an old signature's band keys are of the old hash, so a copy
    meets few of its originals as candidates at all). Until `check_stories --repair` signs
    the archive again a new copy may stay alone; the repair then joins it to its story."""
    ids = list(ids)
    found: dict[int, np.ndarray] = {}
    if not ids:
        return found
    version = signature_version(policy)
    with connection.cursor() as cursor:
        # The version is compared here, not in the WHERE: with `AND version = %s` SQLite
        # walks the version's index (every row of one version: the whole table, 40 ms a save
        # at 32,000 articles and growing) instead of looking the ids up by key (0.1 ms).
        cursor.execute(
            f"SELECT article_id, hashes, version FROM {_SIGNATURES} "  # noqa: S608
            f"WHERE article_id IN ({', '.join(['%s'] * len(ids))})",
            ids,
        )
        for pk, hashes, stored in cursor.fetchall():
            if hashes and stored == version:
                found[pk] = np.frombuffer(bytes(hashes), dtype=np.uint32)
    missing = [pk for pk in ids if pk not in found]
    for pk, (text, words) in (texts(missing) if missing else {}).items():
        if words >= policy.min_words:
            found[pk] = text_hashes(text, policy)
    return found


@dataclass(frozen=True)
class Match:
    """A verified near copy: `contained`, the share of the shorter text's shingles found in
    the other (what makes it a copy); `overlap`, the share of the longer's (both texts are
    nearly the same one when it too reaches the threshold: `mutual`)."""

    pk: int
    contained: float
    overlap: float
    mutual: bool


def score(pk: int, a, b, policy: StoryPolicy = DEFAULT_POLICY) -> Match | None:
    """The Match of two texts' shingle hashes (sorted, distinct), or None when not copies."""
    if not len(a) or not len(b):
        return None
    shared = len(np.intersect1d(a, b, assume_unique=True))
    contained, overlap = shared / min(len(a), len(b)), shared / max(len(a), len(b))
    if contained < policy.threshold:
        return None
    return Match(pk, contained, overlap, overlap >= policy.threshold)


def verified(
    article: Article,
    found=None,
    ids: list[int] = (),
    policy: StoryPolicy = DEFAULT_POLICY,
    signed: Signature | None = None,
) -> list[Match]:
    """Those of `ids` whose texts are copies or near copies of the article's: the share of
    the shorter text's shingles found in the other reaches the threshold, compared on the
    shingles' hashes (`found`: the article's, a set of shingles or their hashes; None to
    take them from `signed` or its text)."""
    if not ids:
        return []
    if found is None:
        found = signed.hash_array() if signed is not None and signed.hashes else None
    if found is None:
        found = text_hashes(article.body_text, policy)
    elif isinstance(found, set):
        found = shingle_hashes(found)
    return score_many(found, ids, stored_hashes(ids, policy), policy)


_LOW_BITS = np.uint32(0xFFFF)


def score_many(
    found: np.ndarray, ids: list[int], theirs: dict, policy: StoryPolicy = DEFAULT_POLICY
) -> list[Match]:
    """score() of the text's hashes (`found`) against each of `ids`' (`theirs`), the Matches.
    Most candidates are no copies (23 a save onto 100,000 articles, 1.4 verified): one numpy
    pass over all of them counts, for each, its hashes whose low 16 bits some hash of the
    text has, at least the hashes it shares; only those whose count reaches the threshold
    are compared exactly. The same Matches as score() of each, at half its CPU (0.42 -> 0.20
    ms a save there)."""
    pks = [pk for pk in ids if pk in theirs and len(theirs[pk])]
    if not pks or not len(found):
        return []
    arrays = [theirs[pk] for pk in pks]
    lengths = np.fromiter((len(a) for a in arrays), dtype=np.int64, count=len(arrays))
    seen = np.zeros(1 << 16, dtype=bool)
    seen[found & _LOW_BITS] = True
    hits = np.cumsum(seen[np.concatenate(arrays) & _LOW_BITS], dtype=np.int64)
    hits = hits[np.cumsum(lengths) - 1]
    at_most = np.diff(hits, prepend=0)  # per candidate: >= the hashes it shares with the text
    possible = at_most / np.minimum(lengths, len(found)) >= policy.threshold
    scored = (score(pks[i], found, arrays[i], policy) for i in np.flatnonzero(possible))
    return [m for m in scored if m is not None]


def choose(
    matches: list[Match], story_of: dict[int, int | None]
) -> tuple[Match, int | None, list[int]]:
    """Which story a text joins, given its verified matches and their stories: its nearest
    match (most contained, then most overlapping, then one already in a story, then the
    oldest), the story it joins (its nearest match's; None: a new one) and the other stories
    it makes one with it: when it is nearly the same text (mutual) as its nearest match,
    those where it is so with a member too (the first of them is joined when the nearest
    is in none).

    A text that merely contains two stories' texts (a round-up quoting two wire stories, or
    paragraphs shared by two otherwise different articles) joins the nearer and merges
    nothing: merging on every such bridge chained 18,501 of the bench's 100,000 articles
    into one story; joining the nearest keeps the largest at 116 (replayed on the bench
    corpus's signatures). Its cost, on bench/stories.py: recall 0.939 -> 0.911 at the same
    precision (0.985), as two cut copies that each found a story before their original
    came stay in two. Merging on a weaker likeness (the two matches sharing 30-50% with each
    other, or one contained whole) chained 1,095-21,751 bench articles into one again."""
    best = max(matches, key=lambda m: (m.contained, m.overlap, story_of.get(m.pk) is not None,
                                       -m.pk))  # fmt: skip
    home = story_of.get(best.pk)
    if not best.mutual:
        return best, home, []
    near = sorted({story_of[m.pk] for m in matches if m.mutual and story_of.get(m.pk)})
    home = home or (near[0] if near else None)
    return best, home, [s for s in near if s != home]


# --- joining, leaving, regrouping -------------------------------------------------------------
def _reindex(ids: Iterable[int]) -> None:
    """The articles whose `in_story` in the index changes (in a story or not: which story
    the index does not hold, so a move from one story to another needs no re-index)."""
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
        # The same text signed before: nothing to do, even when its signature is of an older
        # version. Signing it again alone would move it out of its story (its partners' bands
        # are of the old hash, so it would find none of them): check_stories --repair signs
        # the whole archive again at once.
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
    story_of = dict(
        Article.objects.filter(pk__in=[m.pk for m in matches]).values_list("pk", "story_id")
    )
    best, home, merged = choose(matches, story_of)
    story = Story.objects.get(pk=home) if home else Story.objects.create()
    if merged:  # the text is nearly the same as members of other stories too: they are one
        # (in a story before and after: nothing the index holds changes)
        Article.objects.filter(story_id__in=merged).update(story=story)
        Story.objects.filter(pk__in=merged).delete()
    # Its matches in no story yet join it (it is a copy of each); those in other stories stay.
    joining = [m.pk for m in matches if not story_of.get(m.pk) or m.pk == best.pk]
    joining = [pk for pk in joining if story_of.get(pk) != story.pk]
    _set_story([article.pk, *joining], story.pk)
    _reindex(joining)  # (indexed with in_story "no")
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
    """The verified pairs among these articles: sharing a band (the keys of their stored
    signatures), and near copies."""
    ids = list(ids)
    bands: dict[int, set[int]] = {}
    for pk, minhash in StorySignature.objects.filter(article_id__in=ids).values_list(
        "article_id", "minhash"
    ):
        for key in stored_keys(minhash, policy):
            bands.setdefault(key, set()).add(pk)
    linked = set()
    for group in bands.values():
        members = sorted(group)
        linked.update((a, b) for i, a in enumerate(members) for b in members[i + 1 :])
    found = stored_hashes(ids, policy)
    return [
        (a, b) for a, b in sorted(linked)
        if a in found and b in found and same_story(found[a], found[b], policy)
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
        alone = [pk for pk in ids if pk not in placed]
        _set_story(alone, None)
        for n, group in enumerate(groups):
            if n:
                _set_story(list(group), Story.objects.create().pk)
        if not groups:
            Story.objects.filter(pk=story_id).delete()
        _reindex(alone)  # (the other parts are in a story still)


# --- signals: whoever saves or deletes an article (importer, admin, shell) ---------------------
def article_saved(sender, instance: Article, created=False, raw=False, **kwargs):
    if not raw:
        refresh_story(instance, created=created)


def article_deleting(sender, instance: Article, **kwargs):
    """Before the article goes (its signature with it, by cascade): its band rows, found by
    the signature's keys; and its story as stored (the instance's may be stale: it joined
    a story when a later copy was saved)."""
    instance._story_before_delete = (
        Article.objects.filter(pk=instance.pk).values_list("story_id", flat=True).first()
    )
    drop_signature(instance.pk)


def article_deleted(sender, instance: Article, **kwargs):
    story_id = getattr(instance, "_story_before_delete", instance.story_id)
    if story_id:
        regroup(story_id)
