"""The tableau de bord's running totals: what was invoiced per month and client, what was collected per
month. Issued documents and recorded règlements never change, so adding each one once, when it is
written, keeps these rows exact; `invoices.services.figures` is the only writer (and rebuilds them)."""

from __future__ import annotations

from django.db import models

from clients.models import Client
from geoprod.models import Cabinet


class MonthlyTurnover(models.Model):
    """Issued documents of one client in one month: HT, TVA and TTC they add to the turnover (a final
    facture what it adds to its acomptes, an avoir negatively) and how many there are."""

    cabinet = models.ForeignKey(Cabinet, on_delete=models.CASCADE, related_name="+")
    month = models.DateField("mois")
    client = models.ForeignKey(Client, verbose_name="client", on_delete=models.CASCADE, related_name="+")
    ht = models.DecimalField("HT", max_digits=16, decimal_places=2, default=0)
    vat = models.DecimalField("TVA", max_digits=16, decimal_places=2, default=0)
    ttc = models.DecimalField("TTC", max_digits=16, decimal_places=2, default=0)
    documents = models.IntegerField("documents", default=0)

    class Meta:
        verbose_name = "chiffre d'affaires mensuel"
        verbose_name_plural = "chiffres d'affaires mensuels"
        constraints = [
            models.UniqueConstraint(fields=["cabinet", "month", "client"], name="unique_monthly_turnover")
        ]

    def __str__(self) -> str:
        return f"{self.month:%m/%Y} — {self.ht} HT"


class MonthlyCollection(models.Model):
    """Règlements dated in one month: their sum (a contre-passation or a remboursement negatively)."""

    cabinet = models.ForeignKey(Cabinet, on_delete=models.CASCADE, related_name="+")
    month = models.DateField("mois")
    amount = models.DecimalField("encaissé", max_digits=16, decimal_places=2, default=0)
    payments = models.IntegerField("règlements", default=0)

    class Meta:
        verbose_name = "encaissement mensuel"
        verbose_name_plural = "encaissements mensuels"
        constraints = [models.UniqueConstraint(fields=["cabinet", "month"], name="unique_monthly_collection")]

    def __str__(self) -> str:
        return f"{self.month:%m/%Y} — {self.amount}"


class InvoiceDayTotal(models.Model):
    """The invoice list's totals row, pre-added per cabinet, issue day (none for drafts), status and type:
    how many documents, their HT, TVA and TTC (an avoir negatively) and what is still due on the open
    ones. On PostgreSQL a trigger on the invoice table keeps these rows in the same statement as any
    write (migration 0024), so the unfiltered list, or one filtered by status, type or period, adds a
    few thousand rows instead of a hundred thousand invoices. SQLite has no such trigger and the list
    adds the invoices themselves (invoices.selectors.list_totals)."""

    cabinet = models.ForeignKey(Cabinet, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    day = models.DateField("date d'émission", null=True)
    status = models.CharField("statut", max_length=20)
    kind = models.CharField("type", max_length=10)
    documents = models.IntegerField("documents", default=0)
    ht = models.DecimalField("HT", max_digits=16, decimal_places=2, default=0)
    vat = models.DecimalField("TVA", max_digits=16, decimal_places=2, default=0)
    ttc = models.DecimalField("TTC", max_digits=16, decimal_places=2, default=0)
    due = models.DecimalField("reste dû", max_digits=16, decimal_places=2, default=0)

    class Meta:
        verbose_name = "total journalier des factures"
        verbose_name_plural = "totaux journaliers des factures"

    def __str__(self) -> str:
        return f"{self.day or 'brouillons'} {self.status} {self.kind}"
