"""No input makes search fail: a list of known nasty inputs and a property-based fuzzer."""

import random
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.workload import ADVERSARIAL_FORMS, adversarial_query
from tests.factories import make_article

pytestmark = pytest.mark.django_db

NASTY = [
    '"',
    '""',
    '"""',
    '"unbalanced',
    "(",
    ")",
    "((((((((((x))))))))))",
    "(" * 500,
    "[",
    "{",
    "NOT",
    "OR",
    "AND",
    "NOT OR x",
    "OR OR OR",
    "x OR",
    "OR x",
    "NOT NOT NOT",
    "- - -",
    "-",
    "*",
    "**",
    "a*",
    "*a",
    "?",
    "~",
    "x~2",
    "x^9",
    "x^",
    "title:",
    ":",
    "title:*",
    "::::",
    'author:"',
    "foo:bar:baz",
    "\x00",
    "a\x00b",
    "\x1b[31m",
    "\u202e",
    "\ufeff",
    "\ud7ff",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "😀",
    "Plötner",
    "ＦＵＬＬＷＩＤＴＨ",
    "x" * 500,
    "word " * 100,
    "a" * 100_000,
    "TO",
    "[a TO z]",
    "{a TO z}",
    "published:[2020 TO 2022]",
    "django_ct:*",
    "id:archive.article.1",
    "text:russia",
    "*:*",
    "\\",
    "\\\\\\",
    "'",
    "''",
    "%",
    "%00",
    "<script>alert(1)</script>",
    "&amp;",
    "-russia",
    "NOT russia",
    "--russia",
    "+russia",
    "negot* OR nato* OR russ* OR talk* OR euro*",
    "zzz* yyy* xxx* www*",
    # Issue 19's operators, broken every way
    '"x y"~',
    '"x y"~99999999',
    '"x y"~-1',
    '"russia"~3',
    '""~3',
    "russia~~",
    "russia~9",
    "~russia",
    "r~",
    "russia~/3",
    "(russia",
    "russia)",
    ")(",
    "-(",
    "-()",
    "NOT ()",
    "title:(",
    "title:()",
    "(OR)",
    "(AND x)",
    "(" * 200 + "russia" + ")" * 200,
    "((a OR (b AND (c OR (d -(e))))))",
    "russia AND AND OR NOT",
]


@pytest.fixture
def articles(on_commit):
    for title in ("Russia NATO talks", "Plötner in Vienna", "Geneva summit"):
        on_commit(make_article, title=title)


def test_nasty_queries_never_fail_or_take_seconds(client, articles):
    failures = []
    for q in NASTY:
        started = time.monotonic()
        page = client.get("/search/", {"q": q})
        api = client.get("/api/search/", {"q": q})
        seconds = time.monotonic() - started
        # The time bound is generous: a guard against runaway parsing, not a benchmark.
        if page.status_code != 200 or api.status_code not in (200, 400) or seconds > 3:
            failures.append((q[:40], page.status_code, api.status_code, round(seconds, 2)))
    assert failures == []


operators = st.sampled_from(
    ["OR", "NOT", "AND", "-", '"', "(", ")", "*", ":", "title:", "author:", "source:", "tag:",
     "russia", "nato", "plötner", "talks", "negot*", "\x00", "\t", "[", "]", "~", "^", "\\",
     "~2", "~1", "russia~", "-(", '"russia nato"~4']
)  # fmt: skip
queries = st.one_of(
    st.text(max_size=80),
    st.lists(st.one_of(operators, st.text(max_size=6)), max_size=12).map(" ".join),
    st.lists(operators, max_size=12).map("".join),
)
values = st.one_of(st.text(max_size=12), st.sampled_from(["", "alpha", "2022-01-01", "1"]))
params = st.fixed_dictionaries(
    {},
    optional={
        "q": queries,
        "source": st.lists(values, max_size=3),
        "author": st.lists(values, max_size=3),
        "tag": st.lists(values, max_size=3),
        "start": st.one_of(values, st.dates().map(str)),
        "end": st.one_of(values, st.dates().map(str)),
        "sort": st.one_of(values, st.sampled_from(["relevance", "newest", "oldest"])),
        "page": st.one_of(values, st.integers(-5, 10**12).map(str)),
    },
)
tried = []


@settings(
    max_examples=200, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip
@given(params=params)
def test_no_parameters_make_a_server_error(client, articles, params):
    tried.append(params)
    for url in ("/search/", "/api/search/"):
        response = client.get(url, params)
        assert response.status_code in (200, 400), (url, params, response.status_code)


def test_report_how_many_fuzz_cases_ran():
    print(f"\n[fuzz] search parameter sets tried: {len(tried)}")


@pytest.mark.parametrize("form", ADVERSARIAL_FORMS)
def test_adversarial_500_character_queries_answer_on_the_page_and_the_api(client, articles, form):
    q = adversarial_query(random.Random(19), form, ["russia", "nato", "talks", "vienna"])
    assert len(q) >= 490
    for url in ("/search/", "/api/search/"):
        response = client.get(url, {"q": q})
        assert response.status_code == 200, (url, response.status_code)
