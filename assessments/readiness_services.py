"""Writes of the OIT readiness board: an item's owner unit, status and data year, and the URL check.

As every write of an assessment's rows: the assessment row is locked first, only the fields a
write carries change, the row is validated, and auditlog records the change (``audit.py``). The
URLs live on ``DisclosureResult`` and are saved through ``services.disclosure_result_set``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import url_check
from .access import person_of, require_write
from .models import AnswerKind, Assessment, CheckOutcome, DisclosureResult, Item, OitReadiness, Unit
from .services import ROW_KEYS, UNSET, _assessment_locked


def _check_item(assessment: Assessment, item: Item) -> None:
    if item.framework_id != assessment.framework_id or item.kind != AnswerKind.DISCLOSURE:
        raise ValidationError(_("This item is not a disclosure item of the assessment's framework."))


def _row_locked(assessment: Assessment, item: Item) -> OitReadiness:
    """The item's readiness row (a new unsaved one if none), under the assessment's lock."""
    locked = _assessment_locked(assessment)
    row = OitReadiness.objects.filter(assessment=locked, item=item).first() or OitReadiness(
        organization_id=locked.organization_id, assessment=locked
    )
    row.item = item  # the caller's instance: no query for the audit entry's label
    return row


@transaction.atomic
def readiness_set(
    *,
    assessment: Assessment,
    item: Item,
    owner_unit: Unit | None = UNSET,
    status: str = UNSET,
    data_year: int | None = UNSET,
    user: Any,
) -> OitReadiness:
    """Set what the board carries for one O-item; only the fields given change (None clears)."""
    require_write(user, assessment.organization_id)
    _check_item(assessment, item)
    if owner_unit not in (UNSET, None) and owner_unit.organization_id != assessment.organization_id:
        raise ValidationError({"owner_unit": _("The unit belongs to another organization.")})
    row = _row_locked(assessment, item)
    changes = {"owner_unit": owner_unit, "status": status, "data_year": data_year}
    changes = {name: value for name, value in changes.items() if value is not UNSET}
    if row.pk is None or any(getattr(row, name) != value for name, value in changes.items()):
        for name, value in changes.items():
            setattr(row, name, value)
        row.updated_by = person_of(user)
        row.full_clean(exclude=[*ROW_KEYS, "owner_unit", "updated_by"], validate_constraints=False)
        row.save()
    return row


def urls_check(urls: list[str]) -> url_check.CheckResult | None:
    """Check an item's URLs in turn: the first that fails is the item's result, else the last one.

    Looks the checker's network functions up at call time, so tests replace them (the outside
    world) without touching the rules.
    """
    result = None
    for url in urls:
        result = url_check.check_url(url, resolve=url_check.system_resolve, request=url_check.http_request)
        if not result.ok:
            break
    return result


@transaction.atomic
def readiness_check_record(
    *, assessment: Assessment, item: Item, result: url_check.CheckResult | None
) -> OitReadiness:
    """Store the outcome of a URL check (``None``: the item had no URL). The network work is done
    before, outside the transaction; only the check fields are written."""
    _check_item(assessment, item)
    row = _row_locked(assessment, item)
    row.check_outcome = CheckOutcome.NO_URL if result is None else result.outcome
    row.check_status_code = None if result is None else result.status_code
    row.check_url = "" if result is None else result.final_url[:2000]
    row.checked_at = timezone.now()
    row.full_clean(exclude=[*ROW_KEYS, "owner_unit", "updated_by"], validate_constraints=False)
    if row.pk is None:
        row.save()
    else:
        row.save(update_fields=[*CHECK_FIELDS, "updated_at"])
    return row


CHECK_FIELDS = ["check_outcome", "check_status_code", "check_url", "checked_at"]


def readiness_check_items(*, assessment: Assessment, codes: list[str] | None = None) -> dict[str, str]:
    """Check the URLs of the assessment's O-items (all, or the codes given) and record each outcome.

    Runs in the task worker: each item's check is its own short transaction, so a slow server
    never holds the assessment's lock. Returns {code: outcome}.
    """
    items = Item.objects.filter(framework=assessment.framework_id, kind=AnswerKind.DISCLOSURE).order_by(
        "order"
    )
    if codes is not None:
        items = items.filter(code__in=codes)
    urls = dict(DisclosureResult.objects.filter(assessment=assessment).values_list("item_id", "urls"))
    outcomes = {}
    for item in items:
        result = urls_check(list(urls.get(item.pk) or []))
        row = readiness_check_record(assessment=assessment, item=item, result=result)
        outcomes[item.code] = row.check_outcome
    return outcomes
