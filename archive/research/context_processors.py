"""`research` in every template: the signed-in reader's collections, loaded only when a
template asks (an anonymous page, or a page without a collect button, costs no query)."""

from __future__ import annotations

from functools import cached_property

from django.conf import settings
from django.db.models import Exists, OuterRef

from archive.research.models import Collection, CollectionItem


class ReaderTools:
    def __init__(self, request):
        self.request = request
        self.user = request.user

    @property
    def signup_open(self) -> bool:
        return settings.SIGNUP == "open"

    @cached_property
    def collections(self) -> list[Collection]:
        return list(Collection.objects.owned_by(self.user).only("id", "name"))

    def holding(self, article) -> list[Collection]:
        """The reader's collections, each marked `.holds` for `article`: ONE query."""
        found = getattr(self, "_holding", {})
        if article.pk not in found:
            items = CollectionItem.objects.filter(collection=OuterRef("pk"), article=article)
            found[article.pk] = list(
                Collection.objects.owned_by(self.user).only("id", "name")
                .annotate(holds=Exists(items))
            )  # fmt: skip
            self._holding = found
        return found[article.pk]

    @cached_property
    def collected(self) -> dict[int, list[int]]:
        """article id -> ids of the reader's collections holding it (every collection)."""
        rows = CollectionItem.objects.filter(collection__owner=self.user).values_list(
            "article_id", "collection_id"
        )
        held: dict[int, list[int]] = {}
        for article_id, collection_id in rows:
            held.setdefault(article_id, []).append(collection_id)
        return held


def research(request) -> dict:
    return {"research": ReaderTools(request)}
