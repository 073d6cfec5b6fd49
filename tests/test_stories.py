"""Stories: copies from other outlets are kept and grouped, near copies found, seeds apart."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from django.core.management import call_command

from archive import services, stories
from archive.models import Article, Story, StoryBand, StorySignature
from archive.story_pages import paragraph_changes
from tests.conftest import SEEDS
from tests.factories import parsed

pytestmark = pytest.mark.django_db


def seed_paragraphs(n: int = 0) -> list[str]:
    """The paragraphs of one seed article's body (a real article of a few hundred words)."""
    text = sorted(SEEDS.glob("*.txt"))[n].read_text(encoding="utf-8")
    paragraphs = [p.strip() for p in text.split("\n\n") if len(p.split()) >= 12]
    assert len(paragraphs) >= 8
    return paragraphs


def html(paragraphs: list[str]) -> str:
    return "".join(f"<p>{p}</p>" for p in paragraphs)


def save(paragraphs: list[str], source: str, **kwargs) -> services.SaveResult:
    return services.save_article(parsed=parsed(body=html(paragraphs), source=source, **kwargs))


def story_of(result: services.SaveResult) -> int | None:
    return Article.objects.get(pk=result.article.pk).story_id


# --- exact copies ---------------------------------------------
def test_an_exact_copy_from_another_outlet_is_kept_and_joins_the_story():
    text = seed_paragraphs()
    original = save(text, "The Original Times", published=dt.date(2022, 1, 10))
    copy = save(text, "Copy Blog", published=dt.date(2022, 1, 12))
    assert copy.status == services.IMPORTED
    story = story_of(copy)
    assert story and story == story_of(original)
    assert copy.message == f"copy of article {original.article.pk} (story {story})"
    assert Article.objects.count() == 2


def test_the_same_text_from_the_same_source_is_still_a_duplicate():
    text = seed_paragraphs()
    first = save(text, "The Original Times")
    again = save(text, "the original times")
    assert again.status == services.DUPLICATE
    assert again.article.pk == first.article.pk
    assert story_of(first) is None


def test_the_same_url_is_a_duplicate_whatever_the_source():
    text = seed_paragraphs()
    save(text, "The Original Times", url="https://example.com/a")
    again = save(text, "Copy Blog", url="https://example.com/a")
    assert again.status == services.DUPLICATE


def test_reimporting_originals_and_copies_imports_nothing(tmp_path):
    text = "\n\n".join(seed_paragraphs())
    for outlet in ("a", "b"):
        (tmp_path / outlet).mkdir()
        (tmp_path / outlet / "story.txt").write_text(f"Talks in Geneva\n\n{text}", "utf-8")
    first = [services.import_paths([str(tmp_path / o)], source=f"Outlet {o}") for o in "ab"]
    assert [r.summary for r in first] == ["imported 1, duplicates 0, failed 0"] * 2
    assert first[1].results[0].message.startswith("copy of article ")
    again = [services.import_paths([str(tmp_path / o)], source=f"Outlet {o}") for o in "ab"]
    assert [r.summary for r in again] == ["imported 0, duplicates 1, failed 0"] * 2
    assert Article.objects.count() == 2 and Story.objects.count() == 1


# --- near copies ---------------------------------------------
NEAR_COPIES = {
    "a header and a footer added": lambda p: [
        "Republished with permission. Our newsroom brings you the best of the web every day, "
        "so that you do not have to look for it yourself.",
        *p,
        "Support independent media: share this article with your friends and family, and "
        "subscribe to our newsletter for more stories like this one every morning.",
    ],
    "paragraphs cut": lambda p: p[: len(p) * 2 // 3],
    "a paragraph of its own": lambda p: [
        *p[:3],
        "Our correspondent adds that the talks in Geneva were watched closely in the capitals "
        "of the Baltic states, where many fear being decided about without being asked.",
        *p[3:],
    ],
}


@pytest.mark.parametrize("kind", NEAR_COPIES)
def test_a_near_copy_joins_the_story(kind):
    text = seed_paragraphs()
    original = save(text, "The Original Times")
    copy = save(NEAR_COPIES[kind](text), "Copy Blog")
    assert copy.status == services.IMPORTED
    assert story_of(copy) == story_of(original) is not None
    assert copy.message.startswith(f"copy of article {original.article.pk} ")


def test_the_seeds_five_outlets_on_one_story_are_never_grouped():
    report = services.import_paths([str(SEEDS)])
    assert report.count(services.IMPORTED) == 5, report.summary
    assert not Article.objects.filter(story__isnull=False).exists()
    assert Story.objects.count() == 0
    assert StorySignature.objects.count() == 5  # each was compared, and none matched


def test_short_texts_never_join_a_story_even_when_identical():
    text = ["Markets closed higher on Friday after a quiet week of trading in Europe."]
    save(text, "Outlet A")
    copy = save(text, "Outlet B")
    assert copy.status == services.IMPORTED and copy.message == ""
    assert story_of(copy) is None
    assert not StoryBand.objects.exists()


def test_a_text_bridging_two_stories_makes_them_one():
    text = seed_paragraphs()
    half = len(text) // 2
    first = save(text[:half], "Outlet A")
    second = save(text[half:], "Outlet B")
    assert story_of(first) is None and story_of(second) is None  # nothing alike yet
    whole = save(text, "Outlet C")
    assert story_of(first) == story_of(second) == story_of(whole) is not None


def test_a_text_containing_two_stories_joins_the_nearer_and_merges_nothing(capsys):
    """A round-up quoting two stories' texts is a copy of each, but makes them no one story:
    merging on every such bridge chained a fifth of the bench's 100,000 articles into one."""
    one, two = seed_paragraphs(0), seed_paragraphs(2)
    a = save(one, "Outlet A").article
    a2 = save([*one, "A closing line of this outlet's own, to be a near copy."], "Outlet A2")
    b = save(two, "Outlet B").article
    b2 = save(two[:-1], "Outlet B2")
    assert story_of(a2) == Article.objects.get(pk=a.pk).story_id is not None
    assert story_of(b2) == Article.objects.get(pk=b.pk).story_id is not None
    assert story_of(a2) != story_of(b2)
    roundup = save([*one[:-2], *two], "Round-up Weekly")  # nearer to B's text: all of it
    assert story_of(roundup) == story_of(b2) != story_of(a2)
    assert Story.objects.count() == 2
    call_command("check_stories")  # a text with a copy in another story is no error
    assert capsys.readouterr().out.strip() == "in sync"


def test_a_text_nearly_the_same_as_two_stories_members_makes_them_one():
    text = seed_paragraphs()
    a = save(text, "Outlet A").article
    save(text[:4], "Outlet A2")  # a story of A and its cut copy
    b = save([*text[1:], "A closing line of B's own, nothing else."], "Outlet B").article
    Article.objects.filter(pk=b.pk).update(story=Story.objects.create())  # apart, as if
    save(text[2:6], "Outlet B2")  # ... B and its own copy were a story before A was known
    assert Article.objects.get(pk=b.pk).story_id != Article.objects.get(pk=a.pk).story_id
    whole = save(text, "Outlet C")  # the same text as A, and nearly B
    assert story_of(whole) == Article.objects.get(pk=a.pk).story_id
    assert Article.objects.get(pk=b.pk).story_id == story_of(whole)


def test_an_edited_text_that_no_longer_matches_leaves_its_story():
    text = seed_paragraphs()
    save(text, "Outlet A")
    copy = save(text, "Outlet B").article
    copy.body_html = html(seed_paragraphs(1))
    copy.save()
    assert not Article.objects.filter(story__isnull=False).exists()
    assert Story.objects.count() == 0


# --- deleting ---------------------------------------------
def test_deleting_one_of_two_leaves_no_story_of_one():
    text = seed_paragraphs()
    original = save(text, "Outlet A").article
    save(text, "Outlet B").article.delete()
    assert Article.objects.get(pk=original.pk).story_id is None
    assert Story.objects.count() == 0


def test_deleting_the_article_that_bridged_a_story_splits_it():
    text = seed_paragraphs()
    half = len(text) // 2
    a = save(text[:half], "Outlet A").article
    b = save(text[half:], "Outlet B").article
    c = save(text, "Outlet C").article
    d = save(text, "Outlet D").article
    c.delete()
    stories_now = dict(Article.objects.values_list("pk", "story_id"))
    assert stories_now[a.pk] == stories_now[d.pk] is not None  # A is within D
    assert stories_now[b.pk] == stories_now[d.pk]  # ... and so is B: D still bridges
    d.delete()
    assert set(Article.objects.values_list("story_id", flat=True)) == {None}
    assert Story.objects.count() == 0


def test_deleting_from_a_larger_story_keeps_the_rest_together():
    text = seed_paragraphs()
    ids = [save(text, f"Outlet {n}").article.pk for n in range(4)]
    story = Article.objects.get(pk=ids[0]).story_id
    Article.objects.filter(pk=ids[1]).delete()
    assert set(Article.objects.values_list("story_id", flat=True)) == {story}


# --- what changed ---------------------------------------------
def test_paragraph_changes_tell_added_removed_and_altered():
    base = "\n\n".join(
        ["One two three four five.", "Six seven eight nine ten.", "Gone for good here."]
    )
    text = "\n\n".join(
        ["A new header paragraph.", "One two three four five.", "Six seven eight nine ELEVEN."]
    )
    changes = paragraph_changes(base, text)
    assert changes.added == ["A new header paragraph."]
    assert changes.removed == ["Gone for good here."]
    assert changes.altered == [("Six seven eight nine ten.", "Six seven eight nine ELEVEN.")]
    assert changes.summary() == "1 paragraph added, 1 paragraph removed, 1 paragraph altered"


def test_a_text_compared_with_itself_has_no_changes():
    assert paragraph_changes("A.\n\nB.", "A.\n\nB.").summary() == "same text"


# --- the check command ---------------------------------------------
def test_check_stories_says_in_sync(capsys):
    text = seed_paragraphs()
    save(text, "Outlet A")
    save(text, "Outlet B")
    call_command("check_stories")
    assert capsys.readouterr().out.strip() == "in sync"


def test_check_stories_finds_and_repairs_lost_bands_and_a_lost_story(capsys):
    text = seed_paragraphs()
    a = save(text, "Outlet A").article
    b = save(text, "Outlet B").article
    c = save(seed_paragraphs(2), "Outlet C").article
    StoryBand.objects.filter(article=c).delete()
    StorySignature.objects.filter(article=c).update(content_hash="stale")
    Article.objects.filter(pk__in=[a.pk, b.pk]).update(story=None)
    Story.objects.all().delete()
    with pytest.raises(SystemExit):
        call_command("check_stories")
    out = capsys.readouterr().out
    assert f"signatures missing or stale: 1 ({c.pk})" in out
    call_command("check_stories", "--repair")
    assert "repaired: in sync" in capsys.readouterr().out
    assert StoryBand.objects.filter(article=c).count() == stories.DEFAULT_POLICY.bands
    story = Article.objects.get(pk=a.pk).story_id
    assert story and Article.objects.get(pk=b.pk).story_id == story


def test_check_stories_finds_articles_grouped_wrongly(capsys):
    text = seed_paragraphs()
    save(text, "Outlet A")
    save(text, "Outlet B")
    other = save(seed_paragraphs(3), "Outlet C").article
    Article.objects.filter(pk=other.pk).update(story=Story.objects.get())
    with pytest.raises(SystemExit):
        call_command("check_stories")
    assert f"in the wrong story: 1 ({other.pk})" in capsys.readouterr().out
    call_command("check_stories", "--repair")
    assert Article.objects.get(pk=other.pk).story_id is None
    call_command("check_stories")
    assert capsys.readouterr().out.strip().endswith("in sync")


def test_regroup_makes_an_archive_chained_by_the_old_rule_again_keeping_the_story_id(capsys):
    """An archive saved under the old rule holds one story chained through a round-up:
    --regroup makes the two stories of today's rule; the larger keeps its id."""
    one, two = seed_paragraphs(0), seed_paragraphs(2)
    a = save(one, "Outlet A").article
    save([*one, "A closing line of this outlet's own, to be a near copy."], "Outlet A2")
    save(two, "Outlet B")
    save(two[:-1], "Outlet B2")
    save([*one, *two], "Round-up Weekly")  # both stories' texts whole: a bridge
    chained = Story.objects.order_by("pk").first()
    Article.objects.update(story=chained)  # the old rule: all five one story
    Story.objects.exclude(pk=chained.pk).delete()
    call_command("check_stories")  # connected through the round-up: no error to find
    assert capsys.readouterr().out.strip() == "in sync"
    call_command("check_stories", "--regroup")
    assert "regrouped: 2 articles changed story" in capsys.readouterr().out
    groups = sorted(
        sorted(Article.objects.filter(story=s).values_list("source__name", flat=True))
        for s in Story.objects.all()
    )  # as saving them in order today gives: the round-up nearly B's text, contains A's
    assert groups == [["Outlet A", "Outlet A2"], ["Outlet B", "Outlet B2", "Round-up Weekly"]]
    assert Article.objects.filter(story=chained).count() == 3  # the larger kept the id
    assert Article.objects.get(pk=a.pk).story_id != chained.pk
    call_command("check_stories")
    assert capsys.readouterr().out.strip() == "in sync"


def test_regrouping_merges_the_stories_a_text_is_nearly_the_same_as():
    from archive.story_check import _join

    pairs = [
        (1, 3, stories.Match(3, 1.0, 0.9, True)),
        (2, 3, stories.Match(3, 1.0, 0.9, True)),
        (4, 5, stories.Match(5, 1.0, 0.2, False)),
    ]
    now = _join(pairs, {1: 10, 2: 20, 4: 30}, lambda: 99)
    assert now == {1: 10, 2: 10, 3: 10, 4: 30, 5: 30}


# --- the stored index itself ---------------------------------------------
def test_deleting_an_article_takes_its_band_rows_and_signature_with_it(capsys):
    text = seed_paragraphs()
    a = save(text, "Outlet A").article
    b = save(text, "Outlet B").article
    assert StoryBand.objects.filter(article=a).count() == stories.DEFAULT_POLICY.bands
    a.delete()
    assert not StoryBand.objects.filter(article_id=a.pk).exists()  # (no cascade: by its keys)
    assert not StorySignature.objects.filter(article_id=a.pk).exists()
    assert StoryBand.objects.filter(article=b).count() == stories.DEFAULT_POLICY.bands
    call_command("check_stories")
    assert capsys.readouterr().out.strip() == "in sync"


def test_check_stories_finds_and_removes_stray_and_extra_band_rows(capsys):
    text = seed_paragraphs()
    a = save(text, "Outlet A").article
    save(text, "Outlet B")
    StoryBand.objects.create(key=12345, article=a)  # a row its signature does not give
    StoryBand.objects.create(key=67890, article_id=a.pk + 1000)  # of no article at all
    with pytest.raises(SystemExit):
        call_command("check_stories")
    out = capsys.readouterr().out
    assert f"signatures missing or stale: 1 ({a.pk})" in out
    assert f"too short to compare: 1 ({a.pk + 1000})" in out
    call_command("check_stories", "--repair")
    assert "repaired: in sync" in capsys.readouterr().out
    assert not StoryBand.objects.filter(key__in=[12345, 67890]).exists()
    assert StoryBand.objects.filter(article=a).count() == stories.DEFAULT_POLICY.bands


def test_candidates_are_compared_on_their_stored_shingle_hashes():
    text = seed_paragraphs()
    a = save(text, "Outlet A").article
    stored = StorySignature.objects.get(article=a)
    assert bytes(stored.hashes) == stories.text_hashes(a.body_text).tobytes()
    # The comparison reads the stored hashes, not the text: with them gone (a signature stored
    # before they were), the text is shingled instead and the copy still joins.
    StorySignature.objects.filter(article=a).update(hashes=b"")
    copy = save([*text, "A paragraph of the copy's own, added at the end."], "Outlet B")
    assert story_of(copy) == Article.objects.get(pk=a.pk).story_id is not None
    # ... and check_stories calls such a signature stale, and fills the hashes in.
    with pytest.raises(SystemExit):
        call_command("check_stories")
    call_command("check_stories", "--repair")
    assert bytes(StorySignature.objects.get(article=a).hashes) == bytes(stored.hashes)


@pytest.mark.parametrize(
    "text",
    ["", "One", "Two words.", "four words are here", "exactly five words are here",
     "Ünïcode: Straße, CAFÉ, naïve — 東京 and ١٢٣ digits; the words run on and on here.",
     "  spaces\n\nand\tpunctuation!! everywhere, (really) ... yes  "],
)  # fmt: skip
def test_a_texts_shingle_hashes_are_those_of_its_shingles(text):
    # sign() and text_hashes() hash every five-word run from the text's bytes, without making
    # the shingles: the same values as hashing the shingles one by one, whatever the text.
    from archive.signatures import shingle_hashes, shingles, sign, text_hashes

    for one in (text, " ".join(seed_paragraphs())):
        found = shingles(one)
        expected = shingle_hashes(found)
        assert text_hashes(one).tolist() == expected.tolist()
        assert len(expected) == len(found)  # (no two shingles of a text share a hash here)
        signed, hashes = sign(one)
        assert hashes.tolist() == expected.tolist() and signed.shingles == len(found)
        assert signed.hash_array().tolist() == expected.tolist()


def test_the_shingle_hash_is_a_fixed_function_of_the_bytes():
    # What stored signatures are made of: a polynomial over the shingle's UTF-8 bytes (each
    # + 1, base 0x100000001B3, modulo 2**64), splitmix64's finalizer, its top 32 bits. It
    # must not change between processes (the parse workers sign) nor releases without every
    # stored signature being signed again (check_stories --repair).
    from archive.signatures import shingle_hashes

    def reference(data: bytes) -> int:
        mask = (1 << 64) - 1
        x = sum((b + 1) * pow(0x100000001B3, i, 1 << 64) for i, b in enumerate(data)) & mask
        x ^= x >> 30
        x = (x * 0xBF58476D1CE4E5B9) & mask
        x ^= x >> 27
        x = (x * 0x94D049BB133111EB) & mask
        x ^= x >> 31
        return x >> 32

    found = {b"the minister said on monday", "straße café".encode()}
    assert shingle_hashes(found).tolist() == sorted(reference(x) for x in found)
    assert shingle_hashes({b"the minister said on monday"}).tolist() == [3160658453]


def test_the_parse_workers_hand_saving_the_bodys_content_hash():
    # clean_and_sign_ahead (the import's finish hook) hashes the body text where it signs
    # it; saving takes that hash, the same content_hash() would give.
    from archive.ingest.types import Outcome
    from archive.sanitize import content_hash
    from archive.signatures import clean_and_sign_ahead

    long, short = parsed(body=html(seed_paragraphs())), parsed(body="<p>A short one.</p>")
    clean_and_sign_ahead([Outcome("a.html", long), Outcome("b.html", short)])
    assert long.signed is not None and short.signed is None
    for one in (long, short):
        (text,) = one.hashes
        assert one.hashes[text] == content_hash(text)
        saved = services.save_article(parsed=one).article
        assert saved.body_text == text and saved.content_hash == content_hash(text)


def test_candidates_scored_together_match_as_scored_one_by_one():
    # score_many() counts, in one pass, an upper bound of each candidate's shared hashes
    # (the low 16 bits of the text's): the candidates it compares exactly are those that can
    # reach the threshold, and its Matches are score()'s, whatever the overlap.
    rng = np.random.default_rng(7)
    mine = np.unique(rng.integers(0, 2**32, 700, dtype=np.uint64).astype(np.uint32))
    theirs = {}
    for pk, share in enumerate([0.0, 0.3, 0.55, 0.59, 0.6, 0.61, 0.8, 1.0, 0.05, 0.6]):
        own = rng.integers(0, 2**32, 400 + 60 * pk, dtype=np.uint64).astype(np.uint32)
        kept = rng.choice(mine, int(len(mine) * share), replace=False)
        theirs[pk] = np.unique(np.concatenate([kept, own[: max(0, 700 - len(kept))]]))
    theirs[10] = np.empty(0, dtype=np.uint32)  # (no hashes: never a match)
    theirs[11] = mine[:60].copy()  # a short text contained whole
    ids = [*theirs, 99]  # (99: no signature)
    one_by_one = [m for pk in ids if pk in theirs
                  if (m := stories.score(pk, mine, theirs[pk])) is not None]  # fmt: skip
    together = stories.score_many(mine, ids, theirs)
    assert together == one_by_one
    assert {m.pk for m in together} >= {6, 7, 11}
    assert stories.score_many(mine, [], theirs) == []
    assert stories.score_many(np.empty(0, dtype=np.uint32), ids, theirs) == []


def test_the_minhash_is_datasketchs_arithmetic():
    # (a * h + b) wrapped to 64 bits (numpy's uint64, as datasketch computes it), modulo the
    # Mersenne prime 2**61 - 1, its low 32 bits; the minimum per permutation. In Python's
    # integers, against the division-free remainder signature_of_hashes uses.
    import numpy as np

    from archive.signatures import _permutations, signature_of_hashes

    hashes = np.array([0, 1, 7, 123_456_789, 2**31, 2**32 - 1], dtype=np.uint32)
    a, b = _permutations(stories.DEFAULT_POLICY.num_perm, 1)
    prime, wrap, low = 2**61 - 1, 2**64, 2**32 - 1
    expected = [
        min(((int(ai) * int(h) + int(bi)) % wrap) % prime & low for h in hashes)
        for ai, bi in zip(a, b, strict=True)
    ]
    assert signature_of_hashes(hashes).tolist() == expected


def test_a_minhash_of_fewer_values_is_the_first_values_of_a_longer_one():
    # What migration 0011 relies on: the 42-value MinHash is the 128-value one, cut.
    from archive.signatures import StoryPolicy, signature_of_hashes, text_hashes

    hashes = text_hashes(" ".join(seed_paragraphs()))
    short = signature_of_hashes(hashes, StoryPolicy(num_perm=42))
    long = signature_of_hashes(hashes, StoryPolicy(num_perm=128))
    assert short.tolist() == long[:42].tolist()


def _migration(name: str):
    import importlib
    from types import SimpleNamespace

    from django.db import connection

    module = importlib.import_module(f"archive.migrations.{name}")
    return module, SimpleNamespace(connection=connection)


def test_the_minhash_migration_cuts_stored_minhashes_to_what_the_bands_read(capsys):
    # 0011: 128 values -> 42, and back (computed again from the stored shingle hashes)
    from archive.signatures import StoryPolicy, signature_of_hashes

    migration, editor = _migration("0011_story_minhash_42")
    ids = [save(seed_paragraphs(), f"Outlet {n}").article.pk for n in range(2)]

    def minhashes() -> dict[int, bytes]:
        rows = StorySignature.objects.values_list("article_id", "minhash")
        return {pk: bytes(m) for pk, m in rows}

    now = minhashes()
    migration.backwards(None, editor)
    full = StoryPolicy(num_perm=128)
    hashes = dict(StorySignature.objects.values_list("article_id", "hashes"))
    expected = {
        pk: signature_of_hashes(np.frombuffer(bytes(hashes[pk]), np.uint32), full).tobytes()
        for pk in ids
    }
    assert minhashes() == expected
    migration.forwards(None, editor)
    assert minhashes() == now and all(len(m) == 42 * 4 for m in now.values())
    call_command("check_stories")
    assert capsys.readouterr().out.strip() == "in sync"


def test_the_band_migration_rebuilds_every_articles_bands_from_its_minhash(capsys):
    # 0010: 42 bands of 3 rows -> 21 of 2, computed again from the stored MinHashes, and back
    # (on the 128-value MinHashes of its day: migration 0011 undone first, then redone)
    from archive.signatures import StoryPolicy

    migration, editor = _migration("0010_story_bands_21x2")
    cut, _ = _migration("0011_story_minhash_42")
    text = seed_paragraphs()
    ids = [save(text, f"Outlet {n}").article.pk for n in range(3)]
    cut.backwards(None, editor)
    minhash = dict(StorySignature.objects.values_list("article_id", "minhash"))

    def bands() -> dict[int, set[int]]:
        found: dict[int, set[int]] = {}
        for key, pk in StoryBand.objects.values_list("key", "article_id"):
            found.setdefault(pk, set()).add(key)
        return found

    old = StoryPolicy(bands=42, rows=3, num_perm=128)
    migration.backwards(None, editor)
    assert bands() == {pk: set(stories.stored_keys(minhash[pk], old)) for pk in ids}
    migration.forwards(None, editor)
    assert bands() == {pk: set(stories.stored_keys(minhash[pk])) for pk in ids}
    assert all(len(keys) == stories.DEFAULT_POLICY.bands == 21 for keys in bands().values())
    cut.forwards(None, editor)
    call_command("check_stories")
    assert capsys.readouterr().out.strip() == "in sync"
