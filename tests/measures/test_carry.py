"""Carrying last year's measures forward: what is copied and what is not, targets through the item
mapping (or by concept keys when there is none), the unmapped listed, a measure carried once, roles
and other organizations, the page, and two carries at once on PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from assessments import services as assessment_services
from assessments.models import Assessment, Membership, Role
from measures import services
from measures.carry import carry_preview, measures_carry_forward
from measures.models import Measure, MeasureStatus

from ..conftest import make_member, raised, run_at_once


@pytest.fixture
def last_year(assessment, officer, org_a):
    """Two 2565 measures: one targeting O18 (merged into 2566 O11) and O20 (no 2566 successor) with a
    6-month report; one general measure for all units."""
    fw = assessment.framework
    units = list(org_a.units.order_by("order"))
    first = services.measure_create(
        assessment=assessment,
        title="มาตรการเผยแพร่แผนการใช้จ่ายงบประมาณ",
        guideline="ชี้แจงแผนแก่บุคลากร",
        steps=["จัดทำสรุปแผน", "ประชุมชี้แจง"],
        target_tools=[fw.tools.get(code="OIT")],
        target_indicators=[fw.indicators.get(number=9)],
        target_items=[fw.items.get(code="O18"), fw.items.get(code="O20")],
        units=units[:2],
        other_parties="คณะกรรมการติดตามแผน",
        responsible=officer,
        start_month=date(2021, 11, 1),
        end_month=date(2022, 3, 1),
        rounds=[6, 12],
        outcome="บุคลากรรับทราบแผนร้อยละ 90",
        template_code="budget-plan-explanation",
        user=officer,
    )
    services.measure_update(measure=first, status=MeasureStatus.IN_PROGRESS, user=officer)
    services.progress_report_save(
        round=first.monitoring_rounds.get(month=6),
        result="ชี้แจงแล้ว",
        outcome="",
        suggestion="",
        percent=50,
        user=officer,
    )
    second = services.measure_create(
        assessment=assessment, title="มาตรการทั่วไป", all_units=True, rounds=[12], user=officer
    )
    return [first, second]


@pytest.fixture
def this_year(org_a, officer, frameworks):
    return assessment_services.assessment_create(organization=org_a, fiscal_year=2566, user=officer)


def test_carry_copies_the_plan_without_progress(assessment, last_year, this_year, officer, org_a):
    existing = services.measure_create(assessment=this_year, title="มาตรการใหม่ของปี 2566", user=officer)
    result = measures_carry_forward(source=assessment, target=this_year, measure_ids=None, user=officer)
    assert [m.number for m in result.created] == [existing.number + 1, existing.number + 2]
    copy = result.created[0]
    source = last_year[0]
    assert (copy.title, copy.guideline, copy.steps, copy.outcome) == (
        source.title,
        source.guideline,
        ["จัดทำสรุปแผน", "ประชุมชี้แจง"],
        source.outcome,
    )
    assert (copy.other_parties, copy.responsible, copy.template_code) == (
        "คณะกรรมการติดตามแผน",
        officer,
        "budget-plan-explanation",
    )
    assert list(copy.units.order_by("order")) == list(org_a.units.order_by("order")[:2])
    assert (copy.start_month, copy.end_month) == (date(2022, 11, 1), date(2023, 3, 1))
    assert (copy.status, copy.carried_from, copy.assessment) == (MeasureStatus.PLANNED, source, this_year)
    assert list(copy.monitoring_rounds.values_list("month", "due_date")) == [
        (6, date(2023, 3, 31)),
        (12, date(2023, 9, 30)),
    ]
    assert copy.reports.count() == 0
    assert result.created[1].all_units is True
    assert result.by_concept is False


def test_carry_maps_targets_through_the_mapping_and_lists_the_unmapped(
    assessment, last_year, this_year, officer
):
    result = measures_carry_forward(
        source=assessment, target=this_year, measure_ids=[last_year[0].pk], user=officer
    )
    copy = result.created[0]
    assert [t.code for t in copy.target_tools.all()] == ["OIT"]
    assert [i.number for i in copy.target_indicators.all()] == [9]
    assert [i.code for i in copy.target_items.all()] == ["O11"]
    assert {i.framework_id for i in copy.target_items.all()} == {this_year.framework_id}
    assert [(u.measure, u.kind, u.code, u.reason) for u in result.unmapped] == [
        (last_year[0], "item", "O20", "ไม่มีรายการที่สืบทอดในกรอบการประเมินปี 2566")
    ]


def test_carry_without_mapping_file_maps_by_concept_and_says_so(
    assessment, last_year, officer, org_a, frameworks
):
    target = assessment_services.assessment_create(organization=org_a, fiscal_year=2567, user=officer)
    result = measures_carry_forward(source=assessment, target=target, measure_ids=None, user=officer)
    assert result.by_concept is True
    copy = result.created[0]
    assert (copy.start_month, copy.end_month) == (date(2023, 11, 1), date(2024, 3, 1))
    # 2565 O18 (annual budget plan) was merged into 2566 O11, which 2567 numbers O9
    assert [i.code for i in copy.target_items.all()] == ["O9"]
    assert [(u.code, u.reason) for u in result.unmapped] == [
        ("O20", "ไม่มีรายการใดในกรอบการประเมินปี 2567 ที่มีแนวคิดเดียวกัน")
    ]


def test_carry_from_2564_maps_through_its_mapping_and_lists_the_integrity_intent_item(
    assessment, officer, org_a, frameworks
):
    """2564 -> 2565 (ita-2564-2565.json): same codes, but 2564 O34 (เจตจำนงสุจริตของผู้บริหาร) has no
    2565 successor; 2565 O34 is the No Gift Policy item."""
    source = assessment_services.assessment_create(organization=org_a, fiscal_year=2564, user=officer)
    fw = source.framework
    measure = services.measure_create(
        assessment=source,
        title="มาตรการประกาศเจตจำนงสุจริตของผู้บริหาร",
        target_indicators=[fw.indicators.get(number=10)],
        target_items=[fw.items.get(code="O34"), fw.items.get(code="O36"), fw.items.get(code="i25")],
        rounds=[12],
        user=officer,
    )
    result = measures_carry_forward(source=source, target=assessment, measure_ids=None, user=officer)
    assert result.by_concept is False
    [copy] = result.created
    assert [i.number for i in copy.target_indicators.all()] == [10]
    assert sorted(i.code for i in copy.target_items.all()) == ["O36", "i25"]
    assert {i.framework_id for i in copy.target_items.all()} == {assessment.framework_id}
    assert [(u.measure, u.kind, u.code, u.reason) for u in result.unmapped] == [
        (measure, "item", "O34", "ไม่มีรายการที่สืบทอดในกรอบการประเมินปี 2565")
    ]


def test_carry_twice_is_refused_per_measure(assessment, last_year, this_year, officer):
    first = measures_carry_forward(
        source=assessment, target=this_year, measure_ids=[last_year[0].pk], user=officer
    )
    again = measures_carry_forward(source=assessment, target=this_year, measure_ids=None, user=officer)
    assert [m.carried_from for m in again.created] == [last_year[1]]
    assert again.skipped == [(last_year[0], f"ยกมาแล้วเป็นมาตรการที่ {first.created[0].number}")]
    assert Measure.objects.filter(assessment=this_year, carried_from=last_year[0]).count() == 1


def test_carry_drops_a_responsible_person_who_left_and_lists_it(
    assessment, last_year, this_year, officer, org_a
):
    person = make_member("leaver", org_a, Role.OFFICER)
    services.measure_update(measure=last_year[1], responsible=person, user=officer)
    Membership.objects.filter(user=person).delete()
    result = measures_carry_forward(
        source=assessment, target=this_year, measure_ids=[last_year[1].pk], user=officer
    )
    assert result.created[0].responsible is None
    assert [(u.kind, u.code) for u in result.unmapped] == [("responsible", "leaver")]


def test_carry_refused_for_executive_other_organization_and_later_year(
    assessment, last_year, this_year, executive, officer, assessment_b
):
    with pytest.raises(PermissionDenied):
        measures_carry_forward(source=assessment, target=this_year, measure_ids=None, user=executive)
    with pytest.raises(ValidationError):
        measures_carry_forward(source=assessment_b, target=this_year, measure_ids=None, user=officer)
    with pytest.raises(ValidationError):
        measures_carry_forward(source=this_year, target=assessment, measure_ids=None, user=officer)
    with pytest.raises(ValidationError):
        measures_carry_forward(source=assessment, target=this_year, measure_ids=[999999], user=officer)
    assert Measure.objects.filter(assessment=this_year).count() == 0


def test_carry_preview_marks_already_carried(assessment, last_year, this_year, officer):
    measures_carry_forward(source=assessment, target=this_year, measure_ids=[last_year[1].pk], user=officer)
    plan = carry_preview(source=assessment, target=this_year)
    assert [(p.measure, p.carried_as is not None) for p in plan.measures] == [
        (last_year[0], False),
        (last_year[1], True),
    ]
    assert [i.code for i in plan.measures[0].items] == ["O11"]
    assert Measure.objects.filter(assessment=this_year).count() == 1


# --------------------------------------------------------------------------- the page


def test_carry_page_previews_and_carries(client, officer, assessment, last_year, this_year):
    client.force_login(officer)
    url = f"/measures/{this_year.pk}/carry/"
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert [s.pk for s in response.context["sources"]] == [assessment.pk]
    assert page.count('name="measures"') == 2 and page.count("checked") == 2
    assert "O20" in page and "text-danger" in page
    assert "พ.ย. 65 – มี.ค. 66" in page  # the 2565 period (พ.ย. 64 – มี.ค. 65) one year on
    response = client.post(url, {"source": assessment.pk, "measures": [last_year[0].pk]})
    assert response.status_code == 200
    assert 'id="unmapped"' in response.content.decode()
    assert [m.carried_from_id for m in response.context["result"].created] == [last_year[0].pk]
    response = client.get(url)
    assert response.content.decode().count("disabled") == 1
    copy = Measure.objects.get(assessment=this_year, carried_from=last_year[0])
    detail = client.get(f"/measures/measure/{copy.pk}/").content.decode()
    assert f'href="/measures/measure/{last_year[0].pk}/" id="carried-from"' in detail


def test_carry_page_without_earlier_measures(client, officer, assessment, this_year):
    client.force_login(officer)
    response = client.get(f"/measures/{this_year.pk}/carry/")
    assert (response.status_code, 'id="no-source"' in response.content.decode()) == (200, True)


def test_carry_page_nothing_ticked_is_an_error(client, officer, assessment, last_year, this_year):
    client.force_login(officer)
    response = client.post(f"/measures/{this_year.pk}/carry/", {"source": assessment.pk})
    assert response.status_code == 400
    assert Measure.objects.filter(assessment=this_year).count() == 0


def test_carry_page_executive_403_outsider_404(
    client, executive, outsider, assessment, last_year, this_year, assessment_b
):
    url = f"/measures/{this_year.pk}/carry/"
    post = {"source": assessment.pk, "measures": [last_year[0].pk]}
    client.force_login(executive)
    assert (client.get(url).status_code, client.post(url, post).status_code) == (403, 403)
    client.force_login(outsider)
    assert (client.get(url).status_code, client.post(url, post).status_code) == (404, 404)
    assert Measure.objects.filter(assessment=this_year).count() == 0


def test_carry_page_source_of_another_organization_is_not_offered(
    client, officer, outsider, assessment, last_year, this_year, assessment_b
):
    services.measure_create(assessment=assessment_b, title="ของหน่วยงานอื่น", user=outsider)
    client.force_login(officer)
    response = client.post(
        f"/measures/{this_year.pk}/carry/", {"source": assessment_b.pk, "measures": [last_year[0].pk]}
    )
    # an unknown source falls back to the organization's own newest year
    assert [m.carried_from for m in response.context["result"].created] == [last_year[0]]


def test_measure_list_links_to_carry_forward(client, officer, executive, this_year):
    client.force_login(officer)
    page = client.get(f"/measures/{this_year.pk}/").content.decode()
    assert 'id="carry-forward"' in page and 'id="carry-forward-empty"' in page
    client.force_login(executive)
    assert 'id="carry-forward"' not in client.get(f"/measures/{this_year.pk}/").content.decode()


# --------------------------------------------------------------------------- PostgreSQL race


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and races need PostgreSQL")
def test_two_simultaneous_carries_give_one_copy_each(
    transactional_db, frameworks, measure_templates, org_a, officer
):
    source = assessment_services.assessment_create(organization=org_a, fiscal_year=2565, user=officer)
    target = assessment_services.assessment_create(organization=org_a, fiscal_year=2566, user=officer)
    for n in range(3):
        services.measure_create(assessment=source, title=f"มาตรการ {n}", rounds=[6], user=officer)

    def work(_n: int):
        return measures_carry_forward(
            source=Assessment.objects.get(pk=source.pk),
            target=Assessment.objects.get(pk=target.pk),
            measure_ids=None,
            user=get_user_model().objects.get(pk=officer.pk),
        )

    results = run_at_once(work, 2)
    assert raised(results) == []
    assert sorted((len(r.created), len(r.skipped)) for r in results) == [(0, 3), (3, 0)]
    copies = Measure.objects.filter(assessment=target)
    assert sorted(copies.values_list("number", flat=True)) == [1, 2, 3]
    assert copies.values("carried_from").distinct().count() == 3
