"""Pages and PDFs of the reports: the analysis (with its editable narrative), the measures plan in
a layout, and the progress report of a round. Members of the organization see them (others 404);
only officers and administrators edit the narrative (others 403).

The pages show the same HTML fragment the PDF prints (``reports.documents``), inside the portal's
Bootstrap layout, with Arabic digits; the PDF uses the organization's digits (Thai by default).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from assessments.access import can_write, get_for_user
from assessments.models import Assessment
from measures.listing import LAYOUTS
from measures.rounds import ROUND_MONTHS

from . import documents, services
from .excel import analysis_workbook
from .forms import NarrativeForm
from .models import SECTIONS

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: The layouts offered on the measures report page, as ``measures.listing`` names them.
LAYOUT_LABELS = {
    "number": gettext_lazy("Numbered"),
    "tool": gettext_lazy("By tool and indicator"),
    "item": gettext_lazy("By O-item"),
    "unit": gettext_lazy("By responsible unit"),
}


def _assessment(request: HttpRequest, pk: int, *, write: bool = False) -> Assessment:
    return get_for_user(
        Assessment.objects.select_related("organization", "framework"), request.user, write=write, pk=pk
    )


def _layout(request: HttpRequest) -> str:
    layout = documents.normalize_layout(request.GET.get("layout"))
    return layout if layout in LAYOUTS else "number"


def _month(month: int) -> int:
    if month not in ROUND_MONTHS:
        raise Http404
    return month


def _spec(assessment: Assessment, kind: str, **kwargs) -> documents.ReportSpec:
    return documents.ReportSpec(kind, assessment.organization_id, assessment.fiscal_year, **kwargs)


def _filename(spec: documents.ReportSpec, org_name: str, suffix: str) -> str:
    name = f"{documents.report_title(spec)} {org_name}"
    return "".join(ch for ch in name if ch not in '\\/:*?"<>|') + suffix


def _page(request: HttpRequest, assessment: Assessment, spec: documents.ReportSpec, **extra) -> HttpResponse:
    try:
        fragment = documents.render_fragment(spec, thai_digits=False)
    except documents.ReportUnavailable as exc:
        fragment, extra["unavailable"] = "", exc.message_th
    context = {
        "assessment": assessment,
        "spec": spec,
        "title": documents.report_title(spec),
        "fragment": fragment,
        "can_write": can_write(request.user, assessment.organization_id),
        "layouts": LAYOUT_LABELS,
        "rounds": [
            s.round_months
            for s in documents.available_reports(assessment.organization, spec.year)
            if s.kind == "progress"
        ],
        **extra,
    }
    return render(request, "reports/page.html", context)


def _pdf(assessment: Assessment, spec: documents.ReportSpec) -> HttpResponse:
    try:
        content = documents.render_report_pdf(spec, thai_digits=assessment.organization.thai_digits)
    except documents.ReportUnavailable as exc:
        raise Http404(exc.message_th) from exc
    response = HttpResponse(content, content_type=PDF)
    response["Content-Disposition"] = content_disposition_header(
        False, _filename(spec, assessment.organization.name, ".pdf")
    )
    return response


@login_required
@require_http_methods(["GET"])
def analysis_page(request: HttpRequest, assessment_pk: int) -> HttpResponse:
    assessment = _assessment(request, assessment_pk)
    return _page(request, assessment, _spec(assessment, "analysis"))


@login_required
@require_http_methods(["GET"])
def analysis_pdf(request: HttpRequest, assessment_pk: int) -> HttpResponse:
    assessment = _assessment(request, assessment_pk)
    return _pdf(assessment, _spec(assessment, "analysis"))


@login_required
@require_http_methods(["GET"])
def analysis_xlsx(request: HttpRequest, assessment_pk: int) -> HttpResponse:
    assessment = _assessment(request, assessment_pk)
    spec = _spec(assessment, "analysis")
    content = analysis_workbook(documents.analysis_context(assessment).analysis)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        True, _filename(spec, assessment.organization.name, ".xlsx")
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def narrative_edit(request: HttpRequest, assessment_pk: int) -> HttpResponse:
    """GET: the narrative's sections to edit (the officer's text, else the draft from the data).

    POST: save the sections the request carries, each alone (an autosave carries one; ``sendBeacon``
    as the page closes too); a section that is too long is answered with its message."""
    if request.method == "GET":
        assessment = _assessment(request, assessment_pk, write=True)
        data = documents.analysis_context(assessment)
        form = NarrativeForm(initial=data.texts, auto_id="narrative-%s")
        context = {"assessment": assessment, "form": form, "edited": data.edited, "sections": SECTIONS}
        context["memo"] = services.carrying_memo(assessment)
        return render(request, "reports/narrative.html", context)
    assessment = _assessment(request, assessment_pk, write=True)
    form = NarrativeForm(request.POST, auto_id="narrative-%s")
    form.is_valid()
    texts = {
        name: form.cleaned_data[name]
        for name in SECTIONS
        if name in request.POST and name in form.cleaned_data
    }
    if texts:
        try:
            services.narrative_save(assessment=assessment, texts=texts, user=request.user)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in SECTIONS else None, errors)
            else:  # the whole text is locked (a memo carries it): every section sent says so
                for field in texts:
                    form.add_error(field, exc.messages)
    if request.headers.get("HX-Request"):
        return render(request, "reports/_narrative_saved.html", {"fields": form.carried(request.POST)})
    if form.errors:
        messages.error(request, _("The fields marked in red were not saved; the others were."))
        context = {"assessment": assessment, "form": form, "edited": set(), "sections": SECTIONS}
        return render(request, "reports/narrative.html", context, status=422)
    messages.success(request, _("The text of the analysis is saved."))
    return redirect("reports:analysis", assessment_pk=assessment.pk)


@login_required
@require_http_methods(["GET", "POST"])
def narrative_redraft(request: HttpRequest, assessment_pk: int) -> HttpResponse:
    """GET: ask first (the officer's texts are replaced). POST: draft every section from the data."""
    assessment = _assessment(request, assessment_pk, write=True)
    if request.method == "GET":
        return render(request, "reports/redraft_confirm.html", {"assessment": assessment})
    try:
        services.narrative_redraft(assessment=assessment, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("reports:narrative", assessment_pk=assessment.pk)
    messages.success(request, _("Every section is drafted from the data again."))
    return redirect("reports:narrative", assessment_pk=assessment.pk)


@login_required
@require_http_methods(["GET"])
def measures_page(request: HttpRequest, assessment_pk: int) -> HttpResponse:
    assessment = _assessment(request, assessment_pk)
    return _page(request, assessment, _spec(assessment, "measures", layout=_layout(request)))


@login_required
@require_http_methods(["GET"])
def measures_pdf(request: HttpRequest, assessment_pk: int) -> HttpResponse:
    assessment = _assessment(request, assessment_pk)
    return _pdf(assessment, _spec(assessment, "measures", layout=_layout(request)))


@login_required
@require_http_methods(["GET"])
def progress_page(request: HttpRequest, assessment_pk: int, month: int) -> HttpResponse:
    assessment = _assessment(request, assessment_pk)
    spec = _spec(assessment, "progress", round_months=_month(month), layout=_layout(request))
    return _page(request, assessment, spec)


@login_required
@require_http_methods(["GET"])
def progress_pdf(request: HttpRequest, assessment_pk: int, month: int) -> HttpResponse:
    assessment = _assessment(request, assessment_pk)
    spec = _spec(assessment, "progress", round_months=_month(month), layout=_layout(request))
    return _pdf(assessment, spec)
