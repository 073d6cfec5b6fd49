from django.apps import AppConfig


class ResearchConfig(AppConfig):
    """Reader accounts and what a reader keeps: collections, notes, saved searches, snapshots."""

    name = "archive.research"
    label = "research"
    verbose_name = "Research"
    default_auto_field = "django.db.models.BigAutoField"
