"""Atom feeds of a collection: the owner's (session) and the shared link's (token)."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from archive.feeds import ArticleFeed
from archive.research import queries
from archive.research.models import Collection


class CollectionFeed(ArticleFeed):
    """GET /collections/<id>/export.atom: the collection in its order (owner only)."""

    def get_object(self, request, pk):
        if not request.user.is_authenticated:
            raise Http404
        return get_object_or_404(Collection.objects.owned_by(request.user), pk=pk)

    def title(self, obj):
        return f"News archive: {obj.name}"

    def subtitle(self, obj):
        return obj.note[:500] or None

    def link(self, obj):
        return obj.get_absolute_url()

    def items(self, obj):
        return [item.article for item in queries.collection_items(obj)]


class SharedCollectionFeed(CollectionFeed):
    """GET /shared/collections/<token>/export.atom."""

    def get_object(self, request, token):
        return get_object_or_404(Collection, share_token=token or "-")

    def link(self, obj):
        from django.urls import reverse

        return reverse("research:shared_collection", args=[obj.share_token])
