"""The admin upload: files or a zip -> preview of what was parsed -> confirm -> report.

Uploaded bytes wait between preview and confirm in var/uploads/<token>/, so the confirm step
saves exactly what the editor saw, without sending the files twice.
"""

from __future__ import annotations

import secrets
import shutil
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views import View

from archive import ingest, services
from archive.ingest.types import FORMATS

UPLOAD_DIR = settings.VAR_DIR / "uploads"
_TOKEN_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        # An empty file is the importer's to report, on its own row of the preview: refusing
        # it here would refuse the whole upload with it.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            if not data and self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return [single(d, initial) for d in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    files = MultipleFileField(
        help_text="Text, markdown, HTML or JSON-lines files, or a .zip of them."
    )
    format = forms.ChoiceField(
        choices=[("auto", "Detect")] + [(f, f) for f in FORMATS], initial="auto", required=False
    )
    source = forms.CharField(
        required=False, max_length=200,
        help_text="Publisher, when you know it (it wins over what the text says).",
    )  # fmt: skip

    def clean_format(self):
        return self.cleaned_data.get("format") or "auto"

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > settings.UPLOAD_MAX_FILES:
            raise forms.ValidationError(f"At most {settings.UPLOAD_MAX_FILES} files at once.")
        if sum(f.size for f in files) > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                f"At most {settings.UPLOAD_MAX_BYTES // (1024 * 1024)} MB at once."
            )
        return files


def _limits() -> ingest.Limits:
    return ingest.Limits(max_file_bytes=settings.IMPORT_MAX_FILE_BYTES)


STASH_MAX_AGE = 24 * 3600  # an upload nobody confirmed within a day is dropped


def _drop_stale_stashes() -> None:
    if not UPLOAD_DIR.is_dir():
        return
    cutoff = time.time() - STASH_MAX_AGE
    for folder in UPLOAD_DIR.iterdir():
        if folder.is_dir() and folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)


def _stash(files, fields: dict) -> str:
    _drop_stale_stashes()
    token = secrets.token_urlsafe(16)
    folder = UPLOAD_DIR / token
    folder.mkdir(parents=True)
    for n, f in enumerate(files):
        # Our own file names: the uploaded name is kept only as data, never as a path.
        with open(folder / f"{n:04d}.bin", "wb") as out:
            for chunk in f.chunks():
                out.write(chunk)
        (folder / f"{n:04d}.name").write_text(Path(f.name).name[:200])
    (folder / "format").write_text(fields["format"])
    (folder / "source").write_text(fields["source"])
    return token


def _stashed(token: str) -> Path | None:
    if not token or set(token) - _TOKEN_CHARS or len(token) > 64:
        return None
    folder = UPLOAD_DIR / token
    return folder if folder.is_dir() else None


def _parse_stash(folder: Path) -> tuple[list[ingest.Outcome], str]:
    fmt = (folder / "format").read_text()
    source = (folder / "source").read_text()
    outcomes: list[ingest.Outcome] = []
    for data_path in sorted(folder.glob("*.bin")):
        name = data_path.with_suffix(".name").read_text()
        outcomes += ingest.parse_upload(
            name, data_path.read_bytes(), format=fmt, source=source, limits=_limits()
        )
    return outcomes, source


class UploadView(View):
    """Staff only (admin_view), and only for users who may add articles."""

    model_admin = None
    template_name = "admin/archive/article/upload.html"

    def dispatch(self, request, *args, **kwargs):
        if not self.model_admin.has_add_permission(request):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def context(self, request, **extra):
        return {
            **admin.site.each_context(request),
            "opts": self.model_admin.model._meta,
            "title": "Upload articles",
            **extra,
        }

    def get(self, request):
        return render(request, self.template_name, self.context(request, form=UploadForm()))

    def post(self, request):
        if "confirm" in request.POST:
            return self.confirm(request)
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, self.context(request, form=form))
        token = _stash(form.cleaned_data["files"], form.cleaned_data)
        outcomes, _ = _parse_stash(UPLOAD_DIR / token)
        preview = [_preview_row(o) for o in outcomes]
        ready = sum(1 for row in preview if row["ok"])
        return render(
            request, self.template_name,
            self.context(request, preview=preview, token=token, ready=ready),
        )  # fmt: skip

    def confirm(self, request):
        folder = _stashed(request.POST.get("token", ""))
        if folder is None:
            form = UploadForm()
            return render(
                request, self.template_name,
                self.context(request, form=form, error="That upload has expired; upload again."),
            )  # fmt: skip
        outcomes, source = _parse_stash(folder)
        results = services.save_outcomes(outcomes, source=source)
        shutil.rmtree(folder, ignore_errors=True)
        report = services.ImportReport(results)
        return render(
            request, self.template_name, self.context(request, report=report, results=results)
        )


def _preview_row(outcome: ingest.Outcome) -> dict:
    error = outcome.error or (f"repeats {outcome.repeats} exactly" if outcome.repeats else "")
    row = {"name": outcome.name, "ok": False, "error": error, "article": outcome.article}
    if outcome.article is None:
        return row
    probe, duplicate = services.preview_article(outcome.article)
    row.update(duplicate=duplicate, word_count=probe.word_count, body_html=probe.body_html)
    row["ok"] = bool(probe.body_text) and duplicate is None
    if not probe.body_text:
        row["error"] = services.NO_TEXT
    return row
