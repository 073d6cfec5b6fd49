"""The five seed scrapes parse to the right metadata, lose no sentence and keep no boilerplate."""

from __future__ import annotations

import datetime as dt
import html
import re
from functools import cache
from pathlib import Path

import pytest

from archive.ingest import ParsedArticle, parse

SEEDS = Path(__file__).resolve().parents[1] / "fixtures"

# The genuine article in each seed, as 1-based line numbers of the raw file. Everything else
# is title, metadata, boilerplate or a teaser for another article.
ARTICLE_LINES = {
    "000": [*range(23, 40, 2), 45],
    "001": [5, *range(9, 20, 2), *range(23, 30, 2), *range(33, 38, 2), *range(41, 48, 2)],
    "002": list(range(17, 60, 2)),
    "003": [*range(3, 12, 2), *range(15, 60, 2), *range(63, 76, 2)],
    "004": [*range(4, 23, 2), 25, *range(27, 54, 2)],
}
BOILERPLATE = [
    "Source link",
    "By admin",
    "Leave a Reply",
    "Your email address",
    "Disclaimer",
    "fair use",
    "click here",
    "Translate Website",
    "Instagram",
    "For media inquiries",
    "Required fields",
    "Note to readers",
    "Become a Member",
    "Comment on Global Research",
    "strives for a wide range of opinions",
    "more on the subject",
    "The original source of this article",
    "Articles by",
    "Region:",
    "Tags:",
]


def seed_path(number: str) -> Path:
    return next(SEEDS.glob(f"{number}_*.txt"))


@cache
def seed(number: str) -> ParsedArticle:
    path = seed_path(number)
    [outcome] = parse(path.read_bytes(), name=path.name)
    assert outcome.error == ""
    return outcome.article


def squash(text: str) -> str:
    return " ".join(text.split())


def body_text(article: ParsedArticle) -> str:
    return squash(html.unescape(re.sub(r"<[^>]+>", " ", article.body_html)))


def markdown_to_text(line: str) -> str:
    """What a reader sees of a markdown line: link text, unescaped characters, no emphasis."""
    line = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line)
    line = re.sub(r"<(https?://[^>]+)>", r"\1", line)
    line = re.sub(r"(?<![\w\\])\*{1,2}(?=\S)|(?<=\S)(?<!\\)\*{1,2}(?!\w)", "", line)
    return line.replace("\\\\", "\\").replace("\\", "")


def genuine_sentences(number: str) -> list[str]:
    lines = seed_path(number).read_text(encoding="utf-8").split("\n")
    sentences = []
    for line_number in ARTICLE_LINES[number]:
        text = squash(markdown_to_text(lines[line_number - 1]))
        assert text, f"seed {number} line {line_number} is blank: ARTICLE_LINES is wrong"
        sentences += [s for s in re.split(r"(?<=[.!?])\s+", text) if s]
    return sentences


def assert_every_sentence_kept(number: str) -> None:
    body = body_text(seed(number))
    missing = [s for s in genuine_sentences(number) if squash(s) not in body]
    assert not missing, f"seed {number} lost {len(missing)} sentences, first: {missing[0]!r}"


@pytest.mark.parametrize("number", sorted(ARTICLE_LINES))
def test_every_seed_keeps_every_sentence_of_its_article(number):
    assert_every_sentence_kept(number)


def test_the_sentence_check_fails_when_a_sentence_is_lost():
    article = seed("003")
    original = article.body_html
    article.body_html = original.replace("She added that Russia may not yet be prepared", "")
    try:
        with pytest.raises(AssertionError, match="lost 1 sentences"):
            assert_every_sentence_kept("003")
    finally:
        article.body_html = original


@pytest.mark.parametrize("number", sorted(ARTICLE_LINES))
@pytest.mark.parametrize("phrase", BOILERPLATE)
def test_no_seed_keeps_boilerplate_in_its_body(number, phrase):
    assert phrase.lower() not in body_text(seed(number)).lower()


@pytest.mark.parametrize("number", sorted(ARTICLE_LINES))
def test_every_seed_is_english_and_records_what_it_removed(number):
    article = seed(number)
    assert article.language == "en"
    assert article.removed
    assert all(line.rule and line.reason for line in article.removed)


@pytest.mark.parametrize("number", sorted(ARTICLE_LINES))
def test_every_seed_parses_again_from_its_raw_original_to_the_same_article(number):
    article = seed(number)
    [again] = parse(article.raw, name=article.raw_name, format=article.raw_format)
    assert again.article == article


def test_seed_000_has_the_heading_as_title():
    assert seed("000").title == "EU Excluded from US-Russia Talks Due to Its Weak Foreign Policy"
    assert not seed("000").title_derived


def test_seed_000_has_the_byline_author_once_in_full():
    assert seed("000").authors == ["Lucas Leiroz de Almeida"]


def test_seed_000_has_the_dateline_date():
    assert seed("000").published == dt.date(2022, 1, 10)


def test_seed_000_is_published_by_global_research_from_an_infobrics_original():
    assert seed("000").source == "Global Research"
    assert seed("000").original_source == "InfoBrics"


def test_seed_000_has_region_and_theme_tags():
    assert seed("000").tags == [
        ("region", "Europe"),
        ("region", "Russia and FSU"),
        ("region", "USA"),
        ("theme", "Intelligence"),
    ]


def test_seed_000_has_the_italic_lead_as_standfirst_and_in_the_body():
    standfirst = seed("000").standfirst
    assert standfirst.startswith("The European situation at NATO looks increasingly complicated.")
    assert "<p><em>The European situation" in seed("000").body_html


def test_seed_000_rejoins_the_sentence_broken_after_and():
    assert "joint responses with the US and NATO to the supposed" in seed("000").body_html


def test_seed_000_records_the_site_name_link_line_as_removed():
    assert ("InfoBrics", "metadata:site-name") in [(r.text, r.rule) for r in seed("000").removed]


def test_seed_001_keeps_the_german_first_line_as_title():
    assert seed("001").title == (
        "Die wichtigsten europäischen Verhandlungen seit Jahrzehnten – Russland ergreift Initiative"
    )


def test_seed_001_has_the_analysis_author_date_time_and_publisher():
    article = seed("001")
    assert article.authors == ["Wladislaw Sankin"]
    assert article.published == dt.datetime(2022, 1, 12, 15, 56)
    assert article.source == "RT DE"
    assert article.tags == []


def test_seed_001_removes_teasers_for_other_articles_and_says_so():
    teasers = [r.text for r in seed("001").removed if r.rule == "related-article-teaser"]
    assert 'US Vice Secretary of State: Will not allow anyone to "slam NATO' in teasers
    assert '"USA is playing with fire" - Lavrov' in teasers
    assert len(teasers) == 3


def test_seed_001_has_the_lead_above_the_byline_as_standfirst():
    assert seed("001").standfirst.startswith("The positions are irreconcilable")


def test_seed_002_keeps_its_capitalised_headline_as_title():
    assert seed("002").title.startswith("NATO ALLIANCE SHOWING SIGNS OF FRAYING;")
    assert not seed("002").title_derived


def test_seed_002_has_no_author_the_posted_date_and_no_publisher():
    article = seed("002")
    assert article.authors == []
    assert article.published == dt.date(2022, 1, 27)
    assert article.source == ""


def test_seed_002_has_a_category_and_keyword_tags():
    tags = seed("002").tags
    assert tags[0] == ("category", "NEWS")
    assert ("keyword", "Kay-Achim Schoenbach") in tags
    assert len([t for t in tags if t[0] == "keyword"]) == 10


def test_seed_002_rejoins_paragraphs_broken_mid_sentence():
    body = seed("002").body_html
    for joined in (
        "8,500 American troops on heightened alert",
        "Partly because of its heavy reliance",
        "all that is taking place in the antechamber of Russia",
        "based on the framework guidelines",
    ):
        assert joined in body


def test_seed_002_keeps_the_listing_excerpt_as_standfirst_rejoined():
    standfirst = seed("002").standfirst
    assert standfirst.endswith(
        "It proved, however, highly revealing of the alliance's internal cracks."
    )
    assert "buried news desks." in standfirst


def test_seed_002_keeps_embedded_tweets_and_videos_as_links():
    body = seed("002").body_html
    assert '<a href="https://twitter.com/ianbremmer/status/1484672941988143107">' in body
    assert '<a href="https://www.youtube.com/watch?v=3wQLkNE6XF8">' in body


@pytest.mark.parametrize("number", ["003", "004"])
def test_seeds_003_and_004_have_no_author_because_admin_is_not_a_person(number):
    assert seed(number).authors == []
    assert seed(number).source == ""


def test_seed_003_derives_a_title_from_its_lead():
    article = seed("003")
    assert article.title_derived
    assert article.title == "Foreign policy experts have been waiting anxiously for the past week"
    assert article.published == dt.date(2022, 1, 26)


def test_seed_004_derives_a_title_from_its_lead():
    article = seed("004")
    assert article.title_derived
    assert article.title == "In Moscow, the hope is for “fairly quick results”"
    assert article.published == dt.date(2022, 1, 21)


def test_seed_004_keeps_the_photo_caption_as_a_figure():
    assert "<figure><figcaption>US Assistant Secretary of State Wendy Sherman hopes" in (
        seed("004").body_html
    )


def test_seed_003_removes_the_map_and_chart_labels_and_says_so():
    teasers = [r.text for r in seed("003").removed if r.rule == "related-article-teaser"]
    assert teasers == ["Ukraine map", "INTERACTIVE- NATO, OSCE, EU member friend chart"]


def test_a_source_given_by_the_user_wins_over_the_text():
    path = seed_path("000")
    [outcome] = parse(path.read_bytes(), name=path.name, source="My Archive")
    assert outcome.article.source == "My Archive"
    assert outcome.article.original_source == "InfoBrics"
