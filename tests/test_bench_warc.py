"""bench.warc's inputs: the same pages as HTML files and as WARC response records."""

from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.ingest import iter_documents, parse

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"


@pytest.mark.corpus
def test_the_warc_holds_the_same_pages_as_the_files(tmp_path):
    if not CORPORA.is_dir():
        pytest.skip(f"third-party corpora not found in {CORPORA}")
    from bench.warc import write_inputs

    pages_dir, warc_path = write_inputs(3, tmp_path)
    files = sorted(pages_dir.iterdir())
    assert len(files) == 3
    with warc_path.open("rb") as fh:
        kinds = [r.rec_type for r in ArchiveIterator(fh)]
    assert kinds == ["response"] * 9
    documents = [d for d in iter_documents([warc_path]) if d[1] is not None]
    assert len(documents) == 3
    from_warc = parse(documents[0][1], name=documents[0][0])[0].article
    from_file = parse(files[0].read_bytes(), name=files[0].name)[0].article
    assert from_warc.title == from_file.title and from_warc.body_html == from_file.body_html
    assert from_warc.authors == from_file.authors and from_warc.authors
