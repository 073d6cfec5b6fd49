"""check_index [--repair]: does the search index hold exactly the public articles?"""

import sys

from django.core.management.base import BaseCommand

from search import outbox
from search.consistency import compare, repair


class Command(BaseCommand):
    help = "Compare the database with the search index; --repair brings the index in line."

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true")

    def handle(self, *args, **options):
        # What the outbox holds is written first (as the next request would), so updates
        # merely pending (a killed import's, say) are not reported as differences; a living
        # import's rows are left to it.
        outbox.flush(request=True)
        diff = compare()
        if diff.in_sync:
            self.stdout.write("in sync")
            return
        self.stdout.write(diff.describe())
        if not options["repair"]:
            sys.exit(1)
        repair(diff)
        after = compare()
        self.stdout.write(
            "repaired: in sync" if after.in_sync else "still differs: " + after.describe()
        )
        if not after.in_sync:
            sys.exit(1)
