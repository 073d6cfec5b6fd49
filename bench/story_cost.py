"""What story grouping costs the bulk import: the benchmark corpus (bench/corpus.py) imported
through the real import path (services.import_paths: parse workers, the saving process, the
search index written beside it) into a fresh SQLite database, with stories off and on,
interleaved (off, on, off, on, ...), each run in its own process, with the load average
before each.

    .venv/bin/python -m bench.story_cost [--n 10000] [--rounds 2] [--no-index]
        [--profile DIR] [--out bench/results/story-cost.json]
    .venv/bin/python -m bench.story_cost --onto var/bench/100000 --n 4000 --seed 44

`--onto DIR`: the N articles (a corpus of another seed than DIR's) imported into copies of a
built bench run's database and index instead of a fresh database (onto(); bench.run's
story-cost step): what stories cost an import into an archive of that size.

Stories off: the story signals disconnected and the parse workers' finish hook without the
signature (sanitize.clean_ahead alone), so nothing of the story index is made. Reported per
run: wall seconds, articles/s, stories and band rows made, and the story tables' size on
disk (SQLite's dbstat), the saving process's CPU seconds (less sensitive to the load than
the wall time) and its children's: the index writer's, and the parse workers' (the fork
server they come from is stopped and reaped after the import, _stop_fork_server); then the median
on/off ratio of the rates. `--profile DIR` writes a cProfile of the saving process of each
run there (it slows both alike).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
STORY_TABLES = ("archive_storyband", "archive_storysignature", "archive_story")


def corpus(n: int, seed: int = 42, shard_size: int = 2000) -> Path:
    """The cached shards bench.run imports (var/bench/corpus/n{N}-seed{S}-shard{K})."""
    from bench.corpus import write_shards

    folder = REPO / "var" / "bench" / "corpus" / f"n{n}-seed{seed}-shard{shard_size}"
    if not folder.is_dir():
        write_shards(folder, n, seed=seed, shard_size=shard_size)
    return folder


def _child(folder: Path, stories_on: bool, profile: Path | None) -> dict:
    """One import, in this (fresh) process; DATABASE_URL etc. set by the parent."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models.signals import post_delete, post_save, pre_delete

    from archive import sanitize, services
    from archive.models import Article, Story, StoryBand

    call_command("migrate", verbosity=0)
    if not stories_on:
        post_save.disconnect(sender=Article, dispatch_uid="story_saved")
        pre_delete.disconnect(sender=Article, dispatch_uid="story_deleting")
        post_delete.disconnect(sender=Article, dispatch_uid="story_deleted")
        services.clean_and_sign_ahead = sanitize.clean_ahead  # (the finish hook it passes)
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started, cpu = time.perf_counter(), time.process_time()
    children = _children_cpu()
    report = services.import_paths([str(folder)], format="jsonl")
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    writer = _children_cpu() - children  # the index writer (and its drain's workers)
    _stop_fork_server()
    children = _children_cpu() - children  # … and now the parse workers too
    if profiler:
        profiler.disable()
        profiler.dump_stats(str(profile))
    imported = report.count(services.IMPORTED)
    sizes = {}
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC"  # noqa: S608
            )
            rows = cursor.fetchall()
        sizes = {name: size for name, size in rows if "stor" in name or name == "archive_article"}
    return {
        "stories": "on" if stories_on else "off",
        "imported": imported,
        "failed": report.count(services.FAILED),
        "seconds": round(seconds, 2),
        "per_s": round(imported / seconds, 1),
        "saver_cpu_s": round(cpu, 2),  # the saving process's own CPU time
        "children_cpu_s": round(children, 2),  # parse workers' and the index writer's
        "writer_cpu_s": round(writer, 2),  # the index writer's alone
        "parse_cpu_s": round(children - writer, 2),  # the parse workers' (fork server's)
        "story_count": Story.objects.count(),
        "in_a_story": Article.objects.filter(story__isnull=False).count(),
        "band_rows": StoryBand.objects.count(),
        "bytes": sizes,
    }


def copy_base(base: Path, tmp: Path) -> None:
    """A built bench database and index (BASE/db.sqlite3 and its WAL, BASE/whoosh) copied
    into TMP, for an import on top of N articles that leaves BASE as it was."""
    for name in ("db.sqlite3", "db.sqlite3-wal"):
        if (base / name).exists():
            shutil.copy2(base / name, tmp / name)
    shutil.copytree(base / "whoosh", tmp / "whoosh")


def _stop_fork_server() -> None:
    """Stop the fork server the parse workers came from and reap it, so that RUSAGE_CHILDREN
    counts them: the server reaps each worker (os.waitpid in its loop), and a reaped process's
    usage includes its reaped children's. multiprocessing stops it only for its own tests
    (ForkServer._stop); without it the server outlives the import and its CPU is nobody's."""
    from multiprocessing import forkserver

    stop = getattr(getattr(forkserver, "_forkserver", None), "_stop", None)
    if stop is not None:
        stop()


def _children_cpu() -> float:
    """CPU seconds of this process's children that have ended (parse workers, the index
    writer: import_paths waits for them)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_one(
    folder: Path,
    stories_on: bool,
    *,
    index: bool,
    profile: Path | None,
    tree: Path = REPO,
    base: Path | None = None,
) -> dict:
    near = base.parent if base else None  # the copies beside the base: the same disk
    with tempfile.TemporaryDirectory(prefix="story-cost-", dir=near) as tmp:
        if base is not None:
            copy_base(base, Path(tmp))
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp}/db.sqlite3",
            "SEARCH_URL": f"whoosh:///{tmp}/whoosh",
            "SECRET_KEY": "bench",
            "DEBUG": "0",
            "DJANGO_SETTINGS_MODULE": "archive.settings" if index else "bench.settings",
        }
        load = os.getloadavg()
        args = [sys.executable, "-m", "bench.story_cost", "--child", str(folder),
                "--on" if stories_on else "--off"]  # fmt: skip
        if profile:
            args += ["--profile", str(profile)]
        result = subprocess.run(
            args, env=env, cwd=tree, capture_output=True, text=True, check=False
        )
        if result.returncode:
            raise RuntimeError(result.stdout[-2000:] + result.stderr[-4000:])
        out = json.loads(result.stdout.strip().splitlines()[-1])
        out["loadavg_before"] = [round(x, 2) for x in load]
        if tree != REPO:
            out["stories"] += f" ({tree})"
        return out


def onto(base: Path, folder: Path, rounds: int = 2, *, tree: Path = REPO) -> dict:
    """What stories cost an import on top of N articles: the shards in FOLDER (articles new
    to BASE) imported into a copy of BASE's database and index (copy_base), stories off,
    then on, ROUNDS times; each run in its own process through the real import path. The
    figure issue 12 asks for at N = 100,000, without importing N twice."""
    runs = []
    for _ in range(rounds):
        for on in (False, True):
            runs.append(run_one(folder, on, index=True, profile=None, tree=tree, base=base))
    return summary(runs)


def summary(runs: list[dict]) -> dict:
    off = [r["per_s"] for r in runs if r["stories"] == "off"]
    on = [r["per_s"] for r in runs if r["stories"] == "on"]
    if not all(off) or not all(on):
        raise RuntimeError(f"an import imported nothing: {json.dumps(runs)[-1500:]}")
    ratios = [b / a for a, b in zip(off, on, strict=True)]
    return {
        "runs": runs,
        "per_s_off_median": statistics.median(off),
        "per_s_on_median": statistics.median(on),
        "on_over_off_median": round(statistics.median(ratios), 3),
        "on_over_off": [round(r, 3) for r in ratios],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="articles imported (10000)")
    parser.add_argument("--seed", type=int, default=42, help="the corpus's seed (42)")
    parser.add_argument("--rounds", type=int, default=2, help="off/on pairs (2)")
    parser.add_argument("--no-index", action="store_true", help="bench.settings: no indexing")
    parser.add_argument("--profile", type=Path, help="folder for cProfile dumps")
    parser.add_argument(
        "--base", type=Path, help="another checkout (e.g. `git archive` of an older commit): "
        "its stories-on import runs in each round too, for a before/after"
    )  # fmt: skip
    parser.add_argument(
        "--onto", type=Path, help="a bench run's folder (var/bench/100000): import the N "
        "articles (use another --seed) into copies of its database and index"
    )  # fmt: skip
    parser.add_argument("--out", type=Path, default=REPO / "bench/results/story-cost.json")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--on", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--off", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_child(args.child, args.on, args.profile)))
        return 0
    folder = corpus(args.n, seed=args.seed)
    if args.onto:
        measured = onto(args.onto.resolve(), folder, args.rounds)
        result = {"n": args.n, "onto": str(args.onto), **measured}
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=1))
        print(json.dumps({k: v for k, v in result.items() if k != "runs"}))
        return 0
    runs = []
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    variants = [("off", False, REPO), ("on", True, REPO)]
    if args.base:
        variants.append(("base", True, args.base.resolve()))
    for round_ in range(args.rounds):
        for label, on, tree in variants:
            prof = args.profile / f"{label}-{round_}.prof" if args.profile else None
            one = run_one(folder, on, index=not args.no_index, profile=prof, tree=tree)
            print(json.dumps(one), flush=True)
            runs.append(one)
    result = {"n": args.n, "index": not args.no_index, **summary(runs)}
    off = [r["per_s"] for r in runs if r["stories"] == "off"]
    base = [r["per_s"] for r in runs if r["stories"].startswith("on (")]
    if base:
        base_ratios = [b / a for a, b in zip(off, base, strict=True)]
        result["base_on_over_off_median"] = round(statistics.median(base_ratios), 3)
        result["base_on_over_off"] = [round(r, 3) for r in base_ratios]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1))
    print(json.dumps({k: v for k, v in result.items() if k != "runs"}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
