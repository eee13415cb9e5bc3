"""The one home of the VAT cases a cabinet meets: data and pure functions, free of Django.

Each regime says what the PDF prints, which EN 16931 category (BT-118/BT-151) and exemption reason
(BT-120/BT-121) the Factur-X carries, which `typeTva` Chorus Pro receives, and which checks apply.
The models, the line checks, `facturx.py`, the PDF template and the Chorus prefill read this module;
none of them knows the cases.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as StdnumError

from invoices import totals
from invoices.errors import InvoicingError

ZERO = Decimal("0.00")

# Regimes (stored on invoices and devis).
ENCAISSEMENTS = "encaissements"
DEBITS = "debits"
EXONERATION = "exoneration"
AUTOLIQUIDATION = "autoliquidation"
INTRACOM = "intracom"
FRANCHISE = "franchise"

# Chorus Pro `typeTva` values (chorus-api-reference.md, references.typeTva).
CHORUS_DEBIT = "TVA_SUR_DEBIT"
CHORUS_ENCAISSEMENT = "TVA_SUR_ENCAISSEMENT"
CHORUS_EXONERATION = "EXONERATION"
CHORUS_SANS_TVA = "SANS_TVA"

DEBOURS_MENTION = (
    "Débours : sommes payées au nom et pour le compte du client, hors base de TVA (art. 267 II 2° du CGI)."
)
DEBOURS_REASON = "Débours, art. 267 II 2° du CGI"
FRANCHISE_MENTION = "TVA non applicable, art. 293 B du CGI"


@dataclass(frozen=True)
class Regime:
    code: str
    label: str
    mention: str  # printed on the PDF ("" when the regime needs none); exonérations add their motif
    category: str  # EN 16931 VAT category code of its lines (débours aside)
    reason: str = ""  # BT-120
    reason_code: str = ""  # BT-121 (VATEX)
    chorus_type: str = CHORUS_ENCAISSEMENT
    chorus_motif: str = ""  # code of Chorus Pro's motifs/exonerationtva list
    taxable: bool = True  # lines carry a positive rate
    buyer_vat: str = ""  # "any": the buyer's VAT number is mandatory; "eu": an EU number outside France
    cabinet_regime: bool = False  # chosen once for the cabinet, never per invoice
    vat_on_debits: bool = False  # BT-8: the cabinet opted to pay VAT on debits


REGIMES: dict[str, Regime] = {
    r.code: r
    for r in (
        Regime(
            ENCAISSEMENTS,
            "TVA sur les encaissements",
            "TVA exigible à l'encaissement (prestations de services).",
            "S",
        ),
        Regime(
            DEBITS,
            "TVA sur les débits",
            "Option pour le paiement de la taxe d'après les débits.",
            "S",
            chorus_type=CHORUS_DEBIT,
            vat_on_debits=True,
        ),
        Regime(
            EXONERATION,
            "Exonération de TVA",
            "",  # the motif's own text is the mention
            "E",
            chorus_type=CHORUS_EXONERATION,
            taxable=False,
        ),
        Regime(
            AUTOLIQUIDATION,
            "Autoliquidation (TVA due par le preneur)",
            "Autoliquidation : TVA due par le preneur (art. 283-2 du CGI).",
            "AE",
            reason="Autoliquidation",
            reason_code="VATEX-EU-AE",
            chorus_type=CHORUS_EXONERATION,
            chorus_motif="AUTOLIQUIDATION",
            taxable=False,
            buyer_vat="any",
        ),
        Regime(
            INTRACOM,
            "Prestation de services intracommunautaire (autoliquidation)",
            "Autoliquidation : prestation de services intracommunautaire, TVA due par le preneur "
            "(art. 259-1 et 283-2 du CGI, art. 196 de la directive 2006/112/CE).",
            "AE",
            reason="Autoliquidation",
            reason_code="VATEX-EU-AE",
            chorus_type=CHORUS_EXONERATION,
            chorus_motif="AUTOLIQUIDATION",
            taxable=False,
            buyer_vat="eu",
        ),
        Regime(
            FRANCHISE,
            "Franchise en base de TVA (art. 293 B du CGI)",
            FRANCHISE_MENTION + ".",
            "E",
            reason=FRANCHISE_MENTION,
            reason_code="VATEX-FR-FRANCHISE",
            chorus_type=CHORUS_SANS_TVA,
            taxable=False,
            cabinet_regime=True,
        ),
    )
}

REGIME_CHOICES = [(r.code, r.label) for r in REGIMES.values()]


@dataclass(frozen=True)
class Exemption:
    """A coded exemption motif: the legal reference printed and sent (BT-120), and Chorus Pro's code."""

    code: str
    text: str
    chorus_motif: str
    reason_code: str = ""  # VATEX, only where the directive article is certain


EXEMPTIONS: dict[str, Exemption] = {
    e.code: e
    for e in (
        Exemption("261-4", "Exonération de TVA, article 261-4 du CGI", "EXONERATION_261", "VATEX-EU-132"),
        Exemption("261-C", "Exonération de TVA, article 261 C du CGI", "EXONERATION_261"),
        Exemption("261-D", "Exonération de TVA, article 261 D du CGI", "EXONERATION_261"),
        Exemption("261-D-4", "Exonération de TVA, article 261 D 4° du CGI", "EXONERATION_261"),
        Exemption("262-I", "Exonération de TVA, article 262 I du CGI (exportation)", "EXPORTATION"),
        Exemption(
            "262-ter-I", "Exonération de TVA, article 262 ter I du CGI", "LIVRAISON_INTRACOMMUNAUTAIRE"
        ),
    )
}

EXEMPTION_CHOICES = [(e.code, e.text) for e in EXEMPTIONS.values()]


def regime(code: str) -> Regime:
    return REGIMES[code]


def selectable_regimes(*, franchise_cabinet: bool) -> list[tuple[str, str]]:
    """The regimes an invoice of this cabinet may pick: franchise alone, or every other one."""
    return [(r.code, r.label) for r in REGIMES.values() if r.cabinet_regime == franchise_cabinet]


def default_regime(*, franchise_cabinet: bool, vat_on_debits: bool) -> str:
    if franchise_cabinet:
        return FRANCHISE
    return DEBITS if vat_on_debits else ENCAISSEMENTS


def reason_text(regime_code: str, exemption_code: str) -> str:
    """The exemption reason (BT-120) of the regime's lines; "" for taxable regimes."""
    r = REGIMES[regime_code]
    if r.code == EXONERATION:
        exemption = EXEMPTIONS.get(exemption_code)
        return exemption.text if exemption else ""
    return r.reason


# Lines ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Category:
    code: str  # BT-118 / BT-151
    reason: str = ""  # BT-120
    reason_code: str = ""  # BT-121


def line_category(
    regime_code: str, rate: Decimal, *, debours: bool = False, exemption_code: str = "", reason: str = ""
) -> Category:
    """EN 16931 category of one line. A débours is exempt with its article, unless the regime's own
    lines are already exempt (one exempt breakdown row per invoice: BR-E-08 sums every E line)."""
    r = REGIMES[regime_code]
    if r.category == "S":
        if debours:
            return Category("E", DEBOURS_REASON)
        return Category("S")
    if r.code == EXONERATION:
        exemption = EXEMPTIONS.get(exemption_code)
        text = exemption.text if exemption else reason
        return Category("E", text, exemption.reason_code if exemption else "")
    if debours and r.category != "E":
        return Category("E", DEBOURS_REASON)
    return Category(r.category, r.reason, r.reason_code)


@dataclass(frozen=True)
class BreakdownRow:
    """One row of the VAT breakdown (BG-23): category, rate, taxable base and VAT."""

    category: Category
    rate: Decimal
    base: Decimal
    vat: Decimal

    @property
    def is_debours(self) -> bool:
        return self.category.reason == DEBOURS_REASON


def breakdown(
    regime_code: str,
    lines: Iterable[tuple[Decimal, Decimal, bool]],
    *,
    exemption_code: str = "",
    reason: str = "",
) -> tuple[BreakdownRow, ...]:
    """(line HT, rate, débours) triples grouped by category and rate, VAT computed once per group
    (BR-CO-17), highest rate first and débours last."""
    groups: dict[tuple[str, Decimal], tuple[Category, Decimal]] = {}
    for ht, rate, debours in lines:
        rate = Decimal(rate).quantize(totals.CENT)
        cat = line_category(regime_code, rate, debours=debours, exemption_code=exemption_code, reason=reason)
        key = (cat.code, rate)
        _, base = groups.get(key, (cat, ZERO))
        groups[key] = (cat, base + totals.money(ht))
    rows = [
        BreakdownRow(cat, rate, totals.money(base), totals.vat_amount(base, rate))
        for (_, rate), (cat, base) in groups.items()
    ]
    return tuple(sorted(rows, key=lambda row: (row.is_debours, -row.rate, row.category.code)))


def mentions(
    regime_code: str, *, exemption_code: str = "", reason: str = "", has_debours: bool = False
) -> list[str]:
    """The VAT sentences the document prints, in order."""
    r = REGIMES[regime_code]
    result = []
    if r.code == EXONERATION:
        result.append(f"{reason_text(r.code, exemption_code) or reason}.")
    elif r.mention:
        result.append(r.mention)
    if has_debours:
        result.append(DEBOURS_MENTION)
    return result


def chorus_prefill(regime_code: str, exemption_code: str) -> tuple[str, str]:
    """(typeTva, motifExonerationTva) the Chorus Pro submission starts from."""
    r = REGIMES[regime_code]
    if r.code == EXONERATION:
        exemption = EXEMPTIONS.get(exemption_code)
        return r.chorus_type, exemption.chorus_motif if exemption else ""
    return r.chorus_type, r.chorus_motif


# Checks -----------------------------------------------------------------------------------------


def compact_vat_number(value: str) -> str:
    """An intra-EU VAT number as written in the XML: country prefix, no spaces (e.g. FR19812345676)."""
    return eu_vat.compact(value or "")


def vat_number_error(value: str) -> str:
    """French message when `value` is not a valid intra-EU VAT number, else ""."""
    if not value:
        return ""
    number = compact_vat_number(value)
    try:
        eu_vat.validate(number)
    except StdnumError:
        return (
            "Ce numéro de TVA intracommunautaire n'est pas valide : il commence par le code du pays "
            "(ex. : FR19812345676, BE0403019261)."
        )
    return ""


@dataclass(frozen=True)
class VatLine:
    rate: Decimal
    debours: bool = False


def check(
    regime_code: str,
    *,
    lines: Sequence[VatLine],
    franchise_cabinet: bool,
    exemption_code: str = "",
    buyer_vat_number: str | None = None,
    legacy_reason: str = "",
) -> None:
    """Raises InvoicingError (with the form field) when the regime, its motif, the buyer and the line
    rates disagree. `buyer_vat_number` None skips the buyer checks. `legacy_reason`: the free-text motif of an
    invoice issued before motifs were coded, which its avoirs keep."""
    r = REGIMES.get(regime_code)
    if r is None:
        raise InvoicingError("Type de TVA inconnu.", field="vat_regime")
    if franchise_cabinet and not r.cabinet_regime:
        raise InvoicingError(
            "Le cabinet relève de la franchise en base (art. 293 B du CGI) : ses factures sont sans TVA.",
            field="vat_regime",
        )
    if r.cabinet_regime and not franchise_cabinet:
        raise InvoicingError(
            "La franchise en base (art. 293 B du CGI) se choisit pour le cabinet dans Paramètres, pas sur "
            "une facture : un cabinet assujetti à la TVA ne peut pas l'appliquer à une seule pièce.",
            field="vat_regime",
        )
    if r.code == EXONERATION and exemption_code not in EXEMPTIONS and not legacy_reason:
        raise InvoicingError(
            "Choisissez le motif d'exonération (article du CGI) : il est obligatoire sur la facture.",
            field="exemption_code",
        )
    for line in lines:
        rate = Decimal(line.rate)
        if rate not in totals.VAT_RATES:
            raise InvoicingError(
                f"Taux de TVA inconnu « {line.rate} » : choisissez 20 %, 10 %, 5,5 %, 2,1 % ou 0 %.",
                field="lines",
            )
        if line.debours and rate != 0:
            raise InvoicingError("Un débours est hors base de TVA : son taux est 0 %.", field="lines")
        if not r.taxable and rate != 0:
            raise InvoicingError(f"En « {r.label} », toutes les lignes doivent être à 0 %.", field="lines")
        if r.taxable and rate == 0 and not line.debours:
            raise InvoicingError(
                "Une ligne à 0 % doit avoir sa raison légale : cochez « débours » (art. 267 II 2° du CGI) "
                "ou choisissez le type de TVA qui l'exonère.",
                field="lines",
            )
    if buyer_vat_number is None or not r.buyer_vat:
        return
    if not buyer_vat_number:
        raise InvoicingError(
            f"« {r.label} » : le numéro de TVA intracommunautaire du client est obligatoire "
            "(à saisir sur la fiche du client).",
            field="vat_regime",
        )
    error = vat_number_error(buyer_vat_number)
    if error:
        raise InvoicingError(f"Client : {error}", field="vat_regime")
    if r.buyer_vat == "eu" and compact_vat_number(buyer_vat_number).startswith("FR"):
        raise InvoicingError(
            "Une prestation intracommunautaire s'adresse à un client assujetti d'un autre État membre : "
            "pour un client français, choisissez « Autoliquidation ».",
            field="vat_regime",
        )
