"""An import killed half way (SIGKILL): only whole articles remain, the index can be
repaired, and importing again finishes the job without duplicates."""

from __future__ import annotations

import pytest

from archive import ingest
from archive.models import Article, Original
from archive.sanitize import clean_html, content_hash, html_to_text
from tests.e2e.hostile import say
from tests.e2e.live import kill_when, manage

pytestmark = [pytest.mark.slow, pytest.mark.corpus]

FILES = 200


def bbc_files(corpora, n: int) -> list[str]:
    return [str(f) for f in sorted((corpora / "bbc" / "tech").glob("*.txt"))[:n]]


def distinct_articles(paths: list[str]) -> int:
    """How many different articles the files hold (the corpus repeats a few)."""
    hashes = set()
    for path in paths:
        with open(path, "rb") as f:
            for outcome in ingest.parse(f.read(), name=path):
                if outcome.article:
                    text = html_to_text(clean_html(outcome.article.body_html))
                    if text:
                        hashes.add(content_hash(text))
    return len(hashes)


def test_a_killed_import_leaves_whole_articles_and_can_be_finished(
    transactional_db, search_index, corpora, capsys
):
    paths = bbc_files(corpora, FILES)
    kill_when(
        ["import_articles", *paths],
        index_dir=search_index,
        ready=lambda: Article.objects.count() >= 40,
    )
    killed_at = Article.objects.count()
    assert 0 < killed_at < FILES

    # Only whole articles: each with its raw original, its text, its author links intact.
    assert Article.objects.filter(original__isnull=True).count() == 0
    assert Original.objects.count() == killed_at
    assert Article.objects.filter(body_text="").count() == 0
    assert Article.objects.filter(word_count=0).count() == 0
    for article in Article.objects.prefetch_related("authors"):
        assert all(a.pk for a in article.authors.all())

    repair = manage("check_index", "--repair", index_dir=search_index, check=False)
    assert "in sync" in repair.stdout.splitlines()[-1], repair.stdout + repair.stderr
    assert manage("check_index", index_dir=search_index).stdout.strip() == "in sync"

    again = manage("import_articles", *paths, index_dir=search_index, check=False, timeout=180)
    summary = again.stdout.strip().splitlines()[-1]
    assert again.returncode == 0, again.stdout[-2000:] + again.stderr[-2000:]
    expected = distinct_articles(paths)
    assert Article.objects.count() == expected, summary
    assert Article.objects.values("content_hash").distinct().count() == expected
    assert Original.objects.count() == expected
    assert manage("check_index", index_dir=search_index).stdout.strip() == "in sync"
    say(
        capsys,
        f"SIGKILL after {killed_at} of {FILES} files; after repair and a second import: "
        f"{expected} articles ({summary}), index in sync",
    )
