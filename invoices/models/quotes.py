"""Devis; an accepted devis is the commande that invoices are made from."""

from __future__ import annotations

import datetime

from django.db import models
from django.urls import reverse
from django.utils import timezone

from clients.models import Client, Dossier
from geoprod.models import Cabinet
from invoices.models.common import MONEY, ExemptionMotif, LineBase, VatCaseMixin, VatRegime


class QuoteStatus(models.TextChoices):
    PENDING = "en_attente", "En attente"
    ACCEPTED = "acceptee", "Accepté (commande)"
    REFUSED = "refusee", "Refusé"


class Quote(VatCaseMixin, models.Model):
    """Devis; once accepted it is the commande that invoices are made from."""

    cabinet = models.ForeignKey(Cabinet, on_delete=models.CASCADE, related_name="quotes")
    number = models.CharField("numéro", max_length=35)
    client = models.ForeignKey(Client, verbose_name="client", on_delete=models.PROTECT, related_name="quotes")
    dossier = models.ForeignKey(
        Dossier,
        verbose_name="dossier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quotes",
    )
    objet = models.CharField("objet", max_length=255)
    date = models.DateField("date du devis", default=timezone.localdate)
    validity_days = models.PositiveSmallIntegerField("durée de validité (jours)", default=90)
    status = models.CharField(
        "statut", max_length=20, choices=QuoteStatus.choices, default=QuoteStatus.PENDING
    )
    decided_on = models.DateField("date de décision", null=True, blank=True)
    vat_regime = models.CharField(
        "type de TVA", max_length=20, choices=VatRegime.choices, default=VatRegime.ENCAISSEMENTS
    )
    exemption_code = models.CharField(
        "motif d'exonération", max_length=20, choices=ExemptionMotif.choices, blank=True
    )
    exemption_reason = models.CharField("texte du motif d'exonération", max_length=255, blank=True)
    total_ht = models.DecimalField("total HT", **MONEY)
    total_vat = models.DecimalField("total TVA", **MONEY)
    total_ttc = models.DecimalField("total TTC", **MONEY)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "devis"
        verbose_name_plural = "devis"
        ordering = ["-date", "-id"]
        constraints = [models.UniqueConstraint(fields=["cabinet", "number"], name="unique_quote_number")]

    def __str__(self) -> str:
        return f"Devis {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("invoices:quote-detail", args=[self.pk])

    @property
    def is_order(self) -> bool:
        return self.status == QuoteStatus.ACCEPTED

    @property
    def valid_until(self) -> datetime.date:
        return self.date + datetime.timedelta(days=self.validity_days)


class QuoteLine(LineBase):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")

    class Meta(LineBase.Meta):
        verbose_name = "ligne de devis"
        verbose_name_plural = "lignes de devis"
