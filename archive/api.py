"""JSON shapes shared by the article API and the search API (INTERFACE.md)."""

from archive.models import Article
from archive.story_pages import story_ref


def source_json(article: Article) -> dict | None:
    if not article.source_id:
        return None
    return {"name": article.source.name, "slug": article.source.slug}


def authors_json(article: Article) -> list[dict]:
    return [{"name": a.name, "slug": a.slug} for a in article.authors.all()]


def article_summary(article: Article) -> dict:
    """The fields every list of articles gives; `url` is the path, as INTERFACE.md has it."""
    return {
        "id": article.pk,
        "title": article.title,
        "url": article.get_absolute_url(),
        "source": source_json(article),
        "authors": authors_json(article),
        "published": article.published.isoformat() if article.published else None,
    }


def article_detail(article: Article, request=None) -> dict:
    return {
        **article_summary(article),
        "tags": [{"name": t.name, "slug": t.slug, "kind": t.kind} for t in article.tags.all()],
        "language": article.language or None,
        "original_url": article.original_url or None,
        "captured": article.captured.isoformat() if article.captured else None,
        "body_html": article.body_html,
        "body_text": article.body_text,
        "story": story_ref(article),
    }
