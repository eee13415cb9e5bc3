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
