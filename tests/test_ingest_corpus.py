"""Real third-party corpora (../shared/corpora) parse without errors; skipped when absent."""

from __future__ import annotations

import gzip
import itertools
from pathlib import Path

import pytest

from archive.ingest import iter_documents, parse, parse_all

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
BBC = CORPORA / "bbc"
REUTERS = CORPORA / "reuters21578.jsonl.gz"

pytestmark = pytest.mark.corpus


def bbc_sample(per_category: int = 10) -> list[Path]:
    if not BBC.is_dir():
        pytest.skip("../shared/corpora/bbc is not available")
    files: list[Path] = []
    for category in sorted(p for p in BBC.iterdir() if p.is_dir()):
        files += sorted(category.glob("*.txt"))[:per_category]
    return files + [BBC / "sport" / "199.txt"]  # the Latin-1 one


def reuters_head(lines: int = 200) -> bytes:
    if not REUTERS.exists():
        pytest.skip("../shared/corpora/reuters21578.jsonl.gz is not available")
    with gzip.open(REUTERS) as fh:
        return b"".join(itertools.islice(fh, lines))


def test_fifty_bbc_files_parse_with_their_first_line_as_title_and_nothing_else_removed():
    files = bbc_sample()
    assert len(files) >= 50
    for path in files:
        raw = path.read_bytes()
        [outcome] = parse(raw, name=path.name)
        assert outcome.error == "", path
        article = outcome.article
        first_line = raw.decode("utf-8", errors="replace").split("\n")[0].strip()
        if path.name != "199.txt" or "sport" not in str(path):
            assert article.title == first_line, path
        assert article.language == "en", path
        assert article.published is None and article.authors == [], path
        assert [r.rule for r in article.removed] == ["metadata:title"], path
        assert article.body_html.startswith("<p>"), path


def test_bbc_files_read_through_iter_documents_import_without_errors():
    files = bbc_sample(per_category=3)
    outcomes = list(parse_all(iter_documents(files)))
    assert [o.error for o in outcomes] == [""] * len(files)


def test_the_first_200_reuters_lines_import_or_fail_only_for_an_empty_body():
    outcomes = parse(reuters_head(), name="reuters21578.jsonl")
    assert len(outcomes) == 200
    errors = [o.error for o in outcomes if o.error]
    assert all(e.endswith("no article text (empty body)") for e in errors), errors
    assert len(errors) < 20
    articles = [o.article for o in outcomes if o.article]
    assert all(a.published and a.published.year == 1987 for a in articles)
    assert all(a.source == "Reuters" for a in articles)
    assert all(a.title for a in articles)
    assert all("Reuter" not in a.body_html[-20:] for a in articles)


def test_reuters_keys_are_mapped_to_tags_authors_and_extra():
    first, *_rest = parse(reuters_head(4), name="reuters21578.jsonl")
    article = first.article
    assert article.title == "BAHIA COCOA REVIEW"
    assert ("keyword", "cocoa") in article.tags and ("region", "el-salvador") in article.tags
    assert article.extra["newid"] == 1 and article.extra["dateline"] == "SALVADOR, Feb 26 -"
    assert article.body_html.count("<p>") > 5  # indented lines start new paragraphs
    fourth = parse(reuters_head(4), name="reuters21578.jsonl")[3].article
    assert fourth.authors == ["Janie Gabbett"]
