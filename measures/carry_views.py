"""The carry-forward page: pick an earlier year, preview its measures as they will be in this year
(what cannot be mapped in red, what needs a look in amber), tick, confirm, and read the summary.

Officers only: reading the preview already prepares a write, so an executive gets 403 and another
organization 404 (``get_for_user``).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from assessments import selectors as assessment_selectors
from assessments.access import get_for_user

from . import selectors
from .carry import carry_preview, measures_carry_forward


@login_required
@require_http_methods(["GET", "POST"])
def carry(request: HttpRequest, assessment_pk: int) -> HttpResponse:
    qs = assessment_selectors.assessments_for_user(request.user)
    target = get_for_user(qs, request.user, write=True, pk=assessment_pk)
    sources = list(selectors.carry_sources(request.user, target))
    raw = request.POST.get("source") if request.method == "POST" else request.GET.get("source")
    source = next((s for s in sources if str(s.pk) == raw), sources[0] if sources else None)
    context = {"assessment": target, "sources": sources, "source": source, "error": ""}
    if source is None:
        return render(request, "measures/carry.html", context)
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("measures") if v.isdigit()]
        if not ids:
            context["error"] = _("Tick at least one measure.")
        else:
            try:
                result = measures_carry_forward(
                    source=source, target=target, measure_ids=ids, user=request.user
                )
            except ValidationError as exc:
                context["error"] = " ".join(exc.messages)
            else:
                return render(request, "measures/carry_done.html", {**context, "result": result})
    try:
        context["plan"] = carry_preview(source=source, target=target)
    except ValidationError as exc:
        context["error"] = " ".join(exc.messages)
    return render(request, "measures/carry.html", context, status=400 if context["error"] else 200)
