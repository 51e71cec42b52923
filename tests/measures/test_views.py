"""Measure pages: the years, the list in four layouts with filters, the form, detail, delete and
evidence downloads; roles (executives read, officers write) and other organizations (404)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from measures import services
from measures.models import Evidence, Measure, MeasureStatus

from ..conftest import PDF_BYTES


def _measure(assessment, user, title="ประชุมชี้แจงแผนงบประมาณ", **kwargs) -> Measure:
    return services.measure_create(assessment=assessment, title=title, user=user, **kwargs)


@pytest.fixture
def measure(assessment, officer, org_a):
    fw = assessment.framework
    return _measure(
        assessment,
        officer,
        steps=["จัดประชุม", "เผยแพร่สรุป"],
        target_tools=[fw.tools.get(code="OIT")] if fw.tools.filter(code="OIT").exists() else [],
        target_indicators=[fw.indicators.get(number=2)],
        target_items=[fw.items.get(code="O1")],
        units=[org_a.units.get(name="กองคลัง")],
        other_parties="คณะกรรมการจัดซื้อ",
        start_month=date(2021, 10, 1),
        end_month=date(2022, 3, 1),
        rounds=[6, 12],
    )


@pytest.fixture
def measure_b(assessment_b, outsider):
    """Organization B's measure with a report and a file: data to leak."""
    m = _measure(assessment_b, outsider, title="มาตรการของอีกหน่วยงาน", rounds=[6])
    services.progress_report_save(
        round=m.monitoring_rounds.get(month=6),
        result="ทำแล้ว",
        outcome="",
        suggestion="",
        percent=50,
        user=outsider,
    )
    return m


def _report(measure, user, month=6, result="ดำเนินการแล้ว"):
    return services.progress_report_save(
        round=measure.monitoring_rounds.get(month=month),
        result=result,
        outcome="",
        suggestion="",
        percent=40,
        user=user,
    )


def _form_data(assessment, org, **overrides):
    data = {
        "title": "เปิดช่องทางร้องเรียนออนไลน์",
        "guideline": "ใช้เว็บไซต์ของเทศบาล",
        "steps": "ออกแบบแบบฟอร์ม\n\nประชาสัมพันธ์\n",
        "target_items": [str(assessment.framework.items.get(code="O1").pk)],
        "units": [str(org.units.get(name="สำนักปลัด").pk)],
        "other_parties": "",
        "responsible": "",
        "start_month": "2021-11",
        "end_month": "2022-09",
        "rounds": ["6", "12"],
        "outcome": "มีผู้ใช้บริการ",
        "status": MeasureStatus.PLANNED,
    }
    data.update(overrides)
    return data


def _numbers(response) -> list[int]:
    return [row.measure.number for group in response.context["groups"] for row in group.rows]


# --------------------------------------------------------------------------- index and list


def test_index_lists_own_years_with_counts(client, officer, assessment, assessment_b, measure, measure_b):
    client.force_login(officer)
    response = client.get(reverse("measures:index"))
    assert response.status_code == 200
    rows = [(a.pk, a.measure_count) for a in response.context["assessments"]]
    assert rows == [(assessment.pk, 1)]
    assert reverse("measures:list", args=[assessment.pk]).encode() in response.content


def test_index_without_assessment_shows_empty_state(client, outsider):
    client.force_login(outsider)
    response = client.get(reverse("measures:index"))
    assert response.status_code == 200
    assert list(response.context["assessments"]) == []
    assert reverse("assessments:list").encode() in response.content


def test_list_officer_sees_measures_and_add_link(client, officer, measure, measure_b):
    client.force_login(officer)
    response = client.get(reverse("measures:list", args=[measure.assessment_id]))
    assert response.status_code == 200
    assert _numbers(response) == [1]
    content = response.content.decode()
    assert measure.title in content
    assert "มาตรการของอีกหน่วยงาน" not in content
    assert "กองคลัง, คณะกรรมการจัดซื้อ" in content
    assert reverse("measures:create", args=[measure.assessment_id]) in content


def test_list_executive_reads_without_add_link(client, executive, measure):
    client.force_login(executive)
    response = client.get(reverse("measures:list", args=[measure.assessment_id]))
    assert response.status_code == 200
    assert _numbers(response) == [1]
    assert reverse("measures:create", args=[measure.assessment_id]) not in response.content.decode()


def test_list_round_badges_reported_and_overdue(client, officer, measure):
    _report(measure, officer, month=6)
    client.force_login(officer)
    response = client.get(reverse("measures:list", args=[measure.assessment_id]))
    (row,) = response.context["groups"][0].rows
    # every 2565 round is past: 6 reported, 12 overdue
    assert [(b.month, b.reported, b.overdue) for b in row.rounds] == [(6, True, False), (12, False, True)]
    assert row.period == "ต.ค. ๖๔ – มี.ค. ๖๕"  # the organization writes Thai digits (the default)


def test_list_query_count_is_flat(client, officer, assessment, org_a, django_assert_max_num_queries):
    unit = org_a.units.first()
    item = assessment.framework.items.get(code="O1")
    first = _measure(assessment, officer, units=[unit], target_items=[item], rounds=[3, 6])
    _report(first, officer, month=6)
    client.force_login(officer)
    url = reverse("measures:list", args=[assessment.pk])
    counts = {}
    for view in ("number", "tool", "item", "unit"):
        with CaptureQueriesContext(connection) as one:
            assert client.get(url, {"view": view}).status_code == 200
        counts[view] = len(one)
    for n in range(19):
        m = _measure(
            assessment, officer, title=f"มาตรการ {n}", units=[unit], target_items=[item], rounds=[3, 6]
        )
        _report(m, officer, month=3)
    for view in ("number", "tool", "item", "unit"):
        with CaptureQueriesContext(connection) as many:
            response = client.get(url, {"view": view})
        assert len(_numbers(response)) == 20
        assert len(many) == counts[view]


def test_list_filters(client, officer, assessment, org_a):
    klang, chang = org_a.units.get(name="กองคลัง"), org_a.units.get(name="กองช่าง")
    m1 = _measure(assessment, officer, title="หนึ่ง", units=[klang], rounds=[6])
    m2 = _measure(assessment, officer, title="สอง", units=[chang], rounds=[12], status=MeasureStatus.DONE)
    _measure(assessment, officer, title="สาม", all_units=True, rounds=[3, 6])
    _report(m1, officer, month=6)
    _report(m2, officer, month=12)
    client.force_login(officer)
    url = reverse("measures:list", args=[assessment.pk])
    assert _numbers(client.get(url, {"unit": klang.pk})) == [1, 3]
    assert _numbers(client.get(url, {"status": "done"})) == [2]
    assert _numbers(client.get(url, {"round": "6"})) == [1, 3]
    assert _numbers(client.get(url, {"overdue": "1"})) == [3]
    assert _numbers(client.get(url, {"unit": klang.pk, "round": "12"})) == []
    assert _numbers(client.get(url, {"status": "bogus", "unit": "x"})) == [1, 2, 3]
    response = client.get(url, {"view": "unit", "status": "done"})
    assert _numbers(response) == [2]
    assert 'href="?view=item&amp;status=done"' in response.content.decode()


def test_list_layouts_group_measures(client, officer, assessment, org_a):
    fw = assessment.framework
    o1, ind2 = fw.items.get(code="O1"), fw.indicators.get(number=2)
    klang = org_a.units.get(name="กองคลัง")
    _measure(assessment, officer, title="หนึ่ง", target_items=[o1], units=[klang])
    _measure(assessment, officer, title="สอง", target_indicators=[ind2], all_units=True)
    _measure(assessment, officer, title="สาม", other_parties="คณะกรรมการ")
    client.force_login(officer)
    url = reverse("measures:list", args=[assessment.pk])

    def groups(view):
        response = client.get(url, {"view": view})
        assert response.status_code == 200
        return [(g.title, g.level, [r.measure.number for r in g.rows]) for g in response.context["groups"]]

    by_item = groups("item")
    assert by_item[0] == (f"O1 {o1.name_th}", 1, [1])
    assert by_item[1][2] == [2, 3]
    by_unit = groups("unit")
    assert [g[2] for g in by_unit] == [[2], [1], [3]]
    assert by_unit[1][0] == "กองคลัง"
    by_tool = groups("tool")
    o1_ind = o1.indicator
    assert (str(o1_ind), 2, [1]) in by_tool
    assert (str(ind2), 2, [2]) in by_tool
    assert by_tool[-1][2] == [3]
    assert groups("number") == [("", 1, [1, 2, 3])]
    assert groups("nonsense") == [("", 1, [1, 2, 3])]


# --------------------------------------------------------------------------- outsiders and roles


@pytest.mark.parametrize(
    "name, kind",
    [
        ("measures:list", "assessment"),
        ("measures:create", "assessment"),
        ("measures:detail", "measure"),
        ("measures:edit", "measure"),
        ("measures:delete", "measure"),
    ],
)
def test_pages_answer_404_to_outsider(client, outsider, measure, measure_b, name, kind):
    client.force_login(outsider)
    pk = measure.assessment_id if kind == "assessment" else measure.pk
    assert client.get(reverse(name, args=[pk])).status_code == 404
    if name not in ("measures:list", "measures:detail"):
        assert client.post(reverse(name, args=[pk]), {"title": "x"}).status_code == 404
    assert Measure.objects.filter(pk=measure.pk, title=measure.title).exists()


@pytest.mark.parametrize(
    "name, kind",
    [("measures:create", "assessment"), ("measures:edit", "measure"), ("measures:delete", "measure")],
)
def test_writes_answer_403_to_executive(client, executive, measure, org_a, name, kind):
    client.force_login(executive)
    pk = measure.assessment_id if kind == "assessment" else measure.pk
    data = _form_data(measure.assessment, org_a)
    assert client.get(reverse(name, args=[pk])).status_code == 403
    assert client.post(reverse(name, args=[pk]), data).status_code == 403
    assert list(Measure.objects.values_list("title", flat=True)) == [measure.title]


def test_executive_reads_detail_without_edit_buttons(client, executive, measure):
    client.force_login(executive)
    response = client.get(reverse("measures:detail", args=[measure.pk]))
    assert response.status_code == 200
    assert reverse("measures:edit", args=[measure.pk]) not in response.content.decode()


# --------------------------------------------------------------------------- create, edit, delete


def test_create_saves_through_service(client, officer, assessment, org_a):
    client.force_login(officer)
    response = client.get(reverse("measures:create", args=[assessment.pk]))
    assert response.status_code == 200
    assert b'type="month"' in response.content
    response = client.post(reverse("measures:create", args=[assessment.pk]), _form_data(assessment, org_a))
    measure = Measure.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("measures:detail", args=[measure.pk])
    assert measure.number == 1
    assert measure.steps == ["ออกแบบแบบฟอร์ม", "ประชาสัมพันธ์"]
    assert measure.start_month == date(2021, 11, 1)
    assert measure.end_month == date(2022, 9, 1)
    assert measure.rounds == [6, 12]
    assert list(measure.monitoring_rounds.values_list("month", flat=True)) == [6, 12]
    assert [u.name for u in measure.units.all()] == ["สำนักปลัด"]
    assert [i.code for i in measure.target_items.all()] == ["O1"]
    assert measure.created_by == officer


def test_create_invalid_keeps_input(client, officer, assessment, org_a):
    client.force_login(officer)
    data = _form_data(assessment, org_a, title="", other_parties="คณะทำงานพิเศษ")
    response = client.post(reverse("measures:create", args=[assessment.pk]), data)
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["title"]
    assert "คณะทำงานพิเศษ" in response.content.decode()
    assert 'value="2021-11"' in response.content.decode()
    assert Measure.objects.count() == 0


def test_create_service_error_beside_field(client, officer, assessment, org_a):
    client.force_login(officer)
    data = _form_data(assessment, org_a, start_month="2023-01", end_month="2023-02")
    response = client.post(reverse("measures:create", args=[assessment.pk]), data)
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["start_month"]
    assert Measure.objects.count() == 0


def test_create_all_units_and_units_refused(client, officer, assessment, org_a):
    client.force_login(officer)
    data = _form_data(assessment, org_a, all_units="on")
    response = client.post(reverse("measures:create", args=[assessment.pk]), data)
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["units"]


def test_edit_changes_measure(client, officer, measure, org_a):
    client.force_login(officer)
    url = reverse("measures:edit", args=[measure.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["form"].initial["steps"] == "จัดประชุม\nเผยแพร่สรุป"
    data = _form_data(measure.assessment, org_a, title="ชื่อใหม่", rounds=["3", "6", "12"], status="in_progress")
    response = client.post(url, data)
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.title == "ชื่อใหม่"
    assert measure.status == MeasureStatus.IN_PROGRESS
    assert measure.rounds == [3, 6, 12]
    assert [u.name for u in measure.units.all()] == ["สำนักปลัด"]
    assert measure.other_parties == ""


def test_edit_cannot_remove_reported_round(client, officer, measure, org_a):
    _report(measure, officer, month=6)
    client.force_login(officer)
    data = _form_data(measure.assessment, org_a, rounds=["12"])
    response = client.post(reverse("measures:edit", args=[measure.pk]), data)
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["rounds"]
    measure.refresh_from_db()
    assert measure.rounds == [6, 12]


def test_delete_confirms_then_deletes(client, officer, measure):
    client.force_login(officer)
    url = reverse("measures:delete", args=[measure.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["confirm_delete"] is True
    assert Measure.objects.filter(pk=measure.pk).exists()
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("measures:list", args=[measure.assessment_id])
    assert not Measure.objects.filter(pk=measure.pk).exists()


# --------------------------------------------------------------------------- detail and evidence


def test_detail_shows_rounds_versions_and_evidence(client, officer, measure, media):
    first = _report(measure, officer, result="รายงานครั้งแรก")
    services.evidence_add_url(report=first, url="https://a.example/plan", user=officer)
    current = _report(measure, officer, result="รายงานฉบับแก้ไข")
    client.force_login(officer)
    response = client.get(reverse("measures:detail", args=[measure.pk]))
    assert response.status_code == 200
    six, twelve = response.context["rounds"]
    assert six.current.pk == current.pk
    assert [r.version for r in six.earlier] == [1]
    assert twelve.current is None and twelve.overdue is True
    content = response.content.decode()
    assert "รายงานฉบับแก้ไข" in content
    assert "รายงานครั้งแรก" in content
    assert 'href="https://a.example/plan"' in content
    assert "จัดประชุม" in content
    assert reverse("measures:edit", args=[measure.pk]) in content


def test_evidence_download_by_member(client, executive, officer, measure, media):
    report = _report(measure, officer)
    upload = SimpleUploadedFile("แผนงาน 2565.pdf", PDF_BYTES, content_type="application/octet-stream")
    evidence = services.evidence_add_file(report=report, upload=upload, user=officer)
    client.force_login(executive)
    response = client.get(reverse("measures:evidence", args=[evidence.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E0%B9%81%E0%B8%9C%E0%B8%99%E0%B8%87%E0%B8%B2%E0%B8%99%202565.pdf"
    )


def test_evidence_download_404_for_outsider_and_links(client, officer, outsider, measure, measure_b, media):
    report = _report(measure, officer)
    upload = SimpleUploadedFile("plan.pdf", PDF_BYTES)
    evidence = services.evidence_add_file(report=report, upload=upload, user=officer)
    link = services.evidence_add_url(report=report, url="https://a.example/x", user=officer)
    client.force_login(outsider)
    assert client.get(reverse("measures:evidence", args=[evidence.pk])).status_code == 404
    client.force_login(officer)
    assert client.get(reverse("measures:evidence", args=[link.pk])).status_code == 404
    assert Evidence.objects.count() == 2


@pytest.mark.parametrize(
    ("thai_digits", "shown"), [(True, "ต.ค. ๖๔ – มี.ค. ๖๕"), (False, "ต.ค. 64 – มี.ค. 65")]
)
def test_list_writes_periods_in_the_organizations_digits(client, officer, measure, org_a, thai_digits, shown):
    org_a.thai_digits = thai_digits
    org_a.save()
    client.force_login(officer)
    for view in ("number", "tool", "item", "unit"):
        response = client.get(reverse("measures:list", args=[measure.assessment_id]), {"view": view})
        assert '<td class="text-nowrap" data-label="' in response.content.decode()
        assert response.content.decode().count(shown) >= 1
    detail = client.get(reverse("measures:detail", args=[measure.pk]))
    assert detail.context["period"] == shown


def test_list_round_badges_open_the_inline_panel_from_the_round_url(client, officer, measure):
    client.force_login(officer)
    html = client.get(reverse("measures:list", args=[measure.assessment_id])).content.decode()
    round6 = measure.monitoring_rounds.get(month=6)
    assert f'href="/measures/work/round/{round6.pk}/" hx-get="/measures/work/round/{round6.pk}/"' in html
    assert 'hx-target="next .measure-panel"' in html
    assert html.count('<tr class="measure-panel" hidden></tr>') == 1
