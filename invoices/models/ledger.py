"""The register of issued documents (hash chain), the journal of actions on documents, and the runs of
« Vérifier l'intégrité ». The first two are append-only (model and database triggers)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from geoprod.models import Cabinet
from invoices.errors import InvoiceLocked
from invoices.models.invoices import Invoice
from invoices.models.quotes import Quote


class AppendOnly(models.Model):
    """Written once, never changed nor deleted (the triggers refuse it in the database as well)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise InvoiceLocked("Une écriture du registre ne se modifie pas.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise InvoiceLocked("Une écriture du registre ne se supprime pas.")


class LedgerEntry(AppendOnly):
    """One issued document of a numbering series, chained to the previous one by its hash.

    `invoice` has no database constraint on purpose: a row deleted behind the application's back leaves its
    entry, so the verification can name the missing document.
    """

    cabinet = models.ForeignKey(Cabinet, on_delete=models.PROTECT, related_name="ledger_entries")
    series = models.CharField("série", max_length=60)
    sequence = models.PositiveIntegerField("rang dans la série")
    invoice = models.OneToOneField(
        Invoice, on_delete=models.DO_NOTHING, db_constraint=False, related_name="ledger_entry"
    )
    number = models.CharField("numéro", max_length=35)
    issue_date = models.DateField("date de facture")
    pdf_sha256 = models.CharField("empreinte SHA-256 du PDF", max_length=64)
    xml_sha256 = models.CharField("empreinte SHA-256 du XML Factur-X", max_length=64)
    previous_hash = models.CharField("empreinte de la pièce précédente", max_length=64)
    chain_hash = models.CharField("empreinte chaînée", max_length=64)
    recorded_at = models.DateTimeField("inscrite le", default=timezone.now)

    class Meta:
        verbose_name = "écriture du registre"
        verbose_name_plural = "registre des pièces"
        ordering = ["cabinet", "series", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["cabinet", "series", "sequence"], name="unique_ledger_sequence")
        ]

    def __str__(self) -> str:
        return f"{self.series} #{self.sequence} — {self.number}"


class DocumentAction(models.TextChoices):
    CREATED = "creee", "Créée"
    UPDATED = "modifiee", "Brouillon modifié"
    DELETED = "supprimee", "Brouillon supprimé"
    ISSUED = "validee", "Validée"
    CREDITED = "avoir", "Avoir émis"
    PAYMENT_RECORDED = "reglement", "Règlement enregistré"
    PAYMENT_REVERSED = "reglement_annule", "Règlement annulé (contre-passation)"
    REMINDED = "relance", "Relance"
    REMINDERS_HELD = "relances_suspendues", "Exclue des relances automatiques"
    REMINDERS_RESUMED = "relances_reprises", "Relances automatiques reprises"
    CHORUS_DEPOSITED = "chorus_depot", "Dépôt Chorus Pro"
    CHORUS_ABANDONED = "chorus_abandon", "Envoi Chorus Pro abandonné"
    SENT = "envoyee", "Envoyée (Chorus Pro)"
    ACCEPTED = "acceptee", "Devis accepté"
    REFUSED = "refusee", "Devis refusé"
    INVOICED = "facturee", "Facture créée"
    EMAILED = "email", "Envoyée par e-mail"
    EMAIL_FAILED = "email_echec", "Échec d'envoi par e-mail"
    MORATORY_CLAIM = "interets_moratoires", "Demande d'intérêts moratoires"
    CHORUS_CORRECTED = "chorus_correction", "Correction après rejet Chorus Pro"


class DocumentEvent(AppendOnly):
    """One line of a document's « Historique »: who did what, when. The actor's name is copied so the line
    reads the same after the account is gone; the links carry no database constraint for the same reason."""

    cabinet = models.ForeignKey(Cabinet, on_delete=models.PROTECT, related_name="document_events")
    invoice = models.ForeignKey(
        Invoice,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="events",
    )
    quote = models.ForeignKey(
        Quote, on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True, related_name="events"
    )
    action = models.CharField("action", max_length=20, choices=DocumentAction.choices)
    detail = models.CharField("détail", max_length=255, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField("par", max_length=150, blank=True)
    at = models.DateTimeField("le", default=timezone.now)

    class Meta:
        verbose_name = "événement de pièce"
        verbose_name_plural = "journal des pièces"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["invoice", "at"]), models.Index(fields=["quote", "at"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} — {self.at:%d/%m/%Y %H:%M}"


class IntegrityCheck(models.Model):
    """One run of « Vérifier l'intégrité » on a cabinet's register, with its progress and its verdict."""

    cabinet = models.ForeignKey(Cabinet, on_delete=models.CASCADE, related_name="integrity_checks")
    requested_by = models.CharField("demandée par", max_length=150, blank=True)
    started_at = models.DateTimeField("demandée le", default=timezone.now)
    finished_at = models.DateTimeField("terminée le", null=True, blank=True)
    total = models.PositiveIntegerField("pièces à vérifier", default=0)
    checked = models.PositiveIntegerField("pièces vérifiées", default=0)
    ok = models.BooleanField("intègre", null=True)
    message = models.TextField("résultat", blank=True)

    class Meta:
        verbose_name = "vérification d'intégrité"
        verbose_name_plural = "vérifications d'intégrité"
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Vérification du {self.started_at:%d/%m/%Y %H:%M}"

    # The task's hard time limit plus a margin: past it, the worker that ran the check has been killed.
    STALE_AFTER = datetime.timedelta(seconds=settings.CHORUS_REFRESH_TIME_LIMIT + 60)

    @property
    def is_running(self) -> bool:
        return self.finished_at is None and not self.is_stale

    @property
    def is_stale(self) -> bool:
        return self.finished_at is None and timezone.now() - self.started_at > self.STALE_AFTER

    @property
    def percent(self) -> int:
        return 100 if not self.total else int(self.checked * 100 / self.total)
