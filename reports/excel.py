"""The analysis report's tables as an Excel workbook (every table of the portal can go to Excel).

Cells go through ``assessments.exports._put``: user text never becomes a formula.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from assessments.exports import _table, _workbook_bytes

from .analysis import Analysis


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
