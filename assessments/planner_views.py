"""The gap-to-target planner page of an assessment: the plan for a target, what-if, Excel, and
the ticked items go to "Create measures for these" (``measures.planner_views``) (issue 9 point 2).

The page and its what-if are for every member of the organization (other organizations: 404); the
what-if is a POST only because it carries a form, and it saves nothing.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from . import exports, planner, planner_selectors, scoring, selectors
from .access import can_write, get_for_user
from .models import Assessment
from .views import _xlsx, is_htmx

CUSTOM = "number"


def _assessment(request: HttpRequest, pk: int, *, write: bool = False) -> Assessment:
    return get_for_user(selectors.assessments_for_user(request.user), request.user, write=write, pk=pk)


def _target_text(params: QueryDict) -> str:
    """The target as picked: one of the offered choices, or the number typed beside "a number"."""
    choice = (params.get("target") or "").strip() or planner.TARGET_NEXT
    return (params.get("number") or "").strip() if choice == CUSTOM else choice


@login_required
@require_http_methods(["GET", "POST"])
def planner_page(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the plan for ``?target=``. POST (htmx or not): the same page with the what-if result
    of the ticked items and edited indicator scores; nothing is saved."""
    assessment = _assessment(request, pk)
    params = request.POST if request.method == "POST" else request.GET
    page = planner_selectors.planner_page(assessment, _target_text(params))
    items, scores, problems = [], {}, {}
    values: dict[int, str] = {}
    if request.method == "POST":
        items, scores, problems = planner_selectors.what_if_values(page.framework, request.POST)
        values = {n: request.POST.get(f"ind_{n}", "") for n in page.indicator_names}
    what_if = planner_selectors.what_if_result(page, items, scores) if page.plan else None
    context = {
        "assessment": assessment,
        "page": page,
        "plan": page.plan,
        "item_rows": planner_selectors.item_rows(page, set(items)),
        "indicator_rows": planner_selectors.indicator_rows(page, values, problems),
        "equivalents": planner_selectors.survey_equivalents(page),
        "total_with_items": scoring.fmt2(page.plan.total_with_items) if page.plan else None,
        "target_name": planner_selectors.target_label(page.plan.target) if page.plan else "",
        "what_if": what_if,
        "problems": problems,
        "can_write": can_write(request.user, assessment.organization_id),
        "custom": CUSTOM,
        "target_query": _target_query(page),
    }
    if request.method == "POST" and is_htmx(request):
        return render(request, "assessments/_planner_what_if.html", context)
    return render(request, "assessments/planner.html", context, status=400 if page.error else 200)


def _target_query(page: planner_selectors.PlannerPage) -> str:
    """The query string that opens this plan again (the export link, after a what-if too)."""
    query = QueryDict(mutable=True)
    if page.is_number:
        query["target"], query["number"] = CUSTOM, page.target_text
    else:
        query["target"] = page.target_text
    return query.urlencode()


@login_required
@require_GET
def planner_export(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    page = planner_selectors.planner_page(assessment, _target_text(request.GET))
    if page.plan is None:
        return redirect(f"{reverse('assessments:planner', args=[pk])}?{request.GET.urlencode()}")
    content = exports.planner_workbook(page)
    return _xlsx(content, f"ita-plan-{assessment.fiscal_year}-{assessment.organization_id}.xlsx")
