"""Unit rules: datelines, bylines, boilerplate rules, rejoining, derived titles."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.ingest import Outcome, parse
from archive.ingest.blocks import text_block
from archive.ingest.boilerplate import RULES, find_rule
from archive.ingest.clean import derive_title, rejoin
from archive.ingest.dates import find_dateline
from archive.ingest.names import clean_author, merge_authors, split_names


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("January 10, 2022", dt.date(2022, 1, 10)),
        ("Global Research, January 10, 2022", dt.date(2022, 1, 10)),
        ("12 Jan. 2022 15:56 clock", dt.datetime(2022, 1, 12, 15, 56)),
        ("Wed. Jan 26th, 2022", dt.date(2022, 1, 26)),
        ("Posted on January 27, 2022", dt.date(2022, 1, 27)),
        ("Fri. Jan 21st, 2022", dt.date(2022, 1, 21)),
        ("2022-01-10", dt.date(2022, 1, 10)),
        ("12. Januar 2022", dt.date(2022, 1, 12)),
        ("Mon, 10 Jan 2022 15:56:00 +0000", dt.datetime(2022, 1, 10, 15, 56)),
        ("Published: 3 March 2021", dt.date(2021, 3, 3)),
    ],
)
def test_datelines_in_the_usual_formats_are_read(line, expected):
    assert find_dateline(line)[1] == expected


@pytest.mark.parametrize(
    "line",
    [
        "today",
        "yesterday at 10:00",
        "January 2022",
        "In 2022 the talks that began on January 5, 2022 went on for weeks.",
        "Meanwhile, in Paris a meeting took place on Wednesday, January 26th",
        "Brussels, Belgium",
    ],
)
def test_sentences_and_partial_dates_are_not_datelines(line):
    assert find_dateline(line) is None


def test_a_date_in_a_body_sentence_is_never_the_publication_date():
    text = "A Title\n\nThe treaty was signed on January 5, 2019 in Geneva by both sides.\n"
    assert parse(text.encode())[0].article.published is None


def test_a_site_name_before_the_dateline_is_the_publisher():
    assert find_dateline("Global Research, January 10, 2022")[0] == "Global Research"


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        ("A. Smith and B. Jones", ["A. Smith", "B. Jones"]),
        ("Ann Lee, Bo Chan and Cy Diaz", ["Ann Lee", "Bo Chan", "Cy Diaz"]),
        ("admin", []),
        ("Staff", []),
        ("the editors", []),
        ("Guest", []),
        ("Janie Gabbett, Reuters", ["Janie Gabbett"]),
        ("TED D'AFFLISIO", ["Ted D'Afflisio"]),
        ("Jean-Pierre Dupont - Le Monde", ["Jean-Pierre Dupont"]),
    ],
)
def test_bylines_give_people_and_only_people(names, expected):
    assert [n for n in (clean_author(x) for x in split_names(names)) if n] == expected


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        # ingest-dev: a label, a job title or another credit glued to the name
        ("Sara Zinnecker Stand: 05.02.2020", "Sara Zinnecker"),  # finanztip.de
        ("Alejandro Villamor Last updated", "Alejandro Villamor"),  # publishedreporter.com
        ("Christoph Hein Chefredakteur", "Christoph Hein"),  # angelmagazin.de
        ("Christian Seiler Illustration von Markus Roost", "Christian Seiler"),  # alacarte.at
        ("FOCUS-Online-Experte Robin Tschöpe", "Robin Tschöpe"),  # focus.de
        ("Interview Julia Lauter", "Julia Lauter"),  # fluter.de
        ("Brendan Carlin For The Mail On Sunday", "Brendan Carlin"),  # dailymail.co.uk
        ("PorRodolfo Costa", "Rodolfo Costa"),  # gazetadopovo.com.br: "Por" glued
        ("Inga HoeltmannFollow", "Inga Hoeltmann"),  # linkedin.com: the button glued
        ("Byron Parker", "Byron Parker"),
        ("Leonardo DiCaprio", "Leonardo DiCaprio"),
        ("Glen Owen And Brendan Carlin For The Mail On Sunday", ""),  # two: split_names's
        # and names that only look so
        ("Peter Last", "Peter Last"),
        ("Maria Stand", "Maria Stand"),
        ("Anna Schleiter", "Anna Schleiter"),
    ],
)
def test_a_label_or_a_role_around_a_name_is_not_the_name(raw, name):
    assert clean_author(raw) == name


def test_two_forms_of_one_name_become_one_author_with_the_fuller_name():
    assert merge_authors(["Lucas Leiroz"], ["Lucas Leiroz de Almeida"]) == [
        "Lucas Leiroz de Almeida"
    ]
    assert merge_authors(["Lucas Leiroz de Almeida"], ["Lucas Leiroz"]) == [
        "Lucas Leiroz de Almeida"
    ]


@pytest.mark.parametrize(
    "line",
    [
        "Share this article on Facebook",
        "Follow us on Twitter for more",
        "Leave a Reply",
        "Your email address will not be published. Required fields are marked *",
        "Subscribe to our newsletter",
        "By admin",
        "Source link",
        "***",
        "Mehr zum Thema – Lawrow zu Gesprächen",
        "Copyright © 2022 Example Media. All rights reserved.",
        "Reuter",
    ],
)
def test_boilerplate_lines_are_matched_by_a_named_rule(line):
    rule = find_rule(line)
    assert rule is not None and rule.reason


@pytest.mark.parametrize(
    "line",
    [
        "Shares in the company fell by a fifth after the announcement on Monday.",
        "Investors will follow the talks closely, analysts said.",
        "He asked readers to share their experiences with the committee.",
        "Tweets by the minister caused an outcry among opposition MPs.",
        "Related to this, the ministry said it would publish figures next week.",
        "Support usually comes from the regional budget, the mayor said.",
        "Disclaimers were printed on every ticket, the court heard, but nobody read them.",
    ],
)
def test_genuine_sentences_that_mention_sharing_or_following_are_kept(line):
    rule = find_rule(line)
    # the one allowed exception: a sentence *starting* with "Disclaimer" is boilerplate
    assert rule is None or line.startswith("Disclaimer")


def test_every_rule_has_a_name_a_reason_and_a_known_scope():
    assert len({rule.name for rule in RULES}) == len(RULES)
    assert all(rule.reason and rule.scope in ("line", "prefix", "search") for rule in RULES)


def test_a_long_paragraph_is_never_removed_by_a_prefix_rule():
    long = "Note to readers: " + "this sentence is part of a real article paragraph. " * 20
    assert find_rule(long) is None


def test_a_paragraph_broken_after_a_comma_or_before_lowercase_is_rejoined():
    blocks = [text_block("It proved,"), text_block("however, highly revealing of the cracks.")]
    assert [b.text for b in rejoin(blocks)] == [
        "It proved, however, highly revealing of the cracks."
    ]


def test_finished_sentences_and_headings_are_not_rejoined():
    blocks = [
        text_block("The meeting ended at noon."),
        text_block("but nobody said so", kind="h2"),
        text_block("Next steps"),
        text_block("Officials will meet again."),
    ]
    assert len(rejoin(blocks)) == 4


def test_a_derived_title_is_the_first_clause_without_trailing_punctuation():
    lead = text_block(
        "Brussels, Belgium – Foreign policy experts have been waiting anxiously for the past "
        "week, while US and NATO officials met with their Russian counterparts to talk."
    )
    assert (
        derive_title([lead])
        == "Foreign policy experts have been waiting anxiously for the past week"
    )


def test_an_abbreviation_does_not_end_the_derived_title():
    lead = text_block("U.K. officials said on Monday that the talks would go on. Nobody objected.")
    assert derive_title([lead]) == "U.K. officials said on Monday that the talks would go on"


def test_a_plain_short_cross_heading_is_kept_but_a_headline_teaser_is_removed():
    para = (
        "A paragraph long enough to count as a genuine body paragraph of the article. " * 2
    ).strip()
    text = f"Title\n\n{para}\n\nA sad day for music\n\n{para}\n\nOther story - Lavrov\n\n{para}\n"
    article = parse(text.encode(), name="x.txt")[0].article
    assert "A sad day for music" in article.body_html
    assert "Lavrov" not in article.body_html
    assert [r.rule for r in article.removed][-1] == "related-article-teaser"


def test_a_dated_line_in_a_json_body_is_content_when_the_json_gives_the_date():
    line = {
        "title": "Dividend",
        "body": "Qtly div 12 cts\n    Record March 31, 1987",
        "date": "1987-03-02",
    }
    article = parse(json.dumps(line).encode(), name="r.jsonl")[0].article
    assert "Record March 31, 1987" in article.body_html
    assert article.published == dt.date(1987, 3, 2)


def test_a_short_lead_sentence_is_the_whole_derived_title():
    assert derive_title([text_block("Rain fell all day. Then it stopped.")]) == "Rain fell all day"


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=3000))
def test_parse_never_raises_on_arbitrary_bytes(data):
    outcomes = parse(data, name="x")
    assert outcomes and all(isinstance(o, Outcome) for o in outcomes)
    assert all((o.article is None) == bool(o.error) for o in outcomes)


@settings(max_examples=150, deadline=None)
@given(
    st.text(max_size=2000),
    st.sampled_from(["auto", "text", "markdown", "html", "jsonl"]),
    st.sampled_from(["x.txt", "x.md", "x.html", "x.jsonl", ""]),
)
def test_parse_never_raises_on_arbitrary_text_in_any_format(text, format, name):
    outcomes = parse(text.encode("utf-8", "surrogatepass"), name=name, format=format)
    assert outcomes and all(isinstance(o, Outcome) for o in outcomes)
    for outcome in outcomes:
        if outcome.article is not None:
            assert outcome.article.title and outcome.article.raw_format in (
                "text",
                "markdown",
                "html",
                "jsonl",
            )
