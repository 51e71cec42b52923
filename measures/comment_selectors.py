"""Reads of comments, always for a user: the thread of a measure or of one round, and the number
of open comments per measure for the list (one subquery column, no query per measure)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from assessments.access import can_write, is_member

from .comment_services import comment_deletable
from .models import COMMENT_MAX, Measure, MeasureComment, MonitoringRound


def open_comments_count() -> Coalesce:
    """An annotation for a Measure queryset: how many of its comments are not done yet."""
    counted = (
        MeasureComment.objects.filter(measure=OuterRef("pk"), resolved=False)
        .order_by()
        .values("measure")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def comments_for_user(
    user: Any, measure: Measure, round: MonitoringRound | None = None
) -> QuerySet[MeasureComment]:
    """A measure's comments (all of them, or one round's), oldest first so the newest is last."""
    qs = MeasureComment.objects.for_user(user).filter(measure=measure)
    if round is not None:
        qs = qs.filter(round=round)
    return qs.select_related("round", "resolved_by").order_by("created_at", "pk")


@dataclass
class CommentPanel:
    """What ``measures/_comments.html`` shows: the thread with what the user may do on each comment,
    and the add form (``text`` and ``errors`` carry a refused input back)."""

    measure: Measure
    round: MonitoringRound | None
    comments: list[MeasureComment]
    can_comment: bool
    can_resolve: bool
    text: str = ""
    errors: list[str] = field(default_factory=list)
    max_length: int = COMMENT_MAX

    @property
    def scope(self) -> str:
        return "round" if self.round is not None else "measure"

    @property
    def open_count(self) -> int:
        return sum(1 for c in self.comments if not c.resolved)


def comment_panel(
    user: Any,
    measure: Measure,
    round: MonitoringRound | None = None,
    *,
    text: str = "",
    errors: list[str] | None = None,
) -> CommentPanel:
    comments = list(comments_for_user(user, measure, round))
    now = timezone.now()
    for c in comments:
        c.deletable = comment_deletable(c, user, now)
    return CommentPanel(
        measure=measure,
        round=round,
        comments=comments,
        can_comment=is_member(user, measure.organization_id),
        can_resolve=can_write(user, measure.organization_id),
        text=text,
        errors=errors or [],
    )
