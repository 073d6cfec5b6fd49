"""The benchmark runner (bench.run) end to end on a tiny N: every section, sane values.

No timing assertions: speed targets live in the benchmark, not in the tests.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import report, run, workload

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
N = 60


def need_corpora() -> Path:
    if not (CORPORA / "reuters21578.jsonl.gz").exists() or not (CORPORA / "bbc").is_dir():
        pytest.skip(f"third-party corpora not found in {CORPORA}")
    return CORPORA


def ladder(summary: dict) -> None:
    assert summary["count"] > 0
    assert 0 < summary["p50_ms"] <= summary["p95_ms"] <= summary["p99_ms"] <= summary["max_ms"]


@pytest.fixture(scope="module")
def result(tmp_path_factory) -> tuple[dict, Path]:
    corpora = need_corpora()
    tmp = tmp_path_factory.mktemp("bench")
    out = tmp / "results"
    argv = [
        "--n", str(N), "--runs", "1", "--out", str(out), "--work-dir", str(tmp / "work"),
        "--throughput-seconds", "2", "--queries-per-kind", "2", "--pages-per-kind", "2",
        "--shard-size", "25", "--editor-n", "30", "--icontains-queries", "3",
        "--story-originals", "4", "--story-cost-n", "20", "--story-cost-rounds", "1",
        "--corpora", str(corpora),
    ]  # fmt: skip
    assert run.main(argv) == 0
    latest = json.loads((out / "latest.json").read_text())
    return latest["results"][str(N)], out


@pytest.mark.slow
@pytest.mark.corpus
def test_runner_writes_every_section_with_sane_values(result):
    r, out = result
    assert {p.name for p in out.iterdir()} == {"latest.json", f"{N}-{r['date']}.json"}
    for key in ("corpus", "import", "rebuild_index", "search", "throughput", "editor"):
        assert r[key], key
    assert r["corpus"]["n"] == N and r["corpus"]["shards"] == 3  # 25 + 25 + 10
    assert r["import"]["imported"] == N
    assert r["import"]["failed"] == 0 and r["import"]["duplicates"] == 0
    assert r["import"]["articles_per_s"] > 0 and r["import"]["peak_rss_mb"] > 0
    assert r["rebuild_index"]["articles"] == N
    assert r["rebuild_index"]["index_bytes"] > 0 and r["rebuild_index"]["index_ratio"] > 0

    search = r["search"]
    assert search["errors"] == 0, search["error_examples"]
    for endpoint in ("api", "page"):
        assert set(search[endpoint]) == set(workload.SEARCH_KINDS)
        for summary in search[endpoint].values():
            ladder(summary)
            assert summary["errors"] == 0
    assert set(search["browse"]) == set(workload.PAGE_KINDS)
    for summary in search["browse"].values():
        ladder(summary)
    for key in ("all api", "all page", "list pages", "archive pages", "article page"):
        ladder(search[key])
    # queries are drawn to find something: most API answers have hits
    api = search["api"].values()
    assert sum(s["zero_hits"] for s in api) < sum(s["count"] for s in api) / 2

    tp = r["throughput"]
    assert tp["clients"] == 4 and tp["requests"] > 0 and tp["errors"] == 0 and tp["per_s"] > 0
    assert tp["p50_ms"] <= tp["p95_ms"] <= tp["p99_ms"] <= tp["max_ms"]
    assert r["errors"] == 0

    editor = r["editor"]
    assert editor["save_status"] == "imported"
    assert editor["searchable_s"] is not None and editor["searchable_s"] >= 0
    assert editor["bulk_imported"] + editor["bulk_duplicates"] == 30

    workers = r["server"]["workers_after_query_mix"]
    assert len(workers) == 2 and all(w["rss_mb"] > 0 for w in workers)

    base = r["baselines"]
    assert base["fts5"]["articles"] == N and base["fts5"]["queries"] == 6
    assert base["tantivy"]["articles"] == N and base["tantivy"]["queries"] == 6
    assert base["tantivy"]["bytes"] > 0 and base["tantivy"]["build_per_s"] > 0
    assert base["ratios"]["ours_p95_over_tantivy_p95"] > 0
    assert base["icontains"]["queries"] == 3
    keys = ("fts5", "tantivy", "icontains", "ours_on_fts5_queries", "ours_on_icontains_queries")
    for key in keys:
        assert base[key]["p50_ms"] <= base[key]["p95_ms"] <= base[key]["max_ms"]
    assert all(v is None or v > 0 for v in base["ratios"].values())

    ladder(r["group_story"])
    assert r["group_story"]["errors"] == 0
    stories = r["stories"]
    assert "error" not in stories, stories.get("error")
    assert stories["originals"] == 4 and stories["copies"] == 4 * 6
    assert 0 <= stories["precision"] <= 1 and 0 <= stories["recall"] <= 1
    assert stories["seeds_grouped"] == 0
    assert stories["lookup_p50_ms"] > 0 and stories["stories_on_over_off"] > 0
    cost = r["story_cost"]
    assert "error" not in cost, cost.get("error")
    assert [run["stories"] for run in cost["runs"]] == ["off", "on"]
    # each run imported the same new articles into its own copy of this N's database
    off, on = cost["runs"]
    assert off["imported"] == on["imported"] > 0 and off["failed"] == on["failed"] == 0
    assert on["band_rows"] > off["band_rows"]  # only stories on signed the new ones
    assert cost["on_over_off_median"] > 0
    assert ["import rate, stories on / off (x)", cost["on_over_off_median"]] == next(
        row[:2] for row in r["table"] if row[0].startswith("import rate, stories")
    )

    labels = [row[0] for row in r["table"]]
    assert set(labels) <= {label for label, _, _ in report.TARGETS.values()}
    assert "search API p95 (ms)" in labels and "bulk import, end to end (articles/s)" in labels
    assert all(row[3] in ("yes", "NO", "") for row in r["table"])
    assert r["cpu_anchor_ms_at_start"] > 0 and r["cpu_anchor_ms_at_end"] > 0
    anchor = f"CPU anchor {r['cpu_anchor_ms_at_start']:g} ms at start"
    assert anchor in report.markdown({"results": {str(N): r}})


@pytest.mark.slow
@pytest.mark.corpus
def test_cached_import_is_reused_and_the_editor_articles_trimmed(result, tmp_path):
    r, out = result
    work = Path(r["config"]["work_dir"])
    state = json.loads((work / str(N) / "state.json").read_text())
    count, max_id = run.db_count(work / str(N) / "db.sqlite3")
    assert count > N and max_id > state["max_id"]  # the editor step's articles are there
    removed = run.trim_to(work / str(N) / "db.sqlite3", state["max_id"])
    assert removed == count - N
    assert run.db_count(work / str(N) / "db.sqlite3") == (N, state["max_id"])


def test_percentiles_are_ordered_and_medians_keep_the_ladder():
    values = [0.001 * i for i in range(1, 101)]
    s = workload.summarize(values)
    assert (s["p50_ms"], s["p95_ms"], s["p99_ms"], s["max_ms"]) == (50.0, 95.0, 99.0, 100.0)
    assert workload.summarize([])["count"] == 0
    runs = [
        {"count": 3, "p50_ms": 5, "p95_ms": 9, "p99_ms": 9, "max_ms": 9, "errors": 0},
        {"count": 3, "p50_ms": 10, "p95_ms": 11, "p99_ms": 11, "max_ms": 30, "errors": 1},
        {"count": 3, "p50_ms": 12, "p95_ms": 8, "p99_ms": 8, "max_ms": 8, "errors": 0},
    ]
    m = workload.median_of(runs)
    assert m["count"] == 9 and m["errors"] == 1 and m["p50_ms"] == 10
    assert m["p50_ms"] <= m["p95_ms"] <= m["p99_ms"] <= m["max_ms"]


def test_readme_section_replaces_only_the_benchmarks_section(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# Archive\n\nIntro.\n\n## Benchmarks\n\nold table\n")
    report.update_readme({"results": {}}, readme)
    text = readme.read_text()
    assert text.startswith("# Archive\n\nIntro.\n\n## Benchmarks\n")
    assert "old table" not in text and text.count("## Benchmarks") == 1


def test_the_ab_summary_pairs_each_query_with_itself():
    from bench import ab

    def sample(side, path, ms, kind="1 word", status=200):
        return {"endpoint": "api", "kind": kind, "side": side, "path": path, "status": status,
                "ms": ms}  # fmt: skip

    # query a: new twice as slow; query b: the same; c: old side failed once (not counted)
    samples = [
        sample("old", "a", 10), sample("new", "a", 20), sample("old", "a", 10),
        sample("new", "a", 20), sample("old", "b", 40), sample("new", "b", 40),
        sample("old", "c", 30, status=500), sample("old", "c", 30), sample("new", "c", 33),
    ]  # fmt: skip
    summary = ab.summarise(samples)
    assert summary["errors"] == 1
    row = summary["kinds"]["api: 1 word"]
    assert row["queries"] == 3
    assert row["paired_ratio"] == 1.1  # the median of 2.0, 1.0 and 1.1
    assert (row["old_p50_ms"], row["new_p50_ms"]) == (10, 20)
    assert row["p50_ratio"] == 2.0
    assert row["old_p95_ms"] <= 40 and row["new_p95_ms"] == 40
    assert "| api: 1 word |" in ab.table(summary)
    assert set(summary["kinds"]) == {"api: 1 word", "api: all"}


@pytest.mark.slow
@pytest.mark.corpus
def test_the_ab_runs_two_servers_on_the_same_requests(result, tmp_path):
    """The same tree on both sides (two servers over the tiny bench's database): every
    request answered by both, a paired ratio for every kind."""
    from bench import ab

    r, _out = result
    work = Path(r["config"]["work_dir"])
    out = tmp_path / "ab.json"
    argv = [
        "--old", str(run.REPO), "--new", str(run.REPO), "--n", str(N), "--rounds", "1",
        "--per-kind", "1", "--old-work-dir", str(work), "--new-work-dir", str(work),
        "--out", str(out),
    ]  # fmt: skip
    assert ab.main(argv) == 0
    data = json.loads(out.read_text())
    assert data["summary"]["errors"] == 0
    kinds = data["summary"]["kinds"]
    assert "api: all" in kinds and "page: all" in kinds and "browse: all" in kinds
    assert all(k["paired_ratio"] > 0 and k["queries"] >= 1 for k in kinds.values())
    sides = {s["side"] for s in data["samples"]}
    assert sides == {"old", "new"}
