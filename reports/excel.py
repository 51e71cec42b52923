"""The analysis report's tables as an Excel workbook (every table of the portal can go to Excel).

Cells go through ``assessments.exports._put``: user text never becomes a formula.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from assessments.exports import _table, _workbook_bytes

from .analysis import Analysis

if TYPE_CHECKING:
    from .dashboard import Dashboard


def analysis_workbook(a: Analysis) -> bytes:
    with translation.override("th"):
        wb = Workbook()
        strong = {i.number for i in a.strengths}
        weak = {i.number for i in a.weaknesses}

        def verdict(number: int) -> str:
            return _("Strength") if number in strong else _("Fix urgently") if number in weak else ""

        ws = wb.active
        ws.title = _("Indicators")
        _table(
            ws,
            1,
            [_("Rank"), _("Indicator"), _("Name"), _("Tool"), _("Score"), _("Analysis")],
            [[n, i.number, i.name, i.tool, i.score, verdict(i.number)] for n, i in enumerate(a.ranked, 1)],
            [8, 10, 40, 10, 10, 18],
        )
        ws = wb.create_sheet(_("Tools"))
        rows = [[t.code, t.name, t.score, t.weight, t.weighted] for t in a.data.tools]
        rows.append([_("Total"), a.data.band, None, None, a.data.total])
        _table(
            ws,
            1,
            [_("Tool"), _("Name"), _("Score"), _("Weight (%)"), _("Weighted score")],
            rows,
            [10, 50, 10, 12, 14],
        )
        ws = wb.create_sheet(_("Comparison"))
        rows = [
            [row.number if row.number is not None else _("Total"), row.name, *row.scores, row.change]
            for row in a.comparison
        ]
        headers = [_("Indicator"), _("Name"), *[str(y) for y in a.years], _("Change")]
        _table(ws, 1, headers, rows, [10, 40, *[10] * len(a.years), 12])
        ws = wb.create_sheet(_("O-items not passed"))
        _table(
            ws,
            1,
            [_("Item"), _("Name"), _("Indicator"), _("Tool")],
            [[f.code, f.name, f.indicator, f.tool] for f in a.data.failed_items],
            [8, 70, 10, 10],
        )
        return _workbook_bytes(wb)


def dashboard_workbook(d: Dashboard) -> bytes:
    """The dashboard's tables, one sheet each (the same numbers as the page's charts and tables)."""
    a = d.analysis
    with translation.override("th"):
        wb = Workbook()
        ws = wb.active
        ws.title = _("Result")
        result = (
            _("Incomplete")
            if a.data.total is None
            else a.data.band or (_("Passed") if a.data.passed else _("Not passed"))
        )
        rows = [[t.code, t.name, t.score, t.weight, t.weighted] for t in a.data.tools]
        rows.append([_("Total"), result, None, None, a.data.total])
        _table(
            ws,
            1,
            [_("Tool"), _("Name"), _("Score"), _("Weight (%)"), _("Weighted score")],
            rows,
            [10, 50, 10, 12, 14],
        )
        strong = {i.number for i in a.strengths}
        weak = {i.number for i in a.weaknesses}
        ws = wb.create_sheet(_("Indicators"))
        _table(
            ws,
            1,
            [_("Indicator"), _("Name"), _("Tool"), _("Score"), _("Analysis")],
            [
                [
                    i.number,
                    i.name,
                    i.tool,
                    i.score,
                    _("Strength") if i.number in strong else _("Fix urgently") if i.number in weak else "",
                ]
                for i in a.data.indicators
            ],
            [10, 40, 10, 10, 18],
        )
        ws = wb.create_sheet(_("Comparison"))
        _table(
            ws,
            1,
            [_("Indicator"), _("Name"), *[str(y) for y in a.years], _("Change")],
            [
                [row.number if row.number is not None else _("Total"), row.name, *row.scores, row.change]
                for row in a.comparison
            ],
            [10, 40, *[10] * len(a.years), 12],
        )
        ws = wb.create_sheet(_("O-items not passed"))
        _table(
            ws,
            1,
            [_("Sub-indicator"), _("Sub-indicator name"), _("Item"), _("Name")],
            [[g.code, g.name, f.code, f.name] for g in d.failed_groups for f in g.items],
            [12, 40, 8, 70],
        )
        ws = wb.create_sheet(_("Measures by status"))
        _table(
            ws,
            1,
            [_("Status"), _("Measures")],
            [[s.label, s.count] for s in d.measures_by_status] + [[_("Total"), d.measure_count]],
            [24, 12],
        )
        ws = wb.create_sheet(_("Measures by round"))
        _table(
            ws,
            1,
            [_("Round"), _("Measures"), _("Reported"), _("Overdue")],
            [[r.label, r.measures, r.reported, r.overdue] for r in d.measures_by_round],
            [16, 12, 12, 12],
        )
        ws = wb.create_sheet(_("Memos waiting"))
        waiting = {m.pk for m in d.inbox}
        _table(
            ws,
            1,
            [_("Document number"), _("Subject"), _("Status"), _("Waiting for you")],
            [
                [m.document_number, m.subject, m.get_status_display(), _("Yes") if m.pk in waiting else ""]
                for m in _memos(d)
            ],
            [20, 60, 20, 14],
        )
        return _workbook_bytes(wb)


def _memos(d: Dashboard) -> list:
    """The inbox first, then the other memos in progress (each once)."""
    seen = {m.pk for m in d.inbox}
    return [*d.inbox, *[m for m in d.in_progress if m.pk not in seen]]
