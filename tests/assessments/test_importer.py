"""The ITAS reader on a corpus of messy generated files, each with the exact result it must give
(kind, columns, values, problems with their place), plus a property test on arbitrary cell texts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.importer import (
    KIND_INDICATORS,
    KIND_ITEMS,
    KIND_QUESTIONS,
    KIND_SUMMARY,
    ColumnMapping,
    read_itas,
)
from assessments.importer.columns import column_field

from .itas_workbooks import REFERENCE, SRIKHAM, csv_bytes, encrypted, far_cell, ods, with_formulas, xlsx

BANDS = {
    2564: ("AA", "A", "B", "C", "D", "E", "F"),
    2565: ("AA", "A", "B", "C", "D", "E", "F"),
}
D = Decimal
EXPECT = SRIKHAM["expect"]
INDICATORS = {int(k): v for k, v in SRIKHAM["indicator_scores"].items()}


@pytest.fixture(autouse=True)
def thai():
    with translation.override("th"):
        yield


def read(data: bytes, **kwargs):
    kwargs.setdefault("bands", BANDS)
    return read_itas(data, **kwargs)


def where(problems) -> list[tuple[str, int, str, str]]:
    return [(p.sheet, p.row, p.column, p.value) for p in problems]


def fields(sheet) -> dict[str, str | None]:
    return {g.column: g.field for g in sheet.columns}


def tools(record) -> tuple:
    return (
        record.agency,
        record.itas_code,
        record.year,
        dict(record.tools),
        dict(record.weighted),
        record.total,
        record.band,
    )


HEADER_TH = [
    "ลำดับ",
    "รหัสหน่วยงาน",
    "ชื่อหน่วยงาน",
    "จังหวัด",
    "คะแนน IIT",
    "คะแนน EIT",
    "คะแนน OIT",
    "คะแนนรวม",
    "ระดับผลการประเมิน",
]
SRIKHAM_ROW = [
    1,
    "5570101",
    "องค์การบริหารส่วนตำบลศรีคำ",
    "เชียงราย",
    EXPECT["IIT"],
    EXPECT["EIT"],
    EXPECT["OIT"],
    EXPECT["total"],
    EXPECT["band"],
]
OTHER_ROW = [2, "5570102", "ทต.บ้านทดสอบ", "เชียงราย", 90, 80.5, 95, 88.15, "A"]
SRIKHAM_TOOLS = (
    "องค์การบริหารส่วนตำบลศรีคำ",
    "5570101",
    2565,
    {"IIT": D("80.89"), "EIT": D("78.65"), "OIT": D("100.00")},
    {},
    D("87.86"),
    "A",
)
OTHER_TOOLS = (
    "ทต.บ้านทดสอบ",
    "5570102",
    2565,
    {"IIT": D(90), "EIT": D("80.5"), "OIT": D(95)},
    {},
    D("88.15"),
    "A",
)


# --------------------------------------------------------------------------- (a) summary sheets


def test_importer_summary_with_title_rows_reads_published_values():
    data = xlsx(
        [
            ["ผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. ๒๕๖๕"],
            ["จังหวัดเชียงราย"],
            [],
            HEADER_TH,
            SRIKHAM_ROW,
            OTHER_ROW,
        ],
        merges=["A1:I1", "A2:I2"],
        title="สรุปผล",
    )
    result = read(data)
    assert result.errors == ()
    assert result.warnings == ()
    (sheet,) = result.sheets
    assert (sheet.name, sheet.kind, sheet.header_row, sheet.scale, sheet.scale_sure, sheet.rows) == (
        "สรุปผล",
        KIND_SUMMARY,
        4,
        "raw",
        True,
        2,
    )
    assert fields(sheet) == {
        "A": "ignore",
        "B": "itas_code",
        "C": "agency",
        "D": "province",
        "E": "IIT",
        "F": "EIT",
        "G": "OIT",
        "H": "total",
        "I": "band",
    }
    assert sheet.unsure == ()
    assert [tools(r) for r in result.records] == [SRIKHAM_TOOLS, OTHER_TOOLS]
    assert result.records[0].rows == (("สรุปผล", 5),)
    assert result.years == (2565,)


def test_importer_summary_weighted_named_in_header():
    header = [
        "หน่วยงาน",
        "ปีงบประมาณ",
        "คะแนน IIT (30)",
        "คะแนน EIT (30)",
        "คะแนน OIT (40)",
        "คะแนน ITA",
        "ระดับ",
    ]
    row = [
        "อบต.ศรีคำ",
        2565,
        EXPECT["IIT_weighted"],
        EXPECT["EIT_weighted"],
        EXPECT["OIT_weighted"],
        EXPECT["total"],
        "A",
    ]
    result = read(xlsx([header, row]))
    assert result.errors == ()
    (sheet,) = result.sheets
    assert (sheet.scale, sheet.scale_sure) == ("weighted", True)
    assert fields(sheet)["C"] == "IIT_weighted"
    (record,) = result.records
    assert tools(record) == (
        "อบต.ศรีคำ",
        "",
        2565,
        {},
        {"IIT": D("24.27"), "EIT": D("23.60"), "OIT": D("40.00")},
        D("87.86"),
        "A",
    )


def test_importer_summary_weighted_detected_from_values_when_total_is_their_sum():
    header = ["Agency", "Year", "IIT", "EIT", "OIT", "ITA", "Band"]
    rows = [
        ["อบต.ศรีคำ", "2565", "24.27", "23.60", "40.00", "87.86", "A"],
        ["ทต.บ้านทดสอบ", "2565", "27.00", "24.15", "38.00", "89.15", "A"],
    ]
    result = read(xlsx([header, *rows]))
    assert result.errors == ()
    (sheet,) = result.sheets
    assert (sheet.scale, sheet.scale_sure) == ("weighted", True)
    assert fields(sheet) == {
        "A": "agency",
        "B": "year",
        "C": "IIT_weighted",
        "D": "EIT_weighted",
        "E": "OIT_weighted",
        "F": "total",
        "G": "band",
    }
    assert result.records[1].weighted == {"IIT": D("27.00"), "EIT": D("24.15"), "OIT": D("38.00")}


def test_importer_summary_scale_unsure_when_values_do_not_tell():
    header = ["Agency", "Year", "IIT", "EIT", "OIT"]
    result = read(xlsx([header, ["อบต.ศรีคำ", 2565, 24, 23, 30]]))
    (sheet,) = result.sheets
    assert (sheet.scale, sheet.scale_sure, sheet.unsure) == ("weighted", False, ("C", "D", "E"))


def test_importer_summary_scale_raw_and_sure_when_the_header_says_so():
    header = ["Agency", "Year", "IIT (คะแนนเต็ม 100)", "EIT (คะแนนเต็ม 100)", "OIT (คะแนนเต็ม 100)"]
    result = read(xlsx([header, ["อบต.ศรีคำ", 2565, 24, 23, 30], ["อบต.ทดสอบ", 2565, "", "", ""]]))
    (sheet,) = result.sheets
    assert (sheet.scale, sheet.scale_sure, sheet.unsure) == ("raw", True, ())
    assert [g.field for g in sheet.columns[2:]] == ["IIT", "EIT", "OIT"]


def test_importer_summary_raw_detected_when_a_value_exceeds_its_weight():
    header = ["Agency", "Year", "IIT", "EIT", "OIT"]
    result = read(xlsx([header, ["อบต.ศรีคำ", 2565, 31, 23, 30], ["อบต.ทดสอบ", 2565, 24, 23, 30]]))
    (sheet,) = result.sheets
    assert (sheet.scale, sheet.scale_sure, sheet.unsure) == ("raw", True, ())


def test_importer_summary_english_headers_and_christian_era_years():
    header = ["No.", "Agency", "Province", "Year", "IIT", "EIT", "OIT", "Total", "Band"]
    rows = [[1, "อบต.ศรีคำ", "เชียงราย", 2022, 80.89, 78.65, 100, 87.86, "a"]]
    result = read(xlsx([header, *rows]))
    assert result.errors == ()
    assert tools(result.records[0]) == (
        "อบต.ศรีคำ",
        "",
        2565,
        {"IIT": D("80.89"), "EIT": D("78.65"), "OIT": D(100)},
        {},
        D("87.86"),
        "A",
    )


def test_importer_summary_two_line_header_with_indicators():
    top = ["ชื่อหน่วยงาน", "คะแนนรายเครื่องมือ", "", "", "ตัวชี้วัด", *[""] * 9, "คะแนนรวม", "ระดับ"]
    bottom = ["", "IIT", "EIT", "OIT", *[str(n) for n in range(1, 11)], "", ""]
    row = [
        "อบต.ศรีคำ",
        EXPECT["IIT"],
        EXPECT["EIT"],
        EXPECT["OIT"],
        *[INDICATORS[n] for n in range(1, 11)],
        EXPECT["total"],
        "A",
    ]
    data = xlsx([["ปีงบประมาณ 2565"], top, bottom, row], merges=["A2:A3", "B2:D2", "E2:N2", "O2:O3", "P2:P3"])
    result = read(data)
    assert result.errors == ()
    (sheet,) = result.sheets
    assert sheet.header_row == 3
    assert fields(sheet) == {
        "A": "agency",
        "B": "IIT",
        "C": "EIT",
        "D": "OIT",
        **{chr(ord("E") + n - 1): f"indicator:{n}" for n in range(1, 11)},
        "O": "total",
        "P": "band",
    }
    assert sheet.columns[4].header == "ตัวชี้วัด / 1"
    (record,) = result.records
    assert record.indicators == {n: D(INDICATORS[n]) for n in range(1, 11)}
    assert (record.year, record.total, record.band) == (2565, D("87.86"), "A")


def test_importer_summary_thai_digits_percent_signs_and_numbers_as_text():
    header = ["หน่วยงาน", "ปี", "IIT", "EIT", "OIT", "คะแนนรวม", "ผลการประเมิน"]
    row = ["อบต.ศรีคำ", "๒๕๖๕", "๘๐.๘๙", "78.65 %", "๑๐๐%", " 87.86 ", "ระดับ A"]
    result = read(xlsx([header, row]))
    assert result.errors == ()
    assert fields(result.sheets[0])["G"] == "band"
    assert tools(result.records[0]) == (
        "อบต.ศรีคำ",
        "",
        2565,
        {"IIT": D("80.89"), "EIT": D("78.65"), "OIT": D(100)},
        {},
        D("87.86"),
        "A",
    )


def test_importer_summary_extra_columns_blank_notes_and_average_rows_are_left_out():
    header = ["ชื่อหน่วยงาน", "เบอร์โทร", "IIT", "EIT", "OIT", "คะแนนรวม", "หมายเหตุ"]
    rows = [
        ["อบต.ศรีคำ", "053-000000", 80.89, 78.65, 100, 87.86, "ส่งครบ"],
        [],
        ["", "", "", "", "", "", ""],
        ["ค่าเฉลี่ย", "", 80.89, 78.65, 100, 87.86, ""],
        ["", "ที่มา: ระบบ ITAS", "", "", "", "", ""],
    ]
    result = read(xlsx([header, *rows], title="2565"))
    assert result.errors == ()
    assert fields(result.sheets[0]) == {
        "A": "agency",
        "B": None,
        "C": "IIT",
        "D": "EIT",
        "E": "OIT",
        "F": "total",
        "G": "comment",
    }
    assert [(r.agency, r.year, r.total) for r in result.records] == [("อบต.ศรีคำ", 2565, D("87.86"))]


def test_importer_unsure_header_is_flagged_for_the_mapping_page():
    header = ["ชื่อหน่วยงานที่รับการประเมิน", "ปีงบประมาณ", "IIT", "EIT", "OIT", "คะแนนรวมทั้งหมด"]
    result = read(xlsx([header, ["อบต.ศรีคำ", 2565, 80.89, 78.65, 100, 87.86]]))
    (sheet,) = result.sheets
    assert fields(sheet) == {"A": "agency", "B": "year", "C": "IIT", "D": "EIT", "E": "OIT", "F": "total"}
    assert sheet.unsure == ("A", "F")


def test_importer_mapping_overrides_detection():
    header = ["ก", "ข", "ค", "ง", "จ"]
    rows = [["หัวตาราง"], header, ["อบต.ศรีคำ", 80.89, 78.65, 100, 87.86]]
    mapping = ColumnMapping(2, {"A": "agency", "B": "IIT", "C": "EIT", "D": "OIT", "E": "total"}, scale="raw")
    result = read(xlsx(rows, title="ผล"), year=2565, mappings={"ผล": mapping})
    assert result.errors == ()
    (sheet,) = result.sheets
    assert (sheet.kind, sheet.header_row, sheet.mapping) == (
        KIND_SUMMARY,
        2,
        ColumnMapping(
            2, {"A": "agency", "B": "IIT", "C": "EIT", "D": "OIT", "E": "total"}, KIND_SUMMARY, "raw"
        ),
    )
    assert tools(result.records[0]) == (
        "อบต.ศรีคำ",
        "",
        2565,
        {"IIT": D("80.89"), "EIT": D("78.65"), "OIT": D(100)},
        {},
        D("87.86"),
        None,
    )


def test_importer_detected_mapping_passed_back_reads_the_same():
    data = xlsx([["ผลการประเมิน ITA ประจำปีงบประมาณ พ.ศ. 2565"], HEADER_TH, SRIKHAM_ROW, OTHER_ROW], title="ผล")
    first = read(data)
    again = read(data, mappings={"ผล": first.sheets[0].mapping})
    assert first.sheets[0].mapping == ColumnMapping(
        2,
        {
            "A": "ignore",
            "B": "itas_code",
            "C": "agency",
            "D": "province",
            "E": "IIT",
            "F": "EIT",
            "G": "OIT",
            "H": "total",
            "I": "band",
        },
        KIND_SUMMARY,
        "raw",
    )
    assert (again.records, again.errors) == (first.records, ())


# --------------------------------------------------------------------------- (b), (c), (d)


def test_importer_indicator_rows():
    header = ["รหัสหน่วยงาน", "หน่วยงาน", "ปีงบประมาณ", "ตัวชี้วัด", "ชื่อตัวชี้วัด", "คะแนน"]
    rows = [["5570101", "อบต.ศรีคำ", 2565, f"ตัวชี้วัดที่ {n}", "ชื่อ", INDICATORS[n]] for n in range(1, 11)]
    rows[0][3] = "๑"
    result = read(xlsx([header, *rows]))
    assert result.errors == ()
    assert result.sheets[0].kind == KIND_INDICATORS
    (record,) = result.records
    assert record.indicators == {n: D(INDICATORS[n]) for n in range(1, 11)}


def test_importer_item_rows_with_every_way_of_writing_a_result():
    header = ["หน่วยงาน", "ปี", "ข้อ", "ข้อมูล", "ผลการประเมิน", "URL", "ความคิดเห็นผู้ตรวจ"]
    answers = ["มี", "ไม่มี", "ผ่าน", "ไม่ผ่าน", 100, 0, "✓", "✗", "100%"]
    rows = [
        ["อบต.ศรีคำ", 2565, f"O{n}", "ข้อมูล", answer, f"https://example.go.th/o{n}", ""]
        for n, answer in enumerate(answers, 1)
    ]
    rows[1][6] = "ไม่พบข้อมูลปีปัจจุบัน"
    result = read(xlsx([header, *rows]))
    assert result.errors == ()
    (sheet,) = result.sheets
    assert (sheet.kind, fields(sheet)["E"], fields(sheet)["G"]) == (KIND_ITEMS, "result", "comment")
    (record,) = result.records
    assert record.items == {
        "O1": True,
        "O2": False,
        "O3": True,
        "O4": False,
        "O5": True,
        "O6": False,
        "O7": True,
        "O8": False,
        "O9": True,
    }
    assert record.item_urls["O3"] == "https://example.go.th/o3"
    assert record.item_comments == {"O2": "ไม่พบข้อมูลปีปัจจุบัน"}


def test_importer_item_columns_one_per_o_item():
    header = ["หน่วยงาน", "ปีงบประมาณ", *[f"O{n}" for n in range(1, 44)]]
    failed = set(REFERENCE["oit-one-fail-9.1"]["oit_failed_items"])
    row = ["อบต.ศรีคำ", 2565, *["ไม่มี" if f"O{n}" in failed else "มี" for n in range(1, 44)]]
    result = read(xlsx([header, row]))
    assert result.errors == ()
    assert result.sheets[0].kind == KIND_ITEMS
    (record,) = result.records
    assert len(record.items) == 43
    assert [code for code, passed in record.items.items() if not passed] == ["O5"]


def test_importer_question_rows_with_percent_scores():
    header = ["หน่วยงาน", "ปีงบประมาณ", "รหัสข้อคำถาม", "ข้อคำถาม", "คะแนน (ร้อยละ)"]
    rows = [
        ["อบต.ศรีคำ", 2565, "i1", "ข้อความ", "88.81%"],
        ["อบต.ศรีคำ", 2565, "I2", "ข้อความ", "๗๕.๑๕"],
        ["อบต.ศรีคำ", 2565, "e1", "ข้อความ", 78.08],
    ]
    result = read(xlsx([header, *rows]))
    assert result.errors == ()
    assert result.sheets[0].kind == KIND_QUESTIONS
    assert result.records[0].questions == {"I1": D("88.81"), "I2": D("75.15"), "E1": D("78.08")}


def test_importer_two_sheets_join_by_code_and_by_name():
    summary = [HEADER_TH, SRIKHAM_ROW]
    items = [["หน่วยงาน", "ข้อ", "ผลการประเมิน"], ["อบต. ศรีคำ", "O1", "มี"], ["อบต.ศรีคำ", "O2", "ไม่มี"]]
    result = read(xlsx(summary, title="ผลรวม 2565", extra={"O 2565": items}))
    assert result.errors == ()
    assert [(s.name, s.kind) for s in result.sheets] == [("ผลรวม 2565", KIND_SUMMARY), ("O 2565", KIND_ITEMS)]
    (record,) = result.records
    assert (record.itas_code, record.total, record.items) == (
        "5570101",
        D("87.86"),
        {"O1": True, "O2": False},
    )
    assert record.rows == (("ผลรวม 2565", 2), ("O 2565", 2), ("O 2565", 3))


def test_importer_header_repeated_page_by_page_and_agency_merged_down_the_rows():
    header = ["หน่วยงาน", "ปีงบประมาณ", "ข้อ", "ผลการประเมิน", "ความคิดเห็น"]
    rows = [
        header,
        ["อบต.ศรีคำ", 2565, "O1", "ผ่าน", "ครบถ้วน"],
        ["", "", "O2", "ไม่ผ่าน", ""],
        header,
        ["", "", "O3", "ผ่าน", ""],
    ]
    result = read(xlsx(rows, merges=["A2:A3", "B2:B3"]))
    assert where(result.errors) == [
        ("Sheet1", 5, "", "")
    ]  # O3: the merged cell stops above the repeated header
    (record,) = result.records
    assert (record.items, record.item_comments, record.rows) == (
        {"O1": True, "O2": False},
        {"O1": "ครบถ้วน"},
        (("Sheet1", 2), ("Sheet1", 3)),
    )


# --------------------------------------------------------------------------- other formats

CSV_ROWS = [
    ["ชื่อหน่วยงาน", "ปีงบประมาณ", "IIT", "EIT", "OIT", "คะแนนรวม", "ระดับ"],
    ["อบต.ศรีคำ", "2565", "80.89", "78.65", "100.00", "87.86", "A"],
]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp874"])
def test_importer_csv_in_each_encoding(encoding):
    result = read(csv_bytes(CSV_ROWS, encoding))
    assert (result.format, result.encoding, result.errors) == ("csv", encoding, ())
    assert tools(result.records[0]) == (
        "อบต.ศรีคำ",
        "",
        2565,
        {"IIT": D("80.89"), "EIT": D("78.65"), "OIT": D("100.00")},
        {},
        D("87.86"),
        "A",
    )


def test_importer_csv_with_semicolons():
    result = read(csv_bytes(CSV_ROWS, "utf-8", delimiter=";"))
    assert result.errors == ()
    assert result.records[0].total == D("87.86")


def test_importer_ods():
    result = read(ods(CSV_ROWS, title="ITA"))
    assert (result.format, result.errors) == ("ods", ())
    assert result.records[0].total == D("87.86")


# --------------------------------------------------------------------------- bad input (issue 7 item 9)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.4 not a table", "ไฟล์นี้ไม่ใช่ตารางคำนวณ Excel, OpenDocument หรือ CSV"),
        (b"", "ไฟล์ว่างเปล่า"),
        (b"PK\x03\x04 broken", "ไฟล์เสียหายหรือไม่ใช่ไฟล์ Excel หรือ OpenDocument"),
        (encrypted(), "ไฟล์นี้ตั้งรหัสผ่านไว้"),
        ("name,IIT\nCaf\xe9,80\n".encode("latin-1"), "อ่านตัวอักษรในไฟล์ CSV ไม่ได้"),
        (xlsx([["ชื่อ", "ที่อยู่"], ["ก", "ข"]]), "ไม่พบตารางผลการประเมิน ITA ในแผ่นงานใด"),
        (xlsx([HEADER_TH]), "ตารางไม่มีแถวผลการประเมิน"),
    ],
)
def test_importer_unreadable_files_give_one_error(data, message):
    result = read(data)
    assert result.records == ()
    assert len(result.errors) == 1
    assert result.errors[0].message.startswith(message)


def test_importer_formulas_are_errors_at_their_cells():
    header = ["หน่วยงาน", "ปีงบประมาณ", "IIT", "EIT", "OIT", "คะแนนรวม"]
    data = with_formulas([header, ["อบต.ศรีคำ", 2565, 80.89, 78.65, 100, "=C2*0.3+D2*0.3+E2*0.4"]])
    result = read(data)
    assert where(result.errors) == [("Sheet1", 2, "F", "=C2*0.3+D2*0.3+E2*0.4")]
    assert result.errors[0].message.startswith("เซลล์นี้เป็นสูตร")


def test_importer_a_cell_a_million_rows_down_is_not_read():
    header = ["หน่วยงาน", "ปีงบประมาณ", "คะแนนรวม"]
    result = read(far_cell([header, ["อบต.ศรีคำ", 2565, 87.86]], 1_000_000, "x"))
    assert result.errors == ()
    assert where(result.warnings) == [("Sheet", 1_000_000, "", "")]
    assert [r.total for r in result.records] == [D("87.86")]


def test_importer_wrong_types_and_out_of_range_scores_are_errors_with_their_place():
    header = ["หน่วยงาน", "ปีงบประมาณ", "คะแนน IIT (30)", "EIT", "OIT", "คะแนนรวม", "ระดับ"]
    rows = [
        ["อบต.ศรีคำ", 2565, 24.27, "ดีมาก", 100, 87.86, "A"],
        ["อบต.ทดสอบ", 2565, 31, 78.65, 120, -1, "S"],
    ]
    result = read(xlsx([header, *rows]))
    assert [(p.row, p.column, p.value, p.message) for p in result.errors] == [
        (2, "D", "ดีมาก", "ไม่ใช่ตัวเลข"),
        (3, "C", "31", "คะแนนต้องอยู่ระหว่าง 0 ถึง 30"),
        (3, "E", "120", "คะแนนต้องอยู่ระหว่าง 0 ถึง 100"),
        (3, "F", "-1", "คะแนนต้องอยู่ระหว่าง 0 ถึง 100"),
        (3, "G", "S", "“S” ไม่ใช่ระดับผลการประเมินของปีนี้ (AA, A, B, C, D, E, F)"),
    ]


def test_importer_duplicate_rows_same_values_warn_and_different_values_are_errors():
    header = ["รหัสหน่วยงาน", "หน่วยงาน", "ปีงบประมาณ", "คะแนนรวม"]
    rows = [["1", "อบต.ศรีคำ", 2565, 87.86], ["1", "อบต.ศรีคำ", 2565, 87.86], ["1", "อบต.ศรีคำ", 2565, 87.85]]
    result = read(xlsx([header, *rows]))
    assert where(result.warnings) == [("Sheet1", 3, "", "")]
    assert where(result.errors) == [("Sheet1", 4, "D", "87.85")]
    assert result.errors[0].message == "ค่านี้ต่างจากค่าในแถว 2 ของแผ่นงาน “Sheet1” (87.86)"


def test_importer_several_years_without_a_chosen_year_is_an_error():
    header = ["หน่วยงาน", "ปีงบประมาณ", "คะแนนรวม"]
    data = xlsx([header, ["อบต.ศรีคำ", 2564, 84.48], ["อบต.ศรีคำ", 2565, 87.86]])
    result = read(data)
    assert [(p.row, p.message) for p in result.errors] == [
        (0, "ไฟล์นี้มีผลการประเมินหลายปี (2564, 2565) กรุณาเลือกปีที่จะนำเข้า")
    ]
    chosen = read(data, year=2565)
    assert where(chosen.errors) == [("Sheet1", 2, "B", "2564")]
    assert [(r.year, r.total) for r in chosen.records] == [(2565, D("87.86"))]


def test_importer_unknown_year_and_missing_year_are_errors():
    header = ["หน่วยงาน", "ปีงบประมาณ", "คะแนนรวม"]
    result = read(xlsx([header, ["อบต.ศรีคำ", 2450, 87.86]]))
    assert [(p.row, p.column, p.value) for p in result.errors] == [(2, "B", "2450")]
    assert result.errors[0].message.startswith("ไม่รู้จักปี 2450")
    no_year = read(xlsx([["หน่วยงาน", "คะแนนรวม"], ["อบต.ศรีคำ", 87.86]]))
    assert [(p.row, p.column) for p in no_year.errors] == [(0, "")]
    assert read(xlsx([["หน่วยงาน", "คะแนนรวม"], ["อบต.ศรีคำ", 87.86]]), year=2565).errors == ()


def test_importer_band_of_a_year_without_a_scheme_is_read_as_written():
    header = ["หน่วยงาน", "ปีงบประมาณ", "คะแนนรวม", "ระดับ"]
    result = read(xlsx([header, ["อบต.ศรีคำ", 2563, 84.48, "b"]]))
    assert result.errors == ()
    assert result.records[0].band == "B"


def test_importer_scores_without_an_agency_are_errors():
    header = ["หน่วยงาน", "ปีงบประมาณ", "คะแนนรวม"]
    result = read(xlsx([header, ["", 2565, 87.86]]))
    assert [(p.row, p.message) for p in result.errors] == [(2, "แถวนี้มีคะแนนแต่ไม่มีชื่อหน่วยงาน")]


def test_importer_problems_in_long_rows():
    header = ["หน่วยงาน", "ปีงบประมาณ", "ข้อ", "ผลการประเมิน"]
    rows = [
        ["อบต.ศรีคำ", 2565, "O1", "มี"],
        ["อบต.ศรีคำ", 2565, "O99x", "มี"],
        ["อบต.ศรีคำ", 2565, "O2", "บางส่วน"],
    ]
    result = read(xlsx([header, *rows]))
    assert [(p.row, p.column, p.value) for p in result.errors] == [(3, "C", "O99x"), (4, "D", "บางส่วน")]


# --------------------------------------------------------------------------- columns and property test


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("ชื่อหน่วยงาน", ("agency", True)),
        ("Agency", ("agency", True)),
        ("รหัสหน่วยงาน", ("itas_code", True)),
        ("ปีงบประมาณ", ("year", True)),
        ("Year", ("year", True)),
        ("คะแนน IIT (30)", ("IIT_weighted", True)),
        ("OIT (40)", ("OIT_weighted", True)),
        ("IIT (100)", ("IIT", True)),
        ("EIT", ("EIT", True)),
        ("คะแนนรวม", ("total", True)),
        ("ITA", ("total", True)),
        ("ระดับผลการประเมิน", ("band", True)),
        ("ตัวชี้วัดที่ ๑", ("indicator:1", True)),
        ("ตัวชี้วัดที่ 10 การป้องกันการทุจริต", ("indicator:10", False)),
        ("O43", ("item:O43", True)),
        ("i1", ("question:I1", True)),
        ("e15", ("question:E15", True)),
        ("เบอร์โทรศัพท์", (None, False)),
        ("", (None, True)),
    ],
)
def test_importer_column_names(header, expected):
    assert column_field(header) == expected


_cell = st.one_of(
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12),
    st.sampled_from(
        ["IIT", "EIT", "OIT", "คะแนนรวม", "ระดับ", "หน่วยงาน", "ปี", "O1", "ข้อ", "มี", "๘๐.๕", "2565", "%", "A"]
    ),
    st.integers(-10, 3000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.none(),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.lists(_cell, min_size=1, max_size=6), min_size=1, max_size=8), st.sampled_from([None, 2565])
)
def test_importer_arbitrary_cells_never_crash(rows, year):
    header = ["หน่วยงาน", "ปีงบประมาณ", "IIT", "EIT", "OIT", "คะแนนรวม"]
    cleaned = [["" if v is None else v for v in row] for row in rows]
    for data in (xlsx([header, *cleaned]), csv_bytes([header, *cleaned], "utf-8")):
        result = read(data, year=year)
        assert all(p.message for p in (*result.errors, *result.warnings))
        for record in result.records:
            assert all(isinstance(v, Decimal) for v in (*record.tools.values(), *record.weighted.values()))
