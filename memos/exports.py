"""The memo list as an Excel sheet (the assessments' table writer: user text never becomes a formula)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _
from openpyxl import Workbook

from assessments.exports import _table, _workbook_bytes
from ita_portal import thai

from .models import Memo


def memo_list_workbook(memos: Iterable[Memo]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Memos")
    rows = [
        [
            m.document_number,
            thai.format_date(m.date) if m.date else "",
            m.fiscal_year,
            m.unit.name,
            m.subject,
            m.author_name,
            m.get_status_display(),
            m.revision,
        ]
        for m in memos
    ]
    headers = [
        _("Document number"),
        _("Date"),
        _("Fiscal year"),
        _("Unit"),
        _("Subject"),
        _("Author"),
        _("Status"),
        _("Revisions"),
    ]
    _table(ws, 1, headers, rows, [18, 18, 10, 24, 60, 24, 20, 10])
    return _workbook_bytes(wb)
