"""Choices and the line shape shared by devis and factures."""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from geoprod import limits
from invoices import totals

MONEY = dict(max_digits=12, decimal_places=2, default=Decimal("0.00"))


class VatRate(models.TextChoices):
    # Stored as text choices of the Decimal value so an unknown rate is refused at the field.
    T20 = "20.00", "20 %"
    T10 = "10.00", "10 %"
    T5_5 = "5.50", "5,5 %"
    T2_1 = "2.10", "2,1 %"
    T0 = "0.00", "0 %"


class VatRegime(models.TextChoices):
    ENCAISSEMENTS = "encaissements", "TVA sur les encaissements"
    DEBITS = "debits", "TVA sur les débits"
    EXONERATION = "exoneration", "Exonération de TVA"
    FRANCHISE = "franchise", "TVA non applicable (art. 293 B du CGI)"


TAX_FREE_REGIMES = frozenset({VatRegime.EXONERATION, VatRegime.FRANCHISE})


class Unit(models.TextChoices):
    FORFAIT = "forfait", "forfait"
    UNITE = "u", "u"
    HEURE = "h", "h"
    JOUR = "j", "j"
    M2 = "m2", "m²"
    HA = "ha", "ha"
    ML = "ml", "ml"
    POINT = "pt", "point"


class LineBase(models.Model):
    position = models.PositiveSmallIntegerField(default=0)
    designation = models.CharField(
        "désignation", max_length=limits.DESIGNATION_MAX_CHARS, validators=limits.DESIGNATION_VALIDATORS
    )
    quantity = models.DecimalField("quantité", max_digits=12, decimal_places=3, default=Decimal("1"))
    unit = models.CharField("unité", max_length=10, choices=Unit.choices, default=Unit.FORFAIT)
    unit_price = models.DecimalField("prix unitaire HT", max_digits=12, decimal_places=2)
    vat_rate = models.CharField("TVA", max_length=5, choices=VatRate.choices, default=VatRate.T20)
    total_ht = models.DecimalField("montant HT", **MONEY)

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.designation

    def save(self, *args, **kwargs):
        self.total_ht = totals.line_ht(Decimal(self.quantity), Decimal(self.unit_price))
        super().save(*args, **kwargs)

    @property
    def rate(self) -> Decimal:
        return Decimal(self.vat_rate)

    def as_totals_line(self) -> totals.Line:
        return totals.Line(Decimal(self.quantity), Decimal(self.unit_price), self.rate)
