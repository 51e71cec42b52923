"""The overview of many organizations for a year: rows, band chart, filters, search, Excel."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from . import exports, overview_selectors, selectors
from .models import OrganizationType
from .views import _xlsx

PAGE_SIZE = 50
FILTERS = ("type", "province", "band", "q")
#: (sort key, column heading) of the table; the result column sits after the total.
SORT_COLUMNS = [
    ("rank", gettext_lazy("Rank")),
    ("name", gettext_lazy("Organization")),
    ("type", gettext_lazy("Type")),
    ("province", gettext_lazy("Province")),
    ("district", gettext_lazy("District")),
    ("total", gettext_lazy("Total")),
    ("change", gettext_lazy("Change from last year")),
]


def _year(request: HttpRequest) -> int | None:
    text = request.GET.get("year", "")
    if not text:
        return overview_selectors.default_year()
    if not text.isdigit() or not 2500 <= int(text) <= 2700:
        raise Http404
    return int(text)


def _rows(request: HttpRequest, year: int) -> tuple[list, list]:
    """(every row of the year, the rows the filters keep, sorted)."""
    rows = overview_selectors.overview_rows(request.user, year)
    chosen = overview_selectors.overview_filter(
        rows,
        org_type=request.GET.get("type", ""),
        province=request.GET.get("province", ""),
        band=request.GET.get("band", ""),
        q=request.GET.get("q", "")[:100],
    )
    return rows, overview_selectors.overview_sort(chosen, request.GET.get("sort", "rank"))


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    if not overview_selectors.can_oversee(request.user):
        raise PermissionDenied
    year = _year(request)
    context = {"year": year, "years": selectors.framework_years(), "types": OrganizationType.choices}
    if year is not None:
        rows, shown = _rows(request, year)
        labels = overview_selectors.band_labels(year)
        query = request.GET.copy()
        query.pop("page", None)
        distribution = overview_selectors.band_distribution(shown, labels)
        context |= {
            "total_count": len(rows),
            "page": Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page")),
            "shown_count": len(shown),
            "distribution": distribution,
            "chart_data": [{"value": v, "label": label, "count": n} for v, label, n in distribution],
            "provinces": sorted({r.province for r in rows if r.province}),
            "bands": labels,
            "filters": {name: request.GET.get(name, "") for name in FILTERS},
            "filtered": any(request.GET.get(name) for name in FILTERS),
            "sort": request.GET.get("sort", "rank"),
            "query": query.urlencode(),
            "query_without_sort": _without(request, "sort", "page"),
            "sort_columns": SORT_COLUMNS,
        }
    return render(request, "assessments/overview.html", context)


def _without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


@login_required
@require_GET
def overview_export(request: HttpRequest) -> HttpResponse:
    if not overview_selectors.can_oversee(request.user):
        raise PermissionDenied
    year = _year(request)
    if year is None:
        raise Http404
    _all, shown = _rows(request, year)
    return _xlsx(exports.overview_workbook(year, shown), f"ita-overview-{year}.xlsx")
