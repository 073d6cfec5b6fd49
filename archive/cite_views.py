"""GET /articles/<id>/cite.ris|.bib|.json: one article as a citation file."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from archive import citations
from archive.models import Article


def article_citation(request, pk: int, fmt: str):
    """The public article `pk` in `fmt` (a key of citations.FORMATS), as a download named
    after it ("article-17-harbour-ferries.ris")."""
    article = get_object_or_404(Article.objects.public().for_listing(), pk=pk)
    context = citations.CiteContext.for_request(request)
    text = "".join(citations.iter_format(fmt, [article], context))
    response = HttpResponse(text, content_type=citations.FORMATS[fmt])
    name = f"article-{article.pk}-{article.slug}"[:120].strip("-")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
