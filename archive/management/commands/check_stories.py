"""check_stories [--repair]: do the story signatures, bands and stories match the texts?"""

from django.core.management.base import BaseCommand

from archive.derived import check_and_repair
from archive.story_check import compare, repair


class Command(BaseCommand):
    help = (
        "Compare the stories (signatures, LSH bands, groups) with the articles' texts; "
        "--repair rebuilds what differs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true")

    def handle(self, *args, **options):
        check_and_repair(
            self.stdout.write, compare=compare, repair=repair, repair_it=options["repair"]
        )
