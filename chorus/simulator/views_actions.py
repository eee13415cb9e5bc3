"""The supplier's answers to a returned invoice: completer (SUSPENDUE) and recycler (A_RECYCLER).

chorus-api-reference.md §3.14 and the « Lifecycle » items of its §12 checklist.
"""

from __future__ import annotations

from django.utils import timezone

from chorus.simulator import codes, lifecycle, params, state, validation
from chorus.simulator.api import Call, Refusal, ok, operation
from chorus.simulator.views_invoices import supplier_invoice

# chorus-api-reference.md §3.14; recycler's `references` carries a new EJ ([GO]'s reference object).
COMPLETE_FIELDS = frozenset(
    {"identifiantFactureCPP", "commentaire", "pieceJointeComplementaire", "idUtilisateurCourant"}
)
RECYCLE_FIELDS = frozenset(
    {"identifiantFactureCPP", "destinataire", "references", "commentaire", "idUtilisateurCourant"}
)


def _refuse_status(current: str, expected: str) -> Refusal:
    return Refusal(
        codes.ACTION_IMPOSSIBLE, f"Action impossible : la facture est au statut {current}, pas {expected}."
    )


@operation("factures/v1/completer")
def completer(call: Call) -> dict:
    validation.refuse_unknown_fields(call.body, COMPLETE_FIELDS)
    invoice = supplier_invoice(call)
    if invoice.status != "SUSPENDUE":
        raise _refuse_status(invoice.status, "SUSPENDUE")
    comment = params.text(call.body, "commentaire", max_length=200)
    attachments = call.body.get("pieceJointeComplementaire") or []
    validation.check_complementary(call)
    if not (comment or attachments):
        raise Refusal(
            codes.CHAMP_OBLIGATOIRE, "Un commentaire ou une pièce jointe est obligatoire pour compléter."
        )
    now = state.now()
    lifecycle.restart(
        invoice,
        code="COMPLETEE",
        outcome=lifecycle.RESUMED,
        comment=comment or "Facture complétée par le fournisseur",
        at=now,
    )
    return ok(
        identifiantFactureCPP=invoice.identifiant_cpp,
        numeroFacture=invoice.numero,
        dateTraitement=f"{timezone.localdate(now):%Y-%m-%d}",
    )


@operation("factures/v1/recycler")
def recycler(call: Call) -> dict:
    validation.refuse_unknown_fields(call.body, RECYCLE_FIELDS)
    invoice = supplier_invoice(call)
    if invoice.status != "A_RECYCLER":
        raise _refuse_status(invoice.status, "A_RECYCLER")
    references = params.obj(call.body, "references")
    engagement = params.text(references, "numeroBonCommande", max_length=50) or invoice.numero_bon_commande
    routing = validation.check_recipient(params.obj(call.body, "destinataire"), engagement)
    invoice.recipient = routing["recipient"]
    invoice.recipient_service = routing["recipient_service"]
    invoice.numero_bon_commande = engagement
    now = state.now()
    # Same number, new routing; the recycled invoice then follows the ordinary path to payment.
    lifecycle.restart(
        invoice,
        code="DEPOSEE",
        outcome=lifecycle.NORMAL,
        comment=params.text(call.body, "commentaire", max_length=200)
        or "Facture recyclée par le fournisseur",
        at=now,
    )
    return ok(
        identifiantFactureCPP=invoice.identifiant_cpp,
        numeroFacture=invoice.numero,
        dateDepot=f"{timezone.localdate(now):%Y-%m-%d}",
        statutFacture="DEPOSEE",
    )
