"""Supplier invoices the Plateforme Agréée delivers to the cabinet (flows `In` / `SupplierInvoice`), the
cabinet's answers to them (lifecycle statuses 204, 205, 207, 210 it sends as buyer), and where the last
collection stopped. Imported by einvoicing/models.py."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse

from geoprod.models import Cabinet


class ReceivedStatus(models.TextChoices):
    NEW = "recue", "À traiter"
    TAKEN = "prise_en_charge", "Prise en charge"
    APPROVED = "approuvee", "Approuvée"
    REFUSED = "refusee", "Refusée"
    DISPUTED = "en_litige", "En litige"
    UNREADABLE = "illisible", "Illisible"


class ReceivedInvoice(models.Model):
    """One incoming supplier invoice, its data read from the Factur-X, CII or UBL the PA delivered. The file is
    kept as received; an unreadable one is kept too, with `parse_error` saying why (never dropped)."""

    cabinet = models.ForeignKey(Cabinet, on_delete=models.CASCADE, related_name="received_invoices")
    account = models.ForeignKey(
        "einvoicing.PlatformAccount", on_delete=models.PROTECT, related_name="received_invoices"
    )
    flow_id = models.CharField("identifiant du flux", max_length=36)
    flow_syntax = models.CharField("syntaxe", max_length=20, blank=True)
    flow_updated_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField("relevée le", auto_now_add=True)
    supplier_name = models.CharField("fournisseur", max_length=200, blank=True)
    supplier_siren = models.CharField("SIREN du fournisseur", max_length=9, blank=True, db_index=True)
    supplier_vat = models.CharField("n° de TVA du fournisseur", max_length=30, blank=True)
    supplier_address = models.CharField(
        "adresse électronique du fournisseur (BT-34)", max_length=125, blank=True
    )
    buyer_name = models.CharField("acheteur", max_length=200, blank=True)
    buyer_siren = models.CharField("SIREN de l'acheteur", max_length=9, blank=True)
    buyer_address = models.CharField("adresse électronique de l'acheteur (BT-49)", max_length=125, blank=True)
    number = models.CharField("numéro", max_length=100, blank=True)
    type_code = models.CharField("code type (BT-3)", max_length=3, blank=True)
    issue_date = models.DateField("date de facture", null=True, blank=True)
    due_date = models.DateField("échéance", null=True, blank=True)
    currency = models.CharField("devise", max_length=3, default="EUR")
    total_ht = models.DecimalField("total HT", max_digits=14, decimal_places=2, default=Decimal("0"))
    total_vat = models.DecimalField("total TVA", max_digits=14, decimal_places=2, default=Decimal("0"))
    total_ttc = models.DecimalField("total TTC", max_digits=14, decimal_places=2, default=Decimal("0"))
    amount_due = models.DecimalField("net à payer", max_digits=14, decimal_places=2, default=Decimal("0"))
    lines = models.JSONField("lignes", default=list, blank=True)
    vat_breakdown = models.JSONField("ventilation de la TVA", default=list, blank=True)
    original = models.BinaryField("fichier reçu")
    original_name = models.CharField(max_length=255, blank=True)
    original_content_type = models.CharField(max_length=100, blank=True)
    parse_error = models.TextField("erreur de lecture", blank=True)
    status = models.CharField(
        "statut", max_length=20, choices=ReceivedStatus.choices, default=ReceivedStatus.NEW, db_index=True
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "facture reçue"
        verbose_name_plural = "factures reçues"
        ordering = ["-issue_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "flow_id"], name="received_invoice_flow_once"),
        ]
        indexes = [models.Index(fields=["cabinet", "issue_date"], name="received_cabinet_date")]

    def __str__(self) -> str:
        return f"{self.number or self.flow_id} — {self.supplier_name or 'fournisseur inconnu'}"

    def get_absolute_url(self) -> str:
        return reverse("einvoicing:received-detail", args=[self.pk])

    @property
    def is_credit_note(self) -> bool:
        return self.type_code in ("381", "261", "262", "396", "502", "503")

    @property
    def type_label(self) -> str:
        return "Avoir" if self.is_credit_note else "Facture"

    @property
    def title(self) -> str:
        return "Avoir reçu" if self.is_credit_note else "Facture reçue"

    @property
    def is_pdf(self) -> bool:
        return self.original_content_type == "application/pdf"


class ReceivedAnswer(models.Model):
    """One answer of the cabinet (a lifecycle status it sent as buyer), in the order given."""

    received = models.ForeignKey(ReceivedInvoice, on_delete=models.CASCADE, related_name="answers")
    code = models.PositiveSmallIntegerField("code du statut")
    status = models.CharField("statut", max_length=20, choices=ReceivedStatus.choices)
    reason_code = models.CharField("motif", max_length=30, blank=True)
    action_code = models.CharField("action attendue", max_length=3, blank=True)
    comment = models.TextField("commentaire", blank=True)
    tracking_id = models.CharField(max_length=36)
    outgoing = models.ForeignKey(  # the lifecycle message sent (lifecycle_out.send_status)
        "einvoicing.OutgoingStatus",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="received_answers",
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "réponse à une facture reçue"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.code} {self.get_status_display()}"


class ReceivingCursor(models.Model):
    """Where the collection of a PA account's incoming invoices stopped (the last flow's updatedAt)."""

    account = models.OneToOneField(
        "einvoicing.PlatformAccount", on_delete=models.CASCADE, related_name="receiving_cursor"
    )
    updated_after = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"Relevé {self.account_id}: {self.updated_after}"
