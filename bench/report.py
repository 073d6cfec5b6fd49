"""The benchmark's report: the table against the issue's targets, per-kind latencies, the
JSON results files and the README's `## Benchmarks` section (bench.run measures; this
module only reads what it measured)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sys
from pathlib import Path

from bench.workload import SEARCH_KINDS

README = Path(__file__).resolve().parents[1] / "README.md"


TARGETS = {  # key -> (label, target text, ok(measured)); the targets at N = 100,000
    "import": ("bulk import, end to end (articles/s)", ">= 150", lambda v: v >= 150),
    "import_deferred": ("import, index deferred (articles/s)", "info", None),
    "rebuild": ("rebuild_index (articles/s)", ">= 250", lambda v: v >= 250),
    "index_ratio": ("index size / raw text", "<= 1.5", lambda v: v <= 1.5),
    "api_p50": ("search API p50 (ms)", "<= 50", lambda v: v <= 50),
    "api_p95": ("search API p95 (ms)", "<= 150", lambda v: v <= 150),
    "page_p50": ("search page p50 (ms)", "<= 50", lambda v: v <= 50),
    "page_p95": ("search page p95 (ms)", "<= 150", lambda v: v <= 150),
    "empty_api_p95": ("empty query + filters, API p95 (ms)", "<= 50", lambda v: v <= 50),
    "empty_page_p95": ("empty query + filters, page p95 (ms)", "<= 50", lambda v: v <= 50),
    "empty_dates_api_p95": ("empty query, half-year dates, API p95", "<= 50", lambda v: v <= 50),
    "first_search": ("first searches after a start (ms)", "<= 1000", lambda v: v <= 1000),
    "list_p95": ("list pages p95 (ms)", "<= 50", lambda v: v <= 50),
    "archive_p95": ("date archive pages p95 (ms)", "<= 50", lambda v: v <= 50),
    "article_p95": ("article page p95 (ms)", "<= 40", lambda v: v <= 40),
    "throughput": ("searches/s, 4 clients, 2 workers", ">= 25", lambda v: v >= 25),
    "errors": ("errors (non-200), all steps", "0", lambda v: v == 0),
    "editor": ("editor's save searchable (s)", "<= 2", lambda v: v is not None and v <= 2),
    "worker_rss": ("server worker RSS, max (MB)", "<= 300", lambda v: v <= 300),
    "group_story_p95": ("group=story search p95 (ms)", "<= 150", lambda v: v <= 150),
    "stories_import": ("import rate, stories on / off (x)", ">= 0.9", lambda v: v >= 0.9),
    "story_lookup": ("story look-up at save, p50 (ms)", "<= 2", lambda v: v <= 2),
    "story_precision": ("story grouping precision (pairs)", "info", None),
    "story_recall": ("story grouping recall (pairs)", "info", None),
    "vs_icontains": ("icontains p50 / ours p50 (x)", ">= 20", lambda v: v >= 20),
    "vs_fts5": ("ours p95 / FTS5 p95 (x)", "<= 10", lambda v: v <= 10),
    "vs_tantivy": ("ours p95 / tantivy p95 (x)", "<= 10", lambda v: v <= 10),
    "tantivy_p95": ("tantivy p95, count + top 20 + snippets (ms)", "info", None),
    "tantivy_build": ("tantivy index build (articles/s)", "info", None),
}


def table_rows(r: dict) -> list[list]:
    q = r["search"]
    measured = {
        "import": (
            r["editor"]["bulk_per_s"]
            if r["import"].get("mode", "end to end") != "end to end"
            else r["import"]["articles_per_s"]
        ),
        "import_deferred": (
            r["import"]["articles_per_s"]
            if r["import"].get("mode", "end to end") != "end to end"
            else None
        ),
        "rebuild": r["rebuild_index"]["articles_per_s"],
        "index_ratio": r["rebuild_index"]["index_ratio"],
        "api_p50": q["all api"].get("p50_ms"),
        "api_p95": q["all api"].get("p95_ms"),
        "page_p50": q["all page"].get("p50_ms"),
        "page_p95": q["all page"].get("p95_ms"),
        "empty_api_p95": q["api"].get("empty + filters", {}).get("p95_ms"),
        "empty_page_p95": q["page"].get("empty + filters", {}).get("p95_ms"),
        # (results from before issue 18's figures have none of these)
        "empty_dates_api_p95": q["api"].get("empty + dates", {}).get("p95_ms"),
        "first_search": r["server"].get("first_searches", {}).get("max_ms"),
        "list_p95": q["list pages"].get("p95_ms"),
        "archive_p95": q["archive pages"].get("p95_ms"),
        "article_p95": q["article page"].get("p95_ms"),
        "throughput": r["throughput"]["per_s"],
        "errors": r["errors"],
        "editor": r["editor"]["searchable_s"],
        "worker_rss": r["server"]["max_worker_rss_mb"],
        # (results from before stories were measured have none of these)
        "group_story_p95": r.get("group_story", {}).get("p95_ms"),
        # the import on top of N (step_story_cost); older results: bench/stories.py's set,
        # saved one by one in one process
        "stories_import": r.get("story_cost", {}).get("on_over_off_median")
        or r.get("stories", {}).get("stories_on_over_off"),
        "story_lookup": r.get("stories", {}).get("lookup_p50_ms"),
        "story_precision": r.get("stories", {}).get("precision"),
        "story_recall": r.get("stories", {}).get("recall"),
        "vs_icontains": r["baselines"]["ratios"]["icontains_p50_over_ours_p50"],
        "vs_fts5": r["baselines"]["ratios"]["ours_p95_over_fts5_p95"],
        # (results from before tantivy was measured have none of these)
        "vs_tantivy": r["baselines"]["ratios"].get("ours_p95_over_tantivy_p95"),
        "tantivy_p95": r["baselines"].get("tantivy", {}).get("p95_ms"),
        "tantivy_build": r["baselines"].get("tantivy", {}).get("build_per_s"),
    }
    rows = []
    for key, (label, target, ok) in TARGETS.items():
        value = measured[key]
        if ok is None:
            if value is not None:
                rows.append([label, value, target, ""])
            continue
        try:
            good = bool(ok(value)) if value is not None else False
        except TypeError:
            good = False
        rows.append([label, value, target, "yes" if good else "NO"])
    return rows


def format_table(rows: list[list], headers=("what", "measured", "target", "ok?")) -> str:
    cells = [list(map(str, headers))] + [
        [str(c if c is not None else "n/a") for c in row] for row in rows
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = [" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def kind_rows(r: dict) -> list[list]:
    rows = []
    for kind in SEARCH_KINDS:
        for endpoint in ("api", "page"):
            s = r["search"][endpoint].get(kind)
            if s:
                rows.append(
                    [f"{endpoint} {kind}", s["p50_ms"], s["p95_ms"], s["p99_ms"], s["max_ms"],
                     s["errors"]]
                )  # fmt: skip
    for kind, s in r["search"]["browse"].items():
        rows.append([f"page {kind}", s["p50_ms"], s["p95_ms"], s["p99_ms"], s["max_ms"],
                     s["errors"]])  # fmt: skip
    return rows


KIND_HEADERS = ("request", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors")


def markdown(latest: dict) -> str:
    """The README's `## Benchmarks` section, from latest.json."""
    out = ["## Benchmarks", ""]
    results = latest.get("results", {})
    if not results:
        return "\n".join(out + ["No results yet: run `make bench`.", ""])
    some = next(iter(results.values()))
    m = some["machine"]
    out += [
        "`make bench` (`python -m bench.run --n 10000 --n 100000`) imports, indexes, serves and "
        "searches N generated articles in a fresh SQLite database and Whoosh index, against a real "
        "gunicorn with 2 workers; see `bench/README.md`. Targets are the issue's, for N = 100,000. "
        "Latencies are medians of the runs' percentiles.",
        "",
        f"Machine: {m['nproc']} cores ({m['cpu']}), {m['ram_gb']} GB RAM, {m['platform']}, "
        f"Python {m['python']}, SQLite {m['sqlite']}, Whoosh {m['whoosh']}, "
        f"Django {m['django']}; commit {m['commit']}.",
        "",
    ]
    ns = sorted(results, key=int)
    rows = {n: {row[0]: row for row in table_rows(results[n])} for n in ns}
    header = "| what | " + " | ".join(f"N = {int(n):,} ({results[n]['date']})" for n in ns)
    out.append(header + " | target |")
    out.append("|---" * (len(ns) + 2) + "|")
    for label, target, _ok in TARGETS.values():
        if not any(label in rows[n] for n in ns):
            continue
        cells = []
        for n in ns:
            row = rows[n].get(label)
            value = row[1] if row else None
            text = "n/a" if value is None else f"{value:g}" if isinstance(value, float) else value
            missed = row and row[3] == "NO" and value is not None  # n/a: not measured then
            cells.append(f"{text}" + (" ✗" if missed else ""))
        out.append(f"| {label} | " + " | ".join(cells) + f" | {target} |")
    out.append("")
    for n in ns:
        r = results[n]
        load = r.get("loadavg_at_start")
        out.append(
            f"- N = {int(n):,}: import {r['import'].get('mode', 'end to end')}"
            + (" (cached)" if r["import"].get("cached") else "")
            + "; `"
            + " ".join(["rebuild_index", *(r["rebuild_index"].get("args") or [])])
            + "`"
            + f"; {r['search']['runs']} runs; load average at start "
            + (f"{load[0]:.1f}" if load else "n/a")
            + " (shared machine)"
            + _anchor(r)
            + "."
        )
    out += ["", "✗ = target not met (yet). Per-kind figures: `bench/results/latest.json`.", ""]
    return "\n".join(out)


def _anchor(r: dict) -> str:
    """The run's CPU anchor (bench.run.cpu_anchor): figures from runs whose anchors differ
    compare only after dividing by it."""
    start, end = r.get("cpu_anchor_ms_at_start"), r.get("cpu_anchor_ms_at_end")
    if start is None:
        return ""
    return f"; CPU anchor {start:g} ms at start" + (f", {end:g} at end" if end else "")


def update_readme(latest: dict, readme: Path = README) -> None:
    text = readme.read_text()
    section = markdown(latest)
    marker = "\n## Benchmarks\n"
    if marker in text:
        text = text[: text.index(marker)].rstrip("\n") + "\n\n" + section
    else:
        text = text.rstrip("\n") + "\n\n" + section
    readme.write_text(text)


def write_results(out_dir: Path, results: list[dict]) -> Path:
    """Each result as N-DATE.json, and merged by N into latest.json (returned)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for r in results:
        path = out_dir / f"{r['n']}-{r['date']}.json"
        path.write_text(json.dumps(r, indent=1) + "\n")
    latest_path = out_dir / "latest.json"
    latest = {"results": {}}
    if latest_path.exists():
        with contextlib.suppress(ValueError):
            latest = json.loads(latest_path.read_text())
    for r in results:
        latest.setdefault("results", {})[str(r["n"])] = r
    latest["updated"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    latest_path.write_text(json.dumps(latest, indent=1) + "\n")
    return latest_path


def print_report(r: dict) -> None:
    print(f"\n== N = {r['n']:,} ({r['date']}, {r['seconds']}s) ==")
    print(format_table(r["table"]))
    print()
    print(format_table(kind_rows(r), KIND_HEADERS))
    sys.stdout.flush()
