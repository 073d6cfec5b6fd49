"""How large stories grow on the bench corpus: its articles signed and grouped in corpus order
by the same functions saving uses (archive.signatures.sign, archive.stories.score and
choose), without a database, and the rule of merging every bridged story replayed beside it.

    .venv/bin/python -m bench.story_sizes [--n 100000] [--corpus var/bench/corpus-100000.jsonl]

The corpus assembles each article from paragraph runs of several real stories, so many
articles share passages: the measure of whether stories chain through them.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from multiprocessing import Pool
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from archive.signatures import DEFAULT_POLICY, sign  # noqa: E402


def _sign(line: str):
    text = json.loads(line)["body"]
    if len(text.split()) < DEFAULT_POLICY.min_words:
        return None
    signed = sign(text)[0]
    return signed.keys, signed.hashes


def _matches(signed) -> list[list]:
    from archive.stories import score

    policy, bands, out = DEFAULT_POLICY, defaultdict(list), []
    for i, item in enumerate(signed):
        if item is None:
            out.append([])
            continue
        keys, hashes = item
        mine, shared = np.frombuffer(hashes, dtype=np.uint32), defaultdict(int)
        for key in set(keys):
            for j in bands[key]:
                shared[j] += 1
            bands[key].append(i)
        found = sorted(shared, key=lambda j: (-shared[j], j))[: policy.max_candidates]
        scored = (score(j, mine, np.frombuffer(signed[j][1], dtype=np.uint32)) for j in found)
        out.append([m for m in scored if m is not None])
    return out


def _group(matches, *, merge_all: bool) -> list[int]:
    from archive.stories import choose

    story: dict[int, int] = {}
    members: dict[int, set[int]] = defaultdict(set)

    def put(pk, s):
        if pk in story:
            members[story[pk]].discard(pk)
        story[pk] = s
        members[s].add(pk)

    for i, found in enumerate(matches):
        if not found:
            continue
        if merge_all:
            joined = sorted({story[m.pk] for m in found if m.pk in story})
            home, merged = (joined[0], joined[1:]) if joined else (i, [])
        else:
            best, home, merged = choose(found, story)
            home = i if home is None else home
        for other in merged:
            for pk in list(members.pop(other, ())):
                put(pk, home)
        for m in found:
            if merge_all or m.pk not in story or m.pk == best.pk:
                put(m.pk, home)
        put(i, home)
    return sorted((len(v) for v in members.values() if len(v) > 1), reverse=True)


def main() -> None:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    django.setup()  # (archive.stories imports the models; no database is opened)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--corpus", type=Path)
    args = parser.parse_args()
    corpus = args.corpus or REPO / "var" / "bench" / f"corpus-{args.n}.jsonl"
    with open(corpus, encoding="utf-8") as f:
        lines = [line for _, line in zip(range(args.n), f, strict=False)]
    with Pool(2) as pool:
        signed = pool.map(_sign, lines, chunksize=500)
    matches = _matches(signed)
    report = {"articles": len(lines), "verified_pairs": sum(map(len, matches))}
    for label, merge_all in (("nearest (choose)", False), ("merge every bridge", True)):
        sizes = _group(matches, merge_all=merge_all)
        report[label] = {"stories": len(sizes), "grouped": sum(sizes), "largest": sizes[:5],
                         "of_50_or_more": sum(1 for s in sizes if s >= 50)}  # fmt: skip
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
