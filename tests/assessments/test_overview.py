"""The overview of many organizations: site staff only, one row per organization with the stored
result (equal to a fresh score), rank, change, filters, Thai search, sorting, export, flat queries."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from openpyxl import load_workbook

from assessments import overview_selectors, scoring, selectors, services
from assessments.models import Assessment, Organization, OrganizationType
from tests.conftest import make_org

SRIKHAM = {1: "88.81", 2: "75.15", 3: "82.16", 4: "78.08", 5: "80.24", 6: "82.65", 7: "75.22", 8: "78.09"}


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user(username="staff", password="x-pass-1234", is_staff=True)


def complete(assessment, user, *, ind9: str = "100", ind10: str = "100", base: dict | None = None):
    scores = {n: Decimal(v) for n, v in (base or SRIKHAM).items()}
    scores |= {9: Decimal(ind9), 10: Decimal(ind10)}
    services.indicator_scores_set(assessment=assessment, scores=scores, user=user)
    assessment.refresh_from_db()
    return assessment


@pytest.fixture
def cast(fw2565, frameworks, org_a, org_b, officer, outsider):
    """A (2564 and 2565), B (2565, lower), C (no result in 2565)."""
    org_a.district = "เมือง"
    org_a.save()
    org_b.province = "ลำปาง"
    org_b.org_type = OrganizationType.SAO
    org_b.save()
    a65 = complete(services.assessment_create(organization=org_a, fiscal_year=2565, user=officer), officer)
    a64 = complete(
        services.assessment_create(organization=org_a, fiscal_year=2564, user=officer), officer, ind9="80"
    )
    b65 = complete(
        services.assessment_create(organization=org_b, fiscal_year=2565, user=outsider), outsider, ind10="50"
    )
    org_c = make_org("เทศบาลเมืองบ้านใหม่", "T-0003")
    return {"a65": a65, "a64": a64, "b65": b65, "c": org_c}


def test_overview_is_for_site_staff_only(client, officer, outsider, cast):
    for user in (officer, outsider):
        client.force_login(user)
        assert client.get(reverse("overview:index")).status_code == 403
        assert client.get(reverse("overview:export")).status_code == 403
    assert overview_selectors.organizations_overseen(officer).count() == 0


def test_overview_rows_equal_a_fresh_score(staff, cast):
    rows = {r.name: r for r in overview_selectors.overview_rows(staff, 2565)}
    for key in ("a65", "b65"):
        a = Assessment.objects.get(pk=cast[key].pk)
        fresh = selectors.assessment_result(a)
        row = rows[a.organization.name]
        assert row.total == scoring.round2(fresh.total)
        assert row.band == fresh.band
    a_prev = selectors.assessment_result(Assessment.objects.get(pk=cast["a64"].pk))
    row_a = rows[cast["a65"].organization.name]
    assert row_a.previous == scoring.round2(a_prev.total)
    assert row_a.change == row_a.total - row_a.previous
    assert rows["เทศบาลเมืองบ้านใหม่"].total is None


def test_overview_follows_a_later_write(staff, officer, cast):
    a = cast["a65"]
    services.indicator_scores_set(assessment=a, scores={1: Decimal("50.00")}, user=officer)
    row = next(r for r in overview_selectors.overview_rows(staff, 2565) if r.assessment_id == a.pk)
    assert row.total == scoring.round2(selectors.assessment_result(Assessment.objects.get(pk=a.pk)).total)


def test_overview_page_ranks_and_shows_change(client, staff, cast):
    client.force_login(staff)
    r = client.get(reverse("overview:index"), {"year": 2565})
    assert r.status_code == 200
    rows = list(r.context["page"].object_list)
    assert [(row.name, row.rank) for row in rows] == [
        ("เทศบาลตำบลทดสอบ", 1),
        ("องค์การบริหารส่วนตำบลอื่น", 2),
        ("เทศบาลเมืองบ้านใหม่", None),
    ]
    assert rows[0].change > 0
    body = r.content.decode()
    assert "ภาพรวมหน่วยงาน" in body
    assert 'id="band-chart-data"' in body
    assert 'id="band-table"' in body
    dist = {value: n for value, _label, n in r.context["distribution"]}
    assert dist["none"] == 1
    assert sum(dist.values()) == 3


def test_rank_ties_share_a_place():
    rows = [
        overview_selectors.OverviewRow(i, f"o{i}", "sao", "", "", i, total, "A", None)
        for i, total in enumerate([Decimal("90"), Decimal("95"), Decimal("90"), None, Decimal("80")])
    ]
    overview_selectors._rank(rows)
    assert [r.rank for r in rows] == [2, 1, 2, None, 4]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ทต.ทดสอบ", ["เทศบาลตำบลทดสอบ"]),
        ("ทต. ทดสอบ", ["เทศบาลตำบลทดสอบ"]),
        ("เทศบาลตำบล ทด สอบ", ["เทศบาลตำบลทดสอบ"]),
        ("อบต.อื่น", ["องค์การบริหารส่วนตำบลอื่น"]),
        ("ทม.บ้านใหม่", ["เทศบาลเมืองบ้านใหม่"]),
        ("บ้านใหม่", ["เทศบาลเมืองบ้านใหม่"]),
        ("ลำปาง", ["องค์การบริหารส่วนตำบลอื่น"]),
        ("เมือง", ["เทศบาลตำบลทดสอบ", "เทศบาลเมืองบ้านใหม่"]),
        ("ไม่มีชื่อนี้", []),
    ],
)
def test_overview_search_in_thai(client, staff, cast, query, expected):
    client.force_login(staff)
    r = client.get(reverse("overview:index"), {"year": 2565, "q": query, "sort": "name"})
    assert sorted(row.name for row in r.context["page"].object_list) == sorted(expected)


def test_overview_filters_and_sorting(client, staff, cast):
    client.force_login(staff)
    names = lambda r: [row.name for row in r.context["page"].object_list]  # noqa: E731
    url = reverse("overview:index")
    assert names(client.get(url, {"year": 2565, "type": "sao"})) == ["องค์การบริหารส่วนตำบลอื่น"]
    assert names(client.get(url, {"year": 2565, "province": "ลำปาง"})) == ["องค์การบริหารส่วนตำบลอื่น"]
    assert names(client.get(url, {"year": 2565, "band": "none"})) == ["เทศบาลเมืองบ้านใหม่"]
    band_a = cast["a65"].computed_band
    assert "เทศบาลตำบลทดสอบ" in names(client.get(url, {"year": 2565, "band": band_a}))
    assert names(client.get(url, {"year": 2565, "sort": "-total"}))[0] == "เทศบาลตำบลทดสอบ"
    assert names(client.get(url, {"year": 2565, "sort": "total"}))[:2] == [
        "องค์การบริหารส่วนตำบลอื่น",
        "เทศบาลตำบลทดสอบ",
    ]
    assert names(client.get(url, {"year": 2565, "sort": "total"}))[-1] == "เทศบาลเมืองบ้านใหม่"
    empty = client.get(url, {"year": 2565, "q": "ไม่มีชื่อนี้"})
    assert "ไม่มีหน่วยงานที่ตรงกับตัวกรองนี้" in empty.content.decode()
    assert client.get(url, {"year": "abc"}).status_code == 404


def test_overview_paginates(client, staff, cast):
    Organization.objects.bulk_create(
        Organization(name=f"อบต.หน้า{i:03d}", org_type=OrganizationType.SAO, province="น่าน") for i in range(60)
    )
    client.force_login(staff)
    r = client.get(reverse("overview:index"), {"year": 2565, "page": 2})
    assert r.context["page"].number == 2
    assert len(r.context["page"].object_list) == 63 - 50


def test_overview_query_count_is_flat(client, staff, cast, django_assert_max_num_queries):
    client.force_login(staff)
    url = reverse("overview:index")
    client.get(url, {"year": 2565})
    with django_assert_max_num_queries(9):  # 8 for the page + the top bar's memo inbox count
        client.get(url, {"year": 2565})
    Organization.objects.bulk_create(
        Organization(name=f"อบต.ที่{i:03d}", org_type=OrganizationType.SAO, province="น่าน") for i in range(200)
    )
    with django_assert_max_num_queries(9):  # 8 for the page + the top bar's memo inbox count
        r = client.get(url, {"year": 2565, "q": "อบต."})
    assert r.context["shown_count"] == 201


def test_overview_export(client, staff, cast):
    Organization.objects.filter(pk=cast["c"].pk).update(district="=cmd|' /C calc'!A0")
    client.force_login(staff)
    r = client.get(reverse("overview:export"), {"year": 2565, "sort": "rank"})
    assert r.status_code == 200
    ws = load_workbook(BytesIO(r.content)).active
    assert [c.value for c in ws[1]][:3] == ["อันดับ", "หน่วยงาน", "ประเภท"]
    assert ws["A2"].value == 1
    assert ws["B2"].value == "เทศบาลตำบลทดสอบ"
    assert ws["F2"].value == float(cast["a65"].computed_total)
    assert ws["E4"].value == "=cmd|' /C calc'!A0"
    assert ws["E4"].data_type == "s"
    assert ws.max_row == 4


def test_overview_nav_link_for_staff_only(client, staff, officer, cast):
    client.force_login(staff)
    assert reverse("overview:index") in client.get(reverse("assessments:list")).content.decode()
    client.force_login(officer)
    assert reverse("overview:index") not in client.get(reverse("assessments:list")).content.decode()
