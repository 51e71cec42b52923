"""Measure pages: the years, a year's measures in four layouts, the measure form, detail and evidence
downloads. Thin typed function views (STYLE.md §4): check access, validate, call one service, render."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from assessments import selectors as assessment_selectors
from assessments.access import can_write, get_for_user
from assessments.models import Assessment

from . import selectors, services, timeline
from .comment_selectors import comment_panel
from .display import STATUS_BADGE, digits_of, measure_row, period_text
from .excel import measures_workbook
from .forms import MeasureForm, measure_initial
from .listing import FILTERS, LAYOUTS, filter_rows, group_rows
from .models import Evidence, Measure, MeasureStatus, MonitoringRound, ProgressReport, RoundMonth
from .rounds import ROUND_MONTHS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

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
    rows = filter_rows([measure_row(m, m.monitoring_rounds.all(), today) for m in measures], request.GET)
    layout = request.GET.get("view", "number")
    layout = layout if layout in LAYOUTS else "number"
    groups = group_rows(rows, layout, assessment)
    context = {
        **_filter_context(request, assessment),
        "groups": groups,
        "layout": layout,
        "total": len(measures),
        "shown": len(rows),
        "can_write": can_write(request.user, assessment.organization_id),
    }
    return render(request, "measures/list.html", context)


def _filter_context(request: HttpRequest, assessment: Assessment) -> dict[str, Any]:
    """What the filter form (``_filters.html``) of the list and the timeline needs."""
    return {
        "assessment": assessment,
        "units": list(assessment.organization.units.all()),
        "statuses": MeasureStatus.choices,
        "round_choices": RoundMonth.choices,
        "params": request.GET,
        "filtered": any(request.GET.get(k) for k in FILTERS),
        "filter_query": urlencode([(k, request.GET[k]) for k in FILTERS if request.GET.get(k)]),
    }


@login_required
@require_GET
def measure_timeline(request: HttpRequest, assessment_pk: int) -> HttpResponse:
    """The fiscal year ต.ค. → ก.ย. with a bar per measure and its round markers; the list's filters."""
    assessment = _assessment(request, assessment_pk)
    today = timezone.localdate()
    measures = selectors.measures_for_user(request.user, assessment)
    rows = filter_rows([measure_row(m, m.monitoring_rounds.all(), today) for m in measures], request.GET)
    months = timeline.months(assessment.fiscal_year, today, digits=digits_of(assessment.organization))
    context = {
        **_filter_context(request, assessment),
        "months": months,
        "today_column": next((m.index for m in months if m.is_today), None),
        "bars": [timeline.bar(row, assessment.fiscal_year) for row in rows],
        "total": len(measures),
    }
    return render(request, "measures/timeline.html", context)


@login_required
@require_GET
def measure_export(request: HttpRequest, assessment_pk: int) -> HttpResponse:
    """The year's measures as Excel (``?layout=`` of the list, ``?round=`` 3/6/9/12, default the
    latest reported round); members of the organization only, officers and executives alike."""
    assessment = _assessment(request, assessment_pk)
    layout = request.GET.get("layout", "number")
    month = request.GET.get("round", "")
    content = measures_workbook(
        assessment,
        user=request.user,
        round_month=int(month) if month in {str(m) for m in ROUND_MONTHS} else None,
        layout=layout if layout in LAYOUTS else "number",
    )
    response = HttpResponse(content, content_type=XLSX)
    name = _("Measures %(year)s %(organization)s") % {
        "year": assessment.fiscal_year,
        "organization": assessment.organization.name,
    }
    filename = "".join(ch for ch in name if ch not in '\\/:*?"<>|') + ".xlsx"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


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
        "comments": comment_panel(request.user, measure),
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
