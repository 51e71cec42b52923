"""The reports in a real browser: the officer opens the analysis from the assessment, rewrites a
section (it saves itself), sees it in the report, and downloads the PDF; no CSP violation."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from reports.models import AnalysisNarrative
from tests.reports.conftest import full_assessment, planned  # noqa: F401 (fixtures)

from .conftest import csp_violations, log_in

pytestmark = pytest.mark.browser

THAI = re.compile(r"[\u0E00-\u0E7F]")


def test_officer_rewrites_a_section_and_downloads_the_pdf(
    live_server,
    page,
    page_log,
    officer,
    planned,  # noqa: F811 (the fixture imported above)
):
    log_in(page, live_server, "officer")
    page.goto(f"{live_server.url}/assessments/{planned.pk}/")
    page.locator("#analysis-report").click()
    expect(page.locator(".report-analysis h1")).to_contain_text("รายงานการวิเคราะห์ผลการประเมิน")
    expect(page.locator(".report-analysis svg").first).to_be_visible()

    page.get_by_role("link", name="แก้ไขข้อความ").click()
    page.locator("#narrative-strengths").fill("หน่วยงานเปิดเผยข้อมูลครบทุกข้อ")
    expect(page.locator("#err-narrative-strengths .text-success")).to_have_text(THAI)
    page.wait_for_function(
        "() => { const s = window.itaAutosave.state(); return s.pending === 0 && s.inflight === 0; }"
    )
    assert AnalysisNarrative.objects.get(assessment=planned).edited() == {
        "strengths": "หน่วยงานเปิดเผยข้อมูลครบทุกข้อ"
    }

    page.get_by_role("link", name="ดูรายงาน").click()
    expect(page.locator(".report-analysis")).to_contain_text("หน่วยงานเปิดเผยข้อมูลครบทุกข้อ")
    href = page.get_by_role("link", name="ดาวน์โหลด PDF").get_attribute("href")
    pdf = page.request.get(f"{live_server.url}{href}")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF-")

    page.get_by_role("link", name="ผลการดำเนินการ รอบ 6 เดือน").click()
    expect(page.locator(".report-progress")).to_contain_text("จัดประชุมแล้ว 2 ครั้ง")
    assert csp_violations(page) == []
    assert page_log.errors == []
