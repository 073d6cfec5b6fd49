"""GET /api/collections/ and /api/collections/<id>/: the signed-in reader's collections as
JSON (session-authenticated; anonymous: 401; another reader's id: 404)."""

from __future__ import annotations

from django.db.models import Count
from django.http import JsonResponse

from archive.api import article_summary
from archive.research import queries
from archive.research.models import Collection


def _unauthenticated():
    return JsonResponse({"errors": {"auth": ["Log in to see your collections."]}}, status=401)


def _collection_json(request, collection, size: int) -> dict:
    return {
        "id": collection.pk,
        "name": collection.name,
        "note": collection.note,
        "size": size,
        "created": collection.created.isoformat(),
        "updated": collection.updated.isoformat(),
        "url": request.build_absolute_uri(collection.get_absolute_url()),
        "shared": collection.share_token is not None,
    }


def collection_list(request):
    if not request.user.is_authenticated:
        return _unauthenticated()
    collections = Collection.objects.owned_by(request.user).annotate(n=Count("items"))
    return JsonResponse({"results": [_collection_json(request, c, c.n) for c in collections]})


def collection_detail(request, pk):
    if not request.user.is_authenticated:
        return _unauthenticated()
    collection = Collection.objects.owned_by(request.user).filter(pk=pk).first()
    if collection is None:
        return JsonResponse({"errors": {"id": ["No such collection."]}}, status=404)
    items = list(queries.collection_items(collection))
    data = _collection_json(request, collection, len(items))
    data["items"] = [
        {**article_summary(i.article), "note": i.note, "added": i.added.isoformat()} for i in items
    ]
    return JsonResponse(data)
