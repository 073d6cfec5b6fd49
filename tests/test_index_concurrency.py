"""Several processes writing at once (two imports and an editor) leave the index in sync."""

import os
import subprocess
import sys
import textwrap

import pytest

from search.consistency import compare
from search.models import PendingIndexUpdate
from tests.e2e.live import server_env

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

EDITOR = textwrap.dedent(
    """
    import django
    django.setup()
    from archive.models import Article
    from tests.factories import make_article

    made = [make_article(title=f"Editor piece {i}", body=f"<p>Editorial {i} zq{i}x.</p>")
            for i in range(12)]
    for article in made:
        article.title = article.title + " editmark"
        article.save()
    for article in made[:3]:
        article.delete()
    """
)


def write_articles(folder, prefix, n):
    folder.mkdir()
    for i in range(n):
        body = " ".join(f"{prefix}word{i}x{j}" for j in range(40))
        (folder / f"{prefix}-{i}.txt").write_text(
            f"{prefix.title()} report number {i}\n\n{body}.\n\nA second paragraph about {prefix}.\n"
        )


def test_two_imports_and_an_editor_at_once_end_in_sync(tmp_path, search_index):
    env = server_env(
        search_index, DJANGO_SETTINGS_MODULE="archive.settings", PYTHONPATH=REPO
    )  # the test database, SQLite or PostgreSQL alike
    write_articles(tmp_path / "a", "alpha", 40)
    write_articles(tmp_path / "b", "beta", 40)
    manage = [sys.executable, os.path.join(REPO, "manage.py")]
    processes = [
        subprocess.Popen([*manage, "import_articles", str(tmp_path / "a")], env=env, cwd=REPO,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT),
        subprocess.Popen([*manage, "import_articles", str(tmp_path / "b")], env=env, cwd=REPO,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT),
        subprocess.Popen([sys.executable, "-c", EDITOR], env=env, cwd=REPO,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT),
    ]  # fmt: skip
    for process in processes:
        output = process.communicate(timeout=180)[0].decode()
        assert process.returncode == 0, output
    assert PendingIndexUpdate.objects.count() == 0
    diff = compare()
    assert diff.in_sync, diff.describe()
    check = subprocess.run([*manage, "check_index"], env=env, cwd=REPO, capture_output=True)
    assert check.stdout.decode().strip() == "in sync"
    from haystack.query import SearchQuerySet

    from search.query import parse

    edited = SearchQuerySet().filter(parse("editmark").to_sq())
    assert len(edited) == 9
    assert len(SearchQuerySet().filter(parse("alpha report").to_sq())) == 40
