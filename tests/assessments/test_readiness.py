"""The OIT readiness board: members see it, writers edit one field at a time (audited), outsiders get
404, the URL check runs as a task and stores its outcome, the export has the ITAS columns."""

from __future__ import annotations

import re
import signal
from io import BytesIO

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from assessments import readiness_selectors, readiness_services, services, url_check
from assessments.models import CheckOutcome, DisclosureResult, OitReadiness, ReadinessStatus, Unit
from assessments.readiness_selectors import AMBER, GREEN, RED, light_of
from assessments.tasks import check_readiness_urls
from assessments.url_check import Response
from tests.conftest import run_at_once

HTMX = {"HTTP_HX_REQUEST": "true"}
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def board(a, *extra) -> str:
    return reverse("assessments:readiness", args=[a.pk, *extra])


def row_url(a, code: str, name: str = "assessments:readiness-update") -> str:
    return reverse(name, args=[a.pk, code])


@pytest.fixture
def unit(org_a):
    return Unit.objects.get(organization=org_a, name="กองคลัง")


@pytest.fixture
def fake_network(monkeypatch):
    """The outside world: a.example answers 200, gone.example 404, intranet resolves to 10.0.0.1."""
    names = {
        "a.example": ["93.184.216.34"],
        "gone.example": ["93.184.216.35"],
        "intranet.example": ["10.0.0.1"],
    }
    calls = []

    def resolve(host, port):
        if host not in names:
            raise OSError("unknown")
        return names[host]

    def request(scheme, host, address, port, method, target, timeout):
        calls.append((host, address, method))
        return Response(200 if host == "a.example" else 404, None)

    monkeypatch.setattr(url_check, "system_resolve", resolve)
    monkeypatch.setattr(url_check, "http_request", request)
    return calls


@pytest.mark.parametrize(
    ("status", "urls", "outcome", "light"),
    [
        (ReadinessStatus.NOT_STARTED, [], "", RED),
        (ReadinessStatus.NOT_STARTED, ["https://a.example"], "ok", RED),
        (ReadinessStatus.EVIDENCE_READY, [], "", AMBER),
        (ReadinessStatus.PUBLISHED, ["https://a.example"], "", AMBER),
        (ReadinessStatus.PUBLISHED, [], "ok", AMBER),
        (ReadinessStatus.PUBLISHED, ["https://a.example"], "ok", GREEN),
        (ReadinessStatus.CHECKED, ["https://a.example"], "ok", GREEN),
        (ReadinessStatus.CHECKED, ["https://a.example"], "http_error", RED),
        (ReadinessStatus.EVIDENCE_READY, ["https://a.example"], "blocked_address", RED),
    ],
)
def test_light_of_each_case(status, urls, outcome, light):
    assert light_of(status, urls, outcome) == light


def test_board_lists_every_o_item_with_counts(client, officer, assessment):
    client.force_login(officer)
    r = client.get(board(assessment))
    assert r.status_code == 200
    rows = r.context["rows"]
    assert len(rows) == 43
    assert [row.item.code for row in rows[:2]] == ["O1", "O2"]
    assert rows[0].urls == ["https://a.example/o1"]
    assert r.context["counts"]["lights"][2][3] == 43  # all red: nothing started
    assert "กระดานความพร้อม OIT" in r.content.decode()


def test_board_query_count_is_flat(client, officer, assessment, unit, django_assert_max_num_queries):
    client.force_login(officer)
    client.get(board(assessment))  # framework structure and sessions warmed up
    with django_assert_max_num_queries(12):
        client.get(board(assessment))
    for item in assessment.framework.items.filter(kind="disclosure")[:20]:
        readiness_services.readiness_set(
            assessment=assessment, item=item, owner_unit=unit, status=ReadinessStatus.PUBLISHED, user=officer
        )
    with django_assert_max_num_queries(12):
        client.get(board(assessment))


def test_board_filters(client, officer, assessment, unit):
    o2 = assessment.framework.items.get(code="O2")
    readiness_services.readiness_set(
        assessment=assessment, item=o2, owner_unit=unit, status=ReadinessStatus.EVIDENCE_READY, user=officer
    )
    client.force_login(officer)
    codes = lambda r: [row.item.code for row in r.context["rows"]]  # noqa: E731
    assert codes(client.get(board(assessment), {"unit": unit.pk})) == ["O2"]
    assert codes(client.get(board(assessment), {"status": "evidence_ready"})) == ["O2"]
    assert codes(client.get(board(assessment), {"light": "amber"})) == ["O2"]
    assert len(codes(client.get(board(assessment), {"unit": "none"}))) == 42
    empty = client.get(board(assessment), {"light": "green"})
    assert codes(empty) == []
    assert "ไม่มีข้อ O ที่ตรงกับตัวกรองนี้" in empty.content.decode()


def test_board_outsider_gets_404_and_executive_reads_but_may_not_write(
    client, outsider, executive, assessment, assessment_b
):
    client.force_login(outsider)
    assert client.get(board(assessment)).status_code == 404
    assert client.get(reverse("assessments:readiness-export", args=[assessment.pk])).status_code == 404
    assert client.post(row_url(assessment, "O1"), {"status": "published"}).status_code == 404
    assert client.post(row_url(assessment, "O1", "assessments:readiness-check")).status_code == 404
    assert client.post(reverse("assessments:readiness-check-all", args=[assessment.pk])).status_code == 404
    client.force_login(executive)
    page = client.get(board(assessment))
    assert page.status_code == 200
    assert 'id="rd-O1-status"' not in page.content.decode()
    assert client.post(row_url(assessment, "O1"), {"status": "published"}).status_code == 403
    assert client.post(row_url(assessment, "O1", "assessments:readiness-check")).status_code == 403
    assert client.post(reverse("assessments:readiness-check-all", args=[assessment.pk])).status_code == 403
    assert not OitReadiness.objects.exists()


def test_autosave_changes_only_the_carried_field(client, officer, assessment, unit):
    client.force_login(officer)
    r = client.post(row_url(assessment, "O3"), {"owner_unit": unit.pk}, **HTMX)
    assert r.status_code == 200
    assert 'id="err-rd-O3-owner_unit"' in r.content.decode()
    assert 'hx-swap-oob="true"' in r.content.decode()
    client.post(row_url(assessment, "O3"), {"status": "published"}, **HTMX)
    client.post(row_url(assessment, "O3"), {"data_year": "๒๕๖๖"}, **HTMX)
    row = OitReadiness.objects.get(assessment=assessment, item__code="O3")
    assert (row.owner_unit, row.status, row.data_year) == (unit, ReadinessStatus.PUBLISHED, 2566)
    assert row.updated_by == officer
    r = client.post(row_url(assessment, "O3"), {"urls": "https://a.example/o3"}, **HTMX)
    assert DisclosureResult.objects.get(assessment=assessment, item__code="O3").urls == [
        "https://a.example/o3"
    ]
    row.refresh_from_db()
    assert (row.owner_unit, row.status, row.data_year) == (unit, ReadinessStatus.PUBLISHED, 2566)


def test_autosave_bad_value_saves_nothing_and_says_why(client, officer, assessment, org_b):
    client.force_login(officer)
    r = client.post(row_url(assessment, "O4"), {"data_year": "66"}, **HTMX)
    assert 'data-invalid="true"' in r.content.decode()
    assert "2566" in r.content.decode()  # the message shows a Buddhist-era example
    other_unit = Unit.objects.filter(organization=org_b).first()
    client.post(row_url(assessment, "O4"), {"owner_unit": other_unit.pk}, **HTMX)
    r = client.post(row_url(assessment, "O4"), {"urls": "ftp://x.example"}, **HTMX)
    assert 'id="err-rd-O4-urls"' in r.content.decode()
    assert 'data-invalid="true"' in r.content.decode()
    assert not OitReadiness.objects.filter(item__code="O4").exists()
    assert not DisclosureResult.objects.filter(assessment=assessment, item__code="O4").exists()


def test_plain_post_redirects_back_with_a_message(client, officer, assessment):
    client.force_login(officer)
    r = client.post(row_url(assessment, "O5"), {"status": "checked"}, follow=True)
    assert r.redirect_chain[-1][0].endswith("#rd-O5")
    assert "O5" in r.content.decode()


def test_readiness_set_is_audited(officer, assessment, unit):
    item = assessment.framework.items.get(code="O6")
    row = readiness_services.readiness_set(
        assessment=assessment, item=item, status=ReadinessStatus.EVIDENCE_READY, user=officer
    )
    entry = LogEntry.objects.get_for_object(row).get()
    assert entry.additional_data["item"] == "O6"
    assert entry.additional_data["assessment"] == assessment.pk
    assert entry.changes["status"] == ["None", "evidence_ready"]


def test_readiness_set_refuses_wrong_role_unit_and_item(
    executive, officer, assessment, org_b, fw2565, frameworks
):
    item = assessment.framework.items.get(code="O6")
    with pytest.raises(PermissionDenied):
        readiness_services.readiness_set(assessment=assessment, item=item, status="published", user=executive)
    with pytest.raises(ValidationError):
        readiness_services.readiness_set(
            assessment=assessment,
            item=item,
            owner_unit=Unit.objects.filter(organization=org_b).first(),
            user=officer,
        )
    survey_item = assessment.framework.items.get(code="i1")
    with pytest.raises(ValidationError):
        readiness_services.readiness_set(
            assessment=assessment, item=survey_item, status="published", user=officer
        )
    other_year = frameworks[2566].items.filter(kind="disclosure").first()
    with pytest.raises(ValidationError):
        readiness_services.readiness_set(
            assessment=assessment, item=other_year, status="published", user=officer
        )


def test_check_all_task_records_each_outcome(client, officer, assessment, settings, fake_network):
    settings.TASKS = IMMEDIATE
    o2 = assessment.framework.items.get(code="O2")
    o3 = assessment.framework.items.get(code="O3")
    services.disclosure_result_set(
        assessment=assessment, item=o2, urls=["https://gone.example/x"], user=officer
    )
    services.disclosure_result_set(
        assessment=assessment, item=o3, urls=["http://intranet.example/"], user=officer
    )
    client.force_login(officer)
    r = client.post(reverse("assessments:readiness-check-all", args=[assessment.pk]))
    assert r.status_code == 302
    rows = {r.item.code: r for r in OitReadiness.objects.filter(assessment=assessment).select_related("item")}
    assert (rows["O1"].check_outcome, rows["O1"].check_status_code) == (CheckOutcome.OK, 200)
    assert (rows["O2"].check_outcome, rows["O2"].check_status_code) == (CheckOutcome.HTTP_ERROR, 404)
    assert rows["O3"].check_outcome == CheckOutcome.BLOCKED_ADDRESS
    assert rows["O4"].check_outcome == CheckOutcome.NO_URL
    assert rows["O1"].checked_at is not None
    assert len(rows) == 43
    assert ("intranet.example", "10.0.0.1", "HEAD") not in fake_network  # never contacted
    entry = LogEntry.objects.get_for_object(rows["O1"]).get()
    assert entry.additional_data["source"] == "task check_readiness_urls"
    page = client.get(board(assessment)).content.decode()
    assert "ปฏิเสธ" in page  # the blocked address is named in Thai


def test_check_now_queues_one_item(client, officer, assessment, settings):
    settings.TASKS = DUMMY
    from django_tasks import default_task_backend

    default_task_backend.clear()
    client.force_login(officer)
    r = client.post(row_url(assessment, "O1", "assessments:readiness-check"))
    assert r.status_code == 302
    queued = default_task_backend.results
    assert [(q.task.name, q.args) for q in queued] == [("check_readiness_urls", [assessment.pk, ["O1"]])]


def test_check_task_of_a_deleted_assessment_does_nothing(db, settings):
    settings.TASKS = IMMEDIATE
    assert check_readiness_urls.enqueue(999999).return_value == {}


def test_export_has_the_itas_columns_and_guards_formulas(client, officer, assessment):
    o1 = assessment.framework.items.get(code="O1")
    services.disclosure_result_set(assessment=assessment, item=o1, note='=HYPERLINK("x")', user=officer)
    readiness_services.readiness_set(
        assessment=assessment, item=o1, status=ReadinessStatus.PUBLISHED, user=officer
    )
    client.force_login(officer)
    r = client.get(reverse("assessments:readiness-export", args=[assessment.pk]))
    assert r.status_code == 200
    wb = load_workbook(BytesIO(r.content))
    ws = wb["ITAS"]
    assert [c.value for c in ws[1]] == ["ข้อ", "มี/ไม่มี", "URL", "คำอธิบาย"]
    assert [c.value for c in ws[2]] == ["O1", "มี", "https://a.example/o1", '=HYPERLINK("x")']
    assert ws["D2"].data_type == "s"
    assert ws["B3"].value == "ไม่มี"
    assert ws.max_row == 44


def test_board_rows_selector_matches_services(officer, assessment, unit):
    item = assessment.framework.items.get(code="O1")
    readiness_services.readiness_set(
        assessment=assessment, item=item, owner_unit=unit, status=ReadinessStatus.CHECKED, user=officer
    )
    readiness_services.readiness_check_record(
        assessment=assessment,
        item=item,
        result=url_check.CheckResult(url_check.OK, 200, "https://a.example/o1"),
    )
    row = readiness_selectors.board_rows(assessment)[0]
    assert (row.item.code, row.status, row.light, row.readiness.owner_unit) == ("O1", "checked", GREEN, unit)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and races need PostgreSQL")
def test_two_officers_saving_one_new_row_at_once_both_keep_their_work(
    transactional_db, frameworks, org_a, officer
):
    """Owner unit, status, data year and URLs of one O-item, posted at once by four clients: the
    row is created once and keeps all four values; no request fails."""
    a = services.assessment_create(organization=org_a, fiscal_year=2565, user=officer)
    unit = Unit.objects.get(organization=org_a, name="กองช่าง")
    posts = [
        {"owner_unit": str(unit.pk)},
        {"status": "published"},
        {"data_year": "2566"},
        {"urls": "https://a.example/o9"},
    ]

    def work(index: int) -> int:
        client = Client()
        client.force_login(officer)
        return client.post(row_url(a, "O9"), posts[index], **HTMX).status_code

    outcomes = run_at_once(work, len(posts))
    assert outcomes == [200, 200, 200, 200]
    row = OitReadiness.objects.get(assessment=a, item__code="O9")
    assert (row.owner_unit, row.status, row.data_year) == (unit, "published", 2566)
    assert DisclosureResult.objects.get(assessment=a, item__code="O9").urls == ["https://a.example/o9"]


def test_assessment_history_names_the_owner_unit(client, officer, assessment, unit):
    item = assessment.framework.items.get(code="O7")
    readiness_services.readiness_set(assessment=assessment, item=item, owner_unit=unit, user=officer)
    client.force_login(officer)
    history = client.get(reverse("assessments:detail", args=[assessment.pk])).context["history"]
    change = next(c for row in history if row.what.startswith("O7") for c in row.changes if c.new == "กองคลัง")
    assert change.name == "สำนัก/กองที่รับผิดชอบ"


def test_row_form_without_javascript_saves_every_field(client, officer, assessment, unit):
    """The row's inputs belong to its form (form="rd-O8-form"): one plain POST carries them all."""
    client.force_login(officer)
    page = client.get(board(assessment)).content.decode()
    assert 'id="rd-O8-form"' in page
    assert page.count('form="rd-O8-form"') == 4
    data = {
        "owner_unit": str(unit.pk),
        "status": "published",
        "data_year": "2566",
        "urls": "https://a.example/o8",
    }
    r = client.post(row_url(assessment, "O8"), data)
    assert r.status_code == 302
    row = OitReadiness.objects.get(assessment=assessment, item__code="O8")
    assert (row.owner_unit, row.status, row.data_year) == (unit, "published", 2566)
    assert DisclosureResult.objects.get(assessment=assessment, item__code="O8").urls == [
        "https://a.example/o8"
    ]


@pytest.fixture
def keep_signals():
    """db_worker installs its own SIGINT/SIGTERM handlers: give the test process its own back."""
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    yield
    for s, handler in saved.items():
        signal.signal(s, handler)


@pytest.mark.django_db(transaction=True)
def test_check_now_runs_in_the_database_worker(
    client, settings, keep_signals, officer, assessment, fake_network
):
    """Queued in the database by the button, run by `manage.py db_worker`: the outcome is on the row."""
    settings.TASKS = DATABASE
    client.force_login(officer)
    client.post(row_url(assessment, "O1", "assessments:readiness-check"))
    assert not OitReadiness.objects.exists()  # queued, not run
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
    task = DBTaskResult.objects.get()
    assert (task.task_path, task.status) == (
        "assessments.tasks.check_readiness_urls",
        TaskResultStatus.SUCCESSFUL,
    )
    assert task.return_value == {"O1": "ok"}
    assert OitReadiness.objects.get(assessment=assessment, item__code="O1").check_outcome == CheckOutcome.OK


def test_check_command_queues_one_task_per_organization(settings, assessment, assessment_b, capsys):
    settings.TASKS = DUMMY
    from django_tasks import default_task_backend

    default_task_backend.clear()
    call_command("check_readiness_urls", "--year", "2565", "--dry-run")
    assert default_task_backend.results == []
    call_command("check_readiness_urls", "--year", "2565")
    queued = sorted(r.args[0] for r in default_task_backend.results)
    assert queued == sorted([assessment.pk, assessment_b.pk])
    assert "2 หน่วยงาน" in capsys.readouterr().out


@pytest.mark.parametrize(
    "args", [["--year", "65"], ["--year", "2565", "--org", "ไม่มีหน่วยงานนี้"], ["--year", "2590"], ["--bogus"]]
)
def test_check_command_bad_input_exits_2_with_one_thai_line(db, capsys, args):
    with pytest.raises(SystemExit) as exc:
        call_command("check_readiness_urls", *args)
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert re.search(r"[\u0E00-\u0E7F]", err)


def test_audit_trail_shows_a_readiness_change(client, officer, org_admin, assessment, unit):
    item = assessment.framework.items.get(code="O5")
    readiness_services.readiness_set(
        assessment=assessment, item=item, owner_unit=unit, status=ReadinessStatus.PUBLISHED, user=officer
    )
    client.force_login(org_admin)
    page = client.get(reverse("audit:list")).content.decode()
    assert "ความพร้อม OIT ของข้อ" in page
    assert "O5" in page
    assert "กองคลัง" in page
    assert "เผยแพร่แล้ว" in page
    assert "ข้อคำถาม:" not in page  # the row's item and assessment are in the label already
