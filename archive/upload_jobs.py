"""The admin upload's stash and its confirm step, run outside the request.

Uploaded bytes wait between preview and confirm in var/uploads/<token>/, so the confirm step
saves exactly what the editor saw, without sending the files twice. Confirming makes an
UploadJob and saves its documents in a thread of the web process: a request never holds a
worker for the minutes a 10,000-file zip takes (it used to answer 500 half-way, with part of
the zip saved). Each document's result is written in the transaction that saved it, so the
report is exact however the job ends, and a job whose process died (a worker restarted) is
resumed where it stopped by the next look at its report page.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.db.models import Count
from django.utils import timezone

from archive import ingest, services
from archive.ingest.files import zip_documents
from archive.ingest.parallel import parse_stream
from archive.ingest.warc import path_documents, web_archive_kind
from archive.models import UploadJob, UploadResult
from archive.sanitize import clean_ahead

log = logging.getLogger(__name__)

UPLOAD_DIR = settings.VAR_DIR / "uploads"
_TOKEN_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
LEFT_OUT = "left out"  # an UploadResult status: the editor unticked the file in the preview


@dataclass(frozen=True)
class UploadPolicy:
    """How long stashes wait for a confirm, and when a job counts as orphaned."""

    stash_max_age: float = settings.UPLOAD_STASH_MAX_HOURS * 3600
    # A job's heartbeat is written before each document; one silent this long lost its
    # process (parsing one document within the size limits takes seconds, not minutes).
    orphaned_after: float = 120.0


POLICY = UploadPolicy()


# --- The stash ------------------------------------------------------------------------------
def stash_files(*, files, format: str, source: str, policy: UploadPolicy = POLICY) -> str:
    """Keep uploaded files (Django UploadedFiles) for the confirm step; returns its token."""
    clean_stashes(policy=policy)
    token = secrets.token_urlsafe(16)
    folder = UPLOAD_DIR / token
    folder.mkdir(parents=True)
    for n, f in enumerate(files):
        # Our own file names: the uploaded name is kept only as data, never as a path.
        with open(folder / f"{n:04d}.bin", "wb") as out:
            for chunk in f.chunks():
                out.write(chunk)
        (folder / f"{n:04d}.name").write_text(Path(f.name).name[:200])
    (folder / "format").write_text(format)
    (folder / "source").write_text(source)
    return token


def stash_folder(token: str) -> Path | None:
    """The stash of `token`, or None when the token is malformed or its stash is gone."""
    if not valid_token(token):
        return None
    folder = UPLOAD_DIR / token
    return folder if folder.is_dir() else None


def valid_token(token: str) -> bool:
    return bool(token) and len(token) <= 64 and not set(token) - _TOKEN_CHARS


def stash_options(folder: Path) -> dict:
    return {"format": (folder / "format").read_text(), "source": (folder / "source").read_text()}


def _limits() -> ingest.Limits:
    return ingest.Limits(max_file_bytes=settings.IMPORT_MAX_FILE_BYTES)


def iter_stash(folder: Path) -> Iterator[ingest.Outcome]:
    """The stash's documents parsed, one at a time, always in the same order: a position
    in this sequence names one document in the preview, the job and its report alike."""
    options = stash_options(folder)
    limits = _limits()
    # As the import command parses: in worker processes under the parse budget, on every
    # core the settings allow, each article's HTML cleaned where it was parsed.
    for outcomes in parse_stream(
        _stashed_documents(folder, limits), format=options["format"],
        source=options["source"], limits=limits, workers=settings.IMPORT_WORKERS,
        finish=clean_ahead,
    ):  # fmt: skip
        yield from outcomes


def _stashed_documents(folder: Path, limits: ingest.Limits):
    """The stash's (name, data, error) documents, a zip's members one by one."""
    for data_path in sorted(folder.glob("*.bin")):
        name = data_path.with_suffix(".name").read_text()
        with data_path.open("rb") as fh:
            head = fh.read(8)
        if web_archive_kind(name, head):  # streamed from the stash, a record at a time
            yield from path_documents(data_path, name, limits)
            continue
        data = data_path.read_bytes()
        if name.lower().endswith(".zip") or data[:4] == b"PK\x03\x04":
            yield from zip_documents(data, name, limits)
        else:
            yield name, data, ""


def clean_stashes(*, policy: UploadPolicy = POLICY) -> int:
    """Remove stashes older than the policy's age (unconfirmed uploads, and those left by
    killed requests) unless a running job still reads them; returns how many went."""
    if not UPLOAD_DIR.is_dir():
        return 0
    cutoff = time.time() - policy.stash_max_age
    running = set(UploadJob.objects.filter(status=UploadJob.Status.RUNNING).values_list("token"))
    removed = 0
    for folder in UPLOAD_DIR.iterdir():
        try:
            stale = folder.stat().st_mtime < cutoff
        except FileNotFoundError:  # another process removed it meanwhile
            continue
        if stale and (folder.name,) not in running:
            if folder.is_dir():
                shutil.rmtree(folder, ignore_errors=True)
            else:
                folder.unlink(missing_ok=True)
            removed += 1
    return removed


# --- Jobs -----------------------------------------------------------------------------------
def start_upload_job(*, token: str, user=None, total: int = 0, options: dict | None = None):
    """The job saving the stash of `token`, started unless it already exists (a confirm
    sent twice, by Back and re-submit, finds the first one). None when the stash is gone."""
    existing = UploadJob.objects.filter(token=token).first()
    if existing is not None:
        return existing
    folder = stash_folder(token)
    if folder is None:
        return None
    try:
        with transaction.atomic():
            job = UploadJob.objects.create(
                token=token, user=user, total=total, heartbeat=timezone.now(),
                options={**stash_options(folder), **(options or {})},
            )  # fmt: skip
    except IntegrityError:  # a second click's request made it meanwhile: that one runs
        return UploadJob.objects.get(token=token)
    launch(job.pk)
    return job


def resume_if_orphaned(job: UploadJob, *, policy: UploadPolicy = POLICY) -> bool:
    """Restart a running job whose heartbeat stopped (its process died); True if restarted.
    The claim is one conditional UPDATE, so two looks at the page start one thread."""
    if not job.is_running:
        return False
    cutoff = timezone.now() - dt.timedelta(seconds=policy.orphaned_after)
    claimed = UploadJob.objects.filter(
        pk=job.pk, status=UploadJob.Status.RUNNING, heartbeat__lt=cutoff
    ).update(heartbeat=timezone.now())
    if claimed:
        log.warning("upload job %s lost its process; resuming it", job.pk)
        launch(job.pk)
    return bool(claimed)


def launch(job_id: int) -> None:
    def start():
        threading.Thread(target=run_upload_job, args=(job_id,), daemon=True,
                         name=f"upload-job-{job_id}").start()  # fmt: skip

    # After commit: the thread's own connection must see the job row.
    transaction.on_commit(start)


def run_upload_job(job_id: int) -> None:
    """Save every document of the job not saved yet; never raises (errors end the job as
    failed, with what was saved reported)."""
    close_old_connections()
    try:
        _run(UploadJob.objects.get(pk=job_id))
    except Exception as exc:
        log.exception("upload job %s stopped", job_id)
        UploadJob.objects.filter(pk=job_id).update(
            status=UploadJob.Status.FAILED, error=f"{type(exc).__name__}: {exc}",
            finished=timezone.now(),
        )  # fmt: skip
    finally:
        connection.close()  # this thread's own connection


def _run(job: UploadJob) -> None:
    from search.index_writer import batched_index_updates

    if job.options.get("kind") == "capture":  # archive.capture_admin: URLs, not files
        from archive.capture_admin import run_capture_job

        run_capture_job(job)
        UploadJob.objects.filter(pk=job.pk).update(
            status=UploadJob.Status.DONE, finished=timezone.now(), heartbeat=timezone.now()
        )
        return

    folder = stash_folder(job.token)
    if folder is None:
        raise RuntimeError("the uploaded files are gone (removed before they were saved)")
    done = set(job.results.values_list("position", flat=True))
    left_out = set(job.options.get("left_out", []))
    corrections = {int(k): v for k, v in job.options.get("corrections", {}).items()}
    names = services.NameCache()
    with batched_index_updates():
        for position, outcome in enumerate(iter_stash(folder)):
            if position in done:
                continue
            with transaction.atomic():
                if position in left_out:
                    result = services.SaveResult(LEFT_OUT, outcome.name, message="left out")
                else:
                    result = _save(outcome, job, corrections.get(position), names)
                record_result(job, position, result)
    UploadJob.objects.filter(pk=job.pk).update(
        status=UploadJob.Status.DONE, finished=timezone.now(), heartbeat=timezone.now()
    )
    shutil.rmtree(folder, ignore_errors=True)


def _save(outcome, job: UploadJob, correction: dict | None, names) -> services.SaveResult:
    source = job.options.get("source", "")
    if outcome.article is not None and correction:
        services.apply_corrections(parsed=outcome.article, corrections=correction)
        source = correction.get("source", source)  # the editor's word wins, "" included
    return services.save_outcomes([outcome], source=source, names=names)[0]


def record_result(job: UploadJob, position: int, result: services.SaveResult) -> None:
    UploadResult.objects.create(
        job=job, position=position, name=result.name[:500], status=result.status,
        article=result.article if result.article and result.article.pk else None,
        message=result.message,
    )  # fmt: skip
    UploadJob.objects.filter(pk=job.pk).update(heartbeat=timezone.now())


def job_counts(job: UploadJob) -> dict[str, int]:
    """{status: number of documents} of the job so far."""
    rows = job.results.values_list("status").annotate(n=Count("pk")).order_by()
    return dict(rows)


def job_summary(job: UploadJob) -> str:
    """The import command's summary line, for what the job saved so far."""
    counts = job_counts(job)
    line = (
        f"imported {counts.get(services.IMPORTED, 0)}, "
        f"duplicates {counts.get(services.DUPLICATE, 0)}, failed {counts.get(services.FAILED, 0)}"
    )
    if counts.get(LEFT_OUT):
        line += f", left out {counts[LEFT_OUT]}"
    return line


def clean_stashes_on_start() -> None:
    """clean_stashes() for a starting server, which must start even when it cannot."""
    from django.db import DatabaseError

    try:
        removed = clean_stashes()
    except (OSError, DatabaseError) as exc:
        log.warning("could not clean old upload stashes: %s", exc)
        return
    if removed:
        log.info("removed %s old upload stash(es)", removed)
