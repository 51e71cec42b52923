"""The only code that writes comments on measures and on rounds' reports (issue 6, item 9: officers
write, executives read and may comment).

Unlike the rest of the measures, a comment is a write every member may make, executives included
(``require_member``); ticking one done is an officer's answer (``require_write``); a comment is taken
back only by its author, shortly after writing it. Each service locks the measure row, as the
progress services do, so a comment and a report of the same measure are written one at a time.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.access import require_member, require_write
from assessments.models import Membership

from .models import COMMENT_MAX, Measure, MeasureComment, MonitoringRound
from .services import _measure_locked

#: How long after writing it the author may still delete a comment (a slip, not a change of mind
#: about what others have already read and answered).
DELETE_WINDOW = timedelta(minutes=15)
#: Fields a comment's validation leaves to the service (set from rows the service has checked).
_CHECKED_BY_SERVICE = ["organization", "measure", "round", "author", "resolved_by"]


def comment_deletable(comment: MeasureComment, user: Any, now: datetime) -> bool:
    """Whether ``user`` may still delete ``comment``: its author, within DELETE_WINDOW, not yet done."""
    return (
        comment.author_id is not None
        and comment.author_id == getattr(user, "pk", None)
        and not comment.resolved
        and now - comment.created_at <= DELETE_WINDOW
    )


def _clean_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the comment first.")})
    if len(text) > COMMENT_MAX:
        raise ValidationError(
            {
                "text": _("A comment has at most %(limit)s characters (this one has %(count)s).")
                % {"limit": COMMENT_MAX, "count": len(text)}
            }
        )
    return text


def _comment_locked(comment: MeasureComment) -> MeasureComment:
    """Lock the comment's measure and return the comment fresh (refused if deleted meanwhile)."""
    measure = _measure_locked(comment.measure)
    fresh = MeasureComment.objects.select_related("round").filter(pk=comment.pk, measure=measure).first()
    if fresh is None:
        raise ValidationError(_("This comment has been deleted."))
    fresh.measure = measure
    return fresh


@transaction.atomic
def comment_add(
    *, measure: Measure, round: MonitoringRound | None = None, text: str, user: Any
) -> MeasureComment:
    """Comment on a measure, or on one of its rounds' report; any member of its organization may.

    The author's name and position title are copied as they are now (Membership.position_title).
    """
    require_member(user, measure.organization_id)
    fresh = _measure_locked(measure)
    round_row = None
    if round is not None:
        round_row = MonitoringRound.objects.filter(pk=round.pk, measure=fresh).first()
        if round_row is None:
            raise ValidationError(_("This round is not one of the measure's rounds."))
        round_row.measure = fresh
    membership = Membership.objects.filter(user=user, organization_id=fresh.organization_id).first()
    comment = MeasureComment(
        organization_id=fresh.organization_id,
        measure=fresh,
        round=round_row,
        author=user,
        author_name=(user.get_full_name() or user.get_username())[:200],
        author_title=membership.position_title if membership else "",
        text=_clean_text(text),
        created_at=timezone.now(),
    )
    comment.full_clean(exclude=_CHECKED_BY_SERVICE, validate_constraints=False)
    comment.save()
    return comment


@transaction.atomic
def comment_resolve(*, comment: MeasureComment, user: Any) -> MeasureComment:
    """Tick a comment done ("ดำเนินการแล้ว"): officers and admins only. Ticking it again changes
    nothing (who and when stay those of the first tick)."""
    require_write(user, comment.organization_id)
    fresh = _comment_locked(comment)
    if not fresh.resolved:
        fresh.resolved = True
        fresh.resolved_by = user
        fresh.resolved_at = timezone.now()
        fresh.full_clean(exclude=_CHECKED_BY_SERVICE, validate_constraints=False)
        fresh.save(update_fields=["resolved", "resolved_by", "resolved_at"])
    return fresh


@transaction.atomic
def comment_delete(*, comment: MeasureComment, user: Any) -> None:
    """Take a comment back: only its author, within DELETE_WINDOW of writing it, while not done."""
    require_member(user, comment.organization_id)
    fresh = _comment_locked(comment)
    if fresh.author_id is None or fresh.author_id != user.pk:
        raise ValidationError(_("Only the person who wrote a comment may delete it."))
    if fresh.resolved:
        raise ValidationError(_("This comment is marked done and can no longer be deleted."))
    if not comment_deletable(fresh, user, timezone.now()):
        raise ValidationError(
            _("A comment can be deleted only within %(minutes)s minutes of writing it.")
            % {"minutes": int(DELETE_WINDOW.total_seconds() // 60)}
        )
    fresh.delete()
