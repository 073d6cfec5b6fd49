"""Month counts -> an SVG bar chart, each bar a link that narrows the dates to its month.

Drawn on the server (readable without JavaScript); the template adds a text list of the
same counts as its alternative.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

WIDTH = 720
HEIGHT = 120
LABEL_SPACE = 16
MAX_MONTHS = 240  # a longer span is drawn with only the months that have articles
MIN_SLOTS = 12  # a bar is at most a twelfth of the width: one month is not one 720-px block


@dataclass
class Bar:
    month: str  # "YYYY-MM"
    label: str
    count: int
    url: str
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0


@dataclass
class Timeline:
    bars: list[Bar]
    ticks: list[tuple[float, str]]  # (x, year) at each January or the first bar
    width: int = WIDTH
    height: int = HEIGHT
    chart_height: int = HEIGHT - LABEL_SPACE

    @property
    def total(self) -> int:
        return sum(b.count for b in self.bars)


def _months_between(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    months = []
    while f"{year:04d}-{month:02d}" <= last and len(months) <= MAX_MONTHS:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def month_range(month: str) -> tuple[dt.date, dt.date]:
    """The first and last day of "YYYY-MM"."""
    year, number = int(month[:4]), int(month[5:7])
    return dt.date(year, number, 1), dt.date(year, number, calendar.monthrange(year, number)[1])


def build(counts: list[tuple[str, int]], url_for) -> Timeline | None:
    """Bars for (month, count) pairs; `url_for(month)` gives each bar's link. None when
    there is nothing to draw."""
    counts = sorted((m, n) for m, n in counts if m and n)
    if not counts:
        return None
    by_month = dict(counts)
    months = _months_between(counts[0][0], counts[-1][0])
    if len(months) > MAX_MONTHS:
        months = [m for m, _n in counts]
    top = max(by_month.values())
    chart = HEIGHT - LABEL_SPACE
    slot = WIDTH / max(len(months), MIN_SLOTS)
    bars, ticks = [], []
    for i, month in enumerate(months):
        count = by_month.get(month, 0)
        start, _end = month_range(month)
        height = round(chart * count / top, 1) if count else 0
        bars.append(
            Bar(
                month=month, label=start.strftime("%B %Y"), count=count, url=url_for(month),
                x=round(i * slot + slot * 0.1, 1), width=round(max(slot * 0.8, 1), 1),
                y=round(chart - height, 1), height=height,
            )
        )  # fmt: skip
        if i == 0 or month.endswith("-01"):
            ticks.append((round(i * slot, 1), month[:4]))
    return Timeline(bars=bars, ticks=ticks)
