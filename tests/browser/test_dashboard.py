"""The dashboard in a real browser, on the demo data set: demo-officer opens it from the top bar,
sees the total and band in large type, the three charts drawn by Chart.js (no console error, no CSP
violation), opens a chart's table, and the tables show when printing."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from assessments import scoring
from assessments.demo import DEMO_PASSWORD, seed_demo
from assessments.models import Assessment
from assessments.selectors import assessment_result

from .conftest import csp_violations, log_in

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def demo_2565(frameworks, media) -> Assessment:
    seed_demo()
    return Assessment.objects.get(organization__itas_code="DEMO-5401", fiscal_year=2565)


def test_demo_officer_opens_the_dashboard_and_the_charts_render(
    live_server, browser: Browser, page: Page, page_log, demo_2565
):
    fresh = assessment_result(demo_2565)
    total = f"{scoring.round2(fresh.total):.2f}"
    log_in(page, live_server, "demo-officer", DEMO_PASSWORD)

    page.locator("#nav-dashboard").click()
    expect(page).to_have_url(f"{live_server.url}/reports/{demo_2565.pk}/dashboard/")
    expect(page.locator("#dash-total")).to_have_text(total)
    expect(page.locator("#dash-band")).to_have_text(f"ระดับ {fresh.band}")
    for canvas in ("tools-chart", "indicators-chart", "trend-chart"):
        expect(page.locator(f"#{canvas}")).to_be_visible()
    drawn = page.evaluate(
        "() => ['tools-chart', 'indicators-chart', 'trend-chart'].map(id => !!Chart.getChart(id))"
    )
    assert drawn == [True, True, True]
    # the trend compares with 2564, the demo's earlier year
    expect(page.locator("#trend-table thead")).to_contain_text("2564")
    expect(page.locator("#trend-empty")).to_have_count(0)

    # a chart's table: hidden on screen (read by screen readers), shown by its button
    table = page.locator("#tools-table")
    expect(table).to_have_class("dash-table-hidden")
    page.locator("[data-table-toggle=tools-table]").click()
    expect(table).not_to_have_class("dash-table-hidden")
    expect(table.locator("tbody tr").last).to_contain_text(total)
    expect(page.locator("[data-table-toggle=tools-table]")).to_have_attribute("aria-expanded", "true")

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
    page.emulate_media(media="print")
    expect(page.locator("#trend-table table")).to_be_visible()
    expect(page.locator("#indicators-table table")).to_be_visible()
    page.emulate_media(media="screen")

    # the failed O-items link to their entry on the assessment page
    page.locator("#dash-failed a", has_text="O16").click()
    expect(page).to_have_url(f"{live_server.url}/assessments/{demo_2565.pk}/#oit-O16")

    assert page_log.errors == []
    assert csp_violations(page) == []
