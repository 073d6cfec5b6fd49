"""The index outbox: which articles the search index still has to catch up with."""

from django.db import models


class PendingIndexUpdate(models.Model):
    """One article whose index entry may be stale.

    Written in the same transaction as the article change (by the signal handlers in
    search.outbox), deleted only after the index has committed the update. So a crash, a
    held index lock or a rollback can delay an update but never lose one.
    """

    article_id = models.BigIntegerField()
    created = models.DateTimeField(auto_now_add=True)
    # Written by a bulk import: may wait for its next batch. A row without it (an editor's
    # save whose own request found the index busy) makes the import's index writer flush now.
    bulk = models.BooleanField(default=False)
    # The importing process of a bulk row: a request leaves the row to it while it runs, and
    # writes it at once when it is gone (killed), instead of after the ownership window.
    owner_host = models.CharField(max_length=255, blank=True, default="")
    owner_pid = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["article_id"], name="pending_article")]

    def __str__(self):
        return f"article {self.article_id}"
