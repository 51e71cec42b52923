"""Reads of memos, always for a user (STYLE.md §2)."""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet

from assessments.models import Organization

from .models import ApprovalChain, Memo, MemoStatus


def inbox(user: Any) -> QuerySet[Memo]:
    """Memos waiting for this user's decision: pending at a step the user holds."""
    return (
        Memo.objects.for_user(user)
        .filter(status=MemoStatus.PENDING, chain__steps__user=user, chain__steps__order=F("current_step"))
        .select_related("organization", "unit")
        .order_by("updated_at")
    )


def memos_for_user(user: Any, organization: Organization, fiscal_year: int | None = None) -> QuerySet[Memo]:
    qs = (
        Memo.objects.for_user(user)
        .filter(organization=organization)
        .select_related("unit", "author", "chain")
    )
    if fiscal_year is not None:
        qs = qs.filter(fiscal_year=fiscal_year)
    return qs.order_by("-created_at")


def chains_for_user(user: Any, organization: Organization) -> QuerySet[ApprovalChain]:
    return (
        ApprovalChain.objects.for_user(user)
        .filter(organization=organization)
        .prefetch_related("steps__user")
        .order_by("name")
    )
