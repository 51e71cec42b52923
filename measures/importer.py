"""Reading measure tables from spreadsheets: pure parsing, no database (STYLE.md §2 "Importers").

Agencies keep their measure plans as tables copied from Word (seeds 001-004): title rows above the
header, the header repeated before every measure (tables copied page by page), merged cells, several
lines or bullets in a cell, column names that differ a little, Thai digits, periods written in half
a dozen ways. ``parse_workbook`` turns such a workbook (.xlsx, .xls, .ods, read by python-calamine)
into frozen ``ParsedMeasure`` rows and a list of every problem with its place, (sheet, row as Excel
numbers it, column letter, message in Thai). Nothing in a cell is ever dropped: text that fits no
field is kept in the guideline, and the warning says so.

Conventions:

* a column the table does not have is ``None`` in every row: the stored value stays;
* an empty cell in a column the table has is ``None`` too (a blank cell never erases what is stored;
  an exported table re-imported leaves every measure as it is);
* what needs the database (matching units, targets of the year's framework, which measure a row is)
  is done by ``measures.import_services`` with the helpers here (``match_units``).
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook

from ita_portal.thai import arabic_digits, ce_year, fiscal_year_bounds

from .rounds import ROUND_MONTHS, fiscal_year_months

HEADER_SCAN_ROWS = 20
MAX_ROWS = 5000
MAX_CELL = 10_000  # characters kept per cell before the rest is reported (a Word table never has more)

# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Problem:
    """One problem at its place: the sheet's name, the row as Excel numbers it, the column letter."""

    sheet: str
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}


@dataclass(frozen=True)
class ParsedMeasure:
    """One measure as the table gives it. ``None`` = not given (no such column, or an empty cell)."""

    sheet: str
    row: int  # first Excel row of the measure
    columns: Mapping[str, str]  # field -> column letter, for problems found later
    number: int | None
    title: str
    tools: tuple[str, ...] | None = None  # tool codes (IIT, EIT, OIT)
    indicators: tuple[int, ...] | None = None
    items: tuple[str, ...] | None = None  # item codes (O12, I3, ...)
    guideline: str | None = None
    kept: tuple[str, ...] = ()  # text that fits no field, added to the guideline ("label: text")
    targets_context: bool = False  # targets taken from a group heading: added, never replacing
    steps: tuple[str, ...] | None = None
    all_units: bool | None = None
    responsible: tuple[str, ...] | None = None  # names as written (units or other parties)
    start_month: date | None = None
    end_month: date | None = None
    period_given: bool = False
    rounds: tuple[int, ...] | None = None
    outcome: str | None = None  # expected outcome (ตัวชี้วัดความสำเร็จ)
    status: str | None = None
    result: str | None = None  # progress report of the import's round
    report_outcome: str | None = None
    suggestion: str | None = None
    percent: int | None = None

    @property
    def targets_given(self) -> bool:
        return self.tools is not None or self.indicators is not None or self.items is not None

    @property
    def has_progress(self) -> bool:
        return any(v is not None for v in (self.result, self.report_outcome, self.suggestion, self.percent))

    def column(self, name: str) -> str:
        return self.columns.get(name, self.columns.get("title", "A"))


@dataclass(frozen=True)
class ParsedWorkbook:
    measures: tuple[ParsedMeasure, ...]
    problems: tuple[Problem, ...]  # warnings: the rows still import
    errors: tuple[Problem, ...]  # the file cannot be imported as it is
    round_month: int | None = None  # a round named in a title row ("รอบ 6 เดือน")
    carried: frozenset[str] = frozenset()  # fields some sheet has a column for


# --------------------------------------------------------------------------- text helpers

_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\ufeff\u00ad]")
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")
_TAGS = re.compile(r"</?(p|br|div|span)\b[^>]*>", re.IGNORECASE)
# Bullets and numbering at the start of a line: -, •, *, ๑., 1), (1), ก., ...
_BULLET = re.compile(r"^\s*(?:[-–—•●○◦▪■□✓*]+|\(?[0-9๐-๙]{1,2}[.)](?![0-9๐-๙])|\([0-9๐-๙]{1,2}\))\s*")
_NUMBER_PREFIX = re.compile(r"^\s*([0-9๐-๙]{1,4})\s*[.)]?\s+|^\s*([0-9๐-๙]{1,4})\s*[.)](?![0-9๐-๙])\s*")


def clean_text(value: str) -> str:
    """Lines stripped, runs of spaces made one, empty lines left out, zero-width marks removed."""
    value = _ZERO_WIDTH.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    value = _TAGS.sub("\n", value)
    lines = (_SPACES.sub(" ", line).strip() for line in value.split("\n"))
    return "\n".join(line for line in lines if line)


def compare_text(value: str) -> str:
    """What two texts must share to count as the same: ``clean_text`` (what the exporter writes)."""
    return clean_text(value or "")


def squash(value: str) -> str:
    """No spaces at all, for matching names broken by spaces ("หน่วยตรวจสอบ ภายใน")."""
    return re.sub(r"\s+", "", _ZERO_WIDTH.sub("", value))


def _digits(value: str) -> str:
    return arabic_digits(value)


def cell_text(value: Any) -> str:
    """A calamine cell value as text: 5.0 -> "5", dates as ISO, None -> ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


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


# --------------------------------------------------------------------------- fields

THAI_MONTHS = {
    1: ("มกราคม", "ม.ค."),
    2: ("กุมภาพันธ์", "ก.พ."),
    3: ("มีนาคม", "มี.ค."),
    4: ("เมษายน", "เม.ย."),
    5: ("พฤษภาคม", "พ.ค."),
    6: ("มิถุนายน", "มิ.ย."),
    7: ("กรกฎาคม", "ก.ค."),
    8: ("สิงหาคม", "ส.ค."),
    9: ("กันยายน", "ก.ย."),
    10: ("ตุลาคม", "ต.ค."),
    11: ("พฤศจิกายน", "พ.ย."),
    12: ("ธันวาคม", "ธ.ค."),
}
_MONTH_WORDS = sorted(
    ((squash(name), month) for month, names in THAI_MONTHS.items() for name in names),
    key=lambda pair: -len(pair[0]),
)
_MONTH_RE = "|".join(re.escape(word) for word, _m in _MONTH_WORDS)
_MONTH_YEAR = re.compile(rf"({_MONTH_RE})(?:พ\.?ศ\.?)?([0-9]{{4}}|[0-9]{{2}})?")
_WHOLE_YEAR = re.compile(r"^(ตลอดปีงบประมาณ|ตลอดปี|ปีงบประมาณ|ทั้งปีงบประมาณ|ทั้งปี)(พ\.?ศ\.?)?([0-9]{4})?$")


_ISO_DATE = re.compile(r"((?:19|20|21)[0-9]{2})-([01][0-9])-[0-3][0-9](?:T[0-9:.]+)?")


def _be_year(text: str) -> int:
    year = int(text)
    return year + 2500 if year < 100 else year


def parse_period(text: str, fiscal_year: int) -> tuple[date, date] | None:
    """Start and end months of a period as people write it, or None when it cannot be read.

    "ต.ค. 64 - มี.ค. 65", "ต.ค. ๖๔ – มี.ค. ๖๕", "ตุลาคม 2564 – กันยายน 2565", "ตลอดปีงบประมาณ",
    "ปีงบประมาณ 2565" (the whole fiscal year), one month ("มี.ค. 65"); a month without a year is
    placed in the fiscal year (ต.ค.–ธ.ค. in its first calendar year).
    """
    flat = squash(_digits(text)).replace("พ.ศ.", "พ.ศ.")
    if not flat:
        return None
    iso = [date(int(y), int(m), 1) for y, m in _ISO_DATE.findall(flat)]
    if iso and len(iso) <= 2 and not _ISO_DATE.sub("", flat).strip("-–—~ถึง"):
        return iso[0], iso[-1]  # a cell Excel took for a date (Common-era, from the cell's value)
    whole = _WHOLE_YEAR.match(flat)
    if whole:
        year = int(whole.group(3)) if whole.group(3) else fiscal_year
        if not 2400 <= year <= 2700:
            return None
        return fiscal_year_months(year)
    found = list(_MONTH_YEAR.finditer(flat))
    if not found or len(found) > 2:
        return None
    rest = _MONTH_YEAR.sub("", flat)
    if re.sub(r"[-–—~ถึงจนตั้งแต่เดือน,.]", "", rest.replace("ถึง", "").replace("ตั้งแต่", "")):
        return None
    months = []
    fy_start, _end = fiscal_year_bounds(fiscal_year)
    for match in found:
        month = dict(_MONTH_WORDS)[match.group(1)]
        if match.group(2):
            ce = ce_year(_be_year(match.group(2)))
        else:
            ce = fy_start.year if month >= 10 else fy_start.year + 1
        if not 1900 <= ce <= 2200:
            return None
        months.append(date(ce, month, 1))
    start, end = months[0], months[-1]
    if len(found) == 2 and not found[0].group(2) and found[1].group(2) and start > end:
        start = start.replace(year=start.year - 1)  # "ต.ค. – มี.ค. 65": the start is in the year before
    return start, end


_ROUND = re.compile(r"(?:รอบ)?\s*([0-9]{1,2})\s*เดือน")
_ROUND_WORDS = re.compile(r"รอบ|เดือน|และ|,|/|ทุก|[0-9]|\s|、")


def parse_rounds(text: str) -> tuple[tuple[int, ...], bool]:
    """Rounds named in a cell ("รอบ 3 เดือน, รอบ 6 เดือน", "6 และ 12 เดือน") and whether the cell says
    nothing else (when it does, the caller keeps the whole text)."""
    flat = _digits(text)
    months: set[int] = set()
    for match in re.finditer(r"([0-9]{1,2})(?=\s*(?:,|และ|/|\s)*\s*(?:[0-9\s,/และ]*)เดือน)", flat):
        months.add(int(match.group(1)))
    rest = _ROUND_WORDS.sub("", flat)
    valid = tuple(sorted(m for m in months if m in ROUND_MONTHS))
    return valid, not rest and len(valid) == len(months) and bool(valid)


def title_round(text: str) -> int | None:
    """The round a title row names ("ผลการดำเนินการ รอบ 6 เดือน (ต.ค. 64 – มี.ค. 65)")."""
    match = re.search(r"รอบ\s*([0-9]{1,2})\s*เดือน", _digits(text))
    if match and int(match.group(1)) in ROUND_MONTHS:
        return int(match.group(1))
    return None


TOOL_CODES = ("IIT", "EIT", "OIT")
_TOOL_WORDS = {"ภายใน": "IIT", "ภายนอก": "EIT", "เปิดเผยข้อมูลสาธารณะ": "OIT"}
_TARGET_TOKEN = re.compile(
    r"(?P<tool>\b(?:IIT|EIT|OIT)\b)|ตัวชี้วัดที่\s*(?P<ind>[0-9]{1,2})|(?P<item>\b[OIE][0-9]{1,3}\b)",
    re.IGNORECASE,
)


def parse_targets(text: str) -> tuple[tuple[str, ...], tuple[int, ...], tuple[str, ...], str]:
    """Tool codes, indicator numbers and item codes in a cell ("IIT, ตัวชี้วัดที่ 4, O12, O13"), and
    the text left over once those and the separators are taken out."""
    flat = _digits(text)
    tools: list[str] = []
    indicators: list[int] = []
    items: list[str] = []
    for match in _TARGET_TOKEN.finditer(flat):
        if match.group("tool"):
            code = match.group("tool").upper()
            if code not in tools:
                tools.append(code)
        elif match.group("ind"):
            number = int(match.group("ind"))
            if number not in indicators:
                indicators.append(number)
        else:
            code = match.group("item").upper()
            if code not in items:
                items.append(code)
    rest = _TARGET_TOKEN.sub("", flat)
    rest = re.sub(r"[\s,/;、()\[\]\-–และ]+", " ", rest).strip()
    return tuple(tools), tuple(indicators), tuple(items), rest


def heading_context(text: str) -> tuple[str | None, int | None]:
    """The tool and indicator a group heading names ("แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายใน (IIT)")."""
    flat = _digits(text)
    tool = None
    match = re.search(r"\b(IIT|EIT|OIT)\b", flat, re.IGNORECASE)
    if match:
        tool = match.group(1).upper()
    else:
        for word, code in _TOOL_WORDS.items():
            if "แบบวัด" in flat and word in flat:
                tool = code
                break
    ind = re.search(r"ตัวชี้วัดที่\s*([0-9]{1,2})", flat)
    return tool, int(ind.group(1)) if ind else None


def _looks_like_heading(text: str) -> bool:
    tool, indicator = heading_context(text)
    return tool is not None or indicator is not None or bool(re.match(r"^[OIE][0-9]{1,3}\b", text.strip()))


def split_steps(text: str) -> tuple[str, ...]:
    """Steps one per line, bullets and numbering taken off; a line that does not start a bullet while
    others do continues the step above it. Bullets run together on one line ("- a  - b") are split."""
    text = clean_text(re.sub(r"\s{2,}(?=[-•●]\s)", "\n", text.replace("\r", "\n")))
    lines = text.split("\n") if text else []
    marked = [bool(_BULLET.match(line)) for line in lines]
    steps: list[str] = []
    for line, is_marked in zip(lines, marked, strict=True):
        body = _BULLET.sub("", line, count=1).strip() if is_marked else line.strip()
        if not body:
            continue
        if any(marked) and not is_marked and steps:
            steps[-1] = f"{steps[-1]} {body}"
        else:
            steps.append(body)
    return tuple(steps)


ALL_UNITS_WORDS = ("ทุกหน่วยงาน", "ทุกส่วนราชการ", "ทุกกอง", "ทุกสำนัก/กอง", "ทุกกอง/สำนัก", "ทุกหน่วย")


def split_responsible(text: str) -> tuple[bool, tuple[str, ...]]:
    """Whether a cell says "all units", and the other names in it (one per line or comma)."""
    all_units = False
    names: list[str] = []
    for line in clean_text(text).split("\n"):
        for part in re.split(r"[,;、]", line):
            part = _BULLET.sub("", part, count=1).strip()
            if not part:
                continue
            if squash(part) in ALL_UNITS_WORDS:
                all_units = True
            else:
                names.append(part)
    return all_units, tuple(names)


# Parts of unit names people leave out or write another way (normalised: no spaces).
_UNIT_ALIASES = (("สำนักงานปลัด", "สำนักปลัด"), ("ฯ", ""))
_UNIT_SUFFIXES = (
    "องค์การบริหารส่วนตำบล",
    "องค์การบริหารส่วนจังหวัด",
    "เทศบาลตำบล",
    "เทศบาลเมือง",
    "เทศบาลนคร",
    "เทศบาล",
    "อบต.",
    "อบจ.",
    "อบต",
    "ทต.",
)
UNIT_LIKE = ("สำนัก", "กอง", "ฝ่าย", "หน่วย", "งาน", "ส่วน")


def unit_key(name: str) -> str:
    """A unit name normalised for matching: no spaces, "สำนักงานปลัด" = "สำนักปลัด", the
    organization's name after it left out ("สำนักปลัดเทศบาล", "สำนักปลัด อบต." -> "สำนักปลัด")."""
    key = squash(name)
    for old, new in _UNIT_ALIASES:
        key = key.replace(old, new)
    changed = True
    while changed:
        changed = False
        for suffix in _UNIT_SUFFIXES:
            if key.endswith(suffix) and len(key) > len(suffix):
                key = key[: -len(suffix)]
                changed = True
    return key


def match_units(names: Iterable[str], units: Mapping[str, Any]) -> tuple[list[Any], list[str]]:
    """Units (values of ``units``, keyed by unit name) named in ``names``, and the names that are none.

    A name matches a unit whose normalised name is the same, or the one unit whose name it begins
    (a shortened name, 4 characters at least). A name that is several units run together with spaces ("สำนักปลัด
    กองคลัง") is split where the pieces match; pieces that match nothing stay together as written.
    """
    keyed = {unit_key(name): unit for name, unit in units.items()}

    def find(text: str) -> Any | None:
        key = unit_key(text)
        if not key:
            return None
        if key in keyed:
            return keyed[key]
        near = [u for k, u in keyed.items() if len(key) >= 4 and k.startswith(key)]
        return near[0] if len(near) == 1 else None

    found: list[Any] = []
    unmatched: list[str] = []
    for name in names:
        unit = find(name)
        if unit is not None:
            if unit not in found:
                found.append(unit)
            continue
        words = name.split()
        pending: list[str] = []
        i = 0
        while i < len(words):
            for j in range(len(words), i, -1):
                unit = find(" ".join(words[i:j]))
                if unit is not None:
                    break
            if unit is None:
                pending.append(words[i])
                i += 1
                continue
            if pending:
                unmatched.append(" ".join(pending))
                pending = []
            if unit not in found:
                found.append(unit)
            i = j
        if pending:
            unmatched.append(" ".join(pending))
    return found, unmatched


def parse_percent(value: Any) -> int | str | None:
    """0..100 from "60", "60%", "ร้อยละ 60", 0.6 (a cell formatted as percent); a str is an error."""
    if isinstance(value, bool):
        return _("expected a percentage from 0 to 100")
    if isinstance(value, int | float):
        number = float(value)
        if math.isnan(number) or math.isinf(number):
            return _("expected a percentage from 0 to 100")
        if 0 < number < 1:
            number *= 100
    else:
        text = squash(_digits(str(value))).replace("ร้อยละ", "").rstrip("%")
        if not text:
            return None
        try:
            number = float(text)
        except ValueError:
            return _("expected a percentage from 0 to 100")
    if not 0 <= number <= 100:
        return _("expected a percentage from 0 to 100")
    return round(number)


def parse_number(text: str) -> int | None:
    flat = squash(_digits(text)).rstrip(".)")
    if flat.endswith(".0"):
        flat = flat[:-2]
    return int(flat) if re.fullmatch(r"[0-9]{1,4}", flat) and int(flat) > 0 else None


# --------------------------------------------------------------------------- sheets


@dataclass
class _Grid:
    """A sheet's cells as text with merged regions filled: ``origin`` names the cell a value came from,
    so a merged cell read on several rows counts once when the rows are one measure."""

    name: str
    rows: list[list[str]]
    origin: list[list[tuple[int, int]]]
    first_row: int  # Excel number of rows[0]
    first_col: int  # 0-based column index of column 0
    raw: list[list[Any]] = field(default_factory=list)


def _grid(sheet: Any) -> _Grid:
    data = sheet.to_python(skip_empty_area=False)[:MAX_ROWS]
    width = max((len(r) for r in data), default=0)
    raw = [list(r) + [""] * (width - len(r)) for r in data]
    rows = [[cell_text(v) for v in r] for r in raw]
    origin = [[(r, c) for c in range(width)] for r in range(len(rows))]
    for (r0, c0), (r1, c1) in getattr(sheet, "merged_cell_ranges", None) or []:
        if r0 >= len(rows) or c0 >= width:
            continue
        value, raw_value = rows[r0][c0], raw[r0][c0]
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            for c in range(c0, min(c1, width - 1) + 1):
                if (r, c) != (r0, c0) and rows[r][c] == "":
                    rows[r][c] = value
                    raw[r][c] = raw_value
                    origin[r][c] = (r0, c0)
    return _Grid(sheet.name, rows, origin, 1, 0, raw)


@dataclass
class _Draft:
    """A measure being read, possibly over several rows."""

    row: int
    texts: dict[str, list[str]] = field(default_factory=dict)
    seen: set[tuple[int, int]] = field(default_factory=set)
    raw_percent: Any = None
    context_tool: str | None = None
    context_indicator: int | None = None
    extra: list[tuple[int, str, str]] = field(default_factory=list)  # (column index, header, text)


def _keep(label: str, text: str) -> str:
    return f"{label}: {text}"


class _SheetParser:
    def __init__(self, grid: _Grid, fiscal_year: int, status_labels: Mapping[str, str]) -> None:
        self.grid = grid
        self.fiscal_year = fiscal_year
        self.status_labels = status_labels
        self.warnings: list[Problem] = []
        self.errors: list[Problem] = []
        self.measures: list[ParsedMeasure] = []
        self.round_month: int | None = None
        self.columns: dict[int, str] = {}
        self.unknown: dict[int, str] = {}
        self.headers: dict[int, str] = {}

    def warn(self, row: int, col: int, message: str) -> None:
        self.warnings.append(Problem(self.grid.name, row, get_column_letter(col + 1), message))

    def error(self, row: int, col: int, message: str) -> None:
        self.errors.append(Problem(self.grid.name, row, get_column_letter(col + 1), message))

    def find_header(self) -> int | None:
        for index, row in enumerate(self.grid.rows[:HEADER_SCAN_ROWS]):
            if _is_header(row):
                return index
        return None

    def parse(self) -> bool:
        header = self.find_header()
        if header is None:
            return False
        for row in self.grid.rows[:header]:
            for text in dict.fromkeys(row):
                found = title_round(text)
                if found is not None and self.round_month is None:
                    self.round_month = found
        self.columns = _header_fields(self.grid.rows[header])
        self.headers = {i: " ".join(clean_text(t).split()) for i, t in enumerate(self.grid.rows[header])}
        for index, text in enumerate(self.grid.rows[header]):
            if index not in self.columns and clean_text(text):
                self.unknown[index] = clean_text(text).replace("\n", " ")
                self.warn(
                    header + 1,
                    index,
                    _(
                        "Column “%(name)s” is not a column of the measure table; "
                        "its text is kept in the guideline."
                    )
                    % {"name": self.unknown[index]},
                )
        by_field = {name: index for index, name in self.columns.items()}
        draft: _Draft | None = None
        context: tuple[str | None, int | None] = (None, None)
        for index in range(header + 1, len(self.grid.rows)):
            row = self.grid.rows[index]
            excel_row = index + 1
            if not any(text.strip() for text in row):
                continue
            if _is_header(row):
                continue
            if self._is_heading(index, by_field):
                text = next(t for t in row if t.strip())
                tool, indicator = heading_context(text)
                if indicator is not None:  # an indicator heading stays under the tool above it
                    context = (tool or context[0], indicator)
                elif tool is not None:
                    context = (tool, None)
                if draft is not None:
                    self._finish(draft, by_field)
                    draft = None
                continue
            number_text = row[by_field["number"]] if "number" in by_field else ""
            title_text = row[by_field["title"]]
            starts = False
            for name in ("number", "title"):
                col = by_field.get(name)
                if col is None:
                    continue
                text, origin = row[col], self.grid.origin[index][col]
                if text.strip() and (draft is None or origin not in draft.seen):
                    starts = True
            if not number_text.strip() and not title_text.strip() and draft is None:
                starts = True  # a first row with no title: reported as such below
            if starts:
                if draft is not None:
                    self._finish(draft, by_field)
                draft = _Draft(excel_row, context_tool=context[0], context_indicator=context[1])
            assert draft is not None
            self._take(draft, index)
        if draft is not None:
            self._finish(draft, by_field)
        return True

    def _is_heading(self, index: int, by_field: Mapping[str, int]) -> bool:
        """A group heading: one text, in the table's first column (maybe merged across), no number."""
        row = self.grid.rows[index]
        filled = [c for c, text in enumerate(row) if text.strip()]
        if not filled:
            return False
        origins = {self.grid.origin[index][c] for c in filled}
        if len(origins) != 1:
            return False
        first = min(self.columns) if self.columns else 0
        if filled[0] != first:
            return False
        text = row[filled[0]]
        if "number" in by_field and parse_number(row[by_field["number"]]) is not None:
            return False
        merged_across = len(filled) > 1
        in_number_column = by_field.get("number") == first
        return merged_across or in_number_column or _looks_like_heading(text)

    def _take(self, draft: _Draft, index: int) -> None:
        row = self.grid.rows[index]
        for col, text in enumerate(row):
            origin = self.grid.origin[index][col]
            if not text.strip() or origin in draft.seen:
                continue
            draft.seen.add(origin)
            name = self.columns.get(col)
            if name is None:
                draft.extra.append((col, self.unknown.get(col, ""), text))
                continue
            if name == "percent" and draft.raw_percent is None:
                draft.raw_percent = self.grid.raw[index][col]
            if len(text) > MAX_CELL:
                message = _("The cell has more than %(limit)s characters.") % {"limit": MAX_CELL}
                self.error(index + 1, col, message)
                text = text[:MAX_CELL]
            draft.texts.setdefault(name, []).append(text)

    def _finish(self, draft: _Draft, by_field: Mapping[str, int]) -> None:
        texts = {name: "\n".join(parts) for name, parts in draft.texts.items()}
        letters = {name: get_column_letter(col + 1) for name, col in by_field.items()}
        row = draft.row
        kept: list[str] = []

        def col(name: str) -> int:
            return by_field.get(name, by_field["title"])

        def keep(name: str, label: str, text: str) -> None:
            header = self.headers.get(by_field.get(name, -1), label)
            kept.append(_keep(header, clean_text(text).replace("\n", " ")))
            self.warn(
                row,
                col(name),
                _("“%(text)s” could not be read as %(what)s; it is kept in the guideline.")
                % {"text": _short(text), "what": label},
            )

        number: int | None = None
        title = clean_text(texts.get("title", "")).replace("\n", " ")
        if "number" in texts:
            number = parse_number(texts["number"])
            if number is None:
                keep("number", _("number"), texts["number"])
        if number is None:
            prefix = _NUMBER_PREFIX.match(title)
            if prefix and 0 < int(_digits(prefix.group(1) or prefix.group(2))) < 10000:
                number = int(_digits(prefix.group(1) or prefix.group(2)))
                title = title[prefix.end() :].strip()
        if not title:
            self.error(row, col("title"), _("The measure has no title."))
        elif len(title) > 300:
            self.error(row, col("title"), _("The title is longer than 300 characters."))

        tools = indicators = items = None
        if "targets" in by_field:
            if "targets" in texts:
                t, i, o, rest = parse_targets(texts["targets"])
                tools, indicators, items = t, i, o
                if rest:
                    keep("targets", _("targets"), texts["targets"])
        elif draft.context_tool or draft.context_indicator:
            tools = (draft.context_tool,) if draft.context_tool and not draft.context_indicator else ()
            indicators = (draft.context_indicator,) if draft.context_indicator else ()
            items = ()

        steps = split_steps(texts["steps"]) if "steps" in texts else None
        if steps is not None:
            if len(steps) > 30:
                self.error(row, col("steps"), _("More than 30 steps in one measure."))
            elif any(len(step) > 500 for step in steps):
                self.error(row, col("steps"), _("A step is longer than 500 characters."))

        all_units = responsible = None
        if "responsible" in texts:
            all_units, responsible = split_responsible(texts["responsible"])

        start = end = None
        period_given = False
        if "period" in texts:
            period = parse_period(texts["period"], self.fiscal_year)
            if period is None:
                keep("period", _("period"), texts["period"])
            else:
                start, end = period
                period_given = True
                if start > end:
                    self.error(row, col("period"), _("The period ends before it starts."))

        rounds = None
        if "rounds" in texts:
            found, only = parse_rounds(texts["rounds"])
            rounds = found if found else None
            if not only:
                keep("rounds", _("monitoring rounds"), texts["rounds"])

        status = None
        if "status" in texts:
            status = self.status_labels.get(squash(texts["status"]))
            if status is None:
                keep("status", _("status"), texts["status"])

        percent = None
        if "percent" in texts:
            raw = draft.raw_percent
            value = parse_percent(raw if raw not in (None, "") else texts["percent"])
            if isinstance(value, str):
                self.error(row, col("percent"), value)
            else:
                percent = value

        for index, header, text in draft.extra:
            label = header or _("column %(letter)s") % {"letter": get_column_letter(index + 1)}
            kept.append(_keep(label, clean_text(text).replace("\n", " ")))
            if not header:
                self.warn(row, index, _("Text outside the table's columns is kept in the guideline."))

        guideline = clean_text(texts["guideline"]) if "guideline" in texts else None

        def text_of(name: str) -> str | None:
            return clean_text(texts[name]) if name in texts else None

        self.measures.append(
            ParsedMeasure(
                sheet=self.grid.name,
                row=row,
                columns=letters,
                number=number,
                title=title,
                tools=tools,
                indicators=indicators,
                items=items,
                guideline=guideline,
                kept=tuple(kept),
                targets_context="targets" not in by_field and tools is not None,
                steps=steps,
                all_units=all_units,
                responsible=responsible,
                start_month=start,
                end_month=end,
                period_given=period_given,
                rounds=rounds,
                outcome=text_of("outcome"),
                status=status,
                result=text_of("result"),
                report_outcome=text_of("report_outcome"),
                suggestion=text_of("suggestion"),
                percent=percent,
            )
        )


def _short(text: str, limit: int = 60) -> str:
    flat = clean_text(text).replace("\n", " ")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def status_labels() -> dict[str, str]:
    """Status words (no spaces) -> status value: the statuses' Thai labels and the usual synonyms."""
    from .models import MeasureStatus  # the labels only; no query

    labels = {}
    for language in ("en", "th"):  # the file's words are Thai whatever language the reader runs in
        with translation.override(language):
            labels.update({squash(str(label)): value for value, label in MeasureStatus.choices})
    labels.update({squash(value): value for value in MeasureStatus.values})
    synonyms = {
        "ยังไม่ดำเนินการ": MeasureStatus.PLANNED,
        "วางแผน": MeasureStatus.PLANNED,
        "อยู่ระหว่างดำเนินการ": MeasureStatus.IN_PROGRESS,
        "กำลังดำเนินการ": MeasureStatus.IN_PROGRESS,
        "ดำเนินการแล้ว": MeasureStatus.DONE,
        "เสร็จสิ้น": MeasureStatus.DONE,
        "ดำเนินการแล้วเสร็จ": MeasureStatus.DONE,
        "แล้วเสร็จ": MeasureStatus.DONE,
        "ยกเลิก": MeasureStatus.CANCELLED,
    }
    labels.update(synonyms)
    return labels


def parse_workbook(data: bytes, *, fiscal_year: int) -> ParsedWorkbook:
    """Every measure of every sheet that has a measure table, and every problem with its place.

    Never raises on the content of the file: a file that is not a spreadsheet, has no sheet with a
    recognisable header or no measure at all gives errors.
    """
    errors: list[Problem] = []
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(book.sheet_names)
    except Exception:  # calamine raises several kinds (CalamineError, ZipError, XmlError, ...)
        problem = Problem("", 0, "", _("The file is not an Excel or OpenDocument spreadsheet."))
        return ParsedWorkbook((), (), (problem,))
    labels = status_labels()
    measures: list[ParsedMeasure] = []
    warnings: list[Problem] = []
    round_month = None
    carried: set[str] = set()
    any_header = False
    for index, name in enumerate(names):
        try:
            sheet = book.get_sheet_by_index(index)
            grid = _grid(sheet)
        except Exception:
            errors.append(Problem(name, 0, "", _("The sheet cannot be read.")))
            continue
        parser = _SheetParser(grid, fiscal_year, labels)
        if not parser.parse():
            continue
        any_header = True
        measures.extend(parser.measures)
        warnings.extend(parser.warnings)
        errors.extend(parser.errors)
        carried |= set(parser.columns.values())
        if round_month is None:
            round_month = parser.round_month
    if not any_header:
        message = _(
            "No measure table found: no row among the first %(rows)s rows of a sheet has the column "
            "names (มาตรการ, ผู้รับผิดชอบ, ระยะเวลาดำเนินการ, ...)."
        ) % {"rows": HEADER_SCAN_ROWS}
        errors.append(Problem(names[0] if names else "", 0, "", message))
    elif not measures:
        errors.append(Problem(names[0], 0, "", _("The table has no measures.")))
    seen: dict[int, ParsedMeasure] = {}
    unique: list[ParsedMeasure] = []
    for measure in measures:
        if measure.number is None:
            unique.append(measure)
            continue
        if measure.number in seen:
            first = seen[measure.number]
            if _same_content(first, measure):
                continue  # a grouped table lists a measure under each of its tools, items or units
            errors.append(
                Problem(
                    measure.sheet,
                    measure.row,
                    measure.column("number"),
                    _("Measure number %(number)s appears twice (first in row %(row)s).")
                    % {"number": measure.number, "row": first.row},
                )
            )
        else:
            seen[measure.number] = measure
            unique.append(measure)
    return ParsedWorkbook(tuple(unique), tuple(warnings), tuple(errors), round_month, frozenset(carried))


def _same_content(a: ParsedMeasure, b: ParsedMeasure) -> bool:
    """The same measure read twice: everything equal but where it was read (and a heading's context)."""
    return replace(b, sheet=a.sheet, row=a.row, columns=a.columns, targets_context=a.targets_context) == a
