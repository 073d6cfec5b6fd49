"""The query language on the seed articles and on small built articles."""

import datetime as dt

import pytest

from tests.factories import make_article

pytestmark = pytest.mark.django_db


def ids(client, **params):
    response = client.get("/api/search/", params)
    assert response.status_code == 200, response.content
    return {r["id"] for r in response.json()["results"]}


def seed_ids(seeds, *numbers):
    return {seeds[n].pk for n in numbers}


ISSUE_EXAMPLES = [
    ("Schoenbach", {}, ("002",)),
    ("Plotner", {}, ("000",)),
    ('"Normandy format"', {}, ("002",)),
    ("Ryabkov", {}, ("001", "004")),
    ("Lavrov", {"start": "2022-01-20"}, ("002", "003")),
    ("Sherman -Ryabkov", {}, ("003",)),
    ("Sherman NOT Ryabkov", {}, ("003",)),
]


def test_the_issue_examples_find_exactly_their_seeds(client, seeds):
    wrong = [
        (q, extra)
        for q, extra, expected in ISSUE_EXAMPLES
        if ids(client, q=q, **extra) != seed_ids(seeds, *expected)
    ]
    assert wrong == []


def test_words_are_case_insensitive(client, seeds):
    assert ids(client, q="sChOeNbAcH") == seed_ids(seeds, "002")


def test_all_words_must_match(client, seeds):
    assert ids(client, q="Ryabkov Schoenbach") == set()


def test_or_finds_either_word(client, seeds):
    assert ids(client, q="Schoenbach OR Plotner") == seed_ids(seeds, "000", "002")


def test_stemming_finds_other_forms_of_a_word(client, on_commit):
    article = on_commit(make_article, title="Talks", body="<p>They negotiate in Geneva.</p>")
    assert ids(client, q="negotiations") == {article.pk}
    assert ids(client, q="negotiating") == {article.pk}


def test_accent_folding_works_both_ways(client, on_commit):
    plain = on_commit(make_article, title="One", body="<p>Said Plotner in Vienna.</p>")
    accented = on_commit(make_article, title="Two", body="<p>Said Plötner in Berlin.</p>")
    assert ids(client, q="Plotner") == {plain.pk, accented.pk}
    assert ids(client, q="Plötner") == {plain.pk, accented.pk}


def test_a_phrase_needs_its_words_together(client, on_commit):
    together = on_commit(make_article, title="A", body="<p>The Normandy format met.</p>")
    on_commit(make_article, title="B", body="<p>Normandy had a new format.</p>")
    assert ids(client, q='"normandy format"') == {together.pk}


def test_a_trailing_star_matches_word_beginnings(client, on_commit):
    article = on_commit(make_article, title="Talks", body="<p>The negotiations failed.</p>")
    assert ids(client, q="negotiat*") == {article.pk}
    assert ids(client, q="negot*") == {article.pk}


def test_excluding_a_phrase(client, seeds):
    assert seeds["002"].pk not in ids(client, q='NATO -"Normandy format"')
    assert seeds["002"].pk in ids(client, q="NATO")


def test_title_field_searches_only_titles(client, on_commit):
    in_title = on_commit(make_article, title="Geneva summit", body="<p>Talks.</p>")
    on_commit(make_article, title="Other", body="<p>The summit in Geneva.</p>")
    assert ids(client, q="title:summit") == {in_title.pk}


def test_author_source_and_tag_fields(client, on_commit):
    article = on_commit(
        make_article, title="X", authors=("Jörg Müller",), source="Daily Planet",
        tags=(("region", "Eastern Europe"),),
    )  # fmt: skip
    on_commit(make_article, title="Y", body="<p>Muller and the planet and eastern things.</p>")
    assert ids(client, q="author:muller") == {article.pk}
    assert ids(client, q='author:"Jörg Müller"') == {article.pk}
    assert ids(client, q="source:planet") == {article.pk}
    assert ids(client, q='tag:"eastern europe"') == {article.pk}


def test_unknown_fields_are_plain_words(client, on_commit):
    article = on_commit(make_article, title="Colour", body="<p>Colour red here.</p>")
    assert ids(client, q="colour:red") == {article.pk}


def test_newest_and_oldest_sort_by_date(client, on_commit):
    dates = [dt.date(2020, 5, 1), dt.date(2022, 1, 1), dt.date(2021, 3, 3)]
    made = [on_commit(make_article, title=f"Summit {i}", published=d) for i, d in enumerate(dates)]
    on_commit(make_article, title="Summit undated", published=None)
    newest = client.get("/api/search/", {"q": "summit", "sort": "newest"}).json()["results"]
    oldest = client.get("/api/search/", {"q": "summit", "sort": "oldest"}).json()["results"]
    by_date = [made[1].pk, made[2].pk, made[0].pk]
    assert [r["id"] for r in newest][:3] == by_date
    assert [r["id"] for r in oldest][:3] == by_date[::-1]
    assert newest[-1]["published"] is None and oldest[-1]["published"] is None


def test_relevance_puts_title_matches_first(client, on_commit):
    on_commit(make_article, title="Weather", body="<p>Rain. Also a summit somewhere.</p>")
    titled = on_commit(make_article, title="The summit", body="<p>Leaders met.</p>")
    results = client.get("/api/search/", {"q": "summit"}).json()["results"]
    assert results[0]["id"] == titled.pk
    assert results[0]["score"] >= results[1]["score"]


def test_empty_query_lists_everything_newest_first_from_the_database(client, seeds):
    results = client.get("/api/search/").json()
    assert results["count"] == 5
    dates = [r["published"] for r in results["results"]]
    assert dates == sorted(dates, reverse=True)
