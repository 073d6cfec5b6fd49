"""Readers and writers at once on the real server: nothing fails, nothing is lost or doubled.

gunicorn (3 workers) serves the test database while `manage.py import_articles` imports 200
BBC articles in another process, an editor saves articles through the admin over HTTP, and
readers search and browse. Afterwards every article is there exactly once and the index
agrees with the database.
"""

from __future__ import annotations

import subprocess
import threading
import time

import pytest

from archive.models import Article, Original
from tests.e2e.live import MANAGE, REPO, Http, LiveServer, create_cache_table, manage, server_env
from tests.factories import NO_ORIGINAL_INLINE

pytestmark = [pytest.mark.slow, pytest.mark.corpus]

FILES = 200


@pytest.fixture(scope="session")
def cache_table(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        create_cache_table()


def bbc_files(corpora, n: int) -> list[str]:
    files = sorted((corpora / "bbc" / "business").glob("*.txt"))
    files += sorted((corpora / "bbc" / "politics").glob("*.txt"))
    return [str(f) for f in files[:n]]


def admin_article(n: int) -> dict:
    return {
        "title": f"Editor's concurrent article {n}",
        "slug": f"editors-concurrent-{n}",
        "standfirst": "",
        "body_html": f"<p>An editor wrote article {n} about lighthouse keepers while an "
        f"import ran, number {n} zqe{n}.</p>",
        "language": "en",
        "is_public": "on",
        **NO_ORIGINAL_INLINE,
    }


def test_import_admin_saves_and_searches_at_once(
    transactional_db, cache_table, search_index, corpora, django_user_model, capsys
):
    from tests.e2e.hostile import say

    django_user_model.objects.create_superuser("editor", "e@example.com", "right-pw-123")
    failures: list[str] = []
    counts = {"reads": 0, "saves": 0}
    with LiveServer(search_index, workers=3) as server:
        importer = subprocess.Popen(
            [*MANAGE, "import_articles", *bbc_files(corpora, FILES)],
            cwd=REPO,
            env=server_env(search_index),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        started = time.monotonic()

        def read():
            http = Http(server.url)
            paths = ["/", "/search/?q=market", "/api/search/?q=shares+OR+bank", "/sources/",
                     "/search/?q=economy&sort=newest", "/feeds/latest/", "/healthz"]  # fmt: skip
            n = 0
            while importer.poll() is None and time.monotonic() - started < 90:
                path = paths[n % len(paths)]
                n += 1
                try:
                    status, _ = http.get(path)
                except OSError as exc:
                    failures.append(f"GET {path}: {exc}")
                    continue
                counts["reads"] += 1
                if status >= 500 and not (path == "/healthz" and status == 503):
                    failures.append(f"GET {path}: {status}")

        def write():
            http = Http(server.url)
            http.log_in("editor", "right-pw-123")
            for n in range(15):
                try:
                    status, body = http.post_form("/admin/archive/article/add/", admin_article(n))
                except OSError as exc:
                    failures.append(f"admin save {n}: {exc}")
                    continue
                if status != 302:
                    failures.append(f"admin save {n}: {status} {body[:300]}")
                else:
                    counts["saves"] += 1

        threads = [threading.Thread(target=read) for _ in range(2)]
        threads.append(threading.Thread(target=write))
        for t in threads:
            t.start()
        output, _ = importer.communicate(timeout=120)
        for t in threads:
            t.join(timeout=60)
        took = time.monotonic() - started
        log = server.log_text()

    summary = output.strip().splitlines()[-1]
    assert failures == [], failures[:10]
    assert "Traceback" not in log, log[-3000:]
    imported = int(summary.split("imported ")[1].split(",")[0])
    duplicates = int(summary.split("duplicates ")[1].split(",")[0])
    assert imported + duplicates == FILES, output[-2000:]
    # Every article exactly once: each saved file once, each editor's article once.
    assert Article.objects.count() == imported + counts["saves"] == imported + 15
    assert Original.objects.count() == imported
    assert Original.objects.values("name").distinct().count() == imported
    assert Article.objects.filter(title__startswith="Editor's concurrent").count() == 15
    check = manage("check_index", index_dir=search_index, check=False)
    assert check.stdout.strip() == "in sync", check.stdout + check.stderr
    say(
        capsys,
        f"concurrency: {imported} imported (+{duplicates} duplicates) while {counts['saves']} "
        f"admin saves and {counts['reads']} reads ran, in {took:.1f}s; index in sync",
    )
