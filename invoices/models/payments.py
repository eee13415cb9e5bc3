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
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "relance"
        ordering = ["-sent_on", "-id"]

    def __str__(self) -> str:
        return f"Relance {self.level} — {self.invoice}"

    @property
    def total(self) -> Decimal:
        return self.amount_due + self.penalties + self.indemnity
