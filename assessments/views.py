"""Score entry pages: thin typed function views (check access, validate, call one service, render)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import exports, selectors, services
from .access import can_write, get_for_user
from .forms import (
    AssessmentCreateForm,
    DisclosureResultForm,
    IndicatorScoresForm,
    PublishedValuesForm,
    QuestionScoresForm,
)
from .models import AnswerKind, Assessment, Indicator, Item, Organization, Tool


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _writable_organizations(request: HttpRequest):
    orgs = selectors.organizations_for_user(request.user)
    return orgs.filter(pk__in=[o.pk for o in orgs if can_write(request.user, o)])


def _create_form(request: HttpRequest, data=None) -> AssessmentCreateForm:
    return AssessmentCreateForm(
        data, organizations=_writable_organizations(request), years=selectors.framework_years()
    )


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return redirect("assessments:list")


@login_required
@require_GET
def assessment_list(request: HttpRequest) -> HttpResponse:
    context = {"assessments": selectors.assessments_for_user(request.user), "form": _create_form(request)}
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
    context = {"assessments": selectors.assessments_for_user(request.user), "form": form}
    return render(request, "assessments/list.html", context, status=400)


def _indicators(assessment: Assessment) -> list[Indicator]:
    return list(
        Indicator.objects.filter(framework=assessment.framework_id).select_related("tool").order_by("number")
    )


def _indicator_form(assessment: Assessment, data=None) -> IndicatorScoresForm:
    entered = dict(assessment.indicator_scores.values_list("indicator__number", "score"))
    initial = {f"ind_{n}": score for n, score in entered.items()}
    return IndicatorScoresForm(data, initial=initial, indicators=_indicators(assessment))


def _published_form(assessment: Assessment, data=None) -> PublishedValuesForm:
    initial = {
        "total": assessment.published_total,
        "band": assessment.published_band,
        "note": assessment.published_note,
        **{f"tool_{code}": v for code, v in assessment.published_tool_scores.items()},
    }
    tools = list(Tool.objects.filter(framework=assessment.framework_id).order_by("order"))
    return PublishedValuesForm(data, initial=initial, tools=tools)


def _result_context(assessment: Assessment) -> dict:
    result = selectors.assessment_result(assessment)
    return {"assessment": assessment, "panel": selectors.result_panel(assessment, result)}


def _detail_context(
    request: HttpRequest, assessment: Assessment, published_form: PublishedValuesForm
) -> dict:
    return {
        **_result_context(assessment),
        "can_write": can_write(request.user, assessment.organization_id),
        "indicator_form": _indicator_form(assessment),
        "published_form": published_form,
        "disclosure_blocks": selectors.disclosure_rows(assessment),
    }


@login_required
@require_GET
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_for_user(selectors.assessments_for_user(request.user), request.user, pk=pk)
    context = _detail_context(request, assessment, _published_form(assessment))
    return render(request, "assessments/detail.html", context)


@login_required
@require_GET
def assessment_result(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_for_user(selectors.assessments_for_user(request.user), request.user, pk=pk)
    return render(request, "assessments/_result_panel.html", _result_context(assessment))


@login_required
@require_POST
def indicator_scores_update(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_for_user(selectors.assessments_for_user(request.user), request.user, write=True, pk=pk)
    form = _indicator_form(assessment, request.POST)
    if form.is_valid():
        services.indicator_scores_set(assessment=assessment, scores=form.scores(), user=request.user)
        if not is_htmx(request):
            messages.success(request, _("Indicator scores saved."))
            return redirect("assessments:detail", pk=pk)
    elif not is_htmx(request):
        messages.error(request, _("Nothing was saved: correct the scores marked in red."))
        return redirect("assessments:detail", pk=pk)
    context = {**_result_context(assessment), "indicator_form": form, "saved": form.is_valid()}
    return render(request, "assessments/_indicator_update.html", context)


@login_required
def question_scores(request: HttpRequest, pk: int) -> HttpResponse:
    write = request.method == "POST"
    assessment = get_for_user(selectors.assessments_for_user(request.user), request.user, write=write, pk=pk)
    items = list(
        Item.objects.filter(framework=assessment.framework_id, kind=AnswerKind.SURVEY)
        .select_related("indicator")
        .order_by("order")
    )
    entered = dict(assessment.question_scores.values_list("item__code", "score"))
    form = QuestionScoresForm(
        request.POST if write else None, initial={f"q_{c}": s for c, s in entered.items()}, items=items
    )
    if write and form.is_valid():
        services.question_scores_set(assessment=assessment, scores=form.scores(), user=request.user)
        messages.success(request, _("Question scores saved."))
        return redirect("assessments:detail", pk=pk)
    context = {
        "assessment": assessment,
        "form": form,
        "can_write": can_write(request.user, assessment.organization_id),
    }
    return render(request, "assessments/questions.html", context, status=422 if write else 200)


@login_required
@require_POST
def disclosure_update(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    assessment = get_for_user(selectors.assessments_for_user(request.user), request.user, write=True, pk=pk)
    # Items are framework data, not owned: the access check is the assessment's, above.
    item = get_object_or_404(Item, framework=assessment.framework_id, kind=AnswerKind.DISCLOSURE, code=code)
    form = DisclosureResultForm(request.POST)
    result = None
    if form.is_valid():
        result = services.disclosure_result_set(
            assessment=assessment,
            item=item,
            passed=form.passed(),
            urls=form.cleaned_data["urls"],
            note=form.cleaned_data["note"],
            user=request.user,
        )
    if not is_htmx(request):
        if form.is_valid():
            messages.success(request, _("%(code)s saved.") % {"code": item.code})
        else:
            errors = " ".join(e for field_errors in form.errors.values() for e in field_errors)
            messages.error(
                request, _("%(code)s was not saved: %(errors)s") % {"code": item.code, "errors": errors}
            )
        return redirect(f"{assessment.get_absolute_url()}#oit-{item.code}")
    if form.is_valid():
        row = selectors.disclosure_row(item, result)
    else:
        row = {
            **selectors.disclosure_row(item, None),
            "passed": {"pass": True, "fail": False}.get(request.POST.get("result", "")),
            "urls_text": request.POST.get("urls", ""),
            "note": request.POST.get("note", ""),
            "errors": [e for field_errors in form.errors.values() for e in field_errors],
        }
    context = {**_result_context(assessment), "row": row, "can_write": True, "saved": form.is_valid()}
    return render(request, "assessments/_disclosure_update.html", context)


@login_required
@require_POST
def disclosures_mark_passed(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_for_user(selectors.assessments_for_user(request.user), request.user, write=True, pk=pk)
    count = services.disclosures_mark_passed(assessment=assessment, user=request.user)
    messages.success(request, _("%(count)s undecided item(s) marked as passed.") % {"count": count})
    return redirect(f"{assessment.get_absolute_url()}#oit")


@login_required
@require_POST
def published_update(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_for_user(selectors.assessments_for_user(request.user), request.user, write=True, pk=pk)
    form = _published_form(assessment, request.POST)
    if form.is_valid():
        services.assessment_published_set(
            assessment=assessment,
            total=form.cleaned_data["total"],
            band=form.cleaned_data["band"],
            tool_scores=form.tool_scores(),
            note=form.cleaned_data["note"],
            user=request.user,
        )
        messages.success(request, _("Published values saved."))
    else:
        messages.error(request, _("Nothing was saved: correct the published values marked in red."))
        context = _detail_context(request, assessment, form)
        return render(request, "assessments/detail.html", context, status=422)
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
def assessment_export(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_for_user(selectors.assessments_for_user(request.user), request.user, pk=pk)
    content = exports.assessment_workbook(assessment, selectors.assessment_result(assessment))
    return _xlsx(content, f"ita-{assessment.fiscal_year}-{assessment.organization_id}.xlsx")
