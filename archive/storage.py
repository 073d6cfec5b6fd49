"""Static files storage: WhiteNoise's compressed, hashed files, forgiving a missing entry."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    # A file missing from the manifest (collectstatic not re-run after adding one) is served
    # under its plain name instead of turning every page that links it into a 500.
    manifest_strict = False
