from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = "News archive"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save, pre_delete

        from archive import (
            storage,  # noqa: F401 (registers the collectstatic check)
            stories,
        )
        from archive.models import Article

        # Every save or delete of an article, whoever makes it, keeps its story up to date.
        post_save.connect(stories.article_saved, sender=Article, dispatch_uid="story_saved")
        pre_delete.connect(stories.article_deleting, sender=Article, dispatch_uid="story_deleting")
        post_delete.connect(stories.article_deleted, sender=Article, dispatch_uid="story_deleted")
