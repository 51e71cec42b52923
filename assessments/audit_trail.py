"""The audit trail page's reading: who may read what, filters, and rows of one page.

Entries (auditlog's ``LogEntry``) and failed logins (axes' ``AccessFailureLog``) are one stream:
``trail_keys`` is a union query of (kind, pk, time), so a page is one slice and its count one COUNT;
``trail_rows`` then loads a page's objects with a fixed number of queries.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from auditlog.models import LogEntry
from axes.models import AccessFailureLog
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db.models import CharField, F, Model, Q, QuerySet, Value
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from . import audit
from . import models as m
from .access import roles_of

LOGIN_KIND = "login"


@dataclass(frozen=True)
class TrailScope:
    """What a user may read: everything (site staff) or their organizations' entries (their admins)."""

    everything: bool
    organization_ids: frozenset[int] = frozenset()


def trail_scope(user: Any) -> TrailScope | None:
    """None: the user may not read the trail (the page answers 403)."""
    if not user.is_authenticated:
        return None
    if user.is_staff:
        return TrailScope(everything=True)
    admin_of = frozenset(org for org, role in roles_of(user).items() if role == m.Role.ADMIN)
    return TrailScope(everything=False, organization_ids=admin_of) if admin_of else None


@dataclass(frozen=True)
class TrailFilter:
    text: str = ""
    person: str = ""
    kind: str = ""  # "<app_label>.<model>" or LOGIN_KIND
    date_from: date | None = None
    date_to: date | None = None
    organization: int | None = None  # site staff only


def trail_kinds(scope: TrailScope) -> list[tuple[str, str]]:
    """(value, label) of the kinds of entries a scope can filter by; failed logins first."""
    models = list(audit.ORGANIZATION_MODELS)
    if scope.everything:
        models += [*audit.FRAMEWORK_MODELS, get_user_model()]
    kinds = sorted(
        ((model._meta.label_lower, capfirst(str(model._meta.verbose_name))) for model in models),
        key=lambda pair: pair[1],
    )
    return [(LOGIN_KIND, _("Failed login")), *kinds]


def _kind_model(kind: str) -> type[Model] | None:
    for model in (*audit.ORGANIZATION_MODELS, *audit.FRAMEWORK_MODELS, get_user_model()):
        if model._meta.label_lower == kind:
            return model
    return None


def _day_bounds(flt: TrailFilter) -> tuple[datetime | None, datetime | None]:
    tz = timezone.get_current_timezone()
    start = datetime.combine(flt.date_from, time.min, tzinfo=tz) if flt.date_from else None
    end = datetime.combine(flt.date_to + timedelta(days=1), time.min, tzinfo=tz) if flt.date_to else None
    return start, end


def _json_text_variants(text: str) -> set[str]:
    """The text as typed and as SQLite's JSON text stores it (non-ASCII escaped as \\uXXXX)."""
    return {text, json.dumps(text)[1:-1]}


def _entries(scope: TrailScope, flt: TrailFilter) -> QuerySet:
    qs = LogEntry.objects.all()
    if not scope.everything:
        qs = qs.filter(additional_data__organization__in=sorted(scope.organization_ids))
    if flt.organization is not None and scope.everything:
        qs = qs.filter(additional_data__organization=flt.organization)
    if flt.kind and (model := _kind_model(flt.kind)) is not None:
        qs = qs.filter(content_type=ContentType.objects.get_for_model(model))
    if flt.text:
        match = Q(object_repr__icontains=flt.text) | Q(additional_data__label__icontains=flt.text)
        for variant in _json_text_variants(flt.text):
            match |= Q(changes__icontains=variant)
        qs = qs.filter(match)
    if flt.person:
        qs = qs.filter(
            Q(actor__username__icontains=flt.person)
            | Q(actor__first_name__icontains=flt.person)
            | Q(actor__last_name__icontains=flt.person)
            | Q(additional_data__source__icontains=flt.person)
        )
    start, end = _day_bounds(flt)
    if start:
        qs = qs.filter(timestamp__gte=start)
    if end:
        qs = qs.filter(timestamp__lt=end)
    return qs


def _member_usernames(organization_ids: Iterable[int]) -> QuerySet:
    return m.Membership.objects.filter(organization_id__in=list(organization_ids)).values("user__username")


def _failures(scope: TrailScope, flt: TrailFilter) -> QuerySet:
    qs = AccessFailureLog.objects.all()
    if not scope.everything:
        qs = qs.filter(username__in=_member_usernames(scope.organization_ids))
    if flt.organization is not None and scope.everything:
        qs = qs.filter(username__in=_member_usernames([flt.organization]))
    if flt.text:
        qs = qs.filter(Q(username__icontains=flt.text) | Q(ip_address__icontains=flt.text))
    if flt.person:
        qs = qs.filter(username__icontains=flt.person)
    start, end = _day_bounds(flt)
    if start:
        qs = qs.filter(attempt_time__gte=start)
    if end:
        qs = qs.filter(attempt_time__lt=end)
    return qs


def trail_keys(scope: TrailScope, flt: TrailFilter) -> QuerySet:
    """(kind, pk, at) of the entries and failed logins the scope and filter select, newest first.

    One union query, so a page is a plain slice (LIMIT/OFFSET) and its count one COUNT.
    """
    keys = []
    if flt.kind != LOGIN_KIND:
        keys.append(
            _entries(scope, flt)
            .annotate(kind=Value("entry", output_field=CharField()), at=F("timestamp"))
            .values_list("kind", "pk", "at")
            .order_by()
        )
    if not flt.kind or flt.kind == LOGIN_KIND:
        keys.append(
            _failures(scope, flt)
            .annotate(kind=Value(LOGIN_KIND, output_field=CharField()), at=F("attempt_time"))
            .values_list("kind", "pk", "at")
            .order_by()
        )
    qs = keys[0].union(*keys[1:], all=True) if len(keys) > 1 else keys[0]
    return qs.order_by("-at", "-pk")


@dataclass(frozen=True)
class TrailRow:
    when: datetime
    who: str
    organization: str
    kind: str
    what: str
    action: str  # "created" | "changed" | "deleted" | "login_failed" | "locked_out"
    action_label: str
    changes: list[audit.FieldChange] = field(default_factory=list)
    address: str = ""


def _fk_labels(entries: list[LogEntry]) -> dict[tuple[type[Model], str], str]:
    """Names of the objects foreign-key changes point at: one query per related model on the page."""
    wanted: dict[type[Model], set[str]] = defaultdict(set)
    for entry in entries:
        model = audit.entry_model(entry)
        if model is None or not isinstance(entry.changes, dict):
            continue
        for name, pair in entry.changes.items():
            try:
                fld = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if fld.is_relation and fld.many_to_one and isinstance(pair, list | tuple):
                wanted[fld.related_model].update(str(v) for v in pair if v not in (None, "None", ""))
    labels = {}
    for related, pks in wanted.items():
        valid = [pk for pk in pks if pk.isdigit()]
        for obj in related._base_manager.filter(pk__in=valid).select_related():
            labels[(related, str(obj.pk))] = str(obj)
    return labels


def trail_rows(keys: Iterable[tuple[str, int, datetime]]) -> list[TrailRow]:
    """The rows of a page of ``trail_keys``: a fixed number of queries whatever the page holds."""
    keys = list(keys)
    entry_ids = [pk for kind, pk, _at in keys if kind == "entry"]
    failure_ids = [pk for kind, pk, _at in keys if kind == LOGIN_KIND]
    entries = LogEntry.objects.filter(pk__in=entry_ids).select_related("actor") if entry_ids else []
    entries = {e.pk: e for e in entries}
    failures = AccessFailureLog.objects.in_bulk(failure_ids) if failure_ids else {}
    assessment_ids = {audit.entry_data(e).get("assessment") for e in entries.values()} - {None}
    years = (
        dict(m.Assessment.objects.filter(pk__in=assessment_ids).values_list("pk", "fiscal_year"))
        if assessment_ids
        else {}
    )
    org_ids = {audit.entry_data(e).get("organization") for e in entries.values()} - {None}
    org_names = (
        dict(m.Organization.objects.filter(pk__in=org_ids).values_list("pk", "name")) if org_ids else {}
    )
    fk_labels = _fk_labels(list(entries.values()))
    usernames = {f.username for f in failures.values()} - {None}
    orgs_of: dict[str, list[str]] = defaultdict(list)
    if usernames:
        memberships = m.Membership.objects.filter(user__username__in=usernames).order_by("organization__name")
        for username, name in memberships.values_list("user__username", "organization__name"):
            orgs_of[username].append(name)
    rows = []
    for kind, pk, _at in keys:
        if kind == LOGIN_KIND and pk in failures:
            failure = failures[pk]
            rows.append(_failure_row(failure, ", ".join(orgs_of.get(failure.username or "", []))))
        elif kind == "entry" and pk in entries:
            rows.append(_entry_row(entries[pk], org_names, fk_labels, years))
    return rows


def _entry_row(entry: LogEntry, org_names: dict, fk_labels: dict, years: dict) -> TrailRow:
    model = audit.entry_model(entry)
    action, action_label = audit.entry_action(entry, model)
    what = entry.object_repr if model is m.Assessment else audit.entry_label(entry, model, {})
    if model in audit.SCORE_MODELS and (year := years.get(audit.entry_data(entry).get("assessment"))):
        what = f"{what} · ITA {year}"
    return TrailRow(
        when=entry.timestamp,
        who=audit.entry_who(entry),
        organization=org_names.get(audit.entry_data(entry).get("organization"), ""),
        kind=capfirst(str(model._meta.verbose_name)) if model else "",
        what=what,
        action=action,
        action_label=action_label,
        changes=audit.entry_changes(entry, model, fk_labels=fk_labels),
        address=entry.remote_addr or "",
    )


def _failure_row(failure: AccessFailureLog, organizations: str) -> TrailRow:
    locked = failure.locked_out
    return TrailRow(
        when=failure.attempt_time,
        who=failure.username or "",
        organization=organizations,
        kind=_("Failed login"),
        what=failure.path_info,  # which login page: /accounts/login/ or /admin/login/
        action="locked_out" if locked else "login_failed",
        action_label=_("wrong password; locked out") if locked else _("wrong password"),
        address=failure.ip_address or "",
    )
