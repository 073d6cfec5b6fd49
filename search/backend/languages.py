"""A query in every language the archive holds (issue 19).

Each article's text is indexed with its own language's stems (analysis.marked). A query's
words are read in lower case, neither folded nor stemmed (the parser's schema: query_schema()),
then each content
word, phrase and fuzzy word is stemmed in English, which matches every article as it always
did, and in each other language the index holds whose stem differs, which matches only that
language's articles:

    Verhandlungen  ->  text:verhandlungen OR (text:verhandl AND language:de)

So English results are what they were (an English article is only ever matched by English
stems), and a German article is found by the other inflection of its words.
"""

from __future__ import annotations

from whoosh import query as wq
from whoosh.fields import TEXT, Schema

from search.backend.analysis import FoldedStemAnalyzer, language_code, query_words


def query_schema(schema: Schema, fieldname: str) -> Schema:
    """`schema` with `fieldname` read as lower-case words (not terms) by the query parser."""
    fields = {name: schema[name] for name in schema.names()}
    fields[fieldname] = TEXT(analyzer=query_words())
    return Schema(**fields)


def present(counts: list[tuple[str, int]]) -> tuple[str, ...]:
    """The stemmed languages other than English among the language facet's values."""
    codes = {language_code(value) for value, count in counts if count}
    return tuple(sorted(codes - {"", "en"}))


class Stemming:
    """Turns the parser's folded words on `fieldname` into per-language stems."""

    def __init__(self, analyzer: FoldedStemAnalyzer, fieldname: str, language_field: str,
                 languages: tuple[str, ...]):  # fmt: skip
        self.analyzer = analyzer
        self.fieldname = fieldname
        self.language_field = language_field
        self.languages = languages if language_field else ()

    def __call__(self, q):
        """For Query.accept(): a node on the text field in every language."""
        if getattr(q, "fieldname", None) != self.fieldname or isinstance(q, wq.Prefix):
            return q  # a prefix is folded text, expanded against the stems by the backend
        if isinstance(q, wq.FuzzyTerm | wq.Term | wq.Phrase):
            return self._everywhere(q)
        return q

    def _everywhere(self, q):
        english = self._stemmed(q, self.analyzer)
        variants = [english]
        for code in self.languages:
            other = self._stemmed(q, self.analyzer.in_language(code))
            if other != english:
                only = wq.Term(self.language_field, code, boost=0.0)  # scores nothing
                variants.append(wq.And([other, only]))
        return english if len(variants) == 1 else wq.Or(variants)

    @staticmethod
    def _stemmed(q, analyzer: FoldedStemAnalyzer):
        if isinstance(q, wq.Phrase):
            words = [analyzer.term(w) for w in q.words]
            return type(q)(q.fieldname, words, slop=q.slop, boost=q.boost)
        if isinstance(q, wq.FuzzyTerm):
            return wq.FuzzyTerm(q.fieldname, analyzer.term(q.text), boost=q.boost,
                                maxdist=q.maxdist, prefixlength=q.prefixlength)  # fmt: skip
        return wq.Term(q.fieldname, analyzer.term(q.text), boost=q.boost)
