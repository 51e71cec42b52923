"""Background tasks of the assessments app (Django's task API, see ``measures/tasks.py``): the URL
check of the OIT readiness board. Arguments and results are JSON."""

from __future__ import annotations

from django_tasks import task

from . import readiness_services
from .audit import task_context
from .models import Assessment


@task()
def check_readiness_urls(assessment_id: int, codes: list[str] | None = None) -> dict[str, str]:
    """Check the published URLs of an assessment's O-items (all, or ``codes``); {code: outcome}.
    An assessment deleted meanwhile checks nothing."""
    assessment = Assessment.objects.select_related("framework").filter(pk=assessment_id).first()
    if assessment is None:
        return {}
    with task_context("check_readiness_urls"):
        return readiness_services.readiness_check_items(assessment=assessment, codes=codes)


@task()
def run_itas_import_job(job_id: int) -> str:
    """Check or import a large ITAS upload (``itas_jobs.job_run``); returns the job's state. Safe to
    run twice: a job already started or finished is left alone."""
    from .itas_jobs import job_run

    return job_run(job_id)
