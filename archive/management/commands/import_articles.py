"""import_articles PATH...: files, folders and zip archives in; a line per problem; a summary."""

import sys
import time
from collections import Counter

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from archive import services
from archive.ingest import Limits
from archive.ingest.counting import count_documents
from archive.ingest.types import FORMATS
from archive.models import Article


class Progress:
    """A bar on a terminal; a line every few seconds otherwise (logs, CI). Both say how many
    of about how many documents are done, and the time left at the rate so far."""

    def __init__(self, out, *, tty: bool, every: float = 5.0, total: int = 0):
        self.out, self.tty, self.every, self.total = out, tty, every, total
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
        if not self.total:
            return f"… {self.done} documents ({parts}), {rate:.0f}/s"
        # The total is counted ahead (a JSON-lines file's blank lines too): never "101%".
        total = max(self.total, self.done)
        left = (total - self.done) / rate if rate else 0
        return (
            f"… {self.done} of {total} documents ({parts}), {rate:.0f}/s, "
            f"about {_duration(left)} left"
        )

    def done_line(self) -> str:
        self.close()
        return f"{self.done} documents done in {time.monotonic() - self.started:.0f}s"

    def close(self) -> None:
        if self.tty and self.done:
            self.out.write("\r" + " " * 79 + "\r", ending="")


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m {seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m"


REPARSE_CHUNK = 200  # articles read from the database at a time by --reparse


class Command(BaseCommand):
    help = (
        "Import articles from files, folders (recursively), .zip archives and web archives "
        "(.warc, .warc.gz, .wacz)."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", metavar="PATH")
        parser.add_argument("--source", default="", help="publisher of these articles")
        parser.add_argument("--format", default="auto", choices=("auto", *FORMATS))
        parser.add_argument("--dry-run", action="store_true", help="parse and report, save nothing")
        parser.add_argument(
            "--update", action="store_true",
            help="update articles the archive already holds in place, instead of skipping them",
        )  # fmt: skip
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
        if options["update"]:
            counts["updated"] = 0
        limits = Limits(max_file_bytes=settings.IMPORT_MAX_FILE_BYTES)
        total = count_documents(paths, limits=limits)
        progress = Progress(self.stdout, tty=self.stdout.isatty(), total=total)
        key = {
            services.IMPORTED: "imported",
            services.DUPLICATE: "duplicates",
            services.UPDATED: "updated",
        }

        def on_result(result):
            if result.status == services.SKIPPED:  # counted in its line, neither good nor bad
                progress.close()
                self.stdout.write(f"skipped: {result.name}: {result.message}")
                return
            counts[key.get(result.status, "failed")] += 1
            if result.status == services.FAILED:
                progress.close()
                self.stdout.write(f"failed: {result.name}: {result.message}")
            elif result.status == services.DUPLICATE:
                progress.close()
                self.stdout.write(f"duplicate: {result.name}: {result.message}")
            elif result.status == services.IMPORTED and result.message.startswith("copy of"):
                progress.close()  # kept, and joined to its story: say which
                self.stdout.write(f"copy: {result.name}: {result.message}")
            progress.step(counts)

        report = services.import_paths(
            paths,
            source=options["source"],
            format=options["format"],
            dry_run=options["dry_run"],
            update=options["update"],
            limits=limits,
            on_result=on_result,
            on_indexing=lambda left: self.stdout.write(
                f"{progress.done_line()}; the search index is catching up with {left} articles…"
            ),
        )
        progress.close()
        summary = report.summary
        if options["dry_run"]:  # nothing was saved: say what would have been
            summary = "dry run: would import" + summary.removeprefix("imported")
            summary = summary.replace(", updated", ", would update")
        self.stdout.write(summary)
        if report.count(services.FAILED):
            sys.exit(1)

    def reparse(self, ids):
        articles = Article.objects.select_related("original").order_by("pk")
        if ids:
            try:
                articles = articles.filter(pk__in=[int(i) for i in ids])
            except ValueError:
                raise CommandError("With --reparse, give article ids (or none for all).")
        from search.index_writer import batched_index_updates

        failed = updated = unchanged = 0
        changed = Counter()
        # one bulk index writer for the whole run, as an import has: a commit of the index per
        # article made re-parsing 1,000 articles take over ten minutes
        # ids first, then a list per chunk: an open cursor's read snapshot on SQLite cannot
        # become a write once the index writer process has committed ("database is locked")
        pks = list(articles.values_list("pk", flat=True))
        chunks = (pks[i : i + REPARSE_CHUNK] for i in range(0, len(pks), REPARSE_CHUNK))
        with batched_index_updates(writer_process=True):
            for article in (a for chunk in chunks for a in list(articles.filter(pk__in=chunk))):
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
