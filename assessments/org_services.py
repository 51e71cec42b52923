"""Writes of an organization's own administration: contact details, units and members.

Only an administrator (Membership.role == admin) of the organization may call these; the role is
checked again here, inside the transaction, whoever calls (STYLE.md §3). Site staff manage
organizations themselves (name, type, ITAS code) in /admin/. Every write locks the organization
row first, so two administrators working at once are serialised: the last-admin rule counts
administrators under that lock.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from .models import Membership, Organization, Role, Unit
from .services import UNSET

# --------------------------------------------------------------------------- access


def is_admin(user: Any, organization: Organization | int) -> bool:
    """Read fresh from the database (not the per-request role cache): a role may change mid-request."""
    if not user.is_authenticated:
        return False
    org_id = organization if isinstance(organization, int) else organization.pk
    return Membership.objects.filter(user=user, organization_id=org_id, role=Role.ADMIN).exists()


def require_admin(user: Any, organization: Organization | int) -> None:
    """Only the organization's administrators manage its units and members (403 for anyone else)."""
    if not is_admin(user, organization):
        raise PermissionDenied


def _lock(organization: Organization) -> Organization:
    return Organization.objects.select_for_update().get(pk=organization.pk)


def _two_places(value: Decimal) -> Decimal:
    """A threshold as stored (5 digits, 2 places), so the audit trail shows "90.00", not "90"."""
    return Decimal(value).quantize(Decimal("0.01"))


def _admin_count(organization: Organization) -> int:
    return Membership.objects.filter(organization=organization, role=Role.ADMIN).count()


# --------------------------------------------------------------------------- organization


@transaction.atomic
def organization_update(
    *,
    organization: Organization,
    phone: str = UNSET,
    thai_digits: bool = UNSET,
    analysis_strength_min: Decimal = UNSET,
    analysis_urgent_below: Decimal = UNSET,
    analysis_urgent_count: int = UNSET,
    user: Any,
) -> Organization:
    """Contact details and the organization's settings (Thai or Arabic digits in its documents, the
    thresholds of its analysis: strengths, urgent weaknesses).

    Only the values given change; name, type, province and ITAS code are kept by site staff.
    The save goes through the model, so the audit trail records each old and new value.
    """
    org = _lock(organization)
    require_admin(user, org)
    if phone is not UNSET:
        org.phone = phone.strip()
    if thai_digits is not UNSET:
        org.thai_digits = bool(thai_digits)
    if analysis_strength_min is not UNSET:
        org.analysis_strength_min = _two_places(analysis_strength_min)
    if analysis_urgent_below is not UNSET:
        org.analysis_urgent_below = _two_places(analysis_urgent_below)
    if analysis_urgent_count is not UNSET:
        org.analysis_urgent_count = analysis_urgent_count
    org.full_clean()
    org.save()
    return org


# --------------------------------------------------------------------------- units


def _unit_name_taken(org: Organization, name: str, exclude_pk: int | None = None) -> bool:
    qs = Unit.objects.filter(organization=org, name=name)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.exists()


def _unit_name_error(name: str) -> ValidationError:
    message = _("The organization already has a unit named “%(name)s”.") % {"name": name}
    return ValidationError({"name": ValidationError(message, code="unit_name_taken")})


def _unit_save(unit: Unit) -> Unit:
    """Validate and save; a unique-name race (another admin saving the same name) is a friendly error."""
    if _unit_name_taken(unit.organization, unit.name, exclude_pk=unit.pk):
        raise _unit_name_error(unit.name)
    unit.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            unit.save()
    except IntegrityError as exc:
        raise _unit_name_error(unit.name) from exc
    return unit


@transaction.atomic
def unit_create(
    *, organization: Organization, name: str, code: str, phone: str, order: int, user: Any
) -> Unit:
    org = _lock(organization)
    require_admin(user, org)
    unit = Unit(organization=org, name=name.strip(), code=code.strip(), phone=phone.strip(), order=order)
    return _unit_save(unit)


@transaction.atomic
def unit_update(*, unit: Unit, name: str, code: str, phone: str, order: int, user: Any) -> Unit:
    org = _lock(unit.organization)
    require_admin(user, org)
    unit = Unit.objects.select_for_update().get(pk=unit.pk, organization=org)
    unit.name, unit.code, unit.phone, unit.order = name.strip(), code.strip(), phone.strip(), order
    return _unit_save(unit)


@transaction.atomic
def unit_delete(*, unit: Unit, user: Any) -> int:
    """Delete a unit; its members stay in the organization without a unit. Returns how many they were.

    Members are detached one by one (each ``save()`` is audited) rather than by the foreign key's
    SET_NULL, which would update them in bulk past the audit log. Data that must keep its unit
    (protected references) refuses the deletion with a Thai message.
    """
    org = _lock(unit.organization)
    require_admin(user, org)
    unit = Unit.objects.select_for_update().get(pk=unit.pk, organization=org)
    members = list(Membership.objects.select_for_update().filter(unit=unit))
    for membership in members:
        membership.unit = None
        membership.save()
    try:
        with transaction.atomic():
            unit.delete()
    except (ProtectedError, RestrictedError) as exc:
        raise ValidationError(
            _(
                "The unit “%(name)s” cannot be deleted: other records (such as measures or memos) refer "
                "to it. Rename it instead, or move those records to another unit first."
            )
            % {"name": unit.name},
            code="unit_in_use",
        ) from exc
    return len(members)


# --------------------------------------------------------------------------- members


def _username_error(username: str) -> ValidationError:
    message = _("The username “%(username)s” already exists. Choose another one.") % {"username": username}
    return ValidationError({"username": ValidationError(message, code="username_taken")})


def _check_unit(org: Organization, unit: Unit | None) -> None:
    if unit is not None and unit.organization_id != org.pk:
        message = _("The unit belongs to another organization.")
        raise ValidationError({"unit": ValidationError(message, code="unit_other_org")})


def _check_password(password: str, account: Any) -> None:
    try:
        password_validation.validate_password(password, user=account)
    except ValidationError as exc:
        raise ValidationError({"password": exc.error_list}) from exc


def _managed_here_only(membership: Membership) -> None:
    """An account that is site staff or belongs to another organization too is not this admin's to manage.

    Resetting its password would reach beyond this organization (another organization's data, or
    /admin/), so that is left to site staff.
    """
    account = membership.user
    elsewhere = Membership.objects.filter(user=account).exclude(organization_id=membership.organization_id)
    if account.is_staff or account.is_superuser or elsewhere.exists():
        raise ValidationError(
            _(
                "This account is also used outside this organization (site staff or another "
                "organization); only site staff may change its password."
            ),
            code="account_shared",
        )


@transaction.atomic
def member_create(
    *,
    organization: Organization,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    password: str,
    role: str,
    unit: Unit | None,
    position_title: str,
    user: Any,
) -> Membership:
    """Create a new account and make it a member of the organization in one step."""
    org = _lock(organization)
    require_admin(user, org)
    User = get_user_model()
    username = username.strip()
    _check_unit(org, unit)
    # Case-insensitive: "Somchai" beside "somchai" would be two logins people cannot tell apart.
    if User.objects.filter(username__iexact=username).exists():
        raise _username_error(username)
    account = User(
        username=username, first_name=first_name.strip(), last_name=last_name.strip(), email=email.strip()
    )
    _check_password(password, account)
    account.set_password(password)
    account.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            account.save()
    except IntegrityError as exc:
        # Someone created the same username between the check above and this insert.
        raise _username_error(username) from exc
    membership = Membership(
        user=account, organization=org, role=role, unit=unit, position_title=position_title.strip()
    )
    membership.full_clean()
    membership.save()
    return membership


def _locked_membership(membership: Membership) -> tuple[Organization, Membership]:
    org = _lock(membership.organization)
    return org, Membership.objects.select_for_update().select_related("user").get(
        pk=membership.pk, organization=org
    )


def _last_admin_error() -> ValidationError:
    return ValidationError(
        _(
            "The organization must keep at least one administrator. Make another member an "
            "administrator first."
        ),
        code="last_admin",
    )


@transaction.atomic
def member_update(
    *, membership: Membership, role: str, unit: Unit | None, position_title: str, user: Any
) -> Membership:
    """Change a member's role, unit and position title; the last administrator cannot be demoted."""
    org, membership = _locked_membership(membership)
    require_admin(user, org)
    _check_unit(org, unit)
    if membership.role == Role.ADMIN and role != Role.ADMIN and _admin_count(org) <= 1:
        raise _last_admin_error()
    membership.role, membership.unit, membership.position_title = role, unit, position_title.strip()
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def member_set_password(*, membership: Membership, password: str, user: Any) -> None:
    """Give a member a new password (e.g. a forgotten one); it must pass the password rules."""
    org, membership = _locked_membership(membership)
    require_admin(user, org)
    _managed_here_only(membership)
    account = get_user_model().objects.select_for_update().get(pk=membership.user_id)
    _check_password(password, account)
    account.set_password(password)
    account.save()


@transaction.atomic
def member_remove(*, membership: Membership, user: Any) -> bool:
    """Remove a member from the organization; the last administrator cannot be removed.

    The account is kept (its name stays on what it recorded and in the audit log); if it belongs
    to no organization any more and is not site staff it is deactivated, so it cannot log in.
    Returns whether the account was deactivated.
    """
    org, membership = _locked_membership(membership)
    require_admin(user, org)
    if membership.role == Role.ADMIN and _admin_count(org) <= 1:
        raise _last_admin_error()
    account = membership.user
    membership.delete()
    if account.is_staff or account.is_superuser or Membership.objects.filter(user=account).exists():
        return False
    account.is_active = False
    account.save()
    return True
