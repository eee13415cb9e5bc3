"""Drafts: create, edit, delete, duplicate invoices, and draft avoirs from issued invoices."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction

from clients.models import Client, Dossier
from geoprod.models import Cabinet
from invoices import journal, totals, vat
from invoices.errors import InvoiceLocked, InvoicingError
from invoices.models import DocumentAction, Invoice, InvoiceKind, InvoiceLine, InvoiceStatus, Quote
from invoices.services.lines import LineInput, build_lines, check_lines, check_vat
from invoices.services.terms import check_terms, default_terms_days

EDITABLE_FIELDS = (
    "objet",
    "service_date",
    "payment_terms_days",
    "payment_end_of_month",
    "vat_regime",
    "exemption_code",
    "footer_text",
    "numero_engagement",
    "numero_marche",
    "code_service",
)


def check_owner(cabinet: Cabinet, client: Client, dossier: Dossier | None) -> None:
    if client.cabinet_id != cabinet.id or (dossier is not None and dossier.cabinet_id != cabinet.id):
        raise InvoicingError("Ce client ou ce dossier n'appartient pas au cabinet.", field="client")
    if dossier is not None and dossier.client_id != client.id:
        raise InvoicingError("Ce dossier appartient à un autre client.", field="dossier")


def legacy_reason(document: Invoice | Quote) -> str:
    """An avoir on an invoice issued before motifs were coded keeps that invoice's free-text motif."""
    if (
        isinstance(document, Invoice)
        and document.is_credit_note
        and document.vat_regime == vat.EXONERATION
        and not document.exemption_code
        and document.origin_id
    ):
        return document.origin.exemption_reason
    return ""


def check_invoice_lines(invoice: Invoice, lines: Sequence[LineInput]) -> None:
    """The line checks and the VAT case's checks for these lines on this invoice.

    Raises InvoicingError."""
    check_lines(lines)
    check_vat(
        cabinet=invoice.cabinet,
        vat_regime=invoice.vat_regime,
        exemption_code=invoice.exemption_code,
        lines=lines,
        client=invoice.client,
        legacy_reason=legacy_reason(invoice),
    )


def set_exemption_text(document: Invoice | Quote) -> None:
    """Keeps the printed motif in step with the coded one (only an exonération has one)."""
    if document.vat_regime == vat.EXONERATION:
        document.exemption_reason = vat.reason_text(
            document.vat_regime, document.exemption_code
        ) or legacy_reason(document)
    else:
        document.exemption_code = document.exemption_reason = ""


def refresh_totals(invoice: Invoice) -> Invoice:
    """Recomputes a draft's stored totals from its lines and the acomptes it deducts."""
    deducts = list(invoice.deducts.all())
    line_totals = totals.compute_totals(
        [line.as_totals_line() for line in invoice.lines.all()],
        prepaid=sum((a.total_ttc for a in deducts), Decimal("0.00")),
    )
    invoice.total_ht, invoice.total_vat, invoice.total_ttc = line_totals.ht, line_totals.vat, line_totals.ttc
    invoice.prepaid_ttc = line_totals.prepaid
    invoice.prepaid_ht = sum((a.total_ht for a in deducts), Decimal("0.00"))
    invoice.net_to_pay = line_totals.net_to_pay
    return invoice


def _check_credit(invoice: Invoice, lines: Sequence[LineInput]) -> None:
    check_creditable(invoice.origin, totals.compute_totals([line.as_totals_line() for line in lines]).ttc)


def check_creditable(origin: Invoice, ttc: Decimal) -> None:
    """An avoir of `ttc` fits in what remains to credit on `origin`. Raises InvoicingError."""
    if ttc > origin.creditable_amount:
        raise InvoicingError(
            f"Le montant de l'avoir ({totals.money_fr(ttc)} TTC) dépasse ce qui reste à créditer sur la facture "
            f"{origin.number} ({totals.money_fr(origin.creditable_amount)} TTC).",
            field="lines",
        )


@transaction.atomic
def create_invoice(
    *,
    cabinet: Cabinet,
    client: Client,
    lines: Sequence[LineInput],
    dossier: Dossier | None = None,
    kind: str = InvoiceKind.FACTURE,
    quote: Quote | None = None,
    origin: Invoice | None = None,
    deducts: Sequence[Invoice] = (),
    **fields,
) -> Invoice:
    """Creates a draft invoice (no number yet) with the cabinet's defaults.

    Raises InvoicingError (wrong cabinet, bad lines, VAT regime without motif, avoir too large).
    """
    check_owner(cabinet, client, dossier)
    fields.setdefault("objet", dossier.objet if dossier else "")
    fields.setdefault("footer_text", cabinet.invoice_footer)
    fields.setdefault("payment_terms_days", default_terms_days(client, cabinet.payment_terms_days))
    fields.setdefault(
        "vat_regime",
        vat.default_regime(franchise_cabinet=cabinet.vat_franchise, vat_on_debits=cabinet.vat_on_debits),
    )
    fields.setdefault("exemption_code", "")
    invoice = Invoice(
        cabinet=cabinet, client=client, dossier=dossier, kind=kind, quote=quote, origin=origin, **fields
    )
    set_exemption_text(invoice)
    check_lines(lines)
    check_vat(
        cabinet=cabinet,
        vat_regime=invoice.vat_regime,
        exemption_code=invoice.exemption_code,
        lines=lines,
        client=client,
        legacy_reason=legacy_reason(invoice),
    )
    if kind != InvoiceKind.AVOIR:
        check_terms(client=client, days=invoice.payment_terms_days, end_of_month=invoice.payment_end_of_month)
    if kind == InvoiceKind.AVOIR:
        if origin is None or not origin.is_issued or origin.is_credit_note:
            raise InvoicingError("Un avoir se crée à partir d'une facture émise.")
        _check_credit(invoice, lines)
    invoice.save()
    InvoiceLine.objects.bulk_create(build_lines(InvoiceLine, {"invoice": invoice}, lines))
    if deducts:
        invoice.deducts.set(deducts)
    refresh_totals(invoice).save()
    source = (
        f"Avoir sur la facture N° {origin.number}"
        if origin
        else (f"Devis N° {quote.number}" if quote else "")
    )
    journal.record(action=DocumentAction.CREATED, invoice=invoice, detail=source)
    return invoice


@transaction.atomic
def update_invoice(*, invoice: Invoice, lines: Sequence[LineInput], **fields) -> Invoice:
    """Rewrites a draft's header fields and lines.

    Raises InvoiceLocked (issued invoice), InvoicingError (bad lines or VAT, avoir too large).
    """
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.is_issued:
        raise InvoiceLocked(invoice.locked_message("plus être modifié", "plus être modifiée"))
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvoicingError(f"Champs non modifiables : {', '.join(sorted(unknown))}.")
    for name, value in fields.items():
        setattr(invoice, name, value)
    set_exemption_text(invoice)
    check_invoice_lines(invoice, lines)
    if invoice.is_credit_note:
        _check_credit(invoice, lines)
    else:
        check_terms(
            client=invoice.client, days=invoice.payment_terms_days, end_of_month=invoice.payment_end_of_month
        )
    invoice.lines.all().delete()
    InvoiceLine.objects.bulk_create(build_lines(InvoiceLine, {"invoice": invoice}, lines))
    refresh_totals(invoice).save()
    journal.record(action=DocumentAction.UPDATED, invoice=invoice)
    return invoice


@transaction.atomic
def delete_draft(*, invoice: Invoice) -> None:
    """Deletes a draft (it has no number, so no gap appears).

    Raises InvoiceLocked for an issued invoice.
    """
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.is_issued:
        raise InvoiceLocked(invoice.locked_message("pas être supprimé", "pas être supprimée"))
    journal.record(action=DocumentAction.DELETED, invoice=invoice)
    invoice.lines.all().delete()
    invoice.delete()


def duplicate_invoice(*, invoice: Invoice) -> Invoice:
    """« Dupliquer »: a new draft with the same client, dossier, header and lines.

    An avoir duplicates into an ordinary facture (an avoir only exists against a given invoice).
    Raises InvoicingError.
    """
    kind = InvoiceKind.FACTURE if invoice.is_credit_note else invoice.kind
    return create_invoice(
        cabinet=invoice.cabinet,
        client=invoice.client,
        dossier=invoice.dossier,
        kind=kind,
        quote=invoice.quote if kind == InvoiceKind.ACOMPTE else None,
        lines=[LineInput.from_line(line) for line in invoice.lines.all()],
        **{name: getattr(invoice, name) for name in EDITABLE_FIELDS if name != "service_date"},
    )


def create_credit_note(*, invoice: Invoice, lines: Sequence[LineInput] | None = None) -> Invoice:
    """Draft avoir on an issued invoice: total (its lines) when `lines` is None, else partial.

    Raises InvoicingError (draft or avoir given, amount above what remains creditable).
    """
    if not invoice.is_issued or invoice.is_credit_note:
        raise InvoicingError(
            "Un avoir se crée à partir d'une facture émise (pas d'un avoir ni d'un brouillon)."
        )
    if lines is None:
        if invoice.credited_amount > 0:
            raise InvoicingError(
                "Cette facture a déjà fait l'objet d'un avoir : saisissez un avoir partiel.", field="lines"
            )
        lines = [LineInput.from_line(line) for line in invoice.lines.all()] + _deduction_lines(invoice)
    return create_invoice(
        cabinet=invoice.cabinet,
        client=invoice.client,
        dossier=invoice.dossier,
        kind=InvoiceKind.AVOIR,
        origin=invoice,
        quote=invoice.quote,
        lines=lines,
        objet=f"Avoir sur la facture N° {invoice.number} du {invoice.issue_date:%d/%m/%Y}",
        vat_regime=invoice.vat_regime,
        exemption_code=invoice.exemption_code,
        footer_text="",  # the invoice's footer states its payment terms, which an avoir does not have
        numero_engagement=invoice.numero_engagement,
        numero_marche=invoice.numero_marche,
        code_service=invoice.code_service,
        payment_terms_days=0,
    )


def _deduction_lines(invoice: Invoice) -> list[LineInput]:
    """The acomptes a facture de solde deducted, as negative lines: its full avoir credits only its net."""
    return [
        LineInput(
            designation=f"Acompte N° {acompte.number} déjà facturé : {line.designation}",
            unit_price=-line.unit_price,
            quantity=line.quantity,
            vat_rate=line.vat_rate,
            unit=line.unit,
            debours=line.debours,
        )
        for acompte in invoice.deducted_acomptes()
        for line in acompte.lines.all()
    ]


def refresh_payment_status(invoice: Invoice) -> None:
    """Sets an issued invoice's status from what was paid and credited (caller saves)."""
    if invoice.is_credit_note or invoice.is_draft:
        return
    remaining = invoice.net_to_pay - invoice.paid_amount - invoice.credited_amount
    if remaining <= 0:
        cancelled = invoice.credited_amount > 0 and invoice.paid_amount == 0
        invoice.status = InvoiceStatus.CANCELLED if cancelled else InvoiceStatus.PAID
    elif invoice.paid_amount > 0:
        invoice.status = InvoiceStatus.PARTIALLY_PAID
    else:
        invoice.status = InvoiceStatus.ISSUED
