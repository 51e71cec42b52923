"""The memos app's models in the audit trail (see assessments/audit.py for the design): each entry
carries the organization and a label people search by (the memo's document number or subject)."""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from assessments.audit import _cached, _register, _reverse_relations

from .models import (
    ApprovalChain,
    ApprovalStep,
    Decision,
    DocumentCounter,
    FrozenAttachment,
    Memo,
    MemoAttachment,
    MemoRevision,
)

#: Left out of the trail: timestamps of every save, and the frozen HTML (its SHA-256 is kept).
EXCLUDED_FIELDS: dict[type[Model], list[str]] = {Memo: ["updated_at"], FrozenAttachment: ["html"]}


def _memo_label(memo: Memo) -> str:
    return memo.document_number or memo.subject[:80]


def _own(obj: Memo) -> dict[str, Any]:
    return {"organization": obj.organization_id, "memo": obj.pk, "label": _memo_label(obj)}


def _of_memo(obj: Model) -> dict[str, Any]:
    data: dict[str, Any] = {"organization": obj.organization_id}
    if isinstance(obj, FrozenAttachment):
        revision = _cached(obj, "revision")
        memo = _cached(revision, "memo") if revision is not None else None
    else:
        memo = _cached(obj, "memo")
    if memo is not None:
        data["memo"] = memo.pk
        data["label"] = _memo_label(memo)
    return data


def _plain(obj: Model) -> dict[str, Any]:
    return {"organization": obj.organization_id, "label": str(obj)}


ADDITIONAL_DATA = {
    ApprovalChain: _plain,
    ApprovalStep: _plain,
    DocumentCounter: _plain,
    Memo: _own,
    MemoAttachment: _of_memo,
    MemoRevision: _of_memo,
    FrozenAttachment: _of_memo,
    Decision: _of_memo,
}


def register() -> None:
    """Register the memos models with auditlog; called from MemosConfig.ready()."""
    for model, additional in ADDITIONAL_DATA.items():
        model.get_additional_data = additional
        _register(model, exclude_fields=[*EXCLUDED_FIELDS.get(model, []), *_reverse_relations(model)])
