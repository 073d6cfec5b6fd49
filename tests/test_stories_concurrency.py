"""An original and its copies imported at once by separate processes end in one story."""

from __future__ import annotations

import subprocess

import pytest

from archive.models import Article, Story
from tests.e2e.live import MANAGE, REPO, server_env
from tests.test_stories import NEAR_COPIES, seed_paragraphs

pytestmark = pytest.mark.slow

OUTLETS = 5


def test_concurrent_imports_of_an_original_and_its_copies_give_one_story(
    transactional_db, search_index, tmp_path
):
    text = seed_paragraphs()
    versions = [text, text, *(make(text) for make in NEAR_COPIES.values())][:OUTLETS]
    processes = []
    for n, paragraphs in enumerate(versions):
        path = tmp_path / f"outlet-{n}.txt"
        path.write_text("Talks in Geneva\n\n" + "\n\n".join(paragraphs), encoding="utf-8")
        processes.append(subprocess.Popen(
            [*MANAGE, "import_articles", str(path), "--source", f"Outlet {n}"],
            env=server_env(search_index), cwd=REPO,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        ))  # fmt: skip
    outputs = [p.communicate(timeout=180)[0] for p in processes]
    assert all(p.returncode == 0 for p in processes), outputs
    assert all("imported 1, duplicates 0, failed 0" in out for out in outputs), outputs
    assert Article.objects.count() == OUTLETS
    assert Story.objects.count() == 1
    assert set(Article.objects.values_list("story_id", flat=True)) == {Story.objects.get().pk}
    assert sum("copy of article" in out for out in outputs) == OUTLETS - 1
