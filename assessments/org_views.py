"""An organization's own administration pages: overview, units and members.

Who may do what: every member of the organization may read its overview, units and members (an
officer needs to know who works in which unit, an executive who the administrators are); only its
administrators may change anything (403 for the others). Another organization's pages answer 404.
Site staff manage organizations themselves in /admin/.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import org_selectors, org_services
from .access import get_for_user, roles_of
from .models import Membership, Organization, Role, Unit
from .org_forms import (
    MemberCreateForm,
    MemberPasswordForm,
    MemberUpdateForm,
    OrganizationContactForm,
    UnitForm,
)

GET_POST = require_http_methods(["GET", "POST"])


def _org(request: HttpRequest, org_pk: int, *, admin: bool = False) -> Organization:
    """The organization of the page: 404 outside the user's organizations, 403 if ``admin`` and not one."""
    org = get_for_user(Organization.objects, request.user, pk=org_pk)
    if admin:
        org_services.require_admin(request.user, org)
    return org


def _ctx(request: HttpRequest, org: Organization, section: str, **extra) -> dict:
    return {
        "organization": org,
        "section": section,
        "is_admin": roles_of(request.user).get(org.pk) == Role.ADMIN,
        **extra,
    }


def _fail(form, exc: ValidationError) -> None:
    """Put a service's errors on the form: on their fields when it has them, else on the form."""
    if hasattr(exc, "error_dict") and not set(exc.error_dict) <= set(form.fields):
        form.add_error(None, exc.messages)
    else:
        form.add_error(None, exc)


# --------------------------------------------------------------------------- organization


@login_required
@require_GET
def organization_index(request: HttpRequest) -> HttpResponse:
    memberships = org_selectors.memberships_of(request.user)
    if len(memberships) == 1:
        return redirect("organizations:detail", org_pk=memberships[0].organization_id)
    return render(request, "organizations/index.html", {"memberships": memberships})


@login_required
@require_GET
def organization_detail(request: HttpRequest, org_pk: int) -> HttpResponse:
    org = _org(request, org_pk)
    context = _ctx(
        request,
        org,
        "overview",
        unit_count=org.units.count(),
        member_count=org.memberships.count(),
        admins=org_selectors.members_for_user(request.user, org).filter(role=Role.ADMIN),
    )
    return render(request, "organizations/detail.html", context)


@login_required
@GET_POST
def organization_edit(request: HttpRequest, org_pk: int) -> HttpResponse:
    org = _org(request, org_pk, admin=True)
    form = OrganizationContactForm.for_organization(org, request.POST or None)
    if request.method == "POST":
        form.is_valid()  # a field in error is left out of the changes; the valid ones still save
        changes = form.changes(request.POST)
        saved = False
        try:
            if changes:
                org_services.organization_update(organization=org, **changes, user=request.user)
                saved = True
        except ValidationError as exc:
            _fail(form, exc)
        if not form.errors:
            messages.success(request, _("Organization details saved."))
            return redirect("organizations:detail", org_pk=org.pk)
        if saved:
            messages.warning(request, _("The fields marked in red were not saved; the others were."))
    status = 422 if request.method == "POST" else 200
    return render(
        request, "organizations/edit.html", _ctx(request, org, "overview", form=form), status=status
    )


# --------------------------------------------------------------------------- units


@login_required
@require_GET
def unit_list(request: HttpRequest, org_pk: int) -> HttpResponse:
    org = _org(request, org_pk)
    units = org_selectors.units_for_user(request.user, org)
    return render(request, "organizations/units.html", _ctx(request, org, "units", units=units))


@login_required
@GET_POST
def unit_add(request: HttpRequest, org_pk: int) -> HttpResponse:
    org = _org(request, org_pk, admin=True)
    next_order = (org.units.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    form = UnitForm(request.POST or None, initial={"order": next_order})
    if request.method == "POST" and form.is_valid():
        try:
            unit = org_services.unit_create(organization=org, **form.cleaned_data, user=request.user)
        except ValidationError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("Unit “%(name)s” added.") % {"name": unit.name})
            return redirect("organizations:units", org_pk=org.pk)
    status = 422 if request.method == "POST" else 200
    context = _ctx(request, org, "units", form=form, unit=None)
    return render(request, "organizations/unit_form.html", context, status=status)


@login_required
@GET_POST
def unit_edit(request: HttpRequest, org_pk: int, pk: int) -> HttpResponse:
    org = _org(request, org_pk)
    unit = get_for_user(Unit.objects, request.user, pk=pk, organization=org)
    org_services.require_admin(request.user, org)
    form = UnitForm(request.POST) if request.method == "POST" else UnitForm.for_unit(unit)
    if request.method == "POST" and form.is_valid():
        try:
            unit = org_services.unit_update(unit=unit, **form.cleaned_data, user=request.user)
        except ValidationError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("Unit “%(name)s” saved.") % {"name": unit.name})
            return redirect("organizations:units", org_pk=org.pk)
    status = 422 if request.method == "POST" else 200
    context = _ctx(request, org, "units", form=form, unit=unit, member_count=unit.memberships.count())
    return render(request, "organizations/unit_form.html", context, status=status)


@login_required
@require_POST
def unit_delete(request: HttpRequest, org_pk: int, pk: int) -> HttpResponse:
    org = _org(request, org_pk)
    unit = get_for_user(Unit.objects, request.user, pk=pk, organization=org)
    org_services.require_admin(request.user, org)
    try:
        detached = org_services.unit_delete(unit=unit, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("organizations:unit-edit", org_pk=org.pk, pk=unit.pk)
    text = _("Unit “%(name)s” deleted.") % {"name": unit.name}
    if detached:
        text += " " + _("%(count)s member(s) now have no unit.") % {"count": detached}
    messages.success(request, text)
    return redirect("organizations:units", org_pk=org.pk)


# --------------------------------------------------------------------------- members


@login_required
@require_GET
def member_list(request: HttpRequest, org_pk: int) -> HttpResponse:
    org = _org(request, org_pk)
    members = org_selectors.members_for_user(request.user, org)
    return render(request, "organizations/members.html", _ctx(request, org, "members", members=members))


@login_required
@GET_POST
def member_add(request: HttpRequest, org_pk: int) -> HttpResponse:
    org = _org(request, org_pk, admin=True)
    form = MemberCreateForm(request.POST or None, organization=org, initial={"role": Role.OFFICER})
    if request.method == "POST" and form.is_valid():
        try:
            membership = org_services.member_create(
                organization=org, **form.service_kwargs(), user=request.user
            )
        except ValidationError as exc:
            _fail(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s (%(username)s) added. Give them the username and the initial password.")
                % {
                    "name": membership.user.get_full_name(),
                    "username": membership.user.username,
                },
            )
            return redirect("organizations:members", org_pk=org.pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request, "organizations/member_add.html", _ctx(request, org, "members", form=form), status=status
    )


def _member(request: HttpRequest, org: Organization, pk: int) -> Membership:
    membership = get_for_user(
        Membership.objects.select_related("user", "unit"), request.user, pk=pk, organization=org
    )
    org_services.require_admin(request.user, org)
    return membership


def _member_page(
    request: HttpRequest,
    org: Organization,
    membership: Membership,
    *,
    form: MemberUpdateForm | None = None,
    password_form: MemberPasswordForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = _ctx(
        request,
        org,
        "members",
        membership=membership,
        form=form or MemberUpdateForm.for_membership(membership),
        password_form=password_form or MemberPasswordForm(account=membership.user),
        is_self=membership.user_id == request.user.pk,
    )
    return render(request, "organizations/member_edit.html", context, status=status)


@login_required
@GET_POST
def member_edit(request: HttpRequest, org_pk: int, pk: int) -> HttpResponse:
    org = _org(request, org_pk)
    membership = _member(request, org, pk)
    if request.method == "GET":
        return _member_page(request, org, membership)
    form = MemberUpdateForm(request.POST, organization=org)
    if form.is_valid():
        try:
            org_services.member_update(membership=membership, **form.cleaned_data, user=request.user)
        except ValidationError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("%(name)s saved.") % {"name": _display_name(membership)})
            return redirect("organizations:members", org_pk=org.pk)
    return _member_page(request, org, membership, form=form, status=422)


@login_required
@require_POST
def member_password(request: HttpRequest, org_pk: int, pk: int) -> HttpResponse:
    org = _org(request, org_pk)
    membership = _member(request, org, pk)
    form = MemberPasswordForm(request.POST, account=membership.user)
    if form.is_valid():
        try:
            org_services.member_set_password(
                membership=membership, password=form.cleaned_data["password"], user=request.user
            )
        except ValidationError as exc:
            _fail(form, exc)
        else:
            messages.success(
                request,
                _("New password of %(name)s saved. Give it to them in person.")
                % {"name": _display_name(membership)},
            )
            return redirect("organizations:members", org_pk=org.pk)
    return _member_page(request, org, membership, password_form=form, status=422)


@login_required
@require_POST
def member_remove(request: HttpRequest, org_pk: int, pk: int) -> HttpResponse:
    org = _org(request, org_pk)
    membership = _member(request, org, pk)
    try:
        deactivated = org_services.member_remove(membership=membership, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("organizations:member-edit", org_pk=org.pk, pk=membership.pk)
    text = _("%(name)s was removed from the organization.") % {"name": _display_name(membership)}
    if deactivated:
        text += " " + _("The account belongs to no organization any more and can no longer log in.")
    messages.success(request, text)
    if membership.user_id == request.user.pk:
        return redirect("home")
    return redirect("organizations:members", org_pk=org.pk)


def _display_name(membership: Membership) -> str:
    return membership.user.get_full_name() or membership.user.username
