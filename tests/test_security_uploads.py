"""Broken and hostile files through the admin upload, end to end, and the upload limits.

The importer's own tests (tests/test_ingest_inputs.py) prove each bad input is refused by
the parser; these prove the admin path around it: one upload holding good and bad files
previews each with its own clear message, confirm saves the good ones whole and nothing of
the bad ones, and the request and count limits answer with a message, never a 500.
"""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

import pytest
from django.test import Client

from archive.models import Article, Author, Original
from archive.upload_jobs import UPLOAD_DIR
from tests import uploads

pytestmark = pytest.mark.django_db

UPLOAD = "/admin/archive/article/upload/"
GOOD = (
    "Good article number {n} about harbour talks\n\nBy Jane Reporter\n\nJanuary 10, 2022\n\n"
    "Diplomats met in harbour town number {n} on Monday to discuss shipping in Europe. "
    "They agreed to meet again next week.\n"
)


def named(data: bytes, name: str) -> io.BytesIO:
    f = io.BytesIO(data)
    f.name = name
    return f


def make_zip(members: dict[str, bytes], *, declared_small: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buffer.getvalue()


def bad_files() -> dict[str, bytes]:
    """name -> bytes for every bad input of the importer issue (see tests/test_ingest_*)."""
    return {
        "empty.txt": b"",
        "binary.txt": bytes(range(256)) * 40,
        "too-large.txt": b"word " * 30_000,  # over the 100 kB limit set below
        "bomb.zip": make_zip({"zeros.txt": b"0" * 3_000_000}),
        "nested.zip": make_zip({"inner.zip": make_zip({"a.txt": GOOD.format(n=99).encode()})}),
        "traversal.zip": make_zip({"../../etc/evil.txt": GOOD.format(n=98).encode()}),
        "broken.zip": b"PK\x03\x04 this is not really a zip",
        "bad.jsonl": b'{"title": "ok", "body": "One good line of text here."}\n{not json\n[1,2]\n',
        "gzip-bomb.jsonl.gz": gzip.compress(b"{" + b" " * 3_000_000 + b"}"),
        "nothing-left.html": b"<html><body><script>alert(1)</script></body></html>",
    }


def good_files() -> dict[str, bytes]:
    return {
        "latin1.txt": GOOD.format(n=1).replace("harbour", "café").encode("latin-1"),
        "utf16.txt": GOOD.format(n=2).encode("utf-16"),
        "plain.txt": GOOD.format(n=3).encode(),
        "page.md": ("# " + GOOD.format(n=4)).encode(),
    }


@pytest.fixture
def small_limits(settings):
    settings.IMPORT_MAX_FILE_BYTES = 100_000
    return settings


@pytest.mark.django_db(transaction=True)
def test_each_bad_file_gets_its_own_message_and_the_good_ones_are_saved(
    staff_client, small_limits, on_commit
):
    files = {**bad_files(), **good_files()}
    preview = staff_client.post(
        UPLOAD, {"files": [named(d, n) for n, d in files.items()]}, follow=True
    )
    assert preview.status_code == 200
    rows = preview.context["preview"]
    problems = {row["name"]: row["error"] for row in rows if not row["ok"]}
    # Every bad file has a row of its own with a message; zips may name the member.
    for name in bad_files():
        stem = name.split(".")[0]
        messages = [m for n, m in problems.items() if stem in n]
        assert messages and all(messages), (name, problems)
    assert Article.objects.count() == 0
    html = preview.content.decode()
    assert "Will not be imported" in html

    job, _report = uploads.confirm_and_report(staff_client, preview.context["token"])
    results = list(job.results.all())
    imported = [r for r in results if r.status == "imported"]
    # The four good files and the one good line of bad.jsonl.
    assert len(imported) == 5, [(r.name, r.status, r.message) for r in results]
    titles = set(Article.objects.values_list("title", flat=True))
    assert {
        "Good article number 1 about café talks",
        "Good article number 2 about harbour talks",
    } <= titles
    # Nothing half-saved: every article has its original, a body and its author.
    for article in Article.objects.all():
        assert article.body_text and article.original.raw
    assert Original.objects.count() == Article.objects.count() == 5
    assert Author.objects.filter(articles__isnull=True).count() == 0
    # Nothing escaped the upload folder either.
    assert not Path("/etc/evil.txt").exists()
    assert not (UPLOAD_DIR.parent / "etc").exists()


def test_too_many_files_is_a_form_error(staff_client, settings):
    settings.UPLOAD_MAX_FILES = 3
    files = [named(GOOD.format(n=n).encode(), f"{n}.txt") for n in range(4)]
    response = staff_client.post(UPLOAD, {"files": files})
    assert response.status_code == 200
    assert "At most 3 files at once" in response.content.decode()
    assert "token" not in response.context or not response.context.get("token")


def test_more_files_than_django_accepts_is_a_400_not_a_500(django_user_model, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    client = Client(raise_request_exception=False)
    client.force_login(django_user_model.objects.create_superuser("e", "e@example.com", "pw"))
    files = [named(GOOD.format(n=n).encode(), f"{n}.txt") for n in range(5)]
    response = client.post(UPLOAD, {"files": files})
    assert response.status_code == 400
    assert Article.objects.count() == 0


def test_too_many_bytes_is_a_form_error(staff_client, settings):
    settings.UPLOAD_MAX_BYTES = 2 * 1024 * 1024
    files = [named(b"x" * (1024 * 1024 + 1), f"{n}.txt") for n in range(2)]
    response = staff_client.post(UPLOAD, {"files": files})
    assert response.status_code == 200
    assert "At most 2 MB at once" in response.content.decode()


def test_a_request_body_over_the_limit_is_refused_before_it_is_read(staff_client, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    stashed_before = set(UPLOAD_DIR.iterdir()) if UPLOAD_DIR.is_dir() else set()
    big = named(b"x" * (3 * 1024 * 1024), "big.txt")
    response = staff_client.post(UPLOAD, {"files": [big]})
    assert response.status_code == 413
    assert "too large" in response.content.decode()
    assert response["X-Frame-Options"] == "DENY"
    assert response["Content-Security-Policy"]
    stashed_after = set(UPLOAD_DIR.iterdir()) if UPLOAD_DIR.is_dir() else set()
    assert stashed_after == stashed_before


def test_a_nonsense_content_length_is_a_400(client):
    response = client.generic("POST", "/admin/login/", b"", CONTENT_LENGTH="lots")
    assert response.status_code == 400


def test_uploaded_file_names_are_never_paths(staff_client):
    evil = named(GOOD.format(n=7).encode(), "../../../../tmp/evil-upload.txt")
    preview = staff_client.post(UPLOAD, {"files": [evil]}, follow=True)
    assert preview.status_code == 200
    folder = UPLOAD_DIR / preview.context["token"]
    assert sorted(p.name for p in folder.iterdir()) == [
        "0000.bin",
        "0000.name",
        "format",
        "preview.json",
        "source",
    ]
    assert (folder / "0000.name").read_text() == "evil-upload.txt"
    assert not Path("/tmp/evil-upload.txt").exists()
