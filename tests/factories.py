"""Small builders: articles are made through the real services path, as an import would."""

from __future__ import annotations

import datetime as dt
import itertools

from archive import services
from archive.ingest.types import ParsedArticle

_counter = itertools.count(1)


def parsed(
    title: str = "",
    body: str = "",
    *,
    source: str = "The Daily Test",
    authors: tuple[str, ...] = ("Ann Writer",),
    tags: tuple[tuple[str, str], ...] = (("keyword", "Testing"),),
    published: dt.date | dt.datetime | None = dt.date(2022, 1, 10),
    url: str = "",
    language: str = "en",
) -> ParsedArticle:
    n = next(_counter)
    title = title or f"Test article number {n}"
    body = body or f"<p>Body of article {n} about things that happened on day {n}.</p>"
    return ParsedArticle(
        title=title,
        body_html=body,
        source=source,
        authors=list(authors),
        tags=list(tags),
        published=published,
        original_url=url,
        language=language,
        raw=body.encode(),
        raw_name=f"test-{n}.html",
        raw_format="html",
    )


def make_article(title: str = "", body: str = "", **kwargs):
    """Save one article through services.save_article and return it."""
    result = services.save_article(parsed=parsed(title, body, **kwargs))
    assert result.status == services.IMPORTED, result
    return result.article


def make_articles(n: int, **kwargs):
    return [make_article(**kwargs) for _ in range(n)]


# The admin article form's inline for the raw original, with no rows (a new article).
NO_ORIGINAL_INLINE = {
    "original-TOTAL_FORMS": "0",
    "original-INITIAL_FORMS": "0",
    "original-MIN_NUM_FORMS": "0",
    "original-MAX_NUM_FORMS": "0",
}
