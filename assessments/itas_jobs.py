"""Running the ITAS import on an uploaded file, in the request or as a background job (issue 7 item 8).

``run_pending`` is the one way the upload pages run the engine (``itas_import``) on a pending upload:
the options chosen at upload re-checked for the user, and the saved column mappings (chosen on the
mapping page, or offered because a sheet looks alike). A file too large to check or import within a
request (``is_large``) becomes an ``ImportJob``: ``job_start`` stores it and enqueues
``assessments.tasks.run_itas_import_job``, the worker runs ``job_run`` (idempotent: a job already
finished is not run again, and importing the same file twice leaves it unchanged anyway), and the
browser polls ``job_progress``. Progress is written to a small file beside the uploads, outside the
import's transaction, so another process reads it while the import is still uncommitted.
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import mapping_services as ms
from .audit import task_context
from .importer import ColumnMapping, Problem
from .itas_import import AgencyOutcome, Discrepancy, ItasImportResult, itas_import
from .itas_summary_export import summary_of
from .models import ImportJob, ImportJobKind, ImportJobState, ImportMapping, Membership, Organization, Role
from .pending_uploads import pending_load

JOBS_DIR = "imports/jobs"


# --------------------------------------------------------------------------- who and with what


def scope_of(user: Any) -> tuple[bool, list[Organization]]:
    """(staff, the organizations the user administers); PermissionDenied for anyone else."""
    staff = bool(getattr(user, "is_staff", False) and getattr(user, "is_active", False))
    organizations = []
    if not staff:
        ids = Membership.objects.filter(user=user, role=Role.ADMIN).values_list("organization_id", flat=True)
        organizations = list(Organization.objects.filter(pk__in=ids).order_by("name"))
        if not organizations:
            raise PermissionDenied
    return staff, organizations


def import_options(user: Any, pending: dict[str, Any], data: bytes) -> dict[str, Any]:
    staff, organizations = scope_of(user)
    organization = None
    if not staff:
        organization = next((o for o in organizations if o.pk == pending.get("organization")), None)
        if organization is None:
            raise PermissionDenied
    return {
        "data": data,
        "year": pending.get("year"),
        "user": user,
        "create_agencies": bool(staff and pending.get("create_agencies")),
        "organization": organization,
    }


def applied_mappings(
    user: Any, pending: dict[str, Any], detected: ItasImportResult
) -> dict[str, tuple[ImportMapping, ColumnMapping]]:
    """Sheet name -> (saved mapping, its columns on this sheet): the one chosen for the sheet on the
    mapping page, else the newest one saved for sheets that look alike (unless the admin ignored it)."""
    chosen = pending.get("mappings") or {}
    ignored = set(pending.get("ignored") or ())
    visible = ms.mappings_for_user(user)
    applied = {}
    for sheet in detected.reading.sheets if detected.reading else ():
        saved = None
        if sheet.name in chosen:
            saved = visible.filter(pk=chosen[sheet.name]).first()
        elif sheet.name not in ignored and sheet.columns:
            found = ms.matching_mappings(user, ms.sheet_signature(sheet))
            saved = found[0] if found else None
        if saved is not None:
            applied[sheet.name] = (saved, ms.column_mapping(saved, sheet))
    return applied


def run_pending(
    user: Any, pending: dict[str, Any], data: bytes, *, dry_run: bool, progress=None
) -> ItasImportResult:
    """The engine on a pending upload with the options chosen at upload and the saved mappings."""
    options = import_options(user, pending, data)
    detected = itas_import(dry_run=True, **options)
    applied = applied_mappings(user, pending, detected)
    if not applied and dry_run:
        detected.applied = {}
        return detected
    mappings = {name: m for name, (_saved, m) in applied.items()}
    result = itas_import(dry_run=dry_run, mappings=mappings or None, progress=progress, **options)
    result.applied = {name: saved for name, (saved, _m) in applied.items()}
    return result


def is_large(data: bytes, pending: dict[str, Any]) -> bool:
    """A file checked and imported in the background: above ``ITAS_BACKGROUND_BYTES``, or with more
    than ``ITAS_BACKGROUND_ROWS`` rows (counted when it was previewed)."""
    rows = int(pending.get("rows") or 0)
    return len(data) > settings.ITAS_BACKGROUND_BYTES or rows > settings.ITAS_BACKGROUND_ROWS


# --------------------------------------------------------------------------- jobs


def job_start(*, user: Any, pending: dict[str, Any], kind: str) -> ImportJob:
    """Record a job for the pending upload and queue it (after the commit: the worker must see it)."""
    from .tasks import run_itas_import_job

    staff, organizations = scope_of(user)
    organization = (
        None if staff else next((o for o in organizations if o.pk == pending.get("organization")), None)
    )
    job = ImportJob.objects.create(
        user=user,
        organization=organization,
        kind=kind,
        file_name=str(pending.get("name", ""))[:200],
        pending={k: v for k, v in pending.items() if k != "rows"},
    )
    _write_progress(job.pk, 0, 0, _("Waiting for the worker"))

    def enqueue() -> None:
        queued = run_itas_import_job.enqueue(job.pk)
        ImportJob.objects.filter(pk=job.pk).update(task_id=str(queued.id)[:64])

    transaction.on_commit(enqueue)
    return job


def jobs_for_user(user: Any):
    """The jobs a user may see: their own; site staff every job."""
    qs = ImportJob.objects.all()
    return qs if getattr(user, "is_staff", False) else qs.filter(user=user)


def job_run(job_id: int) -> str:
    """Run a queued job (the task's body). Returns the job's state; a job already finished or running
    elsewhere is left alone, so running the task twice does the work once."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None:
            return "missing"
        if job.state != ImportJobState.QUEUED:
            return job.state
        job.state = ImportJobState.RUNNING
        job.save(update_fields=["state", "updated_at"])
    data = pending_load(job.pending)
    if data is None:
        return _finish(job, error=_("The uploaded file is no longer available; please upload it again."))
    _write_progress(job.pk, 0, 0, _("Reading and checking the file"))

    def progress(done: int, total: int) -> None:
        _write_progress(job.pk, done, total, _("Writing the results"))

    try:
        with task_context("run_itas_import_job"):
            result = run_pending(
                job.user, job.pending, data, dry_run=job.kind == ImportJobKind.PREVIEW, progress=progress
            )
    except PermissionDenied:
        return _finish(job, error=_("You may no longer import this file."))
    except Exception as exc:  # the job must end in a state the page can show; the log keeps the rest
        _finish(job, error=_("The import stopped unexpectedly; nothing was written."))
        raise exc
    summary = summary_of(result)
    summary["applied"] = {name: saved.pk for name, saved in (getattr(result, "applied", {}) or {}).items()}
    summary["sheets"] = _sheets(result)
    written = sum(1 for o in result.outcomes if o.action in ("created", "updated")) if result.written else 0
    return _finish(job, result=summary, done=written)


def _finish(job: ImportJob, *, result: dict | None = None, error: str = "", done: int = 0) -> str:
    job.state = ImportJobState.FAILED if error else ImportJobState.DONE
    job.result, job.error = result, error
    job.done = job.total = done
    job.save(update_fields=["state", "result", "error", "done", "total", "updated_at"])
    _progress_path(job.pk).unlink(missing_ok=True)
    return job.state


def _sheets(result: ItasImportResult) -> list[dict[str, Any]]:
    return [
        {
            "name": s.name,
            "kind": s.kind,
            "header_row": s.header_row,
            "rows": s.rows,
            "scale_sure": s.scale_sure,
            "columns": [[g.column, g.header, g.field, g.sure] for g in s.columns],
        }
        for s in (result.reading.sheets if result.reading else ())
    ]


# --------------------------------------------------------------------------- progress


def _progress_path(job_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / JOBS_DIR / f"{int(job_id)}.json"


def _write_progress(job_id: int, done: int, total: int, phase: str) -> None:
    path = _progress_path(job_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"done": done, "total": total, "phase": phase}, ensure_ascii=False))
    os.replace(temporary, path)


def job_stalled(job: ImportJob) -> bool:
    """A job started longer ago than ``ITAS_JOB_STALE_MINUTES`` and not finished: its worker stopped
    (a national file takes about a minute). The import is one transaction, so nothing of it was
    written; the page says so instead of polling for ever."""
    return job.state == ImportJobState.RUNNING and job.updated_at < _stale_before()


def _stale_before() -> datetime:
    """A job running since before this has stalled."""
    return timezone.now() - timedelta(minutes=settings.ITAS_JOB_STALE_MINUTES)


def sweep_import_jobs() -> dict[str, int]:
    """The daily housekeeping of background imports: a job whose worker stopped (running past
    ``ITAS_JOB_STALE_MINUTES``; its transaction was rolled back, so nothing of it was written) is
    marked failed with a message saying so, and finished jobs older than ``ITAS_JOB_KEEP_DAYS`` are
    deleted with their progress files (their results can be a national file's whole preview).
    Returns the counts ``{"stopped": n, "deleted": n}``."""
    stopped = 0
    running = ImportJob.objects.filter(state=ImportJobState.RUNNING, updated_at__lt=_stale_before())
    for pk in running.values_list("pk", flat=True):
        with transaction.atomic():
            job = ImportJob.objects.select_for_update().filter(pk=pk).first()
            if job is not None and job_stalled(job):
                message = _(
                    "The work stopped without finishing (the task worker was interrupted). Nothing of "
                    "this file was written: upload it again."
                )
                _finish(job, error=message)
                stopped += 1
    old = ImportJob.objects.filter(
        state__in=[ImportJobState.DONE, ImportJobState.FAILED],
        updated_at__lt=timezone.now() - timedelta(days=settings.ITAS_JOB_KEEP_DAYS),
    )
    ids = list(old.values_list("pk", flat=True))
    for pk in ids:
        _progress_path(pk).unlink(missing_ok=True)
    deleted = ImportJob.objects.filter(pk__in=ids).delete()[0] if ids else 0
    return {"stopped": stopped, "deleted": deleted}


def job_progress(job: ImportJob) -> dict[str, Any]:
    """{"done", "total", "percent", "phase"} of a job: from its progress file while it runs."""
    if job.finished:
        return {
            "done": job.done,
            "total": job.total,
            "percent": 100,
            "step": 100,
            "phase": "",
            "indeterminate": False,
        }
    try:
        data = json.loads(_progress_path(job.pk).read_text())
    except (OSError, ValueError):
        data = {"done": 0, "total": 0, "phase": ""}
    done, total = int(data.get("done", 0)), int(data.get("total", 0))
    percent = min(round(100 * done / total), 100) if total else 0
    step = 5 * round(percent / 5)  # the bar's width class (progress-w-0 ... progress-w-100)
    # reading and checking the file: no count yet, a moving full bar says the work goes on
    indeterminate = job.state == ImportJobState.RUNNING and not total
    return {
        "done": done,
        "total": total,
        "percent": percent,
        "step": 100 if indeterminate else step,
        "indeterminate": indeterminate,
        "phase": data.get("phase", ""),
    }


def job_result(job: ImportJob) -> ItasImportResult:
    """The finished job's result in the shape the result page shows (rebuilt from its JSON)."""
    data = job.result or {}

    def dec(text: str | None) -> Decimal | None:
        return None if text is None else Decimal(text)

    result = ItasImportResult(written=bool(data.get("written")))
    for o in data.get("outcomes", []):
        result.outcomes.append(
            AgencyOutcome(
                agency=o["agency"],
                itas_code=o["itas_code"] or "",
                year=o["year"],
                action=o["action"],
                organization_id=None,
                new_organization=o["new_organization"],
                published_total=dec(o["published_total"]),
                published_band=o["published_band"] or "",
                computed_total=dec(o["computed_total"]),
                computed_band=o["computed_band"] or "",
                complete=o["complete"],
            )
        )
    for d in data.get("discrepancies", []):
        result.discrepancies.append(
            Discrepancy(
                d["agency"],
                d["itas_code"] or "",
                d["year"],
                dec(d["published_total"]),
                dec(d["computed_total"]),
                d["published_band"] or "",
                d["computed_band"] or "",
            )
        )
    for p in data.get("problems", []):
        problem = Problem(p["sheet"], p["row"], p["column"], p["value"], p["message"])
        (result.errors if p["kind"] == "error" else result.warnings).append(problem)
    result.reading = _reading(data.get("sheets", []))
    saved = {m.pk: m for m in ImportMapping.objects.filter(pk__in=(data.get("applied") or {}).values())}
    result.applied = {name: saved[pk] for name, pk in (data.get("applied") or {}).items() if pk in saved}
    return result


def _reading(sheets: list[dict[str, Any]]):
    from .importer import ColumnGuess, Reading, SheetReading

    readings = tuple(
        SheetReading(
            s["name"],
            s["kind"],
            s["header_row"],
            tuple(ColumnGuess(*c) for c in s["columns"]),
            None,
            s["scale_sure"],
            s["rows"],
        )
        for s in sheets
    )
    return Reading("", "", readings, (), (), ())
