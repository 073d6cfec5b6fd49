"""Browse pages: latest, article, sources, authors, tags and the date archive.

Reads are ArticleQuerySet methods; every list shows cards built from for_listing(), so a page
costs the same few queries however many rows it shows.
"""

import datetime as dt

from django.core.paginator import InvalidPage, Paginator
from django.db.models import Count, Max, Min
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.templatetags.static import static
from django.views.generic import DetailView, ListView
from django.views.generic.dates import (
    ArchiveIndexView,
    DayArchiveView,
    MonthArchiveView,
    YearArchiveView,
)

from archive import story_pages
from archive.models import Article, Author, Source, Story, Tag

PAGE_SIZE = 20


def public_articles(by_date: bool = True):
    if not by_date:  # a filter narrower than the dates drives (an author's or tag's rows)
        return Article.objects.public().for_listing()
    return Article.objects.public_by_date().for_listing()


class LatestView(ListView):
    template_name = "archive/latest.html"
    paginate_by = PAGE_SIZE
    context_object_name = "articles"

    def get_queryset(self):
        return public_articles().newest()


class ArticleView(DetailView):
    template_name = "archive/article.html"
    context_object_name = "article"

    def get_queryset(self):
        return public_articles()

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.slug != kwargs["slug"]:
            return redirect(self.object, permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        from search.related import related_articles

        context = super().get_context_data(**kwargs)
        context["related"] = related_articles(self.object)
        shown, total = story_pages.also_published(self.object)
        context["also_published"], context["also_published_count"] = shown, total
        return context


class SourceListView(ListView):
    template_name = "archive/source_list.html"
    context_object_name = "sources"

    def get_queryset(self):
        counts = Article.objects.public_counts_by_source()
        # Only sources with public articles: a hidden article's source is not to be known.
        sources = [s for s in Source.objects.order_by("name") if counts.get(s.pk)]
        for source in sources:
            source.article_count = counts[source.pk]
        return sources

    def get_context_data(self, **kwargs):
        unknown = Article.objects.public().without_source().count()
        return super().get_context_data(without_source=unknown, **kwargs)


class _NameIndex(ListView):
    """Every author (or tag) with a public article, with its count of public articles: a
    name used only by hidden articles is not public either."""

    model_class = None
    paginate_by = 100
    context_object_name = "names"
    template_name = "archive/name_index.html"
    kind = ""
    ordering = ("name",)

    def get_queryset(self):
        # The filter and the Count share one join, so only public articles are counted.
        return (
            self.model_class.objects.filter(articles__is_public=True)
            .annotate(article_count=Count("articles"))
            .order_by(*self.ordering, "pk")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(kind=self.kind, **kwargs)


class AuthorIndex(_NameIndex):
    model_class = Author
    kind = "author"


class TagIndex(_NameIndex):
    model_class = Tag
    kind = "tag"
    ordering = ("name", "kind")


class _FilteredArticleList(ListView):
    """Articles of one source, author or tag."""

    model_class = None
    by_date = True
    paginate_by = PAGE_SIZE
    allow_empty = False  # a name with no public article is not shown (404), as if unknown
    context_object_name = "articles"
    template_name = "archive/filtered_list.html"
    kind = ""

    def get_queryset(self):
        self.subject = get_object_or_404(self.model_class, slug=self.kwargs["slug"])
        return self.filter_articles(public_articles(self.by_date), self.subject).newest()

    def filter_articles(self, qs, subject):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        return super().get_context_data(subject=self.subject, kind=self.kind, **kwargs)


class SourceView(_FilteredArticleList):
    model_class = Source
    kind = "source"

    def filter_articles(self, qs, subject):
        return qs.from_source(subject)


class AuthorView(_FilteredArticleList):
    model_class = Author
    by_date = False
    kind = "author"

    def filter_articles(self, qs, subject):
        return qs.by_author(subject)


class TagView(_FilteredArticleList):
    model_class = Tag
    by_date = False
    kind = "tag"

    def filter_articles(self, qs, subject):
        return qs.with_tag(subject)


class _DateMixin:
    date_field = "published"
    paginate_by = PAGE_SIZE
    context_object_name = "articles"
    month_format = "%m"
    allow_future = True

    def get_queryset(self):
        return public_articles().newest()

    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        """The years (or months, or days) that have articles, by index seeks.

        Django's own version truncates every row's date (in Python, on SQLite), which grows
        with the archive; this asks, per candidate period between the first and last date,
        whether any article falls in it: a bounded number of index look-ups.
        """
        date_type = date_type or self.get_date_list_period()
        dated = queryset.exclude(published=None).order_by()
        bounds = dated.aggregate(first=Min("published"), last=Max("published"))
        periods = []
        if bounds["first"]:
            for start in _periods(bounds["first"], bounds["last"], date_type):
                if dated.filter(
                    published__gte=start, published__lt=_next(start, date_type)
                ).exists():
                    periods.append(start)
        if ordering == "DESC":
            periods.reverse()
        if not periods and not self.get_allow_empty():
            raise Http404("No articles in this period.")
        return periods


def _next(start: dt.date, date_type: str) -> dt.date:
    """The start of the period after the one `start` begins; date.max past the calendar's
    end (an article dated 9999-12-31 must not make the archive page fail)."""
    try:
        if date_type == "year":
            return start.replace(year=start.year + 1)
        if date_type == "month":
            return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return start + dt.timedelta(days=1)
    except (OverflowError, ValueError):
        return dt.date.max


def _periods(first: dt.date, last: dt.date, date_type: str):
    start = {"year": first.replace(month=1, day=1), "month": first.replace(day=1)}.get(
        date_type, first
    )
    while start <= last:
        yield start
        following = _next(start, date_type)
        if following <= start:  # the calendar's last period
            return
        start = following


class ArchiveIndex(_DateMixin, ArchiveIndexView):
    template_name = "archive/archive_index.html"
    allow_empty = True
    date_list_period = "year"

    def get_context_data(self, **kwargs):
        undated = Article.objects.public().undated().count()
        return super().get_context_data(undated=undated, **kwargs)


class YearArchive(_DateMixin, YearArchiveView):
    template_name = "archive/archive_year.html"
    make_object_list = True


class MonthArchive(_DateMixin, MonthArchiveView):
    template_name = "archive/archive_month.html"


class DayArchive(_DateMixin, DayArchiveView):
    template_name = "archive/archive_day.html"


def favicon(request):
    return redirect(static("img/favicon.svg"))


def article_json(request, pk):
    """GET /api/articles/<id>/: one article as JSON (INTERFACE.md)."""
    from archive.api import article_detail

    article = get_object_or_404(public_articles().prefetch_related("tags"), pk=pk)
    return JsonResponse(article_detail(article, request))


def _public_story(request, pk: int):
    """The story, the requested page of its public copies (member_ids paged, each copy
    compared with the earliest) and the earliest's Copy; 404 when it has fewer than two (a
    story of one is no story, and a hidden copy is not to be known) or no such page. Only a
    page is compared: a story of 18,501 copies on one page kept a worker for minutes."""
    story = get_object_or_404(Story, pk=pk)
    ids = story_pages.member_ids(story)
    if len(ids) < 2:
        raise Http404("No such story.")
    try:
        page = Paginator(ids, story_pages.STORY_PAGE).page(request.GET.get("page") or 1)
    except InvalidPage as exc:
        raise Http404("No such page of this story.") from exc
    shown, first = story_pages.copies(list(page.object_list), first_id=ids[0])
    return story, page, shown, first


class StoryView(DetailView):
    """GET /stories/<id>/: every outlet's copy, oldest first, with its lag and changes,
    STORY_PAGE copies a page."""

    template_name = "archive/story.html"
    context_object_name = "story"

    def get_object(self, queryset=None):
        self.object, self.page, self.copies, self.first = _public_story(
            self.request, self.kwargs["pk"]
        )
        return self.object

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            copies=self.copies, first=self.first, page_obj=self.page,
            size=self.page.paginator.count,
            attribution=story_pages.attribution(
                self.copies if self.page.number == 1 else [self.first, *self.copies]
            ),
        )  # fmt: skip
        return context


def story_json(request, pk):
    """GET /api/stories/<id>/ (INTERFACE.md): STORY_PAGE articles a page, `?page=`."""
    story, page, shown, first = _public_story(request, pk)
    return JsonResponse(story_pages.story_json(story, page, shown, first, request))
