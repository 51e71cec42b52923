"""Report pages and downloads: members read (officers and executives), other organizations 404, only
writers edit the analysis text (executives 403); the text saves one section at a time."""

from __future__ import annotations

import io

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from measures import services as measure_services
from reports.models import AnalysisNarrative


@pytest.fixture
def measure_b(assessment_b, outsider):
    """Organization B has a plan too: data there to leak."""
    return measure_services.measure_create(
        assessment=assessment_b, title="มาตรการลับของ อบต. อื่น", rounds=[6], user=outsider
    )


def urls(a) -> dict[str, str]:
    return {
        "analysis": reverse("reports:analysis", args=[a.pk]),
        "analysis-pdf": reverse("reports:analysis-pdf", args=[a.pk]),
        "analysis-xlsx": reverse("reports:analysis-xlsx", args=[a.pk]),
        "measures": reverse("reports:measures", args=[a.pk]),
        "measures-pdf": reverse("reports:measures-pdf", args=[a.pk]),
        "progress": reverse("reports:progress", args=[a.pk, 6]),
        "progress-pdf": reverse("reports:progress-pdf", args=[a.pk, 6]),
    }


@pytest.mark.parametrize("name", ["analysis", "measures", "progress"])
def test_report_pages_show_the_report_to_an_executive(client, executive, planned, name):
    client.force_login(executive)
    response = client.get(urls(planned)[name])
    assert response.status_code == 200
    body = response.content.decode()
    assert response.context["title"] in body
    assert urls(planned)[f"{name}-pdf"] in body
    assert reverse("reports:narrative", args=[planned.pk]) not in body  # executives do not edit


@pytest.mark.parametrize("name", ["analysis-pdf", "measures-pdf", "progress-pdf"])
def test_pdf_downloads_are_pdfs_named_after_the_report(client, officer, planned, name):
    client.force_login(officer)
    response = client.get(urls(planned)[name])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert response["Content-Disposition"].startswith("inline; filename*=utf-8''")


@pytest.mark.parametrize(
    "name",
    ["analysis", "analysis-pdf", "analysis-xlsx", "measures", "measures-pdf", "progress", "progress-pdf"],
)
def test_other_organizations_reports_answer_404(client, outsider, planned, measure_b, name):
    client.force_login(outsider)
    assert client.get(urls(planned)[name]).status_code == 404


def test_anonymous_users_are_sent_to_login(client, planned):
    response = client.get(urls(planned)["analysis"])
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_unknown_round_answers_404_and_a_year_without_plan_an_empty_state(client, officer, full_assessment):
    client.force_login(officer)
    assert client.get(f"/reports/{full_assessment.pk}/progress/5/").status_code == 404
    response = client.get(urls(full_assessment)["measures"])
    assert response.status_code == 200  # an empty state, with the way to the measures
    assert reverse("measures:list", args=[full_assessment.pk]) in response.content.decode()
    assert "ปีงบประมาณ 2565 ยังไม่มีมาตรการ" in response.content.decode()
    assert client.get(urls(full_assessment)["measures-pdf"]).status_code == 404


def test_measures_page_takes_the_layout(client, officer, planned):
    client.force_login(officer)
    response = client.get(urls(planned)["measures"] + "?layout=by-unit")
    assert response.context["spec"].layout_key == "unit"
    assert 'value="unit" selected' in response.content.decode()


def test_analysis_excel_has_the_ranked_indicators_and_no_formulas(client, officer, full_assessment):
    client.force_login(officer)
    response = client.get(urls(full_assessment)["analysis-xlsx"])
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb.worksheets[0]
    assert [c.value for c in ws[2]][:5] == [1, 9, "การเปิดเผยข้อมูล", "OIT", 100.0]
    assert ws.cell(row=4, column=6).value == "จุดแข็ง"
    assert [c.value for c in wb.worksheets[1][5]][:5] == ["คะแนนรวม", "A", None, None, 87.86]
    assert all(cell.data_type != "f" for sheet in wb.worksheets for row in sheet.iter_rows() for cell in row)


def test_links_from_the_assessment_and_the_measures_list(client, officer, planned):
    client.force_login(officer)
    assert (
        urls(planned)["analysis"]
        in client.get(reverse("assessments:detail", args=[planned.pk])).content.decode()
    )
    assert (
        urls(planned)["measures"] in client.get(reverse("measures:list", args=[planned.pk])).content.decode()
    )


# --------------------------------------------------------------------------- the analysis text


def narrative_url(a) -> str:
    return reverse("reports:narrative", args=[a.pk])


def test_narrative_page_shows_the_drafts(client, officer, full_assessment):
    client.force_login(officer)
    response = client.get(narrative_url(full_assessment))
    assert response.status_code == 200
    assert response.context["form"].initial["weaknesses"].startswith("ประเด็นที่ต้องแก้ไขโดยเร่งด่วน")
    assert 'hx-params="practice"' in response.content.decode()


def test_autosave_keeps_only_the_section_it_carries(client, officer, full_assessment):
    client.force_login(officer)
    response = client.post(
        narrative_url(full_assessment), {"strengths": "จุดแข็งที่เขียนใหม่\r\n"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "บันทึกแล้ว" in response.content.decode()
    client.post(narrative_url(full_assessment), {"practice": "แนวทางใหม่"}, HTTP_HX_REQUEST="true")
    narrative = AnalysisNarrative.objects.get(assessment=full_assessment)
    assert narrative.edited() == {"strengths": "จุดแข็งที่เขียนใหม่", "practice": "แนวทางใหม่"}
    assert narrative.updated_by == officer
    page = client.get(urls(full_assessment)["analysis"]).content.decode()
    assert "จุดแข็งที่เขียนใหม่" in page and "แนวทางใหม่" in page


def test_a_too_long_section_is_refused_and_the_others_saved(client, officer, full_assessment):
    client.force_login(officer)
    response = client.post(
        narrative_url(full_assessment), {"overview": "ก" * 10_001, "strengths": "สั้น"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert 'data-invalid="true"' in body
    assert AnalysisNarrative.objects.get(assessment=full_assessment).edited() == {"strengths": "สั้น"}


def test_executive_may_not_edit_the_text(client, executive, full_assessment):
    client.force_login(executive)
    assert client.get(narrative_url(full_assessment)).status_code == 403
    assert client.post(narrative_url(full_assessment), {"strengths": "x"}).status_code == 403
    assert client.post(reverse("reports:redraft", args=[full_assessment.pk])).status_code == 403
    assert not AnalysisNarrative.objects.exists()


def test_outsider_gets_404_on_the_text(client, outsider, full_assessment, assessment_b):
    client.force_login(outsider)
    assert client.get(narrative_url(full_assessment)).status_code == 404
    assert client.post(narrative_url(full_assessment), {"strengths": "x"}).status_code == 404


def test_redraft_asks_first_then_drops_the_officers_text(client, officer, full_assessment):
    client.force_login(officer)
    client.post(narrative_url(full_assessment), {"strengths": "เขียนเอง"})
    confirm = client.get(reverse("reports:redraft", args=[full_assessment.pk]))
    assert confirm.status_code == 200 and "ร่างใหม่จากข้อมูล" in confirm.content.decode()
    assert AnalysisNarrative.objects.get().strengths == "เขียนเอง"
    response = client.post(reverse("reports:redraft", args=[full_assessment.pk]))
    assert response.status_code == 302
    assert AnalysisNarrative.objects.get().edited() == {}
    entries = LogEntry.objects.get_for_model(AnalysisNarrative)
    assert [e.action for e in entries.order_by("pk")] == [
        LogEntry.Action.CREATE,
        LogEntry.Action.UPDATE,
        LogEntry.Action.UPDATE,
    ]
    assert entries.order_by("pk").last().additional_data["assessment"] == full_assessment.pk


def test_report_pages_read_a_fixed_number_of_queries_however_many_measures(client, officer, planned):
    client.force_login(officer)
    counts = []
    for extra in (0, 10):
        for n in range(extra):
            measure_services.measure_create(
                assessment=planned, title=f"มาตรการ {n}", rounds=[6, 12], user=officer
            )
        with CaptureQueriesContext(connection) as ctx:
            for name in ("measures", "progress"):
                assert client.get(urls(planned)[name]).status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1]
