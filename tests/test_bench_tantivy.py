"""The tantivy baseline (bench/tantivy_baseline.py) on a tiny articles table: the same
articles as FTS5 (public ones only), every word required, count + top 20 + snippets."""

from __future__ import annotations

import sqlite3

import pytest

from bench import tantivy_baseline

ARTICLES = [
    (1, "Harbour board approves plan", "The harbour board approved the dredging plan.", 1),
    (2, "Council meeting", "The council discussed harbours and boards at length.", 1),
    (3, "Dredging delayed", "Work in the harbour waits for spring.", 1),
    (4, "Hidden harbour board story", "A harbour board draft nobody may read.", 0),
]


@pytest.fixture
def work(tmp_path):
    con = sqlite3.connect(tmp_path / "db.sqlite3")
    con.execute(
        "CREATE TABLE archive_article (id INTEGER PRIMARY KEY, title TEXT, body_text TEXT, "
        "is_public BOOL)"
    )
    con.executemany("INSERT INTO archive_article VALUES (?, ?, ?, ?)", ARTICLES)
    con.commit()
    con.close()
    return tmp_path


def test_it_indexes_only_the_public_articles(work):
    index, count, seconds = tantivy_baseline.build(work / "db.sqlite3", work / "tantivy")
    assert count == 3 and seconds > 0
    searcher = index.searcher()
    total, top = tantivy_baseline.search(index, searcher, ["draft"])
    assert (total, top) == (0, [])


def test_every_word_is_required_in_title_or_body_with_english_stems(work):
    index, _count, _s = tantivy_baseline.build(work / "db.sqlite3", work / "tantivy")
    searcher = index.searcher()
    total, top = tantivy_baseline.search(index, searcher, ["harbour", "board"])
    assert total == 2  # "harbours" and "boards" stem alike; 3 lacks "board", 4 is not public
    assert {pk for pk, _title, _snippet in top} == {1, 2}
    assert top[0][0] == 1  # both words in its title and body: the best BM25
    assert "<b>harbour</b>" in top[0][2] and "<b>board</b>" in top[0][2]


def test_words_are_never_read_as_query_syntax(work):
    index, _count, _s = tantivy_baseline.build(work / "db.sqlite3", work / "tantivy")
    searcher = index.searcher()
    assert tantivy_baseline.query_text(["title:x", 'a"b']) == '+"title:x" +"ab"'
    total, _top = tantivy_baseline.search(index, searcher, ["AND", "OR"])
    assert total == 0


def test_the_step_reports_build_and_latencies(work):
    queries = [["harbour"], ["harbour", "board"], ["nothing"]]
    result = tantivy_baseline.step_tantivy(work, queries, runs=2)
    assert result["articles"] == 3 and result["queries"] == 3 and result["zero_hits"] == 1
    assert result["bytes"] > 0 and result["build_s"] >= 0
    assert result["count"] == 6  # queries x runs
    assert 0 < result["p50_ms"] <= result["p95_ms"] <= result["max_ms"]
    assert result["version"].count(".") == 2
