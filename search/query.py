"""The reader's query language (INTERFACE.md), parsed by us into haystack SQ objects.

    words               all must match
    "exact phrase"      the words next to each other
    "two words"~N       the words within N positions of each other, in any order (N <= 20)
    a OR b              either
    a AND b             both (what a space means too, but binding tighter than OR)
    -word, NOT word     must not match (also -"phrase", -title:word, -( ... ))
    ( ... )             grouping
    word~, word~2       the word within 1 or 2 edits (spelling)
    title:word  author:"Ann Writer"  source:reuters  tag:europe  title:(a OR b)
    negotiat*           words starting so (at least 3 letters before the star)

Binding, tightest first: NOT (and -), AND, OR, then the space between parts. So
`a AND b OR c` is (a AND b) OR c, and `Geneva OR Vienna talks` is (Geneva OR Vienna) AND
talks, as it was before AND existed.

The parser never fails: anything it cannot read as syntax (an unbalanced quote or bracket, a
lone operator, a control character) is read as plain words, and its work is linear in the
length of the input, which the form caps. Its cost is bounded whatever the input: at most
MAX_TERMS words, MAX_PREFIXES wildcards and MAX_FUZZY fuzzy words (the rest are plain
words), brackets nested at most MAX_DEPTH deep (deeper ones are ignored). Nothing is passed
to an engine as a raw string: every word reaches the backend through haystack's SQ, Clean,
Exact and our Fuzzy and Near inputs (search.inputs).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from haystack.inputs import Exact
from haystack.query import SQ

from search.inputs import Fuzzy, Near

FIELDS = {"title": "title", "author": "author", "source": "source", "tag": "tag"}
MAX_TERMS = 24  # more words than this add nothing but cost
MAX_PREFIXES = 3  # each wildcard may expand to many index terms
MAX_FUZZY = 3  # each fuzzy word is a scan of the index's words
MAX_DEPTH = 8  # brackets nested deeper than this are read as spaces
MAX_NEAR = 20  # the largest N of "a b"~N
MAX_EDITS = 2
MIN_PREFIX = 3
MIN_FUZZY = 3  # letters a fuzzy word needs (shorter ones are plain words)
OPERATORS = {"OR": "OR", "||": "OR", "AND": "AND", "&&": "AND", "NOT": "NOT"}

_TOKEN = re.compile(
    r"(?P<open>(?P<gneg>-?)(?:(?P<gfield>[A-Za-z]+):)?\()"
    r"|(?P<close>\))"
    r"|(?P<neg>-?)(?:(?P<field>[A-Za-z]+):)?"
    r'(?:"(?P<phrase>[^"]*)"(?:~(?P<slop>\d{1,6}))?|(?P<word>[^\s"()]+))'
)
_WORD = re.compile(r"\w+")
_FUZZY = re.compile(r"~(\d{0,6})$")


@dataclass(frozen=True)
class Term:
    """One searchable unit: a word, a phrase (several words), a prefix, a fuzzy word or
    words near each other."""

    words: tuple[str, ...]
    field: str = ""
    prefix: bool = False
    negated: bool = False
    fuzzy: int = 0  # edits allowed (1 or 2); 0: the word as it is
    near: int = 0  # positions apart at most, in any order; 0: an exact phrase

    @property
    def text(self) -> str:
        return " ".join(self.words)

    def to_sq(self) -> SQ:
        name = FIELDS.get(self.field, "content")
        if self.prefix:
            sq = SQ(**{f"{name}__startswith": self.text})
        elif self.fuzzy:
            sq = SQ(**{f"{name}__fuzzy": Fuzzy(self.text, self.fuzzy)})
        elif self.near:
            sq = SQ(**{name: Near(self.text, self.near)})
        elif len(self.words) > 1:
            sq = SQ(**{name: Exact(self.text)})
        else:
            sq = SQ(**{name: self.text})
        return ~sq if self.negated else sq

    def leaves(self, negated: bool = False):
        yield self, negated or self.negated

    def describe(self) -> str:
        text = f'"{self.text}"' if len(self.words) > 1 else self.text
        text += f"~{self.near}" if self.near else ""
        text += "*" if self.prefix else f"~{self.fuzzy}" if self.fuzzy else ""
        text = f"{self.field}:{text}" if self.field else text
        return f"-{text}" if self.negated else text


@dataclass(frozen=True)
class Group:
    """An AND or an OR of Terms and Groups (at least two)."""

    op: str  # "AND" or "OR"
    parts: tuple
    negated: bool = False

    def to_sq(self) -> SQ:
        node = self.parts[0].to_sq()
        for part in self.parts[1:]:
            node = (node | part.to_sq()) if self.op == "OR" else (node & part.to_sq())
        return ~node if self.negated else node

    def leaves(self, negated: bool = False):
        for part in self.parts:
            yield from part.leaves(negated or self.negated)

    def describe(self) -> str:
        text = "(" + f" {self.op} ".join(p.describe() for p in self.parts) + ")"
        return f"-{text}" if self.negated else text


def _negate(node):
    return (
        Term(**{**node.__dict__, "negated": not node.negated})
        if isinstance(node, Term)
        else Group(node.op, node.parts, not node.negated)
    )


def _positive(node) -> bool:
    """Whether `node` can match documents by itself (not only exclude them)."""
    if node.negated:
        return False
    return isinstance(node, Term) or any(_positive(p) for p in node.parts)


def _combine(op: str, parts: list):
    """One node of `parts` joined by `op`: nested groups of the same op are flattened, and an
    OR keeps only the parts that can match by themselves ("a OR -b" cannot be answered from
    an index: it is a)."""
    flat = []
    for part in parts:
        if isinstance(part, Group) and part.op == op and not part.negated:
            flat.extend(part.parts)
        else:
            flat.append(part)
    if op == "OR" and len(flat) > 1:
        flat = [p for p in flat if _positive(p)]
    if not flat:
        return None
    return flat[0] if len(flat) == 1 else Group(op, tuple(flat))


@dataclass
class ParsedQuery:
    """The query as a tree of Groups and Terms (None when there is nothing to search)."""

    root: Term | Group | None = None
    truncated: bool = False  # words past MAX_TERMS were left out

    @property
    def terms(self) -> list[Term]:
        return [t for t, _negated in self.root.leaves()] if self.root else []

    def positive_terms(self) -> list[Term]:
        """The terms a match contains (none that is excluded, even inside a group)."""
        return [t for t, negated in self.root.leaves() if not negated] if self.root else []

    @property
    def has_positive(self) -> bool:
        return self.root is not None and _positive(self.root)

    @property
    def is_empty(self) -> bool:
        return self.root is None

    def notices(self) -> list[str]:
        """What the page should say about words the parser left out."""
        if self.truncated:
            return [f"Only the first {MAX_TERMS} words of this query were searched."]
        return []

    def describe(self) -> str:
        """The query as read, each group in brackets (for tests and messages)."""
        return self.root.describe() if self.root else ""

    def highlight_words(self) -> list[str]:
        """Words a snippet should mark: every word the reader asked for (not excluded ones,
        nor prefixes and fuzzy words, which snippets match by their own rules)."""
        return [w for t in self.positive_terms() if not (t.prefix or t.fuzzy) for w in t.words]

    def prefixes(self) -> list[str]:
        return [t.words[-1] for t in self.positive_terms() if t.prefix]

    def fuzzy_words(self) -> list[tuple[str, int]]:
        """(word, edits) of each fuzzy word asked for."""
        return [(t.text, t.fuzzy) for t in self.positive_terms() if t.fuzzy]

    def to_sq(self) -> SQ | None:
        """The query as one haystack SQ."""
        return self.root.to_sq() if self.root else None


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


def _term(match: re.Match, field_name: str, negated: bool) -> Term | None:
    own_field = (match.group("field") or "").lower()
    phrase, raw = match.group("phrase"), match.group("word")
    text = phrase if phrase is not None else raw
    if own_field and own_field not in FIELDS:
        text = f"{own_field} {text}"  # "foo:bar" is two plain words
        own_field = ""
    field_name = own_field or field_name
    fuzzy = 0
    if phrase is None:
        tilde = _FUZZY.search(raw)
        if tilde:
            fuzzy = min(int(tilde.group(1) or 1), MAX_EDITS)
            text = raw[: tilde.start()]
    words = _words(text)
    if not words:
        return None
    if fuzzy and (len(words) > 1 or len(words[0]) < MIN_FUZZY):
        fuzzy = 0
    near = 0
    if phrase is not None and match.group("slop") and len(words) > 1:
        near = min(int(match.group("slop")), MAX_NEAR)
    prefix = (
        phrase is None and raw.endswith("*") and len(words) == 1 and len(words[0]) >= MIN_PREFIX
    )
    if prefix:
        words = [fold(words[0])]
    return Term(tuple(words), field_name, prefix, negated, fuzzy, near)


def _tokens(text: str) -> list[re.Match]:
    """The query's tokens, with unbalanced brackets and brackets nested deeper than
    MAX_DEPTH left out (they only separate words)."""
    tokens = list(_TOKEN.finditer(text))
    keep = [True] * len(tokens)
    stack: list[int] = []
    for i, token in enumerate(tokens):
        if token.group("open"):
            stack.append(i)
        elif token.group("close"):
            if stack:
                stack.pop()
            else:
                keep[i] = False
    for i in stack:
        keep[i] = False
    depth, opened = 0, []  # indexes of opens and whether each is kept
    for i, token in enumerate(tokens):
        if not keep[i]:
            continue
        if token.group("open"):
            depth += 1
            opened.append(depth <= MAX_DEPTH)
            keep[i] = opened[-1]
        elif token.group("close"):
            depth -= 1
            keep[i] = opened.pop()
    return [t for t, k in zip(tokens, keep, strict=True) if k]


def _operator(token: re.Match) -> str:
    if token.group("word") and not token.group("neg") and not token.group("field"):
        return OPERATORS.get(token.group("word"), "")
    return ""


class _Reader:
    """A recursive descent over the tokens (depth bounded by MAX_DEPTH)."""

    def __init__(self, tokens: list[re.Match]):
        self.tokens = tokens
        self.i = 0
        self.count = self.prefixes = self.fuzzy = 0
        self.truncated = False

    def peek(self) -> re.Match | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def sequence(self, field_name: str):
        """Parts side by side (a space is AND), up to a closing bracket or the end."""
        parts = []
        while (token := self.peek()) is not None and not token.group("close"):
            node = self.either(field_name)
            if node is not None:
                parts.append(node)
        return _combine("AND", parts)

    def either(self, field_name: str):
        parts = [self.both(field_name)]
        while (token := self.peek()) is not None and _operator(token) == "OR":
            self.i += 1
            parts.append(self.both(field_name))
        return _combine("OR", [p for p in parts if p is not None])

    def both(self, field_name: str):
        parts = [self.unary(field_name)]
        while (token := self.peek()) is not None and _operator(token) == "AND":
            self.i += 1
            parts.append(self.unary(field_name))
        return _combine("AND", [p for p in parts if p is not None])

    def unary(self, field_name: str):
        negated = False
        while (token := self.peek()) is not None and _operator(token) == "NOT":
            self.i += 1
            negated = True
        token = self.peek()
        if token is None or token.group("close") or _operator(token) in ("OR", "AND"):
            return None  # a lone operator
        self.i += 1
        if token.group("open"):
            inner_field = (token.group("gfield") or "").lower()
            inner_field = inner_field if inner_field in FIELDS else field_name
            node = self.sequence(inner_field)
            self.i += 1  # the closing bracket (brackets are balanced)
            negated = negated or bool(token.group("gneg"))
        else:
            node = self.term(token, field_name)
        if node is None:
            return None
        return _negate(node) if negated else node

    def term(self, token: re.Match, field_name: str) -> Term | None:
        if self.count >= MAX_TERMS:
            self.truncated = True
            return None
        term = _term(token, field_name, negated=bool(token.group("neg")))
        if term is None:
            return None
        self.count += 1
        if term.prefix:
            self.prefixes += 1
            if self.prefixes > MAX_PREFIXES:
                term = Term(term.words, term.field, negated=term.negated)
        if term.fuzzy:
            self.fuzzy += 1
            if self.fuzzy > MAX_FUZZY:
                term = Term(term.words, term.field, negated=term.negated)
        return term


def parse(raw: str) -> ParsedQuery:
    """Read a query; never raises."""
    text = clean_text(raw)
    if text.count('"') % 2:  # an unbalanced quote is an ordinary character
        cut = text.rfind('"')
        text = text[:cut] + " " + text[cut + 1 :]
    text = re.sub(r"[\[\]{}]", " ", text)  # these brackets only separate words
    reader = _Reader(_tokens(text))
    parts = []
    while reader.peek() is not None:
        node = reader.sequence("")
        if node is not None:
            parts.append(node)
        reader.i += 1  # past a closing bracket the top level has (none: they are balanced)
    return ParsedQuery(_combine("AND", parts), reader.truncated)
