"""check_stories [--repair | --regroup]: do the story signatures, bands and stories match the
texts? --regroup makes every story again by today's rule (an archive grouped by an older one).
First, one COUNT: the signatures of an older version (another shingle hash or policy) than
today's, which only --repair mends."""

import sys

from django.core.management.base import BaseCommand

from archive.derived import check_and_repair
from archive.story_check import compare, older, regroup_all, repair


class Command(BaseCommand):
    help = (
        "Compare the stories (signatures, LSH bands, groups) with the articles' texts; "
        "--repair rebuilds what differs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true")
        parser.add_argument(
            "--regroup",
            action="store_true",
            help="make every story again, as if each article were saved again oldest first "
            "(after --repair; for an archive grouped by an older rule)",
        )

    def handle(self, *args, **options):
        repair_it = options["repair"] or options["regroup"]
        stale = older()
        if stale:
            then = "signing them again" if repair_it else "run check_stories --repair"
            self.stdout.write(f"{stale} signatures of an older version: {then}")
            if not repair_it:
                # The slow compare (every signature made again) would only call each of them
                # stale too, and the stories are not checked until the signatures are in sync.
                sys.exit(1)
        check_and_repair(self.stdout.write, compare=compare, repair=repair, repair_it=repair_it)
        if options["regroup"]:
            changed = regroup_all()
            self.stdout.write(f"regrouped: {changed} articles changed story")
