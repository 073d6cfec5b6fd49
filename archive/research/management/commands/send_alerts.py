from django.core.management.base import BaseCommand, CommandError

from archive.research.alerts import send_alerts


class Command(BaseCommand):
    help = "Email each reader a digest of new matches of their saved searches (for cron)."

    def handle(self, *args, **options):
        outcome = send_alerts()
        self.stdout.write(
            f"searches {outcome.searches}, digests sent {outcome.sent}, "
            f"articles {outcome.articles}, failed {outcome.failed}"
        )
        if outcome.failed:
            raise CommandError(f"{outcome.failed} digest(s) failed; they are retried next run.")
