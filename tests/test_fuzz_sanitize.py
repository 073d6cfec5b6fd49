"""The one HTML policy under generated input: it never raises, and what it returns is safe.

Article.save() calls clean_html() on every body, title and standfirst, so an exception here
is a failed save (a 500 in the admin); hypothesis builds tag soup from the characters and
pieces that have broken parsers before (controls, surrogates, comments, namespaces).
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.sanitize import clean_html, html_to_text
from tests.e2e.hostile import fragment_problems, say

PIECES = [
    "<p>", "</p>", "<script>", "</script>", "<style>", "<svg>", "<math>", "<mtext>", "<table>",
    "<td>", "<li>", "<a href=", "javascript:", "&#106;", "&#x0;", "<!--", "-->", "<![CDATA[",
    "]]>", "<img src=x onerror=", "alert(1)", ">", "<", '"', "'", "`", "=", "&", ";", "\x00",
    "\x01", "\x0b", "\x0c", "\x1b", "\ud800", "\udfff", "\ufffe", "\u2028", "<noscript>",
    "<template>", "<textarea>", "<xmp>", "<plaintext>", "<title>", "<iframe srcdoc=",
    "<form>", "<button formaction=", "<base href=", "<meta http-equiv=refresh content=",
    "<p style=", "expression(", "<a href=\" java\tscript:", "text", " ", "\n",
]  # fmt: skip
soup = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=8)), max_size=40).map("".join)
counts = {"inputs": 0}


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(html=soup)
def test_clean_html_never_raises_and_returns_safe_html(html):
    counts["inputs"] += 1
    cleaned = clean_html(html)
    assert fragment_problems(cleaned) == []
    assert fragment_problems(clean_html(cleaned)) == []
    html_to_text(cleaned)


@settings(max_examples=200, deadline=None)
@given(html=st.text(max_size=200))
def test_clean_html_takes_any_text(html):
    counts["inputs"] += 1
    assert fragment_problems(clean_html(html)) == []


def test_report_the_count(capsys):
    say(capsys, f"generated inputs for clean_html: {counts['inputs']}")
