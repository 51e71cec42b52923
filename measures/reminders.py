"""Reminder e-mails for monitoring rounds (issue 6, item 8): who is told, what the message says, and
the record that keeps a reminder from going twice.

Every open round (no report yet, measure not cancelled) due in exactly N days (``MEASURE_REMINDER_DAYS``,
default 7 and 1) or that became overdue yesterday is named to the people who answer for it:

* the members of the measure's units (any role: a unit's head is often an executive);
* for a measure of "all units", every officer and administrator of the organization;
* the measure's responsible person, while still a member of the organization.

Only active users with an e-mail address; nobody outside the round's organization. Each person gets
one message listing their rounds. For each (person, round, kind, days before, due date) a
``ReminderSent`` row is written in the same transaction as the decision to send, before the message
goes out: a second run (or a second worker at the same moment) meets the unique key and skips that
round; a message that fails to go out rolls its rows back, so the next run tries again.

The rows are in the audit trail; the task marks their entries with its name (no person acts).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments.models import WRITER_ROLES, Membership

from .models import MeasureStatus, MonitoringRound, ProgressReport, ReminderKind, ReminderSent

logger = logging.getLogger(__name__)


def due_label(due: date, today: date) -> str:
    """How far a due date is, the way the pages and e-mails say it: "อีก 3 วัน", "เลยกำหนด 5 วัน"."""
    days = (due - today).days
    if days == 0:
        return _("due today")
    if days > 0:
        return ngettext("in %(days)s day", "in %(days)s days", days) % {"days": days}
    return ngettext("%(days)s day overdue", "%(days)s days overdue", -days) % {"days": -days}


@dataclass(frozen=True)
class Due:
    """One round named in a reminder, and why."""

    round: MonitoringRound
    kind: str
    days_before: int


@dataclass
class Recipient:
    user: Any
    items: list[Due] = field(default_factory=list)


@dataclass
class Summary:
    """What one run did: messages sent, rounds named in them, rounds skipped (already reminded or
    reported meanwhile), messages that failed (their rows rolled back; the next run retries)."""

    day: date
    messages: int = 0
    rounds: int = 0
    skipped: int = 0
    failed: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "day": self.day.isoformat(),
            "messages": self.messages,
            "rounds": self.rounds,
            "skipped": self.skipped,
            "failed": self.failed,
        }


def reminder_days() -> list[int]:
    """``MEASURE_REMINDER_DAYS`` as distinct non-negative days, largest first."""
    return sorted({int(d) for d in settings.MEASURE_REMINDER_DAYS if int(d) >= 0}, reverse=True)


def rounds_to_remind(today: date, days: Iterable[int]) -> list[Due]:
    """Open rounds of every organization due in exactly one of ``days`` days, or due yesterday.

    A system read (the daily job acts for no user); the recipients below keep each organization's
    rounds to its own people.
    """
    reasons: dict[date, tuple[str, int]] = {today + timedelta(days=n): (ReminderKind.BEFORE, n) for n in days}
    reasons[today - timedelta(days=1)] = (ReminderKind.OVERDUE, 0)
    reported = ProgressReport.objects.filter(round=OuterRef("pk"))
    rounds = (
        MonitoringRound.objects.filter(due_date__in=list(reasons))
        .exclude(measure__status=MeasureStatus.CANCELLED)
        .filter(~Exists(reported))
        .select_related("organization", "measure", "measure__assessment")
        .prefetch_related("measure__units")
        .order_by("due_date", "organization_id", "measure__number", "month")
    )
    return [Due(r, *reasons[r.due_date]) for r in rounds]


def recipients(items: list[Due]) -> list[Recipient]:
    """The people each round is named to (module docstring), one entry per person, in user order."""
    org_ids = {d.round.organization_id for d in items}
    members = list(
        Membership.objects.filter(organization_id__in=org_ids, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("user_id")
    )
    by_org: dict[int, list[Membership]] = {}
    for m in members:
        by_org.setdefault(m.organization_id, []).append(m)
    out: dict[int, Recipient] = {}
    for due in items:
        measure = due.round.measure
        unit_ids = {u.pk for u in measure.units.all()}
        for m in by_org.get(due.round.organization_id, []):
            if not m.user.email.strip():
                continue
            if (
                m.unit_id in unit_ids
                or (measure.all_units and m.role in WRITER_ROLES)
                or m.user_id == measure.responsible_id
            ):
                entry = out.setdefault(m.user_id, Recipient(user=m.user))
                if due not in entry.items:  # two memberships of one person in one organization
                    entry.items.append(due)
    return [out[k] for k in sorted(out)]


def pending_reminders(today: date) -> list[Recipient]:
    """What a run for ``today`` would send: the recipients and rounds not reminded yet (reads only)."""
    out = []
    for recipient in recipients(rounds_to_remind(today, reminder_days())):
        sent = set(
            ReminderSent.objects.filter(user=recipient.user).values_list(
                "round_id", "kind", "days_before", "due_date"
            )
        )
        items = [
            d for d in recipient.items if (d.round.pk, d.kind, d.days_before, d.round.due_date) not in sent
        ]
        if items:
            out.append(Recipient(user=recipient.user, items=items))
    return out


def _round_url(round: MonitoringRound) -> str:
    return settings.PORTAL_BASE_URL + reverse("progress:round", kwargs={"round_pk": round.pk})


def compose(user: Any, items: list[Due], today: date) -> EmailMultiAlternatives:
    """One Thai message (plain text and simple HTML) listing a person's rounds, with links."""
    with translation.override(settings.LANGUAGE_CODE):
        rows = [
            {
                "round": d.round,
                "measure": d.round.measure,
                "overdue": d.kind == ReminderKind.OVERDUE,
                "label": due_label(d.round.due_date, today),
                "url": _round_url(d.round),
            }
            for d in items
        ]
        context = {
            "name": user.get_full_name() or user.get_username(),
            "rows": rows,
            "today": today,
            "mine_url": settings.PORTAL_BASE_URL + reverse("progress:mine"),
        }
        subject = ngettext(
            "ITA Portal: %(count)s measure progress report to submit",
            "ITA Portal: %(count)s measure progress reports to submit",
            len(rows),
        ) % {"count": len(rows)}
        text = render_to_string("measures/email/reminder.txt", context)
        html = render_to_string("measures/email/reminder.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[user.email.strip()])
    message.attach_alternative(html, "text/html")
    return message


def _record(user: Any, due: Due) -> bool:
    """Write the row that says this reminder went; False when it already exists (a skip)."""
    row = ReminderSent(
        organization_id=due.round.organization_id,
        user=user,
        round=due.round,
        kind=due.kind,
        days_before=due.days_before,
        due_date=due.round.due_date,
    )
    row.full_clean(exclude=["organization", "user", "round"], validate_constraints=False)
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        return False  # sent before, or by another worker right now: the unique key decides
    return True


def _send_to(recipient: Recipient, today: date, summary: Summary) -> None:
    with transaction.atomic():
        # Decide again inside the transaction: a round reported since the read is no longer due.
        round_ids = [d.round.pk for d in recipient.items]
        reported = set(
            ProgressReport.objects.filter(round_id__in=round_ids).values_list("round_id", flat=True)
        )
        fresh = []
        for due in recipient.items:
            if due.round.pk in reported or not _record(recipient.user, due):
                summary.skipped += 1
            else:
                fresh.append(due)
        if fresh:
            compose(recipient.user, fresh, today).send()
            summary.messages += 1
            summary.rounds += len(fresh)


def send_due_reminders(*, today: date, days: Iterable[int] | None = None) -> Summary:
    """E-mail every responsible person the rounds due in N days or overdue since yesterday, once."""
    summary = Summary(day=today)
    items = rounds_to_remind(today, reminder_days() if days is None else days)
    for recipient in recipients(items):
        try:
            _send_to(recipient, today, summary)
        except Exception:
            # The rows of this message are rolled back: the next run sends it again.
            summary.failed += 1
            logger.exception("Reminder to user %s not sent", recipient.user.pk)
    return summary
