"""Articles as citations: CSL-JSON, RIS and BibTeX, one article or a stream of them.

Everything here takes Article objects (with `source` and `authors` loaded, as
ArticleQuerySet.for_listing() gives them) and a CiteContext (where the archive lives, the
access date), and returns plain data or text; views, collections and snapshots all call it.
The formatted styles (APA, Chicago, MLA) are in archive.citation_styles.

Each record names the outlet (container title), the archive's permalink (the URL a reader
accessed, with the access date), the archive by name, and the original URL where known (a
note: neither CSL, RIS nor BibTeX has a field for "the copy this one was archived from").
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import bibtexparser
import rispy
from bibtexparser.model import Entry, Field
from django.utils import timezone
from django.utils.text import slugify

ARCHIVE_NAME = "News archive"
CSL_TYPE = "article-newspaper"
RIS_TYPE = "NEWS"

# Content types and file extensions of the three formats, for downloads.
FORMATS = {
    "ris": "application/x-research-info-systems; charset=utf-8",
    "bib": "application/x-bibtex; charset=utf-8",
    "json": "application/vnd.citationstyles.csl+json; charset=utf-8",
}


@dataclass(frozen=True)
class CiteContext:
    """Where the archive is (`base_url`: scheme and host, no trailing slash) and the day the
    reader accessed it, as every record states it."""

    base_url: str
    accessed: dt.date

    @classmethod
    def for_request(cls, request, accessed: dt.date | None = None) -> CiteContext:
        return cls(request.build_absolute_uri("/").rstrip("/"), accessed or timezone.localdate())

    def permalink(self, article) -> str:
        return self.base_url + article.get_absolute_url()


# --- names ------------------------------------------------------------------------------
# Family-name particles kept with the family name ("van Gogh", "de la Cruz").
PARTICLES = frozenset(
    ["van", "von", "der", "den", "de", "del", "della", "di", "da", "dos", "das", "du"]
    + ["la", "le", "ten", "ter", "zu", "bin", "ibn", "al", "el"]
)
SUFFIXES = frozenset(["jr", "jr.", "sr", "sr.", "ii", "iii", "iv"])
# Scripts whose names are written given-first with spaces between the parts; elsewhere (Han,
# Kana, Hangul, Thai, Arabic, ...) the order or the word boundaries cannot be told from the text.
_SPLIT_SCRIPTS = ("LATIN", "GREEK", "CYRILLIC")
_INITIAL = re.compile(r"^(?:\w\.)+$")


def _is_name_word(token: str) -> bool:
    core = token.replace("-", "").replace("'", "").replace("’", "").replace(".", "")
    if not core or not core.isalpha() or not token[0].isupper():
        return False
    return all(unicodedata.name(c, "").startswith(_SPLIT_SCRIPTS) for c in core)


def split_name(name: str) -> dict:
    """A person's name as a CSL name: {"family", "given"[, "suffix"]} when the split is safe,
    else {"literal": name}.

    Safe means a name of a script written given-first with two name words ("Jane Smith"),
    initials between them ("John F. Kennedy"), particles before the family name ("Ludwig van
    Beethoven"), a suffix after it ("John Smith Jr."), or already "Family, Given". A
    mononym, a CJK name, or three full name words ("Gabriel García Márquez": which are the
    family names?) stay literal: never a wrong split.
    """
    name = " ".join(name.split())
    if "," in name:
        family, _, rest = name.partition(",")
        given, suffix = _take_suffix(rest.split())
        if given and _safe_family(family.split()) and all(map(_is_name_word, given)):
            return _name(family.strip(), " ".join(given), suffix)
        return {"literal": name}
    tokens, suffix = _take_suffix(name.split())
    if len(tokens) < 2 or not _is_name_word(tokens[0]):
        return {"literal": name}
    first_particle = next(
        (i for i, t in enumerate(tokens[1:], 1) if t.lower() in PARTICLES and t.islower()),
        len(tokens) - 1,
    )
    given, family = tokens[:first_particle], tokens[first_particle:]
    middle = given[1:]
    if not _safe_family(family) or not all(_INITIAL.match(t) for t in middle):
        return {"literal": name}
    return _name(" ".join(family), " ".join(given), suffix)


def _take_suffix(tokens: list[str]) -> tuple[list[str], str]:
    if len(tokens) > 1 and tokens[-1].lower().strip(",") in SUFFIXES:
        return [t.rstrip(",") for t in tokens[:-1]], tokens[-1].strip(",")
    return tokens, ""


def _safe_family(tokens: list[str]) -> bool:
    """Particles, then one name word (hyphenated counts as one)."""
    if not tokens or not _is_name_word(tokens[-1]) or _INITIAL.match(tokens[-1]):
        return False
    return all(t.lower() in PARTICLES for t in tokens[:-1])


def _name(family: str, given: str, suffix: str) -> dict:
    found = {"family": family, "given": given}
    if suffix:
        found["suffix"] = suffix
    return found


def csl_name(author) -> dict:
    """An Author as a CSL name: organisations (and names that cannot be split) literal."""
    if author.is_organisation:
        return {"literal": author.name}
    return split_name(author.name)


# --- CSL-JSON ---------------------------------------------------------------------------
def _one_line(text: str) -> str:
    return " ".join((text or "").split())


def _date_parts(day: dt.date) -> dict:
    return {"date-parts": [[day.year, day.month, day.day]]}


def csl_item(article, context: CiteContext) -> dict:
    """One article as a CSL-JSON item (the CSL 1.0.2 schema); unknown values are left out."""
    item = {
        "id": f"article-{article.pk}",
        "type": CSL_TYPE,
        "title": _one_line(article.title),
    }
    if article.source_id:
        item["container-title"] = _one_line(article.source.name)
    authors = [csl_name(a) for a in article.authors.all()]
    if authors:
        item["author"] = authors
    if article.published:
        item["issued"] = _date_parts(article.published)
    item["accessed"] = _date_parts(context.accessed)
    item["URL"] = context.permalink(article)
    item["archive"] = ARCHIVE_NAME
    if article.original_url:
        item["note"] = f"Original URL: {article.original_url}"
    if article.language:
        item["language"] = article.language
    if article.standfirst:
        item["abstract"] = _one_line(article.standfirst)
    return item


def csl_items(articles: Iterable, context: CiteContext) -> Iterator[dict]:
    for article in articles:
        yield csl_item(article, context)


def iter_csl_json(articles: Iterable, context: CiteContext) -> Iterator[str]:
    """A CSL-JSON list, an item at a time: "[", the items separated by commas, "]"."""
    yield "["
    for n, item in enumerate(csl_items(articles, context)):
        yield ("," if n else "") + "\n" + json.dumps(item, ensure_ascii=False)
    yield "\n]\n"


# --- RIS --------------------------------------------------------------------------------
class _RisWriter(rispy.RisWriter):
    def set_header(self, count):
        return ""  # rispy numbers records ("1."); RIS has no such line


def _ris_author(name: dict) -> str:
    if "literal" in name:
        return name["literal"]
    parts = [name["family"], name["given"]] + ([name["suffix"]] if "suffix" in name else [])
    return ", ".join(parts)


def ris_entry(article, context: CiteContext) -> dict:
    """One article as a rispy reference (a dict keyed by rispy's field names)."""
    item = csl_item(article, context)
    entry = {"type_of_reference": RIS_TYPE, "title": item["title"]}
    if "author" in item:
        entry["authors"] = [_ris_author(n) for n in item["author"]]
    if "container-title" in item:
        entry["secondary_title"] = item["container-title"]  # T2: the newspaper (RIS spec)
    if article.published:
        entry["year"] = str(article.published.year)
        entry["date"] = article.published.strftime("%Y/%m/%d")
    entry["urls"] = [item["URL"]]
    entry["access_date"] = context.accessed.strftime("%Y/%m/%d")
    entry["name_of_database"] = ARCHIVE_NAME
    if "note" in item:
        entry["notes"] = [item["note"]]
    if article.language:
        entry["language"] = article.language
    if "abstract" in item:
        entry["abstract"] = item["abstract"]
    tags = [_one_line(t.name) for t in article.tags.all()]
    if tags:
        entry["keywords"] = tags
    return entry


def to_ris(articles: Iterable, context: CiteContext) -> str:
    return "".join(iter_ris(articles, context))


def iter_ris(articles: Iterable, context: CiteContext) -> Iterator[str]:
    """RIS text, a record at a time (each ending with its ER line and a blank line)."""
    for article in articles:
        yield rispy.dumps([ris_entry(article, context)], implementation=_RisWriter) + "\n"


# --- BibTeX -----------------------------------------------------------------------------
# LaTeX's special characters in field text; everything else (accents, CJK) stays UTF-8,
# which biber, BibTeX 8-bit and every reference manager read.
_LATEX = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_LATEX_CHARS = re.compile("[" + re.escape("".join(_LATEX)) + "]")
# Pairs TeX's fonts join ("--" en dash, "``" opening quotes, "!`" ¡, ",," and "<<" in T1):
# an empty group between the two keeps them as typed.
_LIGATURE = re.compile(
    r"(?<=-)(?=-)|(?<=`)(?=`)|(?<=')(?=')|(?<=[!?])(?=`)|(?<=,)(?=,)|(?<=<)(?=<)|(?<=>)(?=>)"
)
_URL_UNSAFE = re.compile(r"[{}\\\s]")  # would unbalance or end a verbatim url field


def latex_escape(text: str) -> str:
    """`text` on one line, as TeX would print it as typed."""
    escaped = _LATEX_CHARS.sub(lambda m: _LATEX[m.group()], _one_line(text))
    return _LIGATURE.sub("{}", escaped)


def _bib_url(url: str) -> str:
    return _URL_UNSAFE.sub(lambda m: f"%{ord(m.group()):02X}", url)


def _bib_author(name: dict) -> str:
    if "literal" in name:  # braced: BibTeX must not split it into first and last names
        return "{" + latex_escape(name["literal"]) + "}"
    parts = [name["family"]] + ([name["suffix"]] if "suffix" in name else []) + [name["given"]]
    return ", ".join(latex_escape(p) for p in parts)


def bibtex_key(article, item: dict) -> str:
    """Like "smith2022-17": the first author's family name (or the outlet), the year, the id."""
    first = (item.get("author") or [{}])[0]
    name = first.get("family") or first.get("literal") or item.get("container-title", "")
    stem = slugify(name).replace("-", "")[:20] or "article"
    year = str(item["issued"]["date-parts"][0][0]) if "issued" in item else "nd"
    return f"{stem}{year}-{article.pk}"


def bibtex_entry(article, context: CiteContext) -> Entry:
    """One article as a bibtexparser Entry: `@article` with `journal` the outlet, BibTeX's
    `year`/`month` and biblatex's `date`/`urldate`; field values already LaTeX-escaped."""
    item = csl_item(article, context)
    fields = [("title", "{" + latex_escape(item["title"]) + "}")]  # keep its capitals
    if "author" in item:
        fields.append(("author", " and ".join(_bib_author(n) for n in item["author"])))
    if "container-title" in item:
        fields.append(("journal", latex_escape(item["container-title"])))
    if article.published:
        day = article.published
        fields += [("year", str(day.year)), ("month", str(day.month)), ("date", day.isoformat())]
    fields += [("url", _bib_url(item["URL"])), ("urldate", context.accessed.isoformat())]
    if "note" in item:
        fields.append(("note", latex_escape(item["note"])))
    if article.language:
        fields.append(("language", latex_escape(article.language)))
    return Entry("article", bibtex_key(article, item), [Field(k, v) for k, v in fields])


def to_bibtex(articles: Iterable, context: CiteContext) -> str:
    return "".join(iter_bibtex(articles, context))


def iter_bibtex(articles: Iterable, context: CiteContext) -> Iterator[str]:
    """BibTeX text, an entry at a time."""
    for article in articles:
        library = bibtexparser.Library([bibtex_entry(article, context)])
        yield bibtexparser.write_string(library).strip("\n") + "\n\n"


WRITERS = {"ris": iter_ris, "bib": iter_bibtex, "json": iter_csl_json}


def iter_format(fmt: str, articles: Iterable, context: CiteContext) -> Iterator[str]:
    """The articles in `fmt` ("ris", "bib" or "json"), a record at a time."""
    return WRITERS[fmt](articles, context)
