"""Django admin of measures for site staff. Measures may be corrected here (their text, period,
status); numbering, targets and rounds go through the portal's services. Rounds, reports and
evidence are view-only: reports are versioned and evidence files are checked by the services.
Measure templates are edited here by site staff, checked by the library file's rules, and exported
back to the file's format (an action)."""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from assessments.admin import ViewOnlyMixin

from . import models, template_library
from .template_file import UNIT_KINDS, TemplateFileError, templates_to_json


class MonitoringRoundInline(ViewOnlyMixin, admin.TabularInline):
    model = models.MonitoringRound
    extra = 0
    fields = ["month", "due_date"]


@admin.register(models.Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "organization", "assessment", "status", "updated_at"]
    list_display_links = ["number", "title"]
    list_filter = ["status", "assessment__fiscal_year", "organization"]
    search_fields = ["title", "guideline", "template_code"]
    readonly_fields = [
        "organization",
        "assessment",
        "number",
        "target_tools",
        "target_indicators",
        "target_items",
        "units",
        "rounds",
        "template_code",
        "created_by",
        "created_at",
        "updated_at",
    ]
    raw_id_fields = ["responsible"]
    inlines = [MonitoringRoundInline]

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # numbers are allocated under a lock by services.measure_create

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # services.measure_delete refuses a measure a memo has used


@admin.register(models.MonitoringRound)
class MonitoringRoundAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = ["measure", "month", "due_date", "organization"]
    list_filter = ["month"]


class EvidenceInline(ViewOnlyMixin, admin.TabularInline):
    model = models.Evidence
    extra = 0
    fields = ["original_name", "content_type", "size", "url", "added_at"]


@admin.register(models.ProgressReport)
class ProgressReportAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = ["measure", "round", "version", "percent", "is_current", "locked", "reported_at"]
    list_filter = ["is_current", "locked"]
    inlines = [EvidenceInline]


@admin.register(models.Evidence)
class EvidenceAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = ["report", "original_name", "content_type", "size", "url", "added_at"]


# --------------------------------------------------------------------------- template library


def _lines(value: list) -> str:
    return "\n".join(str(v) for v in value)


def _split(text: str, *, commas: bool = False) -> list[str]:
    parts = text.replace(",", "\n").splitlines() if commas else text.splitlines()
    return [p.strip() for p in parts if p.strip()]


class MeasureTemplateForm(forms.ModelForm):
    """Lists as plain text (one per line, or separated by commas) and choices as checkboxes; the
    checks are those of the library file (``template_library.check_template``), run by the service."""

    tools_text = forms.CharField(
        label=_("target tools"), required=False, help_text=_("IIT, EIT or OIT, separated by commas.")
    )
    indicators_text = forms.CharField(
        label=_("target indicators"),
        required=False,
        help_text=_("Indicator numbers 1–10, separated by commas."),
    )
    concepts_text = forms.CharField(
        label=_("target item concepts"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One concept key per line, as in the framework files (e.g. no_gift_policy_declaration)."),
    )
    steps_text = forms.CharField(
        label=_("steps"), widget=forms.Textarea(attrs={"rows": 6}), help_text=_("One step per line.")
    )
    unit_kinds_choice = forms.MultipleChoiceField(
        label=_("kinds of responsible unit"),
        choices=[(k, v) for k, v in UNIT_KINDS.items()],
        widget=forms.CheckboxSelectMultiple,
    )
    rounds_choice = forms.TypedMultipleChoiceField(
        label=_("monitoring rounds"),
        choices=models.RoundMonth.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = models.MeasureTemplate
        fields = ["code", "title_th", "guideline_th", "outcome_th", "active", "order"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        t = self.instance
        if t.pk is not None:
            self.initial.update(
                tools_text=", ".join(t.tools),
                indicators_text=", ".join(map(str, t.indicators)),
                concepts_text=_lines(t.concepts),
                steps_text=_lines(t.steps_th),
                unit_kinds_choice=list(t.unit_kinds),
                rounds_choice=list(t.rounds),
            )

    def clean(self) -> dict:
        data = super().clean()
        t = self.instance
        t.tools = _split(data.get("tools_text", ""), commas=True)
        indicators = _split(data.get("indicators_text", ""), commas=True)
        t.indicators = [int(v) if v.isdigit() else v for v in indicators]
        t.concepts = _split(data.get("concepts_text", ""), commas=True)
        t.steps_th = _split(data.get("steps_text", ""))
        t.unit_kinds = list(data.get("unit_kinds_choice", []))
        t.rounds = list(data.get("rounds_choice", []))
        for name in ("code", "title_th", "guideline_th", "outcome_th", "active"):
            if name in data:
                setattr(t, name, data[name])
        spec = template_library.spec_of(t)
        try:
            template_library.check_template(spec.to_json())
        except TemplateFileError as exc:
            for where, message in exc.problems:
                self.add_error(_FIELD_OF.get(where.split(".")[-1].split("[")[0], None), f"{where}: {message}")
        return data


#: The form field that shows a problem found at a place of the file layout.
_FIELD_OF = {
    "code": "code",
    "title_th": "title_th",
    "guideline_th": "guideline_th",
    "outcome_th": "outcome_th",
    "tools": "tools_text",
    "indicators": "indicators_text",
    "concepts": "concepts_text",
    "steps_th": "steps_text",
    "unit_kinds": "unit_kinds_choice",
    "rounds": "rounds_choice",
}


@admin.action(description=_("Export the selected templates as a library file (JSON)"))
def export_templates(modeladmin, request, queryset) -> HttpResponse:
    rows = queryset.order_by("order", "code")
    data = templates_to_json(
        [template_library.spec_of(row) for row in rows], template_library.shipped_notes()
    )
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2) + "\n", content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="measure_templates.json"'
    return response


@admin.register(models.MeasureTemplate)
class MeasureTemplateAdmin(admin.ModelAdmin):
    form = MeasureTemplateForm
    list_display = ["order", "code", "title_th", "active"]
    list_display_links = ["code", "title_th"]
    list_filter = ["active"]
    search_fields = ["code", "title_th", "guideline_th"]
    actions = [export_templates]
    fieldsets = [
        (None, {"fields": ["code", "title_th", "active", "order"]}),
        (_("Targets"), {"fields": ["tools_text", "indicators_text", "concepts_text"]}),
        (
            None,
            {"fields": ["guideline_th", "steps_text", "unit_kinds_choice", "rounds_choice", "outcome_th"]},
        ),
    ]

    def save_model(self, request, obj, form, change) -> None:
        template_library.measure_template_save(template=obj, user=request.user)


@admin.register(models.ReminderSent)
class ReminderSentAdmin(ViewOnlyMixin, admin.ModelAdmin):
    """Which reminder went to whom: written only by the reminder task (never twice)."""

    list_display = ["sent_at", "user", "round", "kind", "days_before", "due_date", "organization"]
    list_filter = ["kind", "days_before"]
    list_select_related = ["user", "round", "organization"]
    search_fields = ["user__username", "user__email"]


@admin.register(models.DailyJobRun)
class DailyJobRunAdmin(ViewOnlyMixin, admin.ModelAdmin):
    """The days the scheduler enqueued the daily jobs (to run a day again: manage.py enqueue_daily_jobs)."""

    list_display = ["day", "enqueued_at", "source"]


@admin.register(models.MeasureComment)
class MeasureCommentAdmin(ViewOnlyMixin, admin.ModelAdmin):
    """View-only: comments are written, ticked done and deleted through measures.comment_services."""

    list_display = ["measure", "round", "author_name", "author_title", "created_at", "resolved"]
    list_filter = ["resolved"]
    search_fields = ["text", "author_name"]
