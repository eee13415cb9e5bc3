"""How a submitted invoice moves through the Chorus statuses as simulated time passes.

The path an invoice takes is fixed at submission from a hash of its number, so a run is repeatable:
the same number always ends the same way, at the same simulated delays after its deposit. Changes are
written lazily (when an invoice is read or the clock moves), each with its date and comment, which is
what consulter/historique and the periodeDateHeureEtatCourant search filter read.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from django.db import transaction

from chorus.simulator.models import SimInvoice, SimStatusChange

NORMAL = "NORMAL"
REJETEE = "REJETEE"
SUSPENDUE = "SUSPENDUE"
A_RECYCLER = "A_RECYCLER"
RESUMED = "REPRISE"

FINAL_STATUSES = frozenset({"MISE_EN_PAIEMENT", "REJETEE", "ABANDONNEE", "SUPPRIMEE"})

CHORUS = "Chorus Pro"

_ROUTING = [
    (
        "EN_COURS_ACHEMINEMENT",
        timedelta(minutes=5),
        "Facture en cours d'acheminement vers le destinataire",
        CHORUS,
    ),
    ("MISE_A_DISPOSITION", timedelta(hours=1), "Facture mise à disposition du destinataire", CHORUS),
]
_PAYMENT = [
    ("SERVICE_FAIT", timedelta(days=2), "Service fait certifié", "buyer"),
    ("MANDATEE", timedelta(days=5), "Mandat de paiement émis", "buyer"),
]
_PAID = (
    "MISE_EN_PAIEMENT",
    timedelta(days=10),
    "Paiement effectué par le comptable public",
    "Comptable public",
)
_BRANCHES = {
    REJETEE: ("REJETEE", timedelta(days=1), "Rejet : montant non conforme à l'engagement juridique", "buyer"),
    SUSPENDUE: ("SUSPENDUE", timedelta(days=1), "Suspension : procès-verbal de bornage manquant", "buyer"),
    A_RECYCLER: ("A_RECYCLER", timedelta(days=1), "À recycler : code service exécutant erroné", "buyer"),
}


def outcome_for(numero: str) -> str:
    """The end an invoice number leads to: about three in four are paid, the rest split three ways."""
    bucket = int(hashlib.sha256(numero.encode()).hexdigest()[:8], 16) % 100
    if bucket < 8:
        return REJETEE
    if bucket < 16:
        return SUSPENDUE
    if bucket < 24:
        return A_RECYCLER
    return NORMAL


def plan(invoice: SimInvoice) -> list[tuple[str, timedelta, str, str]]:
    """Steps after DEPOSEE as (status, delay from the deposit, comment, actor)."""
    if invoice.outcome in _BRANCHES:
        return [*_ROUTING, _BRANCHES[invoice.outcome]]
    # A completed invoice is back with the buyer: it resumes at the certification of the service.
    routing = [] if invoice.outcome == RESUMED else _ROUTING
    if invoice.recipient.mep_non_remonte:
        return [*routing, *_PAYMENT]
    return [*routing, *_PAYMENT, _PAID]


def _base(invoice: SimInvoice) -> datetime:
    return invoice.cycle_started_at or invoice.deposited_at


def _actor(actor: str, invoice: SimInvoice) -> str:
    return f"Gestionnaire {invoice.recipient.designation}" if actor == "buyer" else actor


def record_deposit(invoice: SimInvoice) -> None:
    steps = plan(invoice)
    SimStatusChange.objects.create(
        invoice=invoice, code="DEPOSEE", at=invoice.deposited_at, comment="Facture déposée", actor=CHORUS
    )
    invoice.next_change_at = invoice.deposited_at + steps[0][1]
    invoice.save(update_fields=["next_change_at"])


def catch_up(now: datetime, invoices=None) -> None:
    """Writes every status change due by `now`; `invoices` narrows the work to one queryset."""
    due = (invoices if invoices is not None else SimInvoice.objects.all()).filter(next_change_at__lte=now)
    for invoice in due.select_related("recipient"):
        _advance(invoice, now)


def _advance(invoice: SimInvoice, now: datetime) -> None:
    steps = plan(invoice)
    codes = [code for code, *_ in steps]
    position = codes.index(invoice.status) + 1 if invoice.status in codes else 0
    base = _base(invoice)
    pending = [s for s in steps[position:] if base + s[1] <= now]
    if not pending:
        return
    code, delay, comment, actor = pending[-1]
    following = steps[position + len(pending) :]
    next_at = base + following[0][1] if following else None
    with transaction.atomic():
        # The conditional update is the claim: a concurrent reader that got here first wins, and this
        # one writes nothing, so no change is recorded twice.
        claimed = SimInvoice.objects.filter(pk=invoice.pk, status=invoice.status).update(
            status=code,
            status_at=base + delay,
            status_comment=comment,
            next_change_at=next_at,
        )
        if claimed != 1:
            return
        SimStatusChange.objects.bulk_create(
            SimStatusChange(invoice=invoice, code=c, at=base + d, comment=text, actor=_actor(who, invoice))
            for c, d, text, who in pending
        )


def restart(invoice: SimInvoice, *, code: str, outcome: str, comment: str, at: datetime) -> None:
    """A new cycle after the supplier's answer (completer, recycler): the status now, the rest later."""
    invoice.status, invoice.status_at, invoice.status_comment = code, at, comment
    invoice.outcome, invoice.cycle_started_at = outcome, at
    invoice.next_change_at = at + plan(invoice)[0][1]
    invoice.save()
    SimStatusChange.objects.create(invoice=invoice, code=code, at=at, comment=comment, actor="Fournisseur")


BUYER_STATUSES = frozenset({"SUSPENDUE", "A_RECYCLER", "REJETEE", "SERVICE_FAIT", "MANDATEE"})


def force_status(invoice: SimInvoice, code: str, comment: str, at: datetime) -> None:
    """Sets a status by hand (control endpoint); the invoice then stops moving on its own until the supplier
    answers (completer, recycler). A buyer's status is signed by the buyer's manager, like the scripted ones."""
    actor = _actor("buyer", invoice) if code in BUYER_STATUSES else "Simulateur"
    with transaction.atomic():
        SimInvoice.objects.filter(pk=invoice.pk).update(
            status=code, status_at=at, status_comment=comment, next_change_at=None
        )
        SimStatusChange.objects.create(invoice=invoice, code=code, at=at, comment=comment, actor=actor)
