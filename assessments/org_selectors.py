"""Reads of the organization pages, always for a user (outside their organizations: nothing)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from .models import Membership, Organization, Unit


def memberships_of(user: Any) -> list[Membership]:
    """The user's own memberships (organization and role), by organization name."""
    memberships = Membership.objects.for_user(user).filter(user=user).select_related("organization")
    return list(memberships.order_by("organization__name"))


def units_for_user(user: Any, organization: Organization) -> QuerySet[Unit]:
    return (
        Unit.objects.for_user(user)
        .filter(organization=organization)
        .annotate(member_count=Count("memberships"))
        .order_by("order", "name")
    )


def members_for_user(user: Any, organization: Organization) -> QuerySet[Membership]:
    return (
        Membership.objects.for_user(user)
        .filter(organization=organization)
        .select_related("user", "unit")
        .order_by("user__first_name", "user__last_name", "user__username")
    )
