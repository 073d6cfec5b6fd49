"""WSGI entry point for gunicorn (`gunicorn archive.wsgi`)."""

import logging
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")

application = get_wsgi_application()


def _warn_about_static_files() -> None:
    """Say at start-up what `manage.py check` would: the server works without collectstatic,
    but the operator should know how to get hashed, long-cached files."""
    from archive.storage import collectstatic_has_run

    for message in collectstatic_has_run():
        logging.getLogger("archive").warning("%s %s", message.msg, message.hint)


_warn_about_static_files()

# Stashes left by requests a previous server's workers never finished (killed, or never
# confirmed) go at start; new uploads and clean_uploads remove them on the way.
from archive.upload_jobs import clean_stashes_on_start  # noqa: E402 (needs Django set up)

clean_stashes_on_start()

# The worker's first search, before it takes requests (search/warmup.py): gunicorn loads this
# module in each worker, so each one warms itself.
from django.conf import settings  # noqa: E402

if settings.SEARCH_WARMUP:
    from search.warmup import warm  # noqa: E402

    logging.getLogger("archive").info("search warm-up: %s", warm())
