"""The measure-table parser on a corpus of messy generated workbooks, each with the exact result it must
give (measure count, titles, steps, units, problems with their row and column), plus property tests."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from measures.importer import (
    Problem,
    column_field,
    match_units,
    parse_period,
    parse_rounds,
    parse_targets,
    parse_workbook,
    split_steps,
)

from .workbooks import SEED_002_HEADER, SEED_004_HEADER, exported_style, ods, xlsx


@pytest.fixture(autouse=True)
def thai():
    with translation.override("th"):
        yield


def parse(data: bytes):
    return parse_workbook(data, fiscal_year=2565)


def where(problems) -> list[tuple[str, int, str]]:
    return [(p.sheet, p.row, p.column) for p in problems]


# --------------------------------------------------------------------------- the corpus


def test_importer_exported_layout_reads_every_column():
    data = exported_style(
        [
            [
                1,
                "ชี้แจงแผนการใช้จ่ายงบประมาณแก่บุคลากร",
                "IIT, ตัวชี้วัดที่ 2, O12, O13",
                "ประชุมชี้แจงทุกกอง",
                "1. จัดประชุมชี้แจง\n2. เผยแพร่สรุปแผน",
                "สำนักปลัด\nกองคลัง\nคณะกรรมการติดตามแผน",
                "ต.ค. 64 – มี.ค. 65",
                "รอบ 3 เดือน, รอบ 6 เดือน",
                "ประชุมแล้ว 2 ครั้ง",
                "บุคลากรเข้าร่วมร้อยละ 90",
                "ควรจัดซ้ำกลางปี",
                60,
                "อยู่ระหว่างดำเนินการ",
            ],
            [2, "ทบทวนคู่มือการยืมพัสดุ", "", "", "", "ทุกหน่วยงาน", "", "", "", "", "", "", "วางแผนแล้ว"],
        ],
        round_title="ผลการดำเนินการ รอบ 6 เดือน (ต.ค. 64 – มี.ค. 65)",
    )
    book = parse(data)
    assert book.errors == ()
    assert book.problems == ()
    assert book.round_month == 6
    first, second = book.measures
    assert (first.sheet, first.row, first.number) == ("มาตรการ", 5, 1)
    assert first.title == "ชี้แจงแผนการใช้จ่ายงบประมาณแก่บุคลากร"
    assert (first.tools, first.indicators, first.items) == (("IIT",), (2,), ("O12", "O13"))
    assert first.guideline == "ประชุมชี้แจงทุกกอง"
    assert first.steps == ("จัดประชุมชี้แจง", "เผยแพร่สรุปแผน")
    assert first.responsible == ("สำนักปลัด", "กองคลัง", "คณะกรรมการติดตามแผน")
    assert first.all_units is False
    assert (first.start_month, first.end_month) == (date(2021, 10, 1), date(2022, 3, 1))
    assert first.rounds == (3, 6)
    assert (first.result, first.report_outcome, first.suggestion, first.percent) == (
        "ประชุมแล้ว 2 ครั้ง",
        "บุคลากรเข้าร่วมร้อยละ 90",
        "ควรจัดซ้ำกลางปี",
        60,
    )
    assert first.status == "in_progress"
    assert (second.number, second.all_units, second.responsible, second.status) == (2, True, (), "planned")
    assert (second.guideline, second.steps, second.rounds, second.result, second.tools) == (
        None,
        None,
        None,
        None,
        None,
    )
    assert second.has_progress is False


def test_importer_seed_002_layout_repeated_headers_and_numbered_titles():
    """Like seed 002: paragraphs above, the header before every measure, "1. ..." in the title cell,
    bullets run together on one line, a unit name broken by a space."""
    data = xlsx(
        [
            ["รายงานผลการดำเนินการมาตรการส่งเสริมคุณธรรมและความโปร่งใส"],
            ["ประจำปี พ.ศ. 2565"],
            ["ตามที่ได้วิเคราะห์ผลการประเมินแล้ว จึงกำหนดมาตรการดังต่อไปนี้"],
            SEED_002_HEADER,
            [
                "1. การปลูกฝัง ฐานคิดแยกแยะ ประโยชน์ส่วนตน",
                "- อบรมบุคลากร ทุกระดับ  - ทำสื่อรณรงค์",
                "หน่วยตรวจสอบ ภายใน",
                "ต.ค. 64 - มี.ค. 65",
                "- อบรมแล้ว 1 รุ่น",
                "",
            ],
            SEED_002_HEADER,
            [
                "2. การสร้างวัฒนธรรม ไม่ทนต่อการทุจริต",
                "<p>- ประกาศเจตนารมณ์</p> <p>- จัดกิจกรรมร่วมกับชุมชน</p>",
                "สำนักปลัด",
                "ต.ค. 64 - ก.ย. 65",
                "",
                "ควรขยายผลสู่ชุมชน",
            ],
        ]
    )
    book = parse(data)
    assert book.errors == ()
    assert book.problems == ()
    assert [m.number for m in book.measures] == [1, 2]
    assert [m.title for m in book.measures] == [
        "การปลูกฝัง ฐานคิดแยกแยะ ประโยชน์ส่วนตน",
        "การสร้างวัฒนธรรม ไม่ทนต่อการทุจริต",
    ]
    assert [m.steps for m in book.measures] == [
        ("อบรมบุคลากร ทุกระดับ", "ทำสื่อรณรงค์"),
        ("ประกาศเจตนารมณ์", "จัดกิจกรรมร่วมกับชุมชน"),
    ]
    assert [m.responsible for m in book.measures] == [("หน่วยตรวจสอบ ภายใน",), ("สำนักปลัด",)]
    assert [m.row for m in book.measures] == [5, 7]
    assert book.measures[0].result == "- อบรมแล้ว 1 รุ่น"
    assert book.measures[1].result is None
    assert book.measures[1].suggestion == "ควรขยายผลสู่ชุมชน"
    assert book.round_month is None


def test_importer_seed_004_layout_thai_digits_and_monitoring_text():
    """Like seed 004: Thai digits, months written out with 4-digit years, several units in one line,
    a monitoring column that names no round (kept in the guideline, with a warning)."""
    data = xlsx(
        [
            ["การกำหนดมาตรการเพื่อแก้ไขข้อบกพร่อง ประจำปีงบประมาณ พ.ศ. ๒๕๖๕"],
            SEED_004_HEADER,
            [
                "๑. เผยแพร่ช่องทางการใช้จ่าย งบประมาณให้ทั่วถึง",
                "๑. จัดประชุมชี้แจงแผนการใช้จ่าย\n๒. ติดประกาศที่บอร์ด",
                "สำนักงานปลัด",
                "ตุลาคม ๒๕๖๔-กันยายน ๒๕๖๕",
                "รายงานผลทุก ๖ เดือน",
            ],
            [
                "๒.ปรับปรุงเว็บไซต์ให้เข้าถึงง่าย",
                "จัดทำโครงการปรับปรุงเว็บไซต์",
                "สำนักงานปลัด กองคลัง กองช่าง กองการศึกษาฯ",
                "",
                "รายงานความก้าวหน้าต่อผู้บริหาร",
            ],
        ]
    )
    book = parse(data)
    assert book.errors == ()
    first, second = book.measures
    assert (first.number, first.title) == (1, "เผยแพร่ช่องทางการใช้จ่าย งบประมาณให้ทั่วถึง")
    assert first.steps == ("จัดประชุมชี้แจงแผนการใช้จ่าย", "ติดประกาศที่บอร์ด")
    assert (first.start_month, first.end_month) == (date(2021, 10, 1), date(2022, 9, 1))
    assert first.rounds == (6,)
    assert (second.number, second.title) == (2, "ปรับปรุงเว็บไซต์ให้เข้าถึงง่าย")
    assert second.period_given is False
    assert second.rounds is None
    assert second.kept == ("การติดตามผล: รายงานความก้าวหน้าต่อผู้บริหาร",)
    assert where(book.problems) == [("Sheet1", 3, "E"), ("Sheet1", 4, "E")]
    assert first.kept == ("การติดตามผล: รายงานผลทุก ๖ เดือน",)
    units = {"สำนักปลัด": "P", "กองคลัง": "F", "กองช่าง": "E"}
    assert match_units(second.responsible, units) == (["P", "F", "E"], ["กองการศึกษาฯ"])


def test_importer_merged_cells_join_one_measure_over_several_rows():
    """Number and title merged down over three rows (a step per row); the responsible cell merged
    over two measures belongs to both; the merged title row above is ignored."""
    rows = [
        ["มาตรการส่งเสริมคุณธรรม ปีงบประมาณ 2565", "", "", "", ""],
        ["ที่", "มาตรการ", "ขั้นตอนหรือวิธีการ", "ผู้รับผิดชอบ", "ระยะเวลาดำเนินการ"],
        [1, "จัดทำแผนป้องกันการทุจริต", "- แต่งตั้งคณะทำงาน", "กองคลัง", "ต.ค. 64 - ธ.ค. 64"],
        ["", "", "- ยกร่างแผน", "", ""],
        ["", "", "- เสนอผู้บริหารอนุมัติ", "", ""],
        [2, "เผยแพร่แผนทางเว็บไซต์", "- ลงเว็บไซต์", "", "ม.ค. 65"],
    ]
    data = xlsx(rows, merges=["A1:E1", "A3:A5", "B3:B5", "D3:D6", "E3:E5"])
    book = parse(data)
    assert book.errors == ()
    assert book.problems == ()
    assert len(book.measures) == 2
    first, second = book.measures
    assert first.steps == ("แต่งตั้งคณะทำงาน", "ยกร่างแผน", "เสนอผู้บริหารอนุมัติ")
    assert first.responsible == ("กองคลัง",)
    assert (first.start_month, first.end_month) == (date(2021, 10, 1), date(2021, 12, 1))
    assert second.responsible == ("กองคลัง",)
    assert (second.start_month, second.end_month) == (date(2022, 1, 1), date(2022, 1, 1))
    assert [m.row for m in book.measures] == [3, 6]


def test_importer_continuation_rows_without_number_or_title_are_joined():
    rows = [
        ["ลำดับ", "มาตรการ", "แนวทางปฏิบัติ", "ผู้รับผิดชอบ"],
        ["1", "ประกาศนโยบาย No Gift", "ผู้บริหารประกาศเจตนารมณ์", "สำนักปลัดเทศบาล"],
        ["", "", "แจ้งเวียนบุคลากรทุกคน", "กอง คลัง"],
        ["2", "ตั้งช่องทางร้องเรียนออนไลน์", "", "ทุกหน่วยงาน"],
    ]
    book = parse(xlsx(rows))
    assert book.errors == ()
    first, second = book.measures
    assert first.guideline == "ผู้บริหารประกาศเจตนารมณ์\nแจ้งเวียนบุคลากรทุกคน"
    assert first.responsible == ("สำนักปลัดเทศบาล", "กอง คลัง")
    assert match_units(first.responsible, {"สำนักปลัด": 1, "กองคลัง": 2, "กองช่าง": 3}) == ([1, 2], [])
    assert (second.all_units, second.responsible, second.guideline) == (True, (), None)


def test_importer_group_headings_become_target_context_not_measures():
    rows = [
        ["มาตรการ", "ขั้นตอนหรือวิธีการ", "ผู้รับผิดชอบ"],
        ["แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายใน (IIT)", "", ""],
        ["ตัวชี้วัดที่ 4 การใช้ทรัพย์สินของราชการ", "", ""],
        ["ออกระเบียบการยืมพัสดุ", "จัดทำแบบฟอร์มยืมคืน", "กองคลัง"],
        ["แบบวัดการเปิดเผยข้อมูลสาธารณะ (OIT)", "", ""],
        ["ปรับปรุงหน้าเว็บไซต์ข้อมูลพื้นฐาน", "จัดหมวดหมู่ข้อมูล", "สำนักปลัด"],
    ]
    book = parse(xlsx(rows, merges=["A2:C2", "A5:C5"]))
    assert book.errors == ()
    assert [m.title for m in book.measures] == ["ออกระเบียบการยืมพัสดุ", "ปรับปรุงหน้าเว็บไซต์ข้อมูลพื้นฐาน"]
    first, second = book.measures
    assert (first.tools, first.indicators, first.items, first.targets_context) == ((), (4,), (), True)
    assert (second.tools, second.indicators, second.targets_context) == (("OIT",), (), True)
    assert [m.row for m in book.measures] == [4, 6]


def test_importer_variant_column_names_and_unknown_columns():
    """Header on row 8 under title rows; names with line breaks, remarks and longer forms; a column
    that is none of ours is kept in the guideline and reported at the header."""
    titles = [[f"บรรทัดชื่อเรื่อง {i}"] for i in range(7)]
    header = [
        "ลำดับที่",
        "มาตรการหรือกิจกรรมที่จะดำเนินการ",
        "ขั้นตอน\nหรือวิธีการ",
        "หน่วยงาน\nที่รับผิดชอบ",
        "ระยะเวลา\nดำเนินการ",
        "สรุปผลการดำเนินการ (รอบ 6 เดือน)",
        "ผลลัพธ์หรือความสำเร็จ",
        "หมายเหตุ",
    ]
    rows = [
        *titles,
        header,
        ["๓", "จัดอบรมจริยธรรม", "อบรม 1 วัน", "สำนักปลัด", "ธ.ค. 64", "อบรมแล้ว", "ผ่านร้อยละ 95", "งบ 5,000 บาท"],
    ]
    book = parse(xlsx(rows))
    assert book.errors == ()
    (m,) = book.measures
    assert (m.number, m.title, m.steps, m.responsible) == (3, "จัดอบรมจริยธรรม", ("อบรม 1 วัน",), ("สำนักปลัด",))
    assert (m.result, m.report_outcome) == ("อบรมแล้ว", "ผ่านร้อยละ 95")
    assert m.kept == ("หมายเหตุ: งบ 5,000 บาท",)
    assert where(book.problems) == [("Sheet1", 8, "H")]
    assert column_field("ระยะเวลา ดำเนินการ") == "period"
    assert column_field("ผลการ ดำเนินการ") == "result"
    assert column_field("มาตรการ/แนวทาง") == "title"
    assert column_field("ข้อเสนอแนะ") == "suggestion"


def test_importer_periods_whole_year_and_unreadable_ones():
    rows = [
        ["ลำดับ", "มาตรการ", "ระยะเวลาดำเนินการ", "การกำกับติดตาม"],
        [1, "ก", "ตลอดปีงบประมาณ", "6 และ 12 เดือน"],
        [2, "ข", "ปีงบประมาณ 2565", "รอบ 12 เดือน"],
        [3, "ค", "ต.ค. ๖๔ – มี.ค. ๖๕", "รอบ ๙ เดือน"],
        [4, "ง", "ภายในเดือนหน้า", "รอบ 5 เดือน"],
    ]
    book = parse(xlsx(rows))
    assert book.errors == ()
    periods = [(m.start_month, m.end_month) if m.period_given else None for m in book.measures]
    assert periods == [
        (date(2021, 10, 1), date(2022, 9, 1)),
        (date(2021, 10, 1), date(2022, 9, 1)),
        (date(2021, 10, 1), date(2022, 3, 1)),
        None,
    ]
    assert [m.rounds for m in book.measures] == [(6, 12), (12,), (9,), None]
    assert book.measures[3].kept == (
        "ระยะเวลาดำเนินการ: ภายในเดือนหน้า",
        "การกำกับติดตาม: รอบ 5 เดือน",
    )
    assert where(book.problems) == [("Sheet1", 5, "C"), ("Sheet1", 5, "D")]


def test_importer_bullets_of_every_kind_and_wrapped_lines():
    rows = [
        ["มาตรการ", "ขั้นตอนหรือวิธีการ", "ผู้รับผิดชอบ"],
        ["ก", "• ขั้นแรก\n• ขั้นที่สอง\nต่อบรรทัด", "กองช่าง"],
        ["ข", "๑. หนึ่ง\n๒. สอง", "กองช่าง"],
        ["ค", "1) หนึ่ง\n2) สอง\n\n", "กองช่าง"],
        ["ง", "ขั้นเดียวไม่มีหัวข้อ", "กองช่าง"],
    ]
    book = parse(xlsx(rows))
    assert book.errors == ()
    assert [m.steps for m in book.measures] == [
        ("ขั้นแรก", "ขั้นที่สอง ต่อบรรทัด"),
        ("หนึ่ง", "สอง"),
        ("หนึ่ง", "สอง"),
        ("ขั้นเดียวไม่มีหัวข้อ",),
    ]
    assert [m.number for m in book.measures] == [None, None, None, None]


def test_importer_row_errors_are_collected_with_their_places():
    rows = [
        ["ลำดับ", "มาตรการ", "ร้อยละความสำเร็จ", "สถานะ", "ระยะเวลาดำเนินการ"],
        [1, "ก", 150, "ดำเนินการแล้วเสร็จ", ""],
        [1, "ข", "", "", ""],
        [2, "", "", "", "ต.ค. 64"],
        [3, "ค", "0.6", "หยุดชั่วคราว", "มี.ค. 65 - ต.ค. 64"],
    ]
    book = parse(xlsx(rows))
    assert [(p.row, p.column) for p in book.errors] == [(2, "C"), (4, "B"), (5, "E"), (3, "A")]
    assert book.errors[0].message == "ต้องเป็นร้อยละตั้งแต่ 0 ถึง 100"
    assert [m.number for m in book.measures] == [1, 2, 3]  # the second 1 is reported, not kept
    assert book.measures[2].percent == 1  # the text "0.6" is 0.6 per cent, rounded
    assert book.measures[2].status is None
    assert where(book.problems) == [("Sheet1", 5, "D")]
    assert book.measures[0].status == "done"


def test_importer_period_cell_typed_as_a_date():
    from datetime import datetime

    book = parse(xlsx([["มาตรการ", "ระยะเวลาดำเนินการ"], ["ก", datetime(2022, 1, 15)]]))
    assert book.problems == ()
    assert (book.measures[0].start_month, book.measures[0].end_month) == (date(2022, 1, 1), date(2022, 1, 1))


def test_importer_percent_cell_formatted_as_percent():
    rows = [["มาตรการ", "ร้อยละความสำเร็จ", "ผู้รับผิดชอบ"], ["ก", 0.6, "กองคลัง"], ["ข", "ร้อยละ ๗๕", "กองคลัง"]]
    book = parse(xlsx(rows))
    assert [m.percent for m in book.measures] == [60, 75]


def test_importer_reads_opendocument():
    rows = [
        ["ลำดับ", "มาตรการ", "ผู้รับผิดชอบ", "ระยะเวลาดำเนินการ"],
        ["1", "ประเมินความเสี่ยงการทุจริต", "สำนักปลัด", "ต.ค. 64 – ก.ย. 65"],
    ]
    book = parse(ods(rows, title="มาตรการ"))
    assert book.errors == ()
    (m,) = book.measures
    assert (m.sheet, m.row, m.number, m.title) == ("มาตรการ", 2, 1, "ประเมินความเสี่ยงการทุจริต")
    assert (m.start_month, m.end_month) == (date(2021, 10, 1), date(2022, 9, 1))


def test_importer_skips_sheets_without_a_table():
    data = xlsx(
        [["หมายเหตุ"], ["ไม่มีตาราง"]],
        title="คำอธิบาย",
        extra={"มาตรการ": [["มาตรการ", "ผู้รับผิดชอบ", "ระยะเวลาดำเนินการ"], ["ก", "กองคลัง", "ตลอดปี"]]},
    )
    book = parse(data)
    assert book.errors == ()
    assert [(m.sheet, m.row, m.title) for m in book.measures] == [("มาตรการ", 2, "ก")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not a spreadsheet", "ไฟล์นี้ไม่ใช่ไฟล์ Excel หรือ OpenDocument"),
        (b"", "ไฟล์นี้ไม่ใช่ไฟล์ Excel หรือ OpenDocument"),
        (xlsx([]), "ไม่พบตารางมาตรการ"),
        (xlsx([["ชื่อ", "ที่อยู่"], ["ก", "ข"]]), "ไม่พบตารางมาตรการ"),
        (xlsx([["มาตรการ", "ผู้รับผิดชอบ", "ระยะเวลาดำเนินการ"]]), "ตารางไม่มีมาตรการ"),
    ],
)
def test_importer_bad_workbooks_give_one_error(data, message):
    book = parse(data)
    assert book.measures == ()
    assert len(book.errors) == 1
    assert book.errors[0].message.startswith(message)


# --------------------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ต.ค. 64 - มี.ค. 65", (date(2021, 10, 1), date(2022, 3, 1))),
        ("ต.ค. ๖๔ – มี.ค. ๖๕", (date(2021, 10, 1), date(2022, 3, 1))),
        ("ตุลาคม 2564 – กันยายน 2565", (date(2021, 10, 1), date(2022, 9, 1))),
        ("ตลอดปีงบประมาณ", (date(2021, 10, 1), date(2022, 9, 1))),
        ("ตลอดปี", (date(2021, 10, 1), date(2022, 9, 1))),
        ("ปีงบประมาณ พ.ศ. 2566", (date(2022, 10, 1), date(2023, 9, 1))),
        ("มกราคม 2565", (date(2022, 1, 1), date(2022, 1, 1))),
        ("ต.ค. – มี.ค.", (date(2021, 10, 1), date(2022, 3, 1))),
        ("ตั้งแต่ พ.ย. 64 ถึง ก.พ. 65", (date(2021, 11, 1), date(2022, 2, 1))),
        ("2021-11-01T00:00:00", (date(2021, 11, 1), date(2021, 11, 1))),
        ("2021-11-01 – 2022-02-15", (date(2021, 11, 1), date(2022, 2, 1))),
        ("เร็วที่สุด", None),
        ("", None),
    ],
)
def test_parse_period_forms(text, expected):
    assert parse_period(text, 2565) == expected


def test_parse_rounds_and_targets():
    assert parse_rounds("รอบ 3 เดือน, รอบ 6 เดือน") == ((3, 6), True)
    assert parse_rounds("รายงานทุกเดือน") == ((), False)
    assert parse_targets("IIT, ตัวชี้วัดที่ 4, O12, o13") == (("IIT",), (4,), ("O12", "O13"), "")
    assert parse_targets("ตัวชี้วัดที่ ๘ เรื่องอื่น") == ((), (8,), (), "เรื่องอื่น")


def test_split_steps_keeps_every_line():
    assert split_steps("1. ก\n2. ข") == ("ก", "ข")
    assert split_steps("- ก\nต่อ\n- ข") == ("ก ต่อ", "ข")


def test_match_units_shortened_and_unknown():
    units = {"สำนักปลัดเทศบาล": "P", "กองคลัง": "F", "กองช่าง": "E"}
    assert match_units(["สำนักปลัด", "กอง ช่าง", "คณะกรรมการ"], units) == (["P", "E"], ["คณะกรรมการ"])
    assert match_units(["สำนักปลัด อบต."], {"สำนักปลัด": "P"}) == (["P"], [])


# --------------------------------------------------------------------------- property


CELL = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        ["มาตรการ", "ผู้รับผิดชอบ", "ระยะเวลาดำเนินการ", "ต.ค. 64 - มี.ค. 65", "๑.", "- ", "รอบ 6 เดือน"]
    ),
    st.integers(min_value=-5, max_value=200),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.none(),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(CELL, min_size=1, max_size=6), min_size=1, max_size=8))
def test_importer_generated_cells_never_crash(rows):
    header = ["ลำดับ", "มาตรการ", "ผู้รับผิดชอบ", "ระยะเวลาดำเนินการ", "ร้อยละความสำเร็จ", "การกำกับติดตาม"]
    clean_rows = [[_openpyxl_safe(v) for v in row] for row in rows]
    with translation.override("th"):
        book = parse_workbook(xlsx([header, *clean_rows]), fiscal_year=2565)
    for problem in (*book.problems, *book.errors):
        assert isinstance(problem, Problem)
        assert problem.message
    for measure in book.measures:
        assert measure.number is None or measure.number > 0


def _openpyxl_safe(value):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        return "'" + value if value.startswith("=") else value
    return value


def test_importer_grouped_table_lists_a_measure_under_each_heading_once():
    """A table grouped by unit shows measure 1 under both of its units: one measure, no problem."""
    row = [1, "ประกาศนโยบาย No Gift", "สำนักปลัด\nกองคลัง", "ตลอดปีงบประมาณ"]
    rows = [
        ["ลำดับ", "มาตรการ", "ผู้รับผิดชอบ", "ระยะเวลาดำเนินการ"],
        ["สำนักปลัด", "", "", ""],
        row,
        ["กองคลัง", "", "", ""],
        row,
        [2, "ทบทวนคู่มือ", "กองคลัง", "ตลอดปีงบประมาณ"],
    ]
    book = parse(xlsx(rows, merges=["A2:D2", "A4:D4"]))
    assert (book.errors, book.problems) == ((), ())
    assert [(m.number, m.row) for m in book.measures] == [(1, 3), (2, 6)]
