"""Writes to what is reported: progress report versions and their evidence (lock: the measure row)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.access import person_of, require_write
from assessments.services import UNSET

from .. import evidence as evidence_files
from ..models import Evidence, MonitoringRound, ProgressReport
from ._common import _delete_files_later, _measure_locked

URL_MAX = 500

# --------------------------------------------------------------------------- progress reports


#: Autosaves of one user within this time after their version was saved change that version.
AUTOSAVE_WINDOW = timedelta(minutes=10)
REPORT_FIELDS = ("result", "outcome", "suggestion", "percent")


def _report_mergeable(current: ProgressReport | None, user: Any, now) -> bool:
    """May an autosave change ``current`` itself instead of making the next version?"""
    return (
        current is not None
        and not current.locked
        and current.reported_by_id is not None
        and current.reported_by_id == getattr(user, "pk", None)
        and now - current.reported_at <= AUTOSAVE_WINDOW
    )


@transaction.atomic
def progress_report_save(
    *,
    round: MonitoringRound,
    result: str = UNSET,
    outcome: str = UNSET,
    suggestion: str = UNSET,
    percent: int = UNSET,
    autosave: bool = False,
    user: Any,
) -> ProgressReport:
    """Report on a round; returns the current version.

    Only the fields given change: a field not given keeps the current version's value (or the
    empty default before the first report), so two officers saving different fields at once both
    keep theirs (the measure row lock makes the second see the first).

    Versions: the first save makes version 1. A save that changes the content makes the next
    version and keeps the earlier ones (no longer current); the new version starts with the
    previous one's evidence. A save of the same content makes nothing. A locked version (used by a
    memo) is never changed: its correction is a new version like any other change.

    Autosave (``autosave=True``, the inline fields that save themselves as the officer types): one
    field per request would otherwise make a version per pause in typing. So an autosave changes
    the current version itself when that version is the same user's, saved (or last autosaved)
    within ``AUTOSAVE_WINDOW`` (10 minutes), and not locked; otherwise it makes the next version as
    above. A version is therefore one sitting of one person. Its earlier values are not lost: the
    change is saved through the model, so the audit trail records each field's old and new value.
    The explicit "Save report" of the round page (``autosave=False``) always makes a new version.
    """
    require_write(user, round.organization_id)
    measure = _measure_locked(round.measure)
    fresh = MonitoringRound.objects.get(pk=round.pk, measure=measure)
    fresh.measure = measure
    current = ProgressReport.objects.filter(round=fresh, is_current=True).first()
    given = {"result": result, "outcome": outcome, "suggestion": suggestion, "percent": percent}
    given = {name: value for name, value in given.items() if value is not UNSET}
    for name in ("result", "outcome", "suggestion"):
        if name in given:
            given[name] = (given[name] or "").strip()
    base = {name: getattr(current, name) for name in REPORT_FIELDS} if current else {}
    values = {"result": "", "outcome": "", "suggestion": "", "percent": 0, **base, **given}
    now = timezone.now()
    if current is not None and current.content == tuple(values[name] for name in REPORT_FIELDS):
        return current
    if autosave and _report_mergeable(current, user, now):
        for name, value in values.items():
            setattr(current, name, value)
        current.reported_at = now
        current.measure, current.round = measure, fresh  # loaded: the audit label needs no query
        current.full_clean(
            exclude=["organization", "measure", "round", "reported_by"], validate_constraints=False
        )
        current.save(update_fields=[*REPORT_FIELDS, "reported_at"])
        return current
    report = ProgressReport(
        organization_id=measure.organization_id,
        measure=measure,
        round=fresh,
        **values,
        reported_by=person_of(user),
        reported_at=now,
        is_current=True,
    )
    report.version = (ProgressReport.objects.filter(round=fresh).aggregate(v=Max("version"))["v"] or 0) + 1
    report.full_clean(exclude=["organization", "measure", "round", "reported_by"], validate_constraints=False)
    try:
        with transaction.atomic():
            if current is not None:
                current.is_current = False
                current.save(update_fields=["is_current"])
            report.save()
    except IntegrityError as exc:  # a writer that did not take the lock
        raise ValidationError(_("This report was changed at the same time; please save again.")) from exc
    if current is not None:
        for item in current.evidence.all():
            Evidence.objects.create(
                organization_id=item.organization_id,
                report=report,
                file=item.file.name,
                original_name=item.original_name,
                content_type=item.content_type,
                size=item.size,
                url=item.url,
                added_by_id=item.added_by_id,
            )
    return report


@transaction.atomic
def progress_report_lock(*, report: ProgressReport, user: Any) -> ProgressReport:
    """Mark a report version as used by a memo: from now on it is read-only."""
    require_write(user, report.organization_id)
    measure = _measure_locked(report.measure)
    fresh = ProgressReport.objects.get(pk=report.pk, measure=measure)
    if not fresh.locked:
        fresh.locked = True
        fresh.save(update_fields=["locked"])
    return fresh


def _report_writable(report: ProgressReport) -> ProgressReport:
    """Lock the measure and return the report fresh, if evidence may still change on it."""
    measure = _measure_locked(report.measure)
    fresh = ProgressReport.objects.select_related("round").get(pk=report.pk, measure=measure)
    fresh.measure = measure
    if fresh.locked:
        raise ValidationError(
            _("This report is used by a memo and can no longer change; save a new version.")
        )
    if not fresh.is_current:
        raise ValidationError(_("This is an earlier version of the report; add evidence to the current one."))
    return fresh


@transaction.atomic
def evidence_add_file(*, report: ProgressReport, upload: Any, user: Any) -> Evidence:
    """Attach an uploaded file (type sniffed from its content, size-limited) under a generated name.

    The file is stored before the row is saved; should the row fail, the file is removed at once.
    (A rollback of an enclosing transaction later on would leave the stored file without a row:
    harmless, since files are only ever served through their rows.)
    """
    require_write(user, report.organization_id)
    fresh = _report_writable(report)
    name = str(getattr(upload, "name", "") or "")
    size = int(getattr(upload, "size", 0) or 0)
    kind = evidence_files.check_upload(upload, name=name, size=size)
    item = Evidence(
        organization_id=fresh.organization_id,
        report=fresh,
        original_name=name.replace("\\", "/").rsplit("/", 1)[-1][:255],
        content_type=kind.content_type,
        size=size,
        added_by=user,
    )
    item.file.save(f"upload{kind.extension}", upload, save=False)
    try:
        item.full_clean(exclude=["organization", "report", "added_by"], validate_constraints=False)
        item.save()
    except BaseException:
        default_storage.delete(item.file.name)
        raise
    return item


@transaction.atomic
def evidence_add_url(*, report: ProgressReport, url: str, user: Any) -> Evidence:
    """Attach a link (http or https, at most 500 characters)."""
    require_write(user, report.organization_id)
    fresh = _report_writable(report)
    url = (url or "").strip()
    if len(url) > URL_MAX:
        raise ValidationError({"url": _("A link has at most %(limit)s characters.") % {"limit": URL_MAX}})
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError as exc:
        raise ValidationError({"url": _("Enter a link that starts with http:// or https://.")}) from exc
    item = Evidence(organization_id=fresh.organization_id, report=fresh, url=url, added_by=user)
    item.full_clean(exclude=["organization", "report", "added_by"], validate_constraints=False)
    item.save()
    return item


@transaction.atomic
def evidence_delete(*, evidence: Evidence, user: Any) -> None:
    """Remove evidence from the current, unlocked report version (earlier versions keep theirs)."""
    require_write(user, evidence.organization_id)
    _report_writable(evidence.report)
    fresh = Evidence.objects.get(pk=evidence.pk)
    name = fresh.file.name if fresh.file else ""
    fresh.delete()
    _delete_files_later([name])
