"""Every write of the research app, called alike from views, admin, commands and tests.
Keyword-only; each in one transaction."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from archive.models import Article
from archive.research.models import (
    Collection,
    CollectionItem,
    Invitation,
    SavedSearch,
    Snapshot,
    SnapshotItem,
    new_token,
    token_digest,
)

INVITATION_DAYS = 14


class InvalidInvitation(Exception):
    """The invitation link is unknown, used or expired."""


# --- accounts -------------------------------------------------------------------------------
def invitation_create(*, email: str, created_by=None, days: int = INVITATION_DAYS):
    """A new invitation and its token (shown once: only its digest is stored)."""
    token = new_token()
    invitation = Invitation.objects.create(
        email=email, token_digest=token_digest(token), created_by=created_by,
        expires=timezone.now() + dt.timedelta(days=days),
    )  # fmt: skip
    return invitation, token


def invitation_for(token: str) -> Invitation:
    """The open invitation for `token`, or InvalidInvitation."""
    invitation = Invitation.objects.filter(token_digest=token_digest(token or "")).first()
    if invitation is None or invitation.used or invitation.expires <= timezone.now():
        raise InvalidInvitation("This invitation link is not valid: it was used or has expired.")
    return invitation


def reader_create(*, username: str, email: str, password: str, invitation_token: str = ""):
    """A reader account (never staff, never a superuser); with an invitation, marks it used
    in the same transaction, so one link makes one account."""
    with transaction.atomic():
        invitation = None
        if invitation_token:
            invitation = invitation_for(invitation_token)
            invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
            if invitation.used:
                raise InvalidInvitation("This invitation link was just used.")
        user = get_user_model().objects.create_user(
            username=username, email=email, password=password, is_staff=False, is_superuser=False
        )
        if invitation is not None:
            invitation.used, invitation.used_by = timezone.now(), user
            invitation.save(update_fields=["used", "used_by"])
    return user


# --- collections ----------------------------------------------------------------------------
def collection_create(*, owner, name: str, note: str = "") -> Collection:
    return Collection.objects.create(owner=owner, name=name.strip(), note=note)


def collection_update(*, collection: Collection, name: str, note: str) -> Collection:
    collection.name, collection.note = name.strip(), note
    collection.save(update_fields=["name", "note", "updated"])
    return collection


def collection_delete(*, collection: Collection) -> None:
    collection.delete()


def collection_add(*, collection: Collection, article: Article) -> bool:
    """Adds the article at the end; False when it was already there."""
    with transaction.atomic():
        last = collection.items.aggregate(m=Max("position"))["m"]
        try:
            with transaction.atomic():
                CollectionItem.objects.create(
                    collection=collection, article=article, position=(last or 0) + 1
                )
        except IntegrityError:  # already collected (also by a concurrent request)
            return False
        Collection.objects.filter(pk=collection.pk).update(updated=timezone.now())
    return True


def collection_remove(*, collection: Collection, article_id: int) -> bool:
    deleted, _ = collection.items.filter(article_id=article_id).delete()
    if deleted:
        Collection.objects.filter(pk=collection.pk).update(updated=timezone.now())
    return bool(deleted)


def collection_move(*, item: CollectionItem, direction: int) -> None:
    """Swaps the item with its neighbour before (-1) or after (+1)."""
    with transaction.atomic():
        items = list(item.collection.items.select_for_update().order_by("position", "id"))
        index = next(i for i, it in enumerate(items) if it.pk == item.pk)
        other = index + direction
        if not 0 <= other < len(items):
            return
        items[index], items[other] = items[other], items[index]
        for position, it in enumerate(items, start=1):
            if it.position != position:
                it.position = position
                it.save(update_fields=["position"])


def item_note_set(*, item: CollectionItem, note: str) -> None:
    item.note = note
    item.save(update_fields=["note"])


def share(*, obj, on: bool) -> None:
    """Turns the secret read-only link of a collection or snapshot on (a new token: an old,
    revoked link never comes back) or off."""
    obj.share_token = new_token() if on else None
    obj.save(update_fields=["share_token"])


# --- saved searches -------------------------------------------------------------------------
def saved_search_create(*, owner, name: str, query: str) -> SavedSearch:
    now = timezone.now()
    return SavedSearch.objects.create(
        owner=owner, name=name.strip(), query=query, last_visit=now, alerted_until=now
    )


def saved_search_visited(*, saved: SavedSearch) -> None:
    saved.last_visit = timezone.now()
    saved.save(update_fields=["last_visit"])


def saved_search_update(*, saved: SavedSearch, name: str, alerts: bool) -> None:
    saved.name, saved.alerts = name.strip(), alerts
    saved.save(update_fields=["name", "alerts"])


def feed_token_renew(*, saved: SavedSearch) -> None:
    saved.feed_token = new_token()
    saved.save(update_fields=["feed_token"])


# --- snapshots ------------------------------------------------------------------------------
def snapshot_create(*, owner, name: str, query: str, articles) -> Snapshot:
    """Freezes `articles` (an iterable, in the result order) under one snapshot."""
    with transaction.atomic():
        snapshot = Snapshot.objects.create(owner=owner, name=name.strip(), query=query)
        batch = [
            SnapshotItem(snapshot=snapshot, position=n, article_id=a.pk, title=a.title[:500],
                         content_hash=a.content_hash)
            for n, a in enumerate(articles, start=1)
        ]  # fmt: skip
        SnapshotItem.objects.bulk_create(batch, batch_size=500)
        snapshot.size = len(batch)
        snapshot.save(update_fields=["size"])
    return snapshot


def invitation_send(*, invitation: Invitation, link: str) -> None:
    """Emails the sign-up link (the console backend prints it by default)."""
    from django.core.mail import send_mail

    send_mail(
        "Your invitation to the news archive",
        f"You are invited to open a reader account on the news archive:\n\n{link}\n\n"
        f"The link works once, until {invitation.expires:%d %B %Y}.",
        None,
        [invitation.email],
    )
