"""Atom feeds: latest articles and one source's articles."""

import re

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from archive.models import Article, Source

FEED_SIZE = 50
# Characters XML 1.0 forbids: one of them in an imported name would make the whole feed
# unreadable to every subscriber.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


class ArticleFeed(Feed):
    """Shared item rendering; subclasses choose the articles."""

    feed_type = Atom1Feed

    def item_title(self, item: Article):
        return xml_text(item.title)

    def item_description(self, item: Article):
        # Atom sends the description as type="html": a reader unescapes it once and renders
        # it. Our text is plain text, so it is escaped here, once more than the XML needs.
        return escape(xml_text(item.standfirst or item.body_text[:500]))

    def item_link(self, item: Article):
        return item.get_absolute_url()

    def item_author_name(self, item: Article):
        return xml_text(", ".join(a.name for a in item.authors.all())) or None

    def item_pubdate(self, item: Article):
        return item.created if item.published is None else _as_datetime(item)

    def item_updateddate(self, item: Article):
        return item.updated

    def item_categories(self, item: Article):
        return [xml_text(t.name) for t in item.tags.all()]


def _as_datetime(item: Article):
    import datetime as dt

    return dt.datetime.combine(item.published, item.published_time or dt.time(), tzinfo=dt.UTC)


class LatestFeed(ArticleFeed):
    title = "News archive: latest articles"
    subtitle = "The newest articles in the archive."

    def link(self):
        return reverse("archive:latest")

    def items(self):
        return Article.objects.public().for_listing().newest()[:FEED_SIZE]


class SourceFeed(ArticleFeed):
    def get_object(self, request, slug):
        source = get_object_or_404(Source, slug=slug)
        if not Article.objects.public().from_source(source).exists():
            raise Http404("No public articles from this source.")
        return source

    def title(self, obj):
        return f"News archive: {xml_text(obj.name)}"

    def link(self, obj):
        return obj.get_absolute_url()

    def items(self, obj):
        return Article.objects.public().for_listing().from_source(obj).newest()[:FEED_SIZE]
