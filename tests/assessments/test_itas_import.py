"""The ITAS import's apply service: agencies matched or created, published values kept apart from the
recomputed ones, discrepancies, all or nothing, unchanged on a second import, access, bulk reads."""

from __future__ import annotations

from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from assessments import services
from assessments.itas_import import (
    COMMAND_LINE,
    CREATED,
    NOT_STORED,
    UNCHANGED,
    UPDATED,
    Discrepancy,
    itas_import,
)
from assessments.models import (
    Assessment,
    DisclosureResult,
    IndicatorScore,
    Organization,
    OrganizationType,
    QuestionScore,
)
from tests.conftest import run_at_once

from .itas_workbooks import SRIKHAM, csv_bytes, xlsx

D = Decimal
INDICATORS = {int(k): v for k, v in SRIKHAM["indicator_scores"].items()}
EXPECT = SRIKHAM["expect"]
HEADER = [
    "รหัสหน่วยงาน",
    "ชื่อหน่วยงาน",
    "จังหวัด",
    "ปีงบประมาณ",
    "IIT",
    "EIT",
    "OIT",
    "คะแนนรวม",
    "ระดับ",
    *[f"ตัวชี้วัดที่ {n}" for n in range(1, 11)],
]


def row(
    code="5570101", name="อบต.ศรีคำ", province="เชียงราย", year=2565, total="87.86", band="A", changed=None
):
    indicators = {**INDICATORS, **(changed or {})}
    return [
        code,
        name,
        province,
        year,
        EXPECT["IIT"],
        EXPECT["EIT"],
        EXPECT["OIT"],
        total,
        band,
        *[indicators[n] for n in range(1, 11)],
    ]


def book(*rows) -> bytes:
    return xlsx([HEADER, *rows], title="ผล 2565")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def srikham(db):
    return Organization.objects.create(
        name="องค์การบริหารส่วนตำบลศรีคำ", org_type=OrganizationType.SAO, province="เชียงราย", itas_code="5570101"
    )


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user(username="staff", password="x", is_staff=True)


def counts() -> tuple[int, ...]:
    return (
        Organization.objects.count(),
        Assessment.objects.count(),
        IndicatorScore.objects.count(),
        DisclosureResult.objects.count(),
        QuestionScore.objects.count(),
        LogEntry.objects.count(),
    )


def test_itas_import_srikham_2565_is_computed_87_86_a_from_its_indicator_scores(frameworks, srikham, staff):
    result = itas_import(data=book(row()), user=staff)
    assert (result.errors, result.written, result.as_json()["created"]) == ([], True, 1)
    a = Assessment.objects.get(organization=srikham, fiscal_year=2565)
    assert (a.computed_total, a.computed_band, a.computed_complete) == (D("87.86"), "A", True)
    assert (a.published_total, a.published_band) == (D("87.86"), "A")
    assert a.published_tool_scores == {"IIT": "80.89", "EIT": "78.65", "OIT": "100.00"}
    assert dict(a.indicator_scores.values_list("indicator__number", "score")) == {
        n: D(v) for n, v in INDICATORS.items()
    }
    assert a.created_by == staff
    assert result.discrepancies == []
    assert result.as_json()["results"] == [
        {
            "agency": "องค์การบริหารส่วนตำบลศรีคำ",
            "itas_code": "5570101",
            "year": 2565,
            "published_total": "87.86",
            "computed_total": "87.86",
            "computed_band": "A",
            "complete": True,
        }
    ]


def test_itas_import_again_is_unchanged_and_writes_nothing(frameworks, srikham, staff):
    itas_import(data=book(row()), user=staff)
    before, stamp = counts(), Assessment.objects.get().updated_at
    result = itas_import(data=book(row()), user=staff)
    assert [(o.action, o.changes) for o in result.outcomes] == [(UNCHANGED, ())]
    assert (counts(), Assessment.objects.get().updated_at) == (before, stamp)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp874"])
def test_itas_import_csv_of_the_same_data_is_unchanged(frameworks, srikham, staff, encoding):
    itas_import(data=book(row()), user=staff)
    before = counts()
    result = itas_import(data=csv_bytes([HEADER, row()], encoding), user=staff)
    assert (result.errors, [o.action for o in result.outcomes]) == ([], [UNCHANGED])
    assert counts() == before


def test_itas_import_changed_value_is_updated_and_recomputed(frameworks, srikham, staff):
    itas_import(data=book(row()), user=staff)
    result = itas_import(data=book(row(changed={1: "98.81"})), user=staff)
    assert [(o.action, o.changes) for o in result.outcomes] == [(UPDATED, ("indicators",))]
    a = Assessment.objects.get()
    assert a.indicator_scores.get(indicator__number=1).score == D("98.81")
    assert (a.computed_total, a.published_total) == (result.outcomes[0].computed_total, D("87.86"))
    assert a.computed_total == D("88.46")  # IIT 414.44 / 5 x 0.3 + EIT 235.96 / 3 x 0.3 + OIT 40


def test_itas_import_discrepancy_published_95_01_aa_computed_below_95(frameworks, srikham, staff):
    result = itas_import(data=book(row(total="95.01", band="AA")), user=staff)
    assert result.discrepancies == [
        Discrepancy("องค์การบริหารส่วนตำบลศรีคำ", "5570101", 2565, D("95.01"), D("87.86"), "AA", "A")
    ]
    assert result.as_json()["discrepancies"] == [
        {
            "agency": "องค์การบริหารส่วนตำบลศรีคำ",
            "itas_code": "5570101",
            "year": 2565,
            "published_total": "95.01",
            "computed_total": "87.86",
            "published_band": "AA",
            "computed_band": "A",
        }
    ]
    a = Assessment.objects.get()
    assert (a.published_total, a.published_band, a.computed_total, a.computed_band) == (
        D("95.01"),
        "AA",
        D("87.86"),
        "A",
    )


def test_itas_import_a_total_within_0_01_is_no_discrepancy(frameworks, srikham, staff):
    result = itas_import(data=book(row(total="87.87")), user=staff)
    assert (result.errors, result.discrepancies) == ([], [])


def test_itas_import_year_without_framework_warns_and_stores_nothing(frameworks, srikham, staff):
    before = counts()
    result = itas_import(data=book(row(year=2562)), user=staff)
    assert result.errors == []
    assert [(w.sheet, w.row, w.message) for w in result.warnings] == [
        (
            "ผล 2565",
            2,
            "องค์การบริหารส่วนตำบลศรีคำ: not recomputed: no framework for 2562; its published values are "
            "reported but not stored (an assessment needs the framework of its year).",
        )
    ]
    assert [(o.action, o.published_total, o.computed_total, o.complete) for o in result.outcomes] == [
        (NOT_STORED, D("87.86"), None, False)
    ]
    assert (result.as_json()["agencies"], result.as_json()["created"]) == (1, 0)
    assert counts() == before


def test_itas_import_unmatched_agency_lists_the_closest_candidates(frameworks, srikham, staff):
    before = counts()
    result = itas_import(data=book(row(), row(code="", name="อบต. ศรีคาม")), user=staff)
    assert [(e.sheet, e.row, e.value, e.message) for e in result.errors] == [
        (
            "ผล 2565",
            3,
            "อบต. ศรีคาม",
            "No agency in the portal matches “อบต. ศรีคาม”. The closest: องค์การบริหารส่วนตำบลศรีคำ (5570101).",
        )
    ]
    assert (result.written, counts()) == (False, before)


def test_itas_import_creates_agencies_when_asked(frameworks, srikham, staff):
    data = book(row(), row(code="9990001", name="ทต. บ้านใหม่", province="ลำปาง"))
    result = itas_import(data=data, user=staff, create_agencies=True)
    assert (result.errors, result.new_organizations) == ([], ["เทศบาลตำบลบ้านใหม่"])
    org = Organization.objects.get(itas_code="9990001")
    assert (org.name, org.org_type, org.province) == (
        "เทศบาลตำบลบ้านใหม่",
        OrganizationType.SUBDISTRICT_MUNICIPALITY,
        "ลำปาง",
    )
    assert Assessment.objects.get(organization=org).computed_total == D("87.86")
    again = itas_import(data=data, user=staff, create_agencies=True)
    assert ([o.action for o in again.outcomes], Organization.objects.count()) == ([UNCHANGED, UNCHANGED], 2)


def test_itas_import_cannot_create_an_agency_of_unknown_kind(frameworks, staff):
    result = itas_import(data=book(row(code="9990002", name="บ้านใหม่")), user=staff, create_agencies=True)
    assert [e.message for e in result.errors] == [
        "Cannot create “บ้านใหม่”: its name does not say which kind of local government it is "
        "(เทศบาลนคร, เทศบาลเมือง, เทศบาลตำบล, อบต. or อบจ.)."
    ]
    assert Organization.objects.count() == 0


def test_itas_import_organization_admin_only_own_rows(frameworks, org_a, org_b, org_admin):
    own = row(code="T-0001", name="เทศบาลตำบลทดสอบ", province="ขอนแก่น")
    other = row(code="T-0002", name="องค์การบริหารส่วนตำบลอื่น", province="ขอนแก่น")
    before = counts()
    result = itas_import(data=book(own, other), user=org_admin, organization=org_a)
    assert [(e.row, e.message) for e in result.errors] == [
        (
            3,
            "“องค์การบริหารส่วนตำบลอื่น” is not เทศบาลตำบลทดสอบ: an organization's administrator imports "
            "only the rows of their own organization.",
        )
    ]
    assert counts() == before
    result = itas_import(data=book(own), user=org_admin, organization=org_a)
    assert [o.action for o in result.outcomes] == [CREATED]
    assert Assessment.objects.get().created_by == org_admin


def test_itas_import_refuses_who_may_not(frameworks, org_a, officer, org_admin, executive):
    data = book(row(code="T-0001", name="เทศบาลตำบลทดสอบ"))
    for user, organization in ((officer, org_a), (executive, org_a), (org_admin, None)):
        with pytest.raises(PermissionDenied):
            itas_import(data=data, user=user, organization=organization)
    assert Assessment.objects.count() == 0


def test_itas_import_error_row_writes_nothing(frameworks, srikham, org_a, staff):
    before = counts()
    result = itas_import(data=book(row(), row(code="T-0001", name="เทศบาลตำบลทดสอบ", band="Z")), user=staff)
    assert [(e.row, e.column) for e in result.errors] == [(3, "I")]
    assert (result.written, counts()) == (False, before)


def test_itas_import_a_service_refusal_rolls_everything_back(frameworks, srikham, org_a, staff, monkeypatch):
    real, calls = services.indicator_scores_set, []

    def refuse_second(**kwargs):
        calls.append(kwargs["assessment"].organization_id)
        if len(calls) == 2:
            raise ValidationError("refused")
        return real(**kwargs)

    monkeypatch.setattr(services, "indicator_scores_set", refuse_second)
    before = counts()
    result = itas_import(data=book(row(), row(code="T-0001", name="เทศบาลตำบลทดสอบ")), user=staff)
    assert (len(calls), [e.message for e in result.errors], result.written) == (2, ["refused"], False)
    assert counts() == before


def test_itas_import_dry_run_reports_and_writes_nothing(frameworks, srikham, staff):
    before = counts()
    result = itas_import(data=book(row(total="95.01", band="AA")), user=staff, dry_run=True)
    assert ([o.action for o in result.outcomes], len(result.discrepancies), result.written) == (
        [CREATED],
        1,
        False,
    )
    assert counts() == before


def test_itas_import_items_with_url_and_comment_and_question_scores(frameworks, srikham, staff):
    items = [["รหัสหน่วยงาน", "หน่วยงาน", "ปี", "ข้อ", "ผลการประเมิน", "URL", "ความคิดเห็นผู้ตรวจ"]]
    items += [["5570101", "อบต.ศรีคำ", 2565, "O1", "มี", "https://example.go.th/o1", ""]]
    items += [["5570101", "อบต.ศรีคำ", 2565, "O2", "ไม่มี", "", "ไม่พบข้อมูลปีปัจจุบัน"]]
    questions = [["รหัสหน่วยงาน", "หน่วยงาน", "ปีงบประมาณ", "รหัสข้อคำถาม", "คะแนน (ร้อยละ)"]]
    questions += [["5570101", "อบต.ศรีคำ", 2565, "I1", "88.81%"], ["5570101", "อบต.ศรีคำ", 2565, "e1", "78.08"]]
    data = xlsx(items, title="O", extra={"คำถาม": questions})
    result = itas_import(data=data, user=staff)
    assert (result.errors, [o.action for o in result.outcomes]) == ([], [CREATED])
    a = Assessment.objects.get()
    rows = {d.item.code: (d.passed, d.urls, d.note) for d in a.disclosures.select_related("item")}
    assert rows == {
        "O1": (True, ["https://example.go.th/o1"], ""),
        "O2": (False, [], "ไม่พบข้อมูลปีปัจจุบัน"),
    }
    assert dict(a.question_scores.values_list("item__code", "score")) == {"i1": D("88.81"), "e1": D("78.08")}
    assert (a.computed_total, a.computed_complete) == (None, False)
    assert [(o.computed_total, o.complete) for o in result.outcomes] == [(None, False)]
    assert [o.action for o in itas_import(data=data, user=staff).outcomes] == [UNCHANGED]


def test_itas_import_unknown_o_item_is_an_error(frameworks, srikham, staff):
    items = [["รหัสหน่วยงาน", "หน่วยงาน", "ปี", "ข้อ", "ผลการประเมิน"], ["5570101", "อบต.ศรีคำ", 2565, "O99", "มี"]]
    result = itas_import(data=xlsx(items), user=staff)
    assert [e.message for e in result.errors] == ["O-item(s) O99 are not in the ITA 2565 framework."]
    assert Assessment.objects.count() == 0


def test_itas_import_weighted_tool_scores_only_are_not_stored_as_published(frameworks, srikham, staff):
    header = ["รหัสหน่วยงาน", "หน่วยงาน", "ปีงบประมาณ", "IIT (30)", "EIT (30)", "OIT (40)", "คะแนนรวม", "ระดับ"]
    data = xlsx([header, ["5570101", "อบต.ศรีคำ", 2565, "24.27", "23.60", "40.00", "87.86", "A"]])
    result = itas_import(data=data, user=staff)
    assert [w.message for w in result.warnings] == [
        "องค์การบริหารส่วนตำบลศรีคำ: the weighted scores of EIT, IIT, OIT are not stored as published tool "
        "scores (the portal keeps published tool scores out of 100)."
    ]
    a = Assessment.objects.get()
    assert (a.published_total, a.published_band, a.published_tool_scores) == (D("87.86"), "A", {})


def _agencies(n: int) -> list[list]:
    orgs = [
        Organization(
            name=f"องค์การบริหารส่วนตำบลทดลอง{i}",
            org_type=OrganizationType.SAO,
            province="น่าน",
            itas_code=f"Q{i:04}",
        )
        for i in range(n)
    ]
    Organization.objects.bulk_create(orgs)
    return [row(code=o.itas_code, name=o.name, province="น่าน") for o in orgs]


def _queries(data: bytes, user) -> int:
    itas_import(data=data, user=user, dry_run=True)  # the framework structure is read once per process
    with CaptureQueriesContext(connection) as ctx:
        result = itas_import(data=data, user=user)
    assert result.errors == []
    return len(ctx.captured_queries)


def test_itas_import_reads_in_bulk_1_versus_20_agencies(frameworks, staff):
    rows = _agencies(24)
    _queries(book(rows[0]), staff)  # caches of the process (content types, the user's roles) warm
    one, two, twenty = book(rows[1]), book(*rows[2:4]), book(*rows[4:])
    write = [_queries(data, staff) for data in (one, two, twenty)]
    # Reading, matching and planning (here: a second import, all unchanged) take the same queries
    # whatever the number of agencies and cells.
    plan = [_queries(data, staff) for data in (one, two, twenty)]
    assert plan[0] == plan[1] == plan[2]
    # Writes go through the services (each saved row its audit entry): the same count per agency.
    per_agency = write[1] - write[0]
    assert write[2] - write[0] == 19 * per_agency


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and races need PostgreSQL")
def test_itas_import_two_at_once_no_duplicates(transactional_db, frameworks, srikham, org_a):
    data = book(row(), row(code="T-0001", name="เทศบาลตำบลทดสอบ"))
    outcomes = run_at_once(lambda i: itas_import(data=data, user=COMMAND_LINE), 2)
    assert [o for o in outcomes if isinstance(o, BaseException)] == []
    assert sorted(o.count(CREATED) for o in outcomes) == [0, 2]
    assert sorted(o.count(UNCHANGED) for o in outcomes) == [0, 2]
    assert (Assessment.objects.count(), IndicatorScore.objects.count()) == (2, 20)
