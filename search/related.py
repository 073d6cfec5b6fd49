"""Related articles for the article page."""

from archive.models import Article


def related_articles(article: Article, limit: int = 5) -> list[Article]:
    """Articles like this one (same tags or source), newest first; never the article itself."""
    tag_ids = list(article.tags.values_list("id", flat=True))
    qs = Article.objects.public().exclude(pk=article.pk).for_listing()
    if tag_ids:
        qs = qs.filter(tags__in=tag_ids).distinct()
    elif article.source_id:
        qs = qs.from_source(article.source_id)
    else:
        return []
    return list(qs.newest()[:limit])
