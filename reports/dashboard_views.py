"""The dashboard of an organization's year: the page (Chart.js charts, each with its table) and its
tables as Excel. Members of the organization (any role) and site staff see it; others 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from assessments.access import roles_of
from assessments.models import Role

from . import dashboard
from .excel import dashboard_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_GET
def dashboard_page(request: HttpRequest, assessment_pk: int) -> HttpResponse:
    assessment = dashboard.dashboard_assessment(request.user, assessment_pk)
    d = dashboard.dashboard_for(request.user, assessment, timezone.localdate())
    role = roles_of(request.user).get(assessment.organization_id)
    context = {
        "assessment": assessment,
        "d": d,
        "a": d.analysis,
        "chart_data": dashboard.chart_data(d),
        "is_member": role is not None,  # site staff read the dashboard; the linked pages are members'
        "can_set_thresholds": role == Role.ADMIN,
    }
    return render(request, "reports/dashboard.html", context)


@login_required
@require_GET
def dashboard_latest(request: HttpRequest) -> HttpResponse:
    """The top bar's "Dashboard": the latest year of the user's organizations, else the list."""
    latest = dashboard.latest_assessment(request.user)
    if latest is None:
        messages.info(request, _("There is no assessment yet: start one to see its dashboard."))
        return redirect("assessments:list")
    return redirect("reports:dashboard", assessment_pk=latest.pk)


@login_required
@require_GET
def dashboard_xlsx(request: HttpRequest, assessment_pk: int) -> HttpResponse:
    assessment = dashboard.dashboard_assessment(request.user, assessment_pk)
    d = dashboard.dashboard_for(request.user, assessment, timezone.localdate())
    response = HttpResponse(dashboard_workbook(d), content_type=XLSX)
    name = _("Dashboard %(org)s %(year)s") % {
        "org": assessment.organization.name,
        "year": assessment.fiscal_year,
    }
    safe = "".join(ch for ch in name if ch not in '\\/:*?"<>|')
    response["Content-Disposition"] = content_disposition_header(True, f"{safe}.xlsx")
    return response
