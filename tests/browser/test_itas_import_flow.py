"""Issue 7's acceptance path in a real browser, on the demo data set: demo-admin uploads a two-sheet
workbook of their own organization's 2563 results (a summary sheet whose total column has a header the
importer does not know, and an O-item sheet), maps that column on the mapping page, previews, commits,
and sees the agency's results with the one flagged discrepancy (ITAS published another total than the
portal computes), on the summary and on the assessment page. Each step is saved as a screenshot in
``test-artifacts/`` (looked at while building the pages)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from assessments.demo import DEMO_PASSWORD, seed_demo
from assessments.models import Assessment, ImportMapping, Organization
from tests.assessments.itas_workbooks import xlsx

from .conftest import csp_violations, log_in

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
INDICATORS = ["86.52", "79.40", "84.15", "80.33", "83.90", "85.12", "77.48", "81.06"]
FAILED = "O5"  # one failed O-item: indicator 9 = 97.78, OIT = 98.89
PUBLISHED_TOTAL = "90.00"  # what ITAS printed; the portal computes 88.78 from the same scores


def workbook(org: Organization) -> bytes:
    header = ["รหัสหน่วยงาน", "ชื่อหน่วยงาน", "ปีงบประมาณ", "ผลรวมสุทธิ", "ระดับ"]
    header += [f"ตัวชี้วัดที่ {n}" for n in range(1, 9)]
    summary = [header, [org.itas_code, org.name, 2563, PUBLISHED_TOTAL, "A", *INDICATORS]]
    items = [["รหัสหน่วยงาน", "ชื่อหน่วยงาน", "ปีงบประมาณ", "ข้อ", "ผลการประเมิน", "URL", "ความคิดเห็นผู้ตรวจ"]]
    for n in range(1, 44):
        code = f"O{n}"
        passed = code != FAILED
        items.append(
            [
                org.itas_code,
                org.name,
                2563,
                code,
                "มี" if passed else "ไม่มี",
                f"https://nongbuangam.go.th/ita/2563/{code.lower()}",
                "" if passed else "ไม่พบข้อมูลของปีปัจจุบัน",
            ]
        )
    return xlsx(summary, title="สรุปผล 2563", extra={"ข้อ O 2563": items})


@pytest.fixture
def demo_org(frameworks) -> Organization:
    seed_demo()
    return Organization.objects.get(itas_code="DEMO-5401")


def shot(page: Page, name: str, *, full_page: bool = True) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"itas-import-{name}.png"), full_page=full_page)


def test_demo_admin_maps_a_column_previews_commits_and_sees_the_discrepancy(
    live_server, browser: Browser, page: Page, page_log, media, demo_org, tmp_path
):
    path = tmp_path / "ผล ITA 2563 หนองบัวงาม.xlsx"
    path.write_bytes(workbook(demo_org))
    log_in(page, live_server, "demo-admin", DEMO_PASSWORD)

    # 1. From the assessments list to the import page; upload the file.
    page.locator("#itas-import").click()
    expect(page.locator("h1")).to_have_text("นำเข้าผลการประเมิน ITAS")
    page.locator("#import-upload input[type=file]").set_input_files(str(path))
    page.locator("#import-upload button[type=submit]").click()
    expect(page.locator("#import-preview")).to_be_visible()
    shot(page, "1-preview")
    # the total's column is not understood: the preview has no published total, no discrepancy yet
    expect(page.locator("#import-rows tbody tr")).to_have_count(1)
    expect(page.locator("#import-discrepancies")).to_have_count(0)
    first_sheet = page.locator("details.import-sheet").first
    expect(first_sheet.locator(".import-unknown")).to_have_text("ไม่รู้จัก 1 คอลัมน์ โปรดตรวจการจับคู่คอลัมน์")
    expect(first_sheet.locator("tr", has_text="ผลรวมสุทธิ")).to_contain_text("ไม่นำเข้า")

    # 2. Map the column on the mapping page and save the mapping by name.
    first_sheet.locator("a.import-mapping-link").click()
    expect(page).to_have_url(f"{live_server.url}{reverse('assessments:itas-import-mapping', args=[0])}")
    row = page.locator("#mapping-columns tr", has_text="ผลรวมสุทธิ")
    row.locator("select").select_option("total")
    page.fill("#mapping-name", "สรุปผลของสำนักปลัด")
    shot(page, "2-mapping")
    page.locator("#mapping-form button[type=submit]").click()

    # 3. The preview again, with the mapping applied: the published total is read and differs.
    expect(page).to_have_url(f"{live_server.url}{reverse('assessments:itas-import-preview')}")
    expect(page.locator(".import-mapping-used")).to_contain_text("สรุปผลของสำนักปลัด")
    discrepancies = page.locator("#import-discrepancies tbody tr")
    expect(discrepancies).to_have_count(1)
    expect(discrepancies.first).to_contain_text(demo_org.name)
    expect(discrepancies.first).to_contain_text(PUBLISHED_TOTAL)
    expect(discrepancies.first).to_contain_text("88.78")
    expect(page.locator("#import-rows .import-differs")).to_have_count(1)
    expect(page.locator("#import-errors")).to_have_count(0)
    assert Assessment.objects.filter(organization=demo_org, fiscal_year=2563).count() == 0
    shot(page, "3-preview-mapped")

    # 4. Commit: one transaction; the summary lists the agency with a link and the discrepancy.
    page.locator("#import-confirm button[type=submit]").click()
    expect(page.locator("#import-done")).to_be_visible()
    expect(page.locator("#import-discrepancies tbody tr")).to_have_count(1)
    shot(page, "4-summary")
    assessment = Assessment.objects.get(organization=demo_org, fiscal_year=2563)
    assert (assessment.published_total, assessment.published_band) == (Decimal(PUBLISHED_TOTAL), "A")
    assert (assessment.computed_total, assessment.computed_complete) == (Decimal("88.78"), True)
    assert assessment.disclosures.filter(passed=False).count() == 1
    assert ImportMapping.objects.get().organization == demo_org

    # 5. The agency's assessment page flags the same discrepancy.
    page.locator("#import-rows a", has_text=demo_org.name).click()
    expect(page).to_have_url(f"{live_server.url}{reverse('assessments:detail', args=[assessment.pk])}")
    published = page.locator("#result-published")
    expect(published).to_have_class(re.compile(r"\bresult-diff\b"))
    expect(published).to_contain_text(PUBLISHED_TOTAL)
    expect(published).to_contain_text("ต่างจากผลที่ระบบคำนวณ")
    published.scroll_into_view_if_needed()
    shot(page, "5-assessment", full_page=False)

    # 6. The saved mapping is listed on its page.
    page.goto(f"{live_server.url}{reverse('assessments:itas-mappings')}")
    expect(page.locator("#mappings tbody tr")).to_have_count(1)
    expect(page.locator("#mappings")).to_contain_text("ผลรวมสุทธิ → คะแนนรวม")
    shot(page, "6-mappings")

    assert page_log.errors == []
    assert csp_violations(page) == []
