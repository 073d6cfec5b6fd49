"""Snippets mark what the index matched: stems, folded accents, prefixes; escaped HTML."""

import pytest

from search.snippets import cached_analyzer, make_snippet

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "words", "prefixes", "marked"),
    [
        ("He added that talks went well.", ["added"], [], ["added"]),  # stem "ad", two letters
        ("Adding to the talks, he said", ["added"], [], ["Adding"]),
        ("Café owners in Zürich met", ["cafe", "zurich"], [], ["Café", "Zürich"]),
        ("The negotiators negotiated", [], ["negotiat"], ["negotiators", "negotiated"]),
        ("“Quoted” ﬁne words", ["quoted", "fine"], [], ["Quoted", "ﬁne"]),  # ligature: slow path
        ("İstanbul talks", ["talks"], [], ["talks"]),  # lower() changes the length
    ],
)
def test_snippets_mark_every_word_the_index_matched(text, words, prefixes, marked):
    snippet = str(make_snippet(text, words, prefixes))
    found = [part.split("</mark>")[0] for part in snippet.split("<mark>")[1:]]
    assert found == marked


def test_snippet_text_is_escaped():
    snippet = str(make_snippet("<script>alert(1)</script> talks & more", ["talks"]))
    assert "<script>" not in snippet and "&lt;script&gt;" in snippet
    assert "<mark>talks</mark> &amp; more" in snippet


def test_a_cached_analyzer_marks_exactly_what_the_backend_does():
    text = "The negotiations with Plötner went on; negotiators negotiate, Plotner waits."
    cached = cached_analyzer(size=2)  # smaller than the words asked: evictions too
    for words, prefixes in ((["negotiate", "plotner"], []), (["waiting"], ["negot"])):
        plain = make_snippet(text, words, prefixes)
        assert make_snippet(text, words, prefixes, analyze=cached) == plain
        assert make_snippet(text, words, prefixes, analyze=cached) == plain  # from the cache
        assert "<mark>" in plain
