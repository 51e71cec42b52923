"""The saved column mappings of the ITAS import: a list page and delete with a confirmation (issue 7).

Who sees what comes from ``mapping_services.mappings_for_user`` (site staff: every mapping; an
organization's administrator: their organizations' and the site-wide ones); the page itself is for
those who may import (``itas_views._scope``: anyone else 403). A mapping of another organization
answers 404; an administrator may not delete a site-wide mapping (403).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from . import mapping_services as ms
from .itas_views import _admin_organizations, _kind_label, _scope, field_label
from .models import ImportMapping


def _rows(user: Any, mappings: list[ImportMapping]) -> list[dict[str, Any]]:
    """One query for the rights (``ms.may_manage`` per row would ask once a row)."""
    administered = {o.pk for o in _admin_organizations(user)}
    return [
        {
            "mapping": m,
            "kind": _kind_label(m.kind) if m.kind else "",
            "columns": [(header, field_label(f)) for header, f in m.columns.items() if f and f != ms.IGNORE],
            "ignored": sum(1 for f in m.columns.values() if not f or f == ms.IGNORE),
            "may_delete": bool(user.is_staff) or m.organization_id in administered,
        }
        for m in mappings
    ]


def _page(request: HttpRequest, confirm: ImportMapping | None = None) -> HttpResponse:
    mappings = list(ms.mappings_for_user(request.user).select_related("created_by").order_by("name", "pk"))
    context = {"rows": _rows(request.user, mappings), "confirm": confirm}
    return render(request, "assessments/itas_mappings.html", context)


@login_required
@require_GET
def import_mapping_list(request: HttpRequest) -> HttpResponse:
    """The saved mappings the user may use, with the columns each one maps."""
    _scope(request)
    return _page(request)


@login_required
@require_http_methods(["GET", "POST"])
def import_mapping_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation (the page without JavaScript); POST deletes."""
    _scope(request)
    mapping = ms.mappings_for_user(request.user).filter(pk=pk).first()
    if mapping is None:
        raise Http404
    if request.method == "GET":
        ms.require_manage(request.user, mapping.organization)
        return _page(request, confirm=mapping)
    ms.import_mapping_delete(user=request.user, pk=pk)
    messages.success(request, _("The mapping “%(name)s” is deleted.") % {"name": mapping.name})
    return redirect("assessments:itas-mappings")
