"""Search page (first version; the search issue replaces it with the full form)."""

from django.core.paginator import Paginator
from django.shortcuts import render
from haystack.query import SearchQuerySet


def search_page(request):
    q = request.GET.get("q", "")[:500]
    results = SearchQuerySet().auto_query(q) if q.strip() else SearchQuerySet().none()
    page = Paginator(results, 20).get_page(request.GET.get("page"))
    return render(request, "search/search.html", {"q": q, "page_obj": page})
