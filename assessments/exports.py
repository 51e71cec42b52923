"""Excel export of an assessment and of the assessment list, styled for printing.

Every cell goes through ``_put``: user text is always a string cell (never a formula, whatever it
starts with: OWASP CSV/formula injection), numbers are numeric cells with a number format.
"""

from __future__ import annotations

import math
import unicodedata
from decimal import Decimal
from io import BytesIO

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ita_portal import thai

from . import scoring, selectors
from .models import AnswerKind, Assessment, FrameworkStatus, Indicator, Item, ReadinessStatus
from .readiness_selectors import has_it

HEADER_FILL = PatternFill("solid", fgColor="1F3A5F")
HEADER_FONT = Font(bold=True, color="FFFFFF")
NOTE_FONT = Font(bold=True, color="9C5700")
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
SCORE_FORMAT = "0.00"  # scores, weights and totals: two decimals, as NACC publishes them
INTEGER_FORMAT = "0"

# Leading characters that make a spreadsheet read text as a formula, or that hide one (OWASP
# "CSV Injection"), plus the full-width forms some Excel locales accept as well.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")

Row = list[object]


def _put(ws: Worksheet, row: int, column: int, value: object) -> Cell:
    """Write one cell: text stays the text typed, numbers are numbers. The only cell writer here.

    openpyxl turns a str that starts with "=" into a formula and "#N/A" into an error, so a str is
    forced back to a string cell (written as an inline string, no <f> element). Text that a
    spreadsheet would take for a formula when edited also gets Excel's quotePrefix style, which
    keeps it text without putting an apostrophe into the value.
    """
    cell = ws.cell(row=row, column=column)
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        # Control characters cannot be stored in the sheet's XML; tab, CR and LF stay.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value is None or value == "":
        cell.value = None
    elif isinstance(value, str):
        cell.value = value
        cell.data_type = "s"
        if cell.value.startswith(FORMULA_PREFIXES):
            cell.quotePrefix = True
    elif isinstance(value, bool):
        raise TypeError("write a translated word, not a boolean")
    elif isinstance(value, int):
        cell.value = value
        cell.number_format = INTEGER_FORMAT
    elif isinstance(value, Decimal | float):
        cell.value = float(value)
        cell.number_format = SCORE_FORMAT
    else:
        raise TypeError(f"cannot export {type(value).__name__}")
    return cell


def _number(value: Decimal | None) -> Decimal | None:
    """The two-decimal value NACC publishes: what goes in, so sums in Excel match the portal."""
    return None if value is None else scoring.round2(value)


def _print_setup(ws: Worksheet, header_row: int) -> None:
    """A4 landscape, one page wide, the header row frozen on screen and repeated on every page."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as needed
    ws.print_options.horizontalCentered = True
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.freeze_panes = f"A{header_row + 1}"
    ws.oddFooter.center.text = "&P / &N"


def _table(
    ws: Worksheet,
    start_row: int,
    headers: list[str],
    rows: list[Row],
    widths: list[int],
    *,
    autofilter: bool = True,
    cell_style: bool = True,
) -> int:
    """A bordered table with a styled header row; returns the first row below it. ``cell_style``
    off leaves body cells unstyled (thousands of rows: styling each cell costs seconds)."""
    for col, title in enumerate(headers, start=1):
        cell = _put(ws, start_row, col, title)
        cell.fill, cell.font, cell.border = HEADER_FILL, HEADER_FONT, BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for r, values in enumerate(rows, start=start_row + 1):
        for col, value in enumerate(values, start=1):
            cell = _put(ws, r, col, value)
            if cell_style:
                cell.border = BORDER
                cell.alignment = Alignment(vertical="top", wrap_text=True)
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    end_row = start_row + len(rows)
    if autofilter:
        ws.auto_filter.ref = f"A{start_row}:{get_column_letter(len(headers))}{end_row}"
    _print_setup(ws, start_row)
    return end_row + 1


def text_lines(text: str, width: float) -> int:
    """How many lines a wrapped text takes in a column ``width`` characters wide (an estimate).

    Thai vowels and tone marks above or below a consonant (category Mn) take no width of their
    own, so only the other characters are counted; every explicit line break starts a new line.
    """
    per_line = max(1, int(width))
    lines = 0
    for line in str(text).split("\n"):
        shown = sum(1 for ch in line if unicodedata.category(ch) != "Mn")
        lines += max(1, math.ceil(shown / per_line))
    return lines


def fit_row_height(ws: Worksheet, row: int, widths: list[float], font_size: float) -> None:
    """Set a row's height to its tallest wrapped cell: spreadsheets do not fit rows that a program
    wrote, so without this a printed table shows one line of each cell. At most Excel's 409 points."""
    lines = max(
        (text_lines(cell.value, widths[cell.column - 1]) for cell in ws[row] if cell.value not in (None, "")),
        default=1,
    )
    ws.row_dimensions[row].height = min(409, math.ceil(lines * font_size * 1.35 + 4))


def _workbook_bytes(wb: Workbook) -> bytes:
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _result_text(result: scoring.ScoreResult) -> str:
    if result.passed:
        return _("Passed")
    return _("Not passed") if result.passed is False else _("Incomplete")


def _summary_sheet(ws: Worksheet, assessment: Assessment, result: scoring.ScoreResult) -> None:
    ws.title = _("Summary")
    _put(ws, 1, 1, f"{assessment.organization.name} — ITA {assessment.fiscal_year}").font = Font(
        bold=True, size=14
    )
    if assessment.framework.status == FrameworkStatus.PROVISIONAL:
        note = _put(
            ws,
            2,
            1,
            _(
                "This year's assessment framework is provisional: parts of it are not yet confirmed "
                "by an NACC document, so the scores in this workbook may change."
            ),
        )
        note.font = NOTE_FONT
        note.alignment = Alignment(vertical="top", wrap_text=True)
        ws.merge_cells("A2:D2")
        ws.row_dimensions[2].height = 48  # room for the wrapped note: Excel does not fit merged rows
    rows: list[Row] = [
        [t.code, _number(t.score), t.weight, _number(t.weighted)] for t in result.tools.values()
    ]
    rows.append([_("Total"), None, None, _number(result.total)])
    rows.append([_("Result"), result.band or "", None, _result_text(result)])
    if assessment.published_total is not None:
        rows.append([_("Published total"), None, None, assessment.published_total])
    _table(
        ws,
        3,
        [_("Tool"), _("Score"), _("Weight (%)"), _("Weighted score")],
        rows,
        [22, 14, 12, 16],
        autofilter=False,
    )


def _indicator_sheet(ws: Worksheet, assessment: Assessment, result: scoring.ScoreResult) -> None:
    names = dict(Indicator.objects.filter(framework=assessment.framework_id).values_list("number", "name_th"))
    sources = {scoring.SOURCE_ITEMS: _("computed from items"), scoring.SOURCE_ENTERED: _("entered")}
    rows: list[Row] = [
        [n, names.get(n, ""), r.tool, _number(r.score), sources.get(r.source or "", _("missing"))]
        for n, r in sorted(result.indicators.items())
    ]
    _table(ws, 1, [_("Indicator"), _("Name"), _("Tool"), _("Score"), _("Source")], rows, [10, 40, 8, 10, 22])


def _question_sheet(ws: Worksheet, assessment: Assessment) -> None:
    """Every IIT/EIT question of the framework, scored or not, so the sheet is a full checklist."""
    scores = dict(assessment.question_scores.values_list("item_id", "score"))
    items = (
        Item.objects.filter(framework=assessment.framework_id, kind=AnswerKind.SURVEY)
        .select_related("indicator__tool")
        .order_by("order")
    )
    rows: list[Row] = [
        [item.indicator.tool.code, item.indicator.number, item.code, item.name_th, scores.get(item.pk)]
        for item in items
    ]
    _table(ws, 1, [_("Tool"), _("Indicator"), _("Item"), _("Question"), _("Score")], rows, [8, 10, 8, 70, 10])


def _disclosure_sheet(ws: Worksheet, assessment: Assessment) -> None:
    verdicts = {True: _("Passed"), False: _("Not passed")}
    rows: list[Row] = []
    for block in selectors.disclosure_rows(assessment):
        for group in block.groups:
            for row in group.rows:
                rows.append(
                    [
                        block.code,
                        row["item"].code,
                        row["item"].name_th,
                        verdicts.get(row["passed"], _("Not decided")),
                        row["urls_text"],
                        row["note"],
                    ]
                )
    _table(
        ws,
        1,
        [_("Sub-indicator"), _("Item"), _("Name"), _("Result"), _("URL"), _("Note")],
        rows,
        [12, 8, 50, 14, 50, 30],
    )


def assessment_workbook(assessment: Assessment, result: scoring.ScoreResult) -> bytes:
    """Summary, indicators, survey question scores and the OIT checklist of one assessment."""
    wb = Workbook()
    _summary_sheet(wb.active, assessment, result)
    _indicator_sheet(wb.create_sheet(_("Indicators")), assessment, result)
    _question_sheet(wb.create_sheet(_("Question scores")), assessment)
    _disclosure_sheet(wb.create_sheet("OIT"), assessment)
    return _workbook_bytes(wb)


def assessment_list_workbook(assessments) -> bytes:
    """The list of assessments as one sheet, like the page's table, with each year's framework status."""
    wb = Workbook()
    ws = wb.active
    ws.title = _("Assessments")
    rows: list[Row] = [
        [
            a.organization.name,
            a.fiscal_year,
            a.framework.get_status_display(),
            a.computed_total if a.computed_complete else None,
            a.computed_band if a.computed_complete else _("Incomplete"),
            a.published_total,
            a.published_band,
        ]
        for a in assessments
    ]
    headers = [
        _("Organization"),
        _("Fiscal year"),
        _("Framework status"),
        _("Total"),
        _("Result"),
        _("Published total"),
        _("Published result"),
    ]
    _table(ws, 1, headers, rows, [40, 12, 24, 10, 14, 14, 14])
    return _workbook_bytes(wb)


def readiness_workbook(assessment: Assessment, rows: list) -> bytes:
    """The OIT readiness board: first the sheet in the shape officers type into ITAS (O-code, มี/ไม่มี,
    URL, คำอธิบาย), then the board itself (owner unit, status, data year, last check)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "ITAS"
    itas_rows: list[Row] = [
        [
            r.item.code,
            pgettext("ITAS form", "Yes") if has_it(r.status, r.urls) else pgettext("ITAS form", "No"),
            r.urls_text,
            r.note,
        ]
        for r in rows
    ]
    _table(ws, 1, [_("O-item"), _("Has it"), _("URL"), _("Explanation")], itas_rows, [10, 10, 60, 60])
    board = wb.create_sheet(_("Readiness"))
    board_rows: list[Row] = []
    for r in rows:
        ready = r.readiness
        checked = ready.checked_at if ready and ready.checked_at else None
        board_rows.append(
            [
                r.item.code,
                r.item.name_th,
                ready.owner_unit.name if ready and ready.owner_unit else "",
                ready.get_status_display() if ready else ReadinessStatus.NOT_STARTED.label,
                _("Data of B.E. %(year)s") % {"year": ready.data_year} if ready and ready.data_year else "",
                r.urls_text,
                ready.get_check_outcome_display() if ready and ready.check_outcome else "",
                ready.check_status_code if ready and ready.check_status_code else None,
                thai.format_date(timezone.localtime(checked), "datetime") if checked else "",
            ]
        )
    headers = [
        _("O-item"),
        _("Name"),
        _("Owner unit"),
        _("Status"),
        _("Data year"),
        _("URL"),
        _("Last check"),
        _("HTTP status"),
        _("Checked at"),
    ]
    _table(board, 1, headers, board_rows, [8, 50, 20, 16, 18, 50, 30, 10, 22])
    return _workbook_bytes(wb)


def overview_workbook(year: int, rows: list) -> bytes:
    """The overview's rows (as filtered and sorted on the page, every page) as one sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = f"ITA {year}"
    table: list[Row] = [
        [
            r.rank,
            r.name,
            r.type_label,
            r.province,
            r.district,
            r.total,
            r.band if r.total is not None else _("No result"),
            r.previous,
            r.change,
        ]
        for r in rows
    ]
    headers = [
        _("Rank"),
        _("Organization"),
        _("Type"),
        _("Province"),
        _("District"),
        _("Total"),
        _("Result"),
        _("Total of %(year)s") % {"year": year - 1},
        _("Change"),
    ]
    _table(ws, 1, headers, table, [8, 40, 24, 16, 16, 10, 12, 14, 10], cell_style=len(table) <= 1000)
    return _workbook_bytes(wb)


def planner_workbook(page) -> bytes:
    """The gap-to-target planner (``planner_selectors.PlannerPage``): the target and outcome above
    the table of failed and undecided O-items with their gains and the running total, then a sheet
    with the gain of one point in each survey indicator."""
    from .planner_selectors import indicator_rows, item_rows, target_label  # reads, no cycle

    plan = page.plan
    wb = Workbook()
    ws = wb.active
    ws.title = _("Plan")
    assessment = page.assessment
    title = _("Gap-to-target plan")
    _put(ws, 1, 1, f"{title} · {assessment.organization.name} · ITA {assessment.fiscal_year}").font = Font(
        bold=True, size=14
    )
    facts: list[tuple[str, object]] = [
        (_("Target"), target_label(plan.target)),
        (_("Current total"), _number(plan.current_total)),
        (_("Total with the proposed O-items"), _number(plan.total_with_items)),
        (
            _("O-items alone reach the target"),
            "" if plan.reachable_with_items is None else (_("Yes") if plan.reachable_with_items else _("No")),
        ),
        (_("Points the surveys must still bring"), plan.survey_points_needed),
    ]
    for offset, (label, value) in enumerate(facts, start=2):
        _put(ws, offset, 1, label).font = Font(bold=True)
        _put(ws, offset, 2, value)
    header = len(facts) + 3
    rows: list[Row] = [
        [
            r["code"],
            r["name"],
            r["sub_indicator"],
            r["status"],
            Decimal(r["gain"]),
            None if r["running_total"] is None else Decimal(r["running_total"]),
            _("Proposed") if r["proposed"] else "",
        ]
        for r in item_rows(page)
    ]
    headers = [
        _("O-item"),
        _("Name"),
        _("Sub-indicator"),
        _("Status"),
        _("Gain to the total"),
        _("Total after this row and those above"),
        _("Proposal"),
    ]
    _table(ws, header, headers, rows, [10, 60, 14, 18, 14, 18, 12])
    points = wb.create_sheet(_("Indicator points"))
    point_rows: list[Row] = [
        [
            r["tool"],
            r["number"],
            r["name"],
            None if r["score"] is None else Decimal(r["score"]),
            Decimal(r["gain"]),
        ]
        for r in indicator_rows(page)
    ]
    point_headers = [_("Tool"), _("Indicator"), _("Name"), _("Score"), _("Gain of one point")]
    _table(points, 1, point_headers, point_rows, [8, 10, 50, 12, 16])
    return _workbook_bytes(wb)
