"""Web archive import benchmark: N article pages as HTML files, and the same N pages as one WARC.

    python -m bench.warc [--n 500] [--work-dir var/bench/warc] [--out bench/results]

The pages are the benchmark corpus's articles (bench/corpus.py, seed 42) written as news pages
(title, byline and date meta tags, paragraphs in an <article>). Each path is the real command,
`manage.py import_articles`, in its own process on a fresh SQLite database and Whoosh index
(bench.run's environment): a folder of N .html files, then one crawl.warc.gz holding the same
pages as `response` records (with one image and one redirect record a page, as a crawl has,
skipped). Reported: articles/s for each, wall time, peak RSS, and WARC ÷ HTML.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import io
import json
import shutil
import sys
from pathlib import Path

from bench.run import REPO, bench_env, manage, parse_import

OUT = REPO / "bench" / "results"


def page(article: dict) -> bytes:
    authors = article["authors"] if isinstance(article["authors"], list) else []
    meta = "".join(f"<meta name='author' content='{html.escape(a)}'>" for a in authors)
    paragraphs = "".join(
        f"<p>{html.escape(p)}</p>" for p in article["body"].split("\n\n") if p.strip()
    )
    title = html.escape(article["title"])
    # the byline shown under the headline, as a news page does (a name only a meta tag
    # gives, the page never showing it, is no credit of the importer's)
    byline = f"<p class='byline'>By {html.escape(' and '.join(authors))}</p>" if authors else ""
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
        f"{meta}<meta property='article:published_time' content='{article['published']}'>"
        f"</head><body><nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{byline}"
        f"{paragraphs}"
        f"</article><footer>Copyright</footer></body></html>"
    ).encode()


def write_inputs(n: int, folder: Path) -> tuple[Path, Path]:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from bench.corpus import build_corpus

    pages_dir = folder / "pages"
    pages_dir.mkdir(parents=True)
    warc_path = folder / "crawl.warc.gz"
    with warc_path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for i, article in enumerate(build_corpus(n)):
            if isinstance(article.get("authors"), str):
                article["authors"] = json.loads(article["authors"].replace("'", '"'))
            body = page(article)
            (pages_dir / f"{i:06d}.html").write_bytes(body)
            for url, status, kind, payload in (
                (article["url"], "200 OK", "text/html; charset=utf-8", body),
                (article["url"] + ".jpg", "200 OK", "image/jpeg", b"\xff\xd8\xff" * 100),
                (article["url"] + "/amp", "301 Moved Permanently", "text/html", b""),
            ):
                http = StatusAndHeaders(status, [("Content-Type", kind)], protocol="HTTP/1.1")
                record = writer.create_warc_record(
                    url, "response", payload=io.BytesIO(payload), http_headers=http
                )
                writer.write_record(record)
    return pages_dir, warc_path


def run_import(path: Path, work: Path, name: str) -> dict:
    env = bench_env(work)
    work.mkdir(parents=True, exist_ok=True)
    logs = work / "logs"
    logs.mkdir(exist_ok=True)
    manage(["migrate", "--noinput"], env, logs / "migrate.log")
    manage(["createcachetable"], env, logs / "cache.log")
    result = manage(["import_articles", str(path)], env, logs / f"import-{name}.log")
    counts = parse_import(result.output)
    return {
        **counts,
        "seconds": round(result.seconds, 2),
        "articles_per_s": round(counts["imported"] / result.seconds, 1),
        "peak_rss_mb": round(result.peak_rss_mb, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--work-dir", type=Path, default=REPO / "var" / "bench" / "warc")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    work = args.work_dir / str(args.n)
    shutil.rmtree(work, ignore_errors=True)
    pages_dir, warc_path = write_inputs(args.n, work / "input")
    rows = {
        "html files": run_import(pages_dir, work / "html", "html"),
        "warc.gz": run_import(warc_path, work / "warc", "warc"),
    }
    ratio = rows["warc.gz"]["articles_per_s"] / max(rows["html files"]["articles_per_s"], 1e-9)
    report = {
        "n": args.n,
        "date": dt.date.today().isoformat(),
        "warc_bytes": warc_path.stat().st_size,
        "rows": rows,
        "warc_over_html": round(ratio, 2),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"warc-{args.n}-{report['date']}.json").write_text(json.dumps(report, indent=2))
    print(f"| path (N={args.n}) | imported | articles/s | wall s | peak RSS MB |")
    print("|---|---|---|---|---|")
    for name, row in rows.items():
        print(f"| {name} | {row['imported']} | {row['articles_per_s']} | {row['seconds']} "
              f"| {row['peak_rss_mb']} |")  # fmt: skip
    print(f"WARC ÷ HTML rate: {report['warc_over_html']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
