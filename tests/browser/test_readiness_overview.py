"""The OIT readiness board and the overview in a real browser: autosave of one row's fields turns its
light amber without a reload and keeps what was saved; the overview draws its band chart (Chart.js)
beside the table, under the strict CSP."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import Page, expect

from assessments.models import DisclosureResult, OitReadiness, Unit
from tests.conftest import PASSWORD

from .conftest import csp_violations, log_in

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def all_sent(page: Page) -> None:
    page.wait_for_function(
        "() => { const s = window.itaAutosave.state(); return s.pending === 0 && s.inflight === 0; }"
    )


def test_officer_fills_a_readiness_row_and_sees_its_light(
    live_server, page, page_log, officer, assessment, org_a
):
    log_in(page, live_server, "officer")
    page.goto(f"{live_server.url}{assessment.get_absolute_url()}")
    page.get_by_role("link", name="ความพร้อม OIT").click()
    expect(page.get_by_role("heading", name="กระดานความพร้อม OIT")).to_be_visible()
    expect(page.locator("#rd-O2-light")).to_have_attribute("data-light", "red")
    unit = Unit.objects.get(organization=org_a, name="กองคลัง")
    page.select_option("#rd-O2-owner_unit", str(unit.pk))
    expect(page.locator("#err-rd-O2-owner_unit .text-success")).to_be_visible()
    page.select_option("#rd-O2-status", "evidence_ready")
    expect(page.locator("#err-rd-O2-status .text-success")).to_be_visible()
    page.fill("#rd-O2-data_year", "2565")
    page.fill("#rd-O2-urls", "https://www.example.go.th/oit/o2")
    page.locator("#rd-O2-urls").blur()
    all_sent(page)
    expect(page.locator("#rd-O2-light")).to_have_attribute("data-light", "amber")
    expect(page.locator("[data-count=amber]")).to_have_text("1")
    page.fill("#rd-O3-data_year", "66")
    page.locator("#rd-O3-data_year").blur()
    expect(page.locator("#err-rd-O3-data_year")).to_contain_text("2566")
    expect(page.locator("#rd-O3-data_year")).to_have_class(re.compile(r"\bis-invalid\b"))
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "readiness-board.png"), full_page=False)
    row = OitReadiness.objects.get(assessment=assessment, item__code="O2")
    assert (row.owner_unit, row.status, row.data_year) == (unit, "evidence_ready", 2565)
    assert DisclosureResult.objects.get(assessment=assessment, item__code="O2").urls == [
        "https://www.example.go.th/oit/o2"
    ]
    assert not OitReadiness.objects.filter(assessment=assessment, item__code="O3").exists()
    assert csp_violations(page) == []
    assert page_log.errors == []


def test_staff_overview_draws_the_band_chart(live_server, page, page_log, assessment, assessment_b):
    get_user_model().objects.create_user(username="staff", password=PASSWORD, is_staff=True)
    log_in(page, live_server, "staff")
    page.get_by_role("link", name="ภาพรวม").first.click()
    expect(page).to_have_url(re.compile(re.escape(reverse("overview:index"))))
    expect(page.get_by_role("heading", name="ภาพรวมหน่วยงาน")).to_be_visible()
    expect(page.locator("#band-table")).to_contain_text("ไม่มีผล")
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('band-chart'))")
    page.fill("#f-q", "ทต.ทดสอบ")
    page.get_by_role("button", name="แสดง").click()
    expect(page.locator("#overview-table tbody tr")).to_have_count(1)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "overview.png"), full_page=True)
    assert csp_violations(page) == []
    assert page_log.errors == []
