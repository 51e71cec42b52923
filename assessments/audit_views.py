"""The audit trail page: who changed what and when, failed logins among it; filters and Excel export.

Site staff read everything; an organization's administrators read their organization's entries
(and failed logins of its members' usernames); everyone else gets 403 (assessments.audit_trail.trail_scope).
"""

from __future__ import annotations

from io import BytesIO

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from ita_portal import thai

from . import audit_trail
from .models import Organization

PAGE_SIZE = 50
EXPORT_LIMIT = 20_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class AuditFilterForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=200,
        label=gettext_lazy("Text contains"),
        help_text=gettext_lazy("Item, indicator, name or a value, e.g. O12 or 85.50"),
    )
    person = forms.CharField(required=False, max_length=150, label=gettext_lazy("Done by"))
    kind = forms.ChoiceField(required=False, label=gettext_lazy("Kind of data"))
    date_from = forms.DateField(
        required=False, label=gettext_lazy("From date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label=gettext_lazy("To date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.order_by("name"),
        required=False,
        label=gettext_lazy("Organization"),
        empty_label=gettext_lazy("All organizations"),
    )

    def __init__(self, data, *, scope: audit_trail.TrailScope) -> None:
        super().__init__(data)
        self.fields["kind"].choices = [("", _("All kinds")), *audit_trail.trail_kinds(scope)]
        if not scope.everything:
            del self.fields["organization"]

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def trail_filter(self) -> audit_trail.TrailFilter:
        data = self.cleaned_data
        organization = data.get("organization")
        return audit_trail.TrailFilter(
            text=data["q"].strip(),
            person=data["person"].strip(),
            kind=data["kind"],
            date_from=data["date_from"],
            date_to=data["date_to"],
            organization=organization.pk if organization else None,
        )


def _filtered(
    request: HttpRequest,
) -> tuple[audit_trail.TrailScope, AuditFilterForm, audit_trail.TrailFilter]:
    scope = audit_trail.trail_scope(request.user)
    if scope is None:
        raise PermissionDenied
    form = AuditFilterForm(request.GET, scope=scope)
    return scope, form, form.trail_filter() if form.is_valid() else audit_trail.TrailFilter()


@login_required
@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    scope, form, trail_filter = _filtered(request)
    page = Paginator(audit_trail.trail_keys(scope, trail_filter), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = audit_trail.trail_rows(page.object_list)
    context = {"form": form, "page": page, "rows": rows, "staff": scope.everything}
    return render(request, "audit/list.html", context)


@login_required
@require_GET
def audit_export(request: HttpRequest) -> HttpResponse:
    scope, _form, trail_filter = _filtered(request)
    keys = list(audit_trail.trail_keys(scope, trail_filter)[:EXPORT_LIMIT])
    rows = [
        row for start in range(0, len(keys), 500) for row in audit_trail.trail_rows(keys[start : start + 500])
    ]
    response = HttpResponse(trail_workbook(rows), content_type=XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="ita-audit-{stamp}.xlsx"'
    return response


FORMULA_STARTS = ("=", "+", "-", "@")


def _text(ws, row: int, column: int, value: str) -> None:
    """A cell of text typed by people: kept as text, never read as a formula (=, +, -, @)."""
    cell = ws.cell(row=row, column=column, value=value)
    if value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True
    cell.alignment = Alignment(vertical="top", wrap_text=True)


def _changes_text(row: audit_trail.TrailRow) -> str:
    return "\n".join(f"{c.name}: {c.old or '–'} → {c.new or '–'}" for c in row.changes)


def trail_workbook(rows: list[audit_trail.TrailRow]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Audit trail")
    headers = [
        _("Date and time"),
        _("Done by"),
        _("Organization"),
        _("Kind of data"),
        _("Record"),
        _("Action taken"),
        _("Changes"),
        _("IP address"),
    ]
    for column, title in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=column, value=title)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F3A5F")
    for r, row in enumerate(rows, start=2):
        when = thai.format_date(timezone.localtime(row.when), "datetime")
        values = [when, row.who, row.organization, row.kind, row.what, row.action_label]
        values += [_changes_text(row), row.address]
        for column, value in enumerate(values, start=1):
            _text(ws, r, column, str(value))
    for column, width in enumerate([26, 22, 30, 24, 30, 16, 60, 16], start=1):
        ws.column_dimensions[ws.cell(row=1, column=column).column_letter].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
