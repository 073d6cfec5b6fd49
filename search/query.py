"""The reader's query language (INTERFACE.md), parsed by us into haystack SQ objects.

    words            all must match
    "exact phrase"   the words next to each other
    a OR b           either
    -word, NOT word  must not match (also -"phrase", -title:word)
    title:word  author:"Ann Writer"  source:reuters  tag:europe
    negotiat*        words starting so (at least 3 letters before the star)

The parser never fails: anything it cannot read as syntax (an unbalanced quote, a lone
operator, a bracket, a control character) is read as plain words, and its work is linear in
the length of the input, which the form caps. Nothing is passed to an engine as a raw string:
every word reaches the backend through haystack's SQ, Clean and Exact.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from haystack.inputs import Exact
from haystack.query import SQ

FIELDS = {"title": "title", "author": "author", "source": "source", "tag": "tag"}
MAX_TERMS = 24  # more words than this add nothing but cost
MAX_PREFIXES = 3  # each wildcard may expand to many index terms
MIN_PREFIX = 3

_CHUNK = re.compile(
    r'(?P<neg>-?)(?:(?P<field>[A-Za-z]+):)?(?:"(?P<phrase>[^"]*)"|(?P<word>[^\s"]+))'
)
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Term:
    """One searchable unit: a word, a phrase (several words) or a prefix."""

    words: tuple[str, ...]
    field: str = ""
    prefix: bool = False
    negated: bool = False

    @property
    def text(self) -> str:
        return " ".join(self.words)

    def to_sq(self) -> SQ:
        name = FIELDS.get(self.field, "content")
        if self.prefix:
            sq = SQ(**{f"{name}__startswith": self.text})
        elif len(self.words) > 1:
            sq = SQ(**{name: Exact(self.text)})
        else:
            sq = SQ(**{name: self.text})
        return ~sq if self.negated else sq


@dataclass
class ParsedQuery:
    """An AND of groups; each group is an OR of terms (one term for most groups)."""

    groups: list[list[Term]] = field(default_factory=list)

    @property
    def terms(self) -> list[Term]:
        return [t for group in self.groups for t in group]

    @property
    def has_positive(self) -> bool:
        return any(not t.negated for t in self.terms)

    @property
    def is_empty(self) -> bool:
        return not self.groups

    def highlight_words(self) -> list[str]:
        """Words a snippet should mark: every word the reader asked for (not excluded ones)."""
        return [w for t in self.terms if not t.negated for w in t.words]

    def prefixes(self) -> list[str]:
        return [t.words[-1] for t in self.terms if t.prefix and not t.negated]

    def to_sq(self) -> SQ | None:
        """The query as one haystack SQ: AND over the groups, OR within a group."""
        result = None
        for group in self.groups:
            node = group[0].to_sq()
            for term in group[1:]:
                node = node | term.to_sq()
            result = node if result is None else result & node
        return result


def clean_text(raw: str) -> str:
    """Control and format characters become spaces; the rest is NFC-normalised."""
    text = unicodedata.normalize("NFC", raw)
    return "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)


def _words(raw: str) -> list[str]:
    return _WORD.findall(raw.lower())


def fold(text: str) -> str:
    """Lower case and accents off: wildcard text, which engines do not analyse, and the words
    of a snippet matched without the backend's analyser."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _term(match: re.Match, negated: bool) -> Term | None:
    field_name = (match.group("field") or "").lower()
    phrase, raw = match.group("phrase"), match.group("word")
    text = phrase if phrase is not None else raw
    if field_name and field_name not in FIELDS:
        text = f"{field_name} {text}"  # "foo:bar" is two plain words
        field_name = ""
    words = _words(text)
    if not words:
        return None
    prefix = (
        phrase is None and raw.endswith("*") and len(words) == 1 and len(words[0]) >= MIN_PREFIX
    )
    if prefix:
        words = [fold(words[0])]
    return Term(tuple(words), field_name, prefix, negated)


def parse(raw: str) -> ParsedQuery:
    """Read a query; never raises."""
    text = clean_text(raw)
    if text.count('"') % 2:  # an unbalanced quote is an ordinary character
        cut = text.rfind('"')
        text = text[:cut] + " " + text[cut + 1 :]
    text = re.sub(r"[()\[\]{}]", " ", text)  # no grouping: brackets separate words
    groups: list[list[Term]] = []
    pending_not = pending_or = False
    prefixes = 0
    for match in _CHUNK.finditer(text):
        if len(groups) >= MAX_TERMS:
            break
        if not match.group("neg") and not match.group("field") and match.group("word") in (
            "OR", "NOT", "AND", "||", "&&",
        ):  # fmt: skip
            op = match.group("word")
            pending_or = bool(groups) and op in ("OR", "||")
            pending_not = op == "NOT"
            continue
        term = _term(match, negated=bool(match.group("neg")) or pending_not)
        if term and term.prefix:
            prefixes += 1
            if prefixes > MAX_PREFIXES:
                term = Term(term.words, term.field, False, term.negated)
        if term is None:
            pending_not = pending_or = False
            continue
        joinable = pending_or and not term.negated and not groups[-1][0].negated
        if joinable:
            groups[-1].append(term)
        else:
            groups.append([term])
        pending_not = pending_or = False
    return ParsedQuery(groups)
