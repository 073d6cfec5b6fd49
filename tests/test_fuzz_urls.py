"""Every URL of INTERFACE.md with every parameter fuzzed: the answer is never a 5xx.

Property-based (hypothesis): text of every Unicode category, raw bytes that are not UTF-8,
huge and negative numbers, almost-dates, repeated parameters, very long values. Responses are
made with raise_request_exception=False, so a crash shows as the 500 a user would see.
"""

from __future__ import annotations

from urllib.parse import quote, quote_from_bytes

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.e2e.hostile import say
from tests.factories import make_article

pytestmark = pytest.mark.django_db

EXAMPLES = 30
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
SEARCH_PARAMS = ["q", "source", "author", "tag", "start", "end", "sort", "page"]
SEARCH_PATHS = ["/search/", "/api/search/", "/search/export.csv", "/feeds/search/"]
LIST_PATHS = ["/", "/sources/alpha/", "/authors/ann-writer/", "/tags/europe/", "/archive/2022/"]

counts = {"requests": 0}

# A value as it could arrive in a query string: any text, raw bytes, numbers, dates.
nasty_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=60)
huge_int = st.integers(min_value=-(10**30), max_value=10**30).map(str)
almost_date = st.builds(
    "{}-{}-{}".format,
    st.integers(-10, 100_000),
    st.integers(-1, 99),
    st.integers(-1, 99),
)
query_words = st.lists(
    st.sampled_from(
        ['"', "'", "(", ")", "*", "?", "OR", "AND", "NOT", "-", "title:", "author:", "tag:",
         "source:", "~", "^", "\\", "[", "]", "{", "}", ":", "/", "word", "econom*", "\x00",
         "<script>", "%", "😀", "ا", " "]
    ),
    max_size=12,
).map(" ".join)  # fmt: skip
encoded_value = st.one_of(
    nasty_text.map(lambda s: quote(s, safe="")),
    st.binary(max_size=40).map(lambda b: quote_from_bytes(b, safe="")),
    huge_int,
    almost_date,
    query_words.map(lambda s: quote(s, safe="")),
    st.sampled_from(["", "%", "%zz", "%00", "%C0%AF", "%FF%FE", "a" * 5000, "1" * 400]),
)
query_string = st.lists(
    st.tuples(st.sampled_from(SEARCH_PARAMS + ["x", "", "q[]", "page "]), encoded_value),
    max_size=8,
).map(lambda pairs: "&".join(f"{k}={v}" for k, v in pairs))


@pytest.fixture
def site(db, on_commit):
    for _ in range(3):
        on_commit(
            make_article,
            source="Alpha",
            authors=("Ann Writer",),
            tags=(("region", "Europe"),),
        )
    return Client(raise_request_exception=False)


def get(client: Client, path: str, query: str = ""):
    counts["requests"] += 1
    response = client.get(path, QUERY_STRING=query)
    assert response.status_code < 500, (path, query[:300], response.status_code)
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)  # a streamed body can fail half way
    return response


@pytest.mark.parametrize("path", SEARCH_PATHS)
def test_search_urls_never_fail(site, path):
    @FUZZ
    @given(query=query_string)
    def run(query):
        get(site, path, query)

    run()


@pytest.mark.parametrize("path", LIST_PATHS)
def test_list_pages_never_fail(site, path):
    @FUZZ
    @given(query=query_string)
    def run(query):
        get(site, path, query.replace("q=", "page=", 1))

    run()


path_segment = st.one_of(
    huge_int,
    nasty_text.map(lambda s: quote(s, safe="")),
    st.binary(min_size=1, max_size=20).map(lambda b: quote_from_bytes(b, safe="")),
    st.sampled_from(["..", "%2e%2e", "%2F", "0", "00", "-1", "9" * 30, "a" * 3000]),
)


@pytest.mark.parametrize(
    "template",
    [
        "/articles/{}/{}/",
        "/api/articles/{}/",
        "/sources/{}/",
        "/sources/{}/feed/",
        "/authors/{}/",
        "/tags/{}/",
        "/archive/{}/",
        "/archive/{}/{}/",
        "/archive/{}/{}/{}/",
        "/{}",
    ],
)
def test_path_parameters_never_fail(site, template):
    @FUZZ
    @given(segments=st.lists(path_segment, min_size=3, max_size=3))
    def run(segments):
        get(site, template.format(*segments))

    run()


@pytest.mark.parametrize(
    "path",
    ["/articles/{pk}/x/", "/api/articles/{pk}/"],
)
def test_numbers_too_big_for_the_database_are_404(site, path):
    for pk in ("9" * 19, "9" * 30, "18446744073709551616", "0"):
        response = get(site, path.format(pk=pk))
        assert response.status_code in (301, 404), (pk, response.status_code)


IMPOSSIBLE_DATES = [
    ("0000", "01", "01"),
    ("9999", "12", "31"),
    ("2022", "02", "30"),
    ("2022", "00", "00"),
    ("2022", "13", "01"),
]


@pytest.mark.parametrize("year, month, day", IMPOSSIBLE_DATES)
def test_impossible_dates_are_404(site, year, month, day):
    for url in (
        f"/archive/{year}/",
        f"/archive/{year}/{month}/",
        f"/archive/{year}/{month}/{day}/",
    ):
        assert get(site, url).status_code in (200, 404), url


def test_admin_upload_fields_never_fail(site, django_user_model):
    user = django_user_model.objects.create_superuser("fuzz", "f@example.com", "pw")
    client = Client(raise_request_exception=False)
    client.force_login(user)

    @FUZZ
    @given(
        token=st.one_of(nasty_text, st.sampled_from(["../../etc", "..", "/", "a" * 70, "%00"])),
        fmt=st.one_of(nasty_text, st.sampled_from(["auto", "jsonl", "html", "text"])),
        source=nasty_text,
    )
    def run(token, fmt, source):
        counts["requests"] += 2
        confirm = client.post("/admin/archive/article/upload/", {"token": token, "confirm": "1"})
        assert confirm.status_code < 500
        preview = client.post(
            "/admin/archive/article/upload/", {"format": fmt, "source": source, "files": []}
        )
        assert preview.status_code < 500

    run()


def test_report_the_count(capsys):
    say(capsys, f"fuzzed requests (none may be a 5xx): {counts['requests']}")
