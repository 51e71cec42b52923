"""Reminders of monitoring rounds: who is told by e-mail, when, never twice, in Thai; the in-app count
(top bar badge, one query) and the home page's panel."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.models import Membership, Role, Unit
from measures import reminders, selectors, services
from measures.audit import task_context
from measures.context_processors import reminders as reminders_processor
from measures.models import MeasureStatus, ReminderKind, ReminderSent
from measures.reminders import due_label
from tests.conftest import make_member, raised, run_at_once

TODAY = date(2026, 3, 24)


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PORTAL_BASE_URL = "https://ita.example.go.th"
    settings.MEASURE_REMINDER_DAYS = [7, 1]


def unit(org, name):
    return Unit.objects.get(organization=org, name=name)


def member(username, org, role=Role.OFFICER, unit_name=None, email=None):
    user = make_member(username, org, role)
    user.email = f"{username}@example.go.th" if email is None else email
    user.first_name = username
    user.save()
    if unit_name:
        Membership.objects.filter(user=user).update(unit=unit(org, unit_name))
    return user


def measure_due(assessment, officer, due: date, **kwargs):
    m = services.measure_create(assessment=assessment, rounds=[6], user=officer, **kwargs)
    r = m.monitoring_rounds.get()
    services.round_due_date_set(round=r, due_date=due, user=officer)
    r.refresh_from_db()
    return m, r


def sent_to() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


# --------------------------------------------------------------------------- who gets the mail


def test_reminders_go_to_members_of_the_measures_units_only(org_a, officer, assessment):
    treasury = member("treasury", org_a, Role.OFFICER, "กองคลัง")
    head = member("treasury-head", org_a, Role.EXECUTIVE, "กองคลัง")
    member("works", org_a, Role.OFFICER, "กองช่าง")
    measure_due(
        assessment, officer, TODAY + timedelta(days=7), title="งบประมาณ", units=[unit(org_a, "กองคลัง")]
    )
    summary = reminders.send_due_reminders(today=TODAY)
    assert sent_to() == [head.email, treasury.email]
    assert (summary.messages, summary.rounds, summary.skipped, summary.failed) == (2, 2, 0, 0)


def test_reminders_of_all_units_go_to_every_officer_not_executives(org_a, officer, assessment):
    officer.email = "officer@example.go.th"
    officer.save()
    works = member("works", org_a, Role.OFFICER, "กองช่าง")
    admin = member("admin2", org_a, Role.ADMIN)
    member("mayor", org_a, Role.EXECUTIVE)
    measure_due(assessment, officer, TODAY + timedelta(days=7), title="ทุกกอง", all_units=True)
    reminders.send_due_reminders(today=TODAY)
    assert sent_to() == [admin.email, officer.email, works.email]


def test_reminders_go_to_the_responsible_person(org_a, officer, assessment):
    mayor = member("mayor", org_a, Role.EXECUTIVE)
    measure_due(assessment, officer, TODAY + timedelta(days=1), title="ของนายก", responsible=mayor)
    reminders.send_due_reminders(today=TODAY)
    assert sent_to() == [mayor.email]


def test_reminders_skip_people_without_an_address(org_a, officer, assessment):
    member("no-mail", org_a, Role.OFFICER, "กองคลัง", email="")
    member("blank-mail", org_a, Role.OFFICER, "กองคลัง", email="   ")
    has = member("has-mail", org_a, Role.OFFICER, "กองคลัง")
    measure_due(assessment, officer, TODAY + timedelta(days=7), title="ก", units=[unit(org_a, "กองคลัง")])
    reminders.send_due_reminders(today=TODAY)
    assert sent_to() == [has.email]
    assert list(ReminderSent.objects.values_list("user__username", flat=True)) == ["has-mail"]


def test_reminders_never_reach_another_organization(
    org_a, org_b, officer, outsider, assessment, assessment_b
):
    outsider.email = "outsider@example.go.th"
    outsider.save()
    member("b-treasury", org_b, Role.OFFICER, "กองคลัง")
    mine = member("a-treasury", org_a, Role.OFFICER, "กองคลัง")
    # Organization A's measure of all units and of its กองคลัง; B has a unit of the same name.
    measure_due(assessment, officer, TODAY + timedelta(days=7), title="มาตรการทุกกอง", all_units=True)
    measure_due(
        assessment, officer, TODAY + timedelta(days=7), title="มาตรการกองคลัง", units=[unit(org_a, "กองคลัง")]
    )
    reminders.send_due_reminders(today=TODAY)
    assert sent_to() == [mine.email]
    assert len(mail.outbox) == 1  # one message listing both rounds
    assert "มาตรการทุกกอง" in mail.outbox[0].body
    assert "มาตรการกองคลัง" in mail.outbox[0].body


def test_reminders_skip_inactive_users(org_a, officer, assessment):
    gone = member("gone", org_a, Role.OFFICER, "กองคลัง")
    get_user_model().objects.filter(pk=gone.pk).update(is_active=False)
    measure_due(assessment, officer, TODAY + timedelta(days=7), title="ก", units=[unit(org_a, "กองคลัง")])
    reminders.send_due_reminders(today=TODAY)
    assert mail.outbox == []


# --------------------------------------------------------------------------- when


@pytest.mark.parametrize(
    ("days_ahead", "kind", "days_before"),
    [(7, ReminderKind.BEFORE, 7), (1, ReminderKind.BEFORE, 1), (-1, ReminderKind.OVERDUE, 0)],
)
def test_reminders_on_exactly_n_days_before_and_the_day_after(
    org_a, officer, assessment, days_ahead, kind, days_before
):
    person = member("treasury", org_a, Role.OFFICER, "กองคลัง")
    _, r = measure_due(
        assessment, officer, TODAY + timedelta(days=days_ahead), title="ก", units=[unit(org_a, "กองคลัง")]
    )
    reminders.send_due_reminders(today=TODAY)
    assert sent_to() == [person.email]
    assert list(ReminderSent.objects.values_list("round", "kind", "days_before", "due_date")) == [
        (r.pk, kind, days_before, r.due_date)
    ]


@pytest.mark.parametrize("days_ahead", [8, 6, 2, 0, -2, 14])
def test_reminders_not_on_other_days(org_a, officer, assessment, days_ahead):
    member("treasury", org_a, Role.OFFICER, "กองคลัง")
    measure_due(
        assessment, officer, TODAY + timedelta(days=days_ahead), title="ก", units=[unit(org_a, "กองคลัง")]
    )
    summary = reminders.send_due_reminders(today=TODAY)
    assert mail.outbox == []
    assert summary.messages == 0


def test_reminders_follow_the_days_setting(settings, org_a, officer, assessment):
    settings.MEASURE_REMINDER_DAYS = [3]
    member("treasury", org_a, Role.OFFICER, "กองคลัง")
    measure_due(assessment, officer, TODAY + timedelta(days=7), title="เจ็ด", units=[unit(org_a, "กองคลัง")])
    measure_due(assessment, officer, TODAY + timedelta(days=3), title="สาม", units=[unit(org_a, "กองคลัง")])
    reminders.send_due_reminders(today=TODAY)
    assert len(mail.outbox) == 1
    assert "สาม" in mail.outbox[0].body
    assert "เจ็ด" not in mail.outbox[0].body


def test_reminders_skip_reported_and_cancelled_rounds(org_a, officer, assessment):
    member("treasury", org_a, Role.OFFICER, "กองคลัง")
    kwargs = {"units": [unit(org_a, "กองคลัง")]}
    _, reported = measure_due(assessment, officer, TODAY + timedelta(days=7), title="รายงานแล้ว", **kwargs)
    services.progress_report_save(
        round=reported, result="ทำแล้ว", outcome="", suggestion="", percent=100, user=officer
    )
    measure_due(
        assessment,
        officer,
        TODAY + timedelta(days=7),
        title="ยกเลิก",
        status=MeasureStatus.CANCELLED,
        **kwargs,
    )
    reminders.send_due_reminders(today=TODAY)
    assert mail.outbox == []


def test_reminders_never_twice(org_a, officer, assessment):
    member("treasury", org_a, Role.OFFICER, "กองคลัง")
    measure_due(assessment, officer, TODAY + timedelta(days=7), title="ก", units=[unit(org_a, "กองคลัง")])
    first = reminders.send_due_reminders(today=TODAY)
    second = reminders.send_due_reminders(today=TODAY)
    assert len(mail.outbox) == 1
    assert (first.messages, second.messages, second.skipped) == (1, 0, 1)
    assert ReminderSent.objects.count() == 1


def test_reminders_again_when_the_due_date_moves(org_a, officer, assessment):
    member("treasury", org_a, Role.OFFICER, "กองคลัง")
    _, r = measure_due(
        assessment, officer, TODAY + timedelta(days=7), title="ก", units=[unit(org_a, "กองคลัง")]
    )
    reminders.send_due_reminders(today=TODAY)
    services.round_due_date_set(round=r, due_date=TODAY + timedelta(days=8), user=officer)
    reminders.send_due_reminders(today=TODAY + timedelta(days=1))
    assert len(mail.outbox) == 2


def test_reminders_a_failed_message_is_retried_next_run(monkeypatch, org_a, officer, assessment):
    member("treasury", org_a, Role.OFFICER, "กองคลัง")
    measure_due(assessment, officer, TODAY + timedelta(days=7), title="ก", units=[unit(org_a, "กองคลัง")])

    def refuse(self, fail_silently=False):
        raise OSError("SMTP server down")

    with monkeypatch.context() as m:
        m.setattr("django.core.mail.EmailMessage.send", refuse)
        failed = reminders.send_due_reminders(today=TODAY)
    assert (failed.messages, failed.failed) == (0, 1)
    assert ReminderSent.objects.count() == 0
    retried = reminders.send_due_reminders(today=TODAY)
    assert (retried.messages, len(mail.outbox)) == (1, 1)


def test_reminders_recorded_in_the_audit_trail_with_the_task_as_source(org_a, officer, assessment):
    member("treasury", org_a, Role.OFFICER, "กองคลัง")
    measure_due(assessment, officer, TODAY + timedelta(days=7), title="ก", units=[unit(org_a, "กองคลัง")])
    with task_context("send_due_reminders"):
        reminders.send_due_reminders(today=TODAY)
    row = ReminderSent.objects.get()
    entry = LogEntry.objects.get_for_object(row).get()
    assert entry.actor is None
    assert entry.additional_data["source"] == "task send_due_reminders"
    assert entry.additional_data["organization"] == org_a.pk
    assert entry.additional_data["measure"] == row.round.measure_id
    assert entry.additional_data["user"] == row.user_id


# --------------------------------------------------------------------------- what it says


def test_reminder_message_in_thai_with_links(org_a, officer, assessment):
    person = member("treasury", org_a, Role.OFFICER, "กองคลัง")
    _, soon = measure_due(
        assessment,
        officer,
        TODAY + timedelta(days=7),
        title="อธิบายแผนงบประมาณ",
        units=[unit(org_a, "กองคลัง")],
    )
    _, late = measure_due(
        assessment, officer, TODAY - timedelta(days=1), title="ยืมทรัพย์สิน", units=[unit(org_a, "กองคลัง")]
    )
    reminders.send_due_reminders(today=TODAY)
    [message] = mail.outbox
    assert message.subject == "ITA Portal: รายงานผลการดำเนินการตามมาตรการที่ต้องส่ง 2 รายการ"
    assert message.to == [person.email]
    body = message.body
    assert "เรียน treasury" in body
    assert "1. อธิบายแผนงบประมาณ" in body
    assert "กำหนดส่ง 31 มีนาคม 2569 (อีก 7 วัน)" in body
    assert "กำหนดส่ง 23 มีนาคม 2569 (เลยกำหนด 1 วัน)" in body
    assert f"https://ita.example.go.th/measures/work/round/{soon.pk}/" in body
    assert f"https://ita.example.go.th/measures/work/round/{late.pk}/" in body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert f'href="https://ita.example.go.th/measures/work/round/{late.pk}/"' in html
    assert "เลยกำหนด 1 วัน" in html


@pytest.mark.parametrize(
    ("offset", "label"),
    [(3, "อีก 3 วัน"), (1, "อีก 1 วัน"), (0, "ครบกำหนดวันนี้"), (-5, "เลยกำหนด 5 วัน")],
)
def test_due_label_in_thai(offset, label):
    assert due_label(TODAY + timedelta(days=offset), TODAY) == label


# --------------------------------------------------------------------------- in-app: count, badge, panel


def _count(user, today):
    return selectors.my_open_rounds_count(user, today, 14)


def test_my_open_rounds_follow_units_all_units_and_responsible(org_a, officer, assessment):
    treasury = member("treasury", org_a, Role.OFFICER, "กองคลัง")
    today = timezone.localdate()
    measure_due(assessment, officer, today + timedelta(days=3), title="คลัง", units=[unit(org_a, "กองคลัง")])
    measure_due(assessment, officer, today + timedelta(days=3), title="ช่าง", units=[unit(org_a, "กองช่าง")])
    measure_due(assessment, officer, today - timedelta(days=5), title="ทุกกอง", all_units=True)
    measure_due(
        assessment,
        officer,
        today + timedelta(days=10),
        title="มอบหมาย",
        units=[unit(org_a, "กองช่าง")],
        responsible=treasury,
    )
    measure_due(assessment, officer, today + timedelta(days=20), title="ไกล", units=[unit(org_a, "กองคลัง")])
    titles = [r.measure.title for r in selectors.my_open_rounds(treasury, today)]
    assert titles == ["ทุกกอง", "คลัง", "มอบหมาย"]
    assert _count(treasury, today) == {"total": 3, "overdue": 1}
    # An officer without a unit answers for the whole organization's rounds within the window.
    assert _count(officer, today) == {"total": 4, "overdue": 1}


def test_my_open_rounds_none_for_executives_and_outsiders(org_a, officer, executive, outsider, assessment):
    today = timezone.localdate()
    measure_due(assessment, officer, today + timedelta(days=3), title="ทุกกอง", all_units=True)
    assert _count(executive, today) == {"total": 0, "overdue": 0}
    assert _count(outsider, today) == {"total": 0, "overdue": 0}


def test_context_processor_counts_in_one_query(org_a, officer, assessment):
    today = timezone.localdate()
    for n in range(3):
        measure_due(assessment, officer, today + timedelta(days=n), title=f"ม{n}", all_units=True)
    request = RequestFactory().get("/")
    request.user = officer
    with CaptureQueriesContext(connection) as ctx:
        context = reminders_processor(request)
        assert context["nav_due"]["total"] == 3
        assert context["nav_due"]["overdue"] == 0
    assert len(ctx) == 1


def test_badge_in_the_top_bar_for_officers(client, org_a, officer, executive, assessment):
    today = timezone.localdate()
    measure_due(assessment, officer, today - timedelta(days=2), title="ก", all_units=True)
    measure_due(assessment, officer, today + timedelta(days=2), title="ข", all_units=True)
    client.force_login(officer)
    page = client.get("/measures/work/").content.decode()
    assert 'id="nav-due-count"' in page
    assert 'title="รายงานความก้าวหน้าเลยกำหนดหรือใกล้ถึงกำหนด 2 รายการ">2</span>' in page
    assert 'text-bg-danger" id="nav-due-count"' in page
    client.force_login(executive)
    assert 'id="nav-due-count"' not in client.get("/measures/work/").content.decode()


def test_badge_absent_when_nothing_is_due(client, officer, assessment):
    client.force_login(officer)
    assert 'id="nav-due-count"' not in client.get("/measures/work/").content.decode()


def test_home_panel_lists_my_rounds_with_days(client, org_a, officer, assessment, outsider, assessment_b):
    today = timezone.localdate()
    _, r = measure_due(assessment, officer, today + timedelta(days=3), title="อธิบายแผน", all_units=True)
    measure_due(assessment_b, outsider, today + timedelta(days=3), title="ของ อบต. อื่น", all_units=True)
    client.force_login(officer)
    page = client.get("/assessments/").content.decode()
    assert 'id="due-panel"' in page
    assert f'href="/measures/work/round/{r.pk}/"' in page
    assert "อีก 3 วัน" in page
    assert "ของ อบต. อื่น" not in page
    client.force_login(outsider)
    page = client.get("/assessments/").content.decode()
    assert "อธิบายแผน" not in page


def test_my_work_page_shows_days_overdue(client, org_a, officer, assessment):
    today = timezone.localdate()
    measure_due(assessment, officer, today - timedelta(days=5), title="ก", all_units=True)
    client.force_login(officer)
    assert "เลยกำหนด 5 วัน" in client.get("/measures/work/").content.decode()


# --------------------------------------------------------------------------- PostgreSQL race


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent unique inserts need PostgreSQL")
def test_reminders_four_simultaneous_runs_send_once(transactional_db, frameworks, org_a, officer):
    from assessments import services as assessment_services

    fresh = assessment_services.assessment_create(organization=org_a, fiscal_year=2565, user=officer)
    member("treasury", org_a, Role.OFFICER, "กองคลัง")
    measure_due(fresh, officer, TODAY + timedelta(days=7), title="ก", units=[unit(org_a, "กองคลัง")])
    summaries = run_at_once(lambda _n: reminders.send_due_reminders(today=TODAY), 4)
    assert raised(summaries) == []
    assert len(mail.outbox) == 1
    assert ReminderSent.objects.count() == 1
    assert sorted((s.messages, s.skipped, s.failed) for s in summaries) == [(0, 1, 0)] * 3 + [(1, 0, 0)]
