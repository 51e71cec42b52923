"""Issue 7 item 8 in a real browser: site staff upload a national workbook above the background
threshold (set low here), watch the progress bar while the worker checks it, confirm, watch the bar
again while the worker imports it, and land on the same summary page as a small import.

The worker is ``itas_jobs.job_run`` (the task's body) run in a thread after a pause, so the page is
seen waiting first; the queue itself is django-tasks' dummy backend."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse
from playwright.sync_api import Page, expect

from assessments.demo import DEMO_PASSWORD, seed_demo
from assessments.itas_jobs import job_run
from assessments.itas_national import national_workbook
from assessments.models import Assessment, ImportJob, ImportJobKind, ImportJobState

from .conftest import csp_violations, log_in

pytestmark = pytest.mark.browser

AGENCIES = 40
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def background(frameworks, media, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.ITAS_BACKGROUND_BYTES = 1
    settings.ITAS_BULK_AGENCIES = 1
    seed_demo()


def worker(job: ImportJob, delay: float = 2.5) -> threading.Thread:
    """The task worker picking the job up after ``delay`` seconds, in its own database connection."""

    def work() -> None:
        try:
            time.sleep(delay)
            job_run(job.pk)
        finally:
            connection.close()

    thread = threading.Thread(target=work)
    thread.start()
    return thread


def test_staff_watch_a_national_file_checked_and_imported_in_the_background(
    live_server, page: Page, page_log, background, tmp_path
):
    path = tmp_path / "ผล ITA 2565 ทั้งประเทศ.xlsx"
    path.write_bytes(national_workbook(AGENCIES))
    before = Assessment.objects.count()  # the demo's own
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, live_server, "demo-staff", DEMO_PASSWORD)

    # 1. Upload: the file is large, so the page shows a progress bar instead of the preview.
    page.goto(f"{live_server.url}{reverse('assessments:itas-import')}")
    page.locator("#import-upload input[type=file]").set_input_files(str(path))
    page.fill("#id_year", "2565")
    page.check("#id_create_agencies")
    page.locator("#import-upload button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/import/jobs/\d+/$"))
    check = ImportJob.objects.get()
    assert (check.kind, check.state) == (ImportJobKind.PREVIEW, ImportJobState.QUEUED)
    expect(page.locator("#job-progress .progress")).to_be_visible()
    expect(page.locator("#job-phase")).to_contain_text("รอตัวประมวลผลงานเบื้องหลัง")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "itas-job-1-waiting.png"), full_page=True)

    # 2. The worker checks the file; the page polls and turns into the preview by itself.
    thread = worker(check)
    expect(page.locator("#import-preview")).to_be_visible(timeout=60_000)
    thread.join()
    expect(page.locator("#import-rows tbody tr")).to_have_count(AGENCIES)
    expect(page.locator("#import-errors")).to_have_count(0)
    assert Assessment.objects.count() == before  # a check writes nothing

    # 3. Confirm: the import goes to the worker too; the bar again, then the summary.
    page.locator("#import-confirm button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/import/jobs/\d+/$"))
    job = ImportJob.objects.exclude(pk=check.pk).get()
    assert job.kind == ImportJobKind.IMPORT
    expect(page.locator("#job-progress .progress")).to_be_visible()
    thread = worker(job)
    expect(page.locator("#import-done")).to_be_visible(timeout=60_000)
    thread.join()
    page.screenshot(path=str(ARTIFACTS / "itas-job-2-done.png"), full_page=False)
    expect(page.locator("#import-done")).to_contain_text(f"เพิ่มใหม่ {AGENCIES}")
    assert Assessment.objects.count() == before + AGENCIES
    job.refresh_from_db()
    assert (job.state, job.done, job.total) == (ImportJobState.DONE, AGENCIES, AGENCIES)

    assert page_log.errors == []
    assert csp_violations(page) == []
