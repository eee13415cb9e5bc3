"""Bulk « Transmettre à la plateforme agréée » from the invoice list, on the Chorus Pro bulk send's pattern
(chorus/services/bulk.py: same selection limits, same progress lines and page). Each invoice still goes
through its own start (sending.start) and its own exactly-once task; the progress of a selection is read
from the invoices' own e-invoice records, so no separate « lot » is stored: the page's address lists the
invoices."""

from __future__ import annotations

from chorus.services.bulk import MAX_BATCH, BatchError, Line, check_selection
from einvoicing import routing, sending, services
from einvoicing.models import EInvoice, EInvoiceState, PlatformAccount

__all__ = ["MAX_BATCH", "BatchError", "check_selection_pa", "parse_ids", "progress", "refusal", "start"]

GOAL = "à transmettre à la plateforme agréée"
ALREADY_SENT = (
    "Déjà transmise à la plateforme agréée : ouvrez la facture pour suivre son accusé de réception."
)


def check_selection_pa(invoice_ids: list[int]) -> None:
    check_selection(invoice_ids, goal=GOAL)


def parse_ids(raw: str) -> list[int]:
    """« 12,15,18 » → [12, 15, 18]; raises BatchError (French) on anything else."""
    try:
        ids = sorted({int(part) for part in raw.split(",") if part.strip()})
    except ValueError:
        raise BatchError("Sélection illisible : cochez de nouveau les factures à transmettre.") from None
    if any(pk <= 0 for pk in ids) or len(ids) > MAX_BATCH:
        raise BatchError("Sélection illisible : cochez de nouveau les factures à transmettre.")
    return ids


def _einvoice(invoice) -> EInvoice | None:
    return getattr(invoice, "einvoice", None)  # reverse one-to-one: read in the list's query


def refusal(invoice) -> str:
    """Why the invoice list offers no box for this invoice's transmission, in French; "" when it does."""
    if not invoice.is_issued:
        return "Seule une facture validée peut être transmise à la plateforme agréée."
    decision = services.routing_for(invoice)
    if decision.route != routing.Route.PA_B2B:
        return f"Cette facture ne passe pas par la plateforme agréée : {decision.explanation}"
    einvoice = _einvoice(invoice)
    if einvoice is not None and not einvoice.can_send:
        return ALREADY_SENT
    return ""


def start(*, invoices: list, account: PlatformAccount | None) -> list[int]:
    """Starts each invoice's transmission; returns the e-invoice ids to queue (one task each). An invoice
    that cannot go keeps its reason, shown on its progress line; the others go on.
    Raises BatchError (selection empty or too large)."""
    check_selection_pa([invoice.pk for invoice in invoices])
    queued = []
    for invoice in invoices:
        if refusal(invoice):
            continue
        try:
            einvoice = sending.start(invoice=invoice, account=account)
        except sending.NotSendable:
            continue
        if einvoice.can_send:
            queued.append(einvoice.pk)
    return queued


STATES = {
    EInvoiceState.NEW: "En attente de transmission",
    EInvoiceState.SENDING: "Transmission en cours",
    EInvoiceState.UNKNOWN: "Transmission à vérifier",
    EInvoiceState.SENT: "Transmise à la plateforme",
    EInvoiceState.ERROR: "Échec de la transmission",
}


def _line(invoice, account: PlatformAccount | None) -> Line:
    common = dict(
        id=invoice.pk,
        number=invoice.number or "Brouillon",
        client=invoice.client.nom,
        amount=invoice.total_ttc,
        submission_url=f"{invoice.get_absolute_url()}#transmission",
    )
    einvoice = _einvoice(invoice)
    if einvoice is None:
        reason = refusal(invoice)
        if not reason and account is None:
            reason = (
                "Renseignez d'abord la plateforme agréée du cabinet (Paramètres > Facturation électronique)."
            )
        return Line(**common, state="Non transmise", detail=reason, settled=True, failed=bool(reason))
    state = einvoice.state
    if state == EInvoiceState.SENT:
        ack = f"accusé de réception : {einvoice.ack_label}" if einvoice.ack_label else ""
        return Line(
            **common, state=STATES[state], detail=einvoice.last_error or ack, settled=True, failed=False
        )
    if state in (EInvoiceState.NEW, EInvoiceState.SENDING):
        return Line(**common, state=STATES[state], detail="", settled=False, failed=False)
    # UNKNOWN is retried by its task (search by trackingId first); ERROR waits for the user.
    return Line(**common, state=STATES[state], detail=einvoice.last_error, settled=True, failed=True)


def progress(*, cabinet, invoice_ids: list[int]) -> list[Line]:
    """Each selected invoice and where its transmission stands, in two queries whatever the selection's size."""
    from invoices.models import Invoice

    account = PlatformAccount.objects.filter(cabinet=cabinet).first()
    invoices = (
        Invoice.objects.filter(cabinet=cabinet, pk__in=invoice_ids)
        .select_related("client", "einvoice")
        .order_by("issue_date", "number", "pk")
    )
    return [_line(invoice, account) for invoice in invoices]
