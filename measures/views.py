"""Measure pages: the years, a year's measures in four layouts, the measure form, detail and evidence
downloads. Thin typed function views (STYLE.md §4): check access, validate, call one service, render."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from assessments import selectors as assessment_selectors
from assessments.access import can_write, get_for_user
from assessments.models import Assessment, Indicator, Item, Tool

from . import selectors, services
from .display import STATUS_BADGE, MeasureRow, measure_row, period_text
from .forms import MeasureForm, measure_initial
from .models import Evidence, Measure, MeasureStatus, MonitoringRound, ProgressReport, RoundMonth

VIEWS = ("number", "tool", "item", "unit")
FILTERS = ("unit", "status", "round", "overdue")


def _row(measure: Measure, today: date) -> MeasureRow:
    return measure_row(measure, measure.monitoring_rounds.all(), today)


@dataclass
class Group:
    title: str
    level: int = 1
    rows: list[MeasureRow] = field(default_factory=list)


def _filter(rows: list[MeasureRow], params: dict[str, str]) -> list[MeasureRow]:
    """Filters over the prefetched rows (no query per filter): unit, status, round, overdue."""
    unit, status, month = params.get("unit", ""), params.get("status", ""), params.get("round", "")
    if unit.isdigit():
        rows = [
            r for r in rows if r.measure.all_units or any(u.pk == int(unit) for u in r.measure.units.all())
        ]
    if status in MeasureStatus.values:
        rows = [r for r in rows if r.measure.status == status]
    if month.isdigit():
        rows = [r for r in rows if any(b.month == int(month) for b in r.rounds)]
    if params.get("overdue"):
        rows = [r for r in rows if r.overdue]
    return rows


def _by_tool(rows: list[MeasureRow], assessment: Assessment) -> list[Group]:
    """Tool → indicator; a measure appears under each tool/indicator it targets (an item counts for
    its indicator, a whole tool is listed under the tool's heading)."""
    tools = list(Tool.objects.filter(framework=assessment.framework_id).order_by("order"))
    indicators = list(Indicator.objects.filter(framework=assessment.framework_id).order_by("number"))
    keys: dict[tuple[int, int | None], list[MeasureRow]] = defaultdict(list)
    ind_tool = {i.pk: i.tool_id for i in indicators}
    untargeted = []
    for row in rows:
        m = row.measure
        found = {(t.pk, None) for t in m.target_tools.all()}
        found |= {(i.tool_id, i.pk) for i in m.target_indicators.all()}
        found |= {(ind_tool[i.indicator_id], i.indicator_id) for i in m.target_items.all()}
        for key in found:
            keys[key].append(row)
        if not found:
            untargeted.append(row)
    groups = []
    for tool in tools:
        tool_groups = [Group(str(tool), 1, keys.get((tool.pk, None), []))]
        for ind in indicators:
            if ind.tool_id == tool.pk and keys.get((tool.pk, ind.pk)):
                tool_groups.append(Group(str(ind), 2, keys[(tool.pk, ind.pk)]))
        if len(tool_groups) > 1 or tool_groups[0].rows:
            groups.extend(tool_groups)
    if untargeted:
        groups.append(Group(_("No target"), 1, untargeted))
    return groups


def _by_item(rows: list[MeasureRow]) -> list[Group]:
    items: dict[int, Item] = {}
    keys: dict[int, list[MeasureRow]] = defaultdict(list)
    untargeted = []
    for row in rows:
        targeted = list(row.measure.target_items.all())
        for item in targeted:
            items[item.pk] = item
            keys[item.pk].append(row)
        if not targeted:
            untargeted.append(row)
    groups = [
        Group(f"{item.code} {item.name_th}", 1, keys[item.pk])
        for item in sorted(items.values(), key=lambda i: i.order)
    ]
    if untargeted:
        groups.append(Group(_("No O-item targeted"), 1, untargeted))
    return groups


def _by_unit(rows: list[MeasureRow]) -> list[Group]:
    all_units = [r for r in rows if r.measure.all_units]
    units: dict[int, Any] = {}
    keys: dict[int, list[MeasureRow]] = defaultdict(list)
    others = []
    for row in rows:
        chosen = list(row.measure.units.all())
        for unit in chosen:
            units[unit.pk] = unit
            keys[unit.pk].append(row)
        if not chosen and not row.measure.all_units:
            others.append(row)
    groups = [Group(_("All units"), 1, all_units)] if all_units else []
    groups += [
        Group(unit.name, 1, keys[unit.pk]) for unit in sorted(units.values(), key=lambda u: (u.order, u.name))
    ]
    if others:
        groups.append(Group(_("Other responsible parties"), 1, others))
    return groups


# --------------------------------------------------------------------------- pages


def _assessment(request: HttpRequest, pk: int, *, write: bool = False) -> Assessment:
    qs = assessment_selectors.assessments_for_user(request.user)
    return get_for_user(qs, request.user, write=write, pk=pk)


def _measure(request: HttpRequest, pk: int, *, write: bool = False) -> Measure:
    qs = Measure.objects.select_related(
        "organization", "assessment__organization", "assessment__framework", "responsible"
    )
    return get_for_user(qs, request.user, write=write, pk=pk)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    assessments = assessment_selectors.assessments_for_user(request.user).annotate(
        measure_count=Count("measures")
    )
    return render(request, "measures/index.html", {"assessments": assessments})


@login_required
@require_GET
def measure_list(request: HttpRequest, assessment_pk: int) -> HttpResponse:
    assessment = _assessment(request, assessment_pk)
    today = timezone.localdate()
    measures = list(selectors.measures_for_user(request.user, assessment))
    rows = _filter([_row(m, today) for m in measures], request.GET)
    layout = request.GET.get("view", "number")
    layout = layout if layout in VIEWS else "number"
    if layout == "tool":
        groups = _by_tool(rows, assessment)
    elif layout == "item":
        groups = _by_item(rows)
    elif layout == "unit":
        groups = _by_unit(rows)
    else:
        groups = [Group("", 1, rows)] if rows else []
    context = {
        "assessment": assessment,
        "groups": groups,
        "layout": layout,
        "total": len(measures),
        "shown": len(rows),
        "can_write": can_write(request.user, assessment.organization_id),
        "units": list(assessment.organization.units.all()),
        "statuses": MeasureStatus.choices,
        "round_choices": RoundMonth.choices,
        "params": request.GET,
        "filtered": any(request.GET.get(k) for k in FILTERS),
        "filter_query": urlencode([(k, request.GET[k]) for k in FILTERS if request.GET.get(k)]),
    }
    return render(request, "measures/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def measure_create(request: HttpRequest, assessment_pk: int) -> HttpResponse:
    assessment = _assessment(request, assessment_pk, write=True)
    form = MeasureForm(request.POST or None, assessment=assessment)
    if request.method == "POST" and form.is_valid():
        try:
            measure = services.measure_create(assessment=assessment, **form.cleaned_data, user=request.user)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Measure %(number)s saved.") % {"number": measure.number})
            return redirect("measures:detail", pk=measure.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "measures/form.html", {"form": form, "assessment": assessment}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def measure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _measure(request, pk, write=True)
    form = MeasureForm(request.POST or None, initial=measure_initial(measure), assessment=measure.assessment)
    if request.method == "POST" and form.is_valid():
        try:
            services.measure_update(measure=measure, **form.cleaned_data, user=request.user)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Measure %(number)s saved.") % {"number": measure.number})
            return redirect("measures:detail", pk=measure.pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "assessment": measure.assessment, "measure": measure}
    return render(request, "measures/form.html", context, status=status)


def _detail_context(request: HttpRequest, measure: Measure) -> dict[str, Any]:
    rounds = list(
        MonitoringRound.objects.filter(measure=measure)
        .order_by("month")
        .prefetch_related(
            Prefetch(
                "reports",
                queryset=ProgressReport.objects.select_related("reported_by")
                .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("pk")))
                .order_by("-version"),
            )
        )
    )
    today = timezone.localdate()
    for r in rounds:
        reports = list(r.reports.all())
        r.current = next((rep for rep in reports if rep.is_current), None)
        r.earlier = [rep for rep in reports if not rep.is_current]
        r.overdue = r.current is None and r.due_date < today and measure.status != MeasureStatus.CANCELLED
    return {
        "measure": measure,
        "assessment": measure.assessment,
        "rounds": rounds,
        "period": period_text(measure),
        "status_badge": STATUS_BADGE.get(measure.status, "text-bg-secondary"),
        "tools": list(measure.target_tools.all()),
        "indicators": list(measure.target_indicators.all()),
        "items": list(measure.target_items.all()),
        "units": list(measure.units.all()),
        "can_write": can_write(request.user, measure.organization_id),
    }


@login_required
@require_GET
def measure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _measure(request, pk)
    return render(request, "measures/detail.html", _detail_context(request, measure))


@login_required
@require_http_methods(["GET", "POST"])
def measure_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation (the page without JavaScript); POST deletes."""
    measure = _measure(request, pk, write=True)
    if request.method == "GET":
        context = {**_detail_context(request, measure), "confirm_delete": True}
        return render(request, "measures/detail.html", context)
    try:
        services.measure_delete(measure=measure, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("measures:detail", pk=measure.pk)
    messages.success(request, _("Measure %(number)s deleted.") % {"number": measure.number})
    return redirect("measures:list", assessment_pk=measure.assessment_id)


@login_required
@require_GET
def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    """An evidence file, to members of its organization only, always as a download (never rendered
    inline: the stored type was sniffed, and nosniff keeps the browser from guessing another)."""
    evidence = get_for_user(Evidence.objects, request.user, pk=pk)
    if not evidence.is_file:
        raise Http404
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name or evidence.file.name.rsplit("/", 1)[-1],
        content_type=evidence.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
