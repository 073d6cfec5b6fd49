"""Search page, JSON API, CSV export and Atom feed: four renderings of one form's result set.

Every parameter goes through ArchiveSearchForm; no view reads request.GET itself.
"""

from __future__ import annotations

import csv
import logging
from dataclasses import dataclass, field

from django.core.paginator import EmptyPage
from django.http import HttpResponseBadRequest, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from archive.api import article_summary
from archive.feeds import ArticleFeed
from search import timeline
from search.forms import ArchiveSearchForm
from search.snippets import make_snippet

log = logging.getLogger(__name__)
UNAVAILABLE = "Search is unavailable right now; browsing the archive still works."
FEED_SIZE = 50
CSV_COLUMNS = ("id", "title", "source", "authors", "published", "url", "original_url")


class SearchUnavailable(Exception):
    """The search backend failed (index missing, corrupt or unreachable)."""


@dataclass
class ResultPage:
    """What a valid form's result set shows on one page."""

    page: object
    count: int
    facets: dict
    suggestion: str | None
    hits: list = field(default_factory=list)


def run_search(form: ArchiveSearchForm) -> ResultPage:
    """Run the form's result set for its page; raises EmptyPage for a page out of range and
    SearchUnavailable when the index fails (filters without words then fall back on the
    database, which answers them alone, only slower)."""
    try:
        page, facets, suggestion = _run(form.results(), form.page_number)
    except EmptyPage:
        raise
    except Exception as exc:  # any backend failure: say so, never a 500
        if form.has_query:
            log.exception("search failed")
            raise SearchUnavailable(str(exc)) from exc
        log.warning("listing through the index failed; from the database", exc_info=True)
        page, facets, suggestion = _run(form.database_results(), form.page_number)
    words, prefixes = form.parsed.highlight_words(), form.parsed.prefixes()
    for hit in page.hits:
        text = hit.article.standfirst + "\n" + hit.article.body_text
        hit.snippet = make_snippet(text, words, prefixes) if words else make_snippet(text, [])
    return ResultPage(page, page.paginator.count, facets, suggestion, page.hits)


def _run(results, number: int):
    page = results.page(number)
    return page, results.facets(), results.suggestion


class SearchFormMixin:
    def get_form(self) -> ArchiveSearchForm:
        return ArchiveSearchForm(self.request.GET)


class SearchPageView(SearchFormMixin, View):
    template_name = "search/search.html"

    def get(self, request):
        form = self.get_form()
        context = {"form": form, "search_query": str(form["q"].value() or "")[:500]}
        status = 200
        if form.is_valid():
            context["search_query"] = form.cleaned_data["q"]
            try:
                context.update(self.outcome_context(form))
            except EmptyPage:
                form.add_error("page", "There is no such page of results.")
            except SearchUnavailable:
                context["unavailable"] = UNAVAILABLE
                status = 503
        return render(request, self.template_name, context, status=status)

    def outcome_context(self, form: ArchiveSearchForm) -> dict:
        outcome = run_search(form)
        facets = {
            dimension: [
                {
                    "value": f.value,
                    "label": f.label,
                    "count": f.count,
                    "chosen": f.value in form.cleaned_data[dimension],
                    "url": form.toggled(dimension, f.value),
                }
                for f in outcome.facets[dimension]
            ]
            for dimension in ("source", "author", "tag")
        }
        months = [(f.value, f.count) for f in outcome.facets["month"]]
        return {
            "outcome": outcome,
            "page_obj": outcome.page,
            "facets": facets,
            "timeline": timeline.build(months, lambda m: _month_url(form, m)),
            "chosen": form.chosen_filters(),
            "suggestion_url": form.url(q=outcome.suggestion) if outcome.suggestion else "",
            "without_filters_url": form.url(source=[], author=[], tag=[], start=None, end=None),
            "querystring": form.url()[1:],
        }


def _month_url(form: ArchiveSearchForm, month: str) -> str:
    start, end = timeline.month_range(month)
    return form.url(start=start.isoformat(), end=end.isoformat())


def _errors(form: ArchiveSearchForm) -> dict:
    return {name: [str(m) for m in messages] for name, messages in form.errors.items()}


class SearchApiView(SearchFormMixin, View):
    """GET /api/search/: the result page as JSON (INTERFACE.md)."""

    def get(self, request):
        form = self.get_form()
        if not form.is_valid():
            return JsonResponse({"errors": _errors(form)}, status=400)
        try:
            outcome = run_search(form)
        except EmptyPage:
            return JsonResponse({"errors": {"page": ["There is no such page."]}}, status=400)
        except SearchUnavailable:
            return JsonResponse({"errors": {"search": [UNAVAILABLE]}}, status=503)
        return JsonResponse(
            {
                "count": outcome.count,
                "page": outcome.page.number,
                "pages": outcome.page.paginator.num_pages,
                "results": [_result_json(hit) for hit in outcome.hits],
                "facets": _facets_json(outcome.facets),
                "suggestion": outcome.suggestion,
            }
        )


def _result_json(hit) -> dict:
    return {
        **article_summary(hit.article),
        "snippet": str(hit.snippet),
        "score": round(hit.score, 4) if hit.score is not None else None,
    }


def _facets_json(facets: dict) -> dict:
    data = {
        dimension: [
            {"value": f.value, "label": f.label, "count": f.count} for f in facets[dimension]
        ]
        for dimension in ("source", "author", "tag")
    }
    data["month"] = [{"value": f.value, "count": f.count} for f in facets["month"]]
    return data


class _Echo:
    def write(self, value):
        return value


def csv_safe(value) -> str:
    """A cell a spreadsheet will not run: text starting = + - @ (or tab, CR) gets a leading
    apostrophe (OWASP's advice against CSV formula injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class SearchCsvView(SearchFormMixin, View):
    """GET /search/export.csv: every matching article, streamed."""

    def get(self, request):
        form = self.get_form()
        if not form.is_valid():
            lines = [f"{k}: {' '.join(v)}" for k, v in _errors(form).items()]
            return HttpResponseBadRequest("\n".join(lines), content_type="text/plain")
        rows = self.rows(request, form.results())
        writer = csv.writer(_Echo())
        response = StreamingHttpResponse(
            (writer.writerow(row) for row in rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="search.csv"'
        return response

    def rows(self, request, results):
        yield CSV_COLUMNS
        try:
            for article in results.iter_articles():
                yield [
                    csv_safe(v)
                    for v in (
                        article.pk,
                        article.title,
                        article.source.name if article.source_id else "",
                        "; ".join(a.name for a in article.authors.all()),
                        article.published.isoformat() if article.published else "",
                        request.build_absolute_uri(article.get_absolute_url()),
                        article.original_url,
                    )
                ]
        except Exception:  # the response has started; end it rather than send half a row
            log.exception("CSV export stopped")


class SearchFeed(ArticleFeed):
    """GET /feeds/search/?…: the first FEED_SIZE matches as Atom, in the form's order."""

    def __call__(self, request, *args, **kwargs):
        form = ArchiveSearchForm(request.GET)
        if not form.is_valid():
            lines = [f"{k}: {' '.join(v)}" for k, v in _errors(form).items()]
            return HttpResponseBadRequest("\n".join(lines), content_type="text/plain")
        self.form = form
        return super().__call__(request, *args, **kwargs)

    def title(self):
        q = self.form.cleaned_data["q"]
        return f"News archive: search for {q}" if q else "News archive: search"

    def link(self):
        return reverse("search:search") + self.form.url()

    def items(self):
        try:
            return list(self.form.results().iter_articles(limit=FEED_SIZE))
        except Exception:
            log.exception("search feed failed")
            return []
