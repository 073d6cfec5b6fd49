"""Hostile or odd inputs: each costs time linear in its size, keeps every other article of its
batch, and breaks no page (the trust issue's findings, each with an input made here)."""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import io
import json
import time

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.ingest import Limits, parse
from archive.ingest.parallel import parse_stream
from archive.models import Article, Source, Tag
from archive.sanitize import clean_html

# --- cost grows linearly ---------------------------------------------------------------


def _cost(fn, data) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        fn(data)
        best = min(best, time.process_time() - start)
    return best


def _parse_text(data: bytes):
    return parse(data, name="x.txt")


def _parse_html(data: bytes):
    return parse(data, name="x.html")


def _parse_any(data: bytes):
    return parse(data, name="upload")


PATHOLOGICAL = {
    # name: (function, input of about n bytes)
    "leading comments": (_parse_any, lambda n: b"<!---->" * (n // 7) + b"<div>x</div>"),
    "licence comments then a div": (
        _parse_any,
        lambda n: b"<!-- licence text here -->\n" * (n // 27) + b"<div>Body text.</div>",
    ),
    "byline of parentheses": (_parse_text, lambda n: b"Title\n\nBy " + b"(" * n + b"\n\nBody."),
    "markdown of brackets": (_parse_text, lambda n: b"[" * n),
    "markdown of *a": (_parse_text, lambda n: b"*a" * (n // 2)),
    "one line of date-like words": (_parse_text, lambda n: b"Jan 10 " * (n // 7)),
    "one-word paragraphs": (_parse_html, lambda n: b"<html><body>" + b"<p>x</p>" * (n // 8)),
    "tags line": (
        _parse_text,
        lambda n: (
            ("Title\n\nTags: " + ", ".join(f"t{i}" for i in range(n // 7))).encode()
            + b"\n\nBody text of the article."
        ),
    ),
    "sanitizer: parentheses": (clean_html, lambda n: "<p>" + "(" * n + "</p>"),
    "sanitizer: <": (clean_html, lambda n: "<" * n),
    "sanitizer: >": (clean_html, lambda n: ">" * n),
    "sanitizer: URLs and parentheses": (clean_html, lambda n: "http://a.b/(" * (n // 11)),
}


@pytest.mark.parametrize("case", PATHOLOGICAL)
def test_cost_grows_linearly_with_the_input(case):
    fn, make = PATHOLOGICAL[case]
    fn(make(1024))  # imports and caches warm
    small, large = _cost(fn, make(16 * 1024)), _cost(fn, make(128 * 1024))
    # 8x the input: linear work costs ~8x, quadratic ~64x. The margin absorbs a busy machine.
    assert large <= 24 * small + 0.05, (case, small, large)


FRAGMENTS = [
    "(", ")", "[", "]", "<!--", "-->", "*a", "**", "By ", "\n", "\n\n", " ", "\t", "<p>", "</p>",
    "http://", "www.", "&lt;", "<", ">", "Tags: ", "#", "- ", "\\", "é",
]  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=2000), st.sampled_from(["x.txt", "x.html"]))
def test_any_mix_of_the_troublesome_fragments_parses_and_cleans(parts, name):
    text = "".join(parts)
    for outcome in parse(text.encode(), name=name):
        assert outcome.article is not None or outcome.error
    assert clean_html(clean_html(text)) == clean_html(text)


# --- a budget per document --------------------------------------------------------------


def test_a_document_over_its_budget_is_stopped_and_the_batch_goes_on():
    slow = b"<html><body>" + b"<p>x</p>" * 90_000  # several seconds of work, by design
    docs = [
        ("a.txt", b"First\n\nThe first article's text.", ""),
        ("slow.html", slow, ""),
        ("b.txt", b"Second\n\nThe second article's text.", ""),
    ]
    limits = Limits(parse_seconds=2.0, parse_seconds_per_mb=0.0)
    outcomes = [o for lst in parse_stream(docs, limits=limits) for o in lst]
    assert [o.name for o in outcomes] == ["a.txt", "slow.html", "b.txt"]
    assert outcomes[0].article.title == "First" and outcomes[2].article.title == "Second"
    assert outcomes[1].article is None
    assert "longer than its budget of 2.0 s" in outcomes[1].error


def test_a_page_of_a_million_elements_is_refused_at_once():
    [outcome] = parse(b"<html><body>" + b"<p>x</p>" * 100_001, name="m.html")
    assert outcome.error == "the page has more than 100,000 elements: not one article"


# --- dates the pages cannot show -----------------------------------------------------------


def _import_jsonl(tmp_path, records, name="in.jsonl"):
    path = tmp_path / name
    path.write_bytes(
        records if isinstance(records, bytes) else "\n".join(map(json.dumps, records)).encode()
    )
    out = io.StringIO()
    with contextlib.suppress(SystemExit):  # exit status 1 when a line failed
        call_command("import_articles", str(path), stdout=out)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_zero_and_far_future_dates_are_imported_as_undated_with_a_warning(tmp_path):
    records = [
        {"title": "Zero time", "body": "An article whose export wrote the zero time.",
         "published": "0001-01-01"},
        {"title": "Far future", "body": "An article dated at the end of the calendar.",
         "published": "9999-12-31"},
    ]  # fmt: skip
    assert _import_jsonl(tmp_path, records).strip().endswith("imported 2, duplicates 0, failed 0")
    for article in Article.objects.all():
        assert article.published is None
        assert any("outside 1000-2999" in w for w in article.original.warnings)


@pytest.mark.django_db
def test_no_page_fails_on_any_stored_date(client, staff_client, on_commit):
    from tests.factories import make_article

    for day in (dt.date(1, 1, 1), dt.date(9999, 12, 31), dt.date(2022, 1, 10)):
        on_commit(make_article, published=day, title=f"Dated {day.isoformat()}")
    urls = [
        "/", "/search/", "/search/?sort=oldest", "/search/?q=dated", "/api/search/?q=dated",
        "/search/export.csv", "/feeds/search/?q=dated", "/archive/", "/archive/2022/",
        "/sources/", "/feeds/latest/",
    ]  # fmt: skip
    for url in urls:
        assert client.get(url).status_code == 200, url
    for url in ("/archive/9999/", "/archive/9999/12/31/", "/archive/0001/"):
        assert client.get(url).status_code == 404, url
    admin = "/admin/archive/article/"
    for url in (admin, admin + "?published__year=9999", admin + "?published__year=1"):
        assert staff_client.get(url).status_code in (200, 302), url


# --- names, surrogates, bytes --------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_names_that_differ_only_in_spacing_or_controls_are_one_name(tmp_path):
    records = [
        {"title": "One", "body": "The first article about the region.", "source": "The Guardian",
         "tags": ["Middle East"]},
        {"title": "Two", "body": "The second article about the region.",
         "source": "The\tGuardian", "tags": ["Middle  East"]},
        {"title": "Three", "body": "The third article about the region.",
         "source": "The\x00 Guardian\n", "tags": ["Middle\u00a0East"]},
    ]  # fmt: skip
    assert _import_jsonl(tmp_path, records).strip().endswith("imported 3, duplicates 0, failed 0")
    assert list(Source.objects.values_list("name", flat=True)) == ["The Guardian"]
    assert list(Tag.objects.values_list("name", flat=True)) == ["Middle East"]


@pytest.mark.django_db(transaction=True)
def test_lone_surrogates_in_json_names_are_replaced_not_a_traceback(tmp_path):
    line = '{"title": "Odd", "body": "An article with odd names.", "source": "Bad \\ud800 Source",'
    line += ' "tags": ["tag \\udfff"]}'
    out = _import_jsonl(tmp_path, line.encode())
    assert out.strip().endswith("imported 1, duplicates 0, failed 0"), out
    assert Source.objects.get().name == "Bad \ufffd Source"


def test_one_stray_byte_spoils_only_its_own_line():
    good = json.dumps({"title": "Café Zürich", "body": "Ελληνικά και Café Zürich."},
                      ensure_ascii=False).encode()  # fmt: skip
    bad = b'{"title": "caf\xe9 au lait", "body": "A Latin-1 line in a UTF-8 file."}'
    outcomes = parse(good + b"\n" + bad + b"\n" + good.replace(b"Z", b"z"), name="mixed.jsonl")
    titles = [o.article.title for o in outcomes]
    assert titles == ["Café Zürich", "café au lait", "Café zürich"]
    assert outcomes[0].article.body_html.count("Ελληνικά") == 1


def test_a_latin1_pound_sign_is_not_read_as_japanese(corpora):
    data = (corpora / "bbc" / "sport" / "199.txt").read_bytes()
    [outcome] = parse(data, name="199.txt")
    assert "£15.8m" in outcome.article.body_html and "｣" not in outcome.article.body_html


def test_a_json_language_must_be_a_language_code():
    lines = [
        {"title": "A", "body": "Ein deutscher Text über das Wetter in Berlin heute.",
         "language": "<script>"},
        {"title": "B", "body": "An English text about the weather.", "language": "EN-gb"},
    ]  # fmt: skip
    outcomes = parse("\n".join(map(json.dumps, lines)).encode(), name="l.jsonl")
    assert [o.article.language for o in outcomes] == ["de", "en"]


def test_twenty_thousand_tags_keep_the_first_hundred_with_a_warning():
    record = {"title": "T", "body": "The body.", "tags": [f"topic{i}" for i in range(20_000)]}
    [outcome] = parse(json.dumps(record).encode(), name="t.jsonl")
    assert len(outcome.article.tags) == 100
    assert outcome.article.warnings == ["19900 more tags than the 100 kept"]


def test_a_file_of_one_line_repeated_parses_the_line_once_per_chunk():
    line = json.dumps({"title": "Same", "body": "The same line, again and again."}).encode()
    data = gzip.compress(b"\n".join([line] * 5000))
    outcomes = [o for lst in parse_stream([("rep.jsonl.gz", data, "")]) for o in lst]
    assert len(outcomes) == 5000
    parsed = [o for o in outcomes if o.article is not None]
    assert len(parsed) == 100  # the first line of each chunk of 50
    assert all(o.repeats for o in outcomes if o.article is None)


@pytest.mark.django_db
def test_repeated_lines_are_reported_as_duplicates(tmp_path):
    line = {"title": "Same", "body": "The same line, again and again."}
    out = _import_jsonl(tmp_path, [line, line, line])
    assert out.strip().endswith("imported 1, duplicates 2, failed 0"), out
    assert "repeats" in out
