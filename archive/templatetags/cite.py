"""The article page's citation parts: what reference managers and link previews read in the
head (canonical link, Highwire Press `citation_*`, OpenGraph, JSON-LD), and the Cite box."""

from __future__ import annotations

import json

from django import template
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from archive import citations
from archive.sanitize import web_url

register = template.Library()

# json.dumps leaves these as they are; inside <script> "</script>" or "<!--" would end or
# bend the element (the escapes Django's json_script uses, for another script type).
_SCRIPT_SAFE = str.maketrans({"<": "\\u003C", ">": "\\u003E", "&": "\\u0026"})


def json_for_script(data) -> str:
    """`data` as JSON that no value can break out of a <script> element with."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_SCRIPT_SAFE))  # noqa: S308


def _context(template_context) -> citations.CiteContext:
    return citations.CiteContext.for_request(template_context["request"])


def _iso(article) -> str:
    if not article.published:
        return ""
    return article.published_at.isoformat()


def news_article_jsonld(article, context: citations.CiteContext, description: str) -> dict:
    """schema.org NewsArticle: authors as Person or Organization, the outlet as publisher,
    the original URL (when known) as the work this copy is based on."""
    permalink = context.permalink(article)
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "url": permalink,
        "mainEntityOfPage": permalink,
        "dateModified": article.updated.isoformat() if article.updated else None,
    }
    if article.published:
        data["datePublished"] = _iso(article)
    authors = [
        {
            "@type": "Organization" if a.is_organisation else "Person",
            "name": a.name,
            "url": context.base_url + a.get_absolute_url(),
        }
        for a in article.authors.all()
    ]
    if authors:
        data["author"] = authors
    if article.source_id:
        publisher = {"@type": "Organization", "name": article.source.name}
        if web_url(article.source.homepage):
            publisher["url"] = article.source.homepage
        data["publisher"] = publisher
    if article.original_url:
        data["isBasedOn"] = article.original_url
    if article.language:
        data["inLanguage"] = article.language
    if description:
        data["description"] = description
    keywords = [t.name for t in article.tags.all()]
    if keywords:
        data["keywords"] = keywords
    data["isPartOf"] = {
        "@type": "WebSite",
        "name": citations.ARCHIVE_NAME,
        "url": context.base_url + "/",
    }
    return {k: v for k, v in data.items() if v is not None}


def _highwire_author(name: dict) -> str:
    return f"{name['family']}, {name['given']}" if "family" in name else name["literal"]


@register.inclusion_tag("includes/citation_meta.html", takes_context=True)
def citation_head(context, article):
    """The head's link and meta elements for `article` (values are escaped by the template)."""
    cite = _context(context)
    description = Truncator(article.standfirst or article.body_text).chars(300)
    return {
        "article": article,
        "permalink": cite.permalink(article),
        "site_name": citations.ARCHIVE_NAME,
        "authors": [_highwire_author(citations.csl_name(a)) for a in article.authors.all()],
        "author_urls": [cite.base_url + a.get_absolute_url() for a in article.authors.all()],
        "description": description,
        "published_iso": _iso(article),
        "jsonld": json_for_script(news_article_jsonld(article, cite, description)),
    }


@register.inclusion_tag("includes/cite_box.html", takes_context=True)
def cite_box(context, article):
    """The Cite box: the article in each style, and its citation files."""
    cite = _context(context)
    # citeproc-py and its styles load with the first Cite box, not in every worker at start
    # (the template engine imports every tag library): 4 MB a search-only worker never uses.
    from archive.citation_styles import format_all

    return {"article": article, "citations": format_all(citations.csl_item(article, cite))}
