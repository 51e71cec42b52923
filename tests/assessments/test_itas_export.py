"""The results workbook in the ITAS layout: read back by ``read_itas`` unchanged, safe cells, the
export_ita command and the list page's download."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from assessments import selectors, services
from assessments.importer import read_itas
from assessments.importer.columns import column_field
from assessments.itas_export import ITEM_SHEET, QUESTION_SHEET, SUMMARY_HEADERS, SUMMARY_SHEET, itas_workbook
from assessments.models import Assessment, Membership, Role
from tests.conftest import make_member, make_org

SRIKHAM = {
    1: Decimal("88.81"),
    2: Decimal("75.15"),
    3: Decimal("82.16"),
    4: Decimal("78.08"),
    5: Decimal("80.24"),
    6: Decimal("82.65"),
    7: Decimal("75.22"),
    8: Decimal("78.09"),
}
PUBLISHED_TOOLS = {"IIT": Decimal("80.89"), "EIT": Decimal("78.65"), "OIT": Decimal("100.00")}


@pytest.fixture
def complete(assessment, officer):
    """Organization A: the Srikham reference scores, every O-item passed, two question scores, and the
    published values; one O-item failed with a note."""
    services.indicator_scores_set(assessment=assessment, scores=SRIKHAM, user=officer)
    services.disclosures_mark_passed(assessment=assessment, user=officer)
    services.disclosure_result_set(
        assessment=assessment,
        item=assessment.framework.items.get(code="O2"),
        passed=False,
        urls=["https://a.example/o2", "https://a.example/o2b"],
        note="ยังไม่ครบ",
        user=officer,
    )
    codes = sorted(selectors.framework_structure(assessment.framework).question_ids)[:2]
    services.question_scores_set(
        assessment=assessment, scores={codes[0]: Decimal("91.5"), codes[1]: Decimal("66.67")}, user=officer
    )
    services.assessment_published_set(
        assessment=assessment, total=Decimal("87.86"), band="A", tool_scores=PUBLISHED_TOOLS, user=officer
    )
    assessment.refresh_from_db()
    return assessment


@pytest.fixture
def partial(assessment_b, outsider):
    """Organization B: two indicators and one failed O-item, nothing published."""
    services.indicator_scores_set(
        assessment=assessment_b, scores={1: Decimal("70"), 3: Decimal("64.5")}, user=outsider
    )
    services.disclosure_result_set(
        assessment=assessment_b,
        item=assessment_b.framework.items.get(code="O5"),
        passed=False,
        urls=[],
        note="",
        user=outsider,
    )
    assessment_b.refresh_from_db()
    return assessment_b


def _by_code(content: bytes):
    reading = read_itas(content)
    return reading, {r.itas_code: r for r in reading.records}


def test_itas_workbook_reads_back_the_published_values_indicators_and_items(complete, partial):
    reading, agencies = _by_code(itas_workbook(Assessment.objects.all()))
    assert (reading.errors, reading.warnings) == ((), ())
    a, b = agencies["T-0001"], agencies["T-0002"]
    assert (a.agency, a.province, a.year) == ("เทศบาลตำบลทดสอบ", "ขอนแก่น", 2565)
    assert (a.tools, a.weighted, a.total, a.band) == (PUBLISHED_TOOLS, {}, Decimal("87.86"), "A")
    assert a.indicators == SRIKHAM
    items = dict(complete.disclosures.values_list("item__code", "passed"))
    assert a.items == items
    assert len(items) == 43
    assert a.item_urls == {"O1": "https://a.example/o1", "O2": "https://a.example/o2\nhttps://a.example/o2b"}
    assert a.item_comments == {"O2": "ยังไม่ครบ"}
    stored = {
        code.upper(): score for code, score in complete.question_scores.values_list("item__code", "score")
    }
    assert a.questions == stored
    assert (b.tools, b.total, b.band) == ({}, None, None)
    assert b.indicators == {1: Decimal("70"), 3: Decimal("64.5")}
    assert (b.items, b.questions) == ({"O5": False}, {})


def test_itas_workbook_keeps_computed_values_in_their_own_columns(complete):
    ws = load_workbook(io.BytesIO(itas_workbook([complete])))[SUMMARY_SHEET]
    row = dict(zip([c.value for c in ws[1]], [c.value for c in ws[2]], strict=True))
    assert [row[h] for h in ("คะแนนรวม", "ระดับผลการประเมิน", "คะแนนรวม (คำนวณ)", "ระดับ (คำนวณ)")] == [
        87.86,
        "A",
        float(complete.computed_total),
        complete.computed_band,
    ]
    assert (row["ตัวชี้วัดที่ 9"], row["ตัวชี้วัดที่ 9 (คำนวณ)"]) == (None, 97.78)
    assert row["IIT (คำนวณ)"] == 80.89


def test_itas_workbook_published_columns_stay_empty_when_nothing_is_published(partial):
    ws = load_workbook(io.BytesIO(itas_workbook([partial])))[SUMMARY_SHEET]
    row = dict(zip([c.value for c in ws[1]], [c.value for c in ws[2]], strict=True))
    published = [
        "IIT (คะแนนเต็ม 100)",
        "EIT (คะแนนเต็ม 100)",
        "OIT (คะแนนเต็ม 100)",
        "คะแนนรวม",
        "ระดับผลการประเมิน",
    ]
    assert [row[h] for h in published] == [None] * 5


def test_itas_workbook_every_header_is_read_with_certainty(complete):
    reading = read_itas(itas_workbook([complete]))
    assert [(s.name, s.kind) for s in reading.sheets] == [
        (SUMMARY_SHEET, "summary"),
        (ITEM_SHEET, "items"),
        (QUESTION_SHEET, "questions"),
    ]
    assert [g.header for s in reading.sheets for g in s.columns if not g.sure or g.field is None] == []
    summary = reading.sheets[0]
    assert (summary.scale, summary.scale_sure) == ("raw", True)
    assert {g.header for g in summary.columns if g.field == "ignore"} == {
        "ประเภท",
        *(h for h in SUMMARY_HEADERS if h.endswith("(คำนวณ)")),
    }


def test_itas_workbook_filters_by_fiscal_year(complete, org_a, officer):
    services.assessment_create(organization=org_a, fiscal_year=2566, user=officer)
    reading = read_itas(itas_workbook(Assessment.objects.all(), fiscal_year=2566))
    assert [(r.itas_code, r.year) for r in reading.records] == [("T-0001", 2566)]


def test_itas_workbook_keeps_a_formula_like_name_as_text(fw2565, officer):
    org = make_org('=HYPERLINK("http://evil.example")', "T-0666")

    Membership.objects.create(user=officer, organization=org, role=Role.OFFICER)
    a = services.assessment_create(organization=org, fiscal_year=2565, user=officer)
    services.disclosure_result_set(
        assessment=a, item=a.framework.items.get(code="O1"), passed=True, urls=[], note="=1+1", user=officer
    )
    content = itas_workbook([a])
    wb = load_workbook(io.BytesIO(content))
    name, note = wb[SUMMARY_SHEET]["B2"], wb[ITEM_SHEET]["I2"]
    assert [(c.value, c.data_type, c.quotePrefix) for c in (name, note)] == [
        ('=HYPERLINK("http://evil.example")', "s", True),
        ("=1+1", "s", True),
    ]
    reading = read_itas(content)
    assert reading.errors == ()
    assert [(r.agency, r.item_comments) for r in reading.records] == [
        ('=HYPERLINK("http://evil.example")', {"O1": "=1+1"})
    ]


def test_itas_workbook_queries_stay_flat(complete, fw2565, officer):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            itas_workbook(Assessment.objects.select_related("organization", "framework"))
        return len(ctx.captured_queries)

    one = count()
    for n in range(19):
        org = make_org(f"เทศบาลตำบลที่ {n}", f"Q-{n:04d}")
        member = make_member(f"member-{n}", org, Role.OFFICER)
        a = services.assessment_create(organization=org, fiscal_year=2565, user=member)
        services.indicator_scores_set(assessment=a, scores={1: Decimal("80")}, user=member)
        services.disclosures_mark_passed(assessment=a, user=member)
    assert Assessment.objects.count() == 20
    assert (one, count()) == (4, 4)


def test_itas_workbook_prints_and_freezes_each_table(complete):
    wb = load_workbook(io.BytesIO(itas_workbook([complete])))
    assert [(ws.title, ws.freeze_panes, ws.print_title_rows, ws.page_setup.orientation) for ws in wb] == [
        (name, "A2", "$1:$1", "landscape") for name in (SUMMARY_SHEET, ITEM_SHEET, QUESTION_SHEET)
    ]


# --------------------------------------------------------------------------- columns.py variants


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("คะแนนรวม (คำนวณ)", "ignore"),
        ("ระดับ (คำนวณ)", "ignore"),
        ("IIT (คำนวณ)", "ignore"),
        ("ตัวชี้วัดที่ ๙ (คำนวณ)", "ignore"),
        ("Total (computed)", "ignore"),
        ("IIT (คะแนนเต็ม 100)", "IIT"),
        ("OIT (เต็ม 100)", "OIT"),
    ],
)
def test_column_field_knows_computed_and_full_scale_headers(header, field):
    assert column_field(header) == (field, True)


# --------------------------------------------------------------------------- export_ita


def _run(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("export_ita", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return exc.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_command_exports_every_organization_of_the_year(tmp_path, complete, partial):
    path = tmp_path / "ita.xlsx"
    code, out, err = _run("--year", "2565", "--out", str(path))
    assert (code, out, err) == (0, f"{path}: 2 หน่วยงาน\n", "")
    assert sorted(r.itas_code for r in read_itas(path.read_bytes()).records) == ["T-0001", "T-0002"]


@pytest.mark.parametrize("org", ["T-0002", "องค์การบริหารส่วนตำบลอื่น"])
def test_command_exports_one_organization(tmp_path, complete, partial, org):
    path = tmp_path / "ita.xlsx"
    code, _out, err = _run("--year", "2565", "--org", org, "--out", str(path))
    assert (code, err) == (0, "")
    assert [r.itas_code for r in read_itas(path.read_bytes()).records] == ["T-0002"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "65"], "--year: ต้องเป็นปีงบประมาณ เช่น 2565 แต่ได้รับ 65\n"),
        (["--year", "2565", "--org", "ไม่มี"], '--org: ไม่พบหน่วยงานที่มีรหัส ITAS หรือชื่อ "ไม่มี"\n'),
        (["--year", "2570"], "ไม่มีหน่วยงานใดมีการประเมินของปีงบประมาณ 2570\n"),
        (["--year", "2566", "--org", "T-0001"], "เทศบาลตำบลทดสอบ ไม่มีการประเมินของปีงบประมาณ 2566\n"),
    ],
)
def test_command_bad_input_exits_2_with_one_thai_line(tmp_path, complete, args, message):
    code, out, err = _run(*args, "--out", str(tmp_path / "x.xlsx"))
    assert (code, out, err) == (2, "", message)
    assert not (tmp_path / "x.xlsx").exists()


def test_command_unwritable_file_exits_2(tmp_path, complete):
    code, _out, err = _run("--year", "2565", "--out", str(tmp_path / "missing" / "x.xlsx"))
    assert code == 2
    assert err.startswith("--out: ")


# --------------------------------------------------------------------------- the list page's download


def test_itas_export_view_gives_the_users_organizations(client, officer, complete, partial):
    client.force_login(officer)
    r = client.get(reverse("assessments:itas-export"))
    assert r.status_code == 200
    assert r["Content-Disposition"] == 'attachment; filename="ita-itas.xlsx"'
    assert [a.itas_code for a in read_itas(r.content).records] == ["T-0001"]


def test_itas_export_view_for_executive_reads(client, executive, complete):
    client.force_login(executive)
    r = client.get(reverse("assessments:itas-export"), {"year": "2565", "org": complete.organization_id})
    assert r.status_code == 200
    assert [a.itas_code for a in read_itas(r.content).records] == ["T-0001"]


def test_itas_export_view_outsider_sees_only_own_organization(client, outsider, complete, partial):
    client.force_login(outsider)
    r = client.get(reverse("assessments:itas-export"))
    assert [a.itas_code for a in read_itas(r.content).records] == ["T-0002"]
    other = client.get(reverse("assessments:itas-export"), {"org": complete.organization_id})
    assert other.status_code == 404


def test_itas_export_view_site_staff_get_every_organization(client, complete, partial, django_user_model):
    staff = django_user_model.objects.create_user(username="staff", password="x", is_staff=True)
    client.force_login(staff)
    r = client.get(reverse("assessments:itas-export"), {"year": "2565"})
    assert sorted(a.itas_code for a in read_itas(r.content).records) == ["T-0001", "T-0002"]


def test_itas_export_view_rejects_a_bad_parameter_and_anonymous(client, officer, complete):
    assert client.get(reverse("assessments:itas-export")).status_code == 302
    client.force_login(officer)
    assert client.get(reverse("assessments:itas-export"), {"year": "x"}).status_code == 404
    assert client.post(reverse("assessments:itas-export")).status_code == 405


def test_list_page_links_the_itas_export(client, officer, complete):
    client.force_login(officer)
    body = client.get(reverse("assessments:list")).content.decode()
    assert f'id="itas-export" href="{reverse("assessments:itas-export")}"' in body
