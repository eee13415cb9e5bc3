"""Règlements (never edited nor deleted, reversed by a counter-entry) and relances."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from clients.models import Client
from geoprod.models import Cabinet
from invoices.errors import InvoiceLocked
from invoices.models.common import MONEY
from invoices.models.invoices import Invoice
from invoices.totals import money_fr


class PaymentMode(models.TextChoices):
    VIREMENT = "virement", "Virement"
    CHEQUE = "cheque", "Chèque"
    ESPECES = "especes", "Espèces"
    PRELEVEMENT = "prelevement", "Prélèvement"
    CARTE = "carte", "Carte bancaire"


class Payment(models.Model):
    """Règlement: recorded once, never edited nor deleted; a mistake is cancelled by a counter-entry."""

    cabinet = models.ForeignKey(Cabinet, on_delete=models.CASCADE, related_name="payments")
    client = models.ForeignKey(
        Client, verbose_name="client", on_delete=models.PROTECT, related_name="payments"
    )
    date = models.DateField("date du règlement", default=timezone.localdate)
    amount = models.DecimalField("montant", max_digits=12, decimal_places=2)
    mode = models.CharField("mode de règlement", max_length=20, choices=PaymentMode.choices)
    reference = models.CharField(
        "référence", max_length=100, blank=True, help_text="N° de chèque, libellé du virement…"
    )
    reversal_of = models.OneToOneField(
        "self",
        verbose_name="contre-passation de",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversal",
    )
    refund_of = models.ForeignKey(
        "self",
        verbose_name="remboursement du trop-perçu de",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="refunds",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="saisi par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "règlement"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"Règlement {self.pk} du {self.date:%d/%m/%Y}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise InvoiceLocked("Un règlement enregistré ne se modifie pas : contre-passez-le.")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("invoices:payment-detail", args=[self.pk])

    @property
    def is_refund(self) -> bool:
        return self.refund_of_id is not None

    @property
    def is_reversed(self) -> bool:
        try:
            return self.reversal is not None
        except Payment.DoesNotExist:
            return False

    @property
    def allocated(self) -> Decimal:
        """What went to invoices (reads prefetched allocations when the selector gave them)."""
        return sum((a.amount for a in self.allocations.all()), Decimal("0.00"))

    @property
    def unallocated(self) -> Decimal:
        """The rest kept on the client's account (acompte reçu / trop-perçu), after allocations and refunds.
        A counter-entry, a refund and a reversed payment keep nothing."""
        if self.reversal_of_id or self.refund_of_id or self.is_reversed:
            return Decimal("0.00")
        refunded = sum((r.amount for r in self.refunds.all()), Decimal("0.00"))
        return self.amount - self.allocated + refunded

    def delete(self, *args, **kwargs):
        raise InvoiceLocked("Un règlement ne se supprime pas : contre-passez-le.")


class PaymentAllocation(models.Model):
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="allocations")
    amount = models.DecimalField("montant affecté", max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = "affectation de règlement"
        verbose_name_plural = "affectations de règlement"

    def __str__(self) -> str:
        return f"{money_fr(self.amount)} → {self.invoice_id}"


class ReminderLevel(models.IntegerChoices):
    COURTESY = 1, "Rappel courtois"
    FIRM = 2, "Relance ferme"
    FORMAL = 3, "Mise en demeure"

    @classmethod
    def after(cls, sent: int) -> ReminderLevel:
        """The tone of the next relance once `sent` were sent: one firmer each time, up to the mise en demeure."""
        return cls(min(sent + 1, cls.FORMAL))


class ReminderChannel(models.TextChoices):
    EMAIL = "email", "par e-mail"
    LETTER = "courrier", "par courrier"


class ReminderDelivery(models.TextChoices):
    """Where a relance stands once written: sent, or waiting for a person (print and post, no address…)."""

    TO_HANDLE = "a_traiter", "À traiter"
    QUEUED = "en_cours", "Envoi en cours"
    SENT = "envoyee", "Envoyée"
    FAILED = "echec", "Échec d'envoi"


def reminder_pdf_path(reminder: Reminder, filename: str) -> str:
    return f"relances/{reminder.cabinet_id}/{filename}"


class Reminder(models.Model):
    """Relance payeur: a letter about one overdue invoice, kept as sent."""

    cabinet = models.ForeignKey(Cabinet, on_delete=models.CASCADE, related_name="reminders")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="reminders")
    level = models.PositiveSmallIntegerField("niveau", choices=ReminderLevel.choices)
    sent_on = models.DateField("date de la relance", default=timezone.localdate)
    amount_due = models.DecimalField("reste dû", max_digits=12, decimal_places=2)
    days_late = models.PositiveIntegerField("jours de retard", default=0)
    penalties = models.DecimalField("pénalités de retard", **MONEY)
    indemnity = models.DecimalField("indemnité forfaitaire", **MONEY)
    pdf = models.FileField("lettre", upload_to=reminder_pdf_path, blank=True)
    # Written by the morning plan (automatic) or by a person (« Relancer payeur »); how it leaves and whether
    # it has left: a letter waits for someone to post it, an e-mail is sent by the outbox.
    automatic = models.BooleanField("automatique", default=False)
    channel = models.CharField("envoi", max_length=10, choices=ReminderChannel.choices, default="courrier")
    delivery = models.CharField(
        "état de l'envoi", max_length=10, choices=ReminderDelivery.choices, default=ReminderDelivery.SENT
    )
    delivery_note = models.CharField("à faire", max_length=255, blank=True)
    handled_at = models.DateTimeField("traitée le", null=True, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "relance"
        ordering = ["-sent_on", "-id"]

    def __str__(self) -> str:
        return f"Relance {self.level} — {self.invoice}"

    @property
    def total(self) -> Decimal:
        return self.amount_due + self.penalties + self.indemnity
