"""Related articles for the article page: more-like-this from the index, else same tags."""

from __future__ import annotations

import logging

from haystack.query import SearchQuerySet

from archive.models import Article

log = logging.getLogger(__name__)


def related_articles(article: Article, limit: int = 5) -> list[Article]:
    """Up to `limit` public articles like this one, best first; never the article itself.

    From the backend's more-like-this; when it cannot answer (no backend support, an
    unavailable index, nothing alike), from the database: the newest with the same tags.
    """
    try:
        results = SearchQuerySet().more_like_this(article)[:limit]
        pks = [int(r.pk) for r in results if int(r.pk) != article.pk]
    except Exception:  # a broken or unsupported index must not break the article page
        log.warning("more_like_this failed for article %s", article.pk, exc_info=True)
        pks = []
    if pks:
        found = Article.objects.public().in_bulk(pks)
        return [found[pk] for pk in pks if pk in found][:limit]
    return _same_tags(article, limit)


def _same_tags(article: Article, limit: int) -> list[Article]:
    tag_ids = [t.pk for t in article.tags.all()]
    qs = Article.objects.public().exclude(pk=article.pk)
    if tag_ids:
        qs = qs.filter(
            pk__in=Article.tags.through.objects.filter(tag__in=tag_ids).values("article_id")
        )
    elif article.source_id:
        qs = qs.from_source(article.source_id)
    else:
        return []
    return list(qs.newest()[:limit])
