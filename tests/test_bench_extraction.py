"""The extraction benchmark (bench.extraction) end to end on a few pages of ingest-dev.

No score or timing assertions: the figures are what the benchmark reports, not test outcomes.
What is asserted is that every path runs, the metrics are computed on the right pages, the
scraped text looks like the seeds (link targets '#', no images) and the region holds the truth.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bench import extraction

DEV = Path(__file__).resolve().parents[2] / "shared" / "ingest-dev"
N = 4


def need_dev() -> Path:
    if not (DEV / "trafilatura" / "evaldata.json").exists() or not (DEV / "zyte").is_dir():
        pytest.skip(f"extraction development set not found in {DEV}")
    return DEV


@pytest.fixture(scope="module")
def result(tmp_path_factory) -> tuple[dict, Path]:
    dev = need_dev()
    out = tmp_path_factory.mktemp("extraction")
    assert (
        extraction.main(["--dev", str(dev), "--limit", str(N), "--jobs", "1", "--out", str(out)])
        == 0
    )
    return extraction.read_results(out / "extraction-latest.json"), out


@pytest.mark.slow
def test_every_path_is_scored_on_both_sets(result):
    r, out = result
    assert r["pages"] == 2 * N and len(r["pages_detail"]) == 2 * N
    stems = {"extraction-latest", f"extraction-{r['date']}"}
    assert {p.name for p in out.iterdir()} == {
        f"{stem}{ext}" for stem in stems for ext in (".json", ".pages.json.gz")
    }
    # the page details can be scored again without parsing, to the same summary
    again = tmp_out = out / "rescored"
    assert (
        extraction.main(["--rescore", str(out / "extraction-latest.json"), "--out", str(tmp_out)])
        == 0
    )
    assert extraction.read_results(again / "extraction-latest.json")["summary"] == r["summary"]
    for path in extraction.PATHS:
        s = r["summary"][path]["all"]
        assert s["pages"] == 2 * N and s["errors"] == 0, path
        assert s["body_pages"] == N  # Zyte's pages carry the true body
        assert 0 <= s["body_p"] <= 1 and 0 <= s["body_r"] <= 1 and 0 <= s["shingle_f1"] <= 1
        assert s["median_ms"] > 0
        assert {"dev", "held"} <= set(r["summary"][path])
        halves = r["summary"][path]["dev"]["pages"] + r["summary"][path]["held"]["pages"]
        assert halves == 2 * N


def test_scores_count_what_they_say():
    pages = {
        "a": extraction.Page("a", "trafilatura", "", title="Der Titel", authors=["Anna Beck"],
                             date="2020-01-02", with_=["kept text"], without=["Impressum"]),
        "b": extraction.Page("b", "trafilatura", "", title="Other", authors=[], date=""),
        "c": extraction.Page("c", "zyte", "", body="one two three four five"),
    }  # fmt: skip
    res = {
        "a": extraction.Result(
            "der  titel", ["ANNA BECK", "Dpa Nachrichten"], "2020-01-02", "kept text Impressum", 1.0
        ),
        "b": extraction.Result("Other | Site", [], "2019-05-05", "", 2.0),
        "c": extraction.Result("", [], "", "one two three four five six", 3.0),
    }  # fmt: skip
    rows = [{"id": k, "p": extraction.asdict(v)} for k, v in res.items()]
    s = extraction.score(rows, pages, "p")
    assert s["title"] == 50.0  # case and spaces do not count; a site suffix does
    assert s["date_pages"] == 1 and s["date_same"] == 100.0
    assert s["dateless_pages"] == 1 and s["date_invented"] == 100.0
    assert s["authors_p"] == 0.5 and s["authors_r"] == 1.0
    assert s["body_p"] == round(5 / 6, 3) and s["body_r"] == 1.0
    assert s["shingle_p"] == round(2 / 3, 3)  # 2 of the 3 predicted 4-word shingles are true
    assert s["with_kept"] == 100.0 and s["without_out"] == 0.0
    assert s["median_ms"] == 2.0


def test_scraped_text_is_like_the_seeds_and_the_region_holds_the_truth():
    dev = need_dev()
    page = next(p for p in extraction.load_pages(dev) if p.set == "zyte")
    from archive.ingest.encoding import decode

    html = decode(page.read())
    region = extraction.scraped_text(html, page, region=True)
    whole = extraction.scraped_text(html, page, region=False)
    assert len(region) < len(whole)
    assert not re.search(r"\]\((?!#\))", region)  # every link target is '#'
    assert "![" not in region and "<img" not in region
    words = extraction.Counter(extraction._tokens(page.body))
    found = sum((extraction.Counter(extraction._tokens(region)) & words).values())
    assert found >= extraction.REGION_COVERAGE * sum(words.values())
