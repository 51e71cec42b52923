"""The daily jobs: what they are, how a day's run is claimed once, and the evidence-file sweep.

django-tasks has no scheduler. ``manage.py run_scheduler`` calls ``scheduler_tick`` every minute;
once the local time passes ``DAILY_JOBS_TIME`` it claims the day (a ``DailyJobRun`` row, unique per
day) and enqueues the jobs in the same transaction. A second scheduler's insert meets the unique key
and skips, so several instances never enqueue a day twice; the record is in the database, so a
restarted scheduler knows whether today has run. ``manage.py enqueue_daily_jobs`` enqueues the jobs
by hand without claiming the day (the jobs themselves are idempotent).
"""

from __future__ import annotations

import logging
import posixpath
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import Storage, default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from assessments.pending_uploads import PENDING_DIR

from .models import DailyJobRun, Evidence

logger = logging.getLogger(__name__)

EVIDENCE_DIR = "evidence"
#: A stored evidence file no row refers to is deleted only past this age: an upload whose row is
#: still being saved (an open transaction) is never touched.
ORPHAN_MIN_AGE = timedelta(hours=24)


def daily_jobs_time() -> time:
    """``DAILY_JOBS_TIME`` ("07:00") as a time of day."""
    try:
        return time.fromisoformat(settings.DAILY_JOBS_TIME)
    except (TypeError, ValueError) as exc:
        raise ImproperlyConfigured(
            f"DAILY_JOBS_TIME must be HH:MM, not {settings.DAILY_JOBS_TIME!r}"
        ) from exc


def enqueue_daily_jobs(day: date) -> list[Any]:
    """Enqueue the day's jobs; returns their task results (ids for the log)."""
    from .tasks import send_due_reminders, sweep_orphan_evidence

    return [send_due_reminders.enqueue(day.isoformat()), sweep_orphan_evidence.enqueue()]


def daily_run_claim(day: date, *, source: str = "") -> bool:
    """Claim ``day`` for this caller: True once per day across every scheduler instance.

    Call inside a transaction with the enqueueing, so a failed enqueue gives the claim back.
    """
    if DailyJobRun.objects.filter(day=day).exists():
        return False
    run = DailyJobRun(day=day, source=source[:100])
    run.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            run.save()
    except IntegrityError:
        return False  # another instance claimed the day a moment ago
    return True


def scheduler_tick(now: datetime, *, at: time | None = None, source: str = "") -> list[Any] | None:
    """One look at the clock: enqueue the day's jobs if it is past ``at`` (local time) and the day has
    not run yet. Returns the enqueued results, or None when there was nothing to do.

    A scheduler started after ``at`` with no run for today runs at once (catch-up after a restart);
    one started before ``at`` waits for it.
    """
    local = timezone.localtime(now)
    if local.time() < (at or daily_jobs_time()):
        return None
    with transaction.atomic():
        if not daily_run_claim(local.date(), source=source):
            return None
        return enqueue_daily_jobs(local.date())


def _walk(storage: Storage, top: str) -> list[str]:
    try:
        dirs, files = storage.listdir(top)
    except (FileNotFoundError, NotADirectoryError):
        return []
    names = [posixpath.join(top, f) for f in files]
    for d in dirs:
        names.extend(_walk(storage, posixpath.join(top, d)))
    return names


def _delete_older(storage: Storage, names: list[str], now: datetime, min_age: timedelta) -> list[str]:
    """Delete the stored files among ``names`` last modified ``min_age`` or more before ``now``."""
    deleted = []
    for name in names:
        try:
            modified = storage.get_modified_time(name)
        except FileNotFoundError:
            continue  # deleted meanwhile
        if now - modified >= min_age:
            storage.delete(name)
            deleted.append(name)
    return deleted


def sweep_stale_imports(
    *, now: datetime | None = None, storage: Storage | None = None, min_age: timedelta = ORPHAN_MIN_AGE
) -> list[str]:
    """Delete previewed import uploads (``imports/pending/``) older than ``min_age``: previews that
    were never confirmed or cancelled. Returns the deleted names."""
    storage = storage or default_storage
    deleted = _delete_older(storage, _walk(storage, PENDING_DIR), now or timezone.now(), min_age)
    if deleted:
        logger.info("Deleted %s stale import upload(s)", len(deleted))
    return deleted


def sweep_orphan_evidence(
    *, now: datetime | None = None, storage: Storage | None = None, min_age: timedelta = ORPHAN_MIN_AGE
) -> list[str]:
    """Delete stored files under ``evidence/`` that no Evidence row refers to and older than ``min_age``.

    Such files are left when a transaction rolled back after ``services.evidence_add_file`` stored
    its file (the service removes the file itself only when its own save fails). Files are never
    served without their row, so an orphan is dead weight, not a leak. Returns the deleted names.
    No database row changes, so nothing goes to the audit trail; the names are logged.
    """
    storage = storage or default_storage
    now = now or timezone.now()
    names = _walk(storage, EVIDENCE_DIR)
    referenced: set[str] = set()
    for start in range(0, len(names), 500):
        chunk = names[start : start + 500]
        referenced.update(Evidence.objects.filter(file__in=chunk).values_list("file", flat=True))
    deleted = _delete_older(storage, [n for n in names if n not in referenced], now, min_age)
    if deleted:
        logger.info("Deleted %s orphan evidence file(s): %s", len(deleted), ", ".join(deleted))
    return deleted
