"""The ITAS import pages: upload → preview (dry run) → confirm → summary, the problems workbook, who may."""

from __future__ import annotations

import io

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from assessments import itas_views
from assessments.models import Assessment, ImportMapping, IndicatorScore, Organization, Role
from assessments.pending_uploads import PENDING_DIR, pending_name
from tests.conftest import make_member

from .itas_workbooks import xlsx
from .test_itas_import import HEADER, book, counts, row

URL = reverse("assessments:itas-import")
CONFIRM = reverse("assessments:itas-import-confirm")
PROBLEMS = reverse("assessments:itas-import-problems")


@pytest.fixture(autouse=True)
def _media(media):
    return media


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user(username="staff", password="x", is_staff=True)


def own_row(**kw):
    return row(code="T-0001", name="เทศบาลตำบลทดสอบ", province="ขอนแก่น", **kw)


def upload(client, data: bytes, name="itas.xlsx", **extra):
    return client.post(URL, {"file": SimpleUploadedFile(name, data), **extra})


def test_itas_import_page_linked_from_the_list_for_staff_and_admins(client, staff, org_admin, officer):
    for user in (staff, org_admin):
        client.force_login(user)
        assert URL in client.get(reverse("assessments:list")).content.decode()
        page = client.get(URL)
        assert page.status_code == 200
        assert "นำเข้าผลการประเมิน ITAS" in page.content.decode()
    client.force_login(officer)
    assert URL not in client.get(reverse("assessments:list")).content.decode()


def test_itas_import_staff_preview_writes_nothing_then_confirm_writes(client, frameworks, org_a, staff):
    client.force_login(staff)
    before = counts()
    response = upload(client, book(own_row(total="95.01", band="AA")), year="2565")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="import-rows"' in page
    assert "เทศบาลตำบลทดสอบ" in page
    assert 'id="import-confirm"' in page
    assert 'id="import-discrepancies"' in page
    assert ">เพิ่มใหม่</span>" in page
    assert "ผล 2565" in page  # the sheet and its column mapping
    assert counts() == before
    response = client.post(CONFIRM)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="import-done"' in page
    a = Assessment.objects.get()
    assert (a.organization, a.fiscal_year, str(a.published_total), a.published_band) == (
        org_a,
        2565,
        "95.01",
        "AA",
    )
    assert IndicatorScore.objects.filter(assessment=a).count() == 10
    assert reverse("assessments:detail", args=[a.pk]) not in page  # staff are not members of org A
    assert 'id="import-discrepancies"' in page
    assert itas_views.SESSION_KEY not in client.session
    # the same file again: unchanged
    page = upload(client, book(own_row(total="95.01", band="AA"))).content.decode()
    assert ">ไม่เปลี่ยนแปลง</span>" in page
    assert Assessment.objects.count() == 1


def test_itas_import_org_admin_other_organization_row_is_an_error_without_confirm(
    client, frameworks, org_a, org_b, org_admin
):
    client.force_login(org_admin)
    other = row(code="T-0002", name="องค์การบริหารส่วนตำบลอื่น", province="ขอนแก่น")
    before = counts()
    page = upload(client, book(own_row(), other), organization=str(org_a.pk)).content.decode()
    assert 'id="import-errors"' in page
    assert "ชีต ผล 2565 แถว 3" in page
    assert 'id="import-confirm"' not in page
    response = client.post(CONFIRM)
    assert response.status_code == 400
    assert counts() == before


def test_itas_import_org_admin_cannot_choose_another_organization(
    client, frameworks, org_a, org_b, org_admin
):
    client.force_login(org_admin)
    response = upload(client, book(own_row()), organization=str(org_b.pk))
    assert response.status_code == 400
    assert itas_views.SESSION_KEY not in client.session
    assert Assessment.objects.count() == 0


def test_itas_import_org_admin_imports_own_row(client, frameworks, org_a, org_admin):
    client.force_login(org_admin)
    upload(client, book(own_row()), organization=str(org_a.pk))
    response = client.post(CONFIRM)
    assert response.status_code == 200
    a = Assessment.objects.get()
    assert a.created_by == org_admin
    assert reverse("assessments:detail", args=[a.pk]) in response.content.decode()


@pytest.mark.parametrize(
    ("url", "method"), [(URL, "get"), (URL, "post"), (CONFIRM, "post"), (PROBLEMS, "get")]
)
def test_itas_import_pages_officer_executive_outsider_get_403(
    client, frameworks, officer, executive, outsider, assessment, url, method
):
    for user in (officer, executive, outsider):
        client.force_login(user)
        data = {"file": SimpleUploadedFile("a.xlsx", book(own_row()))} if method == "post" else None
        response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
        assert response.status_code == 403
    assert Assessment.objects.count() == 1


def test_itas_import_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("url", "method"), [(CONFIRM, "post"), (PROBLEMS, "get")])
def test_itas_import_without_a_preview_sends_back_to_upload(client, staff, url, method):
    client.force_login(staff)
    response = getattr(client, method)(url, follow=True)
    assert response.redirect_chain == [(URL, 302)]
    assert [str(m) for m in response.context["messages"]] == ["ไม่พบไฟล์ที่อัปโหลดไว้แล้ว กรุณาอัปโหลดใหม่อีกครั้ง"]


def test_itas_import_confirm_refuses_a_file_changed_after_preview(client, frameworks, org_a, staff):
    client.force_login(staff)
    upload(client, book(own_row()))
    name = pending_name(client.session[itas_views.SESSION_KEY]["token"])
    default_storage.delete(name)
    assert default_storage.save(name, ContentFile(book(own_row(total="50.00")))) == name
    response = client.post(CONFIRM)
    assert response.status_code == 302
    assert Assessment.objects.count() == 0
    assert default_storage.exists(name)


def test_itas_import_confirm_removes_the_previewed_file(client, frameworks, org_a, staff):
    client.force_login(staff)
    upload(client, book(own_row()))
    name = pending_name(client.session[itas_views.SESSION_KEY]["token"])
    assert name.startswith(f"{PENDING_DIR}/")  # the folder jobs.sweep_stale_imports empties daily
    assert default_storage.exists(name)
    client.post(CONFIRM)
    assert not default_storage.exists(name)


def test_itas_import_problems_workbook_has_safe_cells(client, frameworks, org_a, staff):
    client.force_login(staff)
    bad = own_row(band="=HYPERLINK(1)")
    upload(client, xlsx([HEADER, bad], title="=cmd"))
    response = client.get(PROBLEMS)
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0] == ["ประเภท", "ชีต", "แถว", "คอลัมน์", "ค่า", "ปัญหา"]
    assert rows[1][:5] == ["ข้อผิดพลาด", "=cmd", 2, "I", "=HYPERLINK(1)"]
    assert ws.cell(row=2, column=2).data_type == "s"
    assert ws.cell(row=2, column=5).data_type == "s"


def test_itas_import_rejects_files_over_the_limit_and_other_types(client, staff):
    client.force_login(staff)
    response = upload(client, b"x" * (itas_views.MAX_UPLOAD + 1))
    assert response.status_code == 400
    assert "ไฟล์มีขนาดเกิน 20 MiB" in response.content.decode()
    response = upload(client, b"x", name="a.pdf")
    assert response.status_code == 400
    assert itas_views.SESSION_KEY not in client.session


def test_itas_import_create_agencies_only_for_staff(client, frameworks, staff, org_admin, org_a):
    client.force_login(org_admin)
    assert 'name="create_agencies"' not in client.get(URL).content.decode()
    client.force_login(staff)
    new = row(code="9999999", name="เทศบาลตำบลใหม่", province="ขอนแก่น")
    upload(client, book(new), create_agencies="on")
    assert client.post(CONFIRM).status_code == 200
    assert Organization.objects.filter(itas_code="9999999").count() == 1


# --------------------------------------------------------------------------- saved column mappings

#: The total's header is one the reader does not know: without a mapping the total is not read.
ODD_HEADER = [("ผลรวมสุทธิ" if h == "คะแนนรวม" else h) for h in HEADER]
PREVIEW = reverse("assessments:itas-import-preview")


def mapping_url(index=0):
    return reverse("assessments:itas-import-mapping", args=[index])


def odd_book(*rows, header=ODD_HEADER) -> bytes:
    return xlsx([header, *rows], title="ผล 2565")


def mapping_post(total_field="total", name="แบบอำเภอ"):
    fields = {f"col_{letter}": "ignore" for letter in "ABCDEFGHIJKLMNOPQRS"}
    fields |= {"col_A": "itas_code", "col_B": "agency", "col_C": "province", "col_D": "year"}
    fields |= {"col_E": "IIT", "col_F": "EIT", "col_G": "OIT", "col_H": total_field, "col_I": "band"}
    fields |= {f"col_{letter}": f"indicator:{n}" for n, letter in enumerate("JKLMNOPQRS", start=1)}
    return {**fields, "name": name}


def test_itas_mapping_org_admin_saves_and_preview_reads_the_column(client, frameworks, org_a, org_admin):
    client.force_login(org_admin)
    page = upload(client, odd_book(own_row(total="95.01", band="AA")), organization=str(org_a.pk))
    assert mapping_url() in page.content.decode()
    assert ">95.01" not in page.content.decode()  # the reader did not know the total's column
    page = client.get(mapping_url())
    assert page.status_code == 200
    assert "ผลรวมสุทธิ" in page.content.decode()
    assert '<option value="ignore" selected>ไม่นำเข้า</option>' in page.content.decode()
    response = client.post(mapping_url(), mapping_post())
    assert response.status_code == 302
    assert response["Location"] == PREVIEW
    saved = ImportMapping.objects.get()
    assert (saved.name, saved.organization, saved.created_by) == ("แบบอำเภอ", org_a, org_admin)
    assert saved.columns["ผลรวมสุทธิ"] == "total"
    entry = LogEntry.objects.get_for_object(saved).get()
    assert (entry.action, entry.actor) == (LogEntry.Action.CREATE, org_admin)
    page = client.get(PREVIEW).content.decode()
    assert "ใช้การจับคู่ที่บันทึกไว้: แบบอำเภอ" in page
    assert "95.01 AA" in page
    client.post(CONFIRM)
    assert str(Assessment.objects.get().published_total) == "95.01"


def test_itas_mapping_staff_saves_site_wide(client, frameworks, org_a, staff):
    client.force_login(staff)
    upload(client, odd_book(own_row()), year="2565")
    assert client.post(mapping_url(), mapping_post()).status_code == 302
    assert ImportMapping.objects.get().organization is None


def test_itas_mapping_officer_and_executive_403(client, frameworks, org_a, officer, executive):
    for user in (officer, executive):
        client.force_login(user)
        assert client.get(mapping_url()).status_code == 403
        assert client.post(mapping_url(), mapping_post()).status_code == 403
        assert client.get(PREVIEW).status_code == 403
    assert ImportMapping.objects.count() == 0


def test_itas_mapping_look_alike_file_gets_it_even_with_moved_columns(client, frameworks, org_a, org_admin):
    client.force_login(org_admin)
    upload(client, odd_book(own_row()), organization=str(org_a.pk))
    client.post(mapping_url(), mapping_post())
    # another file, the same header texts in another order: the total moved to the last column
    order = [h for h in ODD_HEADER if h != "ผลรวมสุทธิ"] + ["ผลรวมสุทธิ"]
    values = own_row(total="91.50", band="A")
    moved = [values[ODD_HEADER.index(h)] for h in order]
    page = upload(client, odd_book(moved, header=order), organization=str(org_a.pk)).content.decode()
    assert "ใช้การจับคู่ที่บันทึกไว้: แบบอำเภอ" in page
    assert "91.50 A" in page
    # ignoring it reads the sheet as detected again
    ignore = reverse("assessments:itas-import-mapping-ignore", args=[0])
    assert client.post(ignore)["Location"] == PREVIEW
    page = client.get(PREVIEW).content.decode()
    assert "ใช้การจับคู่ที่บันทึกไว้" not in page
    assert "91.50" not in page


def test_itas_mapping_other_organization_mapping_not_offered(client, frameworks, org_a, org_b, org_admin):
    other_admin = make_member("other-admin", org_b, Role.ADMIN)
    client.force_login(other_admin)
    upload(client, odd_book(row(code="T-0002", name="องค์การบริหารส่วนตำบลอื่น")), organization=str(org_b.pk))
    client.post(mapping_url(), mapping_post(name="ของอีกแห่ง"), follow=True)
    assert ImportMapping.objects.get().organization == org_b
    client.force_login(org_admin)
    page = upload(client, odd_book(own_row()), organization=str(org_a.pk)).content.decode()
    assert "ของอีกแห่ง" not in page
    assert "ใช้การจับคู่ที่บันทึกไว้" not in page
    assert client.get(mapping_url(5)).status_code == 404  # no such sheet


def test_itas_mapping_page_without_pending_upload_goes_back(client, org_admin):
    client.force_login(org_admin)
    response = client.get(mapping_url())
    assert response.status_code == 302
    assert response["Location"] == URL


def test_itas_mapping_without_name_is_400(client, frameworks, org_a, org_admin):
    client.force_login(org_admin)
    upload(client, odd_book(own_row()), organization=str(org_a.pk))
    response = client.post(mapping_url(), mapping_post(name=" "))
    assert response.status_code == 400
    assert 'id="mapping-error"' in response.content.decode()
    assert ImportMapping.objects.count() == 0
