"""What a reader keeps. Every row belongs to one reader (`owner`); reads go through
`owned_by()` so no view can forget the owner. Secret links are 256-bit random tokens
(secrets.token_urlsafe(32)); revoking one sets it to NULL, so the old link is dead for good.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse


def new_token() -> str:
    """A secret for a link: 32 random bytes (256 bits), URL-safe."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class OwnedQuerySet(models.QuerySet):
    def owned_by(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)


class Invitation(models.Model):
    """A sign-up link staff send. Only the token's digest is stored: a leaked database
    does not hand out accounts."""

    email = models.EmailField()
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField()
    used = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"Invitation for {self.email}"


class Collection(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="collections"
    )
    name = models.CharField(max_length=200)
    note = models.TextField(blank=True, max_length=20_000)
    share_token = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    articles = models.ManyToManyField("archive.Article", through="CollectionItem")

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-updated", "-id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("research:collection", args=[self.pk])


class CollectionItem(models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="items")
    article = models.ForeignKey("archive.Article", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(default=0)
    note = models.TextField(blank=True, max_length=20_000)
    added = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["collection", "article"], name="collection_article")
        ]

    def __str__(self):
        return f"{self.article_id} in {self.collection_id}"


class SavedSearch(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(max_length=200)
    # The search's canonical query string (ArchiveSearchForm.params()), page left out.
    query = models.TextField(blank=True)
    feed_token = models.CharField(max_length=64, unique=True, default=new_token)
    created = models.DateTimeField(auto_now_add=True)
    last_visit = models.DateTimeField()
    # Alerts: articles added after this were not yet sent (send_alerts moves it on).
    alerted_until = models.DateTimeField()
    alerts = models.BooleanField(default=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    def search_url(self) -> str:
        return reverse("search:search") + (f"?{self.query}" if self.query else "")


class AlertDelivery(models.Model):
    """One digest send_alerts emailed: what, to whom, when (so a rerun sends nothing twice)."""

    saved_search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="sent")
    sent = models.DateTimeField(auto_now_add=True)
    until = models.DateTimeField()
    email = models.EmailField()
    article_ids = models.JSONField(default=list)

    class Meta:
        ordering = ["-sent"]

    def __str__(self):
        return f"{len(self.article_ids)} sent to {self.email} at {self.sent:%Y-%m-%d %H:%M}"


class Snapshot(models.Model):
    """A frozen result set: the query, when it ran, and each match with its content hash."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="snapshots"
    )
    name = models.CharField(max_length=200)
    query = models.TextField(blank=True)
    taken = models.DateTimeField(auto_now_add=True)
    size = models.PositiveIntegerField(default=0)
    share_token = models.CharField(max_length=64, unique=True, null=True, blank=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-taken", "-id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("research:snapshot", args=[self.pk])


class SnapshotItem(models.Model):
    # The article's id and title as they were: the article may be withdrawn or deleted later,
    # and the snapshot must still say what it held.
    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    article_id = models.BigIntegerField()
    title = models.CharField(max_length=500)
    content_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "position"], name="snapshot_position")
        ]

    def __str__(self):
        return f"{self.position}. {self.title}"
