"""Attention over time: up to three queries compared on one chart, counts per day, week,
month or year, absolute and as a share of every article the archive has in that period.

Each query is validated and run by ArchiveSearchForm (the same words, filters and result
set as the search page). Months come from the result set's month facet (the index counts
them in one pass); days and weeks from the matches' dates grouped in the database, which is
bounded by `AttentionPolicy.max_matches_by_day`. The chart is SVG drawn on the server (no
JavaScript), with the same figures as a table and as CSV.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django import forms
from django.db.models import Count
from django.http import QueryDict

from archive.models import Article
from search.forms import ArchiveSearchForm

INTERVALS = (("day", "Day"), ("week", "Week"), ("month", "Month"), ("year", "Year"))
MEASURES = (("count", "Articles"), ("share", "Share of all articles"))
COARSER = {"day": "week", "week": "month", "month": "year"}


@dataclass(frozen=True)
class AttentionPolicy:
    max_queries: int = 3
    max_points: int = 400  # periods on one chart; a longer span is drawn coarser
    # A day or week chart groups every match's date in the database; past this many matches
    # a query is counted by month instead (the index's month facet costs the same for all).
    max_matches_by_day: int = 50_000
    id_chunk: int = 5_000  # matched ids per database query
    width: int = 720
    height: int = 260
    left: int = 56
    right: int = 12
    top: int = 12
    bottom: int = 28
    x_labels: int = 6


POLICY = AttentionPolicy()


# --- periods --------------------------------------------------------------------------------
def period_start(day: dt.date, interval: str) -> dt.date:
    if interval == "week":
        return day - dt.timedelta(days=day.weekday())  # ISO weeks start on Monday
    if interval == "month":
        return day.replace(day=1)
    if interval == "year":
        return day.replace(month=1, day=1)
    return day


def next_period(start: dt.date, interval: str) -> dt.date | None:
    """The start of the period after `start`'s; None past the last date Python can hold."""
    try:
        if interval == "year":
            return start.replace(year=start.year + 1)
        if interval == "month":
            return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return start + dt.timedelta(days=7 if interval == "week" else 1)
    except (ValueError, OverflowError):
        return None


def period_label(start: dt.date, interval: str) -> str:
    if interval == "year":
        return str(start.year)
    if interval == "month":
        return f"{start:%B} {start.year}"
    if interval == "week":
        return f"Week of {start.day} {start:%b} {start.year}"
    return f"{start.day} {start:%b} {start.year}"


def periods_between(first: dt.date, last: dt.date, interval: str, limit: int) -> list[dt.date]:
    """Period starts from `first`'s to `last`'s; at most limit + 1 (more means too many)."""
    found, start = [], period_start(first, interval)
    while start is not None and start <= last and len(found) <= limit:
        found.append(start)
        start = next_period(start, interval)
    return found


def bucket(counts: Counter, interval: str) -> Counter:
    regrouped: Counter = Counter()
    for day, n in counts.items():
        regrouped[period_start(day, interval)] += n
    return regrouped


# --- the form -------------------------------------------------------------------------------
class QueriesField(forms.Field):
    """?q=a&q=b&q=c: the non-empty queries, in order, at most `max_queries`."""

    widget = forms.MultipleHiddenInput

    def __init__(self, *, max_queries: int, **kwargs):
        self.max_queries = max_queries
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        return list(dict.fromkeys(v.strip() for v in values if v and v.strip()))

    def validate(self, value):
        if len(value) > self.max_queries:
            raise forms.ValidationError(f"Compare at most {self.max_queries} queries.")


class AttentionForm(forms.Form):
    q = QueriesField(max_queries=POLICY.max_queries)
    interval = forms.ChoiceField(choices=INTERVALS, required=False)
    measure = forms.ChoiceField(choices=MEASURES, required=False)

    def __init__(self, data: QueryDict, policy: AttentionPolicy = POLICY):
        super().__init__(data)
        self.data_dict = data
        self.policy = policy
        self.searches: list[ArchiveSearchForm] = []

    def clean(self):
        data = super().clean()
        # Each query with the shared filters, validated as the search page validates it.
        for text in data.get("q") or []:
            search = ArchiveSearchForm(self._search_params(text))
            if search.is_valid():
                self.searches.append(search)
            else:
                for name, messages in search.errors.items():
                    for message in messages:
                        prefix = f"“{text}”: " if name == "q" else ""
                        self.add_error(None, f"{prefix}{name}: {message}")
        return data

    def _search_params(self, text: str) -> QueryDict:
        params = self.data_dict.copy()
        for name in ("q", "interval", "measure", "page", "page_size", "sort"):
            params.pop(name, None)
        params["q"] = text
        return params

    @property
    def chosen_interval(self) -> str:
        return self.cleaned_data.get("interval") or "month"

    @property
    def chosen_measure(self) -> str:
        return self.cleaned_data.get("measure") or "count"

    def filter_params(self) -> list[tuple[str, str]]:
        """The shared filters (source, author, tag, start, end) as URL pairs."""
        if not self.searches:
            return []
        return [(k, v) for k, v in self.searches[0].params(q=None) if k != "sort"]


# --- counting -------------------------------------------------------------------------------
@dataclass
class Series:
    query: str
    search_url: str
    total: int
    counts: list[int] = field(default_factory=list)
    shares: list[float | None] = field(default_factory=list)
    # The SVG polylines: one, or for shares one per run of periods the archive has articles
    # in (a share of nothing is not 0 %: the line breaks there).
    segments: list[str] = field(default_factory=list)
    dots: list[dict] = field(default_factory=list)


@dataclass
class Attention:
    interval: str
    measure: str
    periods: list[dt.date]
    labels: list[str]
    totals: list[int]
    series: list[Series]
    notes: list[str]
    chart: dict | None = None

    @property
    def rows(self) -> list[dict]:
        return [
            {
                "start": start,
                "label": label,
                "total": total,
                "cells": [
                    {
                        "count": s.counts[i],
                        "share": s.shares[i],
                        "share_text": _share_text(s.shares[i]),
                    }
                    for s in self.series
                ],  # fmt: skip
            }
            for i, (start, label, total) in enumerate(
                zip(self.periods, self.labels, self.totals, strict=True)
            )
        ]


def _month_counts(search: ArchiveSearchForm) -> Counter:
    counts: Counter = Counter()
    for facet in search.results().facets()["month"]:
        year, month = int(facet.value[:4]), int(facet.value[5:7])
        counts[dt.date(year, month, 1)] += facet.count
    return counts


def _day_counts(search: ArchiveSearchForm, policy: AttentionPolicy) -> Counter:
    """Matches per publication day: the matched ids from the index, their dates grouped in
    the database a chunk at a time."""
    results = search.results()
    ids = [int(r.pk) for r in results.sqs.all()[0 : results.count]]
    public = Article.objects.public().exclude(published=None)
    counts: Counter = Counter()
    for i in range(0, len(ids), policy.id_chunk):
        chunk = public.filter(pk__in=ids[i : i + policy.id_chunk]).order_by()
        counts.update(dict(chunk.values_list("published").annotate(n=Count("id"))))
    return counts


def _archive_day_counts(first: dt.date, last: dt.date) -> Counter:
    """Every public article per publication day from `first` to `last` (the share's base)."""
    rows = (
        Article.objects.public()
        .filter(is_public__in=[True])  # seeks article_public_date (see archive.views)
        .between(first, last)
        .exclude(published=None)
        .order_by()
        .values_list("published")
        .annotate(n=Count("id"))
    )
    return Counter(dict(rows))


def measure_attention(form: AttentionForm, url_for_search) -> Attention | None:
    """The figures for a valid form; None when it has no query. `url_for_search(search)`
    gives each query's search page address."""
    policy, interval, notes = form.policy, form.chosen_interval, []
    if not form.searches:
        return None
    start = form.searches[0].cleaned_data.get("start")
    end = form.searches[0].cleaned_data.get("end")
    # The month facet ignores the dates (it is the timeline's), so a date range is counted
    # by day, exactly, whatever the interval.
    by_day = interval in ("day", "week") or bool(start or end)
    if by_day:
        too_many = [s for s in form.searches if s.results().count > policy.max_matches_by_day]
        if too_many:
            notes.append(
                f"“{too_many[0].cleaned_data['q']}” has more than "
                f"{policy.max_matches_by_day:,} matches: counted by whole months."
            )
            interval, by_day = ("month" if interval in ("day", "week") else interval), False
    base = [_day_counts(s, policy) if by_day else _month_counts(s) for s in form.searches]
    dates = [d for counts in base for d in counts]
    if not dates and not (start and end):
        empty = _empty_series(form, url_for_search)
        measure = form.chosen_measure
        return Attention(interval, measure, [], [], [], empty, ["No dated article matches."])
    first, last = start or min(dates), end or max(dates)
    periods = periods_between(first, last, interval, policy.max_points)
    while len(periods) > policy.max_points and interval in COARSER:
        coarser = COARSER[interval]
        notes.append(f"Too many {interval}s to draw: shown by {coarser}.")
        interval = coarser
        periods = periods_between(first, last, interval, policy.max_points)
    if len(periods) > policy.max_points:
        periods = periods[-policy.max_points :]
        notes.append(f"Only the last {policy.max_points} years are shown.")
    after = next_period(periods[-1], interval)
    window_end = min(end or dt.date.max, after - dt.timedelta(days=1) if after else dt.date.max)
    totals_by_period = bucket(_archive_day_counts(start or periods[0], window_end), interval)
    totals = [totals_by_period.get(p, 0) for p in periods]
    series = []
    for search, counts in zip(form.searches, base, strict=True):
        regrouped = bucket(counts, interval)
        values = [regrouped.get(p, 0) for p in periods]
        series.append(
            Series(
                query=search.cleaned_data["q"],
                search_url=url_for_search(search),
                total=sum(values),
                counts=values,
                shares=[n / t if t else None for n, t in zip(values, totals, strict=True)],
            )
        )
    labels = [period_label(p, interval) for p in periods]
    attention = Attention(interval, form.chosen_measure, periods, labels, totals, series, notes)
    attention.chart = draw(attention, policy)
    return attention


def _empty_series(form: AttentionForm, url_for_search) -> list[Series]:
    return [Series(s.cleaned_data["q"], url_for_search(s), 0) for s in form.searches]


# --- drawing --------------------------------------------------------------------------------
def _format(value: float, measure: str) -> str:
    if measure == "share":
        return f"{value * 100:.1f}%" if value >= 0.001 or value == 0 else f"{value * 100:.2f}%"
    return f"{int(value):,}"


def _share_text(share: float | None) -> str:
    return "no articles that period" if share is None else _format(share, "share")


def _segments(points: list[tuple[float, float | None]]) -> list[str]:
    """Polyline point lists, broken where a point is missing."""
    segments, run = [], []
    for px, py in [*points, (0, None)]:
        if py is None:
            if run:
                segments.append(" ".join(run))
            run = []
        else:
            run.append(f"{px},{py}")
    return segments


def draw(attention: Attention, policy: AttentionPolicy) -> dict:
    """Coordinates for the SVG: one polyline per query (and a dot per period when there are
    few), y ticks at 0, half and the top, a few x labels."""
    share = attention.measure == "share"
    top_value = max((max((v for v in (s.shares if share else s.counts) if v is not None),
                         default=0) for s in attention.series), default=0) or 1  # fmt: skip
    plot_w = policy.width - policy.left - policy.right
    plot_h = policy.height - policy.top - policy.bottom
    n = len(attention.periods)

    def x(i: int) -> float:
        return round(policy.left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2), 1)

    def y(value: float) -> float:
        return round(policy.top + plot_h * (1 - value / top_value), 1)

    for s in attention.series:
        values = s.shares if share else s.counts
        s.segments = _segments([(x(i), None if v is None else y(v)) for i, v in enumerate(values)])
        if n <= 60:
            s.dots = [
                {"x": x(i), "y": y(v), "title": f"{attention.labels[i]}: "
                 f"{s.counts[i]:,} ({_share_text(s.shares[i])})"}
                for i, v in enumerate(values) if v is not None
            ]  # fmt: skip
    step = max(1, (n - 1) // max(policy.x_labels - 1, 1)) if n > 1 else 1
    x_labels = [
        {"x": x(i), "text": attention.labels[i] if attention.interval != "month"
         else f"{attention.periods[i]:%b} {attention.periods[i].year}",
         "anchor": "start" if i == 0 else ("end" if i == n - 1 else "middle")}
        for i in sorted({*range(0, n, step), n - 1})
        if i == n - 1 or n - 1 - i >= step / 2 or i == 0
    ]  # fmt: skip
    y_ticks = [
        {"y": y(v), "text": _format(v, attention.measure)} for v in (0, top_value / 2, top_value)
    ]
    return {
        "width": policy.width,
        "height": policy.height,
        "left": policy.left,
        "right": policy.width - policy.right,
        "bottom": policy.height - policy.bottom,
        "label_y": policy.height - 8,
        "x_labels": x_labels,
        "y_ticks": y_ticks,
    }
