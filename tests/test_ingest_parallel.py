"""archive.ingest.parallel: order, bounded inline start, worker processes, bad documents."""

import json

from archive.ingest import Limits, parse, split_jsonl
from archive.ingest.parallel import INLINE_FIRST, JSONL_LINES, parse_document, parse_stream


def docs(n, *, bad_every=0):
    for i in range(n):
        if bad_every and i % bad_every == 0:
            yield (f"{i}.txt", None, "too big")
        else:
            yield (f"{i}.txt", f"Headline number {i}\n\nBody text of article {i}.\n".encode(), "")


def titles(results):
    return [outcomes[0].article.title if outcomes[0].article else outcomes[0].error
            for outcomes in results]  # fmt: skip


def test_results_come_in_input_order_through_worker_processes():
    n = INLINE_FIRST + 40
    results = list(parse_stream(docs(n), workers=2))
    assert titles(results) == [f"Headline number {i}" for i in range(n)]


def test_one_worker_parses_inline_with_the_same_result():
    n = INLINE_FIRST + 5
    assert titles(parse_stream(docs(n), workers=1)) == titles(parse_stream(docs(n), workers=2))


def test_unreadable_documents_become_errors_and_the_rest_go_on():
    results = list(parse_stream(docs(INLINE_FIRST + 20, bad_every=7), workers=2))
    assert results[0][0].error == "too big" and results[0][0].article is None
    assert results[1][0].article.title == "Headline number 1"
    assert sum(1 for r in results if r[0].error) == len(range(0, INLINE_FIRST + 20, 7))


def test_parse_document_never_raises():
    outcomes = parse_document(("x.bin", b"\x00\x01" * 10, ""), "auto", "", Limits())
    assert outcomes[0].article is None and outcomes[0].error


def test_finish_runs_where_each_document_was_parsed_in_worker_processes():
    from archive.sanitize import clean_ahead, clean_html

    n = INLINE_FIRST + 10
    for outcomes in parse_stream(docs(n), workers=2, finish=clean_ahead):
        article = outcomes[0].article
        assert article.cleaned[article.body_html] == clean_html(article.body_html)
        assert article.cleaned[article.title] == clean_html(article.title)


def _broken_finish(outcomes):
    raise RuntimeError("finish failed")


def test_a_failing_finish_loses_no_document():
    n = INLINE_FIRST + 5
    results = list(parse_stream(docs(n), workers=2, finish=_broken_finish))
    assert titles(results) == [f"Headline number {i}" for i in range(n)]
    assert all(r[0].article.cleaned == {} for r in results)


def jsonl(n: int) -> bytes:
    lines = []
    for i in range(n):
        if i % 17 == 5:
            lines.append("{not json")
        elif i % 23 == 7:
            lines.append("")
        else:
            lines.append(json.dumps({"title": f"Story {i}", "body": f"Text of story {i}."}))
    return "\n".join(lines).encode()


def summary(outcomes):
    return [(o.name, o.error, o.article.title if o.article else None) for o in outcomes]


def test_a_json_lines_file_is_parsed_in_chunks_with_the_outcomes_of_one_parse():
    data = jsonl(JSONL_LINES * 3 + 7)
    whole = parse(data, name="export.jsonl")
    lists = list(parse_stream([("export.jsonl", data, "")], workers=2))
    assert len(lists) == 4  # one list per chunk of lines
    assert summary([o for outcomes in lists for o in outcomes]) == summary(whole)
    assert any(o.error and o.error.startswith("line 6:") for o in whole)


def test_chunks_spread_over_the_workers_in_order():
    data = jsonl(INLINE_FIRST * 3)
    docs = [("a.jsonl", data, ""), ("b.txt", b"Title\n\nSome text here.\n", "")]
    lists = list(parse_stream(docs, workers=2))
    names = [o.name for outcomes in lists for o in outcomes]
    assert names[-1] == "b.txt" and names[:2] == ["a.jsonl:1", "a.jsonl:2"]


def test_only_json_lines_are_split():
    assert split_jsonl(b"Title\n\nBody text.\n", name="a.txt") is None
    assert split_jsonl(b"\n\n", name="empty.jsonl") is None  # parse() says "empty file"
    assert split_jsonl(b'{"title": "x"}\n', name="a.txt", format="text") is None
    assert split_jsonl(b'{"title": "x", "body": "y"}\n', name="a.txt") == [
        (1, '{"title": "x", "body": "y"}\n')
    ]


def _die_in_a_worker(outcomes):
    import multiprocessing
    import os

    if multiprocessing.parent_process() is not None:  # a pool worker, not the importer
        os._exit(1)


def test_documents_survive_dead_workers():
    n = INLINE_FIRST + 30
    results = list(parse_stream(docs(n), workers=2, finish=_die_in_a_worker))
    assert titles(results) == [f"Headline number {i}" for i in range(n)]
