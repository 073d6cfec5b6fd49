"""The admin upload: files or a zip -> preview -> corrections -> confirm -> report.

The preview shows what saving would make of each file (cleaned body, removed lines,
warnings) and lets the editor leave files out and correct title, date, source and authors.
Both steps are post/redirect/get: the upload redirects to the preview's page, and confirming
starts an UploadJob (archive.upload_jobs) and redirects to its report page, which refreshes
itself while the job saves; reload and Back are safe everywhere.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View

from archive import ingest, services, upload_jobs
from archive.ingest.types import EARLIEST_DATE, FORMATS, LATEST_DATE
from archive.models import UploadJob


@dataclass(frozen=True)
class PreviewPolicy:
    # Up to this many documents each gets correction fields; a bigger upload is a compact
    # table (with "leave out" boxes): its metadata is fixed after import with bulk actions.
    correctable_max: int = 50
    # The cleaned body (in a <details>) of the first this many files; a 10,000-file zip's
    # preview with every body was a 10 MB page.
    bodies_max: int = 200
    report_rows_per_page: int = 200


POLICY = PreviewPolicy()
CORRECTED = ("title", "published", "source", "authors")


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
        help_text="Text, markdown, HTML or JSON-lines files, a .zip of them, or web archives "
        "(.warc, .warc.gz, .wacz)."
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


class CorrectionForm(forms.Form):
    """One previewed document's editable fields (prefixed by its position)."""

    title = forms.CharField(required=False, max_length=500)
    published = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    source = forms.CharField(required=False, max_length=200)
    authors = forms.CharField(required=False, max_length=2000, help_text="separated by ;")

    def clean_published(self):
        value = self.cleaned_data.get("published")
        if value and not EARLIEST_DATE <= value <= LATEST_DATE:
            raise forms.ValidationError(
                f"A date from {EARLIEST_DATE:%Y-%m-%d} to {LATEST_DATE:%Y-%m-%d}, please."
            )
        return value


def _split_authors(value: str) -> list[str]:
    return [n.strip() for n in value.split(";") if n.strip()]


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

    def get(self, request, token: str = ""):
        if not token:
            return render(request, self.template_name, self.context(request, form=UploadForm()))
        # The preview of stashed files (a GET, so Back from the report comes here safely).
        job = (
            UploadJob.objects.filter(token=token).first()
            if upload_jobs.valid_token(token)
            else None
        )
        if job is not None and upload_jobs.stash_folder(token) is None:
            return redirect(reverse("admin:archive_article_upload_report", args=[job.pk]))
        if upload_jobs.stash_folder(token) is None:
            return self.expired(request)
        return self.preview(request, token)

    def post(self, request, token: str = ""):
        if "confirm" in request.POST:
            return self.confirm(request)
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, self.context(request, form=form))
        data = form.cleaned_data
        token = upload_jobs.stash_files(
            files=data["files"], format=data["format"], source=data["source"]
        )
        return redirect(reverse("admin:archive_article_upload_preview", args=[token]))

    def preview(self, request, token: str, *, bound=None, error: str = ""):
        folder = upload_jobs.stash_folder(token)
        source = upload_jobs.stash_options(folder)["source"]
        outcomes = list(upload_jobs.iter_stash(folder))
        correctable = len(outcomes) <= POLICY.correctable_max
        parsed = [o.article for o in outcomes if o.article is not None]
        probes = iter(services.preview_articles(parsed, source=source))
        rows = [
            _preview_row(n, o, next(probes) if o.article else None, source, correctable, bound)
            for n, o in enumerate(outcomes)
        ]
        for row in rows[POLICY.bodies_max :]:
            row["body_html"] = None  # past the first few hundred, the table alone
        (folder / "preview.json").write_text(json.dumps([r["initial"] for r in rows]))
        ready = sum(1 for row in rows if row["ok"])
        return render(
            request, self.template_name,
            self.context(request, preview=rows, token=token, ready=ready, error=error,
                         correctable=correctable),
        )  # fmt: skip

    def confirm(self, request):
        token = request.POST.get("token", "")
        job = (
            UploadJob.objects.filter(token=token).first()
            if upload_jobs.valid_token(token)
            else None
        )
        if job is None:
            folder = upload_jobs.stash_folder(token)
            if folder is None:
                return self.expired(request)
            try:
                options = _choices(request.POST, folder)
            except forms.ValidationError as exc:
                return self.preview(request, token, bound=request.POST, error=exc.messages[0])
            job = upload_jobs.start_upload_job(
                token=token, user=request.user, total=options.pop("total"), options=options
            )
            if job is None:  # removed between the two looks
                return self.expired(request)
        return redirect(reverse("admin:archive_article_upload_report", args=[job.pk]))

    def expired(self, request):
        hours = settings.UPLOAD_STASH_MAX_HOURS
        error = (
            "That upload has expired: files that are not confirmed are kept for "
            f"{hours} hours, and nothing of it was saved. Please upload the files again."
        )
        return render(
            request, self.template_name, self.context(request, form=UploadForm(), error=error)
        )


def _choices(post, folder) -> dict:
    """What the editor chose on the preview: files left out, and corrected fields (only
    those that differ from what was parsed). Raises ValidationError naming a bad field."""
    initial = json.loads((folder / "preview.json").read_text())
    left_out = [n for n in range(len(initial)) if post.get(f"leave-{n}")]
    corrections = {}
    for n, values in enumerate(initial):
        if n in left_out or f"{n}-title" not in post:
            continue
        form = CorrectionForm(post, prefix=str(n))
        if not form.is_valid():
            field, errors = next(iter(form.errors.items()))
            raise forms.ValidationError(f"File {n + 1}, {field}: {errors[0]}")
        changed = _changed(form.cleaned_data, values)
        if changed:
            corrections[str(n)] = changed
    return {"total": len(initial), "left_out": left_out, "corrections": corrections}


def _changed(data: dict, initial: dict) -> dict:
    given = {
        "title": data["title"].strip(),
        "published": data["published"].isoformat() if data["published"] else "",
        "source": data["source"].strip(),
        "authors": _split_authors(data["authors"]),
    }
    return {k: v for k, v in given.items() if v != initial.get(k)}


def _initial(article: ingest.ParsedArticle, source: str) -> dict:
    published = article.published
    if isinstance(published, dt.datetime):
        published = published.date()
    return {
        "title": (article.title or "").strip(),
        "published": published.isoformat() if published else "",
        "source": source or article.source,
        "authors": [a.strip() for a in article.authors if a.strip()],
    }


def preview_warnings(article: ingest.ParsedArticle, source: str) -> list[str]:
    """What an editor should check before saving: metadata the parse did not find."""
    warnings = list(article.warnings)
    if not article.published:
        warnings.append("no date found")
    if not (source or article.source):
        warnings.append("no source found")
    if not article.authors:
        warnings.append("no author found")
    if article.title_derived or not article.title:
        warnings.append("no title found: derived from the lead")
    if article.extra.get("warning"):
        warnings.append(str(article.extra["warning"]))
    return warnings


def _preview_row(
    n: int, outcome: ingest.Outcome, probed, source: str, correctable: bool, bound
) -> dict:
    repeats = f"repeats {outcome.repeats} exactly" if outcome.repeats else ""
    error = outcome.error or outcome.skipped or repeats
    row = {"n": n, "name": outcome.name, "ok": False, "error": error, "initial": {}}
    article = outcome.article
    if article is None:
        return row
    probe, duplicate = probed
    initial = _initial(article, source)
    row.update(
        article=article, duplicate=duplicate, word_count=probe.word_count,
        body_html=probe.body_html, initial=initial, warnings=preview_warnings(article, source),
        ok=bool(probe.body_text) and duplicate is None,
        left_out=bool(bound and bound.get(f"leave-{n}")),
    )  # fmt: skip
    if not probe.body_text:
        row["error"] = services.NO_TEXT
    if correctable and row["ok"]:
        form_initial = {**initial, "authors": "; ".join(initial["authors"])}
        row["form"] = CorrectionForm(bound, prefix=str(n), initial=form_initial)
    return row


class UploadReportView(View):
    """One job's report: progress while it saves (the page refreshes itself, no script
    needed), then every document's result. A GET, so reload and Back are safe."""

    model_admin = None
    template_name = "admin/archive/article/upload_report.html"

    def dispatch(self, request, *args, **kwargs):
        if not self.model_admin.has_add_permission(request):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, job_id: int):
        job = get_object_or_404(UploadJob, pk=job_id)
        upload_jobs.resume_if_orphaned(job)
        counts = upload_jobs.job_counts(job)
        results = job.results.select_related("article").order_by("position")
        page = Paginator(results, POLICY.report_rows_per_page).get_page(request.GET.get("page"))
        context = {
            **admin.site.each_context(request),
            "opts": self.model_admin.model._meta,
            "title": "Capture report" if job.options.get("kind") == "capture" else "Upload report",
            "job": job,
            "summary": upload_jobs.job_summary(job),
            "processed": sum(counts.values()),
            "page_obj": page,
        }
        return render(request, self.template_name, context)
