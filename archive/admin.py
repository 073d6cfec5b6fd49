"""Admin: articles with filters, autocomplete, re-parse and re-index actions, and the upload."""

from __future__ import annotations

from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ERROR_FLAG
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.utils.html import format_html, format_html_join

from archive import history, services
from archive.admin_bulk import bulk_actions
from archive.admin_history import revert_view, revisions_view
from archive.capture_admin import CaptureView
from archive.ingest.types import EARLIEST_DATE, LATEST_DATE
from archive.models import Article, Author, FeedSubscription, Original, Source, Tag
from archive.sanitize import clean_html, content_hash, html_to_text
from archive.upload import UploadReportView, UploadView


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "homepage", "article_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(ordering="article_count", description="articles")
    def article_count(self, obj):
        return obj.article_count


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "slug"]
    list_filter = ["kind"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "slug"]
    list_filter = ["kind"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class OriginalInline(admin.StackedInline):
    model = Original
    can_delete = False
    extra = 0
    max_num = 0
    fields = [
        "name",
        "format",
        "source_given",
        "parsed_at",
        "removed_lines",
        "warnings",
        "raw_view",
    ]
    readonly_fields = fields

    @admin.display(description="raw original")
    def raw_view(self, obj):
        return format_html("<pre class='raw-original'>{}</pre>", obj.raw_text)

    @admin.display(description="lines the cleaner removed")
    def removed_lines(self, obj):
        if not obj.removed:
            return "none"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "", "<li>{} <small>({})</small></li>",
                ((r.get("text", ""), r.get("reason", "")) for r in obj.removed),
            ),
        )  # fmt: skip


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = [
            "title", "title_derived", "slug", "standfirst", "body_html", "source", "authors",
            "tags", "published", "published_time", "language", "original_url",
            "original_source", "is_public",
        ]  # fmt: skip

    def clean(self):
        data = super().clean()
        body = data.get("body_html") or ""
        text = html_to_text(clean_html(body))
        if not text:
            self.add_error("body_html", "The body has no text left after sanitizing.")
            return data
        # The hash is derived on save; check it here so a duplicate body is a form error,
        # not a database error.
        # (the same text from another source is that outlet's copy, joined to a story)
        same = Article.objects.filter(content_hash=content_hash(text), source=data.get("source"))
        if self.instance.pk:
            same = same.exclude(pk=self.instance.pk)
        if same.exists():
            other = same.first()
            self.add_error(
                "body_html", f"Article {other.pk} ({other.title[:60]}) has the same text."
            )
        return data


def _archive_year(value: str) -> bool:
    return value.isdigit() and EARLIEST_DATE.year <= int(value) <= LATEST_DATE.year


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ["title", "source", "published", "author_names", "language", "is_public"]
    list_filter = [
        "source", "tags__kind", "language", "is_public", "title_derived",
        "captured",  # when a web archive captured it: any date, a range, or none (files)
    ]  # fmt: skip
    list_select_related = ["source"]
    date_hierarchy = "published"
    search_fields = ["title", "original_url", "authors__name", "source__name"]
    autocomplete_fields = ["source", "authors", "tags"]
    readonly_fields = ["word_count", "content_hash", "captured", "created", "updated"]
    inlines = [OriginalInline]
    actions = [*bulk_actions, "reparse", "reindex"]
    list_per_page = 50
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["title", "title_derived", "slug", "standfirst", "body_html"]}),
        ("Metadata", {"fields": ["source", "authors", "tags", "published", "published_time",
                                 "language", "original_url", "original_source", "is_public"]}),
        ("Derived", {"classes": ["collapse"],
                     "fields": ["word_count", "content_hash", "captured", "created", "updated"]}),
    ]  # fmt: skip

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("authors")

    # An edit is kept as a revision: the stored fields before (read before the save), and
    # after the authors and tags are saved too. Both inside the admin's transaction.
    def save_model(self, request, obj, form, change):
        request._article_before = history.snapshot(obj) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        before = getattr(request, "_article_before", None)
        if before is not None:
            history.record(article=form.instance, before=before, kind="edit", user=request.user)

    def changelist_view(self, request, extra_context=None):
        # Django's date hierarchy steps to the next year unchecked: ?published__year=9999 was a
        # 500. A year outside what the archive holds is an invalid lookup, as Django's own are.
        year = request.GET.get("published__year")
        if year is not None and not _archive_year(year):
            return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")
        return super().changelist_view(request, extra_context)

    @admin.display(description="authors")
    def author_names(self, obj):
        return ", ".join(a.name for a in obj.authors.all())

    def get_urls(self):
        from django.urls import path

        upload = self.admin_site.admin_view(UploadView.as_view(model_admin=self))
        report = self.admin_site.admin_view(UploadReportView.as_view(model_admin=self))
        capture = self.admin_site.admin_view(CaptureView.as_view(model_admin=self))

        def wrap(view):
            return self.admin_site.admin_view(partial(view, model_admin=self))

        return [
            path(
                "<int:object_id>/revisions/", wrap(revisions_view), name="archive_article_revisions"
            ),
            path(
                "<int:object_id>/revisions/<int:revision_id>/revert/",
                wrap(revert_view),
                name="archive_article_revert",
            ),
            path("upload/", upload, name="archive_article_upload"),
            path("capture/", capture, name="archive_article_capture"),
            path("upload/preview/<str:token>/", upload, name="archive_article_upload_preview"),
            path("upload/<int:job_id>/", report, name="archive_article_upload_report"),
            *super().get_urls(),
        ]

    @admin.action(
        description="Re-parse from the raw original with today's rules", permissions=["change"]
    )
    def reparse(self, request, queryset):
        articles = queryset.select_related("original")
        results = [services.reparse_article(article=a, user=request.user) for a in articles]
        failed = [r for r in results if r.status == services.FAILED]
        done = len(results) - len(failed)
        self.message_user(request, f"Re-parsed {done} article{'s' if done != 1 else ''}.")
        for r in failed:
            self.message_user(request, f"{r.name}: {r.message}", level=messages.ERROR)

    @admin.action(description="Re-index in search")
    def reindex(self, request, queryset):
        from search.outbox import reindex_articles

        count = reindex_articles(list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"Re-indexed {count} article{'s' if count != 1 else ''}.")


@admin.register(FeedSubscription)
class FeedSubscriptionAdmin(admin.ModelAdmin):
    """Feeds followed by `capture_urls --subscriptions` (run it from cron)."""

    list_display = ["url", "source", "active", "last_checked", "last_result"]
    list_filter = ["active"]
    search_fields = ["url", "source"]
    readonly_fields = ["etag", "last_modified", "last_checked", "last_result", "created"]
    fields = ["url", "source", "active", *readonly_fields]
