"""The ECB main refinancing rate, dated: public buyers' late-payment interest is that rate + 8 points."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import models


class EcbRate(models.Model):
    """One change of the ECB main refinancing operations rate (platform-wide, kept by the staff)."""

    valid_from = models.DateField("en vigueur depuis le", unique=True)
    rate = models.DecimalField("taux (%)", max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = "taux BCE (opérations principales de refinancement)"
        verbose_name_plural = "taux BCE (opérations principales de refinancement)"
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"{self.rate} % depuis le {self.valid_from:%d/%m/%Y}"

    @classmethod
    def in_force_on(cls, day: datetime.date) -> Decimal | None:
        row = cls.objects.filter(valid_from__lte=day).order_by("-valid_from").first()
        return row.rate if row else None
