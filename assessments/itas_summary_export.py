"""The ITAS import's preview or summary as an Excel workbook (issue 7: "Export to Excel" on every
results table): the agencies with published and computed results and what the import does to each, the
published/computed discrepancies, and every problem with its sheet, row and column.

The web flow keeps the summary of a committed import as plain data (``summary_of``, JSON-safe) so the
workbook can be built after the uploaded file is gone. Every cell goes through ``exports._put``: user
text never becomes a formula.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from . import scoring
from .exports import _table, _workbook_bytes
from .importer import Problem
from .itas_import import CREATED, UNCHANGED, UPDATED, ItasImportResult


def sorted_problems(problems: list[Problem] | tuple[Problem, ...]) -> list[Problem]:
    """By sheet, row and column (AA after Z)."""
    return sorted(problems, key=lambda p: (p.sheet, p.row, len(p.column), p.column))


def summary_of(result: ItasImportResult) -> dict[str, Any]:
    """What the workbook shows, as JSON-safe data (decimal strings with two places, None where absent)."""
    return {
        "written": result.written,
        "outcomes": [
            {
                "agency": o.agency,
                "itas_code": o.itas_code,
                "year": o.year,
                "published_total": scoring.fmt2(o.published_total),
                "published_band": o.published_band,
                "computed_total": scoring.fmt2(o.computed_total),
                "computed_band": o.computed_band,
                "complete": o.complete,
                "action": o.action,
                "new_organization": o.new_organization,
            }
            for o in sorted(result.outcomes, key=lambda o: (o.year, o.agency))
        ],
        "discrepancies": [d.as_dict() for d in result.discrepancies],
        "problems": [
            {
                "kind": kind,
                "sheet": p.sheet,
                "row": p.row,
                "column": p.column,
                "value": p.value,
                "message": p.message,
            }
            for kind, problems in (("error", result.errors), ("warning", result.warnings))
            for p in sorted_problems(problems)
        ],
    }


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _action(action: str) -> str:
    return {
        CREATED: pgettext("import outcome", "New"),
        UPDATED: pgettext("import outcome", "Updated"),
        UNCHANGED: _("Unchanged"),
    }.get(action, pgettext("import outcome", "Not stored"))


def _results_sheet(ws: Worksheet, summary: dict[str, Any]) -> None:
    ws.title = _("Agencies")[:31]
    headers = [
        _("Agency"),
        _("ITAS code"),
        _("Fiscal year"),
        _("Published total"),
        _("Published band"),
        _("Computed total"),
        _("Computed band"),
        _("Complete"),
        _("What happens") if not summary["written"] else _("What happened"),
    ]
    rows = [
        [
            o["agency"],
            o["itas_code"],
            o["year"],
            _decimal(o["published_total"]),
            o["published_band"],
            _decimal(o["computed_total"]),
            o["computed_band"],
            _("complete") if o["complete"] else _("incomplete"),
            _action(o["action"]) + (" · " + _("new agency") if o["new_organization"] else ""),
        ]
        for o in summary["outcomes"]
    ]
    _table(ws, 1, headers, rows, [40, 12, 12, 14, 12, 14, 12, 10, 24])


def _discrepancy_sheet(ws: Worksheet, summary: dict[str, Any]) -> None:
    headers = [
        _("Agency"),
        _("ITAS code"),
        _("Fiscal year"),
        _("Published total"),
        _("Computed total"),
        _("Published band"),
        _("Computed band"),
    ]
    rows = [
        [
            d["agency"],
            d["itas_code"],
            d["year"],
            _decimal(d["published_total"]),
            _decimal(d["computed_total"]),
            d["published_band"],
            d["computed_band"],
        ]
        for d in summary["discrepancies"]
    ]
    _table(ws, 1, headers, rows, [40, 12, 12, 14, 14, 12, 12])


def problems_sheet(ws: Worksheet, problems: list[dict[str, Any]]) -> None:
    """Every problem at its place (row as Excel numbers it; none for the whole sheet or file)."""
    headings = [_("Kind"), _("Sheet"), _("Row"), _("Column"), _("Value"), _("Problem")]
    kinds = {"error": _("error"), "warning": _("warning")}
    rows = [
        [kinds[p["kind"]], p["sheet"], p["row"] or None, p["column"], p["value"], p["message"]]
        for p in problems
    ]
    _table(ws, 1, headings, rows, [12, 20, 8, 8, 30, 90])


def problems_workbook(result: ItasImportResult) -> bytes:
    """The preview's problems alone (the "download the problems" link)."""
    wb = Workbook()
    wb.active.title = _("Problems")[:31]
    problems_sheet(wb.active, summary_of(result)["problems"])
    return _workbook_bytes(wb)


def import_summary_workbook(summary: dict[str, Any]) -> bytes:
    """Agencies, discrepancies and problems of one import (preview or committed), one sheet each."""
    wb = Workbook()
    _results_sheet(wb.active, summary)
    _discrepancy_sheet(wb.create_sheet(_("Discrepancies")[:31]), summary)
    problems_sheet(wb.create_sheet(_("Problems")[:31]), summary["problems"])
    return _workbook_bytes(wb)
