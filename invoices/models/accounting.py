"""The cabinet's chart of accounts for the FEC: which account each part of a sale or a règlement goes to."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import RegexValidator
from django.db import models

from geoprod.models import Cabinet

ACCOUNT_VALIDATORS = [
    RegexValidator(
        r"^[0-9A-Z]+$", "Un numéro de compte s'écrit en chiffres et lettres majuscules, sans espace."
    )
]
JOURNAL_VALIDATORS = [
    RegexValidator(r"^[0-9A-Z]+$", "Un code journal s'écrit en chiffres et lettres majuscules, sans espace.")
]


def _account(label: str, default: str) -> models.CharField:
    return models.CharField(label, max_length=20, default=default, validators=ACCOUNT_VALIDATORS)


class AccountPlan(models.Model):
    """Accounts and journals of one cabinet, with the usual defaults of a surveying firm (PCG)."""

    cabinet = models.OneToOneField(Cabinet, on_delete=models.CASCADE, related_name="account_plan")
    sales_journal_code = models.CharField(
        "code du journal des ventes", max_length=6, default="VE", validators=JOURNAL_VALIDATORS
    )
    sales_journal_label = models.CharField("libellé du journal des ventes", max_length=60, default="Ventes")
    bank_journal_code = models.CharField(
        "code du journal de banque", max_length=6, default="BQ", validators=JOURNAL_VALIDATORS
    )
    bank_journal_label = models.CharField("libellé du journal de banque", max_length=60, default="Banque")
    clients = _account("compte collectif clients", "411000")
    client_aux_prefix = models.CharField(
        "préfixe des comptes auxiliaires clients",
        max_length=10,
        default="411",
        blank=True,
        validators=ACCOUNT_VALIDATORS,
        help_text="Compte auxiliaire d'un client = ce préfixe suivi de son numéro sur 5 chiffres (ex. : 41100042).",
    )
    sales_20 = _account("prestations de services à 20 %", "706120")
    sales_10 = _account("prestations de services à 10 %", "706110")
    sales_5_5 = _account("prestations de services à 5,5 %", "706105")
    sales_2_1 = _account("prestations de services à 2,1 %", "706102")
    sales_0 = _account("prestations sans TVA (exonérées, autoliquidées…)", "706100")
    vat_20 = _account("TVA collectée à 20 %", "4457120")
    vat_10 = _account("TVA collectée à 10 %", "4457110")
    vat_5_5 = _account("TVA collectée à 5,5 %", "4457105")
    vat_2_1 = _account("TVA collectée à 2,1 %", "4457102")
    # PCG 44574: the VAT of services invoiced under VAT on receipt, until the client pays (CGI 269-2-c).
    vat_pending = _account("TVA collectée en attente d'exigibilité (TVA sur les encaissements)", "445740")
    acomptes = _account("avances et acomptes reçus sur commandes", "419100")
    debours = _account("débours refacturés", "467100")
    bank = _account("banque", "512000")

    class Meta:
        verbose_name = "plan comptable"
        verbose_name_plural = "plans comptables"

    def __str__(self) -> str:
        return f"Plan comptable de {self.cabinet}"

    @classmethod
    def of(cls, cabinet: Cabinet) -> AccountPlan:
        """The cabinet's plan, or the defaults when it never changed them (nothing is written)."""
        return cls.objects.filter(cabinet=cabinet).first() or cls(cabinet=cabinet)

    def sales_account(self, rate: Decimal) -> str:
        return getattr(self, f"sales_{_suffix(rate)}")

    def vat_account(self, rate: Decimal) -> str:
        return getattr(self, f"vat_{_suffix(rate)}")

    def client_aux(self, client_id: int) -> str:
        return f"{self.client_aux_prefix}{client_id:05d}"


RATE_SUFFIXES = {
    Decimal("20.00"): "20",
    Decimal("10.00"): "10",
    Decimal("5.50"): "5_5",
    Decimal("2.10"): "2_1",
    Decimal("0.00"): "0",
}


def _suffix(rate: Decimal) -> str:
    return RATE_SUFFIXES[Decimal(rate).quantize(Decimal("0.01"))]
