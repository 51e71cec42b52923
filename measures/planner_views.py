""" "Create measures for these" from the gap-to-target planner (``assessments.planner_views``): one
draft measure per ticked O-item through the measures services, for officers and organization
administrators (executives 403, other organizations 404)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments import selectors as assessment_selectors
from assessments.access import get_for_user

from . import services


def _back_query(params: QueryDict) -> str:
    query = QueryDict(mutable=True)
    for key in ("target", "number"):
        if params.get(key):
            query[key] = params[key]
    return query.urlencode()


@login_required
@require_POST
def measures_from_planner(request: HttpRequest, assessment_pk: int) -> HttpResponse:
    assessment = get_for_user(
        assessment_selectors.assessments_for_user(request.user), request.user, write=True, pk=assessment_pk
    )
    try:
        result = services.measures_for_items(
            assessment=assessment, item_codes=request.POST.getlist("item"), user=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        back = reverse("assessments:planner", args=[assessment.pk])
        return redirect(f"{back}?{_back_query(request.POST)}")
    if result.measures:
        messages.success(
            request,
            _("%(count)s draft measure(s) created for the chosen O-items.") % {"count": len(result.measures)},
        )
    if result.already_planned:
        messages.info(
            request,
            _("Already aimed at by a measure of this year, so none was added: %(codes)s")
            % {"codes": ", ".join(result.already_planned)},
        )
    return redirect("measures:list", assessment_pk=assessment.pk)
