"""The dashboard of an organization's year: numbers equal a fresh scoring computation, the
organization's thresholds decide strengths and weaknesses, members (any role) and site staff see it,
other organizations 404; empty states; Excel of its tables; a flat number of queries."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from assessments import org_services, scoring
from assessments.models import Role
from assessments.selectors import assessment_result
from measures import services as measure_services
from memos import services as memo_services
from memos.attachments import ReportSpec
from reports import dashboard, documents
from tests.conftest import make_member


def url(a) -> str:
    return reverse("reports:dashboard", args=[a.pk])


def xlsx_url(a) -> str:
    return reverse("reports:dashboard-xlsx", args=[a.pk])


@pytest.fixture
def head(org_a):
    return make_member("head", org_a, Role.EXECUTIVE, "หัวหน้าสำนักปลัด")


@pytest.fixture
def memos(planned, org_a, org_admin, officer, head, executive):
    """Three memos of 2565: one pending at the head's step (subject looks like a formula), one draft,
    one cancelled (not waiting)."""
    chain = memo_services.chain_save(
        organization=org_a,
        name="สายงาน",
        steps=[("หัวหน้าสำนักปลัด", head), ("ปลัดเทศบาล", executive)],
        user=org_admin,
    )
    unit = org_a.units.get(name="สำนักปลัด")
    spec = ReportSpec("analysis", org_a.pk, 2565)

    def create():
        return memo_services.memo_create(
            organization=org_a, unit=unit, fiscal_year=2565, chain=chain, attachments=[spec], user=officer
        )

    pending = create()
    memo_services.memo_update(memo=pending, subject='=HYPERLINK("x","รายงาน")', user=officer)
    pending = memo_services.memo_submit(memo=pending, user=officer)
    draft = create()
    cancelled = create()
    memo_services.memo_cancel(memo=cancelled, user=officer)
    return pending, draft, cancelled


# --------------------------------------------------------------------------- content


def test_dashboard_numbers_equal_a_fresh_scoring_computation(client, executive, planned):
    client.force_login(executive)
    response = client.get(url(planned))
    assert response.status_code == 200
    fresh = assessment_result(planned)
    a = response.context["a"]
    assert a.data.total == scoring.round2(fresh.total) == Decimal("87.86")
    assert a.data.band == fresh.band == "A"
    assert [(t.code, t.weighted) for t in a.data.tools] == [
        (code, scoring.round2(fresh.tools[code].weighted)) for code in ("IIT", "EIT", "OIT")
    ]
    assert [(i.number, i.score) for i in a.data.indicators] == [
        (n, scoring.round2(fresh.indicators[n].score)) for n in range(1, 11)
    ]
    body = response.content.decode()
    assert '<div class="dash-total" id="dash-total">87.86</div>' in body
    assert "ระดับ A" in body
    data = response.context["chart_data"]
    assert [t["weighted"] for t in data["tools"]] == [float(t.weighted) for t in a.data.tools]
    assert [t["max"] for t in data["tools"]] == [30.0, 30.0, 40.0]
    assert [i["score"] for i in data["indicators"]] == [float(i.score) for i in a.data.indicators]
    # every chart has its canvas and a table with the same numbers
    for canvas, table in (
        ("tools-chart", "tools-table"),
        ("indicators-chart", "indicators-table"),
        ("trend-chart", "trend-table"),
    ):
        assert f'id="{canvas}"' in body and f'id="{table}"' in body
    assert 'id="dashboard-data"' in body


def test_dashboard_compares_with_every_earlier_year(client, officer, planned):
    client.force_login(officer)
    response = client.get(url(planned))
    a = response.context["a"]
    assert a.years == (2564, 2565)
    total = a.comparison[-1]
    assert (total.scores, total.change) == ((Decimal("80.00"), Decimal("87.86")), Decimal("7.86"))
    data = response.context["chart_data"]
    assert data["years"] == [2564, 2565]
    assert data["trend"][-1] == {"label": "คะแนนรวม", "total": True, "scores": [80.0, 87.86]}
    assert data["trend"][0]["scores"] == [80.0, 88.81]
    body = response.content.decode()
    assert 'id="trend-empty"' not in body
    earlier = planned.organization.assessments.get(fiscal_year=2564)
    assert response.context["d"].years == [(planned.pk, 2565), (earlier.pk, 2564)]
    assert f'href="{url(earlier)}">2564</a>' in body


def test_failed_o_items_are_grouped_by_sub_indicator_with_links_to_their_entry(client, officer, planned):
    client.force_login(officer)
    response = client.get(url(planned))
    groups = response.context["d"].failed_groups
    sub16 = planned.framework.items.get(code="O16").sub_indicator
    sub40 = planned.framework.items.get(code="O40").sub_indicator
    assert [(g.code, [f.code for f in g.items]) for g in groups] == [
        (sub16.code, ["O16"]),
        (sub40.code, ["O40"]),
    ]
    body = response.content.decode()
    detail = reverse("assessments:detail", args=[planned.pk])
    assert f'href="{detail}#oit-O16"' in body and f'href="{detail}#oit-O40"' in body


def test_measures_by_status_and_round_link_to_the_filtered_list(client, officer, planned):
    client.force_login(officer)
    response = client.get(url(planned))
    d = response.context["d"]
    assert d.measure_count == 2
    assert [(s.status, s.count) for s in d.measures_by_status] == [
        ("planned", 2),
        ("in_progress", 0),
        ("done", 0),
        ("cancelled", 0),
    ]
    # 2565's rounds are long past due: the 6-month round has one report, the other is overdue
    assert [(r.month, r.measures, r.reported, r.overdue) for r in d.measures_by_round] == [
        (6, 2, 1, 1),
        (12, 2, 0, 2),
    ]
    body = response.content.decode()
    listing = reverse("measures:list", args=[planned.pk])
    assert f'href="{listing}?status=planned"' in body
    assert f'href="{listing}?round=6"' in body
    assert f'href="{listing}?round=12&amp;overdue=1"' in body


def test_each_count_equals_the_rows_of_the_list_it_links_to(client, officer, planned):
    first = planned.measures.order_by("number").first()
    measure_services.progress_report_save(
        round=first.monitoring_rounds.get(month=12),
        result="เสร็จ",
        outcome="",
        suggestion="",
        percent=100,
        user=officer,
    )
    client.force_login(officer)
    d = client.get(url(planned)).context["d"]
    listing = reverse("measures:list", args=[planned.pk])

    def rows(**params) -> int:
        groups = client.get(listing, params).context["groups"]
        return len({row.measure.pk for group in groups for row in group.rows})

    for s in d.measures_by_status:
        assert rows(status=s.status) == s.count
    for r in d.measures_by_round:
        assert (rows(round=r.month), rows(round=r.month, overdue=1)) == (r.measures, r.overdue)
    assert [(r.month, r.overdue) for r in d.measures_by_round] == [(6, 1), (12, 1)]


def test_memos_waiting_show_the_users_inbox_and_those_in_progress(client, head, officer, memos):
    pending, draft, cancelled = memos
    client.force_login(head)
    d = client.get(url(planned_of(pending))).context["d"]
    assert [m.pk for m in d.inbox] == [pending.pk]
    assert {m.pk for m in d.in_progress} == {pending.pk, draft.pk}
    client.force_login(officer)
    response = client.get(url(planned_of(pending)))
    assert response.context["d"].inbox == []
    assert reverse("memos:detail", args=[draft.pk]) in response.content.decode()
    assert reverse("memos:detail", args=[cancelled.pk]) not in response.content.decode()


def planned_of(memo):
    from assessments.models import Assessment

    return Assessment.objects.get(organization=memo.organization_id, fiscal_year=memo.fiscal_year)


# --------------------------------------------------------------------------- thresholds


def test_the_organizations_thresholds_decide_strengths_and_weaknesses(client, org_admin, org_a, planned):
    client.force_login(org_admin)
    default = client.get(url(planned)).context["a"]
    assert [i.number for i in default.strengths] == [9, 10, 1]
    assert [i.number for i in default.weaknesses] == [2, 7, 4, 8]  # below 80
    org_services.organization_update(
        organization=org_a,
        analysis_strength_min=Decimal("82"),
        analysis_urgent_below=Decimal("76"),
        analysis_urgent_count=1,
        user=org_admin,
    )
    changed = client.get(url(planned)).context["a"]
    assert [i.number for i in changed.strengths] == [9, 10, 1, 6, 3]
    assert [i.number for i in changed.weaknesses] == [2, 7]  # below 76
    org_services.organization_update(organization=org_a, analysis_urgent_below=Decimal("70"), user=org_admin)
    assert [i.number for i in client.get(url(planned)).context["a"].weaknesses] == [2]  # the one lowest
    # the analysis report and the facts a memo drafts from use the same thresholds
    facts = documents.report_facts(ReportSpec("analysis", org_a.pk, 2565))
    assert len(facts["strengths"]) == 5 and len(facts["weaknesses"]) == 1
    report = client.get(reverse("reports:analysis", args=[planned.pk])).context["fragment"]
    assert "82.00" in report


# --------------------------------------------------------------------------- access


@pytest.mark.parametrize("role", ["officer", "executive", "org_admin"])
def test_every_member_sees_the_dashboard(client, request, planned, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(url(planned)).status_code == 200
    assert client.get(xlsx_url(planned)).status_code == 200


def test_another_organization_answers_404(client, outsider, planned, assessment_b):
    client.force_login(outsider)
    assert client.get(url(planned)).status_code == 404
    assert client.get(xlsx_url(planned)).status_code == 404
    assert client.get(url(assessment_b)).status_code == 200


def test_site_staff_see_any_dashboard_without_member_links(client, planned):
    staff = get_user_model().objects.create_user("staff", password="x", is_staff=True)
    client.force_login(staff)
    response = client.get(url(planned))
    assert response.status_code == 200
    assert response.context["a"].data.total == Decimal("87.86")
    assert reverse("measures:list", args=[planned.pk]) + "?status" not in response.content.decode()


def test_dashboard_needs_login(client, planned):
    response = client.get(url(planned))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_writes_are_not_allowed_on_the_dashboard(client, officer, planned):
    client.force_login(officer)
    assert client.post(url(planned)).status_code == 405


# --------------------------------------------------------------------------- empty states


def test_empty_states_without_earlier_year_measures_or_memos(client, officer, assessment):
    client.force_login(officer)
    response = client.get(url(assessment))
    body = response.content.decode()
    d = response.context["d"]
    assert (d.has_history, d.measure_count, d.failed_groups, d.inbox, d.in_progress) == (False, 0, (), [], [])
    assert 'id="trend-empty"' in body and 'id="trend-chart"' not in body
    assert "ยังไม่มีมาตรการ" in body
    assert reverse("progress:draft", args=[assessment.pk]) in body
    assert '<div class="dash-total text-muted" id="dash-total">–</div>' in body  # incomplete: no total


def test_top_bar_dashboard_opens_the_latest_year(client, officer, planned):
    client.force_login(officer)
    response = client.get(reverse("reports:dashboard-latest"))
    assert response["Location"] == url(planned)
    page = client.get(reverse("assessments:detail", args=[planned.pk])).content.decode()
    assert f'href="{url(planned)}"' in page
    assert f'href="{url(planned)}"' in client.get(reverse("assessments:list")).content.decode()


def test_top_bar_dashboard_without_an_assessment_goes_to_the_list(client, officer):
    client.force_login(officer)
    assert client.get(reverse("reports:dashboard-latest"))["Location"] == reverse("assessments:list")


# --------------------------------------------------------------------------- Excel


def test_excel_has_one_sheet_per_table_with_safe_cells(client, head, memos):
    pending = memos[0]
    client.force_login(head)
    response = client.get(xlsx_url(planned_of(pending)))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == [
        "ผลการประเมิน",
        "ตัวชี้วัด",
        "เปรียบเทียบรายปี",
        "ข้อ OIT ที่ไม่ผ่าน",
        "มาตรการตามสถานะ",
        "มาตรการตามรอบ",
        "บันทึกที่รอดำเนินการ",
    ]
    result = wb["ผลการประเมิน"]
    assert [c.value for c in result[5]] == ["คะแนนรวม", "A", None, None, 87.86]
    comparison = wb["เปรียบเทียบรายปี"]
    assert [c.value for c in comparison[12]] == ["คะแนนรวม", None, 80, 87.86, 7.86]
    failed = wb["ข้อ OIT ที่ไม่ผ่าน"]
    assert [row[2].value for row in failed.iter_rows(min_row=2)] == ["O16", "O40"]
    rounds = wb["มาตรการตามรอบ"]
    assert [[c.value for c in row] for row in rounds.iter_rows(min_row=2)] == [
        ["รอบ 6 เดือน", 2, 1, 1],
        ["รอบ 12 เดือน", 2, 0, 2],
    ]
    memo_sheet = wb["บันทึกที่รอดำเนินการ"]
    subject = memo_sheet.cell(row=2, column=2)
    assert subject.value == '=HYPERLINK("x","รายงาน")' and subject.data_type == "s"
    assert memo_sheet.cell(row=2, column=4).value == "ใช่"
    assert memo_sheet.max_row == 3  # the pending memo, then the draft; the cancelled one is not waiting


# --------------------------------------------------------------------------- queries


def _queries(client, a) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url(a)).status_code == 200
    return len(ctx.captured_queries)


def test_query_count_stays_flat_as_measures_and_memos_grow(
    client, django_assert_max_num_queries, head, officer, memos
):
    a = planned_of(memos[0])
    client.force_login(head)
    client.get(url(a))  # framework structure kept per process
    few = _queries(client, a)
    for n in range(12):
        m = measure_services.measure_create(
            assessment=a, title=f"มาตรการ {n}", rounds=[3, 6, 9, 12], user=officer
        )
        measure_services.progress_report_save(
            round=m.monitoring_rounds.get(month=3),
            result="ทำแล้ว",
            outcome="",
            suggestion="",
            percent=10,
            user=officer,
        )
    unit = a.organization.units.get(name="สำนักปลัด")
    for _ in range(5):
        memo_services.memo_create(
            organization=a.organization,
            unit=unit,
            fiscal_year=2565,
            chain=memos[0].chain,
            attachments=[ReportSpec("analysis", a.organization_id, 2565)],
            user=officer,
        )
    assert _queries(client, a) == few
    with django_assert_max_num_queries(25):
        client.get(url(a))


def test_dashboard_selector_reads_in_a_fixed_number_of_queries(
    django_assert_max_num_queries, officer, planned
):
    from django.utils import timezone

    a = dashboard.dashboard_assessment(officer, planned.pk)
    with django_assert_max_num_queries(12):
        dashboard.dashboard_for(officer, a, timezone.localdate())


def test_a_pass_mark_year_shows_pass_or_not_pass_instead_of_a_band(client, officer, org_a, frameworks):
    from assessments import services

    a = services.assessment_create(organization=org_a, fiscal_year=2566, user=officer)
    numbers = list(a.framework.indicators.values_list("number", flat=True))
    services.indicator_scores_set(assessment=a, scores={n: Decimal("90") for n in numbers}, user=officer)
    client.force_login(officer)
    response = client.get(url(a))
    body = response.content.decode()
    fresh = assessment_result(a)  # the year's framework as loaded (its revision may differ by run)
    assert response.context["d"].letter_bands is False
    assert fresh.passed is True and fresh.band == "ผ่าน"
    assert f'<div class="dash-total" id="dash-total">{scoring.round2(fresh.total):.2f}</div>' in body
    assert 'id="dash-band">ผ่าน</div>' in body
    assert "ระดับ" not in body.split('id="dash-band"')[1].split("</div>")[0]
