"""How a measure's facts are written on pages and in documents, per the organization's settings.

The organization chooses Thai digits ("ต.ค. ๖๔ – มี.ค. ๖๕") or Arabic digits ("ต.ค. 64 – มี.ค. 65")
(``Organization.thai_digits``). Every page that shows a period calls ``period_text`` (or, where
there is no measure yet, ``period_for``); the formatting itself is ``ita_portal.thai``'s.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from django.urls import reverse
from django.utils.translation import gettext as _

from assessments.models import Organization
from ita_portal.thai import format_date, format_period

from .models import Measure, MeasureStatus, MonitoringRound

#: Bootstrap badge classes of the statuses (portal.css has no status colours of its own).
STATUS_BADGE = {
    MeasureStatus.PLANNED: "text-bg-secondary",
    MeasureStatus.IN_PROGRESS: "text-bg-primary",
    MeasureStatus.DONE: "text-bg-success",
    MeasureStatus.CANCELLED: "text-bg-light border",
}


def digits_of(organization: Organization) -> str:
    """``"thai"`` or ``"arabic"``: the digit style of the organization's documents."""
    return "thai" if organization.thai_digits else "arabic"


def period_for(organization: Organization, start: date | None, end: date | None) -> str:
    """A period in the organization's digits; one month alone if only one end is known, else ""."""
    digits = digits_of(organization)
    if start and end:
        return format_period(start, end, digits=digits)
    day = start or end
    return format_date(day, "month", digits=digits) if day else ""


def period_text(measure: Measure) -> str:
    """The measure's period as its organization writes it: "ต.ค. ๖๔ – มี.ค. ๖๕" or "ต.ค. 64 – มี.ค. 65".

    The organization is the measure's own (``measure.organization``); callers that list many
    measures should ``select_related("organization")`` so this adds no query per measure.
    """
    return period_for(measure.organization, measure.start_month, measure.end_month)


# --------------------------------------------------------------------------- rows of the list


@dataclass(frozen=True)
class RoundBadge:
    """A round as the list shows it. Its text, title, colour and link are worked out here rather than
    in the template: a year of 300 measures × 4 rounds renders 1,200 badges, and template tags cost
    about twenty times a Python call each."""

    pk: int
    month: int
    due_date: date
    reported: bool
    overdue: bool

    @property
    def css(self) -> str:
        if self.reported:
            return "text-bg-success"
        return "text-bg-danger" if self.overdue else "text-bg-light border"

    @property
    def text(self) -> str:
        name = _("%(month)s mo.") % {"month": self.month}
        if self.reported:
            return f"{name} ✓"
        due = format_date(self.due_date, "short")
        return f"{name} · {_('overdue')} {due}" if self.overdue else f"{name} · {due}"

    @property
    def title(self) -> str:
        state = _("Reported") if self.reported else _("Overdue") if self.overdue else _("Due date")
        return f"{state} · {_('Open the progress report')}"

    @cached_property
    def url(self) -> str:  # read twice by the badge (href and hx-get)
        return reverse("progress:round", args=[self.pk])


@dataclass
class MeasureRow:
    measure: Measure
    rounds: list[RoundBadge]
    period: str
    responsible_text: str

    @property
    def overdue(self) -> bool:
        return any(r.overdue for r in self.rounds)

    @property
    def status_badge(self) -> str:
        return STATUS_BADGE.get(self.measure.status, "text-bg-secondary")


def round_badge(round: MonitoringRound, reported: bool, today: date) -> RoundBadge:
    """A round as the list shows it: reported, overdue (due date passed, no report) or due."""
    overdue = not reported and round.due_date < today and round.measure.status != MeasureStatus.CANCELLED
    return RoundBadge(round.pk, round.month, round.due_date, reported, overdue)


def responsible_text(measure: Measure) -> str:
    parts = [_("All units")] if measure.all_units else [u.name for u in measure.units.all()]
    if measure.other_parties:
        parts.append(measure.other_parties)
    return ", ".join(parts)


def measure_row(measure: Measure, rounds: Iterable[MonitoringRound], today: date) -> MeasureRow:
    """One row of the list; ``rounds`` carry ``current_reports`` (``selectors.current_reports``)."""
    badges = []
    for r in rounds:
        r.measure = measure  # loaded already: no query for the status
        badges.append(round_badge(r, bool(r.current_reports), today))
    return MeasureRow(measure, badges, period_text(measure), responsible_text(measure))
