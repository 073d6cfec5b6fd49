"""Each article stemmed in its own language; a query matches in every language indexed."""

import pytest
from django.db import connection

from tests.factories import make_article
from tests.test_search_queries import ids

pytestmark = pytest.mark.django_db


GERMAN = [  # (in the article, the other inflection searched for)
    ("Die Verhandlungen in Genf", "Verhandlung"),
    ("Neue Gespräche der Regierung", "Gespräch"),
    ("Der Minister besuchte die Häfen", "besuchten"),
]


@pytest.mark.parametrize(("text", "other"), GERMAN)
def test_a_german_article_is_found_by_the_other_inflection_of_its_words(
    client, on_commit, text, other
):
    german = on_commit(make_article, title="Bericht", body=f"<p>{text}.</p>", language="de")
    assert ids(client, q=other) == {german.pk}


def test_each_language_is_stemmed_in_its_own_way(client, on_commit):
    french = on_commit(make_article, title="Article", body="<p>Les négociations continuent.</p>",
                       language="fr")  # fmt: skip
    spanish = on_commit(make_article, title="Noticia", body="<p>Las negociaciones siguen.</p>",
                        language="es")  # fmt: skip
    russian = on_commit(make_article, title="Статья", body="<p>Переговоры продолжаются.</p>",
                        language="ru")  # fmt: skip
    # English stems cross languages as they always did ("negociation" is English "negoci",
    # the Spanish stem too); each language's own stems find only its articles.
    assert french.pk in ids(client, q="négociation")
    assert spanish.pk in ids(client, q="negociación")
    assert ids(client, q="переговорам") == {russian.pk}


def test_english_articles_are_matched_by_english_stems_only(client, on_commit):
    # French stems "rates" as "rat": an English article about rats must not answer "rates".
    on_commit(make_article, title="Rats", body="<p>The rat ran.</p>", language="en")
    rates = on_commit(make_article, title="Rates", body="<p>Rates rose.</p>", language="en")
    on_commit(make_article, title="Article", body="<p>Le chat dort.</p>", language="fr")
    assert ids(client, q="rates") == {rates.pk}


def test_phrases_proximity_and_fuzzy_words_work_in_every_language(client, on_commit):
    german = on_commit(make_article, title="Bericht",
                       body="<p>Die neuen Verhandlungen in Genf.</p>", language="de")  # fmt: skip
    assert ids(client, q='"neue Verhandlung"') == {german.pk}
    assert ids(client, q='"Genf Verhandlung"~3') == {german.pk}
    assert ids(client, q="Verhadlungen~") == {german.pk}  # the stem "verhadl", one edit off


def test_an_unknown_or_unstemmed_language_is_analysed_as_english(client, on_commit):
    unknown = on_commit(make_article, title="X", body="<p>The negotiations.</p>", language="")
    other = on_commit(make_article, title="Y", body="<p>More negotiations.</p>", language="xx")
    assert ids(client, q="negotiate") == {unknown.pk, other.pk}


def test_snippets_of_a_german_article_mark_its_words(client, on_commit):
    on_commit(make_article, title="Bericht", body="<p>Die Verhandlungen in Genf.</p>",
              language="de")  # fmt: skip
    result = client.get("/api/search/", {"q": "Verhandlung Genf"}).json()["results"][0]
    assert "<mark>Verhandlungen</mark>" in result["snippet"]


@pytest.fixture
def mixed(on_commit):
    bodies = {
        "en": ("Talks in Geneva", "<p>Talks went on in Geneva.</p>"),
        "de": ("Gespräche in Genf", "<p>Talks: die Gespräche in Genf gingen weiter.</p>"),
        "fr": ("Pourparlers à Genève", "<p>Talks: les pourparlers ont continué.</p>"),
    }
    return {
        code: on_commit(make_article, title=title, body=body, language=code)
        for code, (title, body) in bodies.items()
    }


def test_the_language_filter_repeats_and_counts_in_the_facet(client, mixed):
    assert ids(client, q="talks", language="de") == {mixed["de"].pk}
    assert ids(client, q="talks", language=["de", "fr"]) == {mixed["de"].pk, mixed["fr"].pk}
    facet = client.get("/api/search/", {"q": "talks", "language": "de"}).json()["facets"]
    # Multi-select: the facet ignores its own filter.
    assert {(f["value"], f["label"], f["count"]) for f in facet["language"]} == {
        ("en", "English", 1), ("de", "German", 1), ("fr", "French", 1),
    }  # fmt: skip


def test_the_language_filter_works_without_words_too(client, mixed):
    assert ids(client, language="fr") == {mixed["fr"].pk}


def test_the_page_shows_the_language_facet_and_its_chip(client, mixed):
    page = client.get("/search/", {"q": "talks", "language": "de"}).content.decode()
    assert "Languages" in page and "Language: German" in page


def test_the_csv_and_the_feed_take_the_language_filter(client, mixed):
    csv = b"".join(client.get("/search/export.csv", {"language": "fr"}).streaming_content)
    assert "Pourparlers" in csv.decode() and "Gespräche" not in csv.decode()
    feed = client.get("/feeds/search/", {"q": "talks", "language": "de"}).content.decode()
    assert "Gespräche in Genf" in feed and "Talks in Geneva" not in feed


@pytest.mark.parametrize("bad", ["german", "d", "de-DE", "<b>"])
def test_a_bad_language_code_is_a_clear_error(client, mixed, bad):
    response = client.get("/api/search/", {"q": "talks", "language": bad})
    assert response.status_code == 400
    assert "language" in response.json()["errors"]
    assert client.get("/search/", {"q": "talks", "language": bad}).status_code == 200


def test_the_database_path_filters_and_counts_languages_alike(mixed):
    from search.results import DatabaseResults, Filters

    results = DatabaseResults(Filters(language=["de"]), "newest")
    assert results.count == 1
    assert {f.value: f.count for f in results.facets()["language"]} == {"en": 1, "de": 1, "fr": 1}
    if connection.vendor == "sqlite":  # SQLite's own queries, and the ORM's elsewhere
        sql = results.sql_summary()["facets"]["language"]
        assert results.orm_summary()["facets"]["language"] == sql


def test_a_german_articles_related_articles_are_found_by_its_german_terms(client, on_commit):
    body = "<p>Die Verhandlungen über den Haushalt der Regierung dauerten die ganze Nacht.</p>"
    first = on_commit(make_article, title="Haushalt", body=body, language="de")
    other = on_commit(make_article, title="Haushaltsstreit",
                      body="<p>Der Haushalt und die Verhandlung der Regierung.</p>",
                      language="de")  # fmt: skip
    page = client.get(first.get_absolute_url()).content.decode()
    assert other.get_absolute_url() in page


@pytest.mark.parametrize(
    ("language", "title", "body", "query"),
    [
        # Whoosh's Arabic stemmer fails on every word under Python 3.7+; Whoosh lists Turkish
        # without a stemmer: both are indexed unstemmed, and found
        ("ar", "مقال", "<p>افتتحت المكتبة الجديدة أبوابها.</p>", "المكتبة"),
        ("tr", "Haber", "<p>Kütüphane pazar günleri açık kalacak.</p>", "kütüphane"),
    ],
)
def test_languages_without_a_working_stemmer_are_indexed_and_found(
    client, on_commit, language, title, body, query
):
    article = on_commit(make_article, title=title, body=body, language=language)
    english = on_commit(make_article, title="Library", body="<p>The library opens.</p>")
    assert ids(client, q=query) == {article.pk}
    assert ids(client, q="library") == {english.pk}  # the same batch's other articles too
