"""archive.citations and archive.citation_styles: what we write, rispy, bibtexparser, json and
citeproc-py read back as written."""

from __future__ import annotations

import datetime as dt
import json

import bibtexparser
import pytest
import rispy
from bibtexparser import middlewares
from hypothesis import given, settings
from hypothesis import strategies as st
from pylatexenc.latex2text import LatexNodes2Text

from archive import citations
from archive.citation_styles import STYLES, format_all
from archive.models import Article, Author
from tests.factories import make_article

CONTEXT = citations.CiteContext("https://archive.example", dt.date(2026, 12, 2))
TRICKY_TITLES = [
    'Ferries {braces} and "quotes"',
    "Unbalanced { brace",
    "Fares up 50% & more: $5 #1 a_b ~x back\\slash",
    "Café, Ærø and Łódź — «déjà vu»",
    "東京の港 ferries 😀",
    "Em -- dash, ``quotes'' and !` ?`",
    "\\textbf{not a command}",
]


def cited(article) -> Article:
    """The article as views read it: source, authors and tags loaded."""
    return Article.objects.for_listing().get(pk=article.pk)


def organisation(name: str) -> None:
    Author.objects.filter(name=name).update(kind=Author.Kind.ORGANISATION)


# --- names --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name, expected",
    [
        ("Jane Smith", {"family": "Smith", "given": "Jane"}),
        ("John F. Kennedy", {"family": "Kennedy", "given": "John F."}),
        ("J. R. R. Tolkien", {"family": "Tolkien", "given": "J. R. R."}),
        ("Ludwig van Beethoven", {"family": "van Beethoven", "given": "Ludwig"}),
        ("Jean-Luc Picard", {"family": "Picard", "given": "Jean-Luc"}),
        ("Sarah O'Neill", {"family": "O'Neill", "given": "Sarah"}),
        ("John Smith Jr.", {"family": "Smith", "given": "John", "suffix": "Jr."}),
        ("Smith, Jane", {"family": "Smith", "given": "Jane"}),
        ("Анна Петрова", {"family": "Петрова", "given": "Анна"}),
        ("Μαρία Παππά", {"family": "Παππά", "given": "Μαρία"}),
    ],
)
def test_a_name_is_split_into_family_and_given_where_that_is_safe(name, expected):
    assert citations.split_name(name) == expected


@pytest.mark.parametrize(
    "name",
    [
        "Madonna",  # a mononym
        "王小明",  # Han: no spaces, family first
        "山田 太郎",  # Japanese order: family first
        "김민준",
        "Gabriel García Márquez",  # which words are the family name?
        "Reuters staff",
        "jane smith",
        "Staff Writer 2",
        "Smith, 3",
    ],
)
def test_a_name_that_cannot_be_split_safely_stays_literal(name):
    assert citations.split_name(name) == {"literal": name}


@pytest.mark.django_db
def test_an_organisation_is_literal_even_when_it_looks_like_a_person(on_commit):
    article = on_commit(make_article, authors=("Associated Press", "Jane Smith"))
    organisation("Associated Press")
    item = citations.csl_item(cited(article), CONTEXT)
    assert item["author"] == [{"literal": "Associated Press"}, {"family": "Smith", "given": "Jane"}]


# --- CSL-JSON -----------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_record_names_outlet_permalink_original_url_and_access_date(on_commit):
    article = on_commit(
        make_article,
        title="Ferries return",
        source="Coastal Times",
        url="https://coastal.example/ferries?id=1&b=2",
        published=dt.date(2022, 1, 10),
    )
    item = citations.csl_item(cited(article), CONTEXT)
    assert item["type"] == "article-newspaper"
    assert item["container-title"] == "Coastal Times"
    assert item["URL"] == f"https://archive.example/articles/{article.pk}/{article.slug}/"
    assert item["accessed"] == {"date-parts": [[2026, 12, 2]]}
    assert item["issued"] == {"date-parts": [[2022, 1, 10]]}
    assert item["note"] == "Original URL: https://coastal.example/ferries?id=1&b=2"
    assert item["archive"] == citations.ARCHIVE_NAME


@pytest.mark.django_db
def test_an_undated_article_without_authors_or_source_leaves_those_out(on_commit):
    article = on_commit(make_article, title="Unknown", source="", authors=(), published=None)
    item = citations.csl_item(cited(article), CONTEXT)
    assert not {"author", "issued", "container-title", "note"} & item.keys()
    assert item["accessed"] and item["URL"]


@pytest.mark.django_db
def test_the_csl_json_stream_reads_back_as_the_items(on_commit):
    articles = [cited(on_commit(make_article, title=t)) for t in TRICKY_TITLES]
    text = "".join(citations.iter_csl_json(articles, CONTEXT))
    assert json.loads(text) == [citations.csl_item(a, CONTEXT) for a in articles]
    assert [i["title"] for i in json.loads(text)] == [a.title for a in articles]
    assert json.loads("".join(citations.iter_csl_json([], CONTEXT))) == []


# --- RIS ----------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("title", [*TRICKY_TITLES, "A title\nover two lines"])
def test_ris_reads_back_with_rispy_as_written(on_commit, title):
    article = cited(
        on_commit(
            make_article, title=title, authors=("Jane Smith", "王小明"), url="https://o.example/a"
        )
    )
    text = citations.to_ris([article], CONTEXT)
    (read,) = rispy.loads(text)
    assert read == citations.ris_entry(article, CONTEXT)
    assert read["title"] == " ".join(title.split())
    assert read["authors"] == ["Smith, Jane", "王小明"]
    assert read["secondary_title"] == "The Daily Test"
    assert read["urls"] == [CONTEXT.permalink(article)]
    assert read["access_date"] == "2026/12/02"
    assert read["notes"] == ["Original URL: https://o.example/a"]


@pytest.mark.django_db
def test_ris_of_an_undated_article_without_authors_has_no_such_lines(on_commit):
    article = cited(on_commit(make_article, authors=(), published=None))
    text = citations.to_ris([article], CONTEXT)
    (read,) = rispy.loads(text)
    assert read["type_of_reference"] == "NEWS"
    assert not {"authors", "year", "date"} & read.keys()
    assert not any(line.startswith(("AU ", "PY ", "DA ")) for line in text.splitlines())


@pytest.mark.django_db
def test_a_ris_stream_of_many_records_reads_back_every_one(on_commit):
    articles = [cited(on_commit(make_article)) for _ in range(3)]
    read = rispy.loads("".join(citations.iter_ris(articles, CONTEXT)))
    assert [r["urls"] for r in read] == [[CONTEXT.permalink(a)] for a in articles]


# --- BibTeX -------------------------------------------------------------------------------
def read_bibtex(text: str):
    library = bibtexparser.parse_string(
        text, append_middleware=[middlewares.LatexDecodingMiddleware()]
    )
    assert library.failed_blocks == []
    return library


@pytest.mark.django_db
@pytest.mark.parametrize("title", TRICKY_TITLES)
def test_bibtex_reads_back_with_bibtexparser_as_written(on_commit, title):
    article = cited(on_commit(make_article, title=title, source="Smith & Sons {Weekly}"))
    (entry,) = read_bibtex(citations.to_bibtex([article], CONTEXT)).entries
    assert entry.entry_type == "article"
    assert entry["title"] == title
    assert entry["journal"] == "Smith & Sons {Weekly}"
    assert entry["url"] == CONTEXT.permalink(article)
    assert entry["urldate"] == "2026-12-02"
    assert entry["date"] == "2022-01-10" and entry["year"] == "2022"


@pytest.mark.django_db
def test_bibtex_authors_split_as_names_and_organisations_stay_whole(on_commit):
    article = on_commit(make_article, authors=("Jane Smith", "Smith & Wesson News", "王小明"))
    organisation("Smith & Wesson News")
    text = citations.to_bibtex([cited(article)], CONTEXT)
    library = bibtexparser.parse_string(
        text, append_middleware=[middlewares.SeparateCoAuthors(), middlewares.SplitNameParts()]
    )
    names = library.entries[0]["author"]
    assert [(n.first, n.last) for n in names] == [
        (["Jane"], ["Smith"]),
        ([], [r"{Smith \& Wesson News}"]),  # braced: one name, never "News, Smith & Wesson"
        ([], ["{王小明}"]),
    ]
    decode = LatexNodes2Text().latex_to_text
    assert [decode(n.last[0]) for n in names[1:]] == ["Smith & Wesson News", "王小明"]


@pytest.mark.django_db
def test_bibtex_keys_are_unique_and_name_the_first_author_and_year(on_commit):
    one = cited(on_commit(make_article, authors=("Jane Smith",)))
    two = cited(on_commit(make_article, authors=("Jane Smith",), published=None))
    entries = read_bibtex(citations.to_bibtex([one, two], CONTEXT)).entries
    assert [e.key for e in entries] == [f"smith2022-{one.pk}", f"smithnd-{two.pk}"]


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="^")))
def test_any_text_escaped_for_bibtex_reads_back_as_itself(text):
    # "^" is left out: LaTeX prints \textasciicircum as "^", pylatexenc decodes it as "ˆ".
    field = "{" + citations.latex_escape(text) + "}"
    library = bibtexparser.Library(
        [bibtexparser.model.Entry("misc", "k", [bibtexparser.model.Field("title", field)])]
    )
    (entry,) = read_bibtex(bibtexparser.write_string(library)).entries
    assert entry["title"] == " ".join(text.split())


def test_a_caret_is_written_as_latex_prints_one():
    assert citations.latex_escape("x^2") == r"x\textasciicircum{}2"


# --- styles -------------------------------------------------------------------------------
ITEM = {
    "id": "article-1",
    "type": "article-newspaper",
    "title": "Ferries return to the harbour",
    "container-title": "Coastal Times",
    "author": [{"family": "Smith", "given": "Jane"}, {"literal": "Associated Press"}],
    "issued": {"date-parts": [[2022, 1, 10]]},
    "accessed": {"date-parts": [[2026, 12, 2]]},
    "URL": "https://archive.example/articles/1/ferries/",
}


def styled(item: dict) -> dict[str, object]:
    return {c.style.key: c for c in format_all(item)}


def test_apa_chicago_and_mla_render_the_article_by_their_rules():
    found = styled(ITEM)
    assert [s.key for s in STYLES] == ["apa", "chicago", "mla"]
    assert found["apa"].text == (
        "Smith, J., & Associated Press. (2022, January 10). Ferries return to the harbour. "
        "Coastal Times. https://archive.example/articles/1/ferries/"
    )
    assert found["chicago"].text.startswith(
        "Smith, Jane, and Associated Press. “Ferries Return to the Harbour”. Coastal Times, "
        "January 10, 2022."
    )
    assert found["mla"].text.startswith(
        "Smith, Jane, and Associated Press. “Ferries Return to the Harbour”. Coastal Times, "
        "10 Jan. 2022,"
    )
    for citation in found.values():
        assert "<i>Coastal Times</i>" in citation.html


def test_an_article_without_an_author_is_cited_by_its_title_once():
    item = {k: v for k, v in ITEM.items() if k != "author"}
    found = styled(item)
    assert found["apa"].text.startswith("Ferries return to the harbour. (2022, January 10).")
    assert found["apa"].text.count("Ferries return") == 1
    assert found["mla"].text.startswith("“Ferries Return to the Harbour”. Coastal Times")
    # Chicago cites an unsigned newspaper article under the paper's name (CMOS 14.89), once.
    assert found["chicago"].text.startswith("Coastal Times. “Ferries Return to the Harbour”.")
    assert found["chicago"].text.count("Coastal Times") == 1


def test_a_title_left_out_for_one_entry_is_back_for_the_next():
    styled({k: v for k, v in ITEM.items() if k != "author"})  # its title stood for the author
    for citation in format_all({**ITEM, "title": "Bridges reopen"}):
        assert "Bridges" in citation.text


def test_an_undated_item_says_no_date_and_when_it_was_accessed():
    item = {k: v for k, v in ITEM.items() if k != "issued"}
    found = styled(item)
    assert "(n.d.)" in found["apa"].text and "December 2, 2026" in found["apa"].text
    assert "Accessed 2 Dec. 2026" in found["mla"].text


def test_markup_in_values_is_text_in_the_formatted_html():
    item = {
        **ITEM,
        "title": 'Tolls <img src=x onerror="alert(1)"> & fares',
        "URL": "https://a.example/?a=1&b=2",
    }
    for citation in format_all(item):
        assert "<img" not in citation.html and "&lt;img" in citation.html
        assert "a=1&amp;b=2" in citation.html
        assert "<img" in citation.text  # the plain text keeps it as written


def test_private_use_marks_in_values_cannot_make_tags():
    item = {**ITEM, "title": "Ferries \ue000 return \ue001"}
    for citation in format_all(item):
        assert citation.html.count("<i>") == 1  # the outlet's, and no other
