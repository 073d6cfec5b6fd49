"""check_stories [--repair | --regroup]: do the story signatures, bands and stories match the
texts? --regroup makes every story again by today's rule (an archive grouped by an older one)."""

from django.core.management.base import BaseCommand

from archive.derived import check_and_repair
from archive.story_check import compare, regroup_all, repair


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
        if options["regroup"]:
            check_and_repair(self.stdout.write, compare=compare, repair=repair, repair_it=True)
            changed = regroup_all()
            self.stdout.write(f"regrouped: {changed} articles changed story")
            return
        check_and_repair(
            self.stdout.write, compare=compare, repair=repair, repair_it=options["repair"]
        )
