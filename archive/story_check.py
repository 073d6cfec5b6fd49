"""Compare the story index with the articles, and rebuild it (the articles are the truth;
signatures, bands and the grouping are derived from their texts). `check_stories` runs it.

older() first counts the signatures of another version than today's (signature_version:
the shingle hash's algorithm and the policy's signing fields), one COUNT on an index: after an
upgrade that changed them, check_stories says so at once and stops, and --repair signs them
again (compare() calls them stale).

compare() recomputes every signature (about a millisecond an article; the band rows it
expects are looked up by key, and one scan counts each article's rows) and, once those are in
sync, checks the stories against every verified pair from the stored bands: no article with a
copy is in no story, and every story hangs together by verified pairs inside it (a text may
have copies in other stories: saving joins its nearest, archive.stories.choose). repair()
re-signs, splits what falls apart and joins the loose articles as saving would.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection, transaction

from archive import stories
from archive.models import Article, Story, StoryBand, StorySignature
from archive.stories import DEFAULT_POLICY, StoryPolicy, signature_version

CHUNK = 500


@dataclass
class StoryDiff:
    stale: list[int] = field(default_factory=list)  # signature missing, stale or bands differ
    extra: list[int] = field(default_factory=list)  # signatures of texts too short, stray bands
    wrong: list[int] = field(default_factory=list)  # articles in the wrong story (or none)
    empty: list[int] = field(default_factory=list)  # stories of fewer than two articles
    groups: list[set[int]] = field(default_factory=list)  # the grouping the texts give

    @property
    def in_sync(self) -> bool:
        return not (self.stale or self.extra or self.wrong or self.empty)

    def describe(self) -> str:
        lines = []
        for label, ids in (
            ("signatures missing or stale", self.stale),
            ("signatures or bands of texts too short to compare", self.extra),
            ("articles in the wrong story", self.wrong),
            ("stories of fewer than two articles", self.empty),
        ):
            if ids:
                lines.append(f"{label}: {len(ids)} ({_sample(ids)})")
        if self.stale or self.extra:
            lines.append("(the stories themselves are checked once the signatures are in sync)")
        return "\n".join(lines)


def _sample(ids: list[int]) -> str:
    shown = ", ".join(str(i) for i in ids[:10])
    return shown + (", …" if len(ids) > 10 else "")


def older(policy: StoryPolicy = DEFAULT_POLICY) -> int:
    """How many stored signatures are of another version than `policy` signs today (0:
    unknown, stored before versions were): stale whatever their texts."""
    return StorySignature.objects.exclude(version=signature_version(policy)).count()


def _signature_diffs(policy: StoryPolicy) -> tuple[list[int], list[int]]:
    band = StoryBand._meta.db_table
    with connection.cursor() as cursor:  # one scan of the bands (they have no index by article)
        cursor.execute(f"SELECT article_id, count(*) FROM {band} GROUP BY article_id")  # noqa: S608
        counts = dict(cursor.fetchall())
    stale = []
    rows = Article.objects.filter(word_count__gte=policy.min_words).order_by("pk")
    rows = rows.values_list("pk", "content_hash", "body_text")
    chunk: list[tuple] = []
    for row in rows.iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) == CHUNK:
            stale += _stale_in(chunk, counts, policy)
            chunk = []
    stale += _stale_in(chunk, counts, policy)
    short = StorySignature.objects.filter(article__word_count__lt=policy.min_words)
    signed = set(StorySignature.objects.values_list("article_id", flat=True))
    extra = set(short.values_list("article_id", flat=True))
    extra |= {pk for pk in counts if pk not in signed}  # bands of no signature: strays
    return stale, sorted(extra)


def _stale_in(chunk: list[tuple], counts: dict[int, int], policy: StoryPolicy) -> list[int]:
    ids = [pk for pk, _h, _t in chunk]
    stored = {
        pk: (content_hash, bytes(minhash), bytes(hashes), version)
        for pk, content_hash, minhash, hashes, version in StorySignature.objects.filter(
            article_id__in=ids
        ).values_list("article_id", "content_hash", "minhash", "hashes", "version")
    }
    version = signature_version(policy)
    expected = {pk: stories.sign(text, policy)[0] for pk, _h, text in chunk}
    present = _present({pk: set(signed.keys) for pk, signed in expected.items()})
    stale = []
    for pk, content_hash, _text in chunk:
        signed, keys = expected[pk], set(expected[pk].keys)
        if (
            stored.get(pk) != (content_hash, signed.minhash, signed.hashes, version)
            or counts.get(pk, 0) != len(keys)
            or present.get(pk, set()) != keys
        ):
            stale.append(pk)
    return stale


def _present(expected: dict[int, set[int]], chunk: int = 5000) -> dict[int, set[int]]:
    """Which of each article's expected band keys StoryBand holds (by its primary key)."""
    band = StoryBand._meta.db_table
    keys = sorted({k for ks in expected.values() for k in ks})
    found: dict[int, set[int]] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(keys), chunk):
            part = keys[start : start + chunk]
            cursor.execute(
                f'SELECT "key", article_id FROM {band} '  # noqa: S608
                f'WHERE "key" IN ({", ".join(["%s"] * len(part))})',
                part,
            )
            for key, pk in cursor.fetchall():
                if key in expected.get(pk, ()):
                    found.setdefault(pk, set()).add(key)
    return found


def _band_pairs() -> list[tuple[int, int]]:
    """Every pair of articles sharing a band key, from the (key, article) index."""
    band = StoryBand._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT a.article_id, b.article_id FROM {band} a JOIN {band} b "  # noqa: S608
            'ON a."key" = b."key" AND a.article_id < b.article_id'
        )
        return cursor.fetchall()


def verified_pairs(policy: StoryPolicy = DEFAULT_POLICY) -> list[tuple[int, int, stories.Match]]:
    """Every pair of articles the stored bands make candidates, verified on their texts:
    (a, b, the Match of b for a), a < b."""
    pairs = _band_pairs()
    involved = sorted({pk for pair in pairs for pk in pair})
    found: dict = {}  # {id: shingle hashes} of the texts long enough to compare
    for start in range(0, len(involved), CHUNK):
        texts = stories.texts(involved[start : start + CHUNK])
        found.update(
            {pk: stories.text_hashes(t, policy) for pk, (t, w) in texts.items()
             if w >= policy.min_words}
        )  # fmt: skip
    scored = (
        (a, b, stories.score(b, found[a], found[b], policy)) for a, b in pairs
        if a in found and b in found
    )  # fmt: skip
    return [(a, b, m) for a, b, m in scored if m is not None]


def _stored() -> dict[int, int]:
    return dict(Article.objects.filter(story__isnull=False).values_list("pk", "story_id"))


def _parts(pairs, stored: dict[int, int]) -> dict[int, list[set[int]]]:
    """{story: its members' connected groups by verified pairs inside it, largest first}
    (a member with no such pair is a group of one)."""
    inside = [(a, b) for a, b, _ in pairs if a in stored and stored[a] == stored.get(b)]
    grouped = stories.components(stored, inside)
    placed = {pk for g in grouped for pk in g}
    by_story: dict[int, list[set[int]]] = {}
    for group in [*grouped, *({pk} for pk in stored if pk not in placed)]:
        by_story.setdefault(stored[next(iter(group))], []).append(group)
    for groups in by_story.values():
        groups.sort(key=lambda g: (-len(g), min(g)))
    return by_story


def _wrong(pairs, stored: dict[int, int]) -> list[int]:
    """What saving never leaves: an article with a verified copy in no story, or a story
    whose members do not hang together by verified pairs inside it (those outside its
    largest group). A text may have copies in other stories: it joined its nearest."""
    loose = {pk for a, b, _ in pairs for pk in (a, b) if pk not in stored}
    apart = {pk for groups in _parts(pairs, stored).values() for g in groups[1:] for pk in g}
    return sorted(loose | apart)


def compare(policy: StoryPolicy = DEFAULT_POLICY) -> StoryDiff:
    diff = StoryDiff()
    diff.stale, diff.extra = _signature_diffs(policy)
    sizes = Counter(_stored().values())
    diff.empty = sorted(pk for pk in Story.objects.values_list("pk", flat=True) if sizes[pk] < 2)
    if not (diff.stale or diff.extra):
        diff.wrong = _wrong(verified_pairs(policy), _stored())
    return diff


def repair(diff: StoryDiff, policy: StoryPolicy = DEFAULT_POLICY) -> None:
    """Rewrite what differs: signatures first, then the stories from the bands."""
    with transaction.atomic():
        stories._lock()
        redo = sorted({*diff.stale, *diff.extra})
        stories.purge_bands(redo)  # whatever keys their rows have
        for start in range(0, len(redo), CHUNK):
            StorySignature.objects.filter(article_id__in=redo[start : start + CHUNK]).delete()
        stale = sorted(diff.stale)
        for start in range(0, len(stale), CHUNK):
            for article in Article.objects.filter(pk__in=stale[start : start + CHUNK]).only(
                "pk", "content_hash", "body_text"
            ):
                signed = stories.sign(article.body_text, policy)[0]
                stories.store_signature(article, signed, new=True)
        _regroup(verified_pairs(policy), _stored())


def _regroup(pairs, stored: dict[int, int]) -> None:
    """Mend the stories, touching only what is wrong: a story that falls apart keeps its
    largest group (the others become stories of their own, or none when of one article),
    then each article with a copy but no story joins as if saved again, oldest first."""
    now = dict(stored)
    for groups in _parts(pairs, stored).values():
        for group in groups[1:]:
            new_id = Story.objects.create().pk if len(group) > 1 else None
            now.update(dict.fromkeys(group, new_id))
        if len(groups[0]) < 2:
            now.update(dict.fromkeys(groups[0]))
    _join(pairs, now, lambda: Story.objects.create().pk)
    _apply(now, stored)


def regroup_all(policy: StoryPolicy = DEFAULT_POLICY) -> int:
    """Every story made again by today's rule, as if each article with a copy were saved
    again, oldest first: for an archive grouped by an older rule (one that chained stories
    through shared passages). A new story keeps the id most of its members had, so links
    to stories mostly stay good. The number of articles whose story changed."""
    with transaction.atomic():
        stories._lock()
        stored = _stored()
        placeholders = itertools.count(1)  # in the order made, as stories' ids are
        now = _join(verified_pairs(policy), {}, lambda: next(placeholders), replay=True)
        members: dict[int, list[int]] = {}
        for pk, story_id in now.items():
            members.setdefault(story_id, []).append(pk)
        kept: dict[int, int] = {}
        taken: set[int] = set()
        for story_id, pks in sorted(members.items(), key=lambda kv: -len(kv[1])):
            old = Counter(stored[pk] for pk in pks if pk in stored and stored[pk] not in taken)
            kept[story_id] = old.most_common(1)[0][0] if old else Story.objects.create().pk
            taken.add(kept[story_id])
        final = {pk: kept[story_id] for pk, story_id in now.items()}
        return _apply(final, stored)


def _join(
    pairs, now: dict[int, int | None], new_story, *, replay: bool = False
) -> dict[int, int | None]:
    """Each article with a verified copy and no story in `now` joins as saving would have
    it (stories.choose), oldest first; `new_story()` gives a new story's id. `replay`: as
    when it was saved, among the articles older than it only."""
    partners: dict[int, list[stories.Match]] = {}
    for a, b, m in pairs:
        partners.setdefault(a, []).append(m)
        partners.setdefault(b, []).append(stories.Match(a, m.contained, m.overlap, m.mutual))
    members: dict[int, set[int]] = {}  # story -> its articles in `now`: merges touch only them
    for pk, story_id in now.items():
        if story_id is not None:
            members.setdefault(story_id, set()).add(pk)

    def put(pk: int, story_id: int) -> None:
        if now.get(pk) is not None:
            members.get(now[pk], set()).discard(pk)
        now[pk] = story_id
        members.setdefault(story_id, set()).add(pk)

    for pk in sorted(partners):
        matches = [m for m in partners[pk] if m.pk < pk] if replay else partners[pk]
        if now.get(pk) is not None or not matches:
            continue
        best, home, merged = stories.choose(matches, now)
        home = home or new_story()
        for story_id in merged:
            for other in list(members.pop(story_id, ())):
                put(other, home)
        for m in matches:
            if now.get(m.pk) is None or m.pk == best.pk:
                put(m.pk, home)
        put(pk, home)
    return now


def _apply(now: dict[int, int | None], stored: dict[int, int]) -> int:
    """Write the articles whose story differs, drop the stories left empty, reindex."""
    changed = sorted(pk for pk in set(now) | set(stored) if now.get(pk) != stored.get(pk))
    by_story: dict[int | None, list[int]] = {}
    for pk in changed:
        by_story.setdefault(now.get(pk), []).append(pk)
    for story_id, ids in by_story.items():
        for start in range(0, len(ids), CHUNK):
            Article.objects.filter(pk__in=ids[start : start + CHUNK]).update(story_id=story_id)
    Story.objects.exclude(pk__in={v for v in now.values() if v is not None}).delete()
    stories._reindex(changed)
    return len(changed)
