"""check_index [--repair]: does the search index hold exactly the public articles?"""

from django.core.management.base import BaseCommand, CommandError

from archive.derived import check_and_repair
from search import outbox
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
                f"cannot use the search index ({exc.strerror or exc}: {where}); check SEARCH_URL: "
                "that the index directory exists and this user may write to it, or that the "
                "Elasticsearch cluster answers"
            ) from None

    def compare_and_repair(self, *, repair_it: bool) -> None:
        # What the outbox holds is written first (as the next request would), so updates
        # merely pending (a killed import's, say) are not reported as differences; a living
        # import's rows are left to it.
        outbox.flush(request=True)
        check_and_repair(self.stdout.write, compare=compare, repair=repair, repair_it=repair_it)
