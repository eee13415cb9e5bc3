"""Relances automatiques: a cabinet's reminder plan (which tone, how many days after the due date, by which
channel) and the holds that keep a client or an invoice out of it (« litige », « ne pas relancer »)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from geoprod.models import Cabinet
from invoices.models.invoices import Invoice
from invoices.models.payments import ReminderChannel, ReminderLevel


class ReminderPlan(models.Model):
    """Whether a cabinet's overdue invoices are reminded automatically every morning."""

    cabinet = models.OneToOneField(Cabinet, on_delete=models.CASCADE, related_name="reminder_plan")
    enabled = models.BooleanField(
        "relances automatiques",
        default=False,
        help_text="Chaque matin, les factures échues reçoivent l'étape du plan qui leur revient.",
    )

    class Meta:
        verbose_name = "plan de relance"
        verbose_name_plural = "plans de relance"

    def __str__(self) -> str:
        return f"Plan de relance — {self.cabinet}"


class ReminderStep(models.Model):
    """One step of the plan: « J+7 après l'échéance : rappel courtois par e-mail »."""

    plan = models.ForeignKey(ReminderPlan, on_delete=models.CASCADE, related_name="steps")
    level = models.PositiveSmallIntegerField("ton", choices=ReminderLevel.choices)
    days_after_due = models.PositiveSmallIntegerField(
        "jours après l'échéance", validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    channel = models.CharField("envoi", max_length=10, choices=ReminderChannel.choices)

    class Meta:
        verbose_name = "étape de relance"
        verbose_name_plural = "étapes de relance"
        ordering = ["level"]
        constraints = [models.UniqueConstraint(fields=["plan", "level"], name="one_step_per_level")]

    def __str__(self) -> str:
        return f"J+{self.days_after_due} : {self.get_level_display()} ({self.get_channel_display()})"


class HoldReason(models.TextChoices):
    DISPUTE = "litige", "Litige"
    DO_NOT_REMIND = "ne_pas_relancer", "Ne pas relancer"


class ReminderHold(models.Model):
    """Keeps one client, or one invoice, out of the automatic reminders until it is lifted (deleted)."""

    cabinet = models.ForeignKey(Cabinet, on_delete=models.CASCADE, related_name="reminder_holds")
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, null=True, blank=True, related_name="reminder_holds"
    )
    invoice = models.ForeignKey(
        Invoice, on_delete=models.CASCADE, null=True, blank=True, related_name="reminder_holds"
    )
    reason = models.CharField("motif", max_length=20, choices=HoldReason.choices)
    note = models.CharField("précision", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("depuis le", auto_now_add=True)

    class Meta:
        verbose_name = "exclusion des relances"
        verbose_name_plural = "exclusions des relances"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(client__isnull=False, invoice__isnull=True)
                | Q(client__isnull=True, invoice__isnull=False),
                name="hold_on_client_or_invoice",
            ),
            models.UniqueConstraint(fields=["client"], name="one_hold_per_client"),
            models.UniqueConstraint(fields=["invoice"], name="one_hold_per_invoice"),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} — {self.invoice or self.client}"

    def clean(self) -> None:
        if (self.client_id is None) == (self.invoice_id is None):
            raise ValidationError("Une exclusion porte sur un client ou sur une facture.")
