"""Background tasks of the measures app, on Django's task API (the django-tasks backport today,
``django.tasks`` from Django 6): queued in the database and run by ``manage.py db_worker``.

Arguments and results are JSON (a day as an ISO string). The work itself is in ``reminders`` and
``jobs``; the tasks only mark their audit entries with their name and return a summary.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone
from django_tasks import task

from . import jobs, reminders
from .audit import task_context


@task()
def send_due_reminders(day: str | None = None) -> dict[str, Any]:
    """E-mail the reminders of ``day`` (ISO date; today, local time, when omitted). Safe to repeat."""
    today = date.fromisoformat(day) if day else timezone.localdate()
    with task_context("send_due_reminders"):
        return reminders.send_due_reminders(today=today).as_dict()


@task()
def sweep_orphan_evidence() -> dict[str, Any]:
    """Delete evidence files that no row refers to, and previewed imports never confirmed, older than
    a day; end background ITAS imports whose worker stopped and delete finished ones past
    ``ITAS_JOB_KEEP_DAYS``."""
    from assessments.itas_jobs import sweep_import_jobs  # the ITAS jobs build on the measures' app

    return {
        "deleted": jobs.sweep_orphan_evidence(),
        "stale_imports": jobs.sweep_stale_imports(),
        "import_jobs": sweep_import_jobs(),
    }
