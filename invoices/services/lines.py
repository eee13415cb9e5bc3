"""Line input shared by invoices and quotes: validation and the totals that follow from it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from clients.models import Client
from geoprod import limits
from geoprod.models import Cabinet
from invoices import totals, vat
from invoices.errors import InvoicingError
from invoices.models import LineBase, Unit, VatRate

# Keeps every stored amount inside its 12-digit column, whatever the number of lines.
MAX_LINE_AMOUNT = Decimal("100000000")


@dataclass(frozen=True)
class LineInput:
    designation: str
    unit_price: Decimal
    quantity: Decimal = Decimal("1")
    vat_rate: str = VatRate.T20
    unit: str = Unit.FORFAIT
    debours: bool = False

    @classmethod
    def from_line(cls, line: LineBase) -> LineInput:
        return cls(line.designation, line.unit_price, line.quantity, line.vat_rate, line.unit, line.debours)

    def as_totals_line(self) -> totals.Line:
        return totals.Line(Decimal(self.quantity), Decimal(self.unit_price), Decimal(self.vat_rate))


def check_vat(
    *,
    cabinet: Cabinet,
    vat_regime: str,
    exemption_code: str,
    lines: Sequence[LineInput],
    client: Client | None = None,
    legacy_reason: str = "",
) -> None:
    """Raises InvoicingError when the VAT regime, its motif, the buyer and the line rates disagree
    (the rules are invoices/vat.py's)."""
    for line in lines:
        if line.vat_rate not in VatRate.values:
            raise InvoicingError(
                f"Taux de TVA inconnu « {line.vat_rate} » : choisissez 20 %, 10 %, 5,5 %, 2,1 % ou 0 %.",
                field="lines",
            )
    vat.check(
        vat_regime,
        lines=[vat.VatLine(Decimal(line.vat_rate), line.debours) for line in lines],
        franchise_cabinet=cabinet.vat_franchise,
        exemption_code=exemption_code,
        buyer_vat_number=client.tva_intracom if client is not None else None,
        legacy_reason=legacy_reason,
    )


def check_lines(lines: Sequence[LineInput]) -> None:
    """Raises InvoicingError on an empty invoice or a zero / negative quantity."""
    if not lines:
        raise InvoicingError("Ajoutez au moins une ligne.", field="lines")
    if len(lines) > limits.DOCUMENT_MAX_LINES:
        raise InvoicingError(f"Une pièce compte au plus {limits.DOCUMENT_MAX_LINES} lignes.", field="lines")
    for line in lines:
        if not line.designation.strip():
            raise InvoicingError("Chaque ligne doit avoir une désignation.", field="lines")
        if (
            len(line.designation) > limits.DESIGNATION_MAX_CHARS
            or len(line.designation.splitlines()) > limits.DESIGNATION_MAX_LINES
        ):
            raise InvoicingError(
                f"Une désignation compte au plus {limits.DESIGNATION_MAX_CHARS} caractères "
                f"et {limits.DESIGNATION_MAX_LINES} lignes.",
                field="lines",
            )
        if Decimal(line.quantity) <= 0:
            raise InvoicingError(
                f"La quantité de « {line.designation} » doit être positive ; "
                "pour une remise, saisissez un prix unitaire négatif.",
                field="lines",
            )
        if abs(Decimal(line.quantity) * Decimal(line.unit_price)) >= MAX_LINE_AMOUNT:
            raise InvoicingError(
                f"Le montant de la ligne « {line.designation} » dépasse 100 000 000 € : vérifiez la saisie.",
                field="lines",
            )


def build_lines(model: type[LineBase], parent: dict, lines: Sequence[LineInput]) -> list[LineBase]:
    """Unsaved line rows with their HT computed (bulk_create does not call save())."""
    return [
        model(
            position=i,
            designation=line.designation.strip(),
            quantity=Decimal(line.quantity),
            unit=line.unit,
            unit_price=Decimal(line.unit_price),
            vat_rate=line.vat_rate,
            debours=line.debours,
            total_ht=totals.line_ht(Decimal(line.quantity), Decimal(line.unit_price)),
            **parent,
        )
        for i, line in enumerate(lines, start=1)
    ]
