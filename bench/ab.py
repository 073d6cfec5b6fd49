"""Two commits compared on one machine at one time: an interleaved A/B of two servers.

    .venv/bin/python -m bench.ab --old ../old --new . [--n 10000] [--rounds 4]
        [--what api,page,browse] [--out bench/results/ab.json]

Each tree is a checkout with its own `.venv` and the database and index that `bench.run`
(or `manage.py import_articles` + `rebuild_index` with bench.run's environment) built in its
`var/bench/N/`. Both servers (gunicorn, 2 workers each) run at once; every request of the
bench's query mix (workload.build_queries, seed 42, without the adversarial and fuzzy kinds,
whose old answers can take seconds) and of its browse pages goes to both, one after the
other, in an order shuffled per request. So both meet the same load and the same moment of
the machine: the same commit measured 2-3x slower from one session's machine to the next
(2026-12-02), so figures from different runs do not compare; ratios from one run do.

Reported per kind: each side's p50/p95 and their ratio, and the paired ratio, the median
over the kind's queries of (new median / old median) for the same query, which is steadier
than the ratio of two medians of ten different queries. Browse pages are drawn from each
database by the same seed (the two imports need not give the same ids).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

from bench import workload
from bench.run import HOST, bench_env, free_port

REPO = Path(__file__).resolve().parents[1]
SKIPPED_KINDS = ("adversarial", "fuzzy")


def start(tree: Path, work: Path, log: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    cmd = [
        str(tree / ".venv" / "bin" / "python"), "-m", "gunicorn", "archive.wsgi",
        "--bind", f"{HOST}:{port}", "--workers", "2", "--timeout", "120",
    ]  # fmt: skip
    out = open(log, "w")  # noqa: SIM115 - the server's lifetime, closed with the process
    proc = subprocess.Popen(cmd, cwd=tree, env=bench_env(work), stdout=out, stderr=out)
    for _ in range(900):
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn in {tree} exited:\n{log.read_text()[-2000:]}")
        client = workload.Client(HOST, port, timeout=30)
        status, _, _ = client.get("/healthz")
        client.close()
        if status == 200:
            return proc, port
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"gunicorn in {tree} not ready")


def requests(benches: dict[str, Path], n: int, per_kind: int, what: set[str]) -> list[tuple]:
    """(endpoint, kind, {side: path}) for every request, in the bench's order; `benches`:
    each side's bench folder (var/bench), which holds N/ and the corpus."""
    work = {side: bench / str(n) for side, bench in benches.items()}
    facts = workload.read_db_facts(work["new"] / "db.sqlite3", seed=42)
    corpus = benches["new"] / "corpus"
    shards = sorted(corpus.glob(f"n{n}-seed42-*"))
    if not shards:
        raise SystemExit(f"no corpus for N={n} under {corpus}: run bench.run --n {n} there first")
    sample = workload.corpus_sample(shards[0])
    queries = workload.build_queries(seed=42, per_kind=per_kind, articles=sample, facts=facts)
    out = [
        (endpoint, q.kind, {side: q.path(endpoint) for side in benches})
        for q in queries
        if q.kind not in SKIPPED_KINDS
        for endpoint in ("api", "page")
        if endpoint in what
    ]
    if "browse" in what:
        pages = {
            side: workload.build_pages(
                seed=42,
                per_kind=per_kind,
                facts=workload.read_db_facts(work[side] / "db.sqlite3", seed=42),
            )  # fmt: skip
            for side in benches
        }
        for (kind, old_path), (_kind, new_path) in zip(pages["old"], pages["new"], strict=True):
            out.append(("browse", kind, {"old": old_path, "new": new_path}))
    return out


def measure(reqs: list[tuple], ports: dict[str, int], rounds: int, seed: int = 7) -> list[dict]:
    """Every request to both servers, `rounds` times; the order of the requests shuffled per
    round and the order of the two servers per request."""
    clients = {side: workload.Client(HOST, port) for side, port in ports.items()}
    for _endpoint, _kind, paths in reqs[:40]:  # warm both alike
        for side, client in clients.items():
            client.get(paths[side])
    rng = random.Random(seed)
    samples = []
    try:
        for _ in range(rounds):
            order = list(reqs)
            rng.shuffle(order)
            for endpoint, kind, paths in order:
                sides = list(clients)
                rng.shuffle(sides)
                for side in sides:
                    status, _body, seconds = clients[side].get(paths[side])
                    samples.append(
                        {"endpoint": endpoint, "kind": kind, "side": side, "path": paths["new"],
                         "status": status, "ms": seconds * 1000}
                    )  # fmt: skip
    finally:
        for client in clients.values():
            client.close()
    return samples


def _p(values: list[float], q: float) -> float:
    return workload.percentile(sorted(values), q)


def summarise(samples: list[dict]) -> dict:
    """Per (endpoint, kind) and per endpoint: p50/p95 of each side, their ratios, and the
    paired ratio (the median over queries of new median / old median)."""
    times: dict = defaultdict(list)
    per_query: dict = defaultdict(lambda: defaultdict(list))
    errors = 0
    for s in samples:
        if s["status"] != 200:
            errors += 1
            continue
        for key in ((s["endpoint"], s["kind"]), (s["endpoint"], "all")):
            times[(*key, s["side"])].append(s["ms"])
            per_query[(*key, s["path"])][s["side"]].append(s["ms"])
    paired: dict = defaultdict(list)
    for (endpoint, kind, _path), sides in per_query.items():
        if sides.get("old") and sides.get("new"):
            ratio = statistics.median(sides["new"]) / statistics.median(sides["old"])
            paired[(endpoint, kind)].append(ratio)
    rows = {}
    for (endpoint, kind), ratios in sorted(paired.items()):
        old, new = times[(endpoint, kind, "old")], times[(endpoint, kind, "new")]
        row = {
            "old_p50_ms": round(_p(old, 0.5), 2), "new_p50_ms": round(_p(new, 0.5), 2),
            "old_p95_ms": round(_p(old, 0.95), 2), "new_p95_ms": round(_p(new, 0.95), 2),
            "paired_ratio": round(statistics.median(ratios), 3), "queries": len(ratios),
        }  # fmt: skip
        row["p50_ratio"] = round(row["new_p50_ms"] / row["old_p50_ms"], 3)
        row["p95_ratio"] = round(row["new_p95_ms"] / row["old_p95_ms"], 3)
        rows[f"{endpoint}: {kind}"] = row
    return {"errors": errors, "kinds": rows}


def table(summary: dict) -> str:
    lines = [
        "| endpoint: kind | old p50 | new p50 | p50 ratio | old p95 | new p95 | p95 ratio "
        "| paired ratio |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, r in summary["kinds"].items():
        lines.append(
            f"| {name} | {r['old_p50_ms']} | {r['new_p50_ms']} | {r['p50_ratio']} | "
            f"{r['old_p95_ms']} | {r['new_p95_ms']} | {r['p95_ratio']} | {r['paired_ratio']} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.ab", description=__doc__.split("\n")[0])
    p.add_argument("--old", type=Path, required=True, help="the older checkout")
    p.add_argument("--new", type=Path, default=REPO, help="the newer checkout (this one)")
    p.add_argument("--n", type=int, default=10_000, help="the var/bench/N both have built")
    p.add_argument("--old-work-dir", type=Path, help="the old side's bench folder (var/bench)")
    p.add_argument("--new-work-dir", type=Path, help="the new side's bench folder (var/bench)")
    p.add_argument("--rounds", type=int, default=4)
    p.add_argument("--per-kind", type=int, default=10, help="queries (and pages) per kind")
    p.add_argument("--what", default="api,page,browse", help="of api, page, browse")
    p.add_argument("--out", type=Path, help="write the samples and the summary here (JSON)")
    a = p.parse_args(argv)
    trees = {"old": a.old.resolve(), "new": a.new.resolve()}
    given = {"old": a.old_work_dir, "new": a.new_work_dir}
    benches = {s: (given[s] or t / "var" / "bench").resolve() for s, t in trees.items()}
    for side, bench in benches.items():
        if not (bench / str(a.n) / "db.sqlite3").exists():
            print(f"{side}: no {a.n}/db.sqlite3 in {bench}", file=sys.stderr)
            return 2
    reqs = requests(benches, a.n, a.per_kind, set(a.what.split(",")))
    servers, ports = {}, {}
    try:
        for side, tree in trees.items():
            work = benches[side] / str(a.n)
            (work / "logs").mkdir(exist_ok=True)
            servers[side], ports[side] = start(tree, work, work / "logs" / f"ab-{side}.log")
        samples = measure(reqs, ports, a.rounds)
    finally:
        for proc in servers.values():
            proc.terminate()
        for proc in servers.values():
            proc.wait()
    summary = summarise(samples)
    print(table(summary))
    if summary["errors"]:
        print(f"{summary['errors']} requests did not answer 200", file=sys.stderr)
    if a.out:
        a.out.parent.mkdir(parents=True, exist_ok=True)
        a.out.write_text(json.dumps({"trees": {k: str(v) for k, v in trees.items()},
                                     "n": a.n, "rounds": a.rounds, "summary": summary,
                                     "samples": samples}, indent=1))  # fmt: skip
    return 1 if summary["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
