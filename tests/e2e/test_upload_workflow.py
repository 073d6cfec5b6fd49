"""An editor's upload in a real browser: preview (the cleaned body behind a <details>, the
warnings), correct a file's title, date, source and authors, leave one out, confirm, watch
the report, reload it and go Back: what was corrected is what was saved, nothing twice."""

from __future__ import annotations

import re

from archive.models import Article, UploadJob

FILES = {
    "lighthouse.txt": (
        "Lighthouse keeper retires\n\nBy Tom Wick\n\n"
        "The keeper of the old lighthouse retired on Friday after forty years of service. "
        "He said he would miss the storms most of all.\n"
    ),
    "ferry.txt": (
        "Ferry timetable changes\n\nMarch 3, 2022\n\n"
        "The island ferry will run twice a day from April, the operator said on Tuesday.\n"
    ),
    "gulls.txt": (
        "Gulls return to the pier\n\nMarch 4, 2022\n\n"
        "Gulls have returned to the pier after the winter, to the delight of visitors.\n"
    ),
}


def log_in(page) -> None:
    page.goto("/admin/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "right-pw-123")
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))


def ok(page) -> None:
    problems = page.watch.problems()
    assert problems == [], problems
    page.watch.clear()


def test_upload_correct_confirm_reload(
    transactional_db, watched_page, screenshot, django_user_model, tmp_path
):
    django_user_model.objects.create_superuser("editor", "e@example.com", "right-pw-123")
    page = watched_page
    log_in(page)
    page.goto("/admin/archive/article/upload/")
    paths = []
    for name, text in FILES.items():
        (tmp_path / name).write_text(text)
        paths.append(str(tmp_path / name))
    page.set_input_files("input[name=files]", paths)
    page.click("input[value=Preview]")
    page.wait_for_selector("text=3 of 3 articles ready to import")
    ok(page)

    # Each file's row, found by its name (its position names its fields).
    rows = {
        page.locator(f"tr.preview-row:has(td.name:text-is('{name}'))").get_attribute("id"): name
        for name in FILES
    }
    by_name = {name: row_id.split("-")[1] for row_id, name in rows.items()}
    lighthouse = by_name["lighthouse.txt"]
    # The lighthouse file has no date: the preview says so.
    detail = page.locator(f"tr#file-{lighthouse} + tr.preview-detail")
    assert "Warning: no date found" in detail.inner_text()
    # Its cleaned body is there, folded away until asked for.
    body = detail.locator("details.cleaned-body")
    assert not body.locator(".body").is_visible()
    body.locator("summary").click()
    assert "forty years of service" in body.locator(".body").inner_text()
    screenshot(page, "upload-preview-corrections")

    page.fill(f"input[name='{lighthouse}-title']", "Lighthouse keeper retires after forty years")
    page.fill(f"input[name='{lighthouse}-published']", "2022-03-05")
    page.fill(f"input[name='{lighthouse}-source']", "Harbour Gazette")
    page.fill(f"input[name='{lighthouse}-authors']", "Tom Wick; Ada Lamp")
    page.check(f"input[name='leave-{by_name['gulls.txt']}']")
    page.click("input[name=confirm]")
    page.wait_for_url(re.compile(r"/admin/archive/article/upload/\d+/$"))
    page.wait_for_selector("text=imported 2, duplicates 0, failed 0, left out 1", timeout=60_000)
    report_url = page.url
    screenshot(page, "upload-report-final")
    ok(page)

    saved = Article.objects.get(title="Lighthouse keeper retires after forty years")
    assert str(saved.published) == "2022-03-05"
    assert saved.source.name == "Harbour Gazette"
    assert sorted(a.name for a in saved.authors.all()) == ["Ada Lamp", "Tom Wick"]
    assert Article.objects.filter(title="Ferry timetable changes").exists()
    assert not Article.objects.filter(title__startswith="Gulls").exists()

    page.reload()
    assert page.url == report_url
    assert "imported 2, duplicates 0, failed 0, left out 1" in page.content()
    ok(page)
    # Back: to the preview's page (a GET); its files are saved and gone, so it sends the
    # editor to the report again, never to a browser error or an "expired" upload.
    page.go_back()
    page.wait_for_load_state()
    assert page.url == report_url
    assert "imported 2, duplicates 0, failed 0, left out 1" in page.content()
    ok(page)
    page.go_back()  # the upload form
    assert page.locator("input[name=files]").count() == 1
    assert Article.objects.count() == 2 and UploadJob.objects.count() == 1
    ok(page)


def test_a_big_upload_previews_as_a_compact_table(
    transactional_db, watched_page, screenshot, django_user_model, tmp_path
):
    import zipfile

    django_user_model.objects.create_superuser("editor", "e@example.com", "right-pw-123")
    page = watched_page
    log_in(page)
    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w") as z:
        for n in range(200):
            z.writestr(
                f"many/{n:03d}.txt", f"Note {n}\n\nA short note, number {n}, on the tides.\n"
            )
    page.goto("/admin/archive/article/upload/")
    page.set_input_files("input[name=files]", [str(path)])
    page.click("input[value=Preview]")
    page.wait_for_selector("text=200 of 200 articles ready to import", timeout=60_000)
    height = page.locator("table.preview-table").bounding_box()["height"]
    per_file = height / 200
    print(f"\n[upload] preview of 200 files: {per_file:.0f} px a file (was ~330)")
    assert per_file < 80, per_file
    screenshot(page, "upload-preview-200")
    ok(page)
