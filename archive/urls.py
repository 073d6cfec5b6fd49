from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, register_converter

from archive import cite_views, feeds, views
from archive.health import healthz
from archive.ingest.types import EARLIEST_DATE, LATEST_DATE
from archive.security import ThrottledAdminLoginForm
from archive.sitemaps import SITEMAPS


class _Digits:
    """A zero-padded number in a URL, as INTERFACE.md writes dates: /archive/2022/01/10/."""

    width = 2

    @property
    def regex(self) -> str:
        return f"[0-9]{{{self.width}}}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return f"{int(value):0{self.width}d}"


class TwoDigits(_Digits):
    width = 2


class Year(_Digits):
    """A year the archive can hold (EARLIEST_DATE to LATEST_DATE); others are 404, not a 500
    from a date view stepping past year 9999."""

    width = 4

    def to_python(self, value: str) -> int:
        year = int(value)
        if not EARLIEST_DATE.year <= year <= LATEST_DATE.year:
            raise ValueError(f"year {year} is outside the archive")
        return year


register_converter(TwoDigits, "dd")
register_converter(Year, "yyyy")

archive_patterns = [
    path("", views.LatestView.as_view(), name="latest"),
    path("articles/<int:pk>/<slug:slug>/", views.ArticleView.as_view(), name="article"),
    *[
        path(
            f"articles/<int:pk>/cite.{fmt}",
            cite_views.article_citation,
            {"fmt": fmt},
            name=f"cite_{fmt}",
        )
        for fmt in ("ris", "bib", "json")
    ],
    path("sources/", views.SourceListView.as_view(), name="sources"),
    path("sources/<slug:slug>/", views.SourceView.as_view(), name="source"),
    path("sources/<slug:slug>/feed/", feeds.SourceFeed(), name="source_feed"),
    path("authors/", views.AuthorIndex.as_view(), name="authors"),
    path("tags/", views.TagIndex.as_view(), name="tags"),
    path("authors/<slug:slug>/", views.AuthorView.as_view(), name="author"),
    path("tags/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("archive/", views.ArchiveIndex.as_view(), name="archive_index"),
    path("archive/<yyyy:year>/", views.YearArchive.as_view(), name="archive_year"),
    path("archive/<yyyy:year>/<dd:month>/", views.MonthArchive.as_view(), name="archive_month"),
    path(
        "archive/<yyyy:year>/<dd:month>/<dd:day>/",
        views.DayArchive.as_view(),
        name="archive_day",
    ),
    path("feeds/latest/", feeds.LatestFeed(), name="latest_feed"),
    path("api/articles/<int:pk>/", views.article_json, name="article_json"),
    path("stories/<int:pk>/", views.StoryView.as_view(), name="story"),
    path("api/stories/<int:pk>/", views.story_json, name="story_json"),
]

# The admin login refuses a username (or address) after too many failures (archive/security.py).
admin.site.login_form = ThrottledAdminLoginForm

urlpatterns = [
    path("", include((archive_patterns, "archive"))),
    path("", include("search.urls")),
    path("", include("archive.research.urls")),
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("healthz", healthz, name="healthz"),
    # Browsers and feed readers ask for /favicon.ico whatever the page links.
    path("favicon.ico", views.favicon, name="favicon"),
]
