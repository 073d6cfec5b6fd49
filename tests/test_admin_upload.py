"""The admin upload: preview, corrections, confirm outside the request, report, stashes.

The confirm step saves in a thread of the server process with its own database connection,
so these tests use committed data (transactional_db), as the real server does.
"""

import io
import os
import time
import zipfile

import pytest
from django.urls import reverse

from archive import upload_jobs
from archive.models import Article, Original, UploadJob
from tests import uploads
from tests.uploads import UPLOAD

pytestmark = pytest.mark.django_db(transaction=True)

SEED_LIKE = (
    "A test headline about talks\n\nBy Jane Reporter\n\nJanuary 10, 2022\n\n"
    "Diplomats met in Geneva on Monday to discuss security in Europe. "
    "They agreed to meet again next week.\n\nLeave a Reply\n"
)


def _file(name: str, text: str) -> io.BytesIO:
    upload = io.BytesIO(text.encode())
    upload.name = name
    return upload


def _zip(members: dict[str, str], name: str = "batch.zip") -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for member, text in members.items():
            z.writestr(member, text)
    buffer.seek(0)
    buffer.name = name
    return buffer


def _tiny(n: int) -> dict[str, str]:
    return {
        f"tiny/{i:05d}.txt": f"Tiny article {i}\n\nWord {i} of a small test about item {i * 7}.\n"
        for i in range(n)
    }


def _confirm(client, preview, **fields):
    return uploads.confirm(client, preview.context["token"], **fields)


def _report(client, confirm_response) -> tuple[UploadJob, str]:
    job, page = uploads.report(client, confirm_response)
    return job, page.content.decode()


def test_upload_previews_then_saves_on_confirm(staff_client):
    preview = staff_client.post(UPLOAD, {"files": [_file("talks.txt", SEED_LIKE)]}, follow=True)
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "A test headline about talks" in html and "Jane Reporter" in html
    assert "Leave a Reply" in html  # shown among the removed lines
    assert "<details" in html and "Diplomats met in Geneva" in html  # the cleaned body
    assert Article.objects.count() == 0  # nothing saved before confirm
    job, report = _report(staff_client, _confirm(staff_client, preview))
    assert "imported 1, duplicates 0, failed 0" in report
    article = Article.objects.get()
    assert article.title == "A test headline about talks"
    assert "Leave a Reply" not in article.body_text
    assert bytes(Original.objects.get().raw).decode() == SEED_LIKE
    assert not (upload_jobs.UPLOAD_DIR / job.token).exists()  # the stash went with the job


def test_a_zip_of_a_thousand_tiny_files_is_saved_whole_outside_the_request(staff_client):
    preview = staff_client.post(UPLOAD, {"files": [_zip(_tiny(1000))]}, follow=True)
    assert preview.context["ready"] == 1000
    started = time.monotonic()
    confirm = _confirm(staff_client, preview)
    assert time.monotonic() - started < 5  # the request only starts the job
    job, report = _report(staff_client, confirm)
    assert job.status == UploadJob.Status.DONE
    assert "imported 1000, duplicates 0, failed 0" in report
    assert Article.objects.count() == 1000
    assert job.results.count() == 1000
    assert set(job.results.values_list("status", flat=True)) == {"imported"}
    assert sorted(Article.objects.values_list("title", flat=True)) == sorted(
        f"Tiny article {i}" for i in range(1000)
    )


def test_the_report_survives_reload_and_a_resubmitted_confirm(staff_client):
    preview = staff_client.post(UPLOAD, {"files": [_file("talks.txt", SEED_LIKE)]}, follow=True)
    first = _confirm(staff_client, preview)
    _report(staff_client, first)
    again = _confirm(staff_client, preview)  # Back, then the confirm sent again
    assert again["Location"] == first["Location"]
    _job, report = _report(staff_client, again)
    assert "imported 1, duplicates 0, failed 0" in report
    assert Article.objects.count() == 1
    assert UploadJob.objects.count() == 1


def test_a_running_job_shows_progress_and_refreshes_itself(staff_client, django_user_model):
    job = UploadJob.objects.create(token="t" * 20, total=10, heartbeat=_now())
    page = staff_client.get(reverse("admin:archive_article_upload_report", args=[job.pk]))
    html = page.content.decode()
    assert '<meta http-equiv="refresh"' in html
    assert "0 of 10 files done so far" in html


def test_an_orphaned_job_is_resumed_where_it_stopped(staff_client):
    import datetime as dt

    preview = staff_client.post(UPLOAD, {"files": [_zip(_tiny(5))]}, follow=True)
    token = preview.context["token"]
    # A job whose process died after saving nothing: its heartbeat is old.
    old = _now() - dt.timedelta(hours=1)
    job = UploadJob.objects.create(token=token, total=5, heartbeat=old, options={"source": ""})
    staff_client.get(reverse("admin:archive_article_upload_report", args=[job.pk]))
    job = uploads.finished(job.pk)
    assert job.status == UploadJob.Status.DONE
    assert Article.objects.count() == 5 and job.results.count() == 5


def test_a_zip_with_a_failing_member_reports_each_file(staff_client):
    preview = staff_client.post(
        UPLOAD, {"files": [_zip({"one.txt": SEED_LIKE, "empty.txt": ""})]}, follow=True
    )
    assert preview.context["ready"] == 1
    _job, report = _report(staff_client, _confirm(staff_client, preview))
    assert "imported 1, duplicates 0, failed 1" in report


def test_an_expired_upload_says_so_and_offers_the_form(staff_client):
    preview = staff_client.post(UPLOAD, {"files": [_file("talks.txt", SEED_LIKE)]}, follow=True)
    token = preview.context["token"]
    import shutil

    shutil.rmtree(upload_jobs.UPLOAD_DIR / token)
    response = staff_client.post(UPLOAD, {"token": token, "confirm": "1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "That upload has expired" in html and "upload the files again" in html
    assert 'type="file"' in html
    assert Article.objects.count() == 0


def test_upload_confirm_with_a_bad_token_is_a_message_not_an_error(staff_client):
    response = staff_client.post(UPLOAD, {"token": "../../etc", "confirm": "1"})
    assert response.status_code == 200
    assert "expired" in response.content.decode()


def test_the_preview_corrections_are_what_gets_saved(staff_client):
    other = SEED_LIKE.replace("talks", "other talks").replace("Geneva", "Vienna")
    files = [_file("talks.txt", SEED_LIKE), _file("other.txt", other)]
    preview = staff_client.post(UPLOAD, {"files": files}, follow=True)
    html = preview.content.decode()
    assert 'name="0-title"' in html and 'name="1-published"' in html
    _confirm(
        staff_client, preview,
        **{"0-title": "A corrected headline", "0-published": "2021-03-04",
           "0-source": "The Corrected Times", "0-authors": "Ann One; Bob Two",
           "1-title": "A test headline about other talks", "1-published": "2022-01-10",
           "1-source": "", "1-authors": "Jane Reporter"},
    )  # fmt: skip
    job = uploads.finished(UploadJob.objects.get().pk)
    assert job.status == UploadJob.Status.DONE
    corrected = Article.objects.get(title="A corrected headline")
    assert str(corrected.published) == "2021-03-04"
    assert corrected.source.name == "The Corrected Times"
    assert sorted(a.name for a in corrected.authors.all()) == ["Ann One", "Bob Two"]
    untouched = Article.objects.get(title="A test headline about other talks")
    assert str(untouched.published) == "2022-01-10" and untouched.source is None
    assert [a.name for a in untouched.authors.all()] == ["Jane Reporter"]


def test_a_file_left_out_is_not_saved_and_is_reported(staff_client):
    other = SEED_LIKE.replace("talks", "other talks").replace("Geneva", "Vienna")
    files = [_file("talks.txt", SEED_LIKE), _file("other.txt", other)]
    preview = staff_client.post(UPLOAD, {"files": files}, follow=True)
    _job, report = _report(staff_client, _confirm(staff_client, preview, **{"leave-1": "1"}))
    assert "imported 1, duplicates 0, failed 0, left out 1" in report
    assert list(Article.objects.values_list("title", flat=True)) == ["A test headline about talks"]


def test_a_bad_corrected_date_is_shown_on_the_preview_and_nothing_is_saved(staff_client):
    preview = staff_client.post(UPLOAD, {"files": [_file("talks.txt", SEED_LIKE)]}, follow=True)
    response = staff_client.post(
        UPLOAD,
        {"token": preview.context["token"], "confirm": "1", "0-title": "x",
         "0-published": "0001-01-01", "0-source": "", "0-authors": ""},
    )  # fmt: skip
    assert response.status_code == 200
    assert "A date from 1000-01-01 to 2999-12-31" in response.content.decode()
    assert UploadJob.objects.count() == 0 and Article.objects.count() == 0


def test_the_preview_warns_when_no_date_is_found(staff_client):
    undated = "A headline without a date\n\nSome words of a body that has no date at all.\n"
    preview = staff_client.post(UPLOAD, {"files": [_file("undated.txt", undated)]}, follow=True)
    assert "Warning: no date found" in preview.content.decode()


def test_many_files_get_a_compact_table_without_correction_fields(staff_client):
    preview = staff_client.post(UPLOAD, {"files": [_zip(_tiny(60))]}, follow=True)
    html = preview.content.decode()
    assert 'name="0-title"' not in html
    assert 'name="leave-59"' in html
    assert "bulk actions" in html


def test_symlink_members_of_a_zip_are_skipped_not_imported(staff_client):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("real.txt", SEED_LIKE)
        link = zipfile.ZipInfo("link.txt")
        link.external_attr = 0o120777 << 16  # a symbolic link, as `zip -y` stores one
        z.writestr(link, "/etc/passwd")
    buffer.seek(0)
    buffer.name = "links.zip"
    preview = staff_client.post(UPLOAD, {"files": [buffer]}, follow=True)
    assert "symbolic link" in preview.content.decode()
    _report(staff_client, _confirm(staff_client, preview))
    assert list(Article.objects.values_list("title", flat=True)) == ["A test headline about talks"]


def test_stashes_older_than_the_setting_are_removed_at_each_upload(staff_client):
    stale = upload_jobs.UPLOAD_DIR / "stale-token-for-test"
    stale.mkdir(parents=True, exist_ok=True)
    old = time.time() - 2 * 24 * 3600
    os.utime(stale, (old, old))
    staff_client.post(UPLOAD, {"files": [_file("talks.txt", SEED_LIKE)]})
    assert not stale.exists()


def test_clean_uploads_keeps_fresh_stashes_and_those_of_running_jobs(db):
    from django.core.management import call_command

    # Stashes that earlier runs in this work tree left behind go first, so the count below
    # is this test's own.
    call_command("clean_uploads", "--older-than-hours", "2", stdout=io.StringIO())
    old = time.time() - 3 * 3600
    folders = {}
    for name in ("abandoned-x", "running-job-x", "fresh-x"):
        folders[name] = upload_jobs.UPLOAD_DIR / name
        folders[name].mkdir(parents=True, exist_ok=True)
        if name != "fresh-x":
            os.utime(folders[name], (old, old))
    UploadJob.objects.create(token="running-job-x", heartbeat=_now())
    out = io.StringIO()
    call_command("clean_uploads", "--older-than-hours", "2", stdout=out)
    assert "removed 1 upload stash" in out.getvalue()
    assert not folders["abandoned-x"].exists()
    assert folders["running-job-x"].exists() and folders["fresh-x"].exists()
    for name in ("running-job-x", "fresh-x"):
        folders[name].rmdir()


def _now():
    from django.utils import timezone

    return timezone.now()


def test_confirms_sent_at_once_start_one_job(staff_client, django_user_model):
    import threading

    from django.db import connection
    from django.test import Client

    preview = staff_client.post(UPLOAD, {"files": [_file("talks.txt", SEED_LIKE)]}, follow=True)
    token = preview.context["token"]
    user = django_user_model.objects.get(username="editor")
    barrier = threading.Barrier(4)
    answers = []

    def confirm():
        client = Client()
        client.force_login(user)
        barrier.wait()
        answers.append(client.post(UPLOAD, {"token": token, "confirm": "1"}))
        connection.close()

    threads = [threading.Thread(target=confirm) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [a.status_code for a in answers] == [302] * 4
    assert len({a["Location"] for a in answers}) == 1
    job, report = _report(staff_client, answers[0])
    assert UploadJob.objects.count() == 1
    assert "imported 1, duplicates 0, failed 0" in report
    assert Article.objects.count() == 1


def test_a_source_cleared_in_the_preview_is_saved_as_unknown(staff_client):
    preview = staff_client.post(
        UPLOAD,
        {"files": [_file("talks.txt", SEED_LIKE)], "source": "Named At Upload"},
        follow=True,
    )
    assert 'value="Named At Upload"' in preview.content.decode()
    _report(
        staff_client,
        _confirm(staff_client, preview, **{"0-title": "A test headline about talks",
                 "0-published": "2022-01-10", "0-source": "", "0-authors": "Jane Reporter"}),
    )  # fmt: skip
    assert Article.objects.get().source is None


def test_the_upload_redirects_to_a_preview_page_that_survives_reload(staff_client):
    response = staff_client.post(UPLOAD, {"files": [_file("talks.txt", SEED_LIKE)]})
    assert response.status_code == 302
    preview_url = response["Location"]
    assert "/upload/preview/" in preview_url
    for _ in range(2):  # a reload parses the same stash again; nothing is saved
        page = staff_client.get(preview_url)
        assert "1 of 1 article ready to import" in page.content.decode()
    assert Article.objects.count() == 0
    _job, report = _report(staff_client, _confirm(staff_client, page))
    assert "imported 1" in report
    # Back to the preview after the job ended: its files are gone, so to the report.
    back = staff_client.get(preview_url)
    assert back.status_code == 302 and "/upload/" in back["Location"]
    assert staff_client.get(back["Location"]).status_code == 200
    assert Article.objects.count() == 1


def test_a_preview_page_of_an_unknown_token_says_expired(staff_client):
    page = staff_client.get(f"{UPLOAD}preview/nosuchtoken123/")
    assert page.status_code == 200
    assert "That upload has expired" in page.content.decode()
