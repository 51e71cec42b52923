"""The saved column mappings page: who sees which mappings, delete with a confirmation, 404/403, audit."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import mapping_services as ms
from assessments.models import ImportMapping, Role
from tests.conftest import make_member

from .test_mapping_services import sheet

LIST = reverse("assessments:itas-mappings")


def delete_url(mapping: ImportMapping) -> str:
    return reverse("assessments:itas-mapping-delete", args=[mapping.pk])


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user(username="staff", password="x", is_staff=True)


@pytest.fixture
def saved(org_a, org_b, org_admin, staff):
    """One mapping of organization A, one of B (by B's administrator), one site-wide (by staff)."""
    admin_b = make_member("admin-b", org_b, Role.ADMIN)
    s = sheet("ชื่อหน่วยงาน", "ผลรวมสุทธิ", "ลำดับ")
    fields = {"A": "agency", "B": "total"}

    def save(user, name, org):
        return ms.import_mapping_save(user=user, name=name, sheet=s, fields=fields, organization=org)

    return {
        "a": save(org_admin, "แบบ อ.ก", org_a),
        "b": save(admin_b, "แบบ อ.ข", org_b),
        "site": save(staff, "แบบกลาง", None),
    }


def test_mapping_list_org_admin_sees_own_and_site_wide_not_other_organization(client, saved, org_admin):
    client.force_login(org_admin)
    response = client.get(LIST)
    assert response.status_code == 200
    page = response.content.decode()
    assert "แบบ อ.ก" in page
    assert "แบบกลาง" in page
    assert "แบบ อ.ข" not in page
    assert "ชื่อหน่วยงาน → หน่วยงาน" in page  # the columns it maps, in words
    assert "ไม่นำเข้า 1 คอลัมน์" in page
    assert "admin" in page  # by whom
    # delete is offered for the organization's own mapping only
    assert delete_url(saved["a"]) in page
    assert delete_url(saved["site"]) not in page


def test_mapping_list_staff_sees_all_and_may_delete_all(client, saved, staff):
    client.force_login(staff)
    page = client.get(LIST).content.decode()
    for mapping in saved.values():
        assert mapping.name in page
        assert delete_url(mapping) in page


def test_mapping_list_empty_state(client, org_admin):
    client.force_login(org_admin)
    page = client.get(LIST).content.decode()
    assert 'id="mappings-empty"' in page
    assert 'id="mappings"' not in page


def test_mapping_list_linked_from_the_import_page(client, org_admin):
    client.force_login(org_admin)
    assert LIST in client.get(reverse("assessments:itas-import")).content.decode()


def test_mapping_list_officer_executive_outsider_403(client, saved, officer, executive, outsider):
    for user in (officer, executive, outsider):
        client.force_login(user)
        assert client.get(LIST).status_code == 403
        assert client.post(delete_url(saved["a"])).status_code == 403
    assert ImportMapping.objects.count() == 3


def test_mapping_delete_asks_then_deletes_with_an_audit_record(client, saved, org_admin):
    client.force_login(org_admin)
    response = client.get(delete_url(saved["a"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="confirm-delete"' in page
    assert "ลบการจับคู่คอลัมน์ “แบบ อ.ก”" in page
    assert ImportMapping.objects.filter(pk=saved["a"].pk).exists()
    response = client.post(delete_url(saved["a"]))
    assert response.status_code == 302
    assert response["Location"] == LIST
    assert not ImportMapping.objects.filter(pk=saved["a"].pk).exists()
    entry = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(ImportMapping),
        object_pk=str(saved["a"].pk),
        action=LogEntry.Action.DELETE,
    )
    assert entry.actor == org_admin


def test_mapping_delete_other_organization_404_site_wide_403(client, saved, org_admin):
    client.force_login(org_admin)
    assert client.get(delete_url(saved["b"])).status_code == 404
    assert client.post(delete_url(saved["b"])).status_code == 404
    assert client.get(delete_url(saved["site"])).status_code == 403
    assert client.post(delete_url(saved["site"])).status_code == 403
    assert ImportMapping.objects.count() == 3


def test_mapping_delete_twice_is_404_not_500(client, saved, staff):
    client.force_login(staff)
    assert client.post(delete_url(saved["b"])).status_code == 302
    assert client.post(delete_url(saved["b"])).status_code == 404


def test_mapping_list_query_count_is_flat(client, django_assert_num_queries, org_a, org_admin, staff):
    s = sheet("ชื่อหน่วยงาน", "ผลรวมสุทธิ", "ลำดับ")
    ms.import_mapping_save(user=org_admin, name="แบบ 1", sheet=s, fields={"A": "agency"}, organization=org_a)
    client.force_login(org_admin)
    client.get(LIST)  # warm the session and the user's roles
    with CaptureQueriesContext(connection) as one:
        assert client.get(LIST).status_code == 200
    for n in range(2, 8):
        user = staff if n % 2 else org_admin
        ms.import_mapping_save(
            user=user, name=f"แบบ {n}", sheet=s, fields={"A": "agency"}, organization=None if n % 2 else org_a
        )
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get(LIST).status_code == 200
