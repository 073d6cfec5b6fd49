"""What one query may cost: the spelling suggester looks up few words, whatever the query."""

from __future__ import annotations

import pytest

from search.capabilities import policy


def suggestion(client, q):
    return client.get("/api/search/", {"q": q}).json()["suggestion"]


def test_a_word_repeated_to_the_length_cap_is_looked_up_once_and_corrected_everywhere(
    client, seeds
):
    q = ("Schoenbch " * 60)[:499].strip()
    assert suggestion(client, q).split() == ["schoenbach"] * len(q.split())


def test_only_the_first_few_unknown_words_are_corrected(client, seeds):
    # Distinct misspellings of words the seeds hold: each would be a fuzzy scan of the lexicon.
    words = ["Schoenbch", "Kulebba", "Ryabkv", "Stoltenbrg", "Lavrv", "Shermann", "Ukrane"]
    got = suggestion(client, " ".join(words)).split()
    changed = [a for a, b in zip(words, got, strict=True) if a != b]
    assert 1 <= len(changed) <= policy().suggest_max_words
    assert changed == words[: len(changed)]  # in the order the reader wrote them


@pytest.mark.parametrize("word", ["sxq", "economyy", "x" * 40])
def test_adversarial_repetitions_answer_without_a_suggestion_loop(client, seeds, word):
    q = ((word + " ") * 200)[:499]
    response = client.get("/api/search/", {"q": q})
    assert response.status_code == 200
    assert response.json()["count"] == 0


@pytest.mark.django_db
def test_a_prefix_that_expands_past_the_cap_says_so_on_the_page(client, on_commit):
    from tests.factories import make_article

    # 300 distinct words starting "zqx", one an article (made in one transaction, indexed once)
    def make_all():
        for n in range(300):
            make_article(title=f"Report {n}", body=f"<p>The zqx{n:03d}word code appeared.</p>")

    on_commit(make_all)
    page = client.get("/search/", {"q": "zqx*"})
    notice = "“zqx*” matches 300 different words; only articles with the 256 most frequent"
    assert notice in page.content.decode()
    assert page.context["outcome"].count == 256  # one article per word kept
    narrow = client.get("/search/", {"q": "zqx01*"})
    assert "different words" not in narrow.content.decode()
    assert narrow.context["outcome"].count == 10


def test_a_long_query_searches_its_most_selective_parts_and_says_so(client, seeds, search_policy):
    search_policy(query_parts=2)
    # "Schoenbach" is in one seed; the other words in several or all of them.
    data = client.get("/api/search/", {"q": "Russia Ukraine NATO Schoenbach"}).json()
    assert {r["id"] for r in data["results"]} == {seeds["002"].pk}
    assert data["notices"] and "the 2 that match the fewest articles" in data["notices"][0]
    page = client.get("/search/", {"q": "Russia Ukraine NATO Schoenbach"}).content.decode()
    assert "This query has 4 parts" in page
    assert client.get("/api/search/", {"q": "Russia NATO"}).json()["notices"] == []


def test_a_query_over_its_time_budget_is_answered_empty_with_the_reason(
    client, seeds, search_policy
):
    search_policy(query_seconds=0.0)
    response = client.get("/api/search/", {"q": "Ryabkov"})
    assert response.status_code == 200
    assert response.json()["count"] == 0
    assert "took too long" in response.json()["notices"][0]
    page = client.get("/search/", {"q": "Ryabkov"})
    assert page.status_code == 200 and "took too long to answer" in page.content.decode()


def test_words_past_the_parsers_cap_are_said_to_be_left_out(client, seeds):
    q = " ".join(["Ryabkov"] + [f"extra{i}" for i in range(40)])
    data = client.get("/api/search/", {"q": q[:500]}).json()
    assert "Only the first 24 words" in " ".join(data["notices"])
