"""Web archives in: .warc, .warc.gz and .wacz through import_articles, re-parse and upload."""

import gzip
import io
import re
import zipfile

import pytest
from django.core.management import call_command

from archive.ingest import Limits, iter_documents
from archive.models import Article
from tests import warcs
from tests.commands import run_command

pytestmark = pytest.mark.django_db


def run(*args):
    return run_command("import_articles", *args)


def mixed_warc(*, gzip: bool = True) -> warcs.Warc:
    """Two articles, a revisit of one at another URL, and the records that are not articles."""
    warc = warcs.pages(2, gzip=gzip)
    first = warc.response("https://news.example.com/a", warcs.article_html(50),
                          date="2024-04-01T08:30:00Z")  # fmt: skip
    warc.response("https://news.example.com/logo.png", b"\x89PNG\r\n", content_type="image/png")
    warc.response("https://news.example.com/old", b"", status="301 Moved Permanently",
                  headers=[("Location", "https://news.example.com/a")])  # fmt: skip
    warc.response("https://news.example.com/gone", b"<html>gone</html>", status="404 Not Found")
    warc.request("https://news.example.com/a")
    warc.revisit("https://news.example.com/a?utm=x", first, date="2024-05-01T00:00:00Z")
    return warc


@pytest.mark.parametrize("suffix,gzip", [(".warc.gz", True), (".warc", False)])
def test_each_html_response_becomes_an_article_with_its_uri_and_capture_date(
    tmp_path, suffix, gzip
):
    path = mixed_warc(gzip=gzip).save(tmp_path / f"crawl{suffix}")
    code, out = run(str(path))
    assert code == 0, out
    assert out.strip().endswith("imported 3, duplicates 1, failed 0")
    # The revisit is resolved to the page it repeats: the same text, so a duplicate.
    assert re.search(r"duplicate: .*a\?utm=x: duplicate of article", out)
    # Everything else is counted in one line.
    skipped = [line for line in out.splitlines() if line.startswith("skipped: ")]
    assert len(skipped) == 1
    assert "4 records are not article pages" in skipped[0]
    for what in ("1 images", "1 redirects", "1 errors", "1 requests"):
        assert what in skipped[0]
    article = Article.objects.get(original_url="https://news.example.com/a")
    assert article.title == "Harbour council story number 50"
    assert article.captured.isoformat() == "2024-04-01T08:30:00+00:00"
    assert str(article.published) == "2023-05-06"  # the publication date is the page's
    assert [a.name for a in article.authors.all()] == ["Ann Writer"]
    assert article.original.format == "warc"
    assert bytes(article.original.raw).startswith(b"WARC/1.")


def test_the_record_is_the_raw_original_and_reparse_gives_the_same_article(tmp_path):
    path = warcs.pages(2).save(tmp_path / "crawl.warc.gz")
    run(str(path))
    article = Article.objects.get(original_url="https://news.example.com/story/1")
    Article.objects.filter(pk=article.pk).update(title="edited", captured=None)
    out = io.StringIO()
    call_command("import_articles", "--reparse", str(article.pk), stdout=out)
    assert "re-parsed 1, failed 0" in out.getvalue()
    article.refresh_from_db()
    assert article.title == "Harbour council story number 1"
    assert article.captured.isoformat() == "2024-03-02T10:00:00+00:00"


def test_a_wacz_is_read_from_its_archive_folder(tmp_path):
    path = warcs.wacz(tmp_path / "crawl.wacz", {
        "one.warc.gz": warcs.pages(2).data(), "two.warc.gz": warcs.pages(1, start=7).data()
    })  # fmt: skip
    code, out = run(str(path))
    assert code == 0, out
    assert out.strip().endswith("imported 3, duplicates 0, failed 0")
    assert Article.objects.filter(original_url="https://news.example.com/story/7").exists()


def test_a_wacz_zip_bomb_is_refused_and_the_rest_imported(tmp_path):
    bomb = gzip.compress(b"WARC/1.0\r\n" + b"\0" * (30 * 1024 * 1024), compresslevel=1)
    # Gzip of zeros deflated again by the zip: a small member that claims a huge size.
    path = tmp_path / "bomb.wacz"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("archive/a.warc.gz", warcs.pages(1).data())
        archive.writestr("archive/b.warc", b"WARC/1.0\r\n" + b"\0" * (30 * 1024 * 1024))
        archive.writestr("archive/c.warc.gz", bomb)
    code, out = run(str(path))
    assert code == 1
    assert "zip bomb refused" in out
    assert out.strip().endswith("imported 1, duplicates 0, failed 1")


def test_a_truncated_gzip_member_is_reported_and_the_records_before_it_imported(tmp_path):
    data = warcs.pages(3).data()
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(data[:-200])  # the last member loses its end
    code, out = run(str(path))
    assert code == 1
    assert "record truncated" in out or "cannot read the web archive" in out
    assert out.strip().endswith("imported 2, duplicates 0, failed 1")
    assert Article.objects.count() == 2


def test_a_record_whose_content_length_lies_is_reported_and_the_rest_imported(tmp_path):
    data = warcs.pages(3, gzip=False).data()
    lengths = list(re.finditer(rb"Content-Length: (\d+)\r\n", data))
    # The second record's WARC Content-Length (every other one is an HTTP header) says less.
    target = [m for m in lengths if data.rfind(b"WARC/1.", 0, m.start()) > 0][0]
    shorter = str(int(target.group(1)) - 40).encode()
    lied = data[: target.start(1)] + shorter + data[target.end(1) :]
    path = tmp_path / "lies.warc"
    path.write_bytes(lied)
    code, out = run(str(path))
    assert code == 1
    assert re.search(r"failed: .*story/1: record", out), out
    assert "Content-Length" in out
    assert Article.objects.filter(original_url__endswith="/story/0").exists()
    assert Article.objects.filter(original_url__endswith="/story/2").exists()
    assert not Article.objects.filter(original_url__endswith="/story/1").exists()


def test_a_record_over_the_size_cap_is_skipped_with_its_reason():
    warc = warcs.Warc()
    warc.response("https://news.example.com/big", warcs.article_html(1) + b" " * 5000)
    warc.response("https://news.example.com/small", warcs.article_html(2))
    documents = _documents(warc.data(), Limits(max_file_bytes=4000))
    assert documents[0][1] is None and "record too large" in documents[0][2]
    assert documents[1][1] is not None and documents[1][1].startswith(b"WARC/1.")


def _documents(data, limits, tmp=None):
    import tempfile
    from pathlib import Path

    folder = Path(tempfile.mkdtemp())
    path = folder / "x.warc.gz"
    path.write_bytes(data)
    return list(iter_documents([path], limits=limits))


def test_a_warc_in_a_zip_is_expanded_like_a_warc_file(tmp_path):
    path = tmp_path / "batch.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("crawl.warc.gz", warcs.pages(2).data())
        archive.writestr("note.txt", "A plain note about the harbour council and its budget. " * 5)
    code, out = run(str(path))
    assert code == 0, out
    assert out.strip().endswith("imported 3, duplicates 0, failed 0")


@pytest.mark.django_db(transaction=True)
def test_the_admin_upload_takes_a_warc_and_saves_its_pages(staff_client):
    from tests import uploads

    upload = io.BytesIO(mixed_warc().data())
    upload.name = "crawl.warc.gz"
    preview = staff_client.post(uploads.UPLOAD, {"files": [upload]}, follow=True)
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "Harbour council story number 50" in html
    assert "records are not article pages" in html
    job, page = uploads.report(
        staff_client, uploads.confirm(staff_client, preview.context["token"])
    )
    assert "imported 3, duplicates 1, failed 0" in page.content.decode()
    assert Article.objects.get(original_url="https://news.example.com/a").captured is not None


def test_the_capture_date_is_shown_on_the_page_in_the_api_and_filters_the_admin(
    tmp_path, client, admin_client
):
    run(str(warcs.pages(1).save(tmp_path / "crawl.warc.gz")))
    captured = Article.objects.get()
    from tests.factories import make_article

    plain = make_article(title="A file from a folder")  # no "captured" in its citation
    page = client.get(captured.get_absolute_url()).content.decode()
    assert 'Captured <time datetime="2024-03-01T10:00:00+00:00">1 March 2024, 10:00 UTC' in page
    assert "Captured" not in client.get(plain.get_absolute_url()).content.decode()
    api = client.get(f"/api/articles/{captured.pk}/").json()
    assert api["captured"] == "2024-03-01T10:00:00+00:00"
    assert client.get(f"/api/articles/{plain.pk}/").json()["captured"] is None
    listing = admin_client.get("/admin/archive/article/?captured__isnull=True").content.decode()
    assert "A file from a folder" in listing and "Harbour council" not in listing
    listing = admin_client.get("/admin/archive/article/?captured__isnull=False").content.decode()
    assert "A file, never captured" not in listing and "Harbour council" in listing
