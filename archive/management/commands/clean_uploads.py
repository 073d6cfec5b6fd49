"""clean_uploads: remove upload stashes nobody confirmed in time (and those left by killed
requests). Run by `make setup`; cron it on a busy server, e.g. hourly."""

from django.core.management.base import BaseCommand

from archive import upload_jobs


class Command(BaseCommand):
    help = "Remove upload stashes older than UPLOAD_STASH_MAX_HOURS (unconfirmed or abandoned)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-hours", type=float, default=None,
            help="age in hours (default: the UPLOAD_STASH_MAX_HOURS setting)",
        )  # fmt: skip

    def handle(self, *args, **options):
        policy = upload_jobs.POLICY
        if options["older_than_hours"] is not None:
            policy = upload_jobs.UploadPolicy(stash_max_age=options["older_than_hours"] * 3600)
        removed = upload_jobs.clean_stashes(policy=policy)
        self.stdout.write(f"removed {removed} upload stash{'es' if removed != 1 else ''}")
