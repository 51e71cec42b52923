"""The reports app's models in the audit trail (see assessments/audit.py for the whole design)."""

from __future__ import annotations

from typing import Any

from assessments.audit import _register, _reverse_relations, _site_language_label

from .models import AnalysisNarrative


def _narrative_data(obj: AnalysisNarrative) -> dict[str, Any]:
    return {
        "organization": obj.organization_id,
        "assessment": obj.assessment_id,
        "label": _site_language_label("Analysis narrative"),
    }


def register() -> None:
    """Register the reports models with auditlog; called from ReportsConfig.ready()."""
    AnalysisNarrative.get_additional_data = _narrative_data
    _register(AnalysisNarrative, exclude_fields=["updated_at", *_reverse_relations(AnalysisNarrative)])
