"""Choices and the line shape shared by devis and factures."""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from geoprod import limits
from invoices import totals, vat

MONEY = dict(max_digits=12, decimal_places=2, default=Decimal("0.00"))


class VatRate(models.TextChoices):
    # Stored as text choices of the Decimal value so an unknown rate is refused at the field.
    T20 = "20.00", "20 %"
    T10 = "10.00", "10 %"
    T5_5 = "5.50", "5,5 %"
    T2_1 = "2.10", "2,1 %"
    T0 = "0.00", "0 %"


# The cases themselves live in invoices/vat.py; these are their stored codes.
VatRegime = models.TextChoices(
    "VatRegime", [(code.upper(), (code, label)) for code, label in vat.REGIME_CHOICES]
)

ExemptionMotif = models.TextChoices(
    "ExemptionMotif", [(code.upper().replace("-", "_"), (code, text)) for code, text in vat.EXEMPTION_CHOICES]
)


class VatCaseMixin:
    """What a devis or an invoice prints and sends about its VAT case (read from invoices/vat.py)."""

    def vat_breakdown(self) -> tuple[vat.BreakdownRow, ...]:
        """VAT breakdown per category and rate, débours apart (uses prefetched lines when present)."""
        return vat.breakdown(
            self.vat_regime,
            ((line.total_ht, line.rate, line.debours) for line in self.lines.all()),
            exemption_code=self.exemption_code,
            reason=self.exemption_reason,
        )

    def vat_mentions(self) -> list[str]:
        return vat.mentions(
            self.vat_regime,
            exemption_code=self.exemption_code,
            reason=self.exemption_reason,
            has_debours=any(line.debours for line in self.lines.all()),
        )


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
    position = models.PositiveSmallIntegerField("rang", default=0)
    designation = models.CharField(
        "désignation", max_length=limits.DESIGNATION_MAX_CHARS, validators=limits.DESIGNATION_VALIDATORS
    )
    quantity = models.DecimalField("quantité", max_digits=12, decimal_places=3, default=Decimal("1"))
    unit = models.CharField("unité", max_length=10, choices=Unit.choices, default=Unit.FORFAIT)
    unit_price = models.DecimalField("prix unitaire HT", max_digits=12, decimal_places=2)
    vat_rate = models.CharField("TVA", max_length=5, choices=VatRate.choices, default=VatRate.T20)
    total_ht = models.DecimalField("montant HT", **MONEY)
    debours = models.BooleanField(
        "débours",
        default=False,
        help_text="Frais payés au nom et pour le compte du client, hors base de TVA.",
    )

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
