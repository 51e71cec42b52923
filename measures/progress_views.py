"""Progress pages: a round's report with its evidence, the rounds my unit owes, and drafting
measures from templates for an assessment's weak points (DOMAIN.md §6).

Thin typed function views: fetch through ``get_for_user`` (another organization → 404, a write
without the right role → 403), validate a form, call one service, redirect (post/redirect/get).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from assessments import selectors as assessment_selectors
from assessments.access import can_write, get_for_user
from assessments.models import Assessment, DisclosureResult, Membership

from . import selectors, services
from .comment_selectors import comment_panel
from .display import measure_row, period_for, period_text, round_badge
from .models import Evidence, Measure, MonitoringRound
from .progress_forms import REPORT_FIELDS, DueDateForm, EvidenceFileForm, EvidenceUrlForm, ProgressReportForm
from .rounds import fiscal_year_months
from .selectors import current_reports
from .template_file import TemplateSpec
from .template_library import active_templates

DEFAULT_THRESHOLD = Decimal(85)
DUE_SOON_DAYS = selectors.DUE_SOON_DAYS


# --------------------------------------------------------------------------- a round's report


def _round(request: HttpRequest, pk: int, *, write: bool = False) -> MonitoringRound:
    qs = MonitoringRound.objects.select_related("measure", "measure__assessment", "measure__organization")
    return get_for_user(qs, request.user, write=write, pk=pk)


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _ids(round: MonitoringRound) -> str:
    """``auto_id`` of a round's forms: several panels may be open on the list page at once."""
    return f"r{round.pk}-%s"


def _round_context(
    request: HttpRequest,
    round: MonitoringRound,
    *,
    form: ProgressReportForm | None = None,
    file_form: EvidenceFileForm | None = None,
    url_form: EvidenceUrlForm | None = None,
) -> dict[str, Any]:
    """What the round page and the list's inline panel show (the same data, two layouts)."""
    versions = list(selectors.report_versions(request.user, round))
    current = next((v for v in versions if v.is_current), None)
    ids = _ids(round)
    return {
        "round": round,
        "measure": round.measure,
        "period": period_text(round.measure),
        "current": current,
        "earlier": [v for v in versions if not v.is_current],
        "can_write": can_write(request.user, round.organization_id),
        "form": form or ProgressReportForm.for_report(current, auto_id=ids),
        "file_form": file_form or EvidenceFileForm(auto_id=ids),
        "url_form": url_form or EvidenceUrlForm(auto_id=ids),
        "overdue": current is None and round.due_date < timezone.localdate(),
        "comments": comment_panel(request.user, round.measure, round),
        "badge": round_badge(round, current is not None, timezone.localdate()),
        "due_form": DueDateForm(initial={"due_date": round.due_date}, auto_id=ids),
    }


def _round_page(request: HttpRequest, round: MonitoringRound, *, status: int = 200, **forms) -> HttpResponse:
    """The full round page, or the inline panel of the measure list for an htmx request (one URL,
    two answers: ``Vary`` keeps a browser from showing the cached panel as the page, or back)."""
    context = _round_context(request, round, **forms)
    template = "progress/_panel.html" if is_htmx(request) else "progress/round.html"
    response = render(request, template, context, status=200 if is_htmx(request) else status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_POST
def round_due_date_edit(request: HttpRequest, round_pk: int) -> HttpResponse:
    """Move a round's due date; the round page shows the result (or why the date was refused)."""
    round = _round(request, round_pk, write=True)
    form = DueDateForm(request.POST)
    if form.is_valid():
        try:
            services.round_due_date_set(
                round=round, due_date=form.cleaned_data["due_date"], user=request.user
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The due date is saved."))
    else:
        messages.error(request, " ".join(form.errors.get("due_date", [])))
    return redirect("progress:round", round_pk=round.pk)


@login_required
@require_http_methods(["GET", "POST"])
def round_detail(request: HttpRequest, round_pk: int) -> HttpResponse:
    """GET: the round with its current report (htmx: the list's inline panel).

    POST: save the fields the request carries; each is validated alone, a bad one is answered with
    its message while the others are saved (422 without JavaScript). A request carrying only some
    fields is an autosave (htmx, or ``sendBeacon`` as the page closes): it may change the user's own
    recent version instead of making a new one (``services.progress_report_save``).
    """
    if request.method == "GET":
        return _round_page(request, _round(request, round_pk))
    round = _round(request, round_pk, write=True)
    current = round.reports.filter(is_current=True).first()
    form = ProgressReportForm.for_report(current, request.POST, auto_id=_ids(round))
    changes = form.changes(request.POST)
    autosave = is_htmx(request) or not all(name in request.POST for name in REPORT_FIELDS)
    if changes:
        try:
            services.progress_report_save(round=round, **changes, autosave=autosave, user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
    if is_htmx(request):
        context = _autosave_context(request, round, form, first=current is None)
        return render(request, "progress/_autosave.html", context)
    if form.errors:
        messages.error(request, _("The fields marked in red were not saved; the others were."))
        return _round_page(request, round, form=form, status=422)
    messages.success(request, _("The progress report is saved."))
    return redirect("progress:round", round_pk=round.pk)


def _autosave_context(
    request: HttpRequest, round: MonitoringRound, form: ProgressReportForm, *, first: bool
) -> dict:
    """An autosave's answer: the carried fields' states, the version line, the row's badge and status,
    and, once the first save made the report, its evidence forms (evidence hangs on a report)."""
    current = round.reports.select_related("reported_by").filter(is_current=True).first()
    measure = round.measure
    today = timezone.localdate()
    rounds = list(measure.monitoring_rounds.order_by("month").prefetch_related(current_reports()))
    return {
        "round": round,
        "measure": measure,
        "current": current,
        "fields": form.carried(request.POST),
        "errors": form.non_field_errors(),
        "badge": round_badge(round, current is not None, today),
        "row": measure_row(measure, rounds, today),
        "refresh_evidence": first and current is not None,
        "can_write": True,
        "file_form": EvidenceFileForm(auto_id=_ids(round)),
        "url_form": EvidenceUrlForm(auto_id=_ids(round)),
    }


def _current_report_or_error(round: MonitoringRound):
    report = round.reports.filter(is_current=True).first()
    if report is None:
        raise ValidationError(_("Save the progress report first, then attach its evidence."))
    return report


def _evidence_answer(request: HttpRequest, round: MonitoringRound, message: str, **forms) -> HttpResponse:
    """After an evidence change: the panel again (htmx), or back to the round page."""
    if is_htmx(request):
        return _round_page(request, round, **forms)
    messages.success(request, message)
    return redirect("progress:round", round_pk=round.pk)


@login_required
@require_POST
def evidence_file_add(request: HttpRequest, round_pk: int) -> HttpResponse:
    round = _round(request, round_pk, write=True)
    form = EvidenceFileForm(request.POST, request.FILES, auto_id=_ids(round))
    if form.is_valid():
        try:
            report = _current_report_or_error(round)
            services.evidence_add_file(report=report, upload=form.cleaned_data["file"], user=request.user)
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            return _evidence_answer(request, round, _("The file is attached."))
    return _round_page(request, round, file_form=form, status=400)


@login_required
@require_POST
def evidence_url_add(request: HttpRequest, round_pk: int) -> HttpResponse:
    round = _round(request, round_pk, write=True)
    form = EvidenceUrlForm(request.POST, auto_id=_ids(round))
    if form.is_valid():
        try:
            report = _current_report_or_error(round)
            services.evidence_add_url(report=report, url=form.cleaned_data["url"], user=request.user)
        except ValidationError as exc:
            form.add_error("url", exc.messages)
        else:
            return _evidence_answer(request, round, _("The link is attached."))
    return _round_page(request, round, url_form=form, status=400)


@login_required
@require_POST
def evidence_remove(request: HttpRequest, evidence_pk: int) -> HttpResponse:
    qs = Evidence.objects.select_related("report", "report__measure")
    evidence = get_for_user(qs, request.user, write=True, pk=evidence_pk)
    round = _round(request, evidence.report.round_id, write=True)
    try:
        services.evidence_delete(evidence=evidence, user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        if is_htmx(request):
            return _round_page(request, round)
        return redirect("progress:round", round_pk=round.pk)
    return _evidence_answer(request, round, _("The evidence is removed."))


# --------------------------------------------------------------------------- my unit's work


def _my_unit_ids(user: Any) -> set[int]:
    return set(Membership.objects.filter(user=user, unit__isnull=False).values_list("unit_id", flat=True))


def _mine_first(rounds, mine: set[int]) -> list[MonitoringRound]:
    """The rounds the user answers for (``selectors.my_open_rounds``, the rule of the top bar's badge
    and of the reminder e-mails) first, each group by due date."""
    rows = list(rounds)
    for r in rows:
        r.is_mine = r.pk in mine
        r.period = period_text(r.measure)
    return sorted(rows, key=lambda r: not r.is_mine)  # stable: due-date order kept within groups


@login_required
@require_http_methods(["GET"])
def my_work(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    mine = set(selectors.my_open_rounds(request.user, today, DUE_SOON_DAYS).values_list("pk", flat=True))
    context = {
        "today": today,
        "days": DUE_SOON_DAYS,
        "has_unit": bool(_my_unit_ids(request.user)),
        "overdue": _mine_first(selectors.overdue_rounds(request.user, today), mine),
        "due_soon": _mine_first(selectors.rounds_due_soon(request.user, today, DUE_SOON_DAYS), mine),
    }
    return render(request, "progress/mine.html", context)


# --------------------------------------------------------------------------- draft from templates


@dataclass
class Proposal:
    spec: TemplateSpec
    indicators: list[int] = field(default_factory=list)
    items: list[str] = field(default_factory=list)  # item codes of failed O-items it targets
    in_plan: bool = False


def _threshold(raw: str | None, default: Decimal = DEFAULT_THRESHOLD) -> Decimal:
    """``?threshold=``, else ``default`` (the organization's strength threshold, 85 unless its
    administrator set another)."""
    try:
        value = Decimal(raw) if raw else default
    except (InvalidOperation, ValueError):
        return default
    if not value.is_finite() or not 0 <= value <= 100:
        return default
    return value


def _shown(score: Fraction) -> Decimal:
    """Two decimals, for display only (the comparison uses the exact score)."""
    return (Decimal(score.numerator) / Decimal(score.denominator)).quantize(Decimal("0.01"))


def _weak_points(assessment: Assessment, threshold: Decimal) -> dict[str, Any]:
    result = assessment_selectors.assessment_result(assessment)
    names = {i.number: i for i in assessment_selectors.indicators_of(assessment)}
    weak = [
        {"indicator": names.get(n), "number": n, "score": _shown(Fraction(r.score))}
        for n, r in sorted(result.indicators.items())
        if r.score is not None and Fraction(r.score) < Fraction(threshold)
    ]
    failed = list(
        DisclosureResult.objects.filter(assessment=assessment, passed=False)
        .select_related("item")
        .order_by("item__order", "item__code")
    )
    return {"weak": weak, "failed": failed}


def _proposals(assessment: Assessment, weak: list[dict], failed: list[DisclosureResult]) -> list[Proposal]:
    weak_numbers = {w["number"] for w in weak}
    concepts: dict[str, list[str]] = {}
    for d in failed:
        for concept in (d.item.concept, *d.item.replaces_concepts):
            if concept:
                concepts.setdefault(concept, []).append(d.item.code)
    in_plan = set(
        Measure.objects.filter(assessment=assessment)
        .exclude(template_code="")
        .values_list("template_code", flat=True)
    )
    out = []
    for spec in active_templates():
        p = Proposal(spec=spec, in_plan=spec.code in in_plan)
        p.indicators = sorted(weak_numbers.intersection(spec.indicators))
        for concept in spec.concepts:
            for code in concepts.get(concept, []):
                if code not in p.items:
                    p.items.append(code)
        if p.indicators or p.items:
            out.append(p)
    return out


UNMAPPED_KINDS = {
    "tool": gettext_lazy("tool"),
    "indicator": gettext_lazy("indicator"),
    "concept": gettext_lazy("item"),
    "unit_kind": gettext_lazy("unit"),
}


@login_required
@require_http_methods(["GET", "POST"])
def draft(request: HttpRequest, assessment_pk: int) -> HttpResponse:
    """Propose templates for weak indicators and failed O-items; create the ticked ones as measures."""
    write = request.method == "POST"
    assessment = get_for_user(
        assessment_selectors.assessments_for_user(request.user), request.user, write=write, pk=assessment_pk
    )
    threshold = _threshold(
        request.POST.get("threshold") if write else request.GET.get("threshold"),
        assessment.organization.analysis_strength_min,
    )
    points = _weak_points(assessment, threshold)
    proposals = _proposals(assessment, points["weak"], points["failed"])
    error = ""
    if write:
        offered = {p.spec.code for p in proposals}
        codes = [c for c in request.POST.getlist("templates") if c in offered]
        if not codes:
            error = _("Tick at least one proposed measure.")
        else:
            try:
                created = services.measures_from_templates(
                    assessment=assessment, template_codes=codes, user=request.user
                )
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                messages.success(
                    request,
                    _("%(count)s measure(s) drafted from templates.") % {"count": len(created.measures)},
                )
                for u in created.unmapped:
                    messages.warning(
                        request,
                        _("Template %(code)s: %(kind)s “%(value)s” has no match and was left out.")
                        % {"code": u.template_code, "kind": UNMAPPED_KINDS[u.kind], "value": u.value},
                    )
                return redirect(f"/measures/{assessment.pk}/")
    context = {
        "assessment": assessment,
        "threshold": threshold,
        "proposals": proposals,
        "error": error,
        "ticked": set(request.POST.getlist("templates")) if write else None,
        "can_write": can_write(request.user, assessment.organization_id),
        "period": period_for(assessment.organization, *fiscal_year_months(assessment.fiscal_year)),
        **points,
    }
    return render(request, "progress/draft.html", context, status=400 if error else 200)
