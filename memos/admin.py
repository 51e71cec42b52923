"""Django admin of memos for site staff: everything view-only. Numbers, revisions, decisions and the
final PDF are written only by the services (locks, audit, frozen content); chains by the organization
administrator's page."""

from __future__ import annotations

from django.contrib import admin

from assessments.admin import ViewOnlyMixin

from . import models


class ApprovalStepInline(ViewOnlyMixin, admin.TabularInline):
    model = models.ApprovalStep
    extra = 0
    fields = ["order", "position_title", "user"]


@admin.register(models.ApprovalChain)
class ApprovalChainAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = ["name", "organization", "is_active"]
    list_filter = ["organization"]
    inlines = [ApprovalStepInline]


@admin.register(models.ApprovalStep)
class ApprovalStepAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = ["chain", "order", "position_title", "user"]


@admin.register(models.DocumentCounter)
class DocumentCounterAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = ["unit", "fiscal_year", "last_number", "organization"]
    list_filter = ["fiscal_year"]


class DecisionInline(ViewOnlyMixin, admin.TabularInline):
    model = models.Decision
    extra = 0
    fields = ["revision", "step", "approver_name", "approver_position", "kind", "comment", "decided_at"]


@admin.register(models.Memo)
class MemoAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = ["document_number", "subject", "organization", "fiscal_year", "status", "updated_at"]
    list_filter = ["status", "fiscal_year", "organization"]
    search_fields = ["document_number", "subject"]
    inlines = [DecisionInline]


@admin.register(models.MemoAttachment)
class MemoAttachmentAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = ["memo", "kind", "fiscal_year", "round_months", "layout"]


@admin.register(models.MemoRevision)
class MemoRevisionAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = ["memo", "number", "submitted_at", "submitted_by"]


@admin.register(models.FrozenAttachment)
class FrozenAttachmentAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = ["title", "revision", "sha256"]
    exclude = ["html"]


@admin.register(models.Decision)
class DecisionAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = ["memo", "step", "approver_name", "kind", "decided_at"]
    list_filter = ["kind"]
