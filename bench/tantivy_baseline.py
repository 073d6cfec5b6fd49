"""The tantivy baseline: a Rust BM25 engine (PyPI `tantivy`), in-process, over the same public
articles and the same 1-3 word queries as FTS5 (bench.run.step_fts5), as the near-limit
reference.

Each query is what the archive's API answers for it, as far as an engine does it: every word
required (in the title or the body, English stems as FTS5's porter), the match count, the
top 20 by BM25 with their stored fields, and a highlighted body snippet for each. Nothing
here imports Django: articles are read from the benchmark's SQLite file.
"""

from __future__ import annotations

import shutil
import sqlite3
import time
from importlib import metadata
from pathlib import Path

import tantivy

from bench import workload

TOP = 20
HEAP_BYTES = 128_000_000  # tantivy's own default writer budget
SNIPPET_CHARS = 240  # about the archive's snippet length


def schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", stored=True, indexed=True)
    builder.add_text_field("title", stored=True, tokenizer_name="en_stem")
    builder.add_text_field("body", stored=True, tokenizer_name="en_stem")
    return builder.build()


def query_text(words: list[str]) -> str:
    """Every word required, each as a quoted term (so no word is read as syntax)."""
    return " ".join('+"' + w.replace('"', "") + '"' for w in words)


def build(db_path: Path, index_dir: Path) -> tuple[tantivy.Index, int, float]:
    """A fresh index of the public articles: (index, articles, seconds)."""
    shutil.rmtree(index_dir, ignore_errors=True)
    index_dir.mkdir(parents=True)
    index = tantivy.Index(schema(), path=str(index_dir))
    started = time.perf_counter()
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    count = 0
    try:
        writer = index.writer(HEAP_BYTES)
        rows = con.execute("SELECT id, title, body_text FROM archive_article WHERE is_public")
        for pk, title, body in rows:
            writer.add_document(tantivy.Document(id=pk, title=title, body=body))
            count += 1
        writer.commit()
        writer.wait_merging_threads()
    finally:
        con.close()
    index.reload()
    return index, count, time.perf_counter() - started


def search(index: tantivy.Index, searcher, words: list[str]) -> tuple[int, list[tuple]]:
    """(matches, [(id, title, snippet html)] of the top 20)."""
    query = index.parse_query(query_text(words), ["title", "body"])
    result = searcher.search(query, TOP, count=True)
    snippets = tantivy.SnippetGenerator.create(searcher, query, index.schema, "body")
    snippets.set_max_num_chars(SNIPPET_CHARS)
    top = []
    for _score, address in result.hits:
        doc = searcher.doc(address)
        top.append((doc["id"][0], doc["title"][0], snippets.snippet_from_doc(doc).to_html()))
    return result.count, top


def step_tantivy(work: Path, word_queries: list[list[str]], runs: int) -> dict:
    """Build time, index size, and the queries' p50/p95 (median of `runs` runs)."""
    index_dir = work / "tantivy"
    index, count, build_s = build(work / "db.sqlite3", index_dir)
    searcher = index.searcher()
    if word_queries:
        search(index, searcher, word_queries[0])  # warm the page cache once, as icontains does
    per_run: list[dict] = []
    counts: list[int] = []
    for _ in range(runs):
        seconds, counts = [], []
        for words in word_queries:
            started = time.perf_counter()
            total, _top = search(index, searcher, words)
            seconds.append(time.perf_counter() - started)
            counts.append(total)
        per_run.append(workload.summarize(seconds))
    return {
        "articles": count,
        "build_s": round(build_s, 2),
        "build_per_s": round(count / build_s, 1) if build_s else None,
        "bytes": sum(p.stat().st_size for p in index_dir.rglob("*") if p.is_file()),
        "queries": len(word_queries),
        "zero_hits": sum(1 for c in counts if c == 0),
        "version": metadata.version("tantivy"),
        **workload.median_of(per_run),
    }
