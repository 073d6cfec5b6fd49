"""capture_urls URL…: fetch pages (or a feed's new entries), keep each as a WARC record, import."""

import sys

from django.core.management.base import BaseCommand, CommandError

from archive import services
from archive.capture import CaptureError, capture_url
from archive.capture_feeds import capture_feed, check_subscriptions


class Command(BaseCommand):
    help = (
        "Capture pages by URL (each response kept as a WARC record, the raw original) and "
        "import them; with --feed, every entry of an RSS/Atom feed not yet archived; with "
        "--subscriptions, every active feed subscription (for cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument("urls", nargs="*", metavar="URL")
        parser.add_argument("--feed", action="store_true", help="the URLs are RSS/Atom feeds")
        parser.add_argument(
            "--subscriptions", action="store_true",
            help="check every active feed subscription (admin: Feed subscriptions)",
        )  # fmt: skip
        parser.add_argument("--source", default="", help="publisher of these articles")

    def handle(self, *args, **options):
        from search.index_writer import batched_index_updates

        if not options["urls"] and not options["subscriptions"]:
            raise CommandError("Name at least one URL (or use --subscriptions).")
        with batched_index_updates():
            report, failed_feeds = self.capture(options)
        self.stdout.write(report.summary)
        if report.count(services.FAILED) or failed_feeds:
            sys.exit(1)

    def capture(self, options) -> tuple[services.ImportReport, int]:
        urls, source = options["urls"], options["source"]
        report = services.ImportReport()
        names = services.NameCache()
        failed_feeds = 0
        if options["subscriptions"]:
            for line, results in check_subscriptions(names=names):
                self.stdout.write(line)
                failed_feeds += line.startswith("failed: ")
                self._results(results, report)
        for url in urls:
            if not options["feed"]:
                self._results([capture_url(url, source=source, names=names)], report)
                continue
            try:
                run = capture_feed(url, source=source, names=names)
            except CaptureError as exc:
                self.stdout.write(f"failed: feed {url}: {exc}")
                failed_feeds += 1
                continue
            self.stdout.write(run.line)
            self._results(run.results, report)
        return report, failed_feeds

    def _results(self, results, report: services.ImportReport) -> None:
        for result in results:
            report.results.append(result)
            if result.status == services.FAILED:
                self.stdout.write(f"failed: {result.name}: {result.message}")
            elif result.status == services.DUPLICATE:
                self.stdout.write(f"duplicate: {result.name}: {result.message}")
            self.stdout.flush()
