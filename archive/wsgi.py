"""WSGI entry point for gunicorn (`gunicorn archive.wsgi`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")

application = get_wsgi_application()

# Stashes left by requests a previous server's workers never finished (killed, or never
# confirmed) go at start; new uploads and clean_uploads remove them on the way.
from archive.upload_jobs import clean_stashes_on_start  # noqa: E402 (needs Django set up)

clean_stashes_on_start()
