"""Who may see and change what: the one place that answers it (STYLE.md §3).

Everything an organization owns is fetched through ``get_for_user``: another organization's data
answers 404 (its existence is not revealed), a member whose role may not write answers 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.shortcuts import get_object_or_404

from .models import WRITER_ROLES, Membership, Organization, Role

_ROLES_CACHE = "_ita_roles"


@dataclass(frozen=True)
class SystemActor:
    """The writer when a management command writes (e.g. ``import_measures``): no person, an officer's
    rights in one organization only. Services record no person for it (``person_of``); the audit
    entries carry the command's name (``assessments.audit.command_context``).

    ``person``: the site staff member on whose behalf an importer writes into an organization they
    are not a member of (``assessments.itas_import``); stored as "created by", never given rights."""

    organization_id: int
    is_authenticated: bool = True
    person: Any = None


def person_of(user: Any) -> Any:
    """The user to store as "created by"/"reported by": nobody for a system actor (or the staff
    member it acts for)."""
    return user.person if isinstance(user, SystemActor) else user


def roles_of(user: Any) -> dict[int, str]:
    """The user's role in each of their organizations, cached on the user for one request."""
    if isinstance(user, SystemActor):
        return {user.organization_id: Role.OFFICER}
    if not user.is_authenticated:
        return {}
    cached = getattr(user, _ROLES_CACHE, None)
    if cached is None:
        cached = dict(Membership.objects.filter(user=user).values_list("organization_id", "role"))
        setattr(user, _ROLES_CACHE, cached)
    return cached


def can_write(user: Any, organization: Organization | int) -> bool:
    org_id = organization if isinstance(organization, int) else organization.pk
    return roles_of(user).get(org_id) in WRITER_ROLES


def require_write(user: Any, organization: Organization | int) -> None:
    """Services call this too: a write without the right role is refused whoever calls."""
    if not can_write(user, organization):
        raise PermissionDenied


#: Roles that may read an organization's data and comment on it (executives read and may comment).
MEMBER_ROLES = frozenset({Role.OFFICER, Role.EXECUTIVE, Role.ADMIN})


def is_member(user: Any, organization: Organization | int) -> bool:
    org_id = organization if isinstance(organization, int) else organization.pk
    return roles_of(user).get(org_id) in MEMBER_ROLES


def require_member(user: Any, organization: Organization | int) -> None:
    """For writes every member may make (a comment): refused to anyone outside the organization."""
    if not is_member(user, organization):
        raise PermissionDenied


def get_for_user(qs: QuerySet | Any, user: Any, *, write: bool = False, **lookup: Any) -> Model:
    """Fetch one owned object: 404 outside the user's organizations, 403 for a write without rights."""
    obj = get_object_or_404(qs.for_user(user), **lookup)
    if write:
        require_write(user, obj.organization_id if hasattr(obj, "organization_id") else obj.pk)
    return obj
