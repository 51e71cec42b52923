"""Saved column mappings of the ITAS import: write (services) and read (selectors) in one small module.

A mapping is kept by header text (``header_key``), not by letter, so a file whose columns moved still
matches; files "look alike" when their sheets' normalised header texts are the same set (``signature``).
Site staff save site-wide mappings or any organization's; an organization's administrator only their own.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from .importer import ColumnMapping, SheetReading
from .importer.columns import header_key
from .models import ImportMapping, Membership, Organization, Role

IGNORE = "ignore"


# --------------------------------------------------------------------------- pure helpers


def sheet_keys(sheet: SheetReading) -> list[str]:
    """The sheet's non-empty header texts, normalised."""
    return [k for k in (header_key(g.header) for g in sheet.columns) if k]


def signature(keys: Iterable[str]) -> str:
    """Same set of header texts (in any order) -> same signature."""
    return hashlib.sha256("\x1f".join(sorted(set(keys))).encode()).hexdigest()


def sheet_signature(sheet: SheetReading) -> str:
    return signature(sheet_keys(sheet))


def column_mapping(saved: ImportMapping, sheet: SheetReading) -> ColumnMapping:
    """The saved mapping laid on this sheet's letters (by header text)."""
    columns: dict[str, str] = {}
    for guess in sheet.columns:
        field = saved.columns.get(header_key(guess.header))
        if field and field != IGNORE:
            columns[guess.column] = field
    return ColumnMapping(sheet.header_row, columns, saved.kind or None, None)


# --------------------------------------------------------------------------- access


def _is_admin(user: Any, organization: Organization) -> bool:
    return Membership.objects.filter(user=user, organization=organization, role=Role.ADMIN).exists()


def may_manage(user: Any, organization: Organization | None) -> bool:
    """Site staff manage every mapping; an organization's administrator only their organization's."""
    if getattr(user, "is_staff", False):
        return True
    return organization is not None and _is_admin(user, organization)


def require_manage(user: Any, organization: Organization | None) -> None:
    if not may_manage(user, organization):
        raise PermissionDenied


# --------------------------------------------------------------------------- selectors


def mappings_for_user(user: Any) -> QuerySet[ImportMapping]:
    """The mappings a user may see and use: site-wide ones and those of the organizations they
    administer (site staff: all)."""
    if not getattr(user, "is_authenticated", False):
        return ImportMapping.objects.none()
    qs = ImportMapping.objects.select_related("organization")
    if user.is_staff:
        return qs
    ids = Membership.objects.filter(user=user, role=Role.ADMIN).values_list("organization_id", flat=True)
    return qs.filter(Q(organization__isnull=True) | Q(organization_id__in=list(ids)))


def matching_mappings(user: Any, sheet_sig: str) -> list[ImportMapping]:
    """The user's mappings saved for sheets with this signature, newest first."""
    return list(mappings_for_user(user).filter(signature=sheet_sig).order_by("-created_at", "-pk"))


def mapping_by_name(user: Any, name: str) -> ImportMapping:
    """A visible mapping by name (another organization's: 404)."""
    found = mappings_for_user(user).filter(name=name.strip()).order_by("organization_id").first()
    if found is None:
        raise Http404
    return found


# --------------------------------------------------------------------------- services


def _name_taken(name: str) -> ValidationError:
    return ValidationError({"name": _("A mapping named “%(name)s” already exists.") % {"name": name}})


@transaction.atomic
def import_mapping_save(
    *,
    user: Any,
    name: str,
    sheet: SheetReading,
    fields: Mapping[str, str],
    organization: Organization | None,
) -> ImportMapping:
    """Save (or replace, same name and owner) the mapping of ``sheet``: column letter -> field
    ("ignore" or "" for a column not imported); stored by header text."""
    require_manage(user, organization)
    if organization is not None:
        Organization.objects.select_for_update().filter(pk=organization.pk).first()
    name = name.strip()
    letters = {g.column: g for g in sheet.columns}
    columns: dict[str, str] = {}
    for letter, guess in letters.items():
        key = header_key(guess.header)
        if key:
            columns[key] = fields.get(letter) or IGNORE
    existing = ImportMapping.objects.select_for_update().filter(name=name, organization=organization).first()
    mapping = existing or ImportMapping(name=name, organization=organization, created_by=user)
    mapping.signature = sheet_signature(sheet)
    mapping.headers = sheet_keys(sheet)
    mapping.columns = columns
    mapping.kind = sheet.kind or ""
    mapping.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            mapping.save()
    except IntegrityError as exc:
        raise _name_taken(name) from exc
    return mapping


@transaction.atomic
def import_mapping_delete(*, user: Any, pk: int) -> None:
    # of=("self",): the organization is joined (nullable, for site-wide mappings); PostgreSQL locks
    # no row on the nullable side of an outer join, and only the mapping row needs the lock.
    mapping = mappings_for_user(user).select_for_update(of=("self",)).filter(pk=pk).first()
    if mapping is None:
        raise Http404
    require_manage(user, mapping.organization)
    mapping.delete()
