"""The numpy query engine and the one-pass analyzer against Whoosh's own answers.

search.backend reads Whoosh's posting lists itself and evaluates queries on whole arrays; its
analyzer replaces a chain of Whoosh filters. Both must agree with Whoosh exactly: the same
postings, the same matching documents, the same BM25F scores, the same terms and positions.
These tests build real Whoosh indexes (several segments, with deletions) from news text.
"""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest
from whoosh import query as wq
from whoosh.fields import ID, KEYWORD, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.formats import Positions
from whoosh.qparser import QueryParser
from whoosh.writing import NO_MERGE

from search.backend import _text_field, name_analyzer
from search.backend.analysis import FoldedStemAnalyzer, FoldedStemPositions, whoosh_chain
from search.backend.columns import SegmentStore
from search.backend.engine import (
    Near,
    Segments,
    UnsupportedQuery,
    evaluate,
    fuzzy_terms,
    query_parser,
    top,
)
from search.backend.postings import read_postings
from tests.conftest import CORPORA

PARAGRAPHS = [
    "Prime Minister Theresa May said the negotiations with Brussels would continue.",
    "The Bank of England raised interest rates for the first time in a decade.",
    "Oil prices fell sharply after OPEC failed to agree on production cuts.",
    "Négociations à Genève: the café owners of Zürich met Plötner's delegation.",
    "Shares in Japanese car makers rose as the yen weakened against the dollar.",
    "The prime minister's spokesman declined to comment on the leaked memo.",
    "U.S. officials said the talks on arms control were 'constructive' and frank.",
    "Grain exports from Argentina hit a record, the agriculture ministry said.",
    "The central bank kept its key rate unchanged, citing weak demand and oil.",
    "Rates, rates and more rates: the minister spoke of little else at the summit.",
]


def _texts(corpora_dir=None, limit=400) -> list[str]:
    texts = list(PARAGRAPHS)
    if corpora_dir is not None:
        files = sorted((corpora_dir / "bbc").glob("*/*.txt"))[:limit]
        texts += [f.read_text(encoding="latin-1") for f in files]
    return texts


def _schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True),
        text=_text_field(),
        title=_text_field(2.0),
        author=TEXT(analyzer=name_analyzer()),
        tags=KEYWORD(commas=True, lowercase=False, scorable=False),
    )


@pytest.fixture(scope="module")
def index(tmp_path_factory, request):
    """An index of news paragraphs in four segments, a few documents deleted (built once
    for the module: the tests only read it)."""
    if request.param and not CORPORA.is_dir():
        pytest.skip("../shared/corpora is absent")
    texts = _texts(CORPORA if request.param else None)
    rng = random.Random(7)
    ix = FileStorage(str(tmp_path_factory.mktemp("engine"))).create_index(_schema())
    docs = list(enumerate(itertools.islice(itertools.cycle(texts), max(60, len(texts)))))
    for part in np.array_split(np.arange(len(docs)), 4):
        with ix.writer() as writer:
            writer.mergetype = NO_MERGE
            for i in part:
                n, text = docs[i]
                writer.add_document(
                    id=str(n),
                    text=text + f" {n}",
                    title=text[:60],
                    author=rng.choice(["Ann Writer", "Bob Plötner", "Chen Wei"]),
                    tags=",".join(rng.sample(["europe", "oil", "markets", "asia"], 2)),
                )
    with ix.writer() as writer:
        writer.mergetype = NO_MERGE
        for n in (3, 17, 42):
            writer.delete_by_term("id", str(n))
    return ix


def _whoosh_scores(searcher, q) -> dict[int, float]:
    results = searcher.search(q, limit=None)
    return {hit.docnum: hit.score for hit in results}


def _ours(searcher, q) -> dict[int, float]:
    segs = Segments(searcher, SegmentStore(postings_bytes=8 * 1024 * 1024))
    found = evaluate(q, segs)
    live = np.array([not searcher.reader().is_deleted(int(d)) for d in found.ids], dtype=bool)
    return {int(d): float(s) for d, s in zip(found.ids[live], found.scores[live], strict=True)}


QUERIES = [
    "rates",
    "prime minister",
    "oil OR grain",
    "bank -england",
    "title:minister",
    "author:plotner",
    "rates bank OR oil",
    "zurich",
    "nosuchword",
]


@pytest.mark.parametrize("index", [False, True], indirect=True, ids=["paragraphs", "bbc"])
def test_decoded_postings_are_whoosh_postings(index):
    with index.searcher() as searcher:
        for leaf, _offset in searcher.reader().leaf_readers():
            for fieldname in ("text", "title", "author", "tags"):
                for term in list(leaf.lexicon(fieldname))[:300]:
                    ours = read_postings(leaf, fieldname, term, positions=True)
                    # Whoosh's matcher skips deleted documents; the arrays keep them.
                    live = [i for i, d in enumerate(ours.ids) if not leaf.is_deleted(int(d))]
                    matcher = leaf.postings(fieldname, term)
                    ids, weights, values = [], [], []
                    while matcher.is_active():
                        ids.append(matcher.id())
                        weights.append(matcher.weight())
                        values.append(matcher.value())
                        matcher.next()
                    assert ours.ids[live].tolist() == ids
                    assert np.allclose(ours.weights[live], weights)
                    if fieldname in ("text", "title"):
                        decode = leaf.schema[fieldname].format.decode_positions
                        owner, flat = ours.positions_of(np.asarray(live, dtype=np.int64))
                        got = [flat[owner == i].tolist() for i in range(len(live))]
                        assert got == [decode(v) for v in values]


@pytest.mark.parametrize("index", [False, True], indirect=True, ids=["paragraphs", "bbc"])
@pytest.mark.parametrize("text", QUERIES)
def test_matches_and_scores_are_whoosh_bm25f(index, text):
    parser = QueryParser("text", schema=index.schema)
    q = parser.parse(text)
    with index.searcher() as searcher:
        theirs, ours = _whoosh_scores(searcher, q), _ours(searcher, q)
    assert ours.keys() == theirs.keys()
    for docnum, score in theirs.items():
        assert ours[docnum] == pytest.approx(score, rel=1e-5)


@pytest.mark.parametrize("index", [False, True], indirect=True, ids=["paragraphs", "bbc"])
@pytest.mark.parametrize(
    "text", ['"prime minister"', '"bank of england"', '"minister prime"', '"oil prices fell"']
)
def test_phrases_match_the_documents_whoosh_matches(index, text):
    q = QueryParser("text", schema=index.schema).parse(text)
    with index.searcher() as searcher:
        assert _ours(searcher, q).keys() == _whoosh_scores(searcher, q).keys()


@pytest.mark.parametrize("index", [False], indirect=True)
def test_a_prefix_matches_every_word_it_begins(index):
    q = wq.Prefix("text", "negoti")
    with index.searcher() as searcher:
        assert _ours(searcher, q).keys() == _whoosh_scores(searcher, q).keys() != set()


@pytest.mark.parametrize("index", [False], indirect=True)
def test_top_ranks_by_score_then_document_number(index):
    q = QueryParser("text", schema=index.schema).parse("rates OR oil")
    with index.searcher() as searcher:
        found = evaluate(q, Segments(searcher, SegmentStore(postings_bytes=1 << 20)))
    keep = np.ones(len(found), dtype=bool)
    ids, scores = top(found, keep, 5)
    expected = sorted(zip(found.scores, found.ids, strict=True), key=lambda p: (-p[0], p[1]))[:5]
    assert list(zip(scores, ids, strict=True)) == expected


@pytest.mark.parametrize("index", [False], indirect=True)
def test_a_query_type_the_engine_does_not_know_raises_when_strict_and_is_logged_else(index, caplog):
    q = wq.TermRange("text", "oil", "rates")  # our parser never emits one
    with index.searcher() as searcher:
        with pytest.raises(UnsupportedQuery, match="TermRange"):
            evaluate(q, Segments(searcher, SegmentStore(postings_bytes=1 << 20), strict=True))
        found = evaluate(q, Segments(searcher, SegmentStore(postings_bytes=1 << 20)))
        assert set(found.ids) == _whoosh_scores(searcher, q).keys() != set()
    assert "TermRange query answered by Whoosh's matchers" in caplog.text


# --- the operators of issue 19: proximity, fuzzy words, grouping -------------------------------

NEAR_PAIRS = [("prime", "minister"), ("rates", "bank"), ("oil", "prices"), ("minister", "said")]


def _stems(schema, *words):
    return [t.text for w in words for t in schema["text"].analyzer(w, mode="query")]


@pytest.mark.parametrize("index", [False, True], indirect=True, ids=["paragraphs", "bbc"])
@pytest.mark.parametrize("pair", NEAR_PAIRS)
@pytest.mark.parametrize("slop", [1, 3, 8])
def test_two_words_near_are_whooshs_phrases_of_either_order(index, pair, slop):
    a, b = _stems(index.schema, *pair)
    theirs = wq.Or([wq.Phrase("text", [a, b], slop=slop), wq.Phrase("text", [b, a], slop=slop)])
    with index.searcher() as searcher:
        ours = _ours(searcher, Near("text", [a, b], slop=slop))
        assert ours.keys() == _whoosh_scores(searcher, theirs).keys()


@pytest.mark.parametrize("index", [False, True], indirect=True, ids=["paragraphs", "bbc"])
@pytest.mark.parametrize("words", [("bank", "raised", "rates"), ("minister", "said", "would")])
def test_more_words_near_hold_every_ordered_phrase_whoosh_finds(index, words):
    stems = _stems(index.schema, *words)
    with index.searcher() as searcher:
        ours = _ours(searcher, Near("text", stems, slop=4)).keys()
        for order in itertools.permutations(stems):
            assert _whoosh_scores(searcher, wq.Phrase("text", list(order), slop=4)).keys() <= ours


@pytest.mark.parametrize("index", [False, True], indirect=True, ids=["paragraphs", "bbc"])
@pytest.mark.parametrize(
    "text", ["ministr~", "ministr~2", "rats~1/1", "negotiatons~2/2", "title:minster~", "nosuch~"]
)
def test_fuzzy_words_match_as_whooshs_and_score_as_the_words_they_stand_for(index, text):
    q = query_parser("text", index.schema).parse(text)
    assert isinstance(q, wq.FuzzyTerm)
    with index.searcher() as searcher:
        assert _ours(searcher, q).keys() == _whoosh_scores(searcher, q).keys()
        reader = searcher.reader()
        words = reader.terms_within(q.fieldname, q.text, q.maxdist, prefix=q.prefixlength)
        theirs = _whoosh_scores(searcher, wq.Or([wq.Term(q.fieldname, w) for w in set(words)]))
        ours = _ours(searcher, q)
    assert ours.keys() == theirs.keys()
    for docnum, score in theirs.items():
        assert ours[docnum] == pytest.approx(score, rel=1e-5)


@pytest.mark.parametrize("index", [False], indirect=True)
def test_a_fuzzy_word_expands_to_at_most_the_policys_most_frequent_words(index):
    from search.policy import SearchPolicy

    q = wq.FuzzyTerm("text", "rate", maxdist=2, prefixlength=1)
    with index.searcher() as searcher:
        reader = searcher.reader()
        segs = Segments(searcher, SegmentStore(postings_bytes=1 << 20),
                        policy=SearchPolicy(fuzzy_terms=1))  # fmt: skip
        words = set(reader.terms_within("text", "rate", 2, prefix=1))  # Whoosh's own
        assert set(fuzzy_terms(segs, "text", "rate", 2, 1)) == words and len(words) > 1
        best = max(words, key=lambda w: (reader.doc_frequency("text", w), w))
        found = evaluate(q, segs)
        live = {d for d in found.ids.tolist() if not reader.is_deleted(d)}
        assert live == _whoosh_scores(searcher, wq.Term("text", best)).keys()


@pytest.mark.parametrize("index", [False, True], indirect=True, ids=["paragraphs", "bbc"])
@pytest.mark.parametrize(
    "text",
    ["(rates OR oil) AND NOT bank", "prime AND (minister OR bank) OR grain",
     "(oil AND (prices OR demand)) OR (rates AND NOT (england OR decade))",
     "title:(minister OR bank) rates", "NOT (oil OR rates) AND minister"],
)  # fmt: skip
def test_grouped_queries_match_and_score_as_whooshs(index, text):
    q = query_parser("text", index.schema).parse(text)
    with index.searcher() as searcher:
        theirs, ours = _whoosh_scores(searcher, q), _ours(searcher, q)
    assert ours.keys() == theirs.keys()
    for docnum, score in theirs.items():
        assert ours[docnum] == pytest.approx(score, rel=1e-5)


def _tokens(analyzer, text, **kwargs):

    return [
        (t.text, getattr(t, "pos", None), getattr(t, "startchar", None), t.stopped)
        for t in analyzer(text, **kwargs)
    ]


ANALYZER_CALLS = [
    {},
    {"positions": True},
    {"positions": True, "chars": True},
    {"positions": True, "removestops": False},
    {"mode": "query"},
    {"tokenize": False},
    {"no_morph": True, "chars": True},
]
ODD_TEXTS = [
    "",
    "the of and",
    "The Japan Fund said it had an offer",
    "A.B.C. U.S. e.g. 3.5 x y",
    "İstanbul ǅemal Straße ÆSIR naïve façade",
    "négociations négocier negotiating negotiations",
]


@pytest.mark.parametrize("kwargs", ANALYZER_CALLS)
def test_the_analyzer_makes_the_tokens_of_whooshs_chain(kwargs):
    fast, chain = FoldedStemAnalyzer(), whoosh_chain()
    for text in PARAGRAPHS + ODD_TEXTS:
        assert _tokens(fast, text, **kwargs) == _tokens(chain, text, **kwargs), text


def test_the_analyzer_agrees_with_the_chain_on_real_news(corpora):
    fast, chain = FoldedStemAnalyzer(), whoosh_chain()
    old, new = Positions(field_boost=2.0), FoldedStemPositions(field_boost=2.0)
    for text in _texts(corpora, limit=300):
        assert _tokens(fast, text, chars=True) == _tokens(chain, text, chars=True)
        assert sorted(new.word_values(text, fast)) == sorted(old.word_values(text, chain))


def test_the_analyzer_survives_the_schema_pickle():
    import pickle

    analyzer = pickle.loads(pickle.dumps(FoldedStemAnalyzer()))
    assert [t.text for t in analyzer("Negotiations in Zürich")] == ["negoti", "zurich"]


def test_the_codec_writes_what_whooshs_own_writes(tmp_path):
    """ArchiveCodec only reads lengths faster while writing: the postings are the same."""
    from search.backend.writing import ArchiveCodec

    indexes = []
    for name, codec in (("w3", None), ("ours", ArchiveCodec())):
        (tmp_path / name).mkdir()
        ix = FileStorage(str(tmp_path / name)).create_index(_schema())
        with ix.writer(codec=codec) as writer:
            for n, text in enumerate(PARAGRAPHS * 3):
                writer.add_document(id=str(n), text=text, title=text[:40], author="Ann")
        indexes.append(ix)
    readers = [ix.reader() for ix in indexes]
    for fieldname in ("text", "title", "author"):
        terms = list(readers[0].lexicon(fieldname))
        assert terms == list(readers[1].lexicon(fieldname))
        for term in terms:
            a, b = (r.term_info(fieldname, term) for r in readers)
            assert (a.weight(), a.doc_frequency(), a.min_length(), a.max_length()) == (
                b.weight(), b.doc_frequency(), b.min_length(), b.max_length()
            )  # fmt: skip
            (ma, la), (mb, lb) = a.extent(), b.extent()
            files = [r._terms._postfile for r in readers]
            la, lb = (n[0] if isinstance(n, tuple) else n for n in (la, lb))
            assert files[0].get(ma, la) == files[1].get(mb, lb)  # the bytes on disk


@pytest.mark.parametrize("index", [False, True], indirect=True, ids=["paragraphs", "bbc"])
def test_key_terms_are_whooshs_bo1_key_terms(index):
    from search.backend.engine import key_terms

    with index.searcher() as searcher:
        segs = Segments(searcher, SegmentStore(postings_bytes=1 << 20))
        for text in PARAGRAPHS[:5] + _texts(CORPORA if CORPORA.is_dir() else None)[-3:]:
            theirs = searcher.key_terms_from_text("text", text, numterms=5, normalize=False)
            ours = key_terms(segs, "text", text, 5)
            assert [t for t, _w in ours] == [t for t, _w in theirs]
            assert [w for _t, w in ours] == pytest.approx([w for _t, w in theirs])


def test_a_spilling_pool_writes_what_an_in_memory_pool_writes(tmp_path):
    """SpillingPool writes sorted runs to disk in chunks once over its limit; the segment it
    makes must be the one an unspilled pool makes."""
    from search.backend.writing import SpillingPool

    indexes = []
    for name, limit in (("memory", None), ("spilled", 4096)):
        (tmp_path / name).mkdir()
        ix = FileStorage(str(tmp_path / name)).create_index(_schema())
        writer = ix.writer()
        if limit:
            writer.pool = SpillingPool(writer._tempstorage, writer.newsegment)
            writer.pool.limit = limit  # bytes: a run every few documents
        with writer:
            for n, text in enumerate(PARAGRAPHS * 5):
                writer.add_document(id=str(n), text=text, title=text[:40], author="Ann")
            spilled = len(writer.pool.runs)
        if limit:
            assert spilled > 5  # it did spill, and the runs are gone after the commit
            assert not list(tmp_path.glob(f"{name}/**/*.run"))
        indexes.append(ix)
    readers = [ix.reader() for ix in indexes]
    for fieldname in ("text", "title", "author", "id"):
        terms = list(readers[0].lexicon(fieldname))
        assert terms == list(readers[1].lexicon(fieldname))
        for term in terms:
            a, b = (read_postings(r, fieldname, term, positions=True) for r in readers)
            assert a.ids.tolist() == b.ids.tolist() and a.weights.tolist() == b.weights.tolist()
            assert a.values == b.values


def test_a_parallel_writer_writes_every_document_in_one_segment_a_worker(tmp_path):
    from search.backend.writing import ParallelWriter

    ix = FileStorage(str(tmp_path)).create_index(_schema())
    writer = ParallelWriter(ix, procs=2, limitmb=16)
    for n in range(ParallelWriter.BATCH * 3 + 7):
        writer.add_document(id=str(n), text=PARAGRAPHS[n % len(PARAGRAPHS)], author="Ann")
    writer.commit()
    assert len(list(tmp_path.glob("*.seg"))) == 2
    with ix.searcher() as searcher:
        assert searcher.doc_count() == ParallelWriter.BATCH * 3 + 7
        q = QueryParser("text", schema=ix.schema).parse("rates")
        assert _ours(searcher, q).keys() == _whoosh_scores(searcher, q).keys() != set()


def test_a_dead_worker_fails_the_commit_and_leaves_the_index_as_it_was(tmp_path):
    from search.backend.writing import ParallelWriter

    ix = FileStorage(str(tmp_path)).create_index(_schema())
    with ix.writer() as writer:
        writer.add_document(id="kept", text="Grain exports rose.")
    writer = ParallelWriter(ix, procs=2, limitmb=16)
    for n in range(ParallelWriter.BATCH + 5):
        writer.add_document(id=str(n), text="Oil prices fell.")
    writer.add_document(id="bad", no_such_field="a worker raises on this one")
    with pytest.raises(RuntimeError, match="worker"):
        writer.commit()
    assert ix.doc_count() == 1  # nothing of the failed run
    with ix.writer() as writer:  # and the lock was released
        writer.add_document(id="after", text="Wheat.")
    assert ix.doc_count() == 2


def test_batch_commits_merge_segments_of_like_size_and_never_a_big_one(tmp_path):
    from search.backend import batch_merge
    from search.policy import SearchPolicy

    policy = SearchPolicy(merge_max_docs=40)
    ix = FileStorage(str(tmp_path)).create_index(_schema())

    def commit(n_docs, tag):
        writer = ix.writer()
        for n in range(n_docs):
            writer.add_document(id=f"{tag}-{n}", text=PARAGRAPHS[n % len(PARAGRAPHS)])
        writer.commit(mergetype=batch_merge(policy))

    def sizes():
        return sorted(s.doc_count_all() for s in ix._segments())

    factor = policy.tier_factor
    commit(45, "big")  # over merge_max_docs: never rewritten
    for k in range(factor):
        commit(2, f"small{k}")
    assert sizes() == [2] * factor + [45]
    commit(2, "next")  # its commit merges the four small segments into its own
    assert sizes() == [2 * factor + 2, 45]
    for k in range(factor * 3):
        commit(2, f"more{k}")
    assert max(sizes()[:-1]) <= 40 and sizes()[-1] == 45  # never over merge_max_docs
    assert ix.doc_count() == 45 + 2 * (factor * 4 + 1)
