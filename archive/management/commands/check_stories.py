"""check_stories [--repair]: do the story signatures, bands and stories match the texts?"""

import sys

from django.core.management.base import BaseCommand

from archive.story_check import compare, repair


class Command(BaseCommand):
    help = (
        "Compare the stories (signatures, LSH bands, groups) with the articles' texts; "
        "--repair rebuilds what differs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true")

    def handle(self, *args, **options):
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
