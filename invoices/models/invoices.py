"""Factures, factures d'acompte and avoirs.

An issued invoice is immutable: `Invoice.save()` only lets the payment-tracking fields change once the
row was loaded as issued, and `delete()` refuses; corrections go through an avoir.
"""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal

from django.db import models
from django.urls import reverse
from django.utils import timezone

from clients.models import Client, Dossier
from geoprod import limits
from geoprod.models import Cabinet
from invoices import dbguard, totals, vat
from invoices.errors import InvoiceLocked
from invoices.models.common import MONEY, ExemptionMotif, LineBase, VatCaseMixin, VatRegime
from invoices.models.quotes import Quote


class InvoiceKind(models.TextChoices):
    FACTURE = "facture", "Facture"
    ACOMPTE = "acompte", "Facture d'acompte"
    AVOIR = "avoir", "Avoir"


class InvoiceStatus(models.TextChoices):
    DRAFT = "brouillon", "Brouillon"
    ISSUED = "emise", "Émise"
    PARTIALLY_PAID = "partiellement_payee", "Partiellement payée"
    PAID = "payee", "Payée"
    CANCELLED = "annulee", "Annulée par avoir"


# An avoir is masculine: its status reads « Émis », not « Émise ».
CREDIT_NOTE_STATUS_LABELS = {
    InvoiceStatus.ISSUED: "Émis",
    InvoiceStatus.PARTIALLY_PAID: "Partiellement soldé",
    InvoiceStatus.PAID: "Soldé",
    InvoiceStatus.CANCELLED: "Annulé",
}


OPEN_STATUSES = (InvoiceStatus.ISSUED, InvoiceStatus.PARTIALLY_PAID)

# What may still change on an issued invoice: its payment tracking, never its content. The database
# triggers (invoices/dbguard.py) protect every other column, so a new column is protected by default.
MUTABLE_AFTER_ISSUE = frozenset({"status", "paid_amount", "credited_amount", "reminder_count", "updated_at"})

# The legal status moves, in one place (the model and the database triggers both read it). A draft is only
# ever issued; after issue the status follows payments and avoirs, and goes back only when a règlement is
# reversed. Nothing returns to draft.
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    InvoiceStatus.DRAFT: frozenset({InvoiceStatus.ISSUED}),
    InvoiceStatus.ISSUED: frozenset(
        {InvoiceStatus.PARTIALLY_PAID, InvoiceStatus.PAID, InvoiceStatus.CANCELLED}
    ),
    InvoiceStatus.PARTIALLY_PAID: frozenset(
        {InvoiceStatus.ISSUED, InvoiceStatus.PAID, InvoiceStatus.CANCELLED}
    ),
    InvoiceStatus.PAID: frozenset(
        {InvoiceStatus.ISSUED, InvoiceStatus.PARTIALLY_PAID, InvoiceStatus.CANCELLED}
    ),
    InvoiceStatus.CANCELLED: frozenset(),
}


def check_transition(old: str, new: str) -> None:
    """Raises InvoiceLocked unless `old` → `new` is a legal status move (or no move)."""
    if old != new and new not in STATUS_TRANSITIONS.get(old, frozenset()):
        raise InvoiceLocked(
            f"Passage du statut « {InvoiceStatus(old).label} » à « {InvoiceStatus(new).label} » interdit."
        )


def invoice_pdf_path(invoice: Invoice, filename: str) -> str:
    return f"factures/{invoice.cabinet_id}/{invoice.issue_date:%Y}/{filename}"


class InvoiceQuerySet(models.QuerySet):
    """Bulk writes get the database's refusal (triggers) as the same French InvoiceLocked as save()."""

    def update(self, **kwargs):
        with dbguard.as_invoice_locked():
            return super().update(**kwargs)

    def delete(self):
        with dbguard.as_invoice_locked():
            return super().delete()


class Invoice(VatCaseMixin, models.Model):
    cabinet = models.ForeignKey(Cabinet, on_delete=models.CASCADE, related_name="invoices")
    kind = models.CharField("type", max_length=10, choices=InvoiceKind.choices, default=InvoiceKind.FACTURE)
    status = models.CharField(
        "statut", max_length=20, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT
    )
    number = models.CharField("numéro", max_length=35, null=True, blank=True, editable=False)
    client = models.ForeignKey(
        Client, verbose_name="client", on_delete=models.PROTECT, related_name="invoices"
    )
    dossier = models.ForeignKey(
        Dossier,
        verbose_name="dossier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
    )
    quote = models.ForeignKey(
        Quote,
        verbose_name="commande",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
    )
    origin = models.ForeignKey(
        "self",
        verbose_name="facture d'origine",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_notes",
    )
    deducts = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="deducted_by", verbose_name="acomptes déduits"
    )
    objet = models.CharField("objet", max_length=255, blank=True)
    issue_date = models.DateField("date de facture", null=True, blank=True)
    service_date = models.DateField("date de la prestation", null=True, blank=True)
    due_date = models.DateField("date d'échéance", null=True, blank=True)
    payment_terms_days = models.PositiveSmallIntegerField("délai de paiement (jours)", default=30)
    payment_end_of_month = models.BooleanField(
        "fin de mois",
        default=False,
        help_text="Échéance au dernier jour du mois (ex. : 45 jours fin de mois).",
    )
    # Stated at issue, so a relance claims what the invoice announced, whatever the cabinet's rate today.
    late_rate = models.DecimalField(
        "taux annuel de retard (%)", max_digits=5, decimal_places=2, null=True, blank=True, editable=False
    )
    late_rate_text = models.CharField(
        "mention des pénalités de retard", max_length=400, blank=True, editable=False
    )
    vat_regime = models.CharField(
        "type de TVA", max_length=20, choices=VatRegime.choices, default=VatRegime.ENCAISSEMENTS
    )
    exemption_code = models.CharField(
        "motif d'exonération", max_length=20, choices=ExemptionMotif.choices, blank=True
    )
    # The motif's text as printed at issue (older invoices kept their free-text motif here).
    exemption_reason = models.CharField("texte du motif d'exonération", max_length=255, blank=True)
    footer_text = models.TextField("texte bas de facture", blank=True, validators=limits.FOOTER_VALIDATORS)
    numero_engagement = models.CharField("numéro d'engagement", max_length=50, blank=True)
    numero_marche = models.CharField("numéro de marché", max_length=50, blank=True)
    code_service = models.CharField(
        "code service du destinataire",
        max_length=100,
        blank=True,
        help_text="Service exécutant dans Chorus Pro (référence acheteur), si le destinataire en exige un.",
    )
    total_ht = models.DecimalField("total HT", **MONEY)
    total_vat = models.DecimalField("total TVA", **MONEY)
    total_ttc = models.DecimalField("total TTC", **MONEY)
    prepaid_ht = models.DecimalField("acomptes déduits HT", **MONEY)
    prepaid_ttc = models.DecimalField("acomptes déduits TTC", **MONEY)
    net_to_pay = models.DecimalField("net à payer", **MONEY)
    paid_amount = models.DecimalField("montant réglé", **MONEY)
    credited_amount = models.DecimalField("montant des avoirs", **MONEY)
    reminder_count = models.PositiveSmallIntegerField("nombre de relances", default=0)
    pdf = models.FileField("PDF", upload_to=invoice_pdf_path, blank=True, editable=False)
    pdf_sha256 = models.CharField("empreinte SHA-256 du PDF", max_length=64, blank=True, editable=False)
    issued_at = models.DateTimeField("validée le", null=True, blank=True, editable=False)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        verbose_name = "facture"
        ordering = ["-issue_date", "-number", "-id"]
        constraints = [models.UniqueConstraint(fields=["cabinet", "number"], name="unique_invoice_number")]
        indexes = [
            models.Index(fields=["cabinet", "-issue_date", "-id"]),
            models.Index(fields=["cabinet", "status", "-issue_date"]),
            models.Index(fields=["cabinet", "-created_at"]),
            models.Index(fields=["cabinet", "due_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.number or '(brouillon)'}"

    def save(self, *args, **kwargs):
        if self._state.adding and self.status != InvoiceStatus.DRAFT:
            raise InvoiceLocked("Une facture naît brouillon : seule « Valider » l'émet.")
        if getattr(self, "_stored_issued", False):
            update_fields = kwargs.get("update_fields")
            if update_fields is None or not set(update_fields) <= MUTABLE_AFTER_ISSUE:
                raise InvoiceLocked(self.locked_message("plus être modifié", "plus être modifiée"))
        stored = getattr(self, "_stored_status", None)
        if stored is not None:
            check_transition(stored, self.status)
        with dbguard.as_invoice_locked():
            super().save(*args, **kwargs)
        self._stored_issued = self.is_issued
        self._stored_status = self.status

    def get_absolute_url(self) -> str:
        return reverse("invoices:invoice-detail", args=[self.pk])

    def delete(self, *args, **kwargs):
        if self.is_issued or getattr(self, "_stored_issued", False):
            raise InvoiceLocked(self.locked_message("pas être supprimé", "pas être supprimée"))
        with dbguard.as_invoice_locked():
            return super().delete(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # Remember what the database holds, so save() can refuse to rewrite an issued invoice.
        instance._stored_status = instance.__dict__.get("status")
        instance._stored_issued = instance._stored_status not in (None, InvoiceStatus.DRAFT)
        return instance

    # State ---------------------------------------------------------------------------------------
    @property
    def is_issued(self) -> bool:
        return self.status != InvoiceStatus.DRAFT

    @property
    def is_draft(self) -> bool:
        return self.status == InvoiceStatus.DRAFT

    @property
    def is_credit_note(self) -> bool:
        return self.kind == InvoiceKind.AVOIR

    @property
    def is_overdue(self) -> bool:
        return (
            self.status in OPEN_STATUSES
            and self.due_date is not None
            and self.due_date < timezone.localdate()
            and not self.is_credit_note
        )

    @property
    def status_label(self) -> str:
        if self.is_credit_note and self.status in CREDIT_NOTE_STATUS_LABELS:
            return CREDIT_NOTE_STATUS_LABELS[self.status]
        return self.get_status_display()

    def gendered(self, masculine: str, feminine: str) -> str:
        """The word that agrees with the document: an avoir is masculine, a facture feminine."""
        return masculine if self.is_credit_note else feminine

    @property
    def subject(self) -> str:
        return self.gendered(f"L'avoir {self.number}", f"La facture {self.number}")

    @property
    def validated_message(self) -> str:
        return f"{self} a été {self.gendered('validé et numéroté', 'validée et numérotée')}."

    def locked_message(self, masculine: str, feminine: str) -> str:
        """« La facture F-0001 est émise : elle ne peut plus être modifiée », agreed for an avoir."""
        g = self.gendered
        return (
            f"{self.subject} est {g('émis', 'émise')} : {g('il', 'elle')} ne peut {g(masculine, feminine)}."
        )

    @property
    def title(self) -> str:
        """The word the document carries: Facture, Facture d'acompte or Avoir."""
        return InvoiceKind(self.kind).label

    # Amounts -------------------------------------------------------------------------------------
    @property
    def amount_due(self) -> Decimal:
        """What the client still owes: net à payer − règlements − avoirs."""
        if self.is_credit_note or self.is_draft:
            return Decimal("0.00")
        return max(self.net_to_pay - self.paid_amount - self.credited_amount, Decimal("0.00"))

    @property
    def settled_amount(self) -> Decimal:
        return self.paid_amount + self.credited_amount

    def deducted_acomptes(self) -> list[Invoice]:
        """The acomptes a final facture deducts, in issue order (an acompte or an avoir deducts none)."""
        if self.kind != InvoiceKind.FACTURE:
            return []
        return list(self.deducts.order_by("issue_date", "number"))

    @property
    def creditable_amount(self) -> Decimal:
        """TTC that avoirs may still credit on this invoice: what it billed (its net, the acomptes it
        deducts being credited on their own) less the avoirs already issued."""
        return max(self.net_to_pay - self.credited_amount, Decimal("0.00"))

    @property
    def billed_ht(self) -> Decimal:
        """HT this invoice adds to what a commande has been invoiced (acomptes deducted)."""
        return self.total_ht - self.prepaid_ht

    @property
    def is_taxable(self) -> bool:
        return vat.regime(self.vat_regime).taxable

    def vat_lines(self) -> tuple[totals.VatLine, ...]:
        """VAT breakdown per rate (uses prefetched lines when present)."""
        return totals.vat_breakdown((line.total_ht, line.rate) for line in self.lines.all())

    # For electronic transmission (Chorus Pro, Factur-X) ------------------------------------------
    @property
    def payer_siret(self) -> str:
        return self.client.siret

    @property
    def origin_reference(self) -> tuple[str, datetime.date] | None:
        """(number, issue date) of the invoice an avoir credits."""
        if self.origin_id is None:
            return None
        return self.origin.number, self.origin.issue_date

    def pdf_bytes(self) -> bytes:
        """The stored PDF, exactly as issued; refuses a file whose sha256 no longer matches, so an
        altered file can never be sent on (to Chorus Pro or anyone)."""
        with self.pdf.open("rb") as f:
            content = f.read()
        if hashlib.sha256(content).hexdigest() != self.pdf_sha256:
            raise InvoiceLocked(
                f"Le PDF stocké de la facture {self.number} a été altéré (empreinte SHA-256 différente)."
            )
        return content

    def pdf_filename(self) -> str:
        return f"{self.number or 'brouillon-' + str(self.pk)}.pdf".replace("/", "-")


class InvoiceLine(LineBase):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")

    class Meta(LineBase.Meta):
        verbose_name = "ligne de facture"
        verbose_name_plural = "lignes de facture"

    def save(self, *args, **kwargs):
        if Invoice.objects.filter(pk=self.invoice_id).exclude(status=InvoiceStatus.DRAFT).exists():
            raise InvoiceLocked("Les lignes d'une facture émise ne peuvent plus être modifiées.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if Invoice.objects.filter(pk=self.invoice_id).exclude(status=InvoiceStatus.DRAFT).exists():
            raise InvoiceLocked("Les lignes d'une facture émise ne peuvent pas être supprimées.")
        return super().delete(*args, **kwargs)
