"""The import pages: upload → preview → confirm, the problems workbook, and who may use them."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from assessments.pending_uploads import pending_name
from measures import import_views, services
from measures.models import Measure, ProgressReport

from .test_import_command import ROW_1, ROW_2
from .workbooks import exported_style, xlsx


@pytest.fixture(autouse=True)
def _media(media):
    """Previewed uploads wait in the default storage: a temporary folder of the test's own."""
    return media


def upload(client, assessment, data: bytes, name="plan.xlsx", **extra):
    url = reverse("measures:import", args=[assessment.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, data), **extra})


def test_import_page_linked_from_the_list(client, officer, assessment):
    client.force_login(officer)
    response = client.get(reverse("measures:list", args=[assessment.pk]))
    assert reverse("measures:import", args=[assessment.pk]) in response.content.decode()
    response = client.get(reverse("measures:import", args=[assessment.pk]))
    assert response.status_code == 200
    assert "นำเข้ามาตรการจาก Excel" in response.content.decode()


def test_import_preview_then_confirm_writes_the_previewed_file(client, officer, assessment):
    client.force_login(officer)
    data = exported_style([ROW_1, ROW_2], round_title="ผลการดำเนินการ รอบ 6 เดือน")
    response = upload(client, assessment, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="import-rows"' in page
    assert page.count("มาตรการใหม่") == 2
    assert "ชี้แจงแผนการใช้จ่ายงบประมาณแก่บุคลากร" in page
    assert Measure.objects.count() == 0
    response = client.post(reverse("measures:import_confirm", args=[assessment.pk]))
    assert response.status_code == 200
    assert 'id="import-done"' in response.content.decode()
    assert list(Measure.objects.filter(assessment=assessment).values_list("number", flat=True)) == [1, 2]
    assert ProgressReport.objects.get().reported_by == officer
    assert import_views.SESSION_KEY not in client.session


def test_import_preview_of_an_unchanged_file_says_so(client, officer, assessment):
    client.force_login(officer)
    data = exported_style([ROW_1, ROW_2], round_title="รอบ 6 เดือน")
    upload(client, assessment, data)
    client.post(reverse("measures:import_confirm", args=[assessment.pk]))
    page = upload(client, assessment, data).content.decode()
    assert page.count("ไม่เปลี่ยนแปลง") >= 2


def test_import_preview_lists_problems_and_offers_no_confirm(client, officer, assessment):
    client.force_login(officer)
    data = xlsx([["ลำดับ", "มาตรการ", "ร้อยละความสำเร็จ"], [1, "ก", 150]], title="แผน")
    page = upload(client, assessment, data).content.decode()
    assert 'id="import-errors"' in page
    assert "ชีต แผน แถว 2 คอลัมน์ C" in page
    assert 'id="import-confirm"' not in page
    response = client.post(reverse("measures:import_confirm", args=[assessment.pk]))
    assert response.status_code == 400
    assert Measure.objects.count() == 0


def test_import_problems_workbook_has_safe_cells(client, officer, assessment):
    client.force_login(officer)
    data = xlsx([["มาตรการ", "ผู้รับผิดชอบ", "หมายเหตุ"], ["ก", "กองสวัสดิการ", "=HYPERLINK(1)"]], title="=cmd")
    upload(client, assessment, data)
    response = client.get(reverse("measures:import_problems", args=[assessment.pk]))
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0] == ["ประเภท", "ชีต", "แถว", "คอลัมน์", "ปัญหา"]
    assert [r[:4] for r in rows[1:]] == [["คำเตือน", "=cmd", 1, "C"], ["คำเตือน", "=cmd", 2, "B"]]
    assert all(ws.cell(row=r, column=2).data_type == "s" for r in (2, 3))


def test_import_confirm_refuses_a_file_changed_after_preview(client, officer, assessment):
    client.force_login(officer)
    upload(client, assessment, exported_style([ROW_1]))
    token = client.session[import_views.SESSION_KEY]["token"]
    name = pending_name(token)
    default_storage.delete(name)
    assert default_storage.save(name, ContentFile(exported_style([ROW_1, ROW_2]))) == name
    response = client.post(reverse("measures:import_confirm", args=[assessment.pk]))
    assert response.status_code == 302
    assert Measure.objects.count() == 0


@pytest.mark.parametrize(("name", "method"), [("import_confirm", "post"), ("import_problems", "get")])
def test_import_pages_without_a_previewed_file_send_back_to_upload(client, officer, assessment, name, method):
    client.force_login(officer)
    response = getattr(client, method)(reverse(f"measures:{name}", args=[assessment.pk]), follow=True)
    assert response.redirect_chain == [(reverse("measures:import", args=[assessment.pk]), 302)]
    assert [str(m) for m in response.context["messages"]] == ["ไม่พบไฟล์ที่อัปโหลดไว้แล้ว กรุณาอัปโหลดใหม่อีกครั้ง"]
    assert Measure.objects.count() == 0


def test_import_rejects_files_over_the_limit(client, officer, assessment):
    client.force_login(officer)
    response = upload(client, assessment, b"x" * (import_views.MAX_UPLOAD + 1))
    assert response.status_code == 400
    assert "ไฟล์มีขนาดเกิน 10 MiB" in response.content.decode()


PAGES = [("import", "get"), ("import", "post"), ("import_confirm", "post"), ("import_problems", "get")]


def _call(client, name, method, assessment):
    url = reverse(f"measures:{name}", args=[assessment.pk])
    if method == "get":
        return client.get(url)
    return client.post(url, {"file": SimpleUploadedFile("a.xlsx", exported_style([ROW_1]))})


@pytest.mark.parametrize(("name", "method"), PAGES)
def test_import_pages_outsider_gets_404(client, outsider, assessment, assessment_b, officer, name, method):
    services.measure_create(assessment=assessment, title="ข้อมูลที่ต้องไม่รั่ว", user=officer)
    client.force_login(officer)
    upload(client, assessment, exported_style([ROW_2]))  # a pending upload of organization A exists
    client.force_login(outsider)
    assert _call(client, name, method, assessment).status_code == 404
    assert list(Measure.objects.values_list("assessment_id", "title")) == [(assessment.pk, "ข้อมูลที่ต้องไม่รั่ว")]


@pytest.mark.parametrize(("name", "method"), PAGES)
def test_import_pages_executive_gets_403(client, executive, assessment, name, method):
    client.force_login(executive)
    assert _call(client, name, method, assessment).status_code == 403
    assert Measure.objects.count() == 0


def test_import_confirm_removes_the_previewed_file(client, officer, assessment, media):
    client.force_login(officer)
    upload(client, assessment, exported_style([ROW_1]))
    name = pending_name(client.session[import_views.SESSION_KEY]["token"])
    assert default_storage.exists(name)
    client.post(reverse("measures:import_confirm", args=[assessment.pk]))
    assert Measure.objects.count() == 1
    assert not default_storage.exists(name)
