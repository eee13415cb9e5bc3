"""Rapprochement bancaire: the cabinet's bank accounts, the statements imported and their credit lines with the
invoices each one is proposed to pay."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from geoprod.models import Cabinet
from invoices.models.payments import Payment


class BankAccount(models.Model):
    cabinet = models.ForeignKey(Cabinet, on_delete=models.CASCADE, related_name="bank_accounts")
    label = models.CharField("intitulé", max_length=100)
    iban = models.CharField("IBAN", max_length=34, blank=True)
    # The columns of this bank's CSV export, as last chosen: role → header, separator, decimal_comma.
    csv_mapping = models.JSONField("correspondance des colonnes CSV", default=dict, blank=True)

    class Meta:
        verbose_name = "compte bancaire"
        verbose_name_plural = "comptes bancaires"
        ordering = ["label"]
        constraints = [models.UniqueConstraint(fields=["cabinet", "label"], name="bank_account_label_unique")]

    def __str__(self) -> str:
        return self.label


class StatementFormat(models.TextChoices):
    CAMT053 = "camt053", "CAMT.053"
    CSV = "csv", "CSV"


class BankStatement(models.Model):
    """One imported file; its SHA-256 makes a second import of the same file impossible."""

    cabinet = models.ForeignKey(Cabinet, on_delete=models.CASCADE, related_name="bank_statements")
    account = models.ForeignKey(
        BankAccount, verbose_name="compte", on_delete=models.PROTECT, related_name="statements"
    )
    filename = models.CharField("fichier", max_length=255)
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    format = models.CharField("format", max_length=10, choices=StatementFormat.choices)
    skipped_debits = models.PositiveIntegerField("débits non repris", default=0)
    skipped_duplicates = models.PositiveIntegerField("lignes déjà importées", default=0)
    imported_at = models.DateTimeField("importé le", auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="importé par",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "relevé bancaire"
        verbose_name_plural = "relevés bancaires"
        ordering = ["-imported_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["cabinet", "sha256"], name="bank_statement_file_unique")
        ]

    def __str__(self) -> str:
        return self.filename

    def get_absolute_url(self) -> str:
        return reverse("invoices:statement-detail", args=[self.pk])


class Confidence(models.TextChoices):
    HAUTE = "haute", "Haute"
    MOYENNE = "moyenne", "Moyenne"
    BASSE = "basse", "Basse"


class LineStatus(models.TextChoices):
    PENDING = "a_traiter", "À traiter"
    ACCEPTED = "acceptee", "Acceptée"
    IGNORED = "ignoree", "Ignorée"


class BankLine(models.Model):
    """A credit line of a statement; `identity` (date, amount, bank reference or label) is unique per account,
    so overlapping statements never bring the same line twice."""

    cabinet = models.ForeignKey(Cabinet, on_delete=models.CASCADE, related_name="+")
    statement = models.ForeignKey(
        BankStatement, verbose_name="relevé", on_delete=models.CASCADE, related_name="lines"
    )
    account = models.ForeignKey(
        BankAccount, verbose_name="compte", on_delete=models.PROTECT, related_name="+"
    )
    identity = models.CharField("identité de la ligne", max_length=64)
    date = models.DateField("date")
    amount = models.DecimalField("montant", max_digits=12, decimal_places=2)
    label = models.CharField("libellé", max_length=500, blank=True)
    reference = models.CharField("référence", max_length=140, blank=True)
    debtor = models.CharField("donneur d'ordre", max_length=200, blank=True)
    status = models.CharField("état", max_length=10, choices=LineStatus.choices, default=LineStatus.PENDING)
    confidence = models.CharField("confiance", max_length=10, choices=Confidence.choices, blank=True)
    client = models.ForeignKey(
        "clients.Client", verbose_name="client proposé", on_delete=models.PROTECT, null=True, related_name="+"
    )
    proposed_invoice_ids = models.JSONField("factures proposées", default=list, blank=True)
    payment = models.OneToOneField(
        Payment, verbose_name="règlement", on_delete=models.PROTECT, null=True, related_name="bank_line"
    )

    class Meta:
        verbose_name = "ligne de relevé"
        verbose_name_plural = "lignes de relevé"
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "identity"], name="bank_line_identity_unique")
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.label[:40]}"

    def get_absolute_url(self) -> str:
        return reverse("invoices:bankline-detail", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.status == LineStatus.PENDING

    @property
    def confidence_badge(self) -> str:
        """The badge colour of the proposal's confidence."""
        return {Confidence.HAUTE: "ok", Confidence.MOYENNE: "warn", Confidence.BASSE: "danger"}.get(
            self.confidence, ""
        )
