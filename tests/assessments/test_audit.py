"""The audit trail: what a write records (actor, old and new values, organization and assessment),
the assessment page's history, and the /audit/ page's scoping, filters and export."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from io import BytesIO, StringIO

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from axes.models import AccessFailureLog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from assessments import audit, services
from assessments.audit import FieldChange, assessment_history, command_context
from assessments.demo import FRAMEWORK_DIR
from assessments.models import (
    Assessment,
    Band,
    DisclosureResult,
    FrameworkVersion,
    IndicatorScore,
    Organization,
    Role,
    Unit,
)
from tests.conftest import make_member

CREATE, UPDATE, DELETE = LogEntry.Action.CREATE, LogEntry.Action.UPDATE, LogEntry.Action.DELETE


def last_pk() -> int:
    return LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def entries_since(start: int, model=None):
    qs = LogEntry.objects.filter(pk__gt=start).order_by("pk")
    return qs.filter(content_type=ContentType.objects.get_for_model(model)) if model else qs


def site_label(number: int) -> str:
    with translation.override("th"):
        return translation.gettext("Indicator %(number)s") % {"number": number}


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user(
        username="staff", password="x", is_staff=True, is_superuser=True, first_name="ผู้ดูแล", last_name="ระบบ"
    )


# --------------------------------------------------------------------------- what a write records


def test_score_entry_through_the_page_records_actor_old_and_new(client, assessment, officer, org_a):
    client.force_login(officer)
    url = reverse("assessments:indicators-update", args=[assessment.pk])
    start = last_pk()

    assert client.post(url, {"ind_3": "55.55"}).status_code == 302
    assert client.post(url, {"ind_3": "60.25"}).status_code == 302
    assert client.post(url, {"ind_3": ""}).status_code == 302

    created, changed, cleared = entries_since(start, IndicatorScore)
    assert [e.action for e in (created, changed, cleared)] == [CREATE, UPDATE, DELETE]
    assert {e.actor for e in (created, changed, cleared)} == {officer}
    assert created.changes["score"] == ["None", "55.55"]
    assert changed.changes == {"score": ["55.55", "60.25"]}
    assert cleared.changes["score"] == ["60.25", "None"]  # the cleared value stays in the trail
    assert cleared.additional_data == {
        "organization": org_a.pk,
        "assessment": assessment.pk,
        "indicator": 3,
        "label": site_label(3),
    }
    # The recompute after each save changes only derived fields: no entry for the assessment.
    assert entries_since(start, Assessment).count() == 0


def test_disclosure_change_records_old_and_new(client, assessment, officer):
    client.force_login(officer)
    start = last_pk()
    r = client.post(
        reverse("assessments:disclosure-update", args=[assessment.pk, "O1"]),
        {"result": "fail", "urls": "https://a.example/o1\nhttps://a.example/o1-b", "note": "ขาดรายงานประจำปี"},
    )

    assert r.status_code == 302
    [entry] = entries_since(start, DisclosureResult)
    assert entry.action == UPDATE
    assert entry.actor == officer
    assert entry.changes["passed"] == ["True", "False"]
    assert json.loads(entry.changes["urls"][1]) == ["https://a.example/o1", "https://a.example/o1-b"]
    assert entry.changes["note"] == ["", "ขาดรายงานประจำปี"]
    assert "updated_at" not in entry.changes
    assert entry.additional_data == {
        "organization": assessment.organization_id,
        "assessment": assessment.pk,
        "item": "O1",
        "label": "O1",
    }


def test_admin_change_of_a_unit_is_recorded(client, staff, org_a):
    unit = org_a.units.get(name="กองคลัง")
    client.force_login(staff)
    start = last_pk()
    r = client.post(
        reverse("admin:assessments_unit_change", args=[unit.pk]),
        {"organization": org_a.pk, "name": "กองคลังและพัสดุ", "code": "ขก 1/กค", "phone": "", "order": 1},
    )

    assert r.status_code == 302
    [entry] = entries_since(start, Unit)
    assert entry.action == UPDATE
    assert entry.actor == staff
    assert entry.changes == {"name": ["กองคลัง", "กองคลังและพัสดุ"], "code": ["", "ขก 1/กค"]}
    assert entry.additional_data == {"organization": org_a.pk, "label": "กองคลังและพัสดุ"}


def test_command_writes_are_marked_with_their_source(tmp_path, frameworks):
    definition = json.loads((FRAMEWORK_DIR / "ita-2566.json").read_text(encoding="utf-8"))
    definition["notes"] = "แก้ไขหมายเหตุ (ทดสอบ)"
    path = tmp_path / "ita-2566.json"
    path.write_text(json.dumps(definition, ensure_ascii=False), encoding="utf-8")
    start = last_pk()

    call_command("load_framework", str(path), stdout=StringIO())  # the command marks its own writes

    entries = list(entries_since(start))
    assert entries
    assert entries_since(start, Band).filter(action=CREATE).count() == 7  # 2 bands, 5 sub-levels
    assert {e.additional_data.get("source") for e in entries} == {"manage.py load_framework"}
    assert {e.actor for e in entries} == {None}
    [created] = [e for e in entries_since(start, FrameworkVersion) if e.action == CREATE]
    assert created.changes["notes"] == ["None", "แก้ไขหมายเหตุ (ทดสอบ)"]
    assert "definition" not in created.changes  # the big JSON stays out; its checksum is kept
    assert created.changes["checksum"][1] == FrameworkVersion.objects.get(pk=created.object_id).checksum
    assert created.additional_data == {"framework": created.object_id, "source": "manage.py load_framework"}


def test_command_context_nests_and_ends(org_a):
    start = last_pk()
    with command_context("seed_demo"):
        with command_context("load_framework"):
            Unit.objects.create(organization=org_a, name="กองช่างสุขาภิบาล")
        Unit.objects.create(organization=org_a, name="กองการศึกษา")
    Unit.objects.create(organization=org_a, name="กองสาธารณสุข")

    assert [e.additional_data.get("source") for e in entries_since(start)] == [
        "manage.py load_framework",
        "manage.py seed_demo",
        None,
    ]


def test_password_change_is_recorded_without_the_value(client, officer):
    start = last_pk()
    officer.set_password("another-pass-5678")
    officer.save()
    client.force_login(officer)  # a login updates last_login only: no entry

    [entry] = entries_since(start, get_user_model())
    assert entry.changes == {"password": [audit.MASKED, audit.MASKED]}
    assert officer.password not in json.dumps(entry.changes)


def test_recompute_alone_reads_and_writes_nothing_for_the_trail(assessment):
    start = last_pk()
    with CaptureQueriesContext(connection) as ctx:
        services.assessment_recompute(assessment=assessment)

    assert entries_since(start).count() == 0
    assert [q["sql"] for q in ctx if "auditlog" in q["sql"]] == []
    # auditlog reads the old row before a tracked update; a save of derived fields only is skipped.
    assert [q for q in ctx if q["sql"].startswith('SELECT "assessments_assessment"."id"')] == []


def test_a_score_write_adds_one_insert_per_row_and_no_lookup_of_ours(assessment, officer):
    with set_actor(officer):
        services.indicator_scores_set(assessment=assessment, scores={3: Decimal("50")}, user=officer)
        with CaptureQueriesContext(connection) as ctx:
            services.indicator_scores_set(
                assessment=assessment, scores={3: Decimal("51"), 4: Decimal("52")}, user=officer
            )

    sqls = [q["sql"] for q in ctx]
    assert len([s for s in sqls if s.startswith('INSERT INTO "auditlog_logentry"')]) == 2
    assert [s for s in sqls if "django_content_type" in s or "assessments_membership" in s] == []


# --------------------------------------------------------------------------- history panel


def test_history_lists_changes_newest_first(assessment, officer):
    with set_actor(officer):
        services.indicator_scores_set(assessment=assessment, scores={3: Decimal("55.55")}, user=officer)
        services.indicator_scores_set(assessment=assessment, scores={3: Decimal("60.25")}, user=officer)
        services.indicator_scores_set(assessment=assessment, scores={3: None}, user=officer)
        o1 = assessment.framework.items.get(code="O1")
        services.disclosure_result_set(
            assessment=assessment,
            item=o1,
            passed=None,
            urls=["https://a.example/1", "https://a.example/2"],
            note="",
            user=officer,
        )

    with translation.override("en"):
        rows = assessment_history(assessment)

    disclosure, cleared, changed, created = rows[:4]
    assert (cleared.what, cleared.action, cleared.who) == ("Indicator 3", "deleted", "officer")
    assert cleared.changes == [FieldChange("Score", "60.25", "")]
    assert (changed.action, changed.changes) == ("changed", [FieldChange("Score", "55.55", "60.25")])
    assert (created.action, created.changes) == ("created", [FieldChange("Score", "", "55.55")])
    assert disclosure.what == f"O1 {o1.name_th}"
    assert disclosure.changes == [
        FieldChange("Passed", "Passed", "Not decided"),
        FieldChange("URLs", "https://a.example/o1", "https://a.example/1, https://a.example/2"),
    ]
    assert rows == sorted(rows, key=lambda row: row.when, reverse=True)
    assert created.when <= timezone.now()


def test_history_names_the_command_when_there_is_no_actor(assessment, officer):
    with command_context("seed_demo"):
        services.indicator_scores_set(assessment=assessment, scores={5: Decimal("70")}, user=officer)

    assert assessment_history(assessment)[0].who == "manage.py seed_demo"


def test_history_shows_the_published_values(client, assessment, officer):
    client.force_login(officer)
    r = client.post(
        reverse("assessments:published-update", args=[assessment.pk]), {"total": "84.48", "band": "B"}
    )
    assert r.status_code == 302

    with translation.override("en"):
        created, changed = [row for row in assessment_history(assessment) if row.what == "Assessment"][::-1]
    assert (created.action, changed.action) == ("created", "changed")
    assert created.changes == [FieldChange("Fiscal year (B.E.)", "", "2565")]
    row = changed
    assert FieldChange("Published total", "", "84.48") in row.changes
    assert FieldChange("Published result", "", "B") in row.changes


def test_history_does_not_show_another_assessment(assessment, assessment_b, outsider):
    services.indicator_scores_set(assessment=assessment_b, scores={3: Decimal("10")}, user=outsider)

    whats = {row.what for row in assessment_history(assessment)}
    assert "ตัวชี้วัด 3" not in whats and "Indicator 3" not in whats


def test_history_query_count_is_flat(assessment, officer):
    assessment_history(assessment)  # content types cached, as in a running server
    with CaptureQueriesContext(connection) as few:
        assessment_history(assessment)
    with set_actor(officer):
        for value in range(40, 70):
            services.indicator_scores_set(assessment=assessment, scores={3: Decimal(value)}, user=officer)
    with CaptureQueriesContext(connection) as many:
        rows = assessment_history(assessment)

    assert len(rows) == 34  # 30 + the fixture's assessment, two scores and O1
    assert len(many) == len(few) == 2


def test_history_partial_collapses_after_ten_rows_and_has_an_empty_state(assessment, officer):
    empty = render_to_string("assessments/_history.html", {"history": []})
    assert 'id="history"' in empty and "<table" not in empty

    short = render_to_string("assessments/_history.html", {"history": assessment_history(assessment)})
    assert short.count("<li") == 4 and "<details" not in short

    with set_actor(officer):
        for value in range(40, 50):
            services.indicator_scores_set(assessment=assessment, scores={3: Decimal(value)}, user=officer)
    long = render_to_string("assessments/_history.html", {"history": assessment_history(assessment)})
    assert long.count("<details") == 1
    assert long.count("<li") == 14
    assert long.split("<details")[1].count("<li") == 4  # the 4 oldest, collapsed


# --------------------------------------------------------------------------- the trail page


def org_a_count(org: Organization) -> int:
    return LogEntry.objects.filter(additional_data__organization=org.pk).count()


def test_trail_org_admin_sees_own_organization_only(client, org_admin, org_a, assessment, assessment_b):
    client.force_login(org_admin)
    r = client.get(reverse("audit:list"))

    assert r.status_code == 200
    assert r.context["page"].paginator.count == org_a_count(org_a)
    assert {row.organization for row in r.context["rows"]} == {org_a.name}
    assert "organization" not in r.context["form"].fields


def test_trail_admin_of_another_organization_sees_nothing_of_a(client, org_b, assessment, assessment_b):
    admin_b = make_member("admin-b", org_b, Role.ADMIN)
    client.force_login(admin_b)
    r = client.get(reverse("audit:list"))

    assert r.status_code == 200
    assert r.context["page"].paginator.count == org_a_count(org_b)
    assert assessment.organization.name not in r.content.decode()


@pytest.mark.parametrize("who", ["officer", "executive", "outsider"])
def test_trail_refuses_who_is_not_an_administrator(client, request, assessment, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("audit:list")).status_code == 403
    assert client.get(reverse("audit:export")).status_code == 403


def test_trail_needs_login(client):
    r = client.get(reverse("audit:list"))
    assert r.status_code == 302
    assert r.headers["Location"].startswith(reverse("login"))


def test_trail_staff_sees_everything_with_failed_logins(client, staff, assessment, assessment_b):
    AccessFailureLog.objects.create(username="someone", ip_address="10.0.0.9", user_agent="", path_info="/")
    client.force_login(staff)
    r = client.get(reverse("audit:list"))

    assert r.status_code == 200
    assert r.context["page"].paginator.count == LogEntry.objects.count() + 1
    assert len(r.context["rows"]) == 50
    first = r.context["rows"][0]
    assert (first.who, first.action, first.address) == ("someone", "login_failed", "10.0.0.9")


def test_trail_filters(client, staff, org_a, assessment, assessment_b, officer):
    client.force_login(staff)
    url = reverse("audit:list")

    def count(**params) -> int:
        r = client.get(url, params)
        assert r.status_code == 200
        return r.context["page"].paginator.count

    scores = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(IndicatorScore))
    assert count(kind="assessments.indicatorscore") == scores.count()
    assert count(kind="assessments.indicatorscore", organization=org_a.pk) == 2
    assert count(q="88.81", organization=org_a.pk) == 1
    assert count(q=site_label(2), organization=org_a.pk) == 1
    assert count(q="https://a.example/o1") == 1
    assert count(person="officer", organization=org_a.pk) == 0  # the fixture wrote outside a request
    today = timezone.localdate()
    assert count(date_from=str(today + timedelta(days=1))) == 0
    assert count(date_to=str(today - timedelta(days=1)), organization=org_a.pk) == 0
    assert count(date_from=str(today), date_to=str(today), organization=org_a.pk) == org_a_count(org_a)
    assert count(kind="login") == AccessFailureLog.objects.count()


def test_trail_text_filter_finds_thai_values(client, staff, assessment, officer):
    with set_actor(officer):
        o2 = assessment.framework.items.get(code="O2")
        services.disclosure_result_set(
            assessment=assessment, item=o2, passed=False, urls=[], note="ไม่พบแผนผังองค์กร", user=officer
        )
    client.force_login(staff)

    r = client.get(reverse("audit:list"), {"q": "แผนผังองค์กร", "person": "officer"})

    assert [row.what for row in r.context["rows"]] == ["O2 · ITA 2565"]


def test_trail_query_count_is_flat(client, staff, org_a, assessment, officer):
    client.force_login(staff)
    url = reverse("audit:list")
    params = {"organization": org_a.pk}
    client.get(url, params)
    with CaptureQueriesContext(connection) as few:
        client.get(url, params)
    with set_actor(officer):
        for value in range(40, 80):
            services.indicator_scores_set(assessment=assessment, scores={3: Decimal(value)}, user=officer)
        Unit.objects.create(organization=org_a, name="กองสวัสดิการสังคม")
    with CaptureQueriesContext(connection) as many:
        r = client.get(url, params)

    assert len(r.context["rows"]) == 50
    assert len(many) == len(few)


def test_trail_export_writes_the_filtered_rows_as_text(client, staff, org_a, officer, assessment):
    with set_actor(officer):
        Unit.objects.create(organization=org_a, name='=HYPERLINK("http://evil.example","x")')
    client.force_login(staff)

    r = client.get(reverse("audit:export"), {"organization": org_a.pk})

    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(BytesIO(r.content)).active
    assert ws.max_row == org_a_count(org_a) + 1
    cell = ws.cell(row=2, column=5)  # newest first: the unit
    assert cell.value == '=HYPERLINK("http://evil.example","x")'
    assert cell.data_type == "s"
    assert ws.cell(row=2, column=2).value == "officer"


def test_trail_shows_a_password_change_without_its_value(client, staff, officer):
    officer.set_password("another-pass-5678")
    officer.save()
    client.force_login(staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    rows = client.get(reverse("audit:list"), {"kind": "auth.user", "q": "officer"}).context["rows"]

    assert [(row.what, row.action, row.changes) for row in rows[:1]] == [
        ("officer", "changed", [FieldChange("Password", "", "changed (the value is not recorded)")])
    ]


def test_trail_rows_leave_out_what_the_other_columns_say(client, staff, assessment):
    client.force_login(staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    rows = client.get(reverse("audit:list"), {"kind": "assessments.indicatorscore"}).context["rows"]

    assert [(row.what, row.organization, row.changes) for row in rows] == [
        ("Indicator 2 · ITA 2565", assessment.organization.name, [FieldChange("Score", "", "75.15")]),
        ("Indicator 1 · ITA 2565", assessment.organization.name, [FieldChange("Score", "", "88.81")]),
    ]
