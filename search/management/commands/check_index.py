"""check_index [--repair]: does the search index hold exactly the public articles?"""

import sys

from django.core.management.base import BaseCommand, CommandError

from search.consistency import compare, repair


class Command(BaseCommand):
    help = "Compare the database with the search index; --repair brings the index in line."

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true")

    def handle(self, *args, **options):
        try:
            self.compare_and_repair(repair_it=options["repair"])
        except OSError as exc:  # a read-only or missing index directory, a full disk
            where = getattr(exc, "filename", None) or "the search index"
            raise CommandError(
                f"cannot use the search index ({exc.strerror or exc}: {where}); check that the "
                "index directory (SEARCH_URL) exists and this user may write to it"
            ) from None

    def compare_and_repair(self, *, repair_it: bool) -> None:
        diff = compare()
        if diff.in_sync:
            self.stdout.write("in sync")
            return
        self.stdout.write(diff.describe())
        if not repair_it:
            sys.exit(1)
        repair(diff)
        after = compare()
        self.stdout.write(
            "repaired: in sync" if after.in_sync else "still differs: " + after.describe()
        )
        if not after.in_sync:
            sys.exit(1)
