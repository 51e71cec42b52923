"""Saved column mappings of the ITAS import: save/delete (who may), the selectors, matching by header text."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from assessments import mapping_services as ms
from assessments.importer import ColumnGuess, SheetReading
from assessments.models import ImportMapping
from tests.conftest import make_member


def sheet(*headers: str, kind: str = "summary") -> SheetReading:
    letters = "ABCDEFGHIJ"
    columns = tuple(ColumnGuess(letters[i], h, None, False) for i, h in enumerate(headers))
    return SheetReading("ผล", kind, 1, columns)


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user(username="staff", password="x", is_staff=True)


def save(user, org, name="แบบจังหวัด", s=None, fields=None):
    s = s or sheet("ชื่อหน่วยงาน", "ผลรวมสุทธิ", "ลำดับ")
    fields = fields if fields is not None else {"A": "agency", "B": "total"}
    return ms.import_mapping_save(user=user, name=name, sheet=s, fields=fields, organization=org)


def test_save_mapping_stores_header_texts_not_letters(org_a, org_admin):
    mapping = save(org_admin, org_a)
    assert mapping.columns == {"ชื่อหน่วยงาน": "agency", "ผลรวมสุทธิ": "total", "ลำดับ": "ignore"}
    assert mapping.organization == org_a
    assert mapping.created_by == org_admin
    assert mapping.kind == "summary"


def test_save_mapping_staff_site_wide(staff):
    mapping = save(staff, None)
    assert mapping.organization is None


def test_save_mapping_officer_and_executive_forbidden(org_a, officer, executive):
    for user in (officer, executive):
        with pytest.raises(PermissionDenied):
            save(user, org_a)
    assert ImportMapping.objects.count() == 0


def test_save_mapping_org_admin_not_site_wide_nor_other_organization(org_a, org_b, org_admin):
    with pytest.raises(PermissionDenied):
        save(org_admin, None)
    with pytest.raises(PermissionDenied):
        save(org_admin, org_b)
    assert ImportMapping.objects.count() == 0


def test_save_mapping_same_name_replaces(org_a, org_admin):
    first = save(org_admin, org_a)
    again = save(org_admin, org_a, fields={"A": "agency", "B": "score"})
    assert again.pk == first.pk
    assert ImportMapping.objects.get().columns["ผลรวมสุทธิ"] == "score"


def test_save_mapping_name_taken_race_is_a_friendly_error(org_a, org_admin, monkeypatch):
    save(org_admin, org_a)
    # the row appears between the lookup and the insert: the constraint answers

    class _Empty:
        def filter(self, **kw):
            return ImportMapping.objects.none()

    monkeypatch.setattr(ImportMapping.objects, "select_for_update", lambda: _Empty())
    with pytest.raises(ValidationError) as caught:
        save(org_admin, org_a)
    assert caught.value.message_dict["name"] == ["มีการจับคู่คอลัมน์ชื่อ “แบบจังหวัด” อยู่แล้ว โปรดใช้ชื่ออื่น"]


def test_signature_same_texts_any_order_and_spacing():
    a = ms.sheet_signature(sheet("ชื่อหน่วยงาน", "ผลรวม สุทธิ"))
    b = ms.sheet_signature(sheet("ผลรวมสุทธิ", " ชื่อหน่วยงาน "))
    c = ms.sheet_signature(sheet("ชื่อหน่วยงาน", "คะแนน"))
    assert a == b
    assert a != c


def test_column_mapping_follows_moved_columns(org_a, org_admin):
    saved = save(org_admin, org_a)
    moved = sheet("ลำดับ", "ผลรวมสุทธิ", "ชื่อหน่วยงาน")
    mapping = ms.column_mapping(saved, moved)
    assert dict(mapping.columns) == {"B": "total", "C": "agency"}
    assert (mapping.header_row, mapping.kind) == (1, "summary")


def test_matching_mappings_scoped_to_user(org_a, org_b, org_admin, staff):
    own = save(org_admin, org_a, name="ของเรา")
    other_admin = make_member("other-admin", org_b, "admin")
    other = save(other_admin, org_b, name="ของเขา")
    site = save(staff, None, name="ทั้งประเทศ")
    signature = ms.sheet_signature(sheet("ชื่อหน่วยงาน", "ผลรวมสุทธิ", "ลำดับ"))
    assert {m.pk for m in ms.matching_mappings(org_admin, signature)} == {own.pk, site.pk}
    assert {m.pk for m in ms.matching_mappings(staff, signature)} == {own.pk, other.pk, site.pk}
    assert ms.matching_mappings(org_admin, ms.sheet_signature(sheet("อื่น"))) == []
    with pytest.raises(Http404):
        ms.mapping_by_name(org_admin, "ของเขา")
    assert ms.mapping_by_name(org_admin, "ของเรา") == own


def test_delete_mapping_other_organization_404_and_own_deleted(org_a, org_b, org_admin):
    own = save(org_admin, org_a)
    other = save(make_member("other-admin", org_b, "admin"), org_b)
    with pytest.raises(Http404):
        ms.import_mapping_delete(user=org_admin, pk=other.pk)
    ms.import_mapping_delete(user=org_admin, pk=own.pk)
    assert list(ImportMapping.objects.values_list("pk", flat=True)) == [other.pk]


def test_mapping_save_and_delete_are_audited(org_a, org_admin):
    mapping = save(org_admin, org_a)
    ms.import_mapping_delete(user=org_admin, pk=mapping.pk)
    entries = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(ImportMapping))
    assert [e.action for e in entries.order_by("pk")] == [LogEntry.Action.CREATE, LogEntry.Action.DELETE]
    assert entries.first().additional_data == {"organization": org_a.pk, "label": "แบบจังหวัด"}
