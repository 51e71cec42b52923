"""Large ITAS uploads checked and imported by a background task (issue 7 item 8): the pages hand the
file to a job, the task (run inline here) does the work once however often it runs, the status
endpoint feeds the progress bar, and only the job's owner and site staff see it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from assessments import itas_jobs
from assessments.itas_national import national_workbook
from assessments.models import Assessment, ImportJob, ImportJobKind, ImportJobState, IndicatorScore
from assessments.pending_uploads import pending_store

AGENCIES = 12
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
UPLOAD = reverse("assessments:itas-import")
CONFIRM = reverse("assessments:itas-import-confirm")


@pytest.fixture(scope="module")
def national() -> bytes:
    return national_workbook(AGENCIES)


@pytest.fixture
def background(settings, media):
    """Every upload is "large"; the bulk writer from the first agency-year."""
    settings.ITAS_BACKGROUND_BYTES = 1
    settings.ITAS_BULK_AGENCIES = 1
    return settings


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user(username="staff", password="x", is_staff=True)


@pytest.fixture
def other_staff(db):
    return get_user_model().objects.create_user(username="staff2", password="x", is_staff=True)


def job_url(job: ImportJob, status: bool = False) -> str:
    return reverse(
        "assessments:itas-import-job-status" if status else "assessments:itas-import-job", args=[job.pk]
    )


def upload(client, data: bytes):
    file = SimpleUploadedFile("ผลระดับประเทศ.xlsx", data)
    return client.post(UPLOAD, {"file": file, "year": "2565", "create_agencies": "on"})


def test_large_upload_is_checked_then_imported_by_the_task(
    client, frameworks, national, background, staff, django_capture_on_commit_callbacks
):
    background.TASKS = IMMEDIATE
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, national)
    preview = ImportJob.objects.get()
    assert (response.status_code, response["Location"]) == (302, job_url(preview))
    assert (preview.kind, preview.state, preview.user, preview.task_id != "") == (
        ImportJobKind.PREVIEW,
        ImportJobState.DONE,
        staff,
        True,
    )
    assert Assessment.objects.count() == 0  # a check writes nothing
    page = client.get(job_url(preview))
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="import-preview"' in text
    assert f"เพิ่มใหม่ {AGENCIES} แก้ไข 0" in text
    assert CONFIRM in text

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CONFIRM)
    job = ImportJob.objects.exclude(pk=preview.pk).get()
    assert (response.status_code, response["Location"]) == (302, job_url(job))
    assert (job.kind, job.state, job.done, job.total) == (
        ImportJobKind.IMPORT,
        ImportJobState.DONE,
        AGENCIES,
        AGENCIES,
    )
    assert (Assessment.objects.count(), IndicatorScore.objects.count()) == (AGENCIES, AGENCIES * 10)
    page = client.get(job_url(job))
    assert page.status_code == 200
    assert 'id="import-done"' in page.content.decode()
    summary = client.get(reverse("assessments:itas-import-summary-export"))
    assert summary.status_code == 200  # the committed import's summary, as after a synchronous import


def test_job_run_twice_does_the_work_once(frameworks, national, background, staff):
    background.TASKS = DUMMY
    pending = {**pending_store(national), "name": "a.xlsx", "year": 2565, "create_agencies": True}
    job = itas_jobs.job_start(user=staff, pending=pending, kind=ImportJobKind.IMPORT)
    assert itas_jobs.job_run(job.pk) == ImportJobState.DONE
    entries = LogEntry.objects.count()
    assert itas_jobs.job_run(job.pk) == ImportJobState.DONE
    assert (Assessment.objects.count(), LogEntry.objects.count()) == (AGENCIES, entries)
    # the same file imported again by another job: all unchanged, nothing written
    again = itas_jobs.job_start(user=staff, pending=pending, kind=ImportJobKind.IMPORT)
    itas_jobs.job_run(again.pk)
    again.refresh_from_db()
    assert (again.state, again.done, Assessment.objects.count(), LogEntry.objects.count()) == (
        ImportJobState.DONE,
        0,
        AGENCIES,
        entries,
    )


def test_job_with_errors_writes_nothing_and_shows_them(client, frameworks, background, staff):
    background.TASKS = DUMMY
    data = national_workbook(AGENCIES)
    pending = {**pending_store(data), "name": "a.xlsx", "year": 2565, "create_agencies": False}
    job = itas_jobs.job_start(user=staff, pending=pending, kind=ImportJobKind.IMPORT)
    itas_jobs.job_run(job.pk)  # no agency exists and none may be created: every row is an error
    job.refresh_from_db()
    assert (job.state, job.result["written"], Assessment.objects.count()) == (ImportJobState.DONE, False, 0)
    client.force_login(staff)
    page = client.get(job_url(job))
    assert page.status_code == 400
    assert 'id="import-errors"' in page.content.decode()


def test_job_whose_file_is_gone_fails_with_a_message(client, frameworks, background, staff):
    background.TASKS = DUMMY
    pending = {"token": "0" * 32, "sha256": "x", "name": "gone.xlsx"}
    job = itas_jobs.job_start(user=staff, pending=pending, kind=ImportJobKind.PREVIEW)
    assert itas_jobs.job_run(job.pk) == ImportJobState.FAILED
    client.force_login(staff)
    page = client.get(job_url(job))
    assert page.status_code == 400
    assert 'id="job-failed"' in page.content.decode()


def test_status_endpoint_polls_while_running_and_redirects_when_done(
    client, frameworks, national, background, staff
):
    background.TASKS = DUMMY
    pending = {**pending_store(national), "name": "a.xlsx", "year": 2565, "create_agencies": True}
    job = itas_jobs.job_start(user=staff, pending=pending, kind=ImportJobKind.IMPORT)
    client.force_login(staff)
    # reading and checking: nothing counted yet, a full moving bar without a percentage
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJobState.RUNNING)
    itas_jobs._write_progress(job.pk, 0, 0, "กำลังอ่าน")
    text = client.get(job_url(job, status=True), headers={"HX-Request": "true"}).content.decode()
    assert ("progress-w-100" in text, "aria-valuenow" in text, "กำลังอ่าน" in text) == (True, False, True)
    itas_jobs._write_progress(job.pk, 3, 12, "กำลังบันทึก")
    response = client.get(job_url(job, status=True), headers={"HX-Request": "true"})
    text = response.content.decode()
    assert (response.status_code, "HX-Redirect" in response) == (200, False)
    assert 'hx-trigger="every 1s"' in text
    assert 'aria-valuenow="25"' in text and "progress-w-25" in text
    assert "กำลังบันทึก" in text
    page = client.get(job_url(job))
    assert 'id="job-progress"' in page.content.decode()
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJobState.QUEUED)
    itas_jobs.job_run(job.pk)
    response = client.get(job_url(job, status=True), headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == job_url(job)
    assert "hx-trigger" not in response.content.decode()


def test_job_pages_404_for_another_user_and_open_to_staff(
    client, frameworks, national, background, org_admin, staff, other_staff
):
    background.TASKS = DUMMY
    pending = {**pending_store(national), "name": "a.xlsx", "year": 2565}
    job = itas_jobs.job_start(user=staff, pending=pending, kind=ImportJobKind.PREVIEW)
    client.force_login(org_admin)
    assert client.get(job_url(job)).status_code == 404
    assert client.get(job_url(job, status=True)).status_code == 404
    client.force_login(other_staff)
    assert client.get(job_url(job)).status_code == 200
    client.logout()
    assert client.get(job_url(job)).status_code == 302  # to the login page


def test_small_upload_stays_in_the_request(client, frameworks, national, settings, media, staff):
    settings.ITAS_BACKGROUND_BYTES = 10**9
    settings.ITAS_BACKGROUND_ROWS = 10**9
    client.force_login(staff)
    response = upload(client, national)
    assert (response.status_code, ImportJob.objects.count()) == (200, 0)
    assert 'id="import-preview"' in response.content.decode()
    # more rows than the threshold: the confirm goes to the background
    settings.ITAS_BACKGROUND_ROWS = 100
    settings.TASKS = DUMMY
    response = client.post(CONFIRM)
    job = ImportJob.objects.get()
    assert (response.status_code, job.kind, job.state) == (302, ImportJobKind.IMPORT, ImportJobState.QUEUED)


def test_job_whose_worker_stopped_is_shown_as_stopped(client, frameworks, national, background, staff):
    background.TASKS = DUMMY
    pending = {**pending_store(national), "name": "a.xlsx", "year": 2565, "create_agencies": True}
    job = itas_jobs.job_start(user=staff, pending=pending, kind=ImportJobKind.IMPORT)
    started = timezone.now() - timedelta(minutes=background.ITAS_JOB_STALE_MINUTES + 1)
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJobState.RUNNING, updated_at=started)
    client.force_login(staff)
    response = client.get(job_url(job, status=True), headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == job_url(job)
    page = client.get(job_url(job))
    assert page.status_code == 400
    assert 'id="job-failed"' in page.content.decode()
    assert 'id="job-progress"' not in page.content.decode()
    # a job running for less than that is still polled
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now())
    assert "HX-Redirect" not in client.get(job_url(job, status=True), headers={"HX-Request": "true"})


def test_daily_sweep_ends_stopped_jobs_and_deletes_old_finished_ones(frameworks, national, background, staff):
    from measures.tasks import sweep_orphan_evidence

    background.TASKS = DUMMY
    pending = {**pending_store(national), "name": "a.xlsx", "year": 2565, "create_agencies": True}
    jobs = {
        name: itas_jobs.job_start(user=staff, pending=pending, kind=ImportJobKind.IMPORT) for name in "abcde"
    }
    now = timezone.now()
    stale = now - timedelta(minutes=background.ITAS_JOB_STALE_MINUTES + 1)
    old = now - timedelta(days=background.ITAS_JOB_KEEP_DAYS + 1)
    states = {
        "a": (ImportJobState.RUNNING, stale),  # its worker stopped: ended as failed
        "b": (ImportJobState.RUNNING, now),  # still running: left alone
        "c": (ImportJobState.DONE, old),  # finished long ago: deleted
        "d": (ImportJobState.FAILED, old),  # idem
        "e": (ImportJobState.DONE, now - timedelta(days=1)),  # finished yesterday: kept
    }
    for name, (state, updated) in states.items():
        ImportJob.objects.filter(pk=jobs[name].pk).update(state=state, updated_at=updated)
    assert itas_jobs._progress_path(jobs["c"].pk).exists()

    summary = sweep_orphan_evidence.call()
    assert summary["import_jobs"] == {"stopped": 1, "deleted": 2}
    left = dict(ImportJob.objects.values_list("pk", "state"))
    assert left == {
        jobs["a"].pk: ImportJobState.FAILED,
        jobs["b"].pk: ImportJobState.RUNNING,
        jobs["e"].pk: ImportJobState.DONE,
    }
    assert ImportJob.objects.get(pk=jobs["a"].pk).error == gettext(
        "The work stopped without finishing (the task worker was interrupted). Nothing of "
        "this file was written: upload it again."
    )
    assert not itas_jobs._progress_path(jobs["c"].pk).exists()
    assert itas_jobs.sweep_import_jobs() == {"stopped": 0, "deleted": 0}


def test_job_result_lists_the_agencies_page_by_page(
    client, frameworks, national, background, staff, monkeypatch
):
    from assessments import itas_views

    monkeypatch.setattr(itas_views, "OUTCOMES_PER_PAGE", 5)
    background.TASKS = DUMMY
    pending = {**pending_store(national), "name": "a.xlsx", "year": 2565, "create_agencies": True}
    job = itas_jobs.job_start(user=staff, pending=pending, kind=ImportJobKind.PREVIEW)
    itas_jobs.job_run(job.pk)
    client.force_login(staff)

    def rows(page: str | None) -> tuple[int, str]:
        url = job_url(job) + (f"?page={page}" if page is not None else "")
        response = client.get(url)
        assert response.status_code == 200
        text = response.content.decode()
        table = text.split('id="import-rows"', 1)[1].split("</table>", 1)[0]
        return table.count("<tr>") - 1, text  # minus the header row

    count, text = rows(None)
    assert count == 5
    assert f"1–5 จาก {AGENCIES}" in text and 'id="import-rows-pages"' in text
    assert rows("3")[0] == AGENCIES - 10
    assert rows("99")[0] == AGENCIES - 10  # past the end: the last page
    assert rows("x")[0] == 5  # not a number: the first page
    seen = set()
    for page in ("1", "2", "3"):
        text = rows(page)[1].split('id="import-rows"', 1)[1].split("</table>", 1)[0]
        seen |= {line for line in text.split("<tr>")[2:]}
    assert len(seen) == AGENCIES  # every agency once
