"""Proximity, fuzzy words and grouping, end to end: the parameter, haystack, our backend."""

import pytest

from tests.factories import make_article
from tests.test_search_queries import ids, seed_ids

pytestmark = pytest.mark.django_db


@pytest.fixture
def spaced(on_commit):
    """Two words at known distances, in both orders."""
    filler = " ".join(f"filler{i}" for i in range(12))
    return {
        "near": on_commit(make_article, title="A", body="<p>Kuleba met Russia's envoy.</p>"),
        "reversed": on_commit(make_article, title="B", body="<p>Russia, said Kuleba.</p>"),
        "far": on_commit(make_article, title="C", body=f"<p>Kuleba {filler} Russia.</p>"),
    }


def test_proximity_finds_words_near_each_other_in_either_order(client, spaced):
    assert ids(client, q='"Kuleba Russia"~3') == {spaced["near"].pk, spaced["reversed"].pk}
    assert ids(client, q='"Russia Kuleba"~3') == {spaced["near"].pk, spaced["reversed"].pk}


def test_proximity_widens_with_its_distance(client, spaced):
    assert ids(client, q='"Kuleba Russia"~20') == {a.pk for a in spaced.values()}
    assert ids(client, q='"Kuleba Russia"~13') == {a.pk for a in spaced.values()}
    assert spaced["far"].pk not in ids(client, q='"Kuleba Russia"~12')


def test_the_exact_phrase_still_needs_its_order(client, spaced):
    assert ids(client, q='"Kuleba met"') == {spaced["near"].pk}
    assert ids(client, q='"met Kuleba"') == set()


def test_proximity_is_not_a_search_for_its_number(client, on_commit):
    on_commit(make_article, title="Five", body="<p>Kuleba 5 Russia 5 5.</p>")
    far = on_commit(make_article, title="Far", body="<p>Kuleba " + "word " * 30 + "Russia</p>")
    assert far.pk not in ids(client, q='"Kuleba Russia"~5')


def test_a_fuzzy_word_finds_the_misspelled_name(client, on_commit):
    found = on_commit(make_article, title="NATO", body="<p>Stoltenberg spoke.</p>")
    assert ids(client, q="Stoltenbrg") == set()
    assert ids(client, q="Stoltenbrg~") == {found.pk}
    assert ids(client, q="Stoltnbrg~") == set()  # two edits away
    assert ids(client, q="Stoltnbrg~2") == {found.pk}


def test_a_fuzzy_word_in_a_field(client, on_commit):
    found = on_commit(make_article, title="Stoltenberg in Kyiv", body="<p>Text.</p>")
    on_commit(make_article, title="Other", body="<p>Stoltenberg.</p>")
    assert ids(client, q="title:Stoltenbrg~") == {found.pk}


def test_grouping_keeps_the_exclusion_whole(client, seeds):
    # Sherman is in 001, 003 and 004; Ryabkov in 001 and 004; Lavrov in 002 and 003.
    assert ids(client, q="Sherman") == seed_ids(seeds, "001", "003", "004")
    assert ids(client, q="Sherman -(Ryabkov OR Lavrov)") == set()
    assert ids(client, q="Sherman -(Ryabkov Lavrov)") == seed_ids(seeds, "001", "003", "004")
    assert ids(client, q="Sherman (Ryabkov OR Lavrov)") == seed_ids(seeds, "001", "003", "004")


def test_explicit_and_binds_tighter_than_or(client, seeds):
    assert ids(client, q="Sherman AND Ryabkov OR Plotner") == seed_ids(seeds, "000", "001", "004")
    assert ids(client, q="(Sherman OR Plotner) Ryabkov") == seed_ids(seeds, "001", "004")


@pytest.mark.parametrize(
    "query",
    ["((((Sherman", "Sherman))) AND", "-(", "()", '"Sherman"~', "Sherman~~", "~2", "(OR)",
     "Sherman AND AND OR NOT", '"Sherman Ryabkov"~-3', "title:(", "(" * 200 + "Sherman"],
)  # fmt: skip
def test_malformed_syntax_is_searched_as_words(client, seeds, query):
    response = client.get("/api/search/", {"q": query})
    assert response.status_code in (200, 400)
    if "Sherman" in query:
        assert response.status_code == 200
        assert (
            seed_ids(seeds, "001", "003", "004") <= {r["id"] for r in response.json()["results"]}
            or response.json()["count"] == 0
        )
    page = client.get("/search/", {"q": query})
    assert page.status_code == 200


def test_snippets_mark_what_a_fuzzy_word_and_a_proximity_matched(client, on_commit):
    on_commit(make_article, title="NATO", body="<p>Stoltenberg met Kuleba; Russia objected.</p>")
    result = client.get("/api/search/", {"q": 'Stoltenbrg~ "Russia Kuleba"~4'}).json()
    snippet = result["results"][0]["snippet"]
    assert "<mark>Stoltenberg</mark>" in snippet
    assert "<mark>Kuleba</mark>" in snippet and "<mark>Russia</mark>" in snippet


def test_the_csv_export_takes_the_new_syntax(client, on_commit):
    on_commit(make_article, title="NATO", body="<p>Stoltenberg met Kuleba.</p>")
    response = client.get("/search/export.csv", {"q": "Stoltenbrg~ -(Lavrov OR Ryabkov)"})
    assert response.status_code == 200
    assert "Stoltenberg met Kuleba" in b"".join(response.streaming_content).decode()
