"""docs/guide.md keeps step with the code: every public page, search parameter, CSV column and
command is named there, and the query examples it (and the search page) gives really work."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from search import query as query_language
from search.forms import ArchiveSearchForm
from search.views import CSV_COLUMNS, CSV_MORE_COLUMNS

GUIDE = Path(__file__).resolve().parents[1] / "docs" / "guide.md"
CONVERTERS = re.compile(r"<(?:(\w+):)?(\w+)>")


def routes(resolver=None, prefix: str = "") -> list[str]:
    """Every URL pattern as written in the docs: "/archive/<yyyy>/<mm>/" style."""
    found = []
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route.startswith("admin/"):
                continue  # the admin's own pages
            found += routes(entry, route)
        elif isinstance(entry, URLPattern):
            found.append("/" + route)
    return found


def as_written(route: str) -> str:
    names = {"year": "yyyy", "month": "mm", "day": "dd", "pk": "id"}
    return CONVERTERS.sub(lambda m: f"<{names.get(m[2], m[2])}>", route)


@pytest.fixture(scope="module")
def guide() -> str:
    return GUIDE.read_text()


def test_every_public_page_is_in_the_guide(guide):
    missing = [as_written(r) for r in routes() if f"`{as_written(r)}" not in guide]
    assert missing == []


def test_every_search_parameter_is_in_the_guide(guide):
    table = guide.split("### Parameters", 1)[1].split("## JSON", 1)[0]
    missing = [name for name in ArchiveSearchForm.base_fields if f"`{name}`" not in table]
    assert missing == []


def test_every_csv_column_is_in_the_guide_in_order(guide):
    table = guide.split("## Exports and feeds", 1)[1].split("## Commands", 1)[0]
    listed = re.findall(r"^\| `(\w+)` \|", table, re.M)
    assert listed == list(CSV_COLUMNS + CSV_MORE_COLUMNS)


def test_every_command_of_ours_is_in_the_guide(guide):
    commands = Path(__file__).resolve().parents[1].glob("*/management/commands/[a-z]*.py")
    missing = [p.stem for p in commands if f"`{p.stem}" not in guide]
    assert missing == []


def syntax_examples(text: str) -> list[str]:
    rows = re.findall(r"^\| (`.*?`) \|", text, re.M)
    return [example for row in rows for example in re.findall(r"`([^`]+)`", row)]


def test_the_query_examples_parse_as_the_guide_says(guide):
    table = guide.split("## Searching", 1)[1].split("### Parameters", 1)[0]
    examples = syntax_examples(table)
    assert len(examples) >= 8
    for example in examples:
        parsed = query_language.parse(example)
        assert not parsed.is_empty, example
    assert query_language.parse("migra*").prefixes() == ["migra"]
    assert [t.field for t in query_language.parse('author:"Ann Writer"').terms] == ["author"]
    read = {text: query_language.parse(text).describe() for text in examples}
    assert read["Geneva OR Vienna talks"] == "((geneva OR vienna) AND talks)"
    assert read["sanctions -(oil OR gas)"] == "(sanctions AND -(oil OR gas))"
    assert read["Geneva AND talks OR Vienna"] == "((geneva AND talks) OR vienna)"
    assert read['"Kuleba Russia"~5'] == '"kuleba russia"~5'
    assert read["Stoltenbrg~"] == "stoltenbrg~1" and read["Stoltnbrg~2"] == "stoltnbrg~2"
    assert all(t.negated for t in query_language.parse('-"oil price"').terms)


def test_the_search_page_help_gives_the_same_syntax(client, db, guide):
    html = client.get("/search/").content.decode()
    help_table = re.search(r'<table class="syntax-table".*?</table>', html, re.S)[0]
    on_page = set(re.findall(r"<code>([^<]+)</code>", unescape(help_table)))
    assert len(on_page) >= 8
    table = guide.split("## Searching", 1)[1].split("### Parameters", 1)[0]
    # The page's examples are a subset of the guide's, so neither tells a different story.
    assert on_page - set(syntax_examples(table)) <= {"AND", "NOT", "OR", "*", "source:", "tag:"}
