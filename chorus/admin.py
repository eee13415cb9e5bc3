from django.contrib import admin

from chorus.models import (
    ChorusAccount,
    ChorusAttachment,
    ChorusCorrection,
    ChorusExchange,
    ChorusRefreshRun,
    ChorusStatusChange,
    ChorusSubmission,
    SendBatch,
    SendBatchItem,
)


@admin.register(ChorusAccount)
class ChorusAccountAdmin(admin.ModelAdmin):
    list_display = ["cabinet", "siret_fournisseur", "login", "id_structure", "synced_at"]
    list_select_related = ["cabinet"]
    # The encrypted password is not even shown: it is set from Paramètres only.
    exclude = ["password_encrypted"]
    readonly_fields = [
        "id_structure",
        "structure_designation",
        "services",
        "banks",
        "synced_at",
        "last_error",
    ]


class AttachmentInline(admin.TabularInline):
    model = ChorusAttachment
    extra = 0


class StatusChangeInline(admin.TabularInline):
    model = ChorusStatusChange
    extra = 0


@admin.register(ChorusSubmission)
class ChorusSubmissionAdmin(admin.ModelAdmin):
    list_display = ["invoice", "cabinet", "state", "chorus_status", "identifiant_facture_cpp", "submitted_at"]
    list_filter = ["state", "chorus_status", "cabinet"]
    list_select_related = ["invoice", "cabinet"]
    search_fields = ["invoice__number", "destinataire_siret"]
    inlines = [AttachmentInline, StatusChangeInline]


@admin.register(ChorusExchange)
class ChorusExchangeAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "cabinet",
        "operation",
        "environment",
        "http_status",
        "code_retour",
        "duration_ms",
    ]
    list_filter = ["operation", "environment", "http_status"]
    list_select_related = ["cabinet"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # a journal is read, never edited


@admin.register(ChorusRefreshRun)
class ChorusRefreshRunAdmin(admin.ModelAdmin):
    list_display = ["started_at", "account", "checked", "updated", "api_calls", "succeeded"]
    list_select_related = ["account__cabinet"]


class SendBatchItemInline(admin.TabularInline):
    model = SendBatchItem
    extra = 0
    fields = ["invoice", "submission", "queued", "error", "note"]
    readonly_fields = fields
    can_delete = False


@admin.register(SendBatch)
class SendBatchAdmin(admin.ModelAdmin):
    list_display = ["created_at", "cabinet", "created_by", "submit_when_complete"]
    list_select_related = ["cabinet", "created_by"]
    list_filter = ["cabinet"]
    inlines = [SendBatchItemInline]

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # what was sent is read here, never edited


@admin.register(ChorusCorrection)
class ChorusCorrectionAdmin(admin.ModelAdmin):
    """Read-only: a correction is made by « Corriger la facture rejetée », its avoir is an issued document."""

    list_display = ["submission", "avoir", "draft", "created_at"]
    list_select_related = ["submission__invoice", "avoir", "draft"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
