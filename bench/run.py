"""The benchmark runner: import, index, serve and search N articles; print a table, write JSON.

    python -m bench.run --n 10000 [--n 100000] [--runs 3] [--out bench/results/]
                        [--work-dir var/bench] [--skip-import-if-cached] [--readme]

Each N gets its own fresh directory (WORK_DIR/N/) with its own SQLite database and Whoosh
index; every step runs the real commands in their own processes with DATABASE_URL,
SEARCH_URL and SECRET_KEY pointing there, and the searches go over loopback HTTP to a real
gunicorn (2 workers). See bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench import corpus, story_cost, tantivy_baseline, workload
from bench.report import print_report, table_rows, update_readme, write_results
from bench.workload import ARCHIVE_KINDS, EMPTY_KINDS, LIST_KINDS, SEARCH_KINDS, WORD_KINDS

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "bench" / "results"
DEFAULT_WORK = REPO / "var" / "bench"
HOST = "127.0.0.1"
_STARTED = time.perf_counter()


def log(msg: str) -> None:
    print(f"[bench {time.perf_counter() - _STARTED:7.1f}s] {msg}", file=sys.stderr, flush=True)


@dataclass
class Config:
    ns: list[int] = field(default_factory=lambda: [10_000])
    runs: int = 3
    out_dir: Path = DEFAULT_OUT
    work_dir: Path = DEFAULT_WORK
    seed: int = 42
    queries_per_kind: int = 20
    pages_per_kind: int = 20
    throughput_seconds: float = 25.0
    clients: int = 4
    workers: int = 2
    shard_size: int = 2000
    editor_n: int = 3000
    story_originals: int = 100  # bench/stories.py's set: these, 6 copies each, 4x distinct
    story_cost_n: int = 4000  # new articles imported on top of N, stories off and on (0: skip)
    story_cost_rounds: int = 2  # off/on pairs of that import
    icontains_queries: int = 30
    skip_import_if_cached: bool = False
    defer_index: bool = False
    editor_bulk_seconds: float = 0.0
    rebuild_args: list[str] = field(default_factory=list)
    corpora: Path | None = None
    readme: bool = False
    report_only: bool = False


# --------------------------------------------------------------------------- processes


@dataclass
class ProcResult:
    returncode: int
    seconds: float
    peak_rss_mb: float
    output: str


class Measured:
    """A child process whose wall time and peak RSS (its own ru_maxrss, via wait4) we keep."""

    def __init__(self, cmd: list[str], *, env: dict, log_path: Path):
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log_path = log_path
        self._fh = open(log_path, "w")  # noqa: SIM115
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            cmd, cwd=REPO, env=env, stdout=self._fh, stderr=subprocess.STDOUT
        )
        self.result: ProcResult | None = None
        self._thread = threading.Thread(target=self._wait, daemon=True)
        self._thread.start()

    def _wait(self) -> None:
        _, status, usage = os.wait4(self.proc.pid, 0)
        seconds = time.perf_counter() - self.started
        self.proc.returncode = os.waitstatus_to_exitcode(status)
        self._fh.close()
        self.result = ProcResult(
            self.proc.returncode,
            seconds,
            round(usage.ru_maxrss / 1024, 1),  # KiB on Linux
            self.log_path.read_text(errors="replace"),
        )

    def running(self) -> bool:
        return self._thread.is_alive()

    def wait(self, timeout: float | None = None) -> ProcResult:
        self._thread.join(timeout)
        if self.result is None:
            raise TimeoutError(f"{self.proc.args} still running after {timeout}s")
        return self.result


def bench_env(work: Path) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"sqlite:///{work / 'db.sqlite3'}",
        SEARCH_URL=f"whoosh://{work / 'whoosh'}",
        SECRET_KEY="bench",
        DEBUG="0",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="archive.settings",
        PYTHONUNBUFFERED="1",
        # The load steps' clients all come from 127.0.0.1, standing for many readers: the
        # per-client bound (archive/throttle.py) would answer most of them 429.
        SEARCH_CLIENT_CONCURRENCY="0",
        THROTTLE_DIR=str(work / "slots"),
    )
    return env


def manage(args: list[str], env: dict, log_path: Path, *, check: bool = True) -> ProcResult:
    result = Measured([sys.executable, "manage.py", *args], env=env, log_path=log_path).wait()
    if check and result.returncode != 0:
        raise RuntimeError(
            f"manage.py {' '.join(args)} failed ({result.returncode}):\n{result.output[-3000:]}"
        )
    return result


def dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def proc_status(pid: int, key: str) -> float:
    """A /proc/<pid>/status figure (VmRSS, VmHWM) in MB, 0 when unavailable."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


def child_pids(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------- steps


def corpus_shards(
    cfg: Config, n: int, seed: int, shard_size: int | None = None
) -> tuple[Path, dict]:
    """The sharded corpus for (n, seed), built once and cached under WORK_DIR/corpus/."""
    shard_size = shard_size or cfg.shard_size
    folder = cfg.work_dir / "corpus" / f"n{n}-seed{seed}-shard{shard_size}"
    stats_path = folder.with_name(folder.name + ".json")
    if stats_path.exists() and folder.is_dir():
        stats = json.loads(stats_path.read_text())
        stats["cached"] = True
        return folder, stats
    log(f"building corpus n={n} seed={seed} in shards of {shard_size}")
    stats = asdict(
        corpus.write_shards(folder, n, seed=seed, corpora=cfg.corpora, shard_size=shard_size)
    )
    stats["shards"] = len(list(folder.glob("*.jsonl")))
    stats["shard_size"] = shard_size
    stats_path.write_text(json.dumps(stats, indent=1))
    stats["cached"] = False
    return folder, stats


_SUMMARY = re.compile(r"imported (\d+), duplicates (\d+), failed (\d+)")


def parse_import(output: str) -> dict:
    match = None
    for match in _SUMMARY.finditer(output):  # noqa: B007 - the last summary line wins
        pass
    if not match:
        return {"imported": 0, "duplicates": 0, "failed": 0}
    imported, duplicates, failed = map(int, match.groups())
    return {"imported": imported, "duplicates": duplicates, "failed": failed}


def db_count(db: Path) -> tuple[int, int]:
    """(public articles, max id), read-only."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        count, max_id = con.execute(
            "SELECT count(*), coalesce(max(id), 0) FROM archive_article WHERE is_public"
        ).fetchone()
    finally:
        con.close()
    return count, max_id


def trim_to(db: Path, max_id: int) -> int:
    """Delete the articles a previous run's editor step added (ids above max_id)."""
    con = sqlite3.connect(db, timeout=60)
    try:
        with con:
            for table in ("archive_original", "archive_article_authors", "archive_article_tags"):
                con.execute(f"DELETE FROM {table} WHERE article_id > ?", (max_id,))
            removed = con.execute("DELETE FROM archive_article WHERE id > ?", (max_id,)).rowcount
    finally:
        con.close()
    return removed


def step_import(cfg: Config, n: int, work: Path, env: dict, shards: Path) -> dict:
    state_path = work / "state.json"
    db = work / "db.sqlite3"
    if cfg.skip_import_if_cached and state_path.exists() and db.exists():
        state = json.loads(state_path.read_text())
        if (
            state.get("n") == n
            and state.get("seed") == cfg.seed
            and state["import"].get("mode", "end to end")
            == ("index deferred to rebuild_index" if cfg.defer_index else "end to end")
        ):
            removed = trim_to(db, state["max_id"])
            log(f"n={n}: reusing the cached import ({removed} editor-step articles removed)")
            manage(["migrate", "--noinput"], env, work / "logs" / "migrate.log")
            return {**state["import"], "cached": True}
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    manage(["migrate", "--noinput"], env, work / "logs" / "migrate.log")
    manage(["createcachetable"], env, work / "logs" / "createcachetable.log")
    log(f"n={n}: import_articles {shards}" + (" (index deferred)" if cfg.defer_index else ""))
    import_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.settings"} if cfg.defer_index else env
    result = manage(
        ["import_articles", str(shards)], import_env, work / "logs" / "import.log", check=False
    )
    counts = parse_import(result.output)
    if result.returncode not in (0, 1) or not counts["imported"]:
        raise RuntimeError(
            f"import_articles failed ({result.returncode}):\n{result.output[-3000:]}"
        )
    out = {
        "articles": n,
        **counts,
        "wall_s": round(result.seconds, 2),
        "articles_per_s": round(counts["imported"] / result.seconds, 1),
        "peak_rss_mb": result.peak_rss_mb,
        "files": f"shards of {cfg.shard_size} articles (JSON lines)",
        "mode": "index deferred to rebuild_index" if cfg.defer_index else "end to end",
        "cached": False,
    }
    _, max_id = db_count(db)
    state = {"n": n, "seed": cfg.seed, "max_id": max_id, "import": out}
    state_path.write_text(json.dumps(state, indent=1))
    log(f"n={n}: imported {counts['imported']} in {result.seconds:.0f}s")
    return out


def step_rebuild(cfg: Config, n: int, work: Path, env: dict, raw_text_bytes: int) -> dict:
    log(f"n={n}: rebuild_index {' '.join(cfg.rebuild_args)}")
    result = manage(
        ["rebuild_index", "--noinput", *cfg.rebuild_args], env, work / "logs" / "rebuild.log"
    )
    count, _ = db_count(work / "db.sqlite3")
    size = dir_bytes(work / "whoosh")
    return {
        "articles": count,
        "wall_s": round(result.seconds, 2),
        "articles_per_s": round(count / result.seconds, 1),
        "peak_rss_mb": result.peak_rss_mb,
        "index_bytes": size,
        "raw_text_bytes": raw_text_bytes,
        "index_ratio": round(size / raw_text_bytes, 3) if raw_text_bytes else None,
        "segments": len(list((work / "whoosh").glob("*.seg"))),
        "args": cfg.rebuild_args,
    }


def fts5_match(words: list[str]) -> str:
    return " ".join('"' + w.replace('"', "") + '"' for w in words)


def step_fts5(work: Path, word_queries: list[list[str]], runs: int) -> dict:
    """SQLite FTS5 (porter, unicode61) over the same title + body_text, bm25-ranked."""
    path = work / "fts5.sqlite3"
    for p in work.glob("fts5.sqlite3*"):
        p.unlink()
    con = sqlite3.connect(path)
    try:
        started = time.perf_counter()
        con.execute("ATTACH DATABASE ? AS src", (f"file:{work / 'db.sqlite3'}?mode=ro",))
        con.execute(
            "CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize='porter unicode61')"
        )
        with con:
            con.execute(
                "INSERT INTO docs(rowid, title, body) "
                "SELECT id, title, body_text FROM src.archive_article WHERE is_public"
            )
        build = time.perf_counter() - started
        count = con.execute("SELECT count(*) FROM docs").fetchone()[0]
        con.execute("DETACH DATABASE src")
        per_run: list[dict] = []
        counts: list[int] = []
        for _ in range(runs):
            seconds = []
            counts = []
            for words in word_queries:
                match = fts5_match(words)
                t0 = time.perf_counter()
                rows = con.execute(
                    "SELECT rowid, title, bm25(docs) FROM docs WHERE docs MATCH ? "
                    "ORDER BY bm25(docs) LIMIT 20",
                    (match,),
                ).fetchall()
                total = con.execute("SELECT count(*) FROM docs WHERE docs MATCH ?", (match,))
                total = total.fetchone()[0]
                seconds.append(time.perf_counter() - t0)
                counts.append(total)
                del rows
            per_run.append(workload.summarize(seconds))
    finally:
        con.close()
    return {
        "articles": count,
        "build_s": round(build, 2),
        "build_per_s": round(count / build, 1) if build else None,
        "bytes": path.stat().st_size,
        "queries": len(word_queries),
        "zero_hits": sum(1 for c in counts if c == 0),
        **workload.median_of(per_run),
    }


def step_icontains(work: Path, env: dict, word_queries: list[list[str]]) -> dict:
    qpath, opath = work / "icontains-queries.json", work / "icontains-out.json"
    qpath.write_text(json.dumps(word_queries))
    cmd = [sys.executable, "-m", "bench.tasks", "icontains", str(qpath), str(opath)]
    result = Measured(cmd, env=env, log_path=work / "logs" / "icontains.log").wait()
    if result.returncode != 0:
        raise RuntimeError(f"icontains baseline failed:\n{result.output[-3000:]}")
    data = json.loads(opath.read_text())
    return {
        "queries": len(word_queries),
        "zero_hits": sum(1 for c in data["counts"] if c == 0),
        **workload.summarize(data["seconds"]),
    }


class Server:
    """gunicorn with N sync workers on a free loopback port, against the bench env."""

    def __init__(self, work: Path, env: dict, workers: int):
        self.port = free_port()
        self.log_path = work / "logs" / "gunicorn.log"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = open(self.log_path, "w")  # noqa: SIM115
        cmd = [
            sys.executable, "-m", "gunicorn", "archive.wsgi",
            "--bind", f"{HOST}:{self.port}", "--workers", str(workers),
            "--timeout", "120", "--graceful-timeout", "10",
        ]  # fmt: skip
        self.proc = subprocess.Popen(
            cmd, cwd=REPO, env=env, stdout=self._fh, stderr=subprocess.STDOUT
        )

    def wait_ready(self, timeout: float = 180.0) -> float:
        started = time.perf_counter()
        while time.perf_counter() - started < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log_path.read_text()[-3000:]}")
            client = workload.Client(HOST, self.port, timeout=30)
            status, _, _ = client.get("/healthz")
            client.close()
            if status == 200:
                return time.perf_counter() - started
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn not ready after {timeout}s:\n{self.log_path.read_text()}")

    def workers(self) -> list[dict]:
        return [
            {
                "pid": pid,
                "rss_mb": proc_status(pid, "VmRSS"),
                "hwm_mb": proc_status(pid, "VmHWM"),
                # RSS = anonymous memory (the worker's own) + file pages it has touched: most
                # of those are SQLite's mmap of the database (mmap_size, 128 MB at most),
                # page cache shared by every worker.
                "anon_mb": proc_status(pid, "RssAnon"),
                "file_mb": proc_status(pid, "RssFile"),
            }
            for pid in child_pids(self.proc.pid)
        ]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._fh.close()


def first_searches(port: int, queries: list[workload.Query], n: int = 4) -> dict:
    """The first searches after the server started (before any warm-up of ours), each on a
    fresh connection so that both workers are likely asked: issue 18's "first search after a
    restart". The workers warm themselves as they start (search/warmup.py); what is left
    of a cold start shows here."""
    with_words = [q for q in queries if q.kind in WORD_KINDS] or queries
    seconds, errors = [], 0
    for q in with_words[:n]:
        client = workload.Client(HOST, port)
        status, _, secs = client.get(q.path("api"))
        client.close()
        seconds.append(secs)
        errors += status != 200
    return {
        "first_ms": round(seconds[0] * 1000, 1) if seconds else None,
        "max_ms": round(max(seconds) * 1000, 1) if seconds else None,
        "count": len(seconds),
        "errors": errors,
    }


def warm_up(port: int, queries: list[workload.Query], pages: list[tuple[str, str]]) -> int:
    """A few searches and pages from two clients at once, so both workers are warm."""
    errors = []

    def go(k: int) -> None:
        rng = random.Random(1000 + k)
        client = workload.Client(HOST, port)
        bad = 0
        for _ in range(12):
            q = rng.choice(queries)
            for endpoint in ("api", "page"):
                bad += client.get(q.path(endpoint))[0] != 200
        for _ in range(6):
            bad += client.get(rng.choice(pages)[1])[0] != 200
        client.close()
        errors.append(bad)

    threads = [threading.Thread(target=go, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(errors)


def step_queries(cfg: Config, port: int, queries, pages) -> tuple[dict, list]:
    """--runs passes over the whole mix; per-kind percentiles, medians over the runs."""
    per_run: list[dict] = []
    all_samples: list[list[workload.Sample]] = []
    for r in range(cfg.runs):
        client = workload.Client(HOST, port)
        samples = workload.run_mix(client, queries, pages, seed=cfg.seed + r)
        client.close()
        all_samples.append(samples)
        ok = [s for s in samples if s.status == 200]
        with_q = [s for s in ok if s.endpoint in ("api", "page") and s.kind not in EMPTY_KINDS]
        browse = {k: [s.seconds for s in ok if s.endpoint == "browse" and s.kind in k] for k in (
            LIST_KINDS, ARCHIVE_KINDS, ("article",))}  # fmt: skip
        per_run.append(
            {
                "api": workload.summarize_samples(samples, "api", SEARCH_KINDS),
                "page": workload.summarize_samples(samples, "page", SEARCH_KINDS),
                "browse": workload.summarize_samples(samples, "browse", workload.PAGE_KINDS),
                "all api": workload.summarize([s.seconds for s in with_q if s.endpoint == "api"]),
                "all page": workload.summarize([s.seconds for s in with_q if s.endpoint == "page"]),
                "list pages": workload.summarize(browse[LIST_KINDS]),
                "archive pages": workload.summarize(browse[ARCHIVE_KINDS]),
                "article page": workload.summarize(browse[("article",)]),
            }
        )
        errors = sum(1 for s in samples if s.status != 200)
        log(f"query mix run {r + 1}/{cfg.runs}: {len(samples)} requests, {errors} errors")

    def med(getter) -> dict:
        return workload.median_of([x for x in (getter(run) for run in per_run) if x])

    out: dict = {"runs": cfg.runs}
    for endpoint in ("api", "page", "browse"):
        kinds = workload.PAGE_KINDS if endpoint == "browse" else SEARCH_KINDS
        out[endpoint] = {k: med(lambda run, e=endpoint, k=k: run[e].get(k)) for k in kinds}
        out[endpoint] = {k: v for k, v in out[endpoint].items() if v}
    for key in ("all api", "all page", "list pages", "archive pages", "article page"):
        out[key] = med(lambda run, key=key: run[key])
    out["errors"] = sum(1 for samples in all_samples for s in samples if s.status != 200)
    out["error_examples"] = sorted(
        {
            f"{s.endpoint} {s.kind}: HTTP {s.status}"
            for samples in all_samples
            for s in samples
            if s.status != 200
        }
    )[:10]
    return out, all_samples


def ours_on(samples_runs: list, queries: list[workload.Query], subset: list[int]) -> dict:
    """Our API latencies on exactly the queries (by index) the baselines ran."""
    wanted = {id(queries[i]) for i in subset}
    per_run = []
    for samples in samples_runs:
        secs = [
            s.seconds
            for s in samples
            if s.endpoint == "api" and s.status == 200 and id(s.query) in wanted
        ]
        per_run.append(workload.summarize(secs))
    return workload.median_of(per_run)


def step_group_story(cfg: Config, port: int, queries) -> dict:
    """The query mix again with group=story (one result per story), API and page."""
    seconds, errors = [], 0
    client = workload.Client(HOST, port)
    for query in queries:
        grouped = workload.Query(query.kind, {**query.params, "group": "story"}, query.words)
        for endpoint in ("api", "page"):
            status, _body, took = client.get(grouped.path(endpoint))
            errors += status != 200
            seconds.append(took)
    client.close()
    return {**workload.summarize(seconds), "errors": errors}


def step_stories(cfg: Config, work: Path, env: dict) -> dict:
    """bench/stories.py at a small, fixed size in its own process: precision and recall of
    the grouping, the import with stories off and on, the look-up's time per save."""
    out = work / "stories.json"
    result = subprocess.run(
        [sys.executable, "-m", "bench.stories", "--originals", str(cfg.story_originals),
         "--distinct", str(cfg.story_originals * 4), "--out", str(out)],
        cwd=REPO, env={k: v for k, v in env.items() if k != "DATABASE_URL"},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    (work / "logs" / "stories.log").write_text(result.stdout + result.stderr)
    if result.returncode != 0 or not out.exists():
        return {"error": (result.stdout + result.stderr)[-2000:]}
    return json.loads(out.read_text())


def step_story_cost(cfg: Config, n: int, work: Path) -> dict:
    """What stories cost the import at this N (bench/story_cost.py's `onto`): STORY_COST_N
    new articles (the corpus of another seed) imported into copies of this run's database
    and index, stories off, then on, STORY_COST_ROUNDS times, through the real import path."""
    if cfg.story_cost_n <= 0:
        return {}
    # seed + 2: the editor step imports seed + 1's articles into this database
    shards, _ = corpus_shards(cfg, cfg.story_cost_n, cfg.seed + 2)
    log(
        f"n={n}: story cost ({cfg.story_cost_n} new articles on top, stories off/on "
        f"x{cfg.story_cost_rounds})"
    )
    try:
        result = story_cost.onto(work, shards, cfg.story_cost_rounds)
    except RuntimeError as exc:  # a child import failed: its output, for the log
        return {"error": str(exc)[-2000:]}
    return {"articles": cfg.story_cost_n, **result}


def step_editor(cfg: Config, n: int, work: Path, env: dict, port: int) -> dict:
    """A bulk import runs; meanwhile an editor saves one article through the service layer;
    how long until /api/search/ finds it?"""
    extra, extra_stats = corpus_shards(cfg, cfg.editor_n, cfg.seed + 1, min(cfg.shard_size, 500))
    db = work / "db.sqlite3"
    before, _ = db_count(db)
    bulk = Measured(
        [sys.executable, "manage.py", "import_articles", str(extra)],
        env=env,
        log_path=work / "logs" / "editor-bulk-import.log",
    )
    # let the bulk import get going (a quarter of it, at most 200 articles, or 60 s)
    goal = before + max(1, min(200, cfg.editor_n // 4))
    started = bulk.started
    while bulk.running() and time.perf_counter() - started < 60:
        if db_count(db)[0] >= goal:
            break
        time.sleep(0.2)
    during = bulk.running()
    word = "benchq" + "".join(random.Random(cfg.seed + n).choices("bcdfghjklmnpqrstvwxz", k=8))
    out_path = work / "editor-save.json"
    out_path.unlink(missing_ok=True)
    found: dict = {}

    def poll() -> None:
        client = workload.Client(HOST, port, timeout=30)
        deadline = time.time() + 120
        mode = "api"
        while time.time() < deadline and not found:
            if mode == "api":
                status, body, _ = client.get(f"/api/search/?q={word}")
                if status == 404:
                    mode = "page"
                    continue
                if status == 200 and (workload.api_count(body) or 0) > 0:
                    found.update(t=time.time(), via="api")
            else:
                status, body, _ = client.get(f"/search/?q={word}")
                if out_path.exists():
                    pk = json.loads(out_path.read_text()).get("id")
                    if status == 200 and pk and f"/articles/{pk}/".encode() in body:
                        found.update(t=time.time(), via="page")
            time.sleep(0.05)
        client.close()

    poller = threading.Thread(target=poll)
    poller.start()
    saver = Measured(
        [sys.executable, "-m", "bench.tasks", "editor-save", word, str(out_path)],
        env=env,
        log_path=work / "logs" / "editor-save.log",
    ).wait()
    poller.join()
    stopped = False
    if cfg.editor_bulk_seconds > 0:
        bulk._thread.join(max(0.0, cfg.editor_bulk_seconds - (time.perf_counter() - started)))
        if bulk.running():
            after, _ = db_count(db)
            bulk.proc.send_signal(signal.SIGTERM)  # our own child; the rate so far is enough
            stopped = True
    bulk_result = bulk.wait()
    info = json.loads(out_path.read_text()) if out_path.exists() else {}
    counts = parse_import(bulk_result.output)
    if stopped:
        editor_rows = 1 if info.get("status") == "imported" else 0
        counts = {"imported": after - before - editor_rows, "duplicates": 0, "failed": 0}
    out = {
        "word": word,
        "bulk_articles": cfg.editor_n,
        "bulk_imported": counts["imported"],
        "bulk_duplicates": counts["duplicates"],
        "bulk_failed": counts["failed"],
        "bulk_wall_s": round(bulk_result.seconds, 2),
        "bulk_per_s": round(counts["imported"] / bulk_result.seconds, 1),
        "bulk_stopped_after_s": round(bulk_result.seconds, 1) if stopped else None,
        "saved_during_bulk_import": during,
        "save_status": info.get("status", f"editor script failed: {saver.output[-500:]}"),
        "save_s": round(info["t_saved"] - info["t_start"], 3) if info else None,
        "searchable_s": round(found["t"] - info["t_start"], 3) if found and info else None,
        "found_via": found.get("via"),
        "corpus_cached": extra_stats.get("cached"),
    }
    log(f"n={n}: editor save searchable after {out['searchable_s']}s")
    return out


# --------------------------------------------------------------------------- one N


def machine() -> dict:
    def cpu() -> str:
        try:
            for line in Path("/proc/cpuinfo").read_text().splitlines():
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
        except OSError:
            pass
        return platform.processor() or "unknown"

    def mem_gb() -> float:
        try:
            for line in Path("/proc/meminfo").read_text().splitlines():
                if line.startswith("MemTotal:"):
                    return round(int(line.split()[1]) / 1024 / 1024, 1)
        except OSError:
            pass
        return 0.0

    def version(module: str) -> str:
        from importlib import metadata

        try:
            return metadata.version(module)
        except metadata.PackageNotFoundError:
            return "?"

    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        commit = "?"
    try:
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=REPO,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        dirty = ""
    if dirty:
        commit += "+uncommitted"
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu(),
        "ram_gb": mem_gb(),
        "platform": platform.platform(terse=True),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "whoosh": version("Whoosh"),
        "django": version("Django"),
        "haystack": version("django-haystack"),
        "gunicorn": version("gunicorn"),
        "commit": commit or "?",
    }


def cpu_anchor(rounds: int = 7) -> float:
    """Milliseconds (best of `rounds`) for a fixed single-core task of the kinds the archive
    spends its time on: JSON, regular expressions, sorting, SQLite. The same code measured
    2-3x slower from one session's machine to the next (2026-12-02); a run's figures divided
    by its anchor can be set beside another run's, its absolute figures cannot."""
    rows = [
        {"id": i, "title": f"Article {i}", "words": [f"w{j}" for j in range(i % 17)]}
        for i in range(2000)
    ]
    words = re.compile(r"w(\d+)")
    best = float("inf")
    for _ in range(rounds):
        t = time.perf_counter()
        text = json.dumps(rows)
        back = json.loads(text)
        total = sum(int(m.group(1)) for m in words.finditer(text))
        back.sort(key=lambda r: (-len(r["words"]), r["title"]))
        db = sqlite3.connect(":memory:")
        db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, title TEXT, n INTEGER)")
        db.executemany(
            "INSERT INTO t VALUES (?, ?, ?)",
            ((r["id"], r["title"], total % (r["id"] + 1)) for r in back),
        )
        db.execute("SELECT n % 7, count(*), max(title) FROM t GROUP BY n % 7").fetchall()
        db.close()
        best = min(best, time.perf_counter() - t)
    return round(best * 1000, 2)


def run_one(cfg: Config, n: int) -> dict:
    started = time.perf_counter()
    work = cfg.work_dir / str(n)
    env = bench_env(work)
    shards, stats = corpus_shards(cfg, n, cfg.seed)
    result: dict = {
        "n": n,
        "seed": cfg.seed,
        "date": dt.date.today().isoformat(),
        "machine": machine(),
        "config": {
            k: (str(v) if isinstance(v, Path) else v)
            for k, v in asdict(cfg).items()
            if k not in ("ns", "readme")
        },
        "corpus": stats,
        "loadavg_at_start": os.getloadavg(),  # the machine is shared: how busy it was
        "cpu_anchor_ms_at_start": cpu_anchor(),  # how fast the machine is (see cpu_anchor)
    }
    result["import"] = step_import(cfg, n, work, env, shards)
    result["rebuild_index"] = step_rebuild(cfg, n, work, env, stats["raw_text_bytes"])
    facts = workload.read_db_facts(work / "db.sqlite3", seed=cfg.seed)
    sample = workload.corpus_sample(shards)
    queries = workload.build_queries(
        seed=cfg.seed, per_kind=cfg.queries_per_kind, articles=sample, facts=facts
    )
    pages = workload.build_pages(seed=cfg.seed, per_kind=cfg.pages_per_kind, facts=facts)
    word_idx = [i for i, q in enumerate(queries) if q.kind in WORD_KINDS]
    step = max(1, len(word_idx) // max(1, cfg.icontains_queries))
    icontains_idx = word_idx[::step][: cfg.icontains_queries]

    log(
        f"n={n}: baselines (FTS5 and tantivy on {len(word_idx)}, icontains on "
        f"{len(icontains_idx)} queries)"
    )
    fts5 = step_fts5(work, [queries[i].words for i in word_idx], cfg.runs)
    tantivy = tantivy_baseline.step_tantivy(work, [queries[i].words for i in word_idx], cfg.runs)
    icontains = step_icontains(work, env, [queries[i].words for i in icontains_idx])

    server = Server(work, env, cfg.workers)
    try:
        ready_s = server.wait_ready()
        first = first_searches(server.port, queries)
        warm_errors = warm_up(server.port, queries, pages) + first["errors"]
        log(f"n={n}: server ready in {ready_s:.1f}s; query mix x{cfg.runs}")
        search, samples_runs = step_queries(cfg, server.port, queries, pages)
        log(f"n={n}: throughput, {cfg.clients} clients, {cfg.throughput_seconds:g}s")
        tp = workload.throughput(
            HOST,
            server.port,
            queries,
            clients=cfg.clients,
            seconds=cfg.throughput_seconds,
            seed=cfg.seed,
        )
        workers = server.workers()
        log(f"n={n}: the query mix with group=story")
        group_story = step_group_story(cfg, server.port, queries)
        editor = step_editor(cfg, n, work, env, server.port)
        workers_after = server.workers()
    finally:
        server.stop()

    log(f"n={n}: stories (bench/stories.py, {cfg.story_originals} originals)")
    stories = step_stories(cfg, work, env)
    cost = step_story_cost(cfg, n, work)
    ours_fts = ours_on(samples_runs, queries, word_idx)
    ours_ic = ours_on(samples_runs, queries, icontains_idx)

    def ratio(a, b):
        return round(a / b, 2) if a and b else None

    result.update(
        search=search,
        group_story=group_story,
        stories=stories,
        story_cost=cost,
        throughput=tp,
        editor=editor,
        server={
            "ready_s": round(ready_s, 2),
            "first_searches": first,
            "warmup_errors": warm_errors,
            "workers_after_query_mix": workers,
            "workers_after_editor_step": workers_after,
            "max_worker_rss_mb": max((w["rss_mb"] for w in workers), default=0.0),
        },
        baselines={
            "fts5": fts5,
            "tantivy": tantivy,
            "icontains": icontains,
            "ours_on_fts5_queries": ours_fts,
            "ours_on_icontains_queries": ours_ic,
            "ratios": {
                "icontains_p50_over_ours_p50": ratio(icontains["p50_ms"], ours_ic.get("p50_ms")),
                "icontains_p95_over_ours_p95": ratio(icontains["p95_ms"], ours_ic.get("p95_ms")),
                "ours_p50_over_fts5_p50": ratio(ours_fts.get("p50_ms"), fts5["p50_ms"]),
                "ours_p95_over_fts5_p95": ratio(ours_fts.get("p95_ms"), fts5["p95_ms"]),
                "ours_p50_over_tantivy_p50": ratio(ours_fts.get("p50_ms"), tantivy["p50_ms"]),
                "ours_p95_over_tantivy_p95": ratio(ours_fts.get("p95_ms"), tantivy["p95_ms"]),
            },
        },
    )
    result["errors"] = search["errors"] + tp["errors"] + warm_errors + group_story["errors"]
    result["loadavg_at_end"] = os.getloadavg()
    result["cpu_anchor_ms_at_end"] = cpu_anchor()
    result["seconds"] = round(time.perf_counter() - started, 1)
    result["table"] = table_rows(result)
    return result


def parse_args(argv: list[str] | None) -> Config:
    """The command line -> Config; every default is Config's own (written once, there)."""
    d = Config()
    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])

    def option(flag: str, name: str, help: str = "", **kwargs) -> None:
        default = getattr(d, name)
        if isinstance(default, bool):
            p.add_argument(flag, dest=name, action="store_true", help=help)
            return
        shown = default if not isinstance(default, Path) else default.relative_to(REPO)
        kwargs.setdefault("type", type(default))
        p.add_argument(flag, dest=name, default=default, help=f"{help} ({shown})".strip(), **kwargs)

    p.add_argument("--n", dest="ns", type=int, action="append", help=f"articles, repeatable {d.ns}")
    option("--runs", "runs", "passes over the query mix")
    option("--out", "out_dir", "results folder")
    option("--work-dir", "work_dir", "one folder per N under it")
    option("--seed", "seed")
    option("--queries-per-kind", "queries_per_kind")
    option("--pages-per-kind", "pages_per_kind")
    option("--throughput-seconds", "throughput_seconds")
    option("--clients", "clients")
    option("--workers", "workers", "gunicorn workers")
    option("--shard-size", "shard_size", "articles per JSONL shard")
    option("--editor-n", "editor_n", "bulk import size, editor step")
    option("--story-originals", "story_originals", "originals in the story grouping set")
    option("--story-cost-n", "story_cost_n", "articles imported on top of N, stories off/on")
    option("--story-cost-rounds", "story_cost_rounds", "off/on pairs of that import")
    option("--icontains-queries", "icontains_queries")
    option("--skip-import-if-cached", "skip_import_if_cached")
    option(
        "--defer-index",
        "defer_index",
        "import with index updates off (rebuild_index builds it); the end-to-end import "
        "rate then comes from the editor step's bulk import on top of N",
    )
    option(
        "--editor-bulk-seconds",
        "editor_bulk_seconds",
        "stop the editor step's bulk import after this long (0: let it finish)",
    )
    p.add_argument(
        "--rebuild-args", default="", help='extra rebuild_index options, e.g. "--batch-size 500"'
    )
    p.add_argument("--corpora", type=Path, help="third-party corpora (../shared/corpora)")
    option("--readme", "readme", "rewrite README.md's Benchmarks section")
    option("--report-only", "report_only", "print latest.json's tables; run nothing")
    a = vars(p.parse_args(argv))
    a["ns"] = a["ns"] or d.ns
    a["rebuild_args"] = a["rebuild_args"].split()
    a["out_dir"], a["work_dir"] = a["out_dir"].resolve(), a["work_dir"].resolve()
    return Config(**a)


def main(argv: list[str] | None = None) -> int:
    cfg = parse_args(argv)
    if cfg.report_only:
        latest = json.loads((cfg.out_dir / "latest.json").read_text())
        for key in sorted(latest["results"], key=int):
            print_report(latest["results"][key])
        if cfg.readme:
            update_readme(latest)
        return 0
    log("collectstatic (the manifest WhiteNoise needs with DEBUG off)")
    manage(
        ["collectstatic", "--noinput", "--verbosity", "0"],
        bench_env(cfg.work_dir / "static"),
        cfg.work_dir / "collectstatic.log",
    )
    results = []
    for n in cfg.ns:
        r = run_one(cfg, n)
        results.append(r)
        write_results(cfg.out_dir, [r])
        print_report(r)
    latest = json.loads((cfg.out_dir / "latest.json").read_text())
    if cfg.readme:
        update_readme(latest)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
