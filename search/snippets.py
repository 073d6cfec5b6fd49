"""Snippets: a short passage of an article's text around the query's words, HTML-escaped,
with only <mark> added. Cut from the database text, so the index stores no body."""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import NamedTuple

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from haystack import connections

from search import capabilities
from search.query import FIELDS, fold

LENGTH = 260  # characters of text in a snippet
MAX_TEXT = 20_000  # characters of an article searched for the best passage
_WORD = re.compile(r"\w+")
_COMBINING = re.compile("[\u0300-\u036f]")


def _simple_analyze(text: str):
    for match in _WORD.finditer(text):
        yield fold(match.group(0)), match.start(), match.end()


def _analyzer(language: str = ""):
    """The backend's own analysis when it offers it (stems and folding as in the index, for
    an article in `language`)."""
    backend = connections["default"].get_backend()
    if not capabilities.of(backend).analysis:
        return _simple_analyze
    return functools.partial(backend.analyze, language=language) if language else backend.analyze


def cached_analyzer(size: int = 4096, language: str = ""):
    """The backend's analysis (for text in `language`) remembering the last `size` words it
    was asked: for one CSV export, whose thousands of snippets ask about the same few words
    again and again (2.4x faster over 3,000 snippets), and for one results page, whose
    twenty snippets do too (a quarter of the snippets' time). Lives as long as the caller
    keeps it."""
    analyze = _analyzer(language)

    @functools.lru_cache(maxsize=size)
    def cached(word: str) -> tuple:
        return tuple(analyze(word))

    return cached


class QueryMarks(NamedTuple):
    """What a snippet marks for a query: its words (analysed as the index is), its prefixes,
    and index terms to mark as they are (what its fuzzy words stand for)."""

    words: list[str]
    prefixes: list[str]
    stems: list[str]


def query_marks(parsed) -> QueryMarks:
    """The marks of a parsed query (search.query.ParsedQuery): a fuzzy word marks the index
    words it matched where the backend tells them, else the word as written."""
    words, stems = parsed.highlight_words(), []
    backend = connections["default"].get_backend()
    expands = capabilities.of(backend).fuzzy_stems
    for term in parsed.positive_terms():
        if not term.fuzzy:
            continue
        if expands:
            stems += backend.fuzzy_stems(FIELDS.get(term.field, ""), term.text, term.fuzzy)
        else:
            words.append(term.text)
    return QueryMarks(words, parsed.prefixes(), stems)


def _marks(
    text: str, words: list[str], prefixes: list[str], analyze=None, stems=()
) -> list[tuple[int, int]]:
    """Where the query's words are in `text`, as the index would match them (stems, folding).

    Only a word that begins like one of the wanted stems goes through the analyzer: analysing
    every word of twenty articles was most of a results page's time. Those words are found
    by one regular expression over the folded text when folding keeps every character in
    place (almost always), else word by word.
    """
    analyze = analyze or _analyzer()
    wanted = {term for word in words for term, _s, _e in analyze(word)} | set(stems)
    heads = {term[:3] for term in wanted}
    folded_prefixes = tuple(fold(p) for p in prefixes)
    folded = _COMBINING.sub("", unicodedata.normalize("NFKD", text.lower()))
    if len(folded) == len(text) and (heads or folded_prefixes):
        starts = sorted(heads | {p[:3] for p in folded_prefixes}, key=len, reverse=True)
        pattern = r"\b(?:{})\w*".format("|".join(map(re.escape, starts)))
        found = re.finditer(pattern, folded)
        return [
            m.span()
            for m in found
            if m.group(0).startswith(folded_prefixes or "\0")
            or any(t in wanted for t, _, _ in analyze(m.group(0)))
        ]
    marks = []
    for match in _WORD.finditer(text):
        token = match.group(0).lower()
        token = token if token.isascii() else fold(token)
        prefixed = bool(folded_prefixes) and token.startswith(folded_prefixes)
        if prefixed or (token[:3] in heads and any(t in wanted for t, _, _ in analyze(token))):
            marks.append(match.span())
    return marks


def _best_start(marks: list[tuple[int, int]]) -> int:
    """Where the passage with the most marks in LENGTH characters begins."""
    best, best_count, j = 0, 0, 0
    for i, (start, _end) in enumerate(marks):
        while j < len(marks) and marks[j][1] <= start + LENGTH:
            j += 1
        if j - i > best_count:
            best, best_count = i, j - i
    return marks[best][0] if marks else 0


def _word_boundary(text: str, pos: int) -> int:
    if pos <= 0:
        return 0
    space = text.rfind(" ", max(0, pos - 30), pos)
    return space + 1 if space >= 0 else pos


def make_snippet(
    text: str,
    words: list[str],
    prefixes: list[str] = (),
    stems: list[str] = (),
    *,
    analyze=None,
    language: str = "",
) -> SafeString:
    """An escaped passage of `text` with each query word wrapped in <mark>. `stems`: index
    terms to mark as well (query_marks() gives all three); `analyze`: an analyzer to use
    (cached_analyzer() for many snippets), else the backend's for the text's `language`
    (so a German article marks the other inflections the query found it by)."""
    text = " ".join(text[:MAX_TEXT].split())
    analyze = analyze or (_analyzer(language) if language else None)
    marking = words or prefixes or stems
    marks = _marks(text, words, list(prefixes), analyze, stems) if marking else []
    start = _word_boundary(text, _best_start(marks) - 60) if marks else 0
    end = min(len(text), start + LENGTH)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    parts = ["…" if start else ""]
    pos = start
    for m_start, m_end in marks:
        if m_start < start or m_end > end:
            continue
        parts += [escape(text[pos:m_start]), "<mark>", escape(text[m_start:m_end]), "</mark>"]
        pos = m_end
    parts += [escape(text[pos:end]), "…" if end < len(text) else ""]
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text above is escaped
