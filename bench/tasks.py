"""Benchmark steps that run inside Django, each in its own process (the runner's env points
DATABASE_URL and SEARCH_URL at the benchmark's own database and index).

    python -m bench.tasks icontains QUERIES.json OUT.json
    python -m bench.tasks editor-save WORD OUT.json

icontains: the plain ORM search bookmark tools use, every word in title or body_text
(case-insensitive LIKE), count plus the first 20 newest; timed in-process.
editor-save: one new article saved through the service layer (archive.services.save_article),
as the admin does; prints wall-clock times so the runner can time "until searchable".
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    import django

    django.setup()


def icontains(queries_path: Path, out_path: Path) -> None:
    _setup()
    from django.db.models import Q

    from archive.models import Article

    queries = json.loads(queries_path.read_text())

    def search(words: list[str]) -> tuple[int, list[int]]:
        qs = Article.objects.public()
        for w in words:
            qs = qs.filter(Q(title__icontains=w) | Q(body_text__icontains=w))
        count = qs.count()
        first = list(qs.newest().values_list("id", flat=True)[:20])
        return count, first

    if queries:
        search(queries[0])  # warm the page cache once
    seconds, counts = [], []
    for words in queries:
        started = time.perf_counter()
        count, _ = search(words)
        seconds.append(time.perf_counter() - started)
        counts.append(count)
    out_path.write_text(json.dumps({"seconds": seconds, "counts": counts}))


def editor_save(word: str, out_path: Path) -> None:
    _setup()
    from archive import ingest, services

    text = (
        f"Harbour Board Approves {word.title()} Plan\n\n"
        f"The harbour board on Tuesday approved the {word} plan after a long debate about "
        "dredging, berths for larger ships and the cost to local ratepayers.\n\n"
        "Members said the work would start next spring and take about two years, and that "
        "the port would stay open while it was done.\n"
    )
    outcomes = ingest.parse(text.encode(), name=f"{word}.txt", format="text")
    parsed = next(o.article for o in outcomes if o.article)
    started = time.time()
    result = services.save_article(parsed=parsed, source="Bench Editorial Desk")
    saved = time.time()
    article = result.article
    out_path.write_text(
        json.dumps(
            {
                "status": result.status,
                "id": article.pk if article else None,
                "message": result.message,
                "t_start": started,
                "t_saved": saved,
            }
        )
    )


def main(argv: list[str]) -> int:
    task, *args = argv
    if task == "icontains":
        icontains(Path(args[0]), Path(args[1]))
    elif task == "editor-save":
        editor_save(args[0], Path(args[1]))
    else:
        raise SystemExit(f"unknown task {task!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
