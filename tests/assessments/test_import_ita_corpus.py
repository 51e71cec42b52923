"""The messy-file corpus of ``manage.py import_ita`` (issue 7 "Done when": at least twenty generated
workbooks, each with the result it must give). Every file is generated here; each goes through the
command with ``--json`` in Thai, and the table says the exit status and either a fragment of the Thai
problem it must report or the published and computed totals it must import. A file with errors writes
nothing (exit 1); a file that imports writes its one agency-year (exit 0).

| case | file | exit | what it must say or give |
|---|---|---|---|
| not-a-spreadsheet | a PDF renamed .xlsx | 1 | ไม่ใช่ตารางคำนวณ |
| empty-file | zero bytes | 1 | ไฟล์ว่างเปล่า |
| corrupt-zip | a zip header and garbage | 1 | ไฟล์เสียหาย |
| truncated-xlsx | the first half of a real .xlsx | 1 | ไฟล์เสียหาย |
| password-xlsx | .xlsx saved with a password (OLE + EncryptedPackage) | 1 | ตั้งรหัสผ่าน |
| password-xls | .xls with a FILEPASS record | 1 | ตั้งรหัสผ่าน |
| csv-unknown-encoding | Latin-1 CSV | 1 | อ่านตัวอักษรในไฟล์ CSV ไม่ได้ |
| no-ita-table | a sheet of addresses | 1 | ไม่พบตารางผลการประเมิน ITA |
| header-only | the header and no row | 1 | ไม่มีแถวผลการประเมิน |
| formula | the total as =C2*0.3+... | 1 | เซลล์นี้เป็นสูตร |
| wrong-type | "ดีมาก" as a score | 1 | ไม่ใช่ตัวเลข |
| score-over-100 | OIT 120 | 1 | ระหว่าง 0 ถึง 100 |
| weighted-over-weight | IIT (30) = 31 | 1 | ระหว่าง 0 ถึง 30 |
| not-a-band | band "S" | 1 | ไม่ใช่ระดับผลการประเมินของปีนี้ |
| duplicate-rows-differ | the same agency twice, totals differ | 1 | ต่างจากค่าในแถว 2 |
| several-years | 2564 and 2565, no --year | 1 | มีผลการประเมินหลายปี |
| unknown-year | year 2450 | 1 | ไม่รู้จักปี 2450 |
| no-year | no year column, no --year | 1 | ปีงบประมาณ |
| score-without-agency | a row with scores and no name | 1 | ไม่มีชื่อหน่วยงาน |
| item-row-without-result | an O-item row with nothing but its code | 1 | ไม่มีผลการประเมิน |
| unknown-o-item | O99 | 1 | O99 |
| unknown-agency | an agency the portal does not have | 1 | ไม่พบหน่วยงาน … ในระบบ |
| (a) title-rows | title rows and merged cells above the header | 0 | 87.86 published |
| (a) two-line-header | merged two-line header, tools and indicators 1-10 | 0 | 87.86 / 87.86 |
| (a) thai-digits-percent | Thai digits, "%" signs, numbers as text, "ระดับ A" | 0 | 87.86 published |
| (a) english-ce-year | English headers, year 2022 (C.E.) | 0 | 87.86 published |
| (a) weighted | คะแนน IIT (30) ... weighted tool scores | 0 | 87.86 published |
| (a) xls | Excel 97-2003 (.xls, BIFF8) | 0 | 87.86 / 87.86 |
| (a) ods | OpenDocument | 0 | 87.86 published |
| (a) csv-utf-8 / csv-utf-8-sig / csv-cp874 | CSV in three encodings | 0 | 87.86 published |
| (a) duplicate-rows-same | the same row twice | 0 | warning ซ้ำ |
| (a) million-rows-down | a stray cell on row 1,000,000 | 0 | warning, 87.86 |
| (b) indicator-rows | one row per agency × indicator | 0 | – / 87.86 |
| (c) item-rows | one row per agency × O-item (43), URL, comment; summary on sheet 1 | 0 | 87.86 / 87.86 |
| (c) item-row-url-only | an undecided O-item with its URL (empty result) | 0 | stored undecided, URL kept |
| (d) question-rows | one row per agency × question, "%" | 0 | questions stored |
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import translation

from assessments.models import Assessment, DisclosureResult, Organization, OrganizationType, QuestionScore

from .itas_workbooks import SRIKHAM, csv_bytes, far_cell, ods, with_formulas, xlsx
from .ole_files import encrypted_xlsx, xls
from .test_itas_import import counts

EXPECT = SRIKHAM["expect"]
INDICATORS = {int(k): v for k, v in SRIKHAM["indicator_scores"].items()}
TOOLS = [EXPECT["IIT"], EXPECT["EIT"], EXPECT["OIT"]]
NAME = "อบต.ศรีคำ"

SUMMARY = ["รหัสหน่วยงาน", "ชื่อหน่วยงาน", "จังหวัด", "ปีงบประมาณ", "IIT", "EIT", "OIT", "คะแนนรวม", "ระดับ"]
SUMMARY_ROW = ["5570101", NAME, "เชียงราย", 2565, *TOOLS, EXPECT["total"], "A"]
WITH_INDICATORS = [*SUMMARY, *[f"ตัวชี้วัดที่ {n}" for n in range(1, 11)]]
WITH_INDICATORS_ROW = [*SUMMARY_ROW, *[INDICATORS[n] for n in range(1, 11)]]
SHORT = ["ชื่อหน่วยงาน", "ปีงบประมาณ", "IIT", "EIT", "OIT", "คะแนนรวม", "ระดับ"]
SHORT_ROW = [NAME, "2565", *TOOLS, EXPECT["total"], "A"]
ITEMS = ["ชื่อหน่วยงาน", "ปีงบประมาณ", "ข้อ", "ผลการประเมิน", "URL", "ความคิดเห็นผู้ตรวจ"]


def summary(*rows, header=SUMMARY) -> bytes:
    return xlsx([header, *rows], title="ผล 2565")


def half(data: bytes) -> bytes:
    return data[: len(data) // 2]


def two_line_header() -> bytes:
    top = ["ชื่อหน่วยงาน", "ปีงบประมาณ", "คะแนนรายเครื่องมือ", "", "", "ตัวชี้วัด", *[""] * 9, "คะแนนรวม", "ระดับ"]
    bottom = ["", "", "IIT", "EIT", "OIT", *[str(n) for n in range(1, 11)], "", ""]
    row = [NAME, 2565, *TOOLS, *[INDICATORS[n] for n in range(1, 11)], EXPECT["total"], "A"]
    merges = ["A2:A3", "B2:B3", "C2:E2", "F2:O2", "P2:P3", "Q2:Q3"]
    return xlsx([["ผลการประเมิน ITA ปีงบประมาณ ๒๕๖๕"], top, bottom, row], merges=merges)


def item_rows() -> bytes:
    """Summary on the first sheet, the 43 O-items on the second (all passed, as Srikham's OIT 100;
    the assessor's comment on O5), written in the ways ITAS and officers write a result."""
    answers = ["มี", "ผ่าน", 100, "✓", "100%"]
    items = [
        [NAME, 2565, f"O{n}", answers[n % len(answers)], f"https://srikham.go.th/o{n}", ""]
        for n in range(1, 44)
    ]
    items[4][5] = "ไม่พบข้อมูลปีปัจจุบัน"
    return xlsx([WITH_INDICATORS, WITH_INDICATORS_ROW], title="สรุป", extra={"ข้อ O": [ITEMS, *items]})


BAD: list = [
    ("not-a-spreadsheet", lambda: b"%PDF-1.4 not a table", "ita.xlsx", [], "ไม่ใช่ตารางคำนวณ"),
    ("empty-file", lambda: b"", "ita.xlsx", [], "ไฟล์ว่างเปล่า"),
    ("corrupt-zip", lambda: b"PK\x03\x04" + b"\x00garbage" * 50, "ita.xlsx", [], "ไฟล์เสียหาย"),
    ("truncated-xlsx", lambda: half(summary(SUMMARY_ROW)), "ita.xlsx", [], "ไฟล์เสียหาย"),
    ("password-xlsx", encrypted_xlsx, "ita.xlsx", [], "ตั้งรหัสผ่าน"),
    ("password-xls", lambda: xls([SUMMARY, SUMMARY_ROW], password=True), "ita.xls", [], "ตั้งรหัสผ่าน"),
    (
        "csv-unknown-encoding",
        lambda: "name,IIT\nCafé,80\n".encode("latin-1"),
        "ita.csv",
        [],
        "อ่านตัวอักษรในไฟล์ CSV ไม่ได้",
    ),
    ("no-ita-table", lambda: xlsx([["ชื่อ", "ที่อยู่"], ["ก", "ข"]]), "ita.xlsx", [], "ไม่พบตารางผลการประเมิน ITA"),
    ("header-only", lambda: summary(), "ita.xlsx", [], "ไม่มีแถวผลการประเมิน"),
    (
        "formula",
        lambda: with_formulas([SHORT, [NAME, 2565, *TOOLS, "=C2*0.3+D2*0.3+E2*0.4", "A"]]),
        "ita.xlsx",
        [],
        "เซลล์นี้เป็นสูตร",
    ),
    (
        "wrong-type",
        lambda: summary([*SUMMARY_ROW[:5], "ดีมาก", *SUMMARY_ROW[6:]]),
        "ita.xlsx",
        [],
        "ไม่ใช่ตัวเลข",
    ),
    (
        "score-over-100",
        lambda: summary([*SUMMARY_ROW[:6], 120, *SUMMARY_ROW[7:]]),
        "ita.xlsx",
        [],
        "ระหว่าง 0 ถึง 100",
    ),
    (
        "weighted-over-weight",
        lambda: xlsx([["ชื่อหน่วยงาน", "ปีงบประมาณ", "คะแนน IIT (30)", "คะแนนรวม"], [NAME, 2565, 31, 87.86]]),
        "ita.xlsx",
        [],
        "ระหว่าง 0 ถึง 30",
    ),
    ("not-a-band", lambda: summary([*SUMMARY_ROW[:8], "S"]), "ita.xlsx", [], "ไม่ใช่ระดับผลการประเมินของปีนี้"),
    (
        "duplicate-rows-differ",
        lambda: summary(SUMMARY_ROW, [*SUMMARY_ROW[:7], "87.85", "A"]),
        "ita.xlsx",
        [],
        "ต่างจากค่าในแถว 2",
    ),
    (
        "several-years",
        lambda: summary([*SUMMARY_ROW[:3], 2564, *SUMMARY_ROW[4:]], SUMMARY_ROW),
        "ita.xlsx",
        [],
        "มีผลการประเมินหลายปี",
    ),
    (
        "unknown-year",
        lambda: summary([*SUMMARY_ROW[:3], 2450, *SUMMARY_ROW[4:]]),
        "ita.xlsx",
        [],
        "ไม่รู้จักปี 2450",
    ),
    ("no-year", lambda: xlsx([["ชื่อหน่วยงาน", "คะแนนรวม"], [NAME, 87.86]]), "ita.xlsx", [], "ปีงบประมาณ"),
    (
        "score-without-agency",
        lambda: xlsx([SHORT, ["", "2565", *TOOLS, EXPECT["total"], "A"]]),
        "ita.xlsx",
        [],
        "ไม่มีชื่อหน่วยงาน",
    ),
    (
        "item-row-without-result",
        lambda: xlsx([ITEMS, [NAME, 2565, "O1", "มี", "", ""], [NAME, 2565, "O2", "", "", ""]]),
        "ita.xlsx",
        [],
        "ไม่มีผลการประเมิน",
    ),
    ("unknown-o-item", lambda: xlsx([ITEMS, [NAME, 2565, "O99", "มี", "", ""]]), "ita.xlsx", [], "O99"),
    (
        "unknown-agency",
        lambda: summary(["9990001", "ทต.บ้านไม่มีในระบบ", "ลำปาง", *SUMMARY_ROW[3:]]),
        "ita.xlsx",
        [],
        "ไม่พบหน่วยงาน “ทต.บ้านไม่มีในระบบ” ในระบบ",
    ),
]


@pytest.fixture(autouse=True)
def thai():
    with translation.override("th"):
        yield


@pytest.fixture
def srikham(db):
    return Organization.objects.create(
        name="องค์การบริหารส่วนตำบลศรีคำ", org_type=OrganizationType.SAO, province="เชียงราย", itas_code="5570101"
    )


def run(tmp_path, capsys, data: bytes, name: str, *args: str) -> tuple[int, dict]:
    path = tmp_path / name
    path.write_bytes(data)
    code = 0
    try:
        call_command("import_ita", str(path), "--json", *args)
    except SystemExit as exit_:
        code = exit_.code
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, json.loads(out)


@pytest.mark.parametrize(
    ("builder", "name", "args", "fragment"), [pytest.param(*c[1:], id=c[0]) for c in BAD]
)
def test_corpus_bad_file_exit_1_names_the_problem_and_writes_nothing(
    frameworks, srikham, tmp_path, capsys, builder: Callable[[], bytes], name, args, fragment
):
    before = counts()
    code, answer = run(tmp_path, capsys, builder(), name, *args)
    messages = [e["message"] for e in answer["errors"]]
    assert code == 1
    assert any(fragment in m for m in messages), messages
    assert counts() == before  # nothing written (the counts say what the file would have done)


GOOD: list = [
    (
        "title-rows",
        lambda: xlsx(
            [["ผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. ๒๕๖๕"], ["จังหวัดเชียงราย"], [], SUMMARY, SUMMARY_ROW],
            merges=["A1:I1", "A2:I2"],
        ),
        "ita.xlsx",
        ("87.86", None),
    ),
    ("two-line-header", two_line_header, "ita.xlsx", ("87.86", "87.86")),
    (
        "thai-digits-percent",
        lambda: xlsx([SHORT, [NAME, "๒๕๖๕", "๘๐.๘๙", "78.65 %", "๑๐๐%", " 87.86 ", "ระดับ A"]]),
        "ita.xlsx",
        ("87.86", None),
    ),
    (
        "english-ce-year",
        lambda: xlsx(
            [
                ["No.", "Agency", "Province", "Year", "IIT", "EIT", "OIT", "Total", "Band"],
                [1, NAME, "เชียงราย", 2022, *TOOLS, 87.86, "a"],
            ]
        ),
        "ita.xlsx",
        ("87.86", None),
    ),
    (
        "weighted",
        lambda: xlsx(
            [
                ["ชื่อหน่วยงาน", "ปีงบประมาณ", "คะแนน IIT (30)", "คะแนน EIT (30)", "คะแนน OIT (40)", "คะแนน ITA"],
                [NAME, 2565, 24.27, 23.60, 40.00, 87.86],
            ]
        ),
        "ita.xlsx",
        ("87.86", None),
    ),
    (
        "xls",
        lambda: xls([WITH_INDICATORS, WITH_INDICATORS_ROW], title="ผล 2565"),
        "ita.xls",
        ("87.86", "87.86"),
    ),
    ("ods", lambda: ods([SHORT, SHORT_ROW], title="ITA"), "ita.ods", ("87.86", None)),
    ("csv-utf-8", lambda: csv_bytes([SHORT, SHORT_ROW], "utf-8"), "ita.csv", ("87.86", None)),
    ("csv-utf-8-sig", lambda: csv_bytes([SHORT, SHORT_ROW], "utf-8-sig"), "ita.csv", ("87.86", None)),
    ("csv-cp874", lambda: csv_bytes([SHORT, SHORT_ROW], "cp874"), "ita.csv", ("87.86", None)),
    ("duplicate-rows-same", lambda: summary(SUMMARY_ROW, SUMMARY_ROW), "ita.xlsx", ("87.86", None)),
    (
        "million-rows-down",
        lambda: far_cell([SHORT, SHORT_ROW], 1_000_000, "ท้ายตาราง"),
        "ita.xlsx",
        ("87.86", None),
    ),
    (
        "indicator-rows",
        lambda: xlsx(
            [["รหัสหน่วยงาน", "หน่วยงาน", "ปีงบประมาณ", "ตัวชี้วัด", "คะแนน"]]
            + [["5570101", NAME, 2565, f"ตัวชี้วัดที่ {n}", INDICATORS[n]] for n in range(1, 11)]
        ),
        "ita.xlsx",
        (None, "87.86"),
    ),
    ("item-rows", item_rows, "ita.xlsx", ("87.86", "87.86")),
]


@pytest.mark.parametrize(("builder", "name", "totals"), [pytest.param(*c[1:], id=c[0]) for c in GOOD])
def test_corpus_layout_imports_with_published_and_computed_totals(
    frameworks, srikham, tmp_path, capsys, builder: Callable[[], bytes], name, totals
):
    code, answer = run(tmp_path, capsys, builder(), name)
    assert (code, answer["errors"], answer["created"]) == (0, [], 1)
    (result,) = answer["results"]
    assert (result["agency"], result["year"]) == ("องค์การบริหารส่วนตำบลศรีคำ", 2565)
    assert (result["published_total"], result["computed_total"]) == totals
    a = Assessment.objects.get()
    assert a.published_total == (None if totals[0] is None else Decimal(totals[0]))


def test_corpus_duplicate_same_rows_and_far_cell_warn(frameworks, srikham, tmp_path, capsys):
    _code, answer = run(tmp_path, capsys, summary(SUMMARY_ROW, SUMMARY_ROW), "ita.xlsx", "--dry-run")
    assert [(w["row"], "ซ้ำ" in w["message"]) for w in answer["warnings"]] == [(3, True)]
    _code, answer = run(
        tmp_path, capsys, far_cell([SHORT, SHORT_ROW], 1_000_000, "x"), "ita.xlsx", "--dry-run"
    )
    assert [w["row"] for w in answer["warnings"]] == [1_000_000]


def test_corpus_item_rows_store_results_urls_and_comments(frameworks, srikham, tmp_path, capsys):
    code, _answer = run(tmp_path, capsys, item_rows(), "ita.xlsx")
    assert code == 0
    rows = {
        c: (p, u, n)
        for c, p, u, n in DisclosureResult.objects.values_list("item__code", "passed", "urls", "note")
    }
    assert len(rows) == 43
    assert rows["O5"] == (True, ["https://srikham.go.th/o5"], "ไม่พบข้อมูลปีปัจจุบัน")
    assert {p for p, _u, _n in rows.values()} == {True}
    assert rows["O1"] == (True, ["https://srikham.go.th/o1"], "")


def test_corpus_item_row_url_only_is_stored_undecided(frameworks, srikham, tmp_path, capsys):
    data = xlsx(
        [ITEMS, [NAME, 2565, "O1", "มี", "", ""], [NAME, 2565, "O2", "", "https://srikham.go.th/o2", "รอ"]]
    )
    code, answer = run(tmp_path, capsys, data, "ita.xlsx")
    assert (code, answer["errors"]) == (0, [])
    rows = {
        c: (p, u, n)
        for c, p, u, n in DisclosureResult.objects.values_list("item__code", "passed", "urls", "note")
    }
    assert rows == {"O1": (True, [], ""), "O2": (None, ["https://srikham.go.th/o2"], "รอ")}


def test_corpus_question_rows_store_percent_scores(frameworks, srikham, tmp_path, capsys):
    header = ["ชื่อหน่วยงาน", "ปีงบประมาณ", "รหัสข้อคำถาม", "ข้อคำถาม", "คะแนน (ร้อยละ)"]
    rows = [
        [NAME, 2565, "i1", "ข้อความ", "88.81%"],
        [NAME, 2565, "I2", "ข้อความ", "๗๕.๑๕"],
        [NAME, 2565, "e1", "ข้อความ", 78.08],
    ]
    code, answer = run(tmp_path, capsys, xlsx([header, *rows]), "ita.xlsx")
    assert (code, answer["errors"]) == (0, [])
    assert sorted(QuestionScore.objects.values_list("item__code", "score")) == [
        ("e1", Decimal("78.08")),
        ("i1", Decimal("88.81")),
        ("i2", Decimal("75.15")),
    ]


def test_corpus_has_at_least_twenty_files():
    assert len(BAD) + len(GOOD) + 2 >= 20  # plus the URL-only and question files above
