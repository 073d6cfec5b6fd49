"""How text becomes index terms: folding and stemming, in one pass over the words.

Each article's text is stemmed in its own language (issue 19): the backend puts a language
mark in front of the text it indexes (marked()), and the analyzer stems the words after it
with that language's Snowball stemmer (Whoosh ships them: STEMMED); unmarked text is English,
exactly as before. Folding (case, accents) comes first in every language, so the query side
(search.backend.languages) stems the folded words it reads the same way.

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
from whoosh.lang import languages, stemmer_for_language
from whoosh.support.charset import accent_map

STEM_CACHE = 100_000  # distinct words kept stemmed; cleared when full
# A word of each script a Whoosh stemmer is for, to try it on: Whoosh's Arabic stemmer (ISRI,
# not Snowball) fails on every word under Python 3.7+ ("bad escape \\u" in a replacement), and
# one such article stopped every index update of its batch.
_PROBE = "كتاب library"


def _works(code: str) -> bool:
    try:
        stem = stemmer_for_language(code)
        return all(isinstance(stem(word), str) for word in _PROBE.split())
    except Exception:  # noqa: BLE001 - a broken stemmer is left out, whatever it raises
        return False


# ISO 639-1 codes with a working stemmer in Whoosh (its Snowball stemmers)
STEMMED = frozenset(code for code in languages if _works(code))
MARK = "\x1e"  # the text's language between two of these, in front (never a word character)


def language_code(value) -> str:
    """ "de" for "de", "DE" or "de-AT"; "" when there is no stemmer for it."""
    code = str(value or "")[:2].lower()
    return code if code in STEMMED else ""


def marked(text: str, language) -> str:
    """`text` with its language's mark in front (none for English or an unknown language)."""
    code = language_code(language)
    return f"{MARK}{code}{MARK}{text}" if code and code != "en" else text


def _unmark(value: str) -> tuple[str, str, int]:
    """(language or "", the text after the mark, characters the mark took)."""
    if value.startswith(MARK):
        end = value.find(MARK, 1)
        if 1 < end <= 4:
            return value[1:end], value[end + 1 :], end + 1
    return "", value, 0


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
        self._others: dict[str, FoldedStemAnalyzer] = {}  # marked languages' analyzers

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

    def in_language(self, code: str) -> FoldedStemAnalyzer:
        """This analyzer for another language (its own stems and cache)."""
        if not code or code == self.lang or code not in STEMMED:
            return self
        found = self._others.get(code)
        if found is None:
            found = self._others[code] = type(self)(code)
        return found

    def term(self, lowered: str) -> str:
        """The index term of a lower-case word. English folds, then stems (as the index was
        first built); the other languages stem, then fold: their stemmers know their accents
        ("negociaciones" and "negociación" are both "negoci" only so)."""
        if self.lang == "en":
            return self.stem(lowered if lowered.isascii() else lowered.translate(accent_map))
        found = self._stems.get(lowered)
        if found is None:
            if len(self._stems) >= STEM_CACHE:
                self._stems.clear()
            try:
                found = self._stemfn(lowered)
            except Exception:  # noqa: BLE001 - a stemmer's bug never stops an index update
                found = lowered
            found = found if found.isascii() else found.translate(accent_map)
            self._stems[lowered] = found
        return found

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
        code, text, skipped = _unmark(value) if isinstance(value, str) else ("", value, 0)
        if code and code != self.lang:
            yield from self.in_language(code)(
                text, positions, chars, keeporiginal, removestops, start_pos,
                start_char + skipped, tokenize, mode, no_morph, **kwargs,
            )  # fmt: skip
            return
        value, start_char = text, start_char + skipped
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
        english = self.lang == "en"
        for pos, word, start, end in words:
            lowered = text = word.lower()
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
                t.text = text if no_morph else stem(text) if english else self.term(lowered)
                yield t
            elif not removestops:
                if positions:
                    t.pos = pos
                t.stopped = True
                t.text = text
                yield t

    def term_positions(self, value: str) -> dict[str, list[int]]:
        """{term: [positions]} of `value`, as indexing with positions=True would see them."""
        code, value, _skipped = _unmark(value)
        if code and code != self.lang:
            return self.in_language(code).term_positions(value)
        lowered = value.lower()
        if len(lowered) == len(value):  # case mapping one to one: the same words, lowered
            words = _WORDS.findall(lowered)
        else:
            words = [w.lower() for w in _WORDS.findall(value)]
        stops, minsize, stems = STOP_WORDS, self.minsize, self._stems
        english = self.lang == "en"
        out: dict[str, list[int]] = {}
        pos = None  # the first kept word keeps its place; the others follow it (renumber)
        for index, word in enumerate(words):
            lowered = word
            if not word.isascii():
                word = word.translate(accent_map)
            if len(word) < minsize or word in stops:
                continue
            pos = index if pos is None else pos + 1
            term = (stems.get(word) or self.stem(word)) if english else self.term(lowered)
            found = out.get(term)
            if found is None:
                out[term] = [pos]
            else:
                found.append(pos)
        return out


def query_words():
    """The text field as the query parser reads it: lower-case words, stop words out, neither
    folded nor stemmed, so that search.backend.languages makes each word's term (term()) in
    every indexed language."""
    return RegexTokenizer() | LowercaseFilter() | StopFilter()


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
