"""The OIT readiness board of an assessment: members see it, writers edit it (autosave per field),
check its URLs in the task worker, and export it in the shape officers type into ITAS."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import exports, readiness_selectors, readiness_services, selectors, services
from .access import can_write, get_for_user
from .forms import DisclosureResultForm, ReadinessForm
from .models import AnswerKind, Assessment, Item, ReadinessStatus
from .tasks import check_readiness_urls
from .views import _xlsx, is_htmx

FILTERS = ("light", "status", "unit")


def _assessment(request: HttpRequest, pk: int, *, write: bool = False) -> Assessment:
    return get_for_user(selectors.assessments_for_user(request.user), request.user, write=write, pk=pk)


def _item(assessment: Assessment, code: str) -> Item:
    # Items are framework data, not owned: the access check is the assessment's.
    return get_object_or_404(
        Item.objects.select_related("sub_indicator"),
        framework=assessment.framework_id,
        kind=AnswerKind.DISCLOSURE,
        code=code,
    )


@login_required
@require_GET
def readiness_board(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    rows = readiness_selectors.board_rows(assessment)
    chosen = {name: request.GET.get(name, "") for name in FILTERS}
    context = {
        "assessment": assessment,
        "rows": readiness_selectors.board_filter(rows, **chosen),
        "counts": readiness_selectors.board_counts(rows),
        "filters": chosen,
        "filtered": any(chosen.values()),
        "units": readiness_selectors.units_of(assessment),
        "statuses": ReadinessStatus.choices,
        "lights": readiness_selectors.LIGHTS,
        "can_write": can_write(request.user, assessment.organization_id),
    }
    return render(request, "assessments/readiness.html", context)


@login_required
@require_POST
def readiness_update(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """Save the fields of one row that the request carries (owner unit, status, data year, URLs)."""
    assessment = _assessment(request, pk, write=True)
    item = _item(assessment, code)
    form = ReadinessForm(request.POST, organization_id=assessment.organization_id)
    url_form = DisclosureResultForm(request.POST)
    if "urls" in request.POST and "urls" not in url_form.errors:
        services.disclosure_result_set(
            assessment=assessment, item=item, **url_form.changes(["urls"]), user=request.user
        )
    changes = form.changes(request.POST)
    if changes:
        readiness_services.readiness_set(assessment=assessment, item=item, **changes, user=request.user)
    errors = {name: list(e) for name, e in form.errors.items() if name in request.POST}
    if "urls" in request.POST and url_form.errors.get("urls"):
        errors["urls"] = url_form.errors["urls"]
    if is_htmx(request):
        rows = readiness_selectors.board_rows(assessment)
        context = {
            "assessment": assessment,
            "row": next(r for r in rows if r.item.pk == item.pk),
            "counts": readiness_selectors.board_counts(rows),
            "field_states": [
                {"name": name, "bad": name in errors, "errors": errors.get(name, [])}
                for name in (*form.fields, "urls")
                if name in request.POST
            ],
        }
        return render(request, "assessments/_readiness_saved.html", context)
    if errors:
        text = " ".join(e for field_errors in errors.values() for e in field_errors)
        messages.error(request, _("%(code)s: %(errors)s") % {"code": item.code, "errors": text})
    else:
        messages.success(request, _("%(code)s saved.") % {"code": item.code})
    return redirect(f"{assessment_board_url(assessment)}#rd-{item.code}")


def assessment_board_url(assessment: Assessment) -> str:
    return reverse("assessments:readiness", args=[assessment.pk])


@login_required
@require_POST
def readiness_check(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """Queue the URL check of one item for the task worker."""
    assessment = _assessment(request, pk, write=True)
    item = _item(assessment, code)
    check_readiness_urls.enqueue(assessment.pk, [item.code])
    messages.info(
        request,
        _("The URLs of %(code)s will be checked in a moment; reload the page to see the result.")
        % {"code": item.code},
    )
    return redirect(f"{assessment_board_url(assessment)}#rd-{item.code}")


@login_required
@require_POST
def readiness_check_all(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue the URL check of every O-item of the assessment (one task for the organization)."""
    assessment = _assessment(request, pk, write=True)
    check_readiness_urls.enqueue(assessment.pk)
    messages.info(request, _("All URLs will be checked in the background; reload the page in a few minutes."))
    return redirect(assessment_board_url(assessment))


@login_required
@require_GET
def readiness_export(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    content = exports.readiness_workbook(assessment, readiness_selectors.board_rows(assessment))
    return _xlsx(content, f"ita-oit-{assessment.fiscal_year}-{assessment.organization_id}.xlsx")
