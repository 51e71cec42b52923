"""Reading a sheet: its cells as text with merged regions filled, and which row is the header."""

from __future__ import annotations

from collections.abc import Sequence

from assessments.sheets import Grid, Sheet, grid_of

from .text import squash

MAX_ROWS = 5000


# --------------------------------------------------------------------------- columns

#: Field -> header names (without spaces), most specific first. A header matches a name when it
#: equals it or starts with it, so "มาตรการหรือกิจกรรมที่..." is a title and "ผลลัพธ์หรือความสำเร็จ" an outcome.
COLUMN_NAMES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("number", ("ลำดับที่", "ลำดับ", "ที่", "ข้อที่", "ข้อ", "no.", "no")),
    ("outcome", ("ตัวชี้วัดความสำเร็จ", "ผลที่คาดว่าจะได้รับ", "ผลที่คาดว่า", "เป้าหมายความสำเร็จ")),
    ("targets", ("ตัวชี้วัด/ข้อที่มุ่งแก้ไข", "ตัวชี้วัด", "ข้อที่มุ่งแก้ไข", "ประเด็นที่มุ่งแก้ไข", "เครื่องมือ")),
    ("title", ("มาตรการ", "ชื่อมาตรการ", "กิจกรรม/มาตรการ")),
    ("guideline", ("แนวทางปฏิบัติ", "แนวทางการปฏิบัติ", "แนวทางการดำเนินการ", "แนวทาง")),
    ("steps", ("ขั้นตอนหรือวิธีการ", "ขั้นตอน", "วิธีการดำเนินการ", "วิธีดำเนินการ", "วิธีการ", "กิจกรรม")),
    ("responsible", ("ผู้รับผิดชอบ", "หน่วยงานที่รับผิดชอบ", "หน่วยงานรับผิดชอบ", "หน่วยงานผู้รับผิดชอบ")),
    ("period", ("ระยะเวลาดำเนินการ", "ระยะเวลาการดำเนินการ", "ระยะเวลา", "ช่วงเวลา", "กำหนดเวลา")),
    ("rounds", ("การกำกับติดตาม", "การติดตามผล", "การติดตาม", "รอบการติดตาม", "รอบการรายงาน")),
    ("result", ("ผลการดำเนินการ", "สรุปผลการดำเนินการ", "ผลการดำเนินงาน", "สรุปผลการดำเนินงาน", "รายงานผล")),
    ("report_outcome", ("ผลลัพธ์",)),
    ("suggestion", ("ข้อเสนอแนะ", "ปัญหาอุปสรรค", "ปัญหา/อุปสรรค", "ปัญหาและอุปสรรค")),
    ("percent", ("ร้อยละความสำเร็จ", "ร้อยละ", "ความก้าวหน้า", "%")),
    ("status", ("สถานะ",)),
)
MEASURE_COLUMNS = ("targets", "guideline", "steps", "responsible", "period", "rounds", "outcome", "status")
PROGRESS_COLUMNS = ("result", "report_outcome", "suggestion", "percent")


def column_field(header: str) -> str | None:
    """The field a header names, or None: tolerant of spaces, line breaks and a trailing remark."""
    text = squash(header).lower().rstrip(":")
    if not text:
        return None
    for name, variants in COLUMN_NAMES:
        for variant in variants:
            if text == variant or (name != "number" and len(variant) > 2 and text.startswith(variant)):
                return name
    return None


def _header_fields(row: Sequence[str]) -> dict[int, str]:
    found: dict[int, str] = {}
    for index, value in enumerate(row):
        name = column_field(value)
        if name is not None and name not in found.values():
            found[index] = name
    return found


def _is_header(row: Sequence[str]) -> bool:
    fields = set(_header_fields(row).values())
    return "title" in fields and len(fields) >= 2


# --------------------------------------------------------------------------- sheets

#: A sheet's cells as text with merged regions filled (``assessments.sheets.Grid``): ``origin`` names the
#: cell a value came from, so a merged cell read on several rows counts once when the rows are one measure.
_Grid = Grid


def _grid(sheet: Sheet) -> Grid:
    """The grid of a sheet read by ``assessments.sheets`` (at most ``MAX_ROWS`` rows)."""
    if len(sheet.rows) > MAX_ROWS:
        sheet = Sheet(sheet.name, sheet.rows[:MAX_ROWS], sheet.merged, sheet.first_row, True)
    return grid_of(sheet)
