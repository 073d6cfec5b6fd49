"""Static files storage: WhiteNoise's compressed, hashed files, forgiving what is missing.

A page must never fail for a static file. Without `collectstatic` (no manifest at all) or
with a file added since it last ran, the page links the file under its plain name, which
WhiteNoise serves from the source folders (WHITENOISE_USE_FINDERS): slower to cache, never a
500. The `archive.W001` check says at start-up that collectstatic has not run.
"""

from pathlib import Path

from django.conf import settings
from django.core.checks import Warning, register
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    manifest_strict = False

    def stored_name(self, name):
        try:
            return super().stored_name(name)
        except ValueError:
            # Not in the manifest and not in STATIC_ROOT either: Django would raise here
            # (ValueError "could not be found"), turning every page that links it into a 500.
            return name


def manifest_path() -> Path:
    return Path(settings.STATIC_ROOT) / "staticfiles.json"


@register(deploy=False)
def collectstatic_has_run(app_configs=None, **kwargs):
    """A warning (not an error: pages still work) when the hashed files are missing."""
    backend = settings.STORAGES["staticfiles"]["BACKEND"]
    if not backend.endswith("StaticStorage") or manifest_path().exists():
        return []
    return [
        Warning(
            f"collectstatic has not run: {manifest_path()} is missing.",
            hint="Static files are served unhashed from the source folders (short cache "
            "lifetimes). Run `python manage.py collectstatic --noinput` (make run does).",
            id="archive.W001",
        )
    ]
