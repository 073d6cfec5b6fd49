"""Attention over time: up to three queries per day, week, month or year, absolute and as a
share of the archive, as SVG, a table and CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from html import unescape

import pytest

from search import attention
from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def coverage(on_commit):
    """January: 2 ferry, 1 bridge and 1 other article; February: 1 ferry, 3 bridge; March:
    nothing about either (1 other)."""
    plan = [
        ("2022-01-03", "Ferry service resumes"), ("2022-01-20", "Ferry fares rise"),
        ("2022-01-21", "Bridge repairs begin"), ("2022-01-25", "Council meets"),
        ("2022-02-02", "Ferry strike ends"), ("2022-02-07", "Bridge reopens"),
        ("2022-02-08", "Bridge tolls"), ("2022-02-09", "Bridge traffic"),
        ("2022-03-15", "Council meets again"),
    ]  # fmt: skip
    for day, title in plan:
        on_commit(make_article, title=title, body=f"<p>{title}.</p>",
                  published=dt.date.fromisoformat(day))  # fmt: skip


def rows_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_counts_per_month_for_two_queries(client, coverage):
    response = client.get("/search/attention/", {"q": ["ferry", "bridge"]})
    assert response.status_code == 200
    found = response.context["attention"]
    assert found.periods == [dt.date(2022, 1, 1), dt.date(2022, 2, 1)]
    assert [s.counts for s in found.series] == [[2, 1], [1, 3]]
    assert found.totals == [4, 4]
    assert [s.shares for s in found.series] == [[0.5, 0.25], [0.25, 0.75]]


def test_the_chart_is_svg_with_one_linked_line_per_query_and_a_table(client, coverage):
    html = client.get("/search/attention/", {"q": ["ferry", "bridge"]}).content.decode()
    lines = re.findall(r'<a href="([^"]+)" class="series series-(\d)"', html)
    assert [n for _, n in lines] == ["1", "2"]
    assert unescape(lines[0][0]) == "/search/?q=ferry"
    assert html.count("<polyline") == 2
    table = re.search(r'<table class="sources attention-table">.*?</table>', html, re.S)[0]
    assert re.findall(r'<th scope="row">([^<]+)</th>', table) == ["January 2022", "February 2022"]
    assert '2 <span class="share">(50.0%)</span>' in table
    assert 'href="/search/attention.csv?' in html


def test_the_csv_gives_counts_and_shares_per_period(client, coverage):
    response = client.get("/search/attention.csv", {"q": ["ferry", "bridge"], "interval": "month"})
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="attention-ferry-vs-bridge-month.csv"'
    )
    assert rows_of(response) == [
        ["period_start", "period", "all_articles", "count: ferry", "share: ferry",
         "count: bridge", "share: bridge"],
        ["2022-01-01", "January 2022", "4", "2", "0.500000", "1", "0.250000"],
        ["2022-02-01", "February 2022", "4", "1", "0.250000", "3", "0.750000"],
    ]  # fmt: skip


def test_weeks_and_days_count_exactly(client, coverage):
    weeks = client.get("/search/attention/", {"q": "bridge", "interval": "week"}).context[
        "attention"
    ]
    # 21 Jan 2022 is a Friday (week of Monday 17 Jan); 7-9 Feb in the week of 7 Feb.
    counted = {p: c for p, c in zip(weeks.periods, weeks.series[0].counts, strict=True) if c}
    assert counted == {dt.date(2022, 1, 17): 1, dt.date(2022, 2, 7): 3}
    assert len(weeks.periods) == 4  # every week between, the empty ones too
    days = client.get("/search/attention/", {"q": "bridge", "interval": "day"}).context["attention"]
    assert days.periods[0] == dt.date(2022, 1, 21) and days.periods[-1] == dt.date(2022, 2, 9)
    assert sum(days.series[0].counts) == 4 and len(days.periods) == 20


def test_a_date_range_is_counted_exactly_even_by_month(client, coverage):
    found = client.get(
        "/search/attention/", {"q": "ferry", "start": "2022-01-10", "end": "2022-02-28"}
    ).context["attention"]
    assert found.series[0].counts == [1, 1]  # the ferry of 3 January is outside the range
    assert found.totals == [3, 4]  # and so are the archive's own articles before the 10th


def test_a_long_span_by_day_is_drawn_coarser_and_says_so(client, on_commit):
    on_commit(make_article, title="Ferry one", published=dt.date(2020, 1, 1))
    on_commit(make_article, title="Ferry two", published=dt.date(2022, 6, 1))
    found = client.get("/search/attention/", {"q": "ferry", "interval": "day"}).context["attention"]
    assert found.interval == "week"
    assert "Too many days to draw: shown by week." in found.notes
    assert len(found.periods) <= attention.POLICY.max_points


def test_share_is_drawn_when_asked(client, coverage):
    html = client.get("/search/attention/", {"q": "bridge", "measure": "share"}).content.decode()
    assert (
        "Share of all the archive&#x27;s articles per month" in html
        or "Share of all the archive's" in unescape(html)
    )
    assert ">75.0%<" in html  # the top of the y axis


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": ["a1", "b2", "c3", "d4"]}, "Compare at most 3 queries."),
        ({"q": "ferry", "interval": "hour"}, "interval"),
        ({"q": "ferry", "start": "2022-13-01"}, "start"),
        ({"q": "-ferry"}, "cannot only exclude"),
    ],
)
def test_bad_settings_are_named_on_the_page_and_refused_by_the_csv(
    client, coverage, params, message
):
    html = unescape(client.get("/search/attention/", params).content.decode())
    assert "could not be used" in html and message in html
    assert client.get("/search/attention.csv", params).status_code == 400


def test_no_query_shows_the_form_only(client, coverage):
    response = client.get("/search/attention/")
    assert response.status_code == 200 and response.context["attention"] is None
    assert response.content.decode().count('name="q"') == 3
    assert client.get("/search/attention.csv").status_code == 400


def test_no_dated_match_says_so(client, coverage):
    found = client.get("/search/attention/", {"q": "zeppelin"}).context["attention"]
    assert found.notes == ["No dated article matches."] and found.periods == []


def test_the_search_page_links_to_the_comparison(client, coverage):
    html = client.get("/search/", {"q": "ferry", "source": "the-daily-test"}).content.decode()
    link = unescape(re.search(r'href="(/search/attention/\?[^"]+)">Compare over time', html)[1])
    assert "q=ferry" in link and "source=the-daily-test" in link


def test_filters_narrow_every_query_and_stay_in_the_form(client, on_commit):
    on_commit(make_article, title="Ferry north", source="North Post", published=dt.date(2022, 1, 5))
    on_commit(make_article, title="Ferry south", source="South Post", published=dt.date(2022, 1, 6))
    response = client.get("/search/attention/", {"q": "ferry", "source": "north-post"})
    assert response.context["attention"].series[0].counts == [1]
    assert '<input type="hidden" name="source" value="north-post">' in response.content.decode()


def test_periods_never_run_past_the_last_date_python_holds():
    last = dt.date.max
    assert attention.next_period(last, "day") is None
    assert attention.periods_between(dt.date(9999, 12, 1), last, "month", 10) == [
        dt.date(9999, 12, 1)
    ]
    assert attention.period_start(dt.date(2022, 1, 23), "week") == dt.date(2022, 1, 17)


def test_a_share_of_nothing_is_a_gap_not_zero(client, coverage):
    params = {"q": "bridge", "interval": "day", "measure": "share"}
    response = client.get("/search/attention/", params)
    found = response.context["attention"]
    by_day = dict(zip(found.periods, found.series[0].shares, strict=True))
    assert by_day[dt.date(2022, 1, 21)] == 1.0  # the bridge article is that day's only one
    assert by_day[dt.date(2022, 1, 22)] is None  # the archive has nothing that day
    assert by_day[dt.date(2022, 1, 25)] == 0.0  # "Council meets": something, but no bridge
    html = response.content.decode()
    assert html.count("<polyline") == len(found.series[0].segments) > 1
    assert "no articles that period" in html
    csv_rows = {r[0]: r for r in rows_of(client.get("/search/attention.csv", params))}
    assert csv_rows["2022-01-22"][4] == "" and csv_rows["2022-01-25"][4] == "0.000000"
