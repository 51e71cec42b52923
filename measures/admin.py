"""Django admin of measures for site staff. Measures may be corrected here (their text, period,
status); numbering, targets and rounds go through the portal's services. Rounds, reports and
evidence are view-only: reports are versioned and evidence files are checked by the services."""

from __future__ import annotations

from django.contrib import admin

from assessments.admin import ViewOnlyMixin

from . import models


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


@admin.register(models.MeasureComment)
class MeasureCommentAdmin(ViewOnlyMixin, admin.ModelAdmin):
    """View-only: comments are written, ticked done and deleted through measures.comment_services."""

    list_display = ["measure", "round", "author_name", "author_title", "created_at", "resolved"]
    list_filter = ["resolved"]
    search_fields = ["text", "author_name"]
