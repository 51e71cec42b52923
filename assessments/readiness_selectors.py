"""Reads of the OIT readiness board: one row per O-item with its URLs, readiness and light."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from .models import (
    AnswerKind,
    Assessment,
    CheckOutcome,
    DisclosureResult,
    Item,
    OitReadiness,
    ReadinessStatus,
    Unit,
)

RED, AMBER, GREEN = "red", "amber", "green"
#: (light, label, what it means) in the order the legend shows them.
LIGHTS = [
    (GREEN, _("Ready"), _("published or checked, with a URL that answered")),
    (AMBER, _("In progress"), _("evidence ready, not yet published, no URL, or the URL not checked yet")),
    (RED, _("Needs action"), _("not started, or the URL check failed")),
]
READY_STATUSES = frozenset({ReadinessStatus.PUBLISHED, ReadinessStatus.CHECKED})


def light_of(status: str, urls: list[str], check_outcome: str) -> str:
    """Red/amber/green of one O-item: a failed check or no start is red; ready needs a URL that answered."""
    if status == ReadinessStatus.NOT_STARTED or check_outcome not in ("", CheckOutcome.OK):
        return RED
    if status in READY_STATUSES and urls and check_outcome == CheckOutcome.OK:
        return GREEN
    return AMBER


def has_it(status: str, urls: list[str]) -> bool:
    """ "มี" in the ITAS form: the item is published (or checked) at a URL."""
    return status in READY_STATUSES and bool(urls)


@dataclass
class BoardRow:
    item: Item
    urls: list[str]
    note: str
    readiness: OitReadiness | None
    status: str
    light: str

    @property
    def urls_text(self) -> str:
        return "\n".join(self.urls)


def units_of(assessment: Assessment) -> list[Unit]:
    return list(Unit.objects.filter(organization=assessment.organization_id).order_by("order", "name"))


def board_row(item: Item, disclosure: DisclosureResult | None, readiness: OitReadiness | None) -> BoardRow:
    urls = list(disclosure.urls) if disclosure else []
    status = readiness.status if readiness else ReadinessStatus.NOT_STARTED
    outcome = readiness.check_outcome if readiness else ""
    return BoardRow(
        item=item,
        urls=urls,
        note=disclosure.note if disclosure else "",
        readiness=readiness,
        status=status,
        light=light_of(status, urls, outcome),
    )


def board_rows(assessment: Assessment) -> list[BoardRow]:
    """Every O-item of the assessment's framework in order; three queries whatever the count."""
    items = (
        Item.objects.filter(framework=assessment.framework_id, kind=AnswerKind.DISCLOSURE)
        .select_related("sub_indicator")
        .order_by("order")
    )
    disclosures = {d.item_id: d for d in DisclosureResult.objects.filter(assessment=assessment)}
    readiness = {
        r.item_id: r for r in OitReadiness.objects.filter(assessment=assessment).select_related("owner_unit")
    }
    return [board_row(item, disclosures.get(item.pk), readiness.get(item.pk)) for item in items]


def board_counts(rows: list[BoardRow]) -> dict[str, Any]:
    lights = Counter(r.light for r in rows)
    statuses = Counter(r.status for r in rows)
    return {
        "total": len(rows),
        "lights": [(light, label, meaning, lights.get(light, 0)) for light, label, meaning in LIGHTS],
        "statuses": [(value, label, statuses.get(value, 0)) for value, label in ReadinessStatus.choices],
    }


def board_filter(
    rows: list[BoardRow], *, light: str = "", status: str = "", unit: str = ""
) -> list[BoardRow]:
    """The rows a filter keeps: by light, by status, by owner unit id ("none": no owner yet)."""
    if light:
        rows = [r for r in rows if r.light == light]
    if status:
        rows = [r for r in rows if r.status == status]
    if unit == "none":
        rows = [r for r in rows if not (r.readiness and r.readiness.owner_unit_id)]
    elif unit.isdigit():
        rows = [r for r in rows if r.readiness and r.readiness.owner_unit_id == int(unit)]
    return rows
