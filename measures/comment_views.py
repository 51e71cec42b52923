"""Comments on a measure (its detail page) and on a round's report (the round page).

Every member may comment, executives included; officers tick a comment done; its author may delete
it shortly after. htmx requests get the comments panel back (``measures/_comments.html``) to swap in
place; without JavaScript the same forms post and redirect back, and a refused comment is shown on a
page of its own with the text kept.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.access import get_for_user

from . import comment_services as services
from .comment_selectors import comment_panel
from .models import Measure, MeasureComment, MonitoringRound


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _back(measure: Measure, round: MonitoringRound | None) -> str:
    if round is not None:
        return reverse("progress:round", kwargs={"round_pk": round.pk}) + "#comments"
    return reverse("measures:detail", kwargs={"pk": measure.pk}) + "#comments"


def _add(request: HttpRequest, measure: Measure, round: MonitoringRound | None) -> HttpResponse:
    text = request.POST.get("text", "")
    try:
        services.comment_add(measure=measure, round=round, text=text, user=request.user)
    except ValidationError as exc:
        panel = comment_panel(request.user, measure, round, text=text, errors=exc.messages)
        if is_htmx(request):
            return render(request, "measures/_comments.html", {"panel": panel})
        context = {"panel": panel, "measure": measure, "back": _back(measure, round)}
        return render(request, "measures/comment_form.html", context, status=400)
    if is_htmx(request):
        panel = comment_panel(request.user, measure, round)
        return render(request, "measures/_comments.html", {"panel": panel})
    messages.success(request, _("The comment is added."))
    return redirect(_back(measure, round))


@login_required
@require_POST
def measure_comment_add(request: HttpRequest, pk: int) -> HttpResponse:
    measure = get_for_user(Measure.objects.select_related("assessment"), request.user, pk=pk)
    return _add(request, measure, None)


@login_required
@require_POST
def round_comment_add(request: HttpRequest, round_pk: int) -> HttpResponse:
    qs = MonitoringRound.objects.select_related("measure", "measure__assessment")
    round = get_for_user(qs, request.user, pk=round_pk)
    return _add(request, round.measure, round)


def _answer(request: HttpRequest, comment: MeasureComment, error: ValidationError | None) -> HttpResponse:
    """After a resolve or delete: the panel it was clicked in (``scope``), or a redirect back to it."""
    round = comment.round if request.POST.get("scope") == "round" and comment.round_id else None
    if is_htmx(request):
        errors = error.messages if error else []
        panel = comment_panel(request.user, comment.measure, round, errors=errors)
        return render(request, "measures/_comments.html", {"panel": panel})
    for message in error.messages if error else []:
        messages.error(request, message)
    return redirect(_back(comment.measure, round))


def _comment(request: HttpRequest, pk: int, *, write: bool = False) -> MeasureComment:
    qs = MeasureComment.objects.select_related("measure", "measure__assessment", "round")
    return get_for_user(qs, request.user, write=write, pk=pk)


@login_required
@require_POST
def comment_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _comment(request, pk, write=True)
    try:
        services.comment_resolve(comment=comment, user=request.user)
    except ValidationError as exc:
        return _answer(request, comment, exc)
    if not is_htmx(request):
        messages.success(request, _("The comment is marked done."))
    return _answer(request, comment, None)


@login_required
@require_POST
def comment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _comment(request, pk)
    try:
        services.comment_delete(comment=comment, user=request.user)
    except ValidationError as exc:
        return _answer(request, comment, exc)
    if not is_htmx(request):
        messages.success(request, _("The comment is deleted."))
    return _answer(request, comment, None)
