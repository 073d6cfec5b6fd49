"""Every hostile vector on its own, through every format the importer reads.

The vectors are ../shared/corpora/xss_vectors.json (750 public XSS and sanitizer test
vectors) plus our own (tests/e2e/hostile.py). Each is parsed alone as a JSON-lines HTML
body, a markdown file, a text file and (four to a page, since whole-page extraction has a
fixed cost per document) an HTML page, then cleaned as Article.save() cleans it; the result
must hold nothing that could run. The pages that show the results are checked in
test_security_xss_pages.py (import command) and test_security_xss_admin.py (admin).
"""

from __future__ import annotations

import json
import logging

import pytest

from archive import ingest
from archive.sanitize import clean_html
from tests.e2e.hostile import (
    OWN_VECTORS,
    batches,
    corpus_present,
    fragment_problems,
    html_page,
    lead,
    load_vectors,
    say,
)

VECTORS = load_vectors()


@pytest.fixture(autouse=True)
def quiet_extractor():
    # Whole-page extraction warns about every odd link in the vectors; that is expected.
    logging.disable(logging.WARNING)
    yield
    logging.disable(logging.NOTSET)


def check(outcomes, label: str) -> list[str]:
    found = []
    for outcome in outcomes:
        if outcome.article is None:
            continue  # refused input is safe input
        body = clean_html(outcome.article.body_html)
        found += [f"{label} {outcome.name}: {p}" for p in fragment_problems(body)]
    return found


def test_the_shared_vectors_are_all_tried():
    if not corpus_present():
        pytest.skip("../shared/corpora/xss_vectors.json is absent; only our own vectors run")
    assert len(VECTORS) >= 750 + len(OWN_VECTORS) - 5


def test_each_vector_alone_is_harmless_as_a_json_lines_html_body(capsys):
    lines = [
        json.dumps({"title": v.text, "body": f"<p>{lead(v)}</p>{v.text}", "body_format": "html"})
        for v in VECTORS
    ]
    outcomes = ingest.parse("\n".join(lines).encode(), name="hostile.jsonl", format="jsonl")
    assert len(outcomes) == len(VECTORS)
    assert check(outcomes, "jsonl") == []
    say(capsys, f"XSS vectors tried alone as JSON-lines HTML bodies and titles: {len(VECTORS)}")


@pytest.mark.parametrize("fmt, suffix", [("markdown", "md"), ("text", "txt")])
def test_each_vector_alone_is_harmless_as_a_file(fmt, suffix, capsys):
    found = []
    for v in VECTORS:
        data = f"Hostile {fmt} {v.number}\n\n{lead(v)}\n\n{v.text}\n".encode()
        found += check(ingest.parse(data, name=f"v{v.number}.{suffix}"), fmt)
    assert found == []
    say(capsys, f"XSS vectors tried alone as {fmt} files: {len(VECTORS)}")


def test_each_vector_is_harmless_inside_an_html_page(capsys):
    found = []
    for n, group in batches(VECTORS, 4):
        found += check(ingest.parse(html_page(group, n).encode(), name=f"p{n}.html"), "html")
    assert found == []
    say(capsys, f"XSS vectors tried inside whole HTML pages (4 a page): {len(VECTORS)}")


def test_sanitizing_is_idempotent_for_every_vector(capsys):
    # Article.save() cleans again on every save: a body must not decay into something
    # dangerous when cleaned twice. (A few change harmlessly: "&current=" in a bare URL is
    # the entity "&curren;" to an HTML parser, and the link made from it is re-encoded.)
    changed, found = 0, []
    for v in VECTORS:
        once = clean_html(v.text)
        twice = clean_html(once)
        changed += once != twice
        found += [f"{v.number}: {p}" for p in fragment_problems(twice)]
    assert found == []
    assert changed <= 3, changed
    say(capsys, f"vectors cleaned twice: {len(VECTORS)}, {changed} changed harmlessly")
