"""Back-office view of invoicing data: read-mostly, since issued documents never change."""

from __future__ import annotations

from django.contrib import admin

from invoices.models import (
    EcbRate,
    Invoice,
    InvoiceLine,
    Payment,
    PaymentAllocation,
    Quote,
    QuoteLine,
    Reminder,
)


def _editable(invoice: Invoice | None) -> bool:
    """Only a draft changes; an issued invoice is shown read-only (its save would be refused)."""
    return invoice is None or invoice.is_draft


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0

    def has_add_permission(self, request, obj=None):
        return _editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return _editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _editable(obj) and super().has_delete_permission(request, obj)


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ("number", "kind", "status", "client", "issue_date", "total_ht", "total_ttc", "cabinet")
    list_filter = ("kind", "status", "cabinet")
    search_fields = ("number", "client__nom", "objet")
    list_select_related = ("client", "cabinet")
    readonly_fields = ("number", "pdf", "pdf_sha256", "issued_at", "paid_amount", "credited_amount")
    inlines = [InvoiceLineInline]

    def has_change_permission(self, request, obj=None):
        return _editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _editable(obj) and super().has_delete_permission(request, obj)


class QuoteLineInline(admin.TabularInline):
    model = QuoteLine
    extra = 0


@admin.register(Quote)
class QuoteAdmin(admin.ModelAdmin):
    list_display = ("number", "status", "client", "date", "total_ht", "cabinet")
    list_filter = ("status", "cabinet")
    inlines = [QuoteLineInline]


class AllocationInline(admin.TabularInline):
    model = PaymentAllocation
    extra = 0
    can_delete = False


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ("date", "client", "amount", "mode", "cabinet")
    list_filter = ("mode", "cabinet")
    inlines = [AllocationInline]

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("invoice", "level", "sent_on", "amount_due", "cabinet")


@admin.register(EcbRate)
class EcbRateAdmin(admin.ModelAdmin):
    """Kept by the platform staff: a new ECB decision is one row (public buyers' late interest reads it)."""

    list_display = ("valid_from", "rate")
