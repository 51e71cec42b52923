"""Score entry pages: thin typed function views (check access, validate, call one service, render)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from ita_portal.thai import fiscal_year_of

from . import exports, selectors, services
from .access import can_write, get_for_user
from .audit import assessment_history as audit_history
from .forms import (
    AssessmentCreateForm,
    DisclosureResultForm,
    IndicatorScoresForm,
    PublishedValuesForm,
    QuestionScoresForm,
)
from .itas_export import itas_workbook
from .itas_views import can_import
from .models import AnswerKind, Assessment, Item, Organization


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _writable_organizations(request: HttpRequest) -> list[Organization]:
    return [o for o in selectors.organizations_for_user(request.user) if can_write(request.user, o)]


def _create_form(request: HttpRequest, data=None) -> AssessmentCreateForm:
    return AssessmentCreateForm(
        data,
        organizations=_writable_organizations(request),
        years=selectors.framework_years(),
        current_year=fiscal_year_of(timezone.localdate()),
    )


def _assessment(request: HttpRequest, pk: int, *, write: bool = False) -> Assessment:
    return get_for_user(selectors.assessments_for_user(request.user), request.user, write=write, pk=pk)


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return redirect("assessments:list")


@login_required
@require_GET
def assessment_list(request: HttpRequest) -> HttpResponse:
    context = {
        "assessments": selectors.assessments_for_user(request.user),
        "form": _create_form(request),
        "can_import": can_import(request.user),
    }
    return render(request, "assessments/list.html", context)


@login_required
@require_POST
def assessment_create(request: HttpRequest) -> HttpResponse:
    org_id = request.POST.get("organization", "")
    if org_id.isdigit():
        get_for_user(Organization.objects, request.user, write=True, pk=int(org_id))
    form = _create_form(request, request.POST)
    if form.is_valid():
        try:
            assessment = services.assessment_create(**form.cleaned_data, user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("assessments:detail", pk=assessment.pk)
    context = {
        "assessments": selectors.assessments_for_user(request.user),
        "form": form,
        "can_import": can_import(request.user),
    }
    return render(request, "assessments/list.html", context, status=400)


def _stored_overlaid(initial: dict, posted, *, prefix: str) -> dict:
    """Form data: what is stored, overlaid with the fields (named ``prefix…``) the request carried."""
    return {
        **{k: str(v) for k, v in initial.items()},
        **{k: posted[k] for k in posted if k.startswith(prefix)},
    }


def _indicator_form(assessment: Assessment, data=None, *, overlay: bool = True) -> IndicatorScoresForm:
    """The indicator fields; bound to what is stored overlaid with what the request carried.

    An autosave needs no overlay: only the carried fields are validated and answered.
    """
    initial = (
        {f"ind_{n}": score for n, score in selectors.indicator_scores_entered(assessment).items()}
        if overlay
        else {}
    )
    if data is not None:
        data = _stored_overlaid(initial, data, prefix="ind_")
    return IndicatorScoresForm(data, initial=initial, indicators=selectors.indicators_of(assessment))


def _published_form(assessment: Assessment, data=None) -> PublishedValuesForm:
    initial = {
        "total": assessment.published_total,
        "band": assessment.published_band,
        "note": assessment.published_note,
        **{f"tool_{code}": v for code, v in assessment.published_tool_scores.items()},
    }
    return PublishedValuesForm(data, initial=initial, tools=selectors.tools_of(assessment))


def _result_context(assessment: Assessment, result=None) -> dict:
    result = result if result is not None else selectors.assessment_result(assessment)
    return {"assessment": assessment, "panel": selectors.result_panel(assessment, result)}


def _detail_context(
    request: HttpRequest,
    assessment: Assessment,
    *,
    published_form: PublishedValuesForm | None = None,
    indicator_form: IndicatorScoresForm | None = None,
) -> dict:
    return {
        **_result_context(assessment),
        "can_write": can_write(request.user, assessment.organization_id),
        "indicator_form": indicator_form or _indicator_form(assessment),
        "published_form": published_form or _published_form(assessment),
        "disclosure_blocks": selectors.disclosure_rows(assessment),
        "result_choices": RESULT_CHOICES,
        "history": audit_history(assessment),
    }


# (value, label, Bootstrap colour) of the O-item result buttons.
RESULT_CHOICES = [
    ("", gettext_lazy("Not decided"), "secondary"),
    ("pass", gettext_lazy("Passed"), "success"),
    ("fail", gettext_lazy("Not passed"), "danger"),
]


@login_required
@require_GET
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    return render(request, "assessments/detail.html", _detail_context(request, assessment))


@login_required
@require_GET
def assessment_result(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    return render(request, "assessments/_result_panel.html", _result_context(assessment))


def _saved_fields(form, names, result, assessment: Assessment) -> dict:
    """Context of an autosave answer: the new result and, per carried field, saved or its errors."""
    fields = [form[name] for name in form.fields if name in names]
    return {**_result_context(assessment, result), "fields": fields, "oob": True}


@login_required
@require_POST
def indicator_scores_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the indicator fields the request carries; each is validated alone, a bad one saves nothing."""
    assessment = _assessment(request, pk, write=True)
    form = _indicator_form(assessment, request.POST, overlay=not is_htmx(request))
    result = services.indicator_scores_set(
        assessment=assessment, scores=form.scores(request.POST), user=request.user
    )
    if is_htmx(request):
        return render(
            request, "assessments/_autosave.html", _saved_fields(form, request.POST, result, assessment)
        )
    if form.errors:
        messages.error(request, _("The scores marked in red were not saved; the others were."))
        context = _detail_context(request, assessment, indicator_form=form)
        return render(request, "assessments/detail.html", context, status=422)
    messages.success(request, _("Indicator scores saved."))
    return redirect("assessments:detail", pk=pk)


@login_required
def question_scores(request: HttpRequest, pk: int) -> HttpResponse:
    """The IIT/EIT question scores, grouped by indicator; each field saves on its own."""
    write = request.method == "POST"
    assessment = _assessment(request, pk, write=write)
    autosave = write and is_htmx(request)
    entered = {} if autosave else selectors.question_scores_entered(assessment)
    initial = {f"q_{c}": s for c, s in entered.items()}
    data = None
    if write:
        data = _stored_overlaid(initial, request.POST, prefix="q_")
    form = QuestionScoresForm(data, initial=initial, items=selectors.survey_items_of(assessment))
    result = None
    if write:
        result = services.question_scores_set(
            assessment=assessment, scores=form.scores(request.POST), user=request.user
        )
        if is_htmx(request):
            context = _saved_fields(form, request.POST, result, assessment)
            return render(request, "assessments/_autosave.html", context)
        if not form.errors:
            messages.success(request, _("Question scores saved."))
            return redirect("assessments:questions", pk=pk)
        messages.error(request, _("The scores marked in red were not saved; the others were."))
    context = {
        **_result_context(assessment, result),
        "form": form,
        "can_write": can_write(request.user, assessment.organization_id),
    }
    return render(request, "assessments/questions.html", context, status=422 if form.errors else 200)


@login_required
@require_POST
def disclosure_update(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """Save the fields of one O-item row that the request carries (result, URLs, note), each alone."""
    assessment = _assessment(request, pk, write=True)
    # Items are framework data, not owned: the access check is the assessment's, above.
    item = get_object_or_404(Item, framework=assessment.framework_id, kind=AnswerKind.DISCLOSURE, code=code)
    form = DisclosureResultForm(request.POST)
    saved = services.disclosure_result_set(
        assessment=assessment, item=item, **form.changes(request.POST), user=request.user
    )
    if is_htmx(request):
        context = {
            **_saved_fields(form, request.POST, saved.result, assessment),
            "item": item,
            "row": selectors.disclosure_row(item, saved.row),
            "row_errors": bool(form.errors),
        }
        return render(request, "assessments/_disclosure_saved.html", context)
    errors = " ".join(e for field_errors in form.errors.values() for e in field_errors)
    if errors:
        messages.error(request, _("%(code)s: %(errors)s") % {"code": item.code, "errors": errors})
    else:
        messages.success(request, _("%(code)s saved.") % {"code": item.code})
    return redirect(f"{assessment.get_absolute_url()}#oit-{item.code}")


@login_required
@require_POST
def disclosures_mark_passed(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk, write=True)
    count = services.disclosures_mark_passed(assessment=assessment, user=request.user)
    messages.success(request, _("%(count)s undecided item(s) marked as passed.") % {"count": count})
    return redirect(f"{assessment.get_absolute_url()}#oit")


@login_required
@require_POST
def published_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the published values the request carries; a bad one is shown and the others are saved."""
    assessment = _assessment(request, pk, write=True)
    form = _published_form(assessment, request.POST)
    services.assessment_published_set(assessment=assessment, **form.changes(request.POST), user=request.user)
    if form.errors:
        messages.error(request, _("The values marked in red were not saved; the others were."))
        context = _detail_context(request, assessment, published_form=form)
        return render(request, "assessments/detail.html", context, status=422)
    messages.success(request, _("Published values saved."))
    return redirect(f"{assessment.get_absolute_url()}#published")


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def assessment_list_export(request: HttpRequest) -> HttpResponse:
    return _xlsx(
        exports.assessment_list_workbook(selectors.assessments_for_user(request.user)), "ita-assessments.xlsx"
    )


@login_required
@require_GET
def assessment_itas_export(request: HttpRequest) -> HttpResponse:
    """Results in the layout the ITAS importer reads: every assessment the user may read (site staff:
    all); ``?year=2565`` and ``?org=<id>`` narrow it, another organization's id answers 404."""
    assessments = selectors.assessments_for_itas_export(request.user)
    year, org = request.GET.get("year", ""), request.GET.get("org", "")
    if not (year.isdigit() or not year) or not (org.isdigit() or not org):
        raise Http404
    if org:
        organization = selectors.organization_for_itas_export(request.user, int(org))
        assessments = assessments.filter(organization=organization)
    content = itas_workbook(assessments, fiscal_year=int(year) if year else None)
    return _xlsx(content, f"ita-itas-{year}.xlsx" if year else "ita-itas.xlsx")


@login_required
@require_GET
def assessment_export(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    content = exports.assessment_workbook(assessment, selectors.assessment_result(assessment))
    return _xlsx(content, f"ita-{assessment.fiscal_year}-{assessment.organization_id}.xlsx")
