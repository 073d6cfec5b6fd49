"""The signature version: every signature stored says which shingle hash and signing policy
made it; check_stories counts those of an older version first, and --repair signs them again."""

from __future__ import annotations

import numpy as np
import pytest
from django.core.management import call_command

from archive import services, stories, story_check
from archive.models import Article, StorySignature
from archive.signatures import (
    Signature,
    StoryPolicy,
    band_keys,
    signature_of_hashes,
    signature_version,
)
from tests.factories import parsed
from tests.test_stories import html, seed_paragraphs

pytestmark = pytest.mark.django_db

OWN_PARAGRAPH = "A paragraph of the copy's own, added at the end, about the talks in Geneva."


def save(paragraphs: list[str], source: str) -> Article:
    return services.save_article(parsed=parsed(body=html(paragraphs), source=source)).article


def story(article: Article) -> int | None:
    return Article.objects.get(pk=article.pk).story_id


def versions() -> dict[int, int]:
    return dict(StorySignature.objects.values_list("article_id", "version"))


def sign_with_an_older_hash(article: Article) -> None:
    """Replace the article's signature by one another shingle hash made, stored before
    versions were (version 0): other hashes, so another MinHash and other band keys."""
    hashes = np.unique(stories.text_hashes(article.body_text) ^ np.uint32(0x5A5A_5A5A))
    sig = signature_of_hashes(hashes)
    old = Signature(
        article.content_hash, sig.tobytes(), len(hashes), tuple(band_keys(sig)),
        stories.DEFAULT_POLICY, hashes.tobytes(),
    )  # fmt: skip
    stories.store_signature(article, old)
    StorySignature.objects.filter(article=article).update(version=0)


def test_the_version_follows_the_hash_algorithm_and_the_fields_that_shape_signatures(
    monkeypatch,
):
    version = signature_version.__wrapped__  # (uncached: the algorithm is patched below)
    today = version(StoryPolicy())
    assert today == signature_version() > 0
    for changed in ({"shingle_words": 4}, {"num_perm": 64}, {"bands": 20}, {"rows": 1},
                    {"seed": 2}):  # fmt: skip
        assert version(StoryPolicy(**changed)) != today, changed
    for same in ({"threshold": 0.5}, {"min_words": 30}, {"max_candidates": 10}):
        assert version(StoryPolicy(**same)) == today, same
    monkeypatch.setattr("archive.signatures.SIGNATURE_ALGORITHM", 3)
    assert version(StoryPolicy()) not in (today, 0)


def test_every_writer_stores_the_current_version(tmp_path, monkeypatch):
    current = signature_version()
    # saving
    a = save(seed_paragraphs(), "Outlet A")
    assert versions() == {a.pk: current}
    # an edited text, signed again
    StorySignature.objects.filter(article=a).update(version=0)
    a.body_html = html(seed_paragraphs(1))
    a.save()
    assert versions()[a.pk] == current
    # the parse workers' signature (sign_ahead): saving takes it and signs nothing itself
    from archive.ingest.types import Outcome
    from archive.signatures import clean_and_sign_ahead

    ahead = parsed(body=html(seed_paragraphs(2)), source="Outlet B")
    clean_and_sign_ahead([Outcome("b.html", ahead)])
    with monkeypatch.context() as patched:
        patched.setattr(stories, "sign", lambda *a, **k: pytest.fail("signed again on saving"))
        b = services.save_article(parsed=ahead).article
    assert versions()[b.pk] == current
    # an import
    (tmp_path / "c.txt").write_text("Talks\n\n" + "\n\n".join(seed_paragraphs(3)), "utf-8")
    assert services.import_paths([str(tmp_path)], source="Outlet C").summary.startswith(
        "imported 1,"
    )
    assert set(versions().values()) == {current} and len(versions()) == 3


def test_check_stories_counts_older_signatures_first_and_repair_signs_them_again(
    capsys, monkeypatch
):
    text = seed_paragraphs()
    a, b = save(text, "Outlet A"), save(text, "Outlet B")
    c = save(seed_paragraphs(2), "Outlet C")
    grouped = story(a)
    assert grouped and story(b) == grouped
    sign_with_an_older_hash(a)
    sign_with_an_older_hash(b)
    assert story_check.older() == 2
    # One COUNT, and it stops there: the slow compare (every signature made again) is not run.
    with monkeypatch.context() as patched:
        patched.setattr(story_check, "_signature_diffs", lambda *_: pytest.fail("compared"))
        with pytest.raises(SystemExit) as exited:
            call_command("check_stories")
    assert exited.value.code == 1
    assert capsys.readouterr().out.strip() == (
        "2 signatures of an older version: run check_stories --repair"
    )
    call_command("check_stories", "--repair")
    out = capsys.readouterr().out
    assert out.startswith("2 signatures of an older version: signing them again\n")
    assert f"signatures missing or stale: 2 ({a.pk}, {b.pk})" in out
    assert "repaired: in sync" in out
    assert versions() == dict.fromkeys([a.pk, b.pk, c.pk], signature_version())
    for article in (a, b):
        signed = StorySignature.objects.get(article=article)
        assert bytes(signed.hashes) == stories.text_hashes(article.body_text).tobytes()
    assert story(a) == story(b) == grouped
    call_command("check_stories")
    assert capsys.readouterr().out.strip() == "in sync"


def test_the_full_compare_calls_a_signature_of_an_older_version_stale(capsys):
    # Even one whose values are today's (stored before versions were, after the hash changed):
    # which hash made it is unknown.
    a = save(seed_paragraphs(), "Outlet A")
    StorySignature.objects.filter(article=a).update(version=0)
    assert story_check.compare().stale == [a.pk]
    call_command("check_stories", "--repair")
    assert "repaired: in sync" in capsys.readouterr().out
    assert versions() == {a.pk: signature_version()}


def test_a_copy_of_an_original_signed_by_an_older_hash_joins_it_once_repaired(capsys):
    # Its bands are of the old hash: the copy finds no candidate, stays alone (no error, no
    # wrong story), and is signed by today's; the repair signs the original again and joins
    # the two as saving would have.
    text = seed_paragraphs()
    original = save(text, "Outlet A")
    sign_with_an_older_hash(original)
    copy = save([*text, OWN_PARAGRAPH], "Outlet B")
    assert story(copy) is None and story(original) is None
    assert versions() == {original.pk: 0, copy.pk: signature_version()}
    with pytest.raises(SystemExit):
        call_command("check_stories")
    assert "1 signatures of an older version" in capsys.readouterr().out
    call_command("check_stories", "--repair")
    assert "repaired: in sync" in capsys.readouterr().out
    assert story(copy) == story(original) is not None


def test_a_candidate_signed_by_an_older_version_is_verified_on_its_text():
    # Found by its bands, but its stored hashes are another hash's (they match nothing of
    # today's): the save compares its text instead, and the copy joins it.
    text = seed_paragraphs()
    original = save(text, "Outlet A")
    other = np.unique(stories.text_hashes(original.body_text) ^ np.uint32(0x5A5A_5A5A))
    StorySignature.objects.filter(article=original).update(hashes=other.tobytes(), version=0)
    copy = save([*text, OWN_PARAGRAPH], "Outlet B")
    assert story(copy) == story(original) is not None
    # (the save signs no other article than its own)
    assert versions() == {original.pk: 0, copy.pk: signature_version()}


@pytest.mark.django_db(transaction=True)  # the migrations run outside a test's transaction
def test_the_migration_gives_the_signatures_already_stored_version_0(capsys):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    a = save(seed_paragraphs(), "Outlet A")
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate([("archive", "0011_story_minhash_42")])
    with connection.cursor() as cursor:
        columns = [c.name for c in connection.introspection.get_table_description(
            cursor, StorySignature._meta.db_table)]  # fmt: skip
    assert "version" not in columns  # (the signature as stored before versions were)
    executor = MigrationExecutor(connection)  # (its state is stale after migrating)
    executor.migrate(leaves)
    assert versions() == {a.pk: 0}
    with pytest.raises(SystemExit):
        call_command("check_stories")
    assert capsys.readouterr().out.strip() == (
        "1 signatures of an older version: run check_stories --repair"
    )
    call_command("check_stories", "--repair")
    assert versions() == {a.pk: signature_version()}


def test_a_saves_candidates_are_looked_up_by_key_not_by_version():
    """stored_hashes reads the candidates' signatures by their ids: a `version = …` in its
    WHERE made SQLite walk the version's index, every row of the archive (the bulk import
    fell from 111 to 20 articles/s at 35,000 articles). Checked on the query plan."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "sqlite":
        pytest.skip("the plan checked is SQLite's")
    first = save(seed_paragraphs(), "Agency wire")
    second = save(seed_paragraphs(), "Another paper")
    with CaptureQueriesContext(connection) as queries:
        # three ids or more: with fewer SQLite looks them up by key either way
        found = stories.stored_hashes([first.pk, second.pk, 10**6, 10**6 + 1])
    assert set(found) == {first.pk, second.pk}
    [sql] = [q["sql"] for q in queries.captured_queries if "hashes" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "version" not in plan and "article_id" in plan, plan
