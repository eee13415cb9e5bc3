"""E-mails sent from a document: the cabinet's sender and wording, each sending, and the embedded outbox."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from geoprod.models import Cabinet


class EmailSettings(models.Model):
    """Paramètres > E-mails: who the cabinet's messages come from and what they say (blank = the default)."""

    cabinet = models.OneToOneField(Cabinet, on_delete=models.CASCADE, related_name="email_settings")
    sender_name = models.CharField(
        "nom de l'expéditeur",
        max_length=100,
        blank=True,
        help_text="Vide : la raison sociale du cabinet.",
    )
    reply_to = models.EmailField(
        "adresse de réponse", blank=True, help_text="Vide : le mail du cabinet (Paramètres > Cabinet)."
    )
    quote_subject = models.CharField("objet — devis", max_length=200, blank=True)
    quote_body = models.TextField("message — devis", blank=True)
    invoice_subject = models.CharField("objet — facture", max_length=200, blank=True)
    invoice_body = models.TextField("message — facture", blank=True)
    credit_subject = models.CharField("objet — avoir", max_length=200, blank=True)
    credit_body = models.TextField("message — avoir", blank=True)
    reminder_subject = models.CharField("objet — relance", max_length=200, blank=True)
    reminder_body = models.TextField("message — relance", blank=True)

    class Meta:
        verbose_name = "paramètres des e-mails"
        verbose_name_plural = "paramètres des e-mails"

    def __str__(self) -> str:
        return f"E-mails — {self.cabinet}"


class EmailStatus(models.TextChoices):
    PENDING = "attente", "En attente"
    SENDING = "envoi", "En cours d'envoi"
    SENT = "envoye", "Envoyé"
    FAILED = "echec", "Échec d'envoi"


class OutgoingEmail(models.Model):
    """One sending of a document by e-mail, as asked and as it went (never edited by hand)."""

    cabinet = models.ForeignKey(Cabinet, on_delete=models.CASCADE, related_name="outgoing_emails")
    invoice = models.ForeignKey(
        "invoices.Invoice", on_delete=models.PROTECT, null=True, blank=True, related_name="emails"
    )
    quote = models.ForeignKey(
        "invoices.Quote", on_delete=models.PROTECT, null=True, blank=True, related_name="emails"
    )
    reminder = models.ForeignKey(
        "invoices.Reminder", on_delete=models.PROTECT, null=True, blank=True, related_name="emails"
    )
    to = models.JSONField("destinataires", default=list)
    cc = models.JSONField("copie à", default=list, blank=True)
    subject = models.CharField("objet", max_length=200)
    body = models.TextField("message")
    status = models.CharField(
        "statut", max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    error = models.CharField("motif de l'échec", max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_by_name = models.CharField("par", max_length=150, blank=True)
    created_at = models.DateTimeField("demandé le", default=timezone.now)
    claimed_at = models.DateTimeField("pris en charge le", null=True, blank=True)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)

    class Meta:
        verbose_name = "e-mail envoyé"
        verbose_name_plural = "e-mails envoyés"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["cabinet", "status"], name="outgoing_email_status")]

    def __str__(self) -> str:
        return self.subject

    @property
    def recipients_display(self) -> str:
        return ", ".join(self.to)

    @property
    def cc_display(self) -> str:
        return ", ".join(self.cc)

    @property
    def can_retry(self) -> bool:
        return self.status == EmailStatus.FAILED

    @property
    def is_failed(self) -> bool:
        return self.status == EmailStatus.FAILED

    @property
    def status_label(self) -> str:
        return self.get_status_display()


class OutboxMessage(models.Model):
    """A message kept by the embedded e-mail backend instead of leaving: the full MIME text, as it would go."""

    cabinet = models.ForeignKey(
        Cabinet, on_delete=models.CASCADE, null=True, blank=True, related_name="outbox_messages"
    )
    email = models.ForeignKey(
        OutgoingEmail, on_delete=models.SET_NULL, null=True, blank=True, related_name="outbox_messages"
    )
    from_email = models.CharField("expéditeur", max_length=300)
    recipients = models.TextField("destinataires")
    subject = models.CharField("objet", max_length=300)
    message = models.BinaryField("message MIME")
    created_at = models.DateTimeField("le", default=timezone.now)

    class Meta:
        verbose_name = "message de la boîte d'envoi"
        verbose_name_plural = "boîte d'envoi"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["cabinet", "-created_at"], name="outbox_cabinet_time")]

    def __str__(self) -> str:
        return self.subject
