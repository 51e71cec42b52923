"""Issue 9 point 2 in a real browser, on the demo data set: demo-officer opens the gap-to-target
planner from the assessment page, targets A, ticks the proposed O-items in what-if, sees the band
change to A live, and nothing is saved; then creates draft measures for the ticked items."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from playwright.sync_api import Page, expect

from assessments import services
from assessments.demo import DEMO_PASSWORD, seed_demo
from assessments.models import Assessment, DisclosureResult, IndicatorScore
from measures.models import Measure

from .conftest import csp_violations, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_b(frameworks) -> Assessment:
    """The demo assessment with the two items of 10.2 failed as well: 76.79, band B."""
    seed_demo()
    a = Assessment.objects.get(organization__itas_code="DEMO-5401", fiscal_year=2565)
    officer = a.organization.memberships.get(user__username="demo-officer").user
    for item in a.framework.items.filter(code__in=["O42", "O43"]):
        services.disclosure_result_set(
            assessment=a, item=item, passed=False, urls=[], note="ยังไม่ได้เผยแพร่", user=officer
        )
    a.refresh_from_db()
    assert (str(a.computed_total), a.computed_band) == ("76.79", "B")
    return a


def stored(a: Assessment) -> tuple:
    a.refresh_from_db()
    return (
        LogEntry.objects.count(),
        sorted(DisclosureResult.objects.filter(assessment=a).values_list("item__code", "passed")),
        sorted(IndicatorScore.objects.filter(assessment=a).values_list("indicator__number", "score")),
        a.computed_total,
        a.computed_band,
        Measure.objects.filter(assessment=a).count(),
    )


def test_demo_officer_targets_a_ticks_the_proposal_and_sees_band_a_nothing_saved(
    live_server, page: Page, page_log, demo_b
):
    before = stored(demo_b)
    log_in(page, live_server, "demo-officer", DEMO_PASSWORD)
    page.goto(f"{live_server.url}{reverse('assessments:detail', args=[demo_b.pk])}")
    page.locator("#planner-link").click()
    expect(page).to_have_url(f"{live_server.url}{reverse('assessments:planner', args=[demo_b.pk])}")

    # Target A.
    page.locator("#target").select_option("A")
    page.locator("#target-form button[type=submit]").click()
    expect(page.locator("#plan-target")).to_contain_text("A (85.00)")
    expect(page.locator("#plan-current")).to_have_text("76.79")
    expect(page.locator("#plan-outcome")).to_contain_text("86.79")
    expect(page.locator("#what-if-band")).to_have_text("B")
    proposed = page.locator("#plan-item-table tr[data-proposed] input[name=item]")
    expect(proposed).to_have_count(2)
    codes = [proposed.nth(i).get_attribute("value") for i in range(2)]
    assert codes == ["O42", "O43"]

    # Tick the proposed items in what-if: the total and band follow live.
    proposed.nth(0).check()
    expect(page.locator("#what-if-total")).to_have_text("81.79")
    expect(page.locator("#what-if-band")).to_have_text("B")
    proposed.nth(1).check()
    expect(page.locator("#what-if-total")).to_have_text("86.79")
    expect(page.locator("#what-if-band")).to_have_text("A")
    expect(page.locator("#what-if-reached")).to_have_class("text-success mt-2")

    # An indicator score typed in what-if counts too (one EIT point adds 0.10).
    page.locator("#what-if-ind-6").fill("85.10")
    expect(page.locator("#what-if-total")).to_have_text("86.89")

    # Nothing was saved, and the page is still the planner.
    assert stored(demo_b) == before
    expect(page).to_have_url(
        f"{live_server.url}{reverse('assessments:planner', args=[demo_b.pk])}?target=A&number="
    )
    page.reload()
    expect(page.locator("#what-if-band")).to_have_text("B")

    # "Create measures for these" hands the ticked items to the measures plan.
    page.locator("#what-if-O42").check()
    page.locator("#what-if-O43").check()
    expect(page.locator("#what-if-band")).to_have_text("A")
    existing = set(Measure.objects.filter(assessment=demo_b).values_list("pk", flat=True))
    page.locator("#create-measures").click()
    expect(page).to_have_url(f"{live_server.url}{reverse('measures:list', args=[demo_b.pk])}")
    created = Measure.objects.filter(assessment=demo_b).exclude(pk__in=existing).order_by("number")
    assert [[i.code for i in m.target_items.all()] for m in created] == [["O42"], ["O43"]]

    assert page_log.errors == []
    assert csp_violations(page) == []
