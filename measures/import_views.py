"""Importing a measure table in the browser: upload → preview (every row and problem) → confirm → summary.

The same engine as ``manage.py import_measures`` (``import_services.measures_import``). The uploaded
file waits in the default storage under ``imports/pending/<random token>`` (never served: only these
views read it), the token kept in the session with the file's SHA-256, so what is confirmed is exactly
the file that was previewed, whichever server instance answers. A preview never confirmed is removed
by the daily sweep (``jobs.sweep_stale_imports``).
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from assessments.exports import _put
from assessments.models import Assessment
from assessments.pending_uploads import pending_delete, pending_load, pending_store

from .import_services import ImportResult, measures_import, problems_sorted
from .models import RoundMonth
from .views import _assessment

MAX_UPLOAD = 10 * 1024 * 1024
SESSION_KEY = "measure_import"
ROUNDS = RoundMonth.choices
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Measure table"),
        help_text=gettext_lazy("Excel (.xlsx, .xls) or OpenDocument (.ods), at most 10 MiB."),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx,.xls,.ods"}),
    )
    round = forms.TypedChoiceField(
        label=gettext_lazy("Round of the results"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", gettext_lazy("The round named in the table, else the latest due round")), *ROUNDS],
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            message = _("The file is larger than %(size)s MiB.")
            raise ValidationError(message % {"size": MAX_UPLOAD // (1024 * 1024)})
        return upload


def _stored(request: HttpRequest, assessment: Assessment) -> tuple[dict[str, Any], bytes] | None:
    """The previewed upload of this assessment, if it is still there and unchanged."""
    pending = request.session.get(SESSION_KEY)
    if not isinstance(pending, dict) or pending.get("assessment") != assessment.pk:
        return None
    data = pending_load(pending)
    return None if data is None else (pending, data)


def _upload_gone(request: HttpRequest, assessment: Assessment) -> HttpResponse:
    """Back to the upload form: the previewed file expired, was replaced or changed."""
    messages.error(request, _("The uploaded file is no longer available; please upload it again."))
    return redirect("measures:import", assessment_pk=assessment.pk)


def _forget(request: HttpRequest) -> None:
    pending_delete(request.session.pop(SESSION_KEY, None))


def _context(assessment: Assessment, result: ImportResult | None, **extra: Any) -> dict[str, Any]:
    context: dict[str, Any] = {"assessment": assessment, "result": result, **extra}
    if result is not None:
        context |= {
            "warnings": problems_sorted(result.warnings),
            "errors": problems_sorted(result.errors),
            "created": result.count("new"),
            "updated": result.count("update"),
            "unchanged": result.count("unchanged"),
        }
    return context


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest, assessment_pk: int) -> HttpResponse:
    """Upload a table and see what importing it would do (nothing is written yet)."""
    assessment = _assessment(request, assessment_pk, write=True)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read()
        _forget(request)
        request.session[SESSION_KEY] = {
            "assessment": assessment.pk,
            **pending_store(data),
            "name": form.cleaned_data["file"].name[:200],
            "round": form.cleaned_data["round"],
        }
        month = form.cleaned_data["round"]
        result = measures_import(
            assessment=assessment, data=data, user=request.user, round_month=month, dry_run=True
        )
        context = _context(assessment, result, form=form, file_name=request.session[SESSION_KEY]["name"])
        return render(request, "measures/import.html", context)
    status = 400 if request.method == "POST" else 200
    return render(request, "measures/import.html", _context(assessment, None, form=form), status=status)


@login_required
@require_POST
def import_confirm(request: HttpRequest, assessment_pk: int) -> HttpResponse:
    """Write the previewed file: every row or none."""
    assessment = _assessment(request, assessment_pk, write=True)
    stored = _stored(request, assessment)
    if stored is None:
        return _upload_gone(request, assessment)
    pending, data = stored
    month = pending.get("round")
    result = measures_import(assessment=assessment, data=data, user=request.user, round_month=month)
    if not result.written:
        context = _context(assessment, result, form=ImportForm(), file_name=pending.get("name", ""))
        return render(request, "measures/import.html", context, status=400)
    _forget(request)
    return render(request, "measures/import.html", _context(assessment, result, done=True))


@login_required
@require_GET
def import_problems(request: HttpRequest, assessment_pk: int) -> HttpResponse:
    """The previewed file's problems as an Excel sheet (sheet, row, column, message)."""
    assessment = _assessment(request, assessment_pk, write=True)
    stored = _stored(request, assessment)
    if stored is None:
        return _upload_gone(request, assessment)
    pending, data = stored
    result = measures_import(
        assessment=assessment, data=data, user=request.user, round_month=pending.get("round"), dry_run=True
    )
    wb = Workbook()
    ws = wb.active
    ws.title = _("Problems")[:31]
    headings = [_("Kind"), _("Sheet"), _("Row"), _("Column"), _("Problem")]
    for col, heading in enumerate(headings, start=1):
        _put(ws, 1, col, heading).font = Font(bold=True)
    rows = [(_("error"), p) for p in problems_sorted(result.errors)]
    rows += [(_("warning"), p) for p in problems_sorted(result.warnings)]
    for r, (kind, problem) in enumerate(rows, start=2):
        values = [kind, problem.sheet, problem.row or None, problem.column, problem.message]
        for col, value in enumerate(values, 1):
            _put(ws, r, col, value).alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDE", (14, 20, 8, 8, 90), strict=True):
        ws.column_dimensions[letter].width = width
    out = BytesIO()
    wb.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="import-problems-{assessment.fiscal_year}.xlsx"'
    return response
