"""The admin's "Capture by URL": a form of URLs, captured by a background job whose progress
and results show on the upload report page (as an upload's do); never inside the request."""

from __future__ import annotations

import secrets

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.validators import URLValidator
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from archive import services, upload_jobs
from archive.models import UploadJob

MAX_URLS = 100


class CaptureForm(forms.Form):
    urls = forms.CharField(
        label="URLs", widget=forms.Textarea(attrs={"rows": 8, "cols": 80}),
        help_text=f"One page per line (http or https), at most {MAX_URLS}.",
    )  # fmt: skip
    source = forms.CharField(
        required=False, max_length=200,
        help_text="Publisher, when you know it (it wins over what the page says).",
    )  # fmt: skip

    def clean_urls(self):
        lines = [line.strip() for line in self.cleaned_data["urls"].splitlines() if line.strip()]
        urls = list(dict.fromkeys(lines))
        if not urls:
            raise forms.ValidationError("Give at least one URL.")
        if len(urls) > MAX_URLS:
            raise forms.ValidationError(f"At most {MAX_URLS} URLs at once ({len(urls)} given).")
        validate = URLValidator(schemes=["http", "https"])
        bad = []
        for url in urls:
            try:
                validate(url)
            except forms.ValidationError:
                bad.append(url)
        if bad:
            shown = ", ".join(u[:100] for u in bad[:3])
            raise forms.ValidationError(f"Not an http or https URL: {shown}")
        return urls


class CaptureView(View):
    model_admin = None
    template_name = "admin/archive/article/capture.html"

    def dispatch(self, request, *args, **kwargs):
        if not self.model_admin.has_add_permission(request):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def render(self, request, form):
        context = {
            **admin.site.each_context(request), "opts": self.model_admin.model._meta,
            "title": "Capture by URL", "form": form,
            "allow_private": settings.CAPTURE_ALLOW_PRIVATE,
        }  # fmt: skip
        return render(request, self.template_name, context)

    def get(self, request):
        return self.render(request, CaptureForm())

    def post(self, request):
        form = CaptureForm(request.POST)
        if not form.is_valid():
            return self.render(request, form)
        job = start_capture_job(
            urls=form.cleaned_data["urls"], source=form.cleaned_data["source"], user=request.user
        )
        return redirect(reverse("admin:archive_article_upload_report", args=[job.pk]))


def start_capture_job(*, urls: list[str], source: str = "", user=None) -> UploadJob:
    with transaction.atomic():
        job = UploadJob.objects.create(
            token=f"capture-{secrets.token_urlsafe(16)}", user=user, total=len(urls),
            heartbeat=timezone.now(), options={"kind": "capture", "urls": urls, "source": source},
        )  # fmt: skip
        upload_jobs.launch(job.pk)
    return job


def run_capture_job(job: UploadJob) -> None:
    """Capture each URL of the job not done yet, recording each result as it comes (the
    report page shows them); called by upload_jobs' runner, which ends the job."""
    from archive.capture import capture_url
    from search.index_writer import batched_index_updates

    done = set(job.results.values_list("position", flat=True))
    source = job.options.get("source", "")
    names = services.NameCache()
    with batched_index_updates():
        for position, url in enumerate(job.options.get("urls", [])):
            if position in done:
                continue
            result = capture_url(url, source=source, names=names)
            upload_jobs.record_result(job, position, result)
