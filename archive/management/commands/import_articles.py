"""import_articles PATH...: files, folders and zip archives in; a line per problem; a summary."""

import sys
import time
from collections import Counter

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from archive import services
from archive.ingest import Limits
from archive.ingest.types import FORMATS
from archive.models import Article


class Progress:
    """A bar on a terminal; a line every few seconds otherwise (logs, CI)."""

    def __init__(self, out, *, tty: bool, every: float = 5.0):
        self.out, self.tty, self.every = out, tty, every
        self.started = self.last = time.monotonic()
        self.done = 0

    def step(self, counts: dict) -> None:
        self.done += 1
        now = time.monotonic()
        if self.tty and (now - self.last >= 0.2):
            self.last = now
            self.out.write(f"\r{self.line(counts)}", ending="")
            self.out.flush()
        elif not self.tty and now - self.last >= self.every:
            self.last = now
            self.out.write(self.line(counts))
            self.out.flush()  # a log file is block-buffered: show progress as it happens

    def line(self, counts: dict) -> str:
        rate = self.done / max(time.monotonic() - self.started, 1e-6)
        parts = ", ".join(f"{k} {v}" for k, v in counts.items())
        return f"… {self.done} documents ({parts}), {rate:.0f}/s"

    def done_line(self) -> str:
        self.close()
        return f"{self.done} documents done in {time.monotonic() - self.started:.0f}s"

    def close(self) -> None:
        if self.tty and self.done:
            self.out.write("\r" + " " * 79 + "\r", ending="")


class Command(BaseCommand):
    help = "Import articles from files, folders (recursively) and .zip archives."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", metavar="PATH")
        parser.add_argument("--source", default="", help="publisher of these articles")
        parser.add_argument("--format", default="auto", choices=("auto", *FORMATS))
        parser.add_argument("--dry-run", action="store_true", help="parse and report, save nothing")
        parser.add_argument(
            "--reparse", action="store_true",
            help="re-derive every stored article (or those given by id) from its raw original",
        )  # fmt: skip

    def handle(self, *paths, **options):
        paths = options["paths"]
        if options["reparse"]:
            return self.reparse(paths)
        if not paths:
            raise CommandError("Name at least one file, folder or .zip archive to import.")
        counts = {"imported": 0, "duplicates": 0, "failed": 0}
        progress = Progress(self.stdout, tty=self.stdout.isatty())
        key = {services.IMPORTED: "imported", services.DUPLICATE: "duplicates"}

        def on_result(result):
            counts[key.get(result.status, "failed")] += 1
            if result.status == services.FAILED:
                progress.close()
                self.stdout.write(f"failed: {result.name}: {result.message}")
            elif result.status == services.DUPLICATE:
                progress.close()
                self.stdout.write(f"duplicate: {result.name}: {result.message}")
            progress.step(counts)

        report = services.import_paths(
            paths,
            source=options["source"],
            format=options["format"],
            dry_run=options["dry_run"],
            limits=Limits(max_file_bytes=settings.IMPORT_MAX_FILE_BYTES),
            on_result=on_result,
            on_indexing=lambda left: self.stdout.write(
                f"{progress.done_line()}; the search index is catching up with {left} articles…"
            ),
        )
        progress.close()
        prefix = "dry run: " if options["dry_run"] else ""
        self.stdout.write(prefix + report.summary)
        if report.count(services.FAILED):
            sys.exit(1)

    def reparse(self, ids):
        articles = Article.objects.select_related("original").order_by("pk")
        if ids:
            try:
                articles = articles.filter(pk__in=[int(i) for i in ids])
            except ValueError:
                raise CommandError("With --reparse, give article ids (or none for all).")
        failed = updated = unchanged = 0
        changed = Counter()
        for article in articles.iterator(chunk_size=200):
            result = services.reparse_article(article=article)
            if result.status == services.FAILED:
                failed += 1
                self.stdout.write(f"failed: article {article.pk}: {result.message}")
            else:
                updated += 1
                changed.update(result.changed)
                unchanged += not result.changed
        self.stdout.write(f"re-parsed {updated}, failed {failed}")
        if updated:
            fields = ", ".join(
                f"{name} {changed[name]}" for name in services.REPARSE_FIELDS if changed[name]
            )
            self.stdout.write(f"changed: {fields or 'nothing'}; unchanged articles {unchanged}")
        if failed:
            sys.exit(1)
