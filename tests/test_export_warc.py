"""export_warc: the matching articles' raw originals as a WARC, read back by warcio and by
import_articles (the same articles, as duplicates)."""

import pytest
from django.core.management import CommandError, call_command
from warcio.archiveiterator import ArchiveIterator

from archive.models import Article, Original
from tests import warcs
from tests.commands import run_command
from tests.conftest import SEEDS
from tests.factories import make_article

pytestmark = pytest.mark.django_db


command = run_command


@pytest.fixture
def archive(tmp_path, on_commit):
    crawl = warcs.pages(3).save(tmp_path / "crawl.warc.gz")
    assert command("import_articles", str(SEEDS), str(crawl))[0] == 0
    return Article.objects.count()


def records(path):
    with open(path, "rb") as fh:
        return [
            (r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r.content_stream().read())
            for r in ArchiveIterator(fh, check_digests=True)
        ]


def test_an_export_is_read_by_warcio_responses_and_resources(tmp_path, archive):
    out = tmp_path / "all.warc.gz"
    code, text = command("export_warc", str(out))
    assert code == 0
    assert f"exported {archive} articles" in text and "3 captured responses" in text
    read = records(out)
    kinds = [kind for kind, _, _ in read]
    assert kinds[0] == "warcinfo"
    assert kinds.count("response") == 3 and kinds.count("resource") == archive - 3
    story = next(body for kind, uri, body in read if (uri or "").endswith("/story/1"))
    assert b"Harbour council story number 1" in story


def test_re_importing_an_export_gives_the_same_articles_as_duplicates(tmp_path, archive):
    out = tmp_path / "all.warc.gz"
    command("export_warc", str(out))
    hashes = set(Article.objects.values_list("content_hash", flat=True))
    code, text = command("import_articles", str(out))
    assert code == 0, text
    assert text.strip().endswith(f"imported 0, duplicates {archive}, failed 0")
    # And into an empty archive: the same articles again, hash for hash.
    Article.objects.all().delete()
    code, text = command("import_articles", str(out))
    assert text.strip().endswith(f"imported {archive}, duplicates 0, failed 0"), text
    assert set(Article.objects.values_list("content_hash", flat=True)) == hashes
    captured = Article.objects.get(original_url="https://news.example.com/story/2")
    assert captured.captured.isoformat() == "2024-03-03T10:00:00+00:00"


def test_the_search_parameters_choose_what_is_exported(tmp_path, archive):
    out = tmp_path / "some.warc.gz"
    code, text = command("export_warc", str(out), "--q", "harbour council", "--start", "2023-05-02")
    assert code == 0
    uris = sorted(uri for kind, uri, _ in records(out) if kind != "warcinfo")
    assert uris == ["https://news.example.com/story/1", "https://news.example.com/story/2"]


def test_an_article_without_a_raw_original_is_exported_from_its_body(tmp_path, on_commit):
    on_commit(make_article, title="Made in the admin",
              body="<p>Typed by an editor into the admin.</p>")  # fmt: skip
    Original.objects.all().delete()  # as an article written in the admin has none
    out = tmp_path / "admin.warc.gz"
    code, text = command("export_warc", str(out))
    assert "1 without a raw original" in text
    assert [k for k, _, _ in records(out)] == ["warcinfo", "resource"]


def test_bad_arguments_are_clear_errors_and_leave_no_file(tmp_path, db):
    with pytest.raises(CommandError, match="start"):
        call_command("export_warc", str(tmp_path / "x.warc.gz"), "--start", "yesterday")
    with pytest.raises(CommandError, match=r"\.warc\.gz"):
        call_command("export_warc", str(tmp_path / "x.zip"))
    assert list(tmp_path.iterdir()) == []
