from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, OuterRef
from django.urls import reverse

from archive.models import Article, Source


class ArticleSitemap(Sitemap):
    changefreq = "monthly"
    limit = 5000

    def items(self):
        return Article.objects.public().only("id", "slug", "updated").order_by("id")

    def lastmod(self, item):
        return item.updated


class SourceSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        public = Article.objects.public().filter(source=OuterRef("pk"))
        return Source.objects.filter(Exists(public)).order_by("name")


class PageSitemap(Sitemap):
    def items(self):
        return ["archive:latest", "archive:sources", "archive:archive_index"]

    def location(self, item):
        return reverse(item)


SITEMAPS = {"articles": ArticleSitemap, "sources": SourceSitemap, "pages": PageSitemap}
