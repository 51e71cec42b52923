"""The measures app's models in the audit trail (see assessments/audit.py for the whole design).

Each entry carries the organization, the assessment and a label people search by ("มาตรการที่ 3",
"มาตรการที่ 3 รอบ 6 เดือน ฉบับที่ 2"), so the assessment's history and the /audit/ page find them
with the same plain queries as the assessment's own rows. Labels are built only from related rows
already loaded (the services load them), so writing an entry adds no query.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from assessments.audit import (  # noqa: F401  (task_context: the measures tasks import it from here)
    _cached,
    _register,
    _reverse_relations,
    _site_language_label,
    task_context,
)

from .models import (
    Evidence,
    Measure,
    MeasureComment,
    MeasureTemplate,
    MonitoringRound,
    ProgressReport,
    ReminderSent,
)

EXCLUDED_FIELDS: dict[type[Model], list[str]] = {Measure: ["updated_at"], MeasureTemplate: ["file_digest"]}
#: Many-to-many changes recorded too (auditlog writes one entry per change of a relation).
M2M_FIELDS: dict[type[Model], set[str]] = {
    Measure: {"target_tools", "target_indicators", "target_items", "units"},
}


def _measure_label(measure: Measure) -> str:
    return _site_language_label("Measure no. %(number)s", number=measure.number)


def _measure_data(obj: Measure) -> dict[str, Any]:
    return {
        "organization": obj.organization_id,
        "assessment": obj.assessment_id,
        "label": _measure_label(obj),
    }


def _from_measure(obj: Model, measure: Measure | None) -> dict[str, Any]:
    data: dict[str, Any] = {"organization": obj.organization_id}
    if measure is not None:
        data["assessment"] = measure.assessment_id
        data["measure"] = measure.pk
        data["label"] = _measure_label(measure)
    return data


def _round_data(obj: MonitoringRound) -> dict[str, Any]:
    measure = _cached(obj, "measure")
    data = _from_measure(obj, measure)
    if measure is not None:
        data["label"] = _site_language_label(
            "Measure no. %(number)s, %(month)s-month round", number=measure.number, month=obj.month
        )
    return data


def _report_data(obj: ProgressReport) -> dict[str, Any]:
    measure = _cached(obj, "measure")
    data = _from_measure(obj, measure)
    round_ = _cached(obj, "round")
    if measure is not None and round_ is not None:
        data["label"] = _site_language_label(
            "Measure no. %(number)s, %(month)s-month round, version %(version)s",
            number=measure.number,
            month=round_.month,
            version=obj.version,
        )
    return data


def _evidence_data(obj: Evidence) -> dict[str, Any]:
    report = _cached(obj, "report")
    measure = _cached(report, "measure") if report is not None else None
    data = _from_measure(obj, measure)
    if report is not None:
        data["report"] = report.pk
    return data


def _template_data(obj: MeasureTemplate) -> dict[str, Any]:
    """Site-wide reference data: no organization, searched by its code."""
    return {"label": obj.code}


def _reminder_data(obj: ReminderSent) -> dict[str, Any]:
    round_ = _cached(obj, "round")
    data = _round_data(round_) if round_ is not None else {"organization": obj.organization_id}
    data["user"] = obj.user_id
    return data


def _comment_data(obj: MeasureComment) -> dict[str, Any]:
    """A comment is found under its measure (and its round, when it is on one round's report)."""
    measure = _cached(obj, "measure")
    data = _from_measure(obj, measure)
    round_ = _cached(obj, "round") if obj.round_id else None
    if round_ is not None:
        data["round"] = round_.pk
        if measure is not None:
            data["label"] = _site_language_label(
                "Measure no. %(number)s, %(month)s-month round", number=measure.number, month=round_.month
            )
    return data


ADDITIONAL_DATA = {
    MeasureTemplate: _template_data,
    Measure: _measure_data,
    MonitoringRound: _round_data,
    ProgressReport: _report_data,
    Evidence: _evidence_data,
    ReminderSent: _reminder_data,
    MeasureComment: _comment_data,
}


def register() -> None:
    """Register the measures models with auditlog; called from MeasuresConfig.ready()."""
    for model, additional in ADDITIONAL_DATA.items():
        model.get_additional_data = additional
        _register(
            model,
            exclude_fields=[*EXCLUDED_FIELDS.get(model, []), *_reverse_relations(model)],
            m2m_fields=M2M_FIELDS.get(model, set()),
        )
