"""Search page, JSON API, CSV export and Atom feed: four renderings of one form's result set.

Every parameter goes through ArchiveSearchForm; no view reads request.GET itself.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import logging
from dataclasses import dataclass, field
from urllib.parse import quote

from django.core.paginator import EmptyPage
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import slugify
from django.views import View

from archive.api import article_summary
from archive.feeds import ArticleFeed
from search import attention, languages, stories, timeline
from search.forms import SORTS, ArchiveSearchForm
from search.results import LABEL_MODELS, UNKNOWN
from search.snippets import cached_analyzer, make_snippet, query_marks

log = logging.getLogger(__name__)
UNAVAILABLE = "Search is unavailable right now; browsing the archive still works."
FEED_SIZE = 50
# INTERFACE.md's columns first, in its order; more may follow them.
CSV_COLUMNS = ("id", "title", "source", "authors", "published", "url", "original_url")
CSV_MORE_COLUMNS = ("tags", "language", "snippet")
# A spreadsheet opening a file without it guesses a legacy code page ("europÃ¤ischen").
UTF8_BOM = "\ufeff"


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
    # (prefix, words it matches, words searched) for each prefix cut short: said on the page
    cut_prefixes: list = field(default_factory=list)
    notices: list = field(default_factory=list)  # how the query was answered (cut, too costly)


def run_search(form: ArchiveSearchForm) -> ResultPage:
    """Run the form's result set for its page; raises EmptyPage for a page out of range and
    SearchUnavailable when the index fails (filters without words then fall back on the
    database, which answers them alone, only slower)."""
    cut, notices = [], []
    try:
        results = form.results()
        page, facets, suggestion = _run(results, form.page_number, form.per_page)
        cut, notices = results.cut_prefixes(), results.notices()
    except EmptyPage:
        raise
    except Exception as exc:  # any backend failure: say so, never a 500
        if form.has_query:
            log.exception("search failed")
            raise SearchUnavailable(str(exc)) from exc
        log.warning("listing through the index failed; from the database", exc_info=True)
        page, facets, suggestion = _run(form.database_results(), form.page_number, form.per_page)
    marks = query_marks(form.parsed)
    stories.annotate(page.hits)
    analyzers = {}  # one per language on the page: its words are asked about again and again
    for hit in page.hits:
        text = hit.article.standfirst + "\n" + hit.article.body_text
        language = hit.article.language
        if language not in analyzers:
            analyzers[language] = cached_analyzer(language=language)
        hit.snippet = make_snippet(text, *marks, analyze=analyzers[language])
    return ResultPage(page, page.paginator.count, facets, suggestion, page.hits, cut, notices)


def _run(results, number: int, per_page: int):
    page = results.page(number, per_page)
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
            for dimension in ("source", "author", "tag", "language")
        }
        months = [(f.value, f.count) for f in outcome.facets["month"] if f.value != UNKNOWN]
        undated = sum(f.count for f in outcome.facets["month"] if f.value == UNKNOWN)
        return {
            "undated": undated,
            "outcome": outcome,
            "page_obj": outcome.page,
            "facets": facets,
            "timeline": timeline.build(months, lambda m: _month_url(form, m)),
            "chosen": describe_filters(form.chosen_filters()),
            "sort_choices": sort_choices(form),
            "suggestion_url": form.url(q=outcome.suggestion) if outcome.suggestion else "",
            "without_filters_url": form.url(source=[], author=[], tag=[], start=None, end=None),
            "querystring": form.url()[1:],
            "group_toggle": form.url(group=None if form.grouped_by_story else "story", page=None),
        }


def sort_choices(form: ArchiveSearchForm) -> list[dict]:
    """The orders a reader can switch to, as links (no JavaScript, no second press of
    Search); "Best match" only where there are words to match."""
    choices = [(v, label) for v, label in SORTS if v != "relevance" or form.has_query]
    return [
        {"label": label, "url": form.url(sort=value), "current": value == form.sort_order}
        for value, label in choices
    ]


FILTER_NAMES = {"source": "Source", "author": "Author", "tag": "Tag", "language": "Language"}


def describe_filters(chosen: list[dict]) -> list[dict]:
    """Each chosen filter with words a reader uses: "Source: Coastal Times", "From 1
    January 2022", not the parameters (`source: coastal-times`, `start: 2022-01-01`)."""
    names = {}
    for dimension, model in LABEL_MODELS.items():
        slugs = [c["value"] for c in chosen if c["dimension"] == dimension]
        if slugs:
            rows = model.objects.filter(slug__in=slugs).values_list("slug", "name")
            names[dimension] = dict(rows)
    for c in chosen:
        if c["dimension"] in ("start", "end"):
            day = dt.date.fromisoformat(c["value"])
            word = "From" if c["dimension"] == "start" else "To"
            c["description"] = f"{word} {day.day} {day:%B} {day.year}"
        elif c["dimension"] == "source" and c["value"] == "-":
            c["description"] = "Unknown source"
        elif c["dimension"] == "language":
            c["description"] = f"Language: {languages.label(c['value'])}"
        else:
            label = names.get(c["dimension"], {}).get(c["value"], c["value"])
            c["description"] = f"{FILTER_NAMES[c['dimension']]}: {label}"
    return chosen


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
        page = outcome.page
        return JsonResponse(
            {
                "count": outcome.count,
                "page": page.number,
                "pages": page.paginator.num_pages,
                "page_size": form.per_page,
                "next": _api_page_url(request, form, page.next_page_number())
                if page.has_next()
                else None,
                "previous": _api_page_url(request, form, page.previous_page_number())
                if page.has_previous()
                else None,
                "results": [_result_json(hit) for hit in outcome.hits],
                "facets": _facets_json(outcome.facets),
                "suggestion": outcome.suggestion,
                "notices": outcome.notices,
            }
        )


def _api_page_url(request, form: ArchiveSearchForm, number: int) -> str:
    return request.build_absolute_uri(reverse("search:api") + form.url(page=number))


def _result_json(hit) -> dict:
    return {
        **article_summary(hit.article),
        "snippet": str(hit.snippet),
        "score": round(hit.score, 4) if hit.score is not None else None,
        "story": hit.story,
        # group=story: how many other matching copies of its story this result stands for
        **({"outlets": hit.outlets} if hasattr(hit, "outlets") else {}),
    }


def _facets_json(facets: dict) -> dict:
    data = {
        dimension: [
            {"value": f.value, "label": f.label, "count": f.count} for f in facets[dimension]
        ]
        for dimension in ("source", "author", "tag", "language")
    }
    data["month"] = [
        {"value": f.value, "count": f.count, **({"label": f.label} if f.value == UNKNOWN else {})}
        for f in facets["month"]
    ]
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
        rows = self.rows(request, form)
        writer = csv.writer(_Echo())
        lines = (writer.writerow(row) for row in rows)
        response = StreamingHttpResponse(_with_bom(lines), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition(form, "csv")
        return response

    def rows(self, request, form):
        yield CSV_COLUMNS + CSV_MORE_COLUMNS
        marks = query_marks(form.parsed)
        analyze = cached_analyzer()  # one export's words, remembered for its whole length
        try:
            for article in form.results().iter_articles():
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
                        "; ".join(t.name for t in article.tags.all()),
                        article.language,
                        plain_snippet(article, marks.words, marks.prefixes, analyze, marks.stems),
                    )
                ]
        except Exception:  # the response has started; end it rather than send half a row
            log.exception("CSV export stopped")


def _with_bom(lines):
    first = True
    for line in lines:
        yield UTF8_BOM + line if first else line
        first = False


def plain_snippet(article, words: list[str], prefixes: list[str], analyze=None, stems=()) -> str:
    """The page's snippet as plain text: the <mark>s dropped, the escaping undone."""
    text = article.standfirst + "\n" + article.body_text
    marked = make_snippet(text, words, prefixes, stems, analyze=analyze)
    return html.unescape(str(marked).replace("<mark>", "").replace("</mark>", ""))


def export_filename(form: ArchiveSearchForm, extension: str, *, allow_unicode=False) -> str:
    """A name that says what was exported: "search-harbour-ferries-source-coastal-times-
    from-2022-01-01.csv"; "search.csv" for everything."""
    data = form.cleaned_data
    parts = ["search", slugify(data["q"], allow_unicode=allow_unicode)[:60].strip("-")]
    for dimension in ("source", "author", "tag", "language"):
        parts += [f"{dimension}-{v}" for v in data[dimension][:3]]
    if data.get("start"):
        parts.append(f"from-{data['start'].isoformat()}")
    if data.get("end"):
        parts.append(f"to-{data['end'].isoformat()}")
    return "-".join(p for p in parts if p)[:150].strip("-") + "." + extension


def content_disposition(form: ArchiveSearchForm, extension: str) -> str:
    """An ASCII name every client understands, and the query's own letters (Greek, Cyrillic,
    accents) for those that read RFC 6266's filename*."""
    ascii_name = export_filename(form, extension)
    header = f'attachment; filename="{ascii_name}"'  # slugs, digits, dashes: nothing to quote
    unicode_name = export_filename(form, extension, allow_unicode=True)
    if unicode_name != ascii_name:
        header += f"; filename*=UTF-8''{quote(unicode_name)}"
    return header


class SearchFeed(ArticleFeed):
    """GET /feeds/search/?…: the first FEED_SIZE matches as Atom, in the form's order."""

    def __call__(self, request, *args, **kwargs):
        form = ArchiveSearchForm(request.GET)
        if not form.is_valid():
            lines = [f"{k}: {' '.join(v)}" for k, v in _errors(form).items()]
            return HttpResponseBadRequest("\n".join(lines), content_type="text/plain")
        self.form = form
        self.request_path = request.path
        return super().__call__(request, *args, **kwargs)

    def title(self):
        q = self.form.cleaned_data["q"]
        return f"News archive: search for {q}" if q else "News archive: search"

    def link(self):
        return reverse("search:search") + self.form.url()

    def feed_url(self):
        # rel="self" is the address a reader subscribed to: the query and filters included.
        return self.request_path + self.form.url()

    def items(self):
        try:
            return list(self.form.results().iter_articles(limit=FEED_SIZE))
        except Exception:
            log.exception("search feed failed")
            return []


class AttentionView(View):
    """GET /search/attention/?q=…&q=…: up to three queries compared over time."""

    template_name = "search/attention.html"

    def get(self, request):
        form = attention.AttentionForm(request.GET)
        context = {"form": form, "queries": _attention_inputs(request.GET)}
        status = 200
        if form.is_valid():
            try:
                context["attention"] = attention.measure_attention(form, _search_url)
            except Exception:  # the index failed: say so, as the search page does
                log.exception("attention chart failed")
                context["unavailable"] = UNAVAILABLE
                status = 503
            context["querystring"] = request.GET.urlencode()
            context["filters"] = form.filter_params()
        return render(request, self.template_name, context, status=status)


def _attention_inputs(data) -> list[str]:
    """Three query boxes, filled with what was asked."""
    asked = [q for q in data.getlist("q") if q.strip()][: attention.POLICY.max_queries]
    return asked + [""] * (attention.POLICY.max_queries - len(asked))


def _search_url(search: ArchiveSearchForm) -> str:
    return reverse("search:search") + search.url()


class AttentionCsvView(View):
    """GET /search/attention.csv?…: the chart's figures, one row a period."""

    def get(self, request):
        form = attention.AttentionForm(request.GET)
        if not form.is_valid():
            lines = [f"{k}: {' '.join(v)}" for k, v in _errors(form).items()]
            return HttpResponseBadRequest("\n".join(lines), content_type="text/plain")
        found = attention.measure_attention(form, _search_url)
        if found is None:
            return HttpResponseBadRequest("q: give one to three queries", content_type="text/plain")
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        head = ["period_start", "period", "all_articles"]
        for s in found.series:
            head += [f"count: {s.query}", f"share: {s.query}"]
        writer.writerow([csv_safe(v) for v in head])
        for row in found.rows:
            cells = [row["start"].isoformat(), row["label"], row["total"]]
            for cell in row["cells"]:
                share = cell["share"]  # none when the archive has no article that period
                cells += [cell["count"], "" if share is None else f"{share:.6f}"]
            writer.writerow([csv_safe(v) for v in cells])
        response = HttpResponse(
            UTF8_BOM + buffer.getvalue(), content_type="text/csv; charset=utf-8"
        )
        slugs = [
            slugify(s.query)[:30].strip("-") or f"query-{i}" for i, s in enumerate(found.series, 1)
        ]
        name = "attention-" + "-vs-".join(slugs)
        response["Content-Disposition"] = (
            f'attachment; filename="{name.strip("-")}-{found.interval}.csv"'
        )
        return response
