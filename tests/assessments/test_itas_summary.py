"""The ITAS import's preview and summary: the Excel export of their tables (agencies, discrepancies,
problems; formula guard) and the links to each agency's assessment for whoever may open it."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from openpyxl import load_workbook

from assessments import itas_views
from assessments.models import Assessment

from .test_itas_import import book, row
from .test_itas_views import CONFIRM, own_row, upload

EXPORT = reverse("assessments:itas-import-summary-export")


@pytest.fixture(autouse=True)
def _media(media):
    return media


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user(username="staff", password="x", is_staff=True)


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_user(
        username="root", password="x", is_staff=True, is_superuser=True
    )


def sheets(response) -> dict[str, list[tuple]]:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}


def test_import_preview_export_has_agencies_discrepancies_and_problems(client, frameworks, org_a, staff):
    client.force_login(staff)
    bad = row(code="=cmd|x", name="=HYPERLINK(1)", province="ขอนแก่น", total="101")
    page = upload(client, book(own_row(total="95.01", band="AA"), bad), year="2565").content.decode()
    assert EXPORT in page
    response = client.get(EXPORT)
    assert response["Content-Disposition"] == 'attachment; filename="itas-import-preview.xlsx"'
    got = sheets(response)
    assert list(got) == ["หน่วยงาน", "ผลต่างจากที่ประกาศ", "ปัญหา"]
    agencies = got["หน่วยงาน"]
    assert agencies[0][:3] == ("หน่วยงาน", "รหัสหน่วยงาน ITAS", "ปีงบประมาณ")
    own = next(r for r in agencies[1:] if r[0] == "เทศบาลตำบลทดสอบ")
    assert own[1:8] == ("T-0001", 2565, 95.01, "AA", 87.86, "A", "ข้อมูลครบ")
    assert own[8] == "เพิ่มใหม่"
    assert got["ผลต่างจากที่ประกาศ"][1] == ("เทศบาลตำบลทดสอบ", "T-0001", 2565, 95.01, 87.86, "AA", "A")
    problems = got["ปัญหา"]
    assert problems[0] == ("ประเภท", "ชีต", "แถว", "คอลัมน์", "ค่า", "ปัญหา")
    assert any(p[0] == "ข้อผิดพลาด" and p[2] == 3 for p in problems[1:])
    # user text stays text: no cell of the workbook is a formula
    wb = load_workbook(io.BytesIO(response.content))
    assert all(c.data_type != "f" for ws in wb.worksheets for r in ws.iter_rows() for c in r)
    assert Assessment.objects.count() == 0


def test_import_summary_export_after_confirm_says_what_happened(client, frameworks, org_a, staff):
    client.force_login(staff)
    upload(client, book(own_row(total="95.01", band="AA")), year="2565")
    page = client.post(CONFIRM).content.decode()
    assert 'id="import-done"' in page
    assert EXPORT in page
    response = client.get(EXPORT)
    assert response["Content-Disposition"] == 'attachment; filename="itas-import-summary.xlsx"'
    got = sheets(response)
    assert got["หน่วยงาน"][0][8] == "ผลการนำเข้า"
    assert got["หน่วยงาน"][1][8] == "เพิ่มใหม่"  # what the import did, not what a re-run would do
    assert len(got["ผลต่างจากที่ประกาศ"]) == 2
    # a second import replaces the stored summary
    upload(client, book(own_row(total="95.01", band="AA")), year="2565")
    client.post(CONFIRM)
    assert sheets(client.get(EXPORT))["หน่วยงาน"][1][8] == "ไม่เปลี่ยนแปลง"


def test_import_summary_export_without_an_import_goes_back(client, org_admin):
    client.force_login(org_admin)
    response = client.get(EXPORT)
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:itas-import")


def test_import_summary_export_officer_executive_403(client, officer, executive):
    for user in (officer, executive):
        client.force_login(user)
        assert client.get(EXPORT).status_code == 403


def test_import_summary_links_site_staff_to_the_admin_page(client, frameworks, org_a, superuser):
    client.force_login(superuser)
    upload(client, book(own_row()), year="2565")
    page = client.post(CONFIRM).content.decode()
    a = Assessment.objects.get()
    assert reverse("admin:assessments_assessment_change", args=[a.pk]) in page
    assert client.get(reverse("admin:assessments_assessment_change", args=[a.pk])).status_code == 200
    assert reverse("assessments:detail", args=[a.pk]) not in page


def test_import_summary_staff_without_view_permission_get_no_link(client, frameworks, org_a, staff):
    client.force_login(staff)
    upload(client, book(own_row()), year="2565")
    page = client.post(CONFIRM).content.decode()
    a = Assessment.objects.get()
    assert f"/{a.pk}/" not in page.split('id="import-rows"', 1)[1]


def test_import_summary_links_members_to_the_assessment_page(client, frameworks, org_a, org_admin):
    client.force_login(org_admin)
    upload(client, book(own_row()), organization=str(org_a.pk))
    page = client.post(CONFIRM).content.decode()
    a = Assessment.objects.get()
    assert reverse("assessments:detail", args=[a.pk]) in page
    assert itas_views.DONE_KEY in client.session
