"""The audit trail: which writes django-auditlog records, what each entry carries, and how it is read.

Every model people or commands write is registered with auditlog (one ``LogEntry`` table), with the
per-field old and new values and the actor that ``AuditlogMiddleware`` takes from the request.
Entries of organization-owned data carry, in ``LogEntry.additional_data``, the organization id and,
for an assessment's rows, the assessment id and a label (``{"organization": 3, "assessment": 7,
"indicator": 3, "label": "ตัวชี้วัด 3"}``), so the trail of an organization or an assessment is one
plain query. Writes of management commands have no request, hence no actor: commands wrap their
work in ``command_context(name)``, which marks the entries ``{"source": "manage.py <name>"}``.

This module registers the models (``register()``, from AssessmentsConfig.ready), marks command
writes, notes login throttling state for the login pages, and turns entries into rows people read
(``assessment_history`` for the assessment page). The /audit/ page's queries are in audit_trail.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from auditlog.models import LogEntry
from auditlog.receivers import log_update
from auditlog.registry import auditlog
from axes.helpers import get_cool_off, get_failure_limit
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db.models import BooleanField, DateTimeField, JSONField, Model, QuerySet
from django.db.models.signals import pre_save
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ita_portal import thai

from . import models as m

# --------------------------------------------------------------------------- registration

#: Organization-owned models: their entries carry the organization id.
ORGANIZATION_MODELS = (
    m.Organization,
    m.Unit,
    m.Membership,
    m.Assessment,
    m.IndicatorScore,
    m.QuestionScore,
    m.DisclosureResult,
    m.ImportMapping,
    m.OitReadiness,
)
#: Rows of one assessment: a deletion clears an entered value.
SCORE_MODELS = (m.IndicatorScore, m.QuestionScore, m.DisclosureResult)
FRAMEWORK_MODELS = (
    m.FrameworkVersion,
    m.Tool,
    m.Indicator,
    m.SubIndicator,
    m.ItemGroup,
    m.Item,
    m.ItemElement,
    m.BandScheme,
    m.Band,
    m.AnswerScale,
    m.AnswerOption,
)

#: Fields left out of the trail: derived values (a recompute alone leaves no entry), timestamps that
#: change on every save, the framework file (its checksum is kept), the login time.
EXCLUDED_FIELDS: dict[type[Model], list[str]] = {
    m.Assessment: [
        "computed_total",
        "computed_band",
        "computed_passed",
        "computed_complete",
        "computed_result",
        "updated_at",
    ],
    m.DisclosureResult: ["updated_at"],
    # The URL check's observations are the outside world's answer, refreshed by a task like a
    # recompute: left out of the trail (who set owner, status and data year is in it).
    m.OitReadiness: ["updated_at", "check_outcome", "check_status_code", "check_url", "checked_at"],
    m.FrameworkVersion: ["definition"],
}
USER_EXCLUDED_FIELDS = ["last_login"]
#: Recorded as "changed", never with the value (see mask_secret).
USER_MASKED_FIELDS = ["password"]

#: What the assessment page's history shows of each model (the label says which row it is).
HISTORY_FIELDS: dict[type[Model], tuple[str, ...]] = {
    m.Assessment: (
        "fiscal_year",
        "published_total",
        "published_band",
        "published_tool_scores",
        "published_note",
    ),
    m.IndicatorScore: ("score",),
    m.QuestionScore: ("score",),
    m.DisclosureResult: ("passed", "urls", "note"),
    m.OitReadiness: ("owner_unit", "status", "data_year"),
}

MASKED = "********"


def mask_secret(value: str) -> str:
    """auditlog's mask for passwords: records that the value changed, nothing of the value itself."""
    return "" if value in ("", "None") else MASKED


def _cached(obj: Model, name: str) -> Any:
    """A related object only when it is already loaded: building the entry adds no query.

    (auditlog computes ``object_repr`` with ``str(obj)`` first, and the score models' ``__str__``
    loads the indicator or item, so it is there in practice.)
    """
    fld = obj._meta.get_field(name)
    return fld.get_cached_value(obj) if fld.is_cached(obj) else None


def _site_language_label(text: str, **values: Any) -> str:
    """A label stored with the entry, in the site's language, for searching the trail."""
    with translation.override(settings.LANGUAGE_CODE):
        return _(text) % values


def _organization_data(obj: m.Organization) -> dict:
    return {"organization": obj.pk, "label": obj.name}


def _owned_data(obj: Model) -> dict:
    data: dict[str, Any] = {"organization": obj.organization_id}
    if isinstance(obj, m.Unit | m.ImportMapping):
        data["label"] = obj.name
    elif isinstance(obj, m.Membership) and (user := _cached(obj, "user")) is not None:
        data["label"] = user.get_username()
    return data


def _assessment_data(obj: m.Assessment) -> dict:
    return {"organization": obj.organization_id, "assessment": obj.pk, "label": f"ITA {obj.fiscal_year}"}


def _indicator_score_data(obj: m.IndicatorScore) -> dict:
    data: dict[str, Any] = {"organization": obj.organization_id, "assessment": obj.assessment_id}
    if (indicator := _cached(obj, "indicator")) is not None:
        data["indicator"] = indicator.number
        data["label"] = _site_language_label("Indicator %(number)s", number=indicator.number)
    return data


def _item_row_data(obj: m.QuestionScore | m.DisclosureResult) -> dict:
    data: dict[str, Any] = {"organization": obj.organization_id, "assessment": obj.assessment_id}
    if (item := _cached(obj, "item")) is not None:
        data["item"] = data["label"] = item.code
    return data


def _framework_data(obj: m.FrameworkVersion) -> dict:
    return {"framework": obj.pk}


def _framework_part_data(obj: Model) -> dict:
    framework_id = getattr(obj, "framework_id", None)
    return {"framework": framework_id} if framework_id is not None else {}


ADDITIONAL_DATA = {
    m.Organization: _organization_data,
    m.Unit: _owned_data,
    m.Membership: _owned_data,
    m.ImportMapping: _owned_data,
    m.Assessment: _assessment_data,
    m.IndicatorScore: _indicator_score_data,
    m.QuestionScore: _item_row_data,
    m.DisclosureResult: _item_row_data,
    m.OitReadiness: _item_row_data,
    **{model: _framework_part_data for model in FRAMEWORK_MODELS},
    m.FrameworkVersion: _framework_data,
}


def _untracked_update(sender: type[Model], update_fields: Iterable[str] | None) -> bool:
    """A save of excluded fields only (e.g. the recompute's computed_* or a login's last_login)."""
    if update_fields is None or not auditlog.contains(sender):
        return False
    return set(update_fields) <= set(auditlog.get_model_fields(sender)["exclude_fields"])


def _log_update(sender, instance, update_fields=None, **kwargs) -> None:
    """auditlog's update receiver, minus its read of the old row when nothing tracked is saved."""
    if _untracked_update(sender, update_fields):
        return
    log_update(sender=sender, instance=instance, update_fields=update_fields, **kwargs)


def _register(model: type[Model], **options: Any) -> None:
    auditlog.register(model, **options)
    # Same dispatch uid as auditlog's own receiver, so auditlog.unregister() removes ours too.
    uid = auditlog._dispatch_uid(pre_save, log_update)
    pre_save.disconnect(sender=model, dispatch_uid=uid)
    pre_save.connect(_log_update, sender=model, dispatch_uid=uid, weak=False)


def _reverse_relations(model: type[Model]) -> list[str]:
    """auditlog diffs a created or deleted object over get_fields(), reverse relations included
    (values like "assessments.IndicatorScore.None"): leave them out."""
    return [f.name for f in model._meta.get_fields() if f.auto_created and not f.concrete]


def register() -> None:
    """Register the portal's models with auditlog; called from AssessmentsConfig.ready()."""
    for model in (*ORGANIZATION_MODELS, *FRAMEWORK_MODELS):
        if model in ADDITIONAL_DATA:
            # auditlog calls instance.get_additional_data() if the model has one (LogEntryManager.log_create).
            model.get_additional_data = ADDITIONAL_DATA[model]
        _register(model, exclude_fields=[*EXCLUDED_FIELDS.get(model, []), *_reverse_relations(model)])
    user_model = get_user_model()
    _register(
        user_model,
        exclude_fields=[*USER_EXCLUDED_FIELDS, *_reverse_relations(user_model)],
        mask_fields=list(USER_MASKED_FIELDS),
        mask_callable="assessments.audit.mask_secret",
    )
    pre_save.connect(_mark_source, sender=LogEntry, dispatch_uid="assessments.audit.source")
    user_login_failed.connect(_note_login_failure, dispatch_uid="assessments.audit.login_failed")
    user_locked_out.connect(_note_lockout, dispatch_uid="assessments.audit.locked_out")


# --------------------------------------------------------------------------- commands

_source: ContextVar[str | None] = ContextVar("assessments_audit_source", default=None)


@contextlib.contextmanager
def command_context(name: str) -> Iterator[None]:
    """Mark the entries written inside as ``{"source": "manage.py <name>"}`` (commands have no actor).

    Nests and restores cleanly (a ContextVar token), unlike auditlog's set_extra_data, which also
    replaces additional_data as a whole.
    """
    token = _source.set(f"manage.py {name}")
    try:
        yield
    finally:
        _source.reset(token)


@contextlib.contextmanager
def task_context(name: str) -> Iterator[None]:
    """Mark the entries written inside as ``{"source": "task <name>"}``: a background task has no
    request, hence no actor (like ``command_context`` for management commands)."""
    token = _source.set(f"task {name}")
    try:
        yield
    finally:
        _source.reset(token)


def current_source() -> str | None:
    """The source the entries written now are marked with (a command or a task), for writers that
    create entries themselves (``bulk_create`` fires no signal: ``itas_bulk``)."""
    return _source.get()


def _mark_source(sender, instance: LogEntry, **kwargs) -> None:
    source = _source.get()
    if source and instance._state.adding:
        data = instance.additional_data if isinstance(instance.additional_data, dict) else {}
        instance.additional_data = {**data, "source": source}


# --------------------------------------------------------------------------- login throttling


def _note_login_failure(sender, credentials=None, request=None, **kwargs) -> None:
    """After axes counted the failure (its receiver runs first): attempts left, for the login page."""
    failures = getattr(request, "axes_failures_since_start", None)
    if request is None or failures is None:
        return
    request.login_attempts_remaining = max(get_failure_limit(request, credentials) - failures, 0)


def _note_lockout(sender, request=None, **kwargs) -> None:
    """When the lock ends: each refused attempt restarts the cool-off (AXES_RESET_COOL_OFF_ON_FAILURE...)."""
    cool_off = get_cool_off(request) if request is not None else None
    if cool_off is None:
        return
    started = getattr(request, "axes_attempt_time", None) or timezone.now()
    request.login_retry_at = started + cool_off
    request.login_cooloff_minutes = max(int(cool_off.total_seconds() // 60), 1)


# --------------------------------------------------------------------------- reading entries


@dataclass(frozen=True)
class FieldChange:
    name: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryRow:
    when: datetime
    who: str
    what: str
    action: str  # "created" | "changed" | "deleted"
    action_label: str
    changes: list[FieldChange]


def entry_model(entry: LogEntry) -> type[Model] | None:
    return ContentType.objects.get_for_id(entry.content_type_id).model_class()  # cached per process


def entry_data(entry: LogEntry) -> dict:
    return entry.additional_data if isinstance(entry.additional_data, dict) else {}


def entry_who(entry: LogEntry) -> str:
    if entry.actor is not None:
        return entry.actor.get_full_name() or entry.actor.get_username()
    return entry_data(entry).get("source") or entry.actor_email or _("system")


def entry_action(entry: LogEntry, model: type[Model] | None) -> tuple[str, str]:
    if entry.action == LogEntry.Action.CREATE:
        return "created", pgettext("audit action", "created")
    if entry.action == LogEntry.Action.DELETE:
        if model in SCORE_MODELS:
            return "deleted", pgettext("audit action", "cleared")
        return "deleted", pgettext("audit action", "deleted")
    return "changed", pgettext("audit action", "changed")


def entry_label(entry: LogEntry, model: type[Model] | None, item_names: dict[str, str]) -> str:
    data = entry_data(entry)
    if "indicator" in data:
        return _("Indicator %(number)s") % {"number": data["indicator"]}
    if "item" in data:
        code = str(data["item"])
        return f"{code} {item_names[code]}" if code in item_names else code
    if model is m.Assessment:
        return capfirst(m.Assessment._meta.verbose_name)
    return entry.object_repr


def _display(fld: Any, raw: Any, fk_labels: dict) -> str:
    """One stored value (auditlog keeps strings: "None", "True", JSON text) as people read it."""
    if fld is not None and fld.model is m.DisclosureResult and fld.name == "passed":
        return {"True": _("Passed"), "False": _("Not passed")}.get(str(raw), _("Not decided"))
    if raw is None or raw == "None":
        return ""
    raw = str(raw)
    if fld is None:
        return raw
    if fld.is_relation:
        return fk_labels.get((fld.related_model, raw), f"#{raw}")
    if fld.choices:
        return str(dict(fld.flatchoices).get(raw, raw))
    if isinstance(fld, BooleanField):
        return {"True": _("Yes"), "False": _("No")}.get(raw, raw)
    if isinstance(fld, JSONField):
        try:
            value = json.loads(raw)
        except ValueError:
            return raw
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        if isinstance(value, dict):
            return ", ".join(f"{k} {v}" for k, v in value.items())
        return "" if value is None else str(value)
    if isinstance(fld, DateTimeField):
        try:
            moment = datetime.fromisoformat(raw)
        except ValueError:
            return raw
        if timezone.is_naive(moment):  # auditlog stores date-times as naive UTC
            moment = moment.replace(tzinfo=UTC)
        return thai.format_date(timezone.localtime(moment), "datetime")
    return raw


def _shown_in_trail(model: type[Model] | None, name: str) -> bool:
    """What the trail page leaves out: what its other columns already say (organization; for an
    assessment's rows the assessment, indicator or item and who saved it) and automatic timestamps."""
    if model is None:
        return True
    if name == "organization" and model in ORGANIZATION_MODELS and model is not m.Organization:
        return False
    if model in (*SCORE_MODELS, m.OitReadiness) and name in {"assessment", "indicator", "item", "updated_by"}:
        return False
    try:
        fld = model._meta.get_field(name)
    except FieldDoesNotExist:
        return True
    return not (getattr(fld, "auto_now", False) or getattr(fld, "auto_now_add", False))


def entry_changes(
    entry: LogEntry, model: type[Model] | None, *, only: tuple[str, ...] | None = None, fk_labels=None
) -> list[FieldChange]:
    """Each changed field as (verbose name, old, new); a creation has no old value, a deletion no new one."""
    changes = entry.changes if isinstance(entry.changes, dict) else {}
    masked = (
        set(auditlog.get_model_fields(model)["mask_fields"]) if model and auditlog.contains(model) else set()
    )
    order = {f.name: i for i, f in enumerate(model._meta.fields)} if model else {}
    out: list[tuple[int, FieldChange]] = []
    for name, pair in changes.items():
        row_key = _import_row_key(model, name)
        if row_key is None and (
            name == "id" or (only is not None and name not in only) or not _shown_in_trail(model, name)
        ):
            continue
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            continue  # auditlog's many-to-many form; no registered model has one
        if row_key is not None:
            label, fld = row_key
        else:
            try:
                fld = model._meta.get_field(name) if model else None
            except FieldDoesNotExist:
                fld = None
            label = capfirst(str(fld.verbose_name)) if fld is not None else name
        if name in masked:
            change = FieldChange(label, "", _("changed (the value is not recorded)"))
        else:
            old, new = (_display(fld, v, fk_labels or {}) for v in pair)
            if entry.action == LogEntry.Action.CREATE:
                old = ""
            elif entry.action == LogEntry.Action.DELETE:
                new = ""
            if old == new == "":
                continue
            change = FieldChange(label, old, new)
        out.append((order.get(name, len(order)), change))
    return [change for _i, change in sorted(out, key=lambda pair: pair[0])]


def _import_row_key(model: type[Model] | None, name: str) -> tuple[str, Any] | None:
    """A bulk import's entry (``itas_bulk``: one per agency-year, on the assessment) names the rows it
    changed ``indicator:3``, ``question:i1``, ``item:O12:passed``: their label and model field."""
    if model is not m.Assessment or ":" not in name:
        return None
    kind, _sep, rest = name.partition(":")
    if kind == "indicator":
        return _("Indicator %(number)s") % {"number": rest}, m.IndicatorScore._meta.get_field("score")
    if kind == "question":
        return rest, m.QuestionScore._meta.get_field("score")
    if kind == "item":
        code, _sep, field_name = rest.partition(":")
        try:
            fld = m.DisclosureResult._meta.get_field(field_name)
        except FieldDoesNotExist:
            return None
        return f"{code} {fld.verbose_name}", fld
    return None


def assessment_entries(assessment: m.Assessment) -> QuerySet:
    """Every entry of an assessment: the assessment itself and its entered rows, newest first."""
    return (
        LogEntry.objects.filter(additional_data__assessment=assessment.pk)
        .select_related("actor")
        .order_by("-timestamp", "-pk")
    )


def assessment_history(assessment: m.Assessment, *, limit: int = 50) -> list[HistoryRow]:
    """The assessment page's history panel, newest first: two queries whatever the number of entries."""
    entries = list(assessment_entries(assessment)[:limit])
    codes = {str(entry_data(e)["item"]) for e in entries if "item" in entry_data(e)}
    item_names = (
        dict(
            m.Item.objects.filter(framework=assessment.framework_id, code__in=codes).values_list(
                "code", "name_th"
            )
        )
        if codes
        else {}
    )
    # Owner units of the OIT readiness rows by name (one query, only when such a change is shown).
    unit_ids = {
        str(v)
        for e in entries
        if entry_model(e) is m.OitReadiness and isinstance(e.changes, dict)
        for v in e.changes.get("owner_unit") or ()
        if str(v).isdigit()
    }
    fk_labels = (
        {
            (m.Unit, str(pk)): name
            for pk, name in m.Unit.objects.filter(pk__in=unit_ids).values_list("pk", "name")
        }
        if unit_ids
        else {}
    )
    rows = []
    for entry in entries:
        model = entry_model(entry)
        action, action_label = entry_action(entry, model)
        rows.append(
            HistoryRow(
                when=entry.timestamp,
                who=entry_who(entry),
                what=entry_label(entry, model, item_names),
                action=action,
                action_label=action_label,
                changes=entry_changes(entry, model, only=HISTORY_FIELDS.get(model, ()), fk_labels=fk_labels),
            )
        )
    return rows
