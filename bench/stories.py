"""Precision and recall of story grouping, and its cost at save time, on a set built from
../shared/corpora/bbc: originals, mutated copies of them from other "outlets", and distinct
articles on the same topics (the BBC's five categories), plus the five seed articles (one
story told by five outlets, none a copy of another).

    .venv/bin/python -m bench.stories [--originals 150] [--distinct 600] [--seed 42]
        [--out bench/results/stories.json]

Every document goes through the real save path (archive.services.save_article) into a
throw-away SQLite database, twice: with story grouping off (its signals disconnected and the
parse workers not signing), then on. Reported: pairwise precision and recall of the grouping
(a pair is "predicted" when both articles end in one story), recall per kind of copy, the
same figures for other thresholds (from the candidate pairs' containment, as check_stories
groups), the import rate with stories off and on, and the story look-up's time per article
(band keys IN (...) plus the verification of the candidates on their stored shingle hashes).
"""

from __future__ import annotations

import argparse
import html
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO.parent / "shared" / "corpora"

HEADER = ("Republished from our partners. Our newsroom brings you the best reporting from around "
          "the web every day, so that you do not have to look for it yourself.")  # fmt: skip
FOOTER = ("Support independent media: share this article with your friends and family, and "
          "subscribe to our newsletter for more stories like this one every morning.")  # fmt: skip


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def _alter(paragraph: str, rng: random.Random, share: float = 0.15) -> str:
    words = paragraph.split()
    for i in rng.sample(range(len(words)), max(1, int(len(words) * share))):
        words[i] = rng.choice(["reportedly", "officials", "yesterday", "sources", "however"])
    return " ".join(words)


def mutations(paras: list[str], other: list[str], rng: random.Random) -> dict[str, list[str]]:
    """The kinds of copy an outlet makes of `paras` (`other`: paragraphs of another article
    on the same topic, for a paragraph of the copy's own)."""
    own = rng.choice(other) if other else FOOTER
    at = rng.randrange(1, max(2, len(paras)))
    cut = max(2, round(len(paras) * 0.6))
    altered = list(paras)
    for i in rng.sample(range(len(paras)), min(2, len(paras))):
        altered[i] = _alter(paras[i], rng)
    return {
        "exact copy": list(paras),
        "header and footer added": [HEADER, *paras, FOOTER],
        "paragraphs cut (60% kept)": paras[:cut],
        "a paragraph of its own": [*paras[:at], own, *paras[at:]],
        "two paragraphs reworded": altered,
        "cut, header and own paragraph": [HEADER, *paras[: max(2, round(len(paras) * 0.7))], own],
    }


def build_set(originals: int, distinct: int, seed: int) -> list[dict]:
    """[{"title", "paragraphs", "source", "truth": group label, "kind"}]"""
    from archive.sanitize import content_hash

    rng = random.Random(seed)
    files = sorted((CORPORA / "bbc").glob("*/*.txt"))
    seen, docs = set(), []
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        title, _, body = text.partition("\n")
        paras = _paragraphs(body)
        h = content_hash(body)
        if len(body.split()) >= 80 and h not in seen and len(paras) >= 3:
            seen.add(h)
            docs.append({"title": title.strip(), "paragraphs": paras, "topic": path.parent.name})
    rng.shuffle(docs)
    chosen, rest = docs[:originals], docs[originals : originals + distinct]
    by_topic: dict[str, list[dict]] = {}
    for d in rest:
        by_topic.setdefault(d["topic"], []).append(d)
    out = []
    for n, d in enumerate(chosen):
        label = f"o{n}"
        out.append({**d, "source": "Original Outlet", "truth": label, "kind": "original"})
        same_topic = by_topic.get(d["topic"]) or rest
        other = rng.choice(same_topic)["paragraphs"]
        for k, (kind, paras) in enumerate(mutations(d["paragraphs"], other, rng).items()):
            out.append({"title": f"{d['title']} ({k})", "paragraphs": paras,
                        "source": f"Copy Outlet {k}", "truth": label, "kind": kind})  # fmt: skip
    for n, d in enumerate(rest):
        out.append({**d, "source": "Distinct Outlet", "truth": f"d{n}", "kind": "distinct"})
    for n, path in enumerate(sorted((REPO / "fixtures").glob("*.txt"))):
        text = path.read_text(encoding="utf-8")
        title, _, body = text.partition("\n")
        out.append({"title": title, "paragraphs": _paragraphs(body), "source": f"Seed Outlet {n}",
                    "truth": f"s{n}", "kind": "seed"})  # fmt: skip
    return out


def _django(work: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{work / 'db.sqlite3'}"
    os.environ["SEARCH_URL"] = f"whoosh:///{work / 'whoosh'}"
    os.environ.setdefault("SECRET_KEY", "bench")
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"  # no index writes: stories only
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _save_all(docs: list[dict], folder: Path) -> tuple[float, list[int]]:
    """Import the documents as one JSON-lines file through services.import_paths (parse
    workers, batched index writes: an import as `import_articles` runs it); their ids."""
    from archive import services
    from archive.ingest import Limits
    from archive.models import Article

    # Files of 10 lines, and a generous parse budget: this measures the grouping, not the
    # budget, and on a shared, loaded machine 50-line chunks overran the default 2 s.
    shards = folder / "jsonl"
    shards.mkdir(exist_ok=True)
    for old in shards.glob("*.jsonl"):
        old.unlink()
    for start in range(0, len(docs), 10):
        with (shards / f"{start:06d}.jsonl").open("w", encoding="utf-8") as out:
            for n in range(start, min(start + 10, len(docs))):
                d = docs[n]
                body = "".join(f"<p>{html.escape(p)}</p>" for p in d["paragraphs"])
                record = {
                    "title": f"{d['title']} #{n}",
                    "body": body,
                    "body_format": "html",
                    "source": d["source"],
                    "published": "2022-01-01",
                    "language": "en",
                }
                out.write(json.dumps(record) + "\n")
    started = time.perf_counter()
    limits = Limits(parse_seconds=60.0)
    report = services.import_paths([str(shards)], format="jsonl", limits=limits)
    seconds = time.perf_counter() - started
    failed = [r.message for r in report.results if r.status == services.FAILED]
    assert report.count(services.IMPORTED) == len(docs), (report.summary, failed[:3])
    by_title = dict(Article.objects.values_list("title", "pk"))
    return seconds, [by_title.get(f"{d['title']} #{n}") for n, d in enumerate(docs)]


def _stories_signals(on: bool) -> None:
    """Story grouping on or off: its signals, and the parse workers' signing (their finish
    hook with or without it), as bench/story_cost.py switches them."""
    from django.db.models.signals import post_delete, post_save, pre_delete

    from archive import sanitize, services, signatures, stories
    from archive.models import Article

    if on:
        post_save.connect(stories.article_saved, sender=Article, dispatch_uid="story_saved")
        pre_delete.connect(stories.article_deleting, sender=Article, dispatch_uid="story_deleting")
        post_delete.connect(stories.article_deleted, sender=Article, dispatch_uid="story_deleted")
        services.clean_and_sign_ahead = signatures.clean_and_sign_ahead
    else:
        post_save.disconnect(sender=Article, dispatch_uid="story_saved")
        pre_delete.disconnect(sender=Article, dispatch_uid="story_deleting")
        post_delete.disconnect(sender=Article, dispatch_uid="story_deleted")
        services.clean_and_sign_ahead = sanitize.clean_ahead


def _wipe() -> None:
    from django.db import connection

    with connection.cursor() as c:
        for table in (
            "archive_storyband", "archive_storysignature", "archive_original",
            "archive_article_authors", "archive_article_tags", "search_pendingindexupdate",
            "archive_article", "archive_story",
        ):  # fmt: skip
            c.execute(f"DELETE FROM {table}")  # noqa: S608 (constant names)


def pair_scores(labels: dict[int, str], predicted: dict[int, int | None]) -> dict:
    from itertools import combinations

    true_pairs = {
        frozenset(p) for group in _groups(labels).values() for p in combinations(sorted(group), 2)
    }
    pred_pairs = {
        frozenset(p)
        for group in _groups(predicted).values()
        for p in combinations(sorted(group), 2)
    }
    tp = len(true_pairs & pred_pairs)
    return {
        "true_pairs": len(true_pairs), "predicted_pairs": len(pred_pairs), "correct_pairs": tp,
        "precision": round(tp / len(pred_pairs), 4) if pred_pairs else 1.0,
        "recall": round(tp / len(true_pairs), 4) if true_pairs else 1.0,
        "wrong_pairs": sorted(tuple(sorted(p)) for p in pred_pairs - true_pairs)[:20],
    }  # fmt: skip


def _groups(assign: dict) -> dict:
    groups: dict = {}
    for pk, g in assign.items():
        if g is not None:
            groups.setdefault(g, set()).add(pk)
    return groups


def threshold_sweep(labels: dict[int, str], thresholds: list[float]) -> list[dict]:
    """P/R if the containment threshold were t, over the same LSH candidate pairs."""
    from archive import stories
    from archive.story_check import _band_pairs

    pairs = _band_pairs()
    texts = stories.texts({pk for p in pairs for pk in p})
    sh = {pk: stories.shingles(t) for pk, (t, _w) in texts.items()}
    words = {pk: w for pk, (_t, w) in texts.items()}
    scored = [(a, b, stories.containment(sh[a], sh[b])) for a, b in pairs
              if min(words[a], words[b]) >= stories.DEFAULT_POLICY.min_words]  # fmt: skip
    out = []
    for t in thresholds:
        groups = stories.components(labels, [(a, b) for a, b, c in scored if c >= t])
        predicted = {pk: n for n, g in enumerate(groups) for pk in g}
        s = pair_scores(labels, {pk: predicted.get(pk) for pk in labels})
        out.append({"threshold": t, "precision": s["precision"], "recall": s["recall"]})
    return out


def lookup_times(ids: list[int]) -> dict:
    from archive import stories
    from archive.models import Article

    policy = stories.DEFAULT_POLICY
    times, sign = [], []
    for article in Article.objects.filter(pk__in=ids[:300]).order_by("pk"):
        t0 = time.perf_counter()
        signed = stories.sign(article.body_text, policy)[0]
        t1 = time.perf_counter()
        found = stories.candidates(article, signed.keys, policy)
        stories.verified(article, None, found, policy, signed=signed)
        t2 = time.perf_counter()
        sign.append((t1 - t0) * 1000)
        times.append((t2 - t1) * 1000)
    q = statistics.quantiles(times, n=20)
    return {
        "lookup_p50_ms": round(statistics.median(times), 3),
        "lookup_p95_ms": round(q[-1], 3),
        "signature_p50_ms": round(statistics.median(sign), 3),
        "articles": len(times),
    }


def run(originals: int, distinct: int, seed: int) -> dict:
    docs = build_set(originals, distinct, seed)
    with tempfile.TemporaryDirectory(prefix="bench-stories-") as tmp:
        _django(Path(tmp))
        from archive.models import Article

        _stories_signals(False)
        off_s, _ = _save_all(docs, Path(tmp))
        _wipe()
        _stories_signals(True)
        on_s, ids = _save_all(docs, Path(tmp))
        labels = {pk: d["truth"] for pk, d in zip(ids, docs, strict=True) if pk}
        predicted = dict(Article.objects.values_list("pk", "story_id"))
        scores = pair_scores(labels, {pk: predicted.get(pk) for pk in labels})
        original_of = {d["truth"]: pk for pk, d in zip(ids, docs, strict=True)
                       if d["kind"] == "original"}  # fmt: skip
        kinds: dict[str, list[bool]] = {}
        for pk, d in zip(ids, docs, strict=True):
            if d["kind"] in ("original", "distinct", "seed") or not pk:
                continue
            home = predicted.get(original_of[d["truth"]])
            kinds.setdefault(d["kind"], []).append(home is not None and predicted.get(pk) == home)
        seeds = [predicted.get(pk) for pk, d in zip(ids, docs, strict=True) if d["kind"] == "seed"]
        result = {
            "documents": len(docs),
            "originals": originals,
            "distinct": distinct,
            "copies": sum(1 for d in docs if d["kind"] not in ("original", "distinct", "seed")),
            **scores,
            "recall_by_kind": {k: round(sum(v) / len(v), 4) for k, v in kinds.items()},
            "seeds_grouped": sum(1 for s in seeds if s is not None),
            "threshold_sweep": threshold_sweep(labels, [0.3, 0.4, 0.5, 0.6, 0.7, 0.8]),
            "import_per_s_stories_off": round(len(docs) / off_s, 1),
            "import_per_s_stories_on": round(len(docs) / on_s, 1),
            "stories_on_over_off": round(off_s / on_s, 3),
            **lookup_times([pk for pk in ids if pk]),
        }
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--originals", type=int, default=150)
    parser.add_argument("--distinct", type=int, default=600)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "stories.json")
    args = parser.parse_args(argv)
    if not (CORPORA / "bbc").is_dir():
        print(f"{CORPORA / 'bbc'} is absent: nothing to measure", file=sys.stderr)
        return 2
    result = run(args.originals, args.distinct, args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1))
    for key, value in result.items():
        print(f"{key:28} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
