"""archive.ingest.parallel: order, bounded inline start, worker processes, bad documents."""

from archive.ingest import Limits
from archive.ingest.parallel import INLINE_FIRST, parse_document, parse_stream


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
