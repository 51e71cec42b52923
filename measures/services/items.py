"""Draft measures for chosen O-items: what the gap-to-target planner's "Create measures for these" calls."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from assessments.access import require_write
from assessments.models import AnswerKind, Assessment, Item
from assessments.services import _assessment_locked

from ..models import Measure
from ..rounds import fiscal_year_months
from .measures import measure_create

#: The monitoring rounds of a measure drafted for an O-item: the 6-month and the annual report.
ITEM_MEASURE_ROUNDS = (6, 12)


@dataclass
class ItemsResult:
    measures: list[Measure] = field(default_factory=list)
    already_planned: list[str] = field(default_factory=list)


@transaction.atomic
def measures_for_items(*, assessment: Assessment, item_codes: Sequence[str], user: Any) -> ItemsResult:
    """One draft measure (status planned) per chosen O-item, in the order given, aimed at that item,
    over the whole fiscal year, checked at 6 and 12 months. An item some measure of the year already
    aims at gets none (``already_planned``), so pressing the button twice creates nothing twice.
    Every measure is created by ``measure_create`` (locks, order numbers, audit records)."""
    require_write(user, assessment.organization_id)
    codes = list(dict.fromkeys(item_codes))
    if not codes:
        raise ValidationError(_("Choose at least one O-item."))
    locked = _assessment_locked(assessment)
    items = {
        item.code: item
        for item in Item.objects.filter(
            framework=locked.framework_id, kind=AnswerKind.DISCLOSURE, code__in=codes
        )
    }
    unknown = [code for code in codes if code not in items]
    if unknown:
        raise ValidationError(
            _("Not an O-item of ITA %(year)s: %(codes)s")
            % {"year": locked.fiscal_year, "codes": ", ".join(unknown)}
        )
    planned = set(
        Measure.objects.filter(assessment=locked, target_items__in=items.values()).values_list(
            "target_items__code", flat=True
        )
    )
    start, end = fiscal_year_months(locked.fiscal_year)
    result = ItemsResult()
    for code in codes:
        if code in planned:
            result.already_planned.append(code)
            continue
        item = items[code]
        result.measures.append(
            measure_create(
                assessment=locked,
                title=_("Disclose %(code)s %(name)s completely on the website")
                % {"code": code, "name": item.name_th[:240]},
                guideline=_(
                    "Check every element the ITA %(year)s criteria require for %(code)s, publish what is "
                    "missing on the organization's website and record the URL."
                )
                % {"year": locked.fiscal_year, "code": code},
                target_items=[item],
                all_units=True,
                start_month=start,
                end_month=end,
                rounds=ITEM_MEASURE_ROUNDS,
                user=user,
            )
        )
    return result
