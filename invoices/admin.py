"""Platform back-office view of invoicing data: drafts may be edited; issued invoices, their lines,
counters, règlements, relances, the register and the journal are read-only (no add, change or delete)."""

from __future__ import annotations

from django.contrib import admin

from invoices.models import (
    BankLine,
    BankStatement,
    DocumentEvent,
    EcbRate,
    IntegrityCheck,
    Invoice,
    InvoiceLine,
    LedgerEntry,
    Payment,
    PaymentAllocation,
    Quote,
    QuoteLine,
    Reminder,
)


def _editable(invoice: Invoice | None) -> bool:
    """Only a draft changes; an issued invoice is shown read-only (its save would be refused)."""
    return invoice is None or invoice.is_draft


class ReadOnly:
    """Shown, never written from the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnly, admin.ModelAdmin):
    pass


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
    # What only « Valider » and the payment services set: the admin can never make an « Émise » invoice
    # with no number, no PDF or totals that do not follow from its lines.
    readonly_fields = (
        "status",
        "number",
        "issue_date",
        "due_date",
        "total_ht",
        "total_vat",
        "total_ttc",
        "prepaid_ht",
        "prepaid_ttc",
        "net_to_pay",
        "paid_amount",
        "credited_amount",
        "reminder_count",
        "pdf",
        "pdf_sha256",
        "issued_at",
    )
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


class AllocationInline(ReadOnly, admin.TabularInline):
    model = PaymentAllocation
    extra = 0


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("date", "client", "amount", "mode", "cabinet")
    list_filter = ("mode", "cabinet")
    list_select_related = ("client", "cabinet")
    inlines = [AllocationInline]


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ("invoice", "level", "sent_on", "amount_due", "cabinet")
    list_select_related = ("invoice", "cabinet")


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ("cabinet", "series", "sequence", "number", "issue_date", "chain_hash")
    list_filter = ("cabinet",)
    list_select_related = ("cabinet",)
    search_fields = ("number",)


@admin.register(DocumentEvent)
class DocumentEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "action", "invoice_id", "quote_id", "actor_name", "detail", "cabinet")
    list_filter = ("action", "cabinet")
    list_select_related = ("cabinet",)


@admin.register(IntegrityCheck)
class IntegrityCheckAdmin(ReadOnlyAdmin):
    list_display = ("cabinet", "started_at", "finished_at", "ok", "checked", "total")
    list_select_related = ("cabinet",)


@admin.register(EcbRate)
class EcbRateAdmin(admin.ModelAdmin):
    """Kept by the platform staff: a new ECB decision is one row (public buyers' late interest reads it)."""

    list_display = ("valid_from", "rate")


@admin.register(BankStatement)
class BankStatementAdmin(ReadOnlyAdmin):
    list_display = ("filename", "account", "format", "imported_at", "cabinet")
    list_select_related = ("account", "cabinet")


@admin.register(BankLine)
class BankLineAdmin(ReadOnlyAdmin):
    list_display = ("date", "amount", "label", "status", "confidence", "cabinet")
    list_filter = ("status", "confidence")
    list_select_related = ("cabinet",)
