"""The background jobs: the tasks on the database queue and its worker, enqueue_daily_jobs, the
scheduler's once-a-day guard, and the sweep of evidence files no row refers to."""

from __future__ import annotations

import os
import signal
from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, default_task_backend
from django_tasks_db.models import DBTaskResult

from assessments.models import Membership, Role, Unit
from measures import jobs, services
from measures.models import DailyJobRun, Evidence, ReminderSent
from measures.tasks import send_due_reminders, sweep_orphan_evidence
from tests.conftest import PDF_BYTES, make_member, raised, run_at_once

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture(autouse=True)
def locmem_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEASURE_REMINDER_DAYS = [7, 1]


@pytest.fixture
def keep_signals():
    """db_worker installs its own SIGINT/SIGTERM handlers: give the test process its own back."""
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    yield
    for s, handler in saved.items():
        signal.signal(s, handler)


@pytest.fixture
def due_in_seven_days(org_a, officer, assessment):
    """A round of กองคลัง due in 7 days, and a member of กองคลัง with an address."""
    person = make_member("treasury", org_a, Role.OFFICER)
    person.email = "treasury@example.go.th"
    person.save()
    unit = Unit.objects.get(organization=org_a, name="กองคลัง")
    Membership.objects.filter(user=person).update(unit=unit)
    measure = services.measure_create(
        assessment=assessment, title="มาตรการกองคลัง", units=[unit], rounds=[6], user=officer
    )
    round_ = measure.monitoring_rounds.get()
    services.round_due_date_set(round=round_, due_date=timezone.localdate() + timedelta(days=7), user=officer)
    return person


# --------------------------------------------------------------------------- the queue


@pytest.mark.django_db(transaction=True)
def test_enqueue_daily_jobs_then_worker_sends_the_mail(settings, keep_signals, due_in_seven_days, capsys):
    settings.TASKS = DATABASE
    call_command("enqueue_daily_jobs")
    assert sorted(DBTaskResult.objects.values_list("task_path", flat=True)) == [
        "measures.tasks.send_due_reminders",
        "measures.tasks.sweep_orphan_evidence",
    ]
    assert mail.outbox == []  # queued, not run
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
    assert [m.to for m in mail.outbox] == [["treasury@example.go.th"]]
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {TaskResultStatus.SUCCESSFUL}
    reminder = DBTaskResult.objects.get(task_path="measures.tasks.send_due_reminders")
    assert reminder.return_value == {
        "day": timezone.localdate().isoformat(),
        "messages": 1,
        "rounds": 1,
        "skipped": 0,
        "failed": 0,
    }
    assert "enqueued send_due_reminders" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_enqueue_daily_jobs_twice_sends_once(settings, keep_signals, due_in_seven_days):
    settings.TASKS = DATABASE
    call_command("enqueue_daily_jobs")
    call_command("enqueue_daily_jobs")
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
    assert DBTaskResult.objects.count() == 4
    assert len(mail.outbox) == 1
    assert ReminderSent.objects.count() == 1


def test_enqueue_daily_jobs_for_a_given_day(settings, due_in_seven_days):
    settings.TASKS = DUMMY
    default_task_backend.clear()
    call_command("enqueue_daily_jobs", "--date", "2026-03-24")
    assert [(r.task.name, r.args) for r in default_task_backend.results] == [
        ("send_due_reminders", ["2026-03-24"]),
        ("sweep_orphan_evidence", []),
    ]


def test_enqueue_daily_jobs_refuses_a_bad_date(settings):
    settings.TASKS = DUMMY
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("enqueue_daily_jobs", "--date", "24/03/2026")


def test_send_due_reminders_task_on_the_immediate_backend(settings, due_in_seven_days):
    settings.TASKS = IMMEDIATE
    result = send_due_reminders.enqueue()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value["messages"] == 1
    assert len(mail.outbox) == 1


def test_send_due_reminders_task_marks_the_audit_source(settings, due_in_seven_days):
    from auditlog.models import LogEntry

    settings.TASKS = IMMEDIATE
    send_due_reminders.enqueue()
    entry = LogEntry.objects.get_for_object(ReminderSent.objects.get()).get()
    assert entry.additional_data["source"] == "task send_due_reminders"


# --------------------------------------------------------------------------- the scheduler


def local(day_time: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(day_time))


def test_scheduler_waits_for_the_hour(settings, db):
    settings.TASKS = DUMMY
    default_task_backend.clear()
    assert jobs.scheduler_tick(local("2026-03-24T06:59"), at=time(7, 0)) is None
    assert DailyJobRun.objects.count() == 0
    assert default_task_backend.results == []


def test_scheduler_runs_once_a_day(settings, db):
    settings.TASKS = DUMMY
    default_task_backend.clear()
    first = jobs.scheduler_tick(local("2026-03-24T07:00"), at=time(7, 0))
    again = jobs.scheduler_tick(local("2026-03-24T18:30"), at=time(7, 0))
    next_day = jobs.scheduler_tick(local("2026-03-25T07:01"), at=time(7, 0))
    assert [r.task.name for r in first] == ["send_due_reminders", "sweep_orphan_evidence"]
    assert first[0].args == ["2026-03-24"]
    assert again is None
    assert next_day[0].args == ["2026-03-25"]
    assert list(DailyJobRun.objects.order_by("day").values_list("day", flat=True)) == [
        datetime(2026, 3, 24).date(),
        datetime(2026, 3, 25).date(),
    ]
    assert len(default_task_backend.results) == 4


def test_scheduler_started_late_catches_up_once(settings, db):
    settings.TASKS = DUMMY
    default_task_backend.clear()
    # Two instances (or a restart) after the hour with no run for the day: one enqueues, one skips.
    assert jobs.scheduler_tick(local("2026-03-24T15:00"), at=time(7, 0), source="a") is not None
    assert jobs.scheduler_tick(local("2026-03-24T15:00"), at=time(7, 0), source="b") is None
    assert list(DailyJobRun.objects.values_list("source", flat=True)) == ["a"]
    assert len(default_task_backend.results) == 2


def test_daily_run_claim_race_is_a_skip(monkeypatch, db):
    """Two schedulers pass the exists() check at once: the second insert meets the unique key."""
    day = datetime(2026, 3, 24).date()
    DailyJobRun.objects.create(day=day, source="first")
    monkeypatch.setattr(jobs.DailyJobRun.objects, "filter", lambda **kw: DailyJobRun.objects.none())
    with transaction.atomic():
        assert jobs.daily_run_claim(day, source="second") is False
    assert list(DailyJobRun.objects.all().values_list("source", flat=True)) == ["first"]


def test_run_scheduler_once_command(settings, db, capsys):
    settings.TASKS = DUMMY
    settings.DAILY_JOBS_TIME = "00:00"
    default_task_backend.clear()
    call_command("run_scheduler", "--once")
    call_command("run_scheduler", "--once")
    out = capsys.readouterr().out
    assert out.count("enqueued send_due_reminders") == 1
    assert out.count("nothing to enqueue") == 1
    assert DailyJobRun.objects.get().day == timezone.localdate()


def test_daily_jobs_time_must_be_hh_mm(settings):
    settings.DAILY_JOBS_TIME = "seven"
    with pytest.raises(Exception, match="HH:MM"):
        jobs.daily_jobs_time()


# --------------------------------------------------------------------------- the evidence sweep


def age(path, hours: float) -> None:
    then = (timezone.now() - timedelta(hours=hours)).timestamp()
    os.utime(path, (then, then))


def test_sweep_deletes_old_orphans_only(media, officer, assessment):
    measure = services.measure_create(assessment=assessment, title="ก", rounds=[6], user=officer)
    report = services.progress_report_save(
        round=measure.monitoring_rounds.get(),
        result="ทำแล้ว",
        outcome="",
        suggestion="",
        percent=50,
        user=officer,
    )
    kept = services.evidence_add_file(
        report=report, upload=SimpleUploadedFile("a.pdf", PDF_BYTES, "application/pdf"), user=officer
    )
    # A transaction that rolled back after the file was stored leaves the file without a row.
    with pytest.raises(RuntimeError), transaction.atomic():
        lost = services.evidence_add_file(
            report=report, upload=SimpleUploadedFile("b.pdf", PDF_BYTES, "application/pdf"), user=officer
        )
        raise RuntimeError("rolled back")
    fresh = default_storage.save(
        f"evidence/{assessment.organization_id}/fresh.pdf", SimpleUploadedFile("c", PDF_BYTES)
    )
    assert default_storage.exists(lost.file.name)
    assert not Evidence.objects.filter(file=lost.file.name).exists()
    for name in (kept.file.name, lost.file.name):
        age(media / name, 25)
    age(media / fresh, 23)

    deleted = jobs.sweep_orphan_evidence()

    assert deleted == [lost.file.name]
    assert not default_storage.exists(lost.file.name)
    assert default_storage.exists(kept.file.name)  # a row refers to it, however old
    assert default_storage.exists(fresh)  # younger than a day: maybe a row is being saved


def test_sweep_leaves_files_outside_evidence(media, db):
    other = default_storage.save("exports/old.xlsx", SimpleUploadedFile("x", b"x"))
    age(media / other, 100)
    assert jobs.sweep_orphan_evidence() == []
    assert default_storage.exists(other)


def test_sweep_without_an_evidence_folder(media, db):
    assert jobs.sweep_orphan_evidence() == []


def test_sweep_task_on_the_immediate_backend(settings, media, db):
    settings.TASKS = IMMEDIATE
    orphan = default_storage.save("evidence/9/orphan.pdf", SimpleUploadedFile("o", PDF_BYTES))
    age(media / orphan, 48)
    result = sweep_orphan_evidence.enqueue()
    assert result.return_value == {
        "deleted": [orphan],
        "stale_imports": [],
        "import_jobs": {"stopped": 0, "deleted": 0},
    }
    assert not default_storage.exists(orphan)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent unique inserts need PostgreSQL")
def test_scheduler_four_simultaneous_instances_enqueue_once(settings, transactional_db):
    settings.TASKS = DATABASE

    def work(n: int):
        return jobs.scheduler_tick(local("2026-03-24T07:00"), at=time(7, 0), source=f"i{n}")

    results = run_at_once(work, 4)
    assert raised(results) == []
    assert sum(r is not None for r in results) == 1
    assert DailyJobRun.objects.count() == 1
    assert DBTaskResult.objects.count() == 2


def test_admin_lists_reminders_and_daily_runs_read_only(admin_client, db):
    DailyJobRun.objects.create(day=datetime(2026, 3, 24).date(), source="run_scheduler host:1")
    assert admin_client.get("/admin/measures/remindersent/").status_code == 200
    page = admin_client.get("/admin/measures/dailyjobrun/")
    assert page.status_code == 200
    assert "run_scheduler host:1" in page.content.decode()
    assert admin_client.get("/admin/measures/dailyjobrun/add/").status_code == 403


def test_enqueue_daily_jobs_dry_run_lists_and_enqueues_nothing(settings, due_in_seven_days, capsys):
    settings.TASKS = DUMMY
    default_task_backend.clear()
    call_command("enqueue_daily_jobs", "--dry-run")
    out = capsys.readouterr().out.splitlines()
    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    assert out == [
        f"treasury <treasury@example.go.th>: 1. มาตรการกองคลัง (6, {due}, before 7)",
        f"dry run: 1 message(s) for {timezone.localdate().isoformat()}, nothing enqueued",
    ]
    assert default_task_backend.results == []
    assert mail.outbox == []
    assert ReminderSent.objects.count() == 0


def test_enqueue_daily_jobs_dry_run_leaves_out_what_was_sent(settings, due_in_seven_days, capsys):
    settings.TASKS = IMMEDIATE
    send_due_reminders.enqueue()
    capsys.readouterr()
    call_command("enqueue_daily_jobs", "--dry-run")
    assert capsys.readouterr().out.splitlines() == [
        f"dry run: 0 message(s) for {timezone.localdate().isoformat()}, nothing enqueued"
    ]


def test_sweep_deletes_previewed_imports_older_than_a_day(media, db):
    old = default_storage.save("imports/pending/aaa", SimpleUploadedFile("a", b"x"))
    young = default_storage.save("imports/pending/bbb", SimpleUploadedFile("b", b"x"))
    age(media / old, 25)
    age(media / young, 23)
    assert jobs.sweep_stale_imports() == [old]
    assert not default_storage.exists(old)
    assert default_storage.exists(young)
