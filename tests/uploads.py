"""Confirming an admin upload in tests: the confirm redirects to its report page, and the
job saves in a thread of this process (with committed data: use transactional_db)."""

from __future__ import annotations

import time

from archive.models import UploadJob

UPLOAD = "/admin/archive/article/upload/"


def finished(job_id: int, timeout: float = 240.0) -> UploadJob:
    """The job once it has stopped running (polled; it runs in another thread)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = UploadJob.objects.get(pk=job_id)
        if not job.is_running:
            return job
        time.sleep(0.1)
    raise AssertionError(f"upload job {job_id} still running after {timeout}s")


def confirm(client, token: str, **fields):
    """POST the confirm; returns the redirect response."""
    response = client.post(UPLOAD, {"token": token, "confirm": "1", **fields})
    assert response.status_code == 302, response.content[:500]
    return response


def report(client, confirm_response):
    """Wait for the job the confirm started; returns (job, its report page response)."""
    url = confirm_response["Location"]
    job = finished(int(url.rstrip("/").rsplit("/", 1)[1]))
    page = client.get(url)
    assert page.status_code == 200
    return job, page


def confirm_and_report(client, token: str, **fields):
    return report(client, confirm(client, token, **fields))
