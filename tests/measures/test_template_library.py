"""The template library in the database: loaded from the shipped file (idempotent, admin edits kept
unless forced), edited by site staff in the admin with the file's rules, dumped back loss-free, and
read by the draft page and ``measures_from_templates`` (active templates only)."""

from __future__ import annotations

import json

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from assessments import services as assessment_services
from measures import services
from measures.models import Measure, MeasureTemplate
from measures.template_file import SHIPPED_FILE, load_templates
from measures.template_library import (
    active_templates,
    measure_template_save,
    measure_templates_load,
    templates_dump,
)


@pytest.fixture
def shipped():
    return load_templates(SHIPPED_FILE)


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user(
        username="staff", password="x", is_staff=True, is_superuser=True
    )


def test_template_table_holds_the_shipped_library_in_file_order(measure_templates, shipped):
    assert active_templates() == shipped
    assert list(MeasureTemplate.objects.values_list("code", flat=True)) == [s.code for s in shipped]
    assert list(MeasureTemplate.objects.values_list("order", flat=True)) == list(range(len(shipped)))


def test_template_load_of_an_unchanged_file_changes_nothing(measure_templates, shipped):
    entries = LogEntry.objects.count()
    result = measure_templates_load(specs=shipped)
    assert (result.created, result.updated, result.kept_edited) == ([], [], [])
    assert result.unchanged == [s.code for s in shipped]
    assert LogEntry.objects.count() == entries


def test_template_load_creates_and_updates_rows_nobody_edited(db, shipped):
    MeasureTemplate.objects.all().delete()
    first = measure_templates_load(specs=shipped[:3])
    assert first.created == [s.code for s in shipped[:3]]
    changed = [shipped[0].__class__(**{**shipped[0].__dict__, "title_th": "ชื่อใหม่จากไฟล์"}), *shipped[1:3]]
    second = measure_templates_load(specs=changed)
    assert (second.updated, second.unchanged) == ([shipped[0].code], [s.code for s in shipped[1:3]])
    assert MeasureTemplate.objects.get(code=shipped[0].code).title_th == "ชื่อใหม่จากไฟล์"


def test_template_load_keeps_admin_edits_unless_forced(measure_templates, shipped, staff):
    row = MeasureTemplate.objects.get(code=shipped[0].code)
    row.title_th = "มาตรการที่ผู้ดูแลแก้ไข"
    measure_template_save(template=row, user=staff)
    kept = measure_templates_load(specs=shipped)
    assert kept.kept_edited == [shipped[0].code]
    assert MeasureTemplate.objects.get(code=shipped[0].code).title_th == "มาตรการที่ผู้ดูแลแก้ไข"
    forced = measure_templates_load(specs=shipped, force=True)
    assert forced.updated == [shipped[0].code]
    assert MeasureTemplate.objects.get(code=shipped[0].code).title_th == shipped[0].title_th


def test_template_dump_loads_back_unchanged_and_equals_the_shipped_file(measure_templates, shipped, tmp_path):
    row = MeasureTemplate.objects.get(code=shipped[1].code)
    row.active = False
    row.save()
    out = tmp_path / "dump.json"
    call_command("dump_measure_templates", "--out", str(out))
    dumped = json.loads(out.read_text(encoding="utf-8"))
    assert dumped["templates"][1]["active"] is False
    original = json.loads(SHIPPED_FILE.read_text(encoding="utf-8"))
    dumped["templates"][1].pop("active")
    assert dumped == original
    dumped["templates"][1]["active"] = False
    out.write_text(json.dumps(dumped, ensure_ascii=False), encoding="utf-8")
    result = measure_templates_load(specs=load_templates(out))
    assert result.unchanged == [s.code for s in shipped]
    assert templates_dump(original["notes"])["templates"] == dumped["templates"]


def test_load_measure_templates_command_idempotent_and_bad_file_exits_2(measure_templates, tmp_path, capsys):
    call_command("load_measure_templates")
    out = capsys.readouterr().out
    assert "0 สร้างใหม่" in out and "0 ปรับปรุง" in out
    bad = tmp_path / "bad.json"
    data = json.loads(SHIPPED_FILE.read_text(encoding="utf-8"))
    data["templates"][0]["targets"]["concepts"] = ["no_such_concept"]
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    before = list(MeasureTemplate.objects.values_list("concepts", flat=True))
    with pytest.raises(CommandError) as exc:
        call_command("load_measure_templates", str(bad))
    assert exc.value.returncode == 2
    assert str(exc.value).startswith(f"{bad}: templates[0].targets.concepts[0]: ")
    assert list(MeasureTemplate.objects.values_list("concepts", flat=True)) == before


def test_template_save_refuses_non_staff_and_bad_rounds(measure_templates, officer, staff):
    row = MeasureTemplate.objects.order_by("order").first()
    with pytest.raises(PermissionDenied):
        measure_template_save(template=row, user=officer)
    row.rounds = [4]
    with pytest.raises(ValidationError) as exc:
        measure_template_save(template=row, user=staff)
    assert exc.value.messages[0].startswith("rounds[0]: ")


def test_template_save_is_audited(measure_templates, staff):
    row = MeasureTemplate.objects.order_by("order").first()
    row.outcome_th = "ผลลัพธ์ที่คาดหวังฉบับแก้ไข"
    measure_template_save(template=row, user=staff)
    entry = LogEntry.objects.get_for_object(row).order_by("-pk").first()
    assert (entry.action, entry.additional_data["label"]) == (LogEntry.Action.UPDATE, row.code)
    assert set(entry.changes_dict) == {"outcome_th"}


# --------------------------------------------------------------------------- admin


def admin_post(row: MeasureTemplate, **overrides) -> dict:
    data = {
        "code": row.code,
        "title_th": row.title_th,
        "active": "on" if row.active else "",
        "order": row.order,
        "tools_text": ", ".join(row.tools),
        "indicators_text": ", ".join(map(str, row.indicators)),
        "concepts_text": "\n".join(row.concepts),
        "guideline_th": row.guideline_th,
        "steps_text": "\n".join(row.steps_th),
        "unit_kinds_choice": list(row.unit_kinds),
        "rounds_choice": [str(r) for r in row.rounds],
        "outcome_th": row.outcome_th,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


def test_template_admin_edit_saves_with_the_file_rules(client, measure_templates, staff):
    row = MeasureTemplate.objects.get(code="no-gift-policy")
    client.force_login(staff)
    url = f"/admin/measures/measuretemplate/{row.pk}/change/"
    assert client.get(url).status_code == 200
    response = client.post(
        url, admin_post(row, title_th="  มาตรการงดรับของขวัญ (ฉบับผู้ดูแล)  ", rounds_choice=["12", "6"])
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.title_th, row.rounds) == ("มาตรการงดรับของขวัญ (ฉบับผู้ดูแล)", [6, 12])


def test_template_admin_refuses_unknown_concept_tool_and_indicator(client, measure_templates, staff):
    row = MeasureTemplate.objects.get(code="no-gift-policy")
    client.force_login(staff)
    url = f"/admin/measures/measuretemplate/{row.pk}/change/"
    response = client.post(
        url, admin_post(row, concepts_text="no_such_concept", tools_text="XIT", indicators_text="11")
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"concepts_text", "tools_text", "indicators_text"}
    assert errors["concepts_text"] == [
        "targets.concepts[0]: ไม่มีกรอบการประเมินที่ติดตั้งมากับระบบใดมีรหัสประเด็นที่วัด no_such_concept"
    ]
    row.refresh_from_db()
    assert row.concepts != ["no_such_concept"]


def test_template_admin_export_action_gives_the_file_format(client, measure_templates, staff, shipped):
    client.force_login(staff)
    ids = list(MeasureTemplate.objects.values_list("pk", flat=True))
    response = client.post(
        "/admin/measures/measuretemplate/", {"action": "export_templates", "_selected_action": ids}
    )
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data == json.loads(SHIPPED_FILE.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- the draft page reads the table


@pytest.fixture
def failed_o7(assessment, officer):
    item = assessment.framework.items.get(code="O7")
    assessment_services.disclosure_result_set(
        assessment=assessment, item=item, passed=False, urls=[], note="", user=officer
    )
    return item


def test_draft_page_proposes_an_edited_template(
    client, officer, assessment, failed_o7, measure_templates, staff
):
    row = MeasureTemplate.objects.get(code="social-media-open-data")
    row.title_th = "มาตรการเผยแพร่ข้อมูลผ่านสื่อสังคมออนไลน์ (แก้ไขโดยผู้ดูแล)"
    measure_template_save(template=row, user=staff)
    client.force_login(officer)
    response = client.get(f"/measures/work/draft/{assessment.pk}/")
    assert "มาตรการเผยแพร่ข้อมูลผ่านสื่อสังคมออนไลน์ (แก้ไขโดยผู้ดูแล)" in response.content.decode()
    client.post(f"/measures/work/draft/{assessment.pk}/", {"templates": ["social-media-open-data"]})
    assert Measure.objects.get(assessment=assessment).title == row.title_th


def test_draft_page_does_not_propose_an_inactive_template(
    client, officer, assessment, failed_o7, measure_templates
):
    MeasureTemplate.objects.filter(code="social-media-open-data").update(active=False)
    client.force_login(officer)
    response = client.get(f"/measures/work/draft/{assessment.pk}/")
    assert "social-media-open-data" not in {p.spec.code for p in response.context["proposals"]}
    response = client.post(
        f"/measures/work/draft/{assessment.pk}/", {"templates": ["social-media-open-data"]}
    )
    assert response.status_code == 400
    with pytest.raises(ValidationError):
        services.measures_from_templates(
            assessment=assessment, template_codes=["social-media-open-data"], user=officer
        )
    assert Measure.objects.count() == 0


def test_template_admin_adds_a_template_that_the_export_carries(client, measure_templates, staff):
    client.force_login(staff)
    data = {
        "code": "open-meeting-minutes",
        "title_th": "มาตรการเผยแพร่รายงานการประชุมสภาท้องถิ่น",
        "active": "on",
        "order": 999,
        "tools_text": "OIT",
        "indicators_text": "9",
        "concepts_text": "",
        "guideline_th": "เผยแพร่รายงานการประชุมภายใน 30 วันหลังรับรอง",
        "steps_text": "รับรองรายงานการประชุม\n\nเผยแพร่บนเว็บไซต์",
        "unit_kinds_choice": ["clerk_office"],
        "rounds_choice": ["6", "12"],
        "outcome_th": "ประชาชนเข้าถึงรายงานการประชุมได้ทุกฉบับ",
    }
    response = client.post("/admin/measures/measuretemplate/add/", data)
    assert response.status_code == 302
    row = MeasureTemplate.objects.get(code="open-meeting-minutes")
    assert (row.steps_th, row.rounds, row.indicators, row.file_digest) == (
        ["รับรองรายงานการประชุม", "เผยแพร่บนเว็บไซต์"],
        [6, 12],
        [9],
        "",
    )
    assert templates_dump()["templates"][-1]["code"] == "open-meeting-minutes"
    # a later load of the shipped file leaves the admin's own template alone
    assert "open-meeting-minutes" not in measure_templates_load(specs=load_templates(SHIPPED_FILE)).updated
    assert MeasureTemplate.objects.filter(code="open-meeting-minutes").exists()


def test_load_measure_templates_dry_run_writes_nothing(db, capsys):
    MeasureTemplate.objects.all().delete()
    call_command("load_measure_templates", "--dry-run")
    assert MeasureTemplate.objects.count() == 0
    assert "ไม่มีการบันทึกข้อมูล" in capsys.readouterr().out
