"""Importing ITAS results in the browser: upload → preview (dry run) → confirm → summary (issue 7 item 5).

The same engine as ``manage.py import_ita`` (``itas_import.itas_import``) and the same shape as the
measure import pages (``measures.import_views``): the uploaded file waits in the default storage under
``imports/pending/<random token>`` (never served; swept a day later by ``measures.jobs.sweep_stale_imports``),
the token kept in the session with the file's SHA-256, so what is confirmed is exactly the file that was
previewed. Site staff import any agency; an organization's administrator only the rows of their own
organization (``organization=``); anyone else 403.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import itas_jobs as jobs
from . import mapping_services as ms
from .access import roles_of
from .importer import KIND_INDICATORS, KIND_ITEMS, KIND_QUESTIONS, KIND_SUMMARY
from .itas_import import CREATED, NOT_STORED, UNCHANGED, UPDATED, ItasImportResult, itas_import
from .itas_summary_export import import_summary_workbook, problems_workbook, sorted_problems, summary_of
from .models import Assessment, ImportJobKind, ImportJobState, Membership, Organization, Role
from .pending_uploads import pending_delete, pending_load, pending_store

MAX_UPLOAD = 20 * 1024 * 1024
SESSION_KEY = "itas_import"
DONE_KEY = "itas_import_done"  # the summary of the import just committed (for its Excel export)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXTENSIONS = (".xlsx", ".xls", ".ods", ".csv")


# --------------------------------------------------------------------------- who


def _admin_organizations(user: Any) -> list[Organization]:
    ids = Membership.objects.filter(user=user, role=Role.ADMIN).values_list("organization_id", flat=True)
    return list(Organization.objects.filter(pk__in=ids).order_by("name"))


def can_import(user: Any) -> bool:
    """Site staff, or an administrator of at least one organization (the list page shows the link;
    the pages themselves read the roles fresh, ``_scope``)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_staff) or Role.ADMIN in roles_of(user).values()  # the request's cached roles


def _scope(request: HttpRequest) -> tuple[bool, list[Organization]]:
    """(staff, the organizations the user administers); 403 for anyone else."""
    staff = bool(request.user.is_staff)
    organizations = [] if staff else _admin_organizations(request.user)
    if not staff and not organizations:
        raise PermissionDenied
    return staff, organizations


# --------------------------------------------------------------------------- form


class ItasImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("ITAS results file"),
        help_text=gettext_lazy("Excel (.xlsx, .xls), OpenDocument (.ods) or CSV, at most 20 MiB."),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ",".join(EXTENSIONS)}),
    )
    year = forms.IntegerField(
        label=gettext_lazy("Fiscal year (B.E.)"),
        required=False,
        min_value=2550,
        max_value=2700,
        help_text=gettext_lazy("Needed only when the file holds several years."),
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
    )
    organization = forms.ModelChoiceField(
        label=gettext_lazy("Organization"),
        queryset=Organization.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    create_agencies = forms.BooleanField(
        label=gettext_lazy("Create the agencies that do not exist yet"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args: Any, staff: bool, organizations: list[Organization], **kwargs: Any):
        super().__init__(*args, **kwargs)
        if staff:
            del self.fields["organization"]
        else:
            del self.fields["create_agencies"]
            self.fields["organization"].queryset = Organization.objects.filter(
                pk__in=[o.pk for o in organizations]
            ).order_by("name")
            if len(organizations) == 1:
                self.fields["organization"].initial = organizations[0].pk
                self.fields["organization"].widget = forms.HiddenInput()

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            message = _("The file is larger than %(size)s MiB.")
            raise ValidationError(message % {"size": MAX_UPLOAD // (1024 * 1024)})
        if not upload.name.lower().endswith(EXTENSIONS):
            raise ValidationError(_("Upload an .xlsx, .xls, .ods or .csv file."))
        return upload


# --------------------------------------------------------------------------- the pending upload


def _stored(request: HttpRequest) -> tuple[dict[str, Any], bytes] | None:
    """The previewed upload, if it is still there and unchanged."""
    pending = request.session.get(SESSION_KEY)
    data = pending_load(pending)
    return None if data is None else (pending, data)


def _upload_gone(request: HttpRequest) -> HttpResponse:
    messages.error(request, _("The uploaded file is no longer available; please upload it again."))
    return redirect("assessments:itas-import")


def _forget(request: HttpRequest) -> None:
    pending_delete(request.session.pop(SESSION_KEY, None))


def _options(request: HttpRequest, pending: dict[str, Any], data: bytes) -> dict[str, Any]:
    _scope(request)
    return jobs.import_options(request.user, pending, data)


def _run(request: HttpRequest, pending: dict[str, Any], data: bytes, *, dry_run: bool) -> ItasImportResult:
    """The engine on the stored upload with the options chosen at upload (re-checked: still allowed),
    and the saved mappings: chosen on the mapping page, or offered because the sheet looks alike."""
    _scope(request)
    return jobs.run_pending(request.user, pending, data, dry_run=dry_run)


# --------------------------------------------------------------------------- what the page shows


def field_label(field: str | None) -> str:
    """A column's field in words (the preview's column mapping)."""
    if not field:
        return _("not used")
    named = {
        "itas_code": _("ITAS code"),
        "agency": _("Agency"),
        "province": _("Province"),
        "district": _("District"),
        "year": _("Fiscal year"),
        "total": _("Total score"),
        "band": _("Band"),
        "band_or_result": _("Band"),
        "tool": _("Tool"),
        "indicator": _("Indicator"),
        "code": _("Item or question code"),
        "result": _("Result"),
        "score": _("Score"),
        "url": _("URL"),
        "comment": _("Assessor's comment"),
        "ignore": _("not used"),
    }
    if field in named:
        return named[field]
    if field.endswith("_weighted"):
        return _("%(tool)s (weighted)") % {"tool": field.removesuffix("_weighted")}
    if field in ("IIT", "EIT", "OIT"):
        return _("%(tool)s (0-100)") % {"tool": field}
    prefix, _sep, rest = field.partition(":")
    if prefix == "indicator":
        return _("Indicator %(n)s") % {"n": rest}
    if prefix in ("item", "question"):
        return rest
    return field


def _kind_label(kind: str | None) -> str:
    return {
        KIND_SUMMARY: _("Summary: one row per agency"),
        KIND_INDICATORS: _("One row per agency and indicator"),
        KIND_ITEMS: _("One row per agency and O-item"),
        KIND_QUESTIONS: _("One row per agency and IIT/EIT question"),
    }.get(kind or "", _("Not an ITAS table (skipped)"))


def _links(result: ItasImportResult, user: Any) -> dict[tuple[str, int], str]:
    """(agency name, year) -> where the user may open the assessment: its page for a member (the portal
    is scoped by membership), else the read-only admin page for site staff who may view assessments
    there; no link for anyone else."""
    names = {o.agency for o in result.outcomes}
    years = {o.year for o in result.outcomes}
    found = Assessment.objects.filter(organization__name__in=names, fiscal_year__in=years)
    member = set(Assessment.objects.for_user(user).filter(pk__in=found).values_list("pk", flat=True))
    admin_view = bool(user.is_staff) and user.has_perm("assessments.view_assessment")
    links = {}
    for name, year, pk in found.values_list("organization__name", "fiscal_year", "pk"):
        if pk in member:
            links[(name, year)] = reverse("assessments:detail", args=[pk])
        elif admin_view:
            links[(name, year)] = reverse("admin:assessments_assessment_change", args=[pk])
    return links


#: Agencies listed per page on a background job's result (a national file lists 8,300).
OUTCOMES_PER_PAGE = 500


def _context(
    result: ItasImportResult | None, user: Any = None, *, page: str | None = None, **extra: Any
) -> dict[str, Any]:
    """The preview or summary page's context. With ``page`` (a background job's page, which can be
    opened again), the agencies are listed ``OUTCOMES_PER_PAGE`` at a time; the Excel export has all."""
    context: dict[str, Any] = {"result": result, **extra}
    if result is None:
        return context
    sheets = []
    applied = getattr(result, "applied", {}) or {}
    for index, sheet in enumerate(result.reading.sheets if result.reading else ()):
        columns = [
            {
                "letter": g.column,
                "header": g.header,
                "field": field_label(g.field),
                "sure": g.sure,
                "used": bool(g.field and g.field != "ignore"),
            }
            for g in sheet.columns
        ]
        sheets.append(
            {
                "name": sheet.name,
                "kind": _kind_label(sheet.kind),
                "known": bool(sheet.kind),
                "rows": sheet.rows,
                "header_row": sheet.header_row,
                "columns": columns,
                "scale_sure": sheet.scale_sure,
                "index": index,
                "mapping": applied.get(sheet.name),
                # columns with a header the importer did not recognise: maybe results it would miss
                "unknown": sum(1 for g in sheet.columns if g.field is None and g.header.strip()),
            }
        )
    links = _links(result, user) if result.written and user is not None else {}
    differing = {(d.agency, d.year) for d in result.discrepancies}
    ordered = sorted(result.outcomes, key=lambda o: (o.year, o.agency))
    outcomes_page = None
    if page is not None and len(ordered) > OUTCOMES_PER_PAGE:
        outcomes_page = Paginator(ordered, OUTCOMES_PER_PAGE).get_page(page)
        ordered = list(outcomes_page)
    outcomes = [
        {"o": o, "url": links.get((o.agency, o.year)), "differs": (o.agency, o.year) in differing}
        for o in ordered
    ]
    context |= {
        "outcomes_page": outcomes_page,
        "sheets": sheets,
        "outcomes": outcomes,
        "warnings": sorted_problems(result.warnings),
        "errors": sorted_problems(result.errors),
        "created": result.count(CREATED),
        "updated": result.count(UPDATED),
        "unchanged": result.count(UNCHANGED),
        "not_stored": result.count(NOT_STORED),
        "CREATED": CREATED,
        "UPDATED": UPDATED,
        "UNCHANGED": UNCHANGED,
    }
    return context


# --------------------------------------------------------------------------- views


@login_required
@require_http_methods(["GET", "POST"])
def itas_import_upload(request: HttpRequest) -> HttpResponse:
    """Upload a file of ITAS results and see what importing it would do (nothing is written yet)."""
    staff, organizations = _scope(request)
    form = ItasImportForm(
        request.POST or None, request.FILES or None, staff=staff, organizations=organizations
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        _forget(request)
        organization = form.cleaned_data.get("organization")
        pending = {
            **pending_store(data),
            "name": upload.name[:200],
            "year": form.cleaned_data["year"],
            "create_agencies": bool(form.cleaned_data.get("create_agencies")),
            "organization": organization.pk if organization else None,
        }
        if jobs.is_large(data, pending):
            request.session[SESSION_KEY] = pending
            job = jobs.job_start(user=request.user, pending=pending, kind=ImportJobKind.PREVIEW)
            return redirect("assessments:itas-import-job", job.pk)
        result = _run(request, pending, data, dry_run=True)
        pending["rows"] = sum(sheet.rows for sheet in result.reading.sheets) if result.reading else 0
        request.session[SESSION_KEY] = pending
        context = _context(result, form=form, file_name=pending["name"], staff=staff)
        return render(request, "assessments/itas_import.html", context)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "assessments/itas_import.html", _context(None, form=form, staff=staff), status=status
    )


@login_required
@require_POST
def itas_import_confirm(request: HttpRequest) -> HttpResponse:
    """Write exactly the previewed file, every agency-year or none, then show the summary."""
    staff, organizations = _scope(request)
    stored = _stored(request)
    if stored is None:
        return _upload_gone(request)
    pending, data = stored
    if jobs.is_large(data, pending):
        job = jobs.job_start(user=request.user, pending=pending, kind=ImportJobKind.IMPORT)
        return redirect("assessments:itas-import-job", job.pk)
    result = _run(request, pending, data, dry_run=False)
    if not result.written:
        form = ItasImportForm(staff=staff, organizations=organizations)
        context = _context(result, form=form, file_name=pending.get("name", ""), staff=staff)
        return render(request, "assessments/itas_import.html", context, status=400)
    _forget(request)
    _keep_summary(request, summary_of(result))
    context = _context(result, request.user, done=True, file_name=pending.get("name", ""), staff=staff)
    return render(request, "assessments/itas_import.html", context)


def _keep_summary(request: HttpRequest, summary: dict[str, Any]) -> None:
    """The summary of the import just committed, for its Excel export."""
    pending_delete(request.session.pop(DONE_KEY, None))
    request.session[DONE_KEY] = pending_store(json.dumps(summary).encode())


# --------------------------------------------------------------------------- background jobs


def _job(request: HttpRequest, pk: int):
    """The job if the user may see it (its owner, or site staff); 404 otherwise."""
    job = jobs.jobs_for_user(request.user).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


@login_required
@require_GET
def itas_import_job(request: HttpRequest, pk: int) -> HttpResponse:
    """A background check or import: its progress bar while it runs, then the same preview or
    summary page as a file checked or imported within the request."""
    job = _job(request, pk)
    if jobs.job_stalled(job):
        return render(request, "assessments/itas_import_job.html", {"job": job, "stalled": True}, status=400)
    if not job.finished:
        context = {"job": job, "progress": jobs.job_progress(job)}
        return render(request, "assessments/itas_import_job.html", context)
    if job.state == ImportJobState.FAILED:
        return render(request, "assessments/itas_import_job.html", {"job": job}, status=400)
    staff = bool(request.user.is_staff)
    organizations = [] if staff else _admin_organizations(request.user)
    result = jobs.job_result(job)
    form = ItasImportForm(staff=staff, organizations=organizations)
    context = {"form": form, "file_name": job.file_name, "staff": staff, "job": job}
    if job.kind == ImportJobKind.PREVIEW:
        if job.user_id == request.user.pk and pending_load(job.pending) is not None:
            # confirming imports exactly this file, with the options it was checked with
            rows = sum(sheet.rows for sheet in result.reading.sheets) if result.reading else 0
            request.session[SESSION_KEY] = {**job.pending, "rows": rows}
        page = request.GET.get("page", "1")
        return render(request, "assessments/itas_import.html", _context(result, page=page, **context))
    if result.written and job.user_id == request.user.pk:
        current = request.session.get(SESSION_KEY) or {}
        if current.get("token") == job.pending.get("token"):
            _forget(request)
        _keep_summary(request, job.result)
    status = 200 if result.written else 400
    done = {"done": True} if result.written else {}
    return render(
        request,
        "assessments/itas_import.html",
        _context(result, request.user, page=request.GET.get("page", "1"), **context, **done),
        status=status,
    )


@login_required
@require_GET
def itas_import_job_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar (htmx polls it every second); when the job is finished, htmx goes to the job
    page, which then shows the result."""
    job = _job(request, pk)
    response = render(
        request, "assessments/_itas_job_progress.html", {"job": job, "progress": jobs.job_progress(job)}
    )
    if job.finished or jobs.job_stalled(job):
        response["HX-Redirect"] = reverse("assessments:itas-import-job", args=[job.pk])
    return response


@login_required
@require_GET
def itas_import_problems(request: HttpRequest) -> HttpResponse:
    """The previewed file's problems as an Excel workbook (user text never becomes a formula)."""
    _scope(request)
    stored = _stored(request)
    if stored is None:
        return _upload_gone(request)
    result = _run(request, *stored, dry_run=True)
    return _xlsx(problems_workbook(result), "itas-import-problems.xlsx")


@login_required
@require_GET
def itas_import_summary_export(request: HttpRequest) -> HttpResponse:
    """The preview of the pending upload, or else the summary of the import just committed, as an Excel
    workbook: agencies with published and computed results, discrepancies, problems."""
    _scope(request)
    stored = _stored(request)
    if stored is not None:
        summary = summary_of(_run(request, *stored, dry_run=True))
        return _xlsx(import_summary_workbook(summary), "itas-import-preview.xlsx")
    data = pending_load(request.session.get(DONE_KEY))
    if data is None:
        return _upload_gone(request)
    return _xlsx(import_summary_workbook(json.loads(data)), "itas-import-summary.xlsx")


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --------------------------------------------------------------------------- the mapping page

#: What a column may be read as on the mapping page (fields of ``importer.columns``).
MAPPING_FIELDS = (
    "itas_code",
    "agency",
    "province",
    "district",
    "year",
    "total",
    "band",
    "IIT",
    "EIT",
    "OIT",
    "IIT_weighted",
    "EIT_weighted",
    "OIT_weighted",
    *(f"indicator:{n}" for n in range(1, 11)),
    "tool",
    "indicator",
    "code",
    "result",
    "score",
    "url",
    "comment",
)


def _preview(request: HttpRequest, pending: dict[str, Any], data: bytes, status: int = 200) -> HttpResponse:
    staff, organizations = _scope(request)
    result = _run(request, pending, data, dry_run=True)
    form = ItasImportForm(staff=staff, organizations=organizations)
    context = _context(result, form=form, file_name=pending.get("name", ""), staff=staff)
    return render(request, "assessments/itas_import.html", context, status=status)


@login_required
@require_GET
def itas_import_preview(request: HttpRequest) -> HttpResponse:
    """The preview of the pending upload again (after the mapping page)."""
    _scope(request)
    stored = _stored(request)
    if stored is None:
        return _upload_gone(request)
    return _preview(request, *stored)


def _pending_sheet(request: HttpRequest, index: int) -> tuple[dict[str, Any], bytes, Any]:
    """(pending, data, the sheet as detected, without any saved mapping); 404 for no such sheet."""
    stored = _stored(request)
    if stored is None:
        raise _Gone
    pending, data = stored
    detected = itas_import(dry_run=True, **_options(request, pending, data))
    sheets = detected.reading.sheets if detected.reading else ()
    if not 0 <= index < len(sheets) or not sheets[index].columns:
        raise Http404
    return pending, data, sheets[index]


class _Gone(Exception):
    pass


@login_required
@require_http_methods(["GET", "POST"])
def itas_import_mapping(request: HttpRequest, index: int) -> HttpResponse:
    """Map the columns of one sheet of the pending upload and save the mapping by name; back to the
    preview, re-run with the mapping applied (the same pending file)."""
    staff, organizations = _scope(request)
    try:
        pending, data, sheet = _pending_sheet(request, index)
    except _Gone:
        return _upload_gone(request)
    result = _run(request, pending, data, dry_run=True)
    current = next((s for s in result.reading.sheets if s.name == sheet.name), sheet)
    shown = {g.column: g for g in current.columns}
    choices = [("ignore", _("not imported"))] + [(f, field_label(f)) for f in MAPPING_FIELDS]
    allowed = {value for value, _label in choices}
    saved = result.applied.get(sheet.name)
    name = saved.name if saved else ""
    picked = {g.column: (shown.get(g.column, g).field or "ignore") for g in sheet.columns}
    error = ""
    status = 200
    if request.method == "POST":
        name = request.POST.get("name", "").strip()[:100]
        picked = {letter: request.POST.get(f"col_{letter}", "ignore") for letter in picked}
        picked = {letter: (field if field in allowed else "ignore") for letter, field in picked.items()}
        organization = None
        if not staff:
            organization = next((o for o in organizations if o.pk == pending.get("organization")), None)
        if not name:
            error = _("Give the mapping a name.")
        else:
            try:
                mapping = ms.import_mapping_save(
                    user=request.user, name=name, sheet=sheet, fields=picked, organization=organization
                )
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                pending["mappings"] = {**(pending.get("mappings") or {}), sheet.name: mapping.pk}
                pending["ignored"] = [n for n in pending.get("ignored") or () if n != sheet.name]
                request.session[SESSION_KEY] = pending
                messages.success(request, _("The mapping “%(name)s” is saved.") % {"name": mapping.name})
                return redirect("assessments:itas-import-preview")
        status = 400
    columns = [
        {
            "letter": g.column,
            "header": g.header,
            "read_as": field_label(shown.get(g.column, g).field),
            "sure": shown.get(g.column, g).sure,
            "picked": picked.get(g.column, "ignore"),
        }
        for g in sheet.columns
    ]
    context = {
        "sheet": sheet,
        "index": index,
        "columns": columns,
        "choices": choices,
        "name": name,
        "error": error,
        "file_name": pending.get("name", ""),
    }
    return render(request, "assessments/itas_import_mapping.html", context, status=status)


@login_required
@require_POST
def itas_import_mapping_ignore(request: HttpRequest, index: int) -> HttpResponse:
    """Read this sheet as detected, without the saved mapping the preview offered."""
    _scope(request)
    try:
        pending, _data, sheet = _pending_sheet(request, index)
    except _Gone:
        return _upload_gone(request)
    pending["mappings"] = {k: v for k, v in (pending.get("mappings") or {}).items() if k != sheet.name}
    pending["ignored"] = sorted({*(pending.get("ignored") or ()), sheet.name})
    request.session[SESSION_KEY] = pending
    return redirect("assessments:itas-import-preview")
