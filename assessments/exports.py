"""Excel export of an assessment: summary, indicators and the OIT checklist, styled for printing."""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

from . import scoring, selectors
from .models import Assessment, Indicator

HEADER_FILL = PatternFill("solid", fgColor="1F3A5F")
HEADER_FONT = Font(bold=True, color="FFFFFF")
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _table(ws: Worksheet, start_row: int, headers: list[str], rows: list[list], widths: list[int]) -> int:
    for col, title in enumerate(headers, start=1):
        cell = ws.cell(row=start_row, column=col, value=title)
        cell.fill, cell.font, cell.border = HEADER_FILL, HEADER_FONT, BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for r, values in enumerate(rows, start=start_row + 1):
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=col, value=value)
            cell.border = BORDER
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if isinstance(value, float):
                cell.number_format = "0.00"  # scores are two-decimal values
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(row=1, column=col).column_letter].width = width
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.print_title_rows = f"{start_row}:{start_row}"
    return start_row + len(rows) + 1


def _workbook_bytes(wb: Workbook) -> bytes:
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _number(value) -> float | None:
    """Excel stores numbers as binary floats; the two-decimal display value is what goes in."""
    return None if value is None else float(scoring.round2(value))


def assessment_workbook(assessment: Assessment, result: scoring.ScoreResult) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Summary")
    ws["A1"] = f"{assessment.organization.name} — ITA {assessment.fiscal_year}"
    ws["A1"].font = Font(bold=True, size=14)
    rows = [[t.code, _number(t.score), str(t.weight), _number(t.weighted)] for t in result.tools.values()]
    rows.append([_("Total"), None, None, _number(result.total)])
    rows.append(
        [
            _("Result"),
            result.band or "",
            None,
            _("Passed")
            if result.passed
            else (_("Not passed") if result.passed is False else _("Incomplete")),
        ]
    )
    if assessment.published_total is not None:
        rows.append([_("Published total"), None, None, float(assessment.published_total)])
    _table(ws, 3, [_("Tool"), _("Score"), _("Weight (%)"), _("Weighted score")], rows, [22, 14, 12, 16])

    ws = wb.create_sheet(_("Indicators"))
    names = dict(Indicator.objects.filter(framework=assessment.framework_id).values_list("number", "name_th"))
    sources = {scoring.SOURCE_ITEMS: _("computed from items"), scoring.SOURCE_ENTERED: _("entered")}
    rows = [
        [n, names.get(n, ""), r.tool, _number(r.score), sources.get(r.source or "", _("missing"))]
        for n, r in sorted(result.indicators.items())
    ]
    _table(ws, 1, [_("Indicator"), _("Name"), _("Tool"), _("Score"), _("Source")], rows, [10, 40, 8, 10, 22])

    ws = wb.create_sheet("OIT")
    rows = []
    for block in selectors.disclosure_rows(assessment):
        for group in block.groups:
            for row in group.rows:
                res = row["result"]
                passed = None if res is None else res.passed
                rows.append(
                    [
                        block.code,
                        row["item"].code,
                        row["item"].name_th,
                        {True: _("Passed"), False: _("Not passed")}.get(passed, _("Not decided")),
                        "\n".join(res.urls) if res else "",
                        res.note if res else "",
                    ]
                )
    _table(
        ws,
        1,
        [_("Sub-indicator"), _("Item"), _("Name"), _("Result"), _("URL"), _("Note")],
        rows,
        [12, 8, 50, 14, 50, 30],
    )
    return _workbook_bytes(wb)


def assessment_list_workbook(assessments) -> bytes:
    """The list of assessments as one sheet, like the page's table."""
    wb = Workbook()
    ws = wb.active
    ws.title = _("Assessments")
    rows = [
        [
            a.organization.name,
            a.fiscal_year,
            float(a.computed_total) if a.computed_complete and a.computed_total is not None else None,
            a.computed_band if a.computed_complete else _("Incomplete"),
            float(a.published_total) if a.published_total is not None else None,
            a.published_band,
        ]
        for a in assessments
    ]
    headers = [
        _("Organization"),
        _("Fiscal year"),
        _("Total"),
        _("Result"),
        _("Published total"),
        _("Published result"),
    ]
    _table(ws, 1, headers, rows, [40, 12, 10, 14, 14, 14])
    return _workbook_bytes(wb)
