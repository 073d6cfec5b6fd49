from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = "News archive"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from archive import storage  # noqa: F401 (registers the collectstatic check)
