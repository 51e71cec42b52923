"""A year's measures and their progress as one printable Excel sheet (issue 6, item 6).

The layout is a file format as well as a printout: the measure importer reads the same sheet back
(export, then import, changes nothing). The Thai words below are therefore the format itself, not
page text, and are written whatever the active language is:

* one sheet, ``SHEET_TITLE``;
* title rows merged across the table: the organization's name, the plan's title with the fiscal
  year, and (when a round is exported) "ผลการดำเนินการ รอบ N เดือน (period of the round)";
* the header row ``HEADERS``, then one row per measure; in the grouped layouts group heading rows
  (text in column A, merged across, bold, shaded) and every measure only once, under its first group.

Every cell goes through the safe-cell writer of ``assessments.exports``: user text never becomes a
formula, whatever it starts with.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone, translation
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from assessments.exports import BORDER, _print_setup, _put, _workbook_bytes, fit_row_height
from assessments.models import Assessment
from ita_portal.thai import format_period

from . import selectors
from .display import digits_of, measure_row, period_text
from .listing import LAYOUTS, Group, group_rows, groups_once
from .models import Measure, ProgressReport
from .rounds import ROUND_MONTHS, round_period

SHEET_TITLE = "มาตรการ"
PLAN_TITLE = "มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน ประจำปีงบประมาณ พ.ศ. {year}"
ROUND_TITLE = "ผลการดำเนินการ {round} ({period})"
ROUND_NAME = "รอบ {month} เดือน"
INDICATOR_TARGET = "ตัวชี้วัดที่ {number}"
ALL_UNITS = "ทุกหน่วยงาน"
LIST_SEPARATOR = ", "
HEADERS = (
    "ลำดับ",
    "มาตรการ",
    "ตัวชี้วัด/ข้อที่มุ่งแก้ไข",
    "แนวทางปฏิบัติ",
    "ขั้นตอนหรือวิธีการ",
    "ผู้รับผิดชอบ",
    "ระยะเวลาดำเนินการ",
    "การกำกับติดตาม",
    "ผลการดำเนินการ",
    "ผลลัพธ์",
    "ข้อเสนอแนะ",
    "ร้อยละความสำเร็จ",
    "สถานะ",
)
#: Column widths in characters: the long texts get the room, A4 landscape fits them to one page wide.
WIDTHS = (6, 30, 16, 30, 36, 20, 14, 13, 34, 24, 22, 10, 13)

#: "TH SarabunPSK" is the font Thai offices have (and official letters use); a spreadsheet without
#: it falls back to its own Thai font.
FONT_NAME = "TH SarabunPSK"
FONT_SIZE = 14
CELL_FONT = Font(name=FONT_NAME, size=FONT_SIZE)
TITLE_FONT = Font(name=FONT_NAME, size=16, bold=True)
HEADER_FONT = Font(name=FONT_NAME, size=FONT_SIZE, bold=True)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
GROUP_FONT = Font(name=FONT_NAME, size=FONT_SIZE, bold=True)
GROUP_FILL = PatternFill("solid", fgColor="EDEDED")
WRAP_TOP = Alignment(vertical="top", wrap_text=True)
WRAP_TOP_CENTER = Alignment(horizontal="center", vertical="top", wrap_text=True)


def round_name(month: int) -> str:
    """ "รอบ 6 เดือน": how the file names a monitoring round."""
    return ROUND_NAME.format(month=month)


def _measures(assessment: Assessment, user: Any) -> list[Measure]:
    """Read for the user, or (``user=None``, commands) for the assessment's own organization only."""
    if user is None:
        return list(selectors.measures_for_system(assessment))
    return list(selectors.measures_for_user(user, assessment))


def _current_report(measure: Measure, month: int | None) -> ProgressReport | None:
    for r in measure.monitoring_rounds.all():
        if r.month == month and r.current_reports:
            return r.current_reports[0]
    return None


def latest_reported_round(measures: list[Measure]) -> int | None:
    """The latest round (3/6/9/12) with a current report of any of the measures; None if none."""
    months = [r.month for m in measures for r in m.monitoring_rounds.all() if r.current_reports]
    return max(months) if months else None


def _targets(measure: Measure) -> str:
    tools = sorted(measure.target_tools.all(), key=lambda t: t.order)
    indicators = sorted(measure.target_indicators.all(), key=lambda i: i.number)
    items = sorted(measure.target_items.all(), key=lambda i: i.order)
    parts = [t.code for t in tools]
    parts += [INDICATOR_TARGET.format(number=i.number) for i in indicators]
    parts += [i.code for i in items]
    return LIST_SEPARATOR.join(parts)


def _steps(measure: Measure) -> str:
    return "\n".join(f"{n}. {step}" for n, step in enumerate(measure.steps or [], start=1))


def _responsible(measure: Measure) -> str:
    lines = [ALL_UNITS] if measure.all_units else [u.name for u in measure.units.all()]
    lines += [line.strip() for line in measure.other_parties.splitlines() if line.strip()]
    return "\n".join(lines)


def _monitoring(measure: Measure) -> str:
    return LIST_SEPARATOR.join(round_name(r.month) for r in measure.monitoring_rounds.all())


def measure_cells(measure: Measure, month: int | None) -> list[object]:
    """One measure's row, in ``HEADERS`` order."""
    report = _current_report(measure, month)
    return [
        measure.number,
        measure.title,
        _targets(measure),
        measure.guideline,
        _steps(measure),
        _responsible(measure),
        period_text(measure),
        _monitoring(measure),
        report.result if report else "",
        report.outcome if report else "",
        report.suggestion if report else "",
        report.percent if report else None,
        measure.get_status_display(),
    ]


def _title_rows(assessment: Assessment, month: int | None) -> list[str]:
    organization = assessment.organization
    titles = [organization.name, PLAN_TITLE.format(year=assessment.fiscal_year)]
    if month is not None:
        start, end = round_period(assessment.fiscal_year, month)
        period = format_period(start, end, digits=digits_of(organization))
        titles.append(ROUND_TITLE.format(round=round_name(month), period=period))
    return titles


def _merged_row(ws: Worksheet, row: int, text: str, font: Font, fill: PatternFill | None = None) -> None:
    """A row of one text merged across the table (spreadsheets do not fit a merged row's height to
    its text, so the height is set for one line of the row's font)."""
    cell = _put(ws, row, 1, text)
    ws.row_dimensions[row].height = round(font.sz * 1.6)
    cell.font = font
    cell.alignment = Alignment(vertical="center", wrap_text=True)
    if fill is not None:
        for col in range(1, len(HEADERS) + 1):
            other = ws.cell(row=row, column=col)
            other.fill, other.border = fill, BORDER
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(HEADERS))


def _write_sheet(ws: Worksheet, assessment: Assessment, groups: list[Group], month: int | None) -> None:
    ws.title = SHEET_TITLE
    row = 1
    for text in _title_rows(assessment, month):
        _merged_row(ws, row, text, TITLE_FONT)
        ws.cell(row=row, column=1).alignment = Alignment(horizontal="center", vertical="center")
        row += 1
    header_row = row
    for col, text in enumerate(HEADERS, start=1):
        cell = _put(ws, header_row, col, text)
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    fit_row_height(ws, header_row, WIDTHS, HEADER_FONT.sz)
    row += 1
    for group in groups:
        if group.title:
            _merged_row(ws, row, group.title, GROUP_FONT, GROUP_FILL)
            if group.level > 1:
                ws.cell(row=row, column=1).alignment = Alignment(vertical="center", wrap_text=True, indent=2)
            row += 1
        for measure_row_ in group.rows:
            for col, value in enumerate(measure_cells(measure_row_.measure, month), start=1):
                cell = _put(ws, row, col, value)
                cell.font, cell.border = CELL_FONT, BORDER
                centered = col in (1, 7, 8, 12, 13)
                cell.alignment = WRAP_TOP_CENTER if centered else WRAP_TOP
            fit_row_height(ws, row, WIDTHS, CELL_FONT.sz)
            row += 1
    for col, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    _print_setup(ws, header_row)
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5


def measures_workbook(
    assessment: Assessment, *, user: Any, round_month: int | None = None, layout: str = "number"
) -> bytes:
    """The measures of a year's assessment as an .xlsx file (see the module docstring).

    ``user=None`` is the system read of management commands (the assessment's own organization
    only). ``round_month=None`` exports the latest round that has a report of any measure, or no
    round (empty progress columns, no round title) when nothing is reported. A fixed number of
    queries however many measures.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}")
    if round_month is not None and round_month not in ROUND_MONTHS:
        raise ValueError(f"not a monitoring round: {round_month!r}")
    measures = _measures(assessment, user)
    for measure in measures:
        measure.assessment = assessment  # one organization, already loaded: no query per row
    month = round_month if round_month is not None else latest_reported_round(measures)
    today = timezone.localdate()
    with translation.override("th"):
        rows = [measure_row(m, m.monitoring_rounds.all(), today) for m in measures]
        groups = groups_once(group_rows(rows, layout, assessment))
        wb = Workbook()
        _write_sheet(wb.active, assessment, groups, month)
    return _workbook_bytes(wb)
