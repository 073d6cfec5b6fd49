"""Hostile HTML through the admin: the add form, and the upload with preview and confirm.

The vectors go twenty to a body (and into title and standfirst) through the add form, and
as a zip of JSON lines (every field), HTML pages, markdown and text through the upload view.
The admin's own pages (preview, report, change list, change form) and the public article
pages must show none of it as live markup.
"""

from __future__ import annotations

import io
import logging
import zipfile

import pytest

from archive.models import Article
from tests import uploads
from tests.e2e.hostile import (
    batches,
    fragment_problems,
    hostile_files,
    lead,
    load_vectors,
    page_problems,
    say,
)
from tests.factories import NO_ORIGINAL_INLINE

pytestmark = pytest.mark.django_db

VECTORS = load_vectors()
UPLOAD = "/admin/archive/article/upload/"
# Where the admin shows content: the preview rows, the report table, list cells, read-only
# fields, messages and error notes. The admin's own forms live outside these.
ADMIN_REGIONS = (
    ".preview-row", ".result-imported", ".result-failed", ".result-duplicate", ".messagelist",
    ".errornote", ".readonly", "#result_list", ".breadcrumbs", "h1", "title",
)  # fmt: skip


@pytest.fixture(autouse=True)
def quiet():
    logging.disable(logging.WARNING)
    yield
    logging.disable(logging.NOTSET)


def admin_problems(response) -> list[str]:
    return page_problems(response.content, regions=ADMIN_REGIONS, allowed={"input"})


def test_hostile_bodies_through_the_add_form(staff_client, capsys):
    saved = 0
    for n, group in batches(VECTORS, 20):
        body = "".join(f"<p>{lead(v)}</p>{v.text}" for v in group)
        joined = " ".join(v.text for v in group)
        response = post_article(staff_client, n, joined, body)
        if response.status_code == 200:
            # Django's form fields refuse NUL outright: a clean error page, then without it.
            errors = response.context["adminform"].form.errors
            assert all("Null characters" in str(e) for e in errors.values()), errors
            assert admin_problems(response) == []
            response = post_article(
                staff_client, n, *(t.replace("\x00", "") for t in (joined, body))
            )
        assert response.status_code == 302, response.context["adminform"].form.errors
        saved += 1
    articles = list(Article.objects.all())
    assert len(articles) == saved
    bad = {}
    for article in articles:
        found = fragment_problems(article.body_html)
        found += page_problems(staff_client.get(article.get_absolute_url()).content)
        change = staff_client.get(f"/admin/archive/article/{article.pk}/change/")
        found += admin_problems(change)
        if found:
            bad[article.pk] = found[:3]
    assert bad == {}
    assert admin_problems(staff_client.get("/admin/archive/article/")) == []
    say(capsys, f"XSS vectors through the admin add form: {len(VECTORS)} in {saved} articles")


def post_article(client, n: int, text: str, body: str):
    return client.post(
        "/admin/archive/article/add/",
        {
            "title": text[:480],
            "slug": f"hostile-{n}",
            "standfirst": text[:1000],
            "body_html": body,
            "language": "en",
            "is_public": "on",
            **NO_ORIGINAL_INLINE,
        },
    )


def zip_of(files: dict[str, bytes]) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    buffer.seek(0)
    buffer.name = "hostile.zip"
    return buffer


@pytest.mark.django_db(transaction=True)
def test_hostile_files_through_the_upload_preview_and_confirm(staff_client, on_commit, capsys):
    files = hostile_files(VECTORS, size=40)
    preview = staff_client.post(UPLOAD, {"files": [zip_of(files)], "format": "auto"}, follow=True)
    assert preview.status_code == 200
    assert admin_problems(preview) == []
    assert Article.objects.count() == 0
    ready = preview.context["ready"]
    assert ready > len(files) // 2
    job, report = uploads.confirm_and_report(staff_client, preview.context["token"])
    assert admin_problems(report) == []
    # The markdown and text copies of one group have the same words: one is a duplicate.
    assert job.results.filter(status="imported").count() >= ready - len(files) // 3
    bad = {}
    for article in Article.objects.all():
        found = fragment_problems(article.body_html)
        found += page_problems(staff_client.get(article.get_absolute_url()).content)
        if found:
            bad[article.pk] = found[:3]
    assert bad == {}
    assert admin_problems(staff_client.get("/admin/archive/article/")) == []
    assert page_problems(staff_client.get("/").content) == []
    say(
        capsys,
        f"XSS vectors through the admin upload (zip of JSON lines, HTML, markdown, text; "
        f"preview and confirm): {len(VECTORS)} in {len(files)} files, {ready} articles",
    )
