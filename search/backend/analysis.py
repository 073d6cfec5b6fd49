"""How text becomes index terms: folding and stemming, in one pass over the words.

The text analyzer makes exactly the tokens of Whoosh's chain
RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map) | StopFilter() |
StemFilter(lang="en"), which the index was first built with (so an index built either way
answers the same), but in one loop: the chain passes every word through five generators
and an LFU cache wrapper, a third of the time of indexing an article.
tests/test_search_engine.py compares the two, on real news text too.
"""

from __future__ import annotations

import re

from whoosh.analysis import (
    Analyzer,
    CharsetFilter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
    Token,
)
from whoosh.analysis.filters import STOP_WORDS
from whoosh.analysis.tokenizers import default_pattern
from whoosh.formats import Positions
from whoosh.lang import stemmer_for_language
from whoosh.support.charset import accent_map

STEM_CACHE = 100_000  # distinct words kept stemmed; cleared when full
_WORDS = re.compile(default_pattern.pattern.replace("(", "(?:"))  # findall: whole matches


class FoldedStemAnalyzer(Analyzer):
    """Words folded to lower case without accents, stop words out, English stems.

    Takes the keyword arguments of Whoosh's analyzers (positions, chars, removestops,
    start_pos, start_char, tokenize, mode, no_morph) and yields Tokens as the chain would,
    one Token object reused, as Whoosh's tokenizers do.
    """

    is_morph = True
    minsize = 2

    def __init__(self, lang: str = "en"):
        self.lang = lang
        self._setup()

    def _setup(self):
        self._stemfn = stemmer_for_language(self.lang)
        self._stems: dict[str, str] = {}

    def __getstate__(self):  # the index keeps the schema pickled: no functions or caches
        return {"lang": self.lang}

    def __setstate__(self, state):
        self.lang = state.get("lang", "en")
        self._setup()

    def __eq__(self, other):
        return isinstance(other, FoldedStemAnalyzer) and other.lang == self.lang

    def __hash__(self):
        return hash((type(self).__name__, self.lang))

    def has_morph(self):
        return True

    def stem(self, word: str) -> str:
        stems = self._stems
        found = stems.get(word)
        if found is None:
            if len(stems) >= STEM_CACHE:
                stems.clear()
            found = stems[word] = self._stemfn(word)
        return found

    def __call__(
        self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
        start_pos=0, start_char=0, tokenize=True, mode="", no_morph=False, **kwargs,
    ):  # fmt: skip
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        stops, minsize = STOP_WORDS, self.minsize
        stem = self.stem
        renumbered = None  # StopFilter(renumber=True): kept words numbered consecutively
        if tokenize:
            words = (
                (start_pos + i, m.group(0), m.start(), m.end())
                for i, m in enumerate(default_pattern.finditer(value))
            )
        else:
            words = iter([(start_pos, value, 0, len(value))])
        for pos, word, start, end in words:
            text = word.lower()
            if not text.isascii():
                text = text.translate(accent_map)
            t.boost = 1.0
            if keeporiginal:
                t.original = word
            if chars:
                t.startchar = start_char + start
                t.endchar = start_char + end
            if len(text) >= minsize and text not in stops:
                if positions:
                    renumbered = pos if renumbered is None else renumbered + 1
                    t.pos = renumbered
                t.stopped = False
                t.text = text if no_morph else stem(text)
                yield t
            elif not removestops:
                if positions:
                    t.pos = pos
                t.stopped = True
                t.text = text
                yield t

    def term_positions(self, value: str) -> dict[str, list[int]]:
        """{term: [positions]} of `value`, as indexing with positions=True would see them."""
        lowered = value.lower()
        if len(lowered) == len(value):  # case mapping one to one: the same words, lowered
            words = _WORDS.findall(lowered)
        else:
            words = [w.lower() for w in _WORDS.findall(value)]
        stops, minsize, stems = STOP_WORDS, self.minsize, self._stems
        out: dict[str, list[int]] = {}
        pos = None  # the first kept word keeps its place; the others follow it (renumber)
        for index, word in enumerate(words):
            if not word.isascii():
                word = word.translate(accent_map)
            if len(word) < minsize or word in stops:
                continue
            pos = index if pos is None else pos + 1
            term = stems.get(word) or self.stem(word)
            found = out.get(term)
            if found is None:
                out[term] = [pos]
            else:
                found.append(pos)
        return out


class FoldedStemPositions(Positions):
    """Whoosh's Positions format (the same bytes on disk), taking the terms and positions
    from FoldedStemAnalyzer.term_positions in one call instead of token by token."""

    def word_values(self, value, analyzer, **kwargs):
        if not (isinstance(analyzer, FoldedStemAnalyzer) and isinstance(value, str)):
            yield from super().word_values(value, analyzer, **kwargs)
            return
        boost = self.field_boost
        encode = self.encode
        for term, positions in analyzer.term_positions(value).items():
            yield term, len(positions), len(positions) * boost, encode(positions)


def whoosh_chain():
    """The chain FoldedStemAnalyzer stands for (what tests compare it with)."""
    return (
        RegexTokenizer()
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | StopFilter()
        | StemFilter(lang="en", cachesize=50000)
    )


def name_analyzer():
    """Names: folded but not stemmed ("Plötner" and "Plotner" alike)."""
    return RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)
