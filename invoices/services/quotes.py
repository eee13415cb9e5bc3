"""Devis and commandes: create, edit, accept or refuse, then invoice in one go or in parts."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from clients.models import Client, Dossier
from geoprod.models import Cabinet
from geoprod.services import next_counter_value
from invoices import journal, totals, vat
from invoices.errors import InvoicingError
from invoices.models import (
    DocumentAction,
    Invoice,
    InvoiceKind,
    Quote,
    QuoteLine,
    QuoteStatus,
    Unit,
)
from invoices.services.drafts import check_owner, create_invoice, set_exemption_text
from invoices.services.issue import invoiced_ht, pending_acomptes
from invoices.services.lines import LineInput, build_lines, check_lines, check_vat

QUOTE_FIELDS = ("objet", "date", "validity_days", "vat_regime", "exemption_code")


def _save_lines(quote: Quote, lines: Sequence[LineInput]) -> None:
    set_exemption_text(quote)
    check_lines(lines)
    check_vat(
        cabinet=quote.cabinet,
        vat_regime=quote.vat_regime,
        exemption_code=quote.exemption_code,
        lines=lines,
        client=quote.client,
    )
    quote.lines.all().delete()
    QuoteLine.objects.bulk_create(build_lines(QuoteLine, {"quote": quote}, lines))
    t = totals.compute_totals([line.as_totals_line() for line in lines])
    quote.total_ht, quote.total_vat, quote.total_ttc = t.ht, t.vat, t.ttc
    quote.save()


@transaction.atomic
def create_quote(
    *, cabinet: Cabinet, client: Client, lines: Sequence[LineInput], dossier: Dossier | None = None, **fields
) -> Quote:
    """Creates a devis numbered D<year>-<seq>.

    Raises InvoicingError (wrong cabinet, a dossier of another client, bad lines or VAT).
    """
    check_owner(cabinet, client, dossier)
    fields.setdefault("objet", dossier.objet if dossier else "")
    fields.setdefault(
        "vat_regime",
        vat.default_regime(franchise_cabinet=cabinet.vat_franchise, vat_on_debits=cabinet.vat_on_debits),
    )
    quote = Quote(cabinet=cabinet, client=client, dossier=dossier, **fields)
    set_exemption_text(quote)
    check_lines(lines)
    check_vat(
        cabinet=cabinet,
        vat_regime=quote.vat_regime,
        exemption_code=quote.exemption_code,
        lines=lines,
        client=client,
    )
    year = quote.date.year
    quote.number = f"D{year}-{next_counter_value(cabinet=cabinet, name=f'devis-{year}'):04d}"
    quote.save()
    _save_lines(quote, lines)
    journal.record(action=DocumentAction.CREATED, quote=quote)
    return quote


@transaction.atomic
def update_quote(*, quote: Quote, lines: Sequence[LineInput], **fields) -> Quote:
    """Edits a pending devis. Raises InvoicingError once it is accepted or refused."""
    quote = Quote.objects.select_for_update().get(pk=quote.pk)
    if quote.status != QuoteStatus.PENDING:
        raise InvoicingError("Un devis accepté ou refusé ne se modifie plus : dupliquez-le.")
    for name in set(fields) & set(QUOTE_FIELDS):
        setattr(quote, name, fields[name])
    _save_lines(quote, lines)
    return quote


@transaction.atomic
def decide_quote(*, quote: Quote, accepted: bool) -> Quote:
    """Accepte (the devis becomes a commande) or refuse a pending devis. Raises InvoicingError."""
    quote = Quote.objects.select_for_update().get(pk=quote.pk)
    if quote.status != QuoteStatus.PENDING:
        raise InvoicingError("Ce devis a déjà été accepté ou refusé.")
    quote.status = QuoteStatus.ACCEPTED if accepted else QuoteStatus.REFUSED
    quote.decided_on = timezone.localdate()
    quote.save(update_fields=["status", "decided_on"])
    journal.record(action=DocumentAction.ACCEPTED if accepted else DocumentAction.REFUSED, quote=quote)
    return quote


def _share_label(rate: Decimal, debours: bool) -> str:
    return "débours" if debours else f"TVA {totals.decimal_fr(rate)} %"


def _require_order(quote: Quote) -> None:
    if not quote.is_order:
        raise InvoicingError("Seul un devis accepté (commande) peut être facturé.")


def invoice_order(*, quote: Quote) -> Invoice:
    """Draft facture for a whole commande; acomptes already invoiced are deducted at validation.

    Raises InvoicingError (not accepted, already fully invoiced).
    """
    _require_order(quote)
    acomptes = pending_acomptes(Invoice(quote=quote, kind=InvoiceKind.FACTURE))
    if invoiced_ht(quote) >= quote.total_ht and not acomptes:
        raise InvoicingError("Cette commande est déjà entièrement facturée.")
    return create_invoice(
        cabinet=quote.cabinet,
        client=quote.client,
        dossier=quote.dossier,
        quote=quote,
        lines=[LineInput.from_line(line) for line in quote.lines.all()],
        deducts=acomptes,
        objet=quote.objet,
        vat_regime=quote.vat_regime,
        exemption_code=quote.exemption_code,
    )


def invoice_order_part(
    *, quote: Quote, percent: Decimal | None = None, amount_ht: Decimal | None = None
) -> Invoice:
    """Draft facture partielle (acompte / situation) for a share of a commande, split per VAT rate.

    Raises InvoicingError (not accepted, no or bad share, more than what remains to invoice).
    """
    _require_order(quote)
    if (percent is None) == (amount_ht is None):
        raise InvoicingError("Indiquez un pourcentage ou un montant HT.", field="percent")
    if percent is not None:
        if not 0 < percent <= 100:
            raise InvoicingError("Le pourcentage doit être compris entre 0 et 100.", field="percent")
        amount_ht = totals.money(quote.total_ht * Decimal(percent) / 100)
        label = f"Acompte de {totals.decimal_fr(percent)} %"
    else:
        amount_ht = totals.money(amount_ht)
        label = "Acompte"
    remaining = quote.total_ht - invoiced_ht(quote)
    if amount_ht <= 0:
        raise InvoicingError("Le montant HT doit être positif.", field="amount_ht")
    if amount_ht > remaining:
        raise InvoicingError(
            f"Le montant ({totals.money_fr(amount_ht)} HT) dépasse ce qui reste à facturer sur la commande "
            f"({totals.money_fr(remaining)} HT).",
            field="amount_ht",
        )
    # Débours are split apart from the taxable lines of the same rate: they stay outside the VAT base.
    bases: dict[tuple[Decimal, bool], Decimal] = {}
    for line in quote.lines.all():
        key = (line.rate, line.debours)
        bases[key] = bases.get(key, Decimal("0.00")) + line.total_ht
    parts = totals.split_by_rates(amount_ht, bases)
    lines = [
        LineInput(
            designation=f"{label} sur le devis N° {quote.number} — {quote.objet}"
            + (f" ({_share_label(rate, debours)})" if len(parts) > 1 else ""),
            unit_price=part,
            vat_rate=str(rate.quantize(Decimal("0.01"))),
            unit=Unit.FORFAIT,
            debours=debours,
        )
        for (rate, debours), part in parts.items()
        if part
    ]
    return create_invoice(
        cabinet=quote.cabinet,
        client=quote.client,
        dossier=quote.dossier,
        quote=quote,
        kind=InvoiceKind.ACOMPTE,
        lines=lines,
        objet=quote.objet,
        vat_regime=quote.vat_regime,
        exemption_code=quote.exemption_code,
    )
