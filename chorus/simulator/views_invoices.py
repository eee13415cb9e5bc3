"""Invoices: submit, consult one, its status history, and the supplier's search.

chorus-api.md §3 « Deposit and submission » and « Following an invoice »;
chorus-api-reference.md §3.10–3.13.
"""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from chorus.simulator import codes, lifecycle, params, state, validation
from chorus.simulator.api import Call, Refusal, ok, operation
from chorus.simulator.models import INVOICE_ID_BASE, SimInvoice

SORT_COLUMNS = {
    "NumeroFacture": "numero",
    "DateDepot": "deposited_at",
    "DateFacture": "date_facture",
    "DateHeureEtatCourant": "status_at",
    "MontantTTC": "montant_ttc",
    "Statut": "status",
}


def _datetime(value: datetime | None) -> str | None:
    """History dates as Chorus prints them: local time to the minute."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else None


def _instant(value: datetime) -> str:
    """The current-status time to the millisecond, with offset, so a delta search can start from it."""
    return timezone.localtime(value).isoformat(timespec="milliseconds")


def _number(value) -> float | None:
    return float(value) if value is not None else None


def supplier_invoice(call: Call, name: str = "identifiantFactureCPP") -> SimInvoice:
    """The supplier's invoice whose id is the body's field `name`, brought up to the simulator's clock."""
    identifiant = params.integer(call.body, name, required=True)
    invoices = SimInvoice.objects.filter(
        pk=identifiant - INVOICE_ID_BASE, supplier__in=call.account.structures.all()
    )
    lifecycle.catch_up(state.now(), invoices)
    invoice = invoices.select_related(
        "recipient", "recipient_service", "supplier", "supplier_service"
    ).first()
    if invoice is None:
        raise Refusal(codes.FACTURE_INCONNUE, f"Facture {identifiant} inconnue pour ce fournisseur.")
    return invoice


@operation("factures/v1/soumettre")
def soumettre(call: Call) -> dict:
    fields = validation.check_submission(call)
    deposited_at = state.now()
    numero = fields.pop("numero")
    try:
        with transaction.atomic():
            invoice = SimInvoice.objects.create(
                # In SAISIE_API the number derives from the row id, so a unique stand-in holds its place.
                numero=numero or uuid.uuid4().hex,
                deposited_at=deposited_at,
                status="DEPOSEE",
                status_at=deposited_at,
                status_comment="Facture déposée",
                outcome=lifecycle.NORMAL,
                **fields,
            )
            if not numero:
                # SAISIE_API: Chorus numbers the invoice itself (20 digits: year + counter).
                invoice.numero = f"{deposited_at:%Y}{invoice.pk:016d}"
            invoice.outcome = lifecycle.outcome_for(invoice.numero)
            invoice.save(update_fields=["numero", "outcome"])
            lifecycle.record_deposit(invoice)
    except IntegrityError:
        raise Refusal(
            codes.NUMERO_DEJA_UTILISE, f"Le numéro de facture {numero} a déjà été utilisé par ce fournisseur."
        ) from None
    fingerprint = hashlib.sha256(json.dumps(call.body, sort_keys=True).encode()).digest()
    return ok(
        identifiantFactureCPP=invoice.identifiant_cpp,
        numeroFacture=invoice.numero,
        dateDepot=f"{timezone.localdate(deposited_at):%Y-%m-%d}",
        statutFacture="DEPOSEE",
        identifiantStructure=invoice.supplier.siret,
        empreinteCertificatDepot=base64.b64encode(fingerprint).decode(),
    )


@operation("factures/v1/consulter/fournisseur")
def consulter_fournisseur(call: Call) -> dict:
    invoice = supplier_invoice(call)
    payload = invoice.payload
    return ok(
        facture={
            "identifiantFactureCPP": invoice.identifiant_cpp,
            "numeroFacture": invoice.numero,
            "dateFacture": f"{invoice.date_facture:%Y-%m-%d}",
            "dateDepot": f"{timezone.localdate(invoice.deposited_at):%Y-%m-%d}",
            "statutFacture": invoice.status,
            "dateHeureEtatCourant": _instant(invoice.status_at),
            "commentaireEtatCourant": invoice.status_comment,
            "modeDepot": invoice.mode_depot,
            "commentaire": payload.get("commentaire"),
            "cadreDeFacturation": {"codeCadreFacturation": invoice.cadre},
            "destinataire": {
                "codeDestinataire": invoice.recipient.siret,
                "idDestinataire": invoice.recipient.id_cpp,
                "libelleDestinataire": invoice.recipient.designation,
                "codeServiceExecutant": invoice.recipient_service.code if invoice.recipient_service else None,
                "idServiceExecutant": invoice.recipient_service.id_service
                if invoice.recipient_service
                else None,
                "libelleServiceExecutant": (
                    invoice.recipient_service.libelle if invoice.recipient_service else None
                ),
            },
            "fournisseur": {
                "idFournisseur": invoice.supplier.id_cpp,
                "codeFournisseur": invoice.supplier.siret,
                "idServiceFournisseur": invoice.supplier_service.id_service
                if invoice.supplier_service
                else None,
                "codeServiceFournisseur": invoice.supplier_service.code if invoice.supplier_service else None,
                "codeCoordonneesBancairesFournisseur": (
                    invoice.bank_account.id_coordonnee if invoice.bank_account else None
                ),
            },
            "references": {
                "typeFacture": invoice.type_facture,
                "typeTva": invoice.type_tva or None,
                "modePaiement": invoice.mode_paiement or None,
                "codeDeviseFacture": invoice.devise,
                "dateFacture": f"{invoice.date_facture:%Y-%m-%d}",
                "dateEcheancePaiement": f"{invoice.date_echeance:%Y-%m-%d}"
                if invoice.date_echeance
                else None,
                "numeroMarche": invoice.numero_marche or None,
                "numeroBonCommande": invoice.numero_bon_commande or None,
                "numeroFactureOrigine": invoice.numero_facture_origine or None,
                "motifExonerationTva": (payload.get("references") or {}).get("motifExonerationTva"),
            },
            "montantTotal": {
                "montantHtTotal": _number(invoice.montant_ht),
                "montantTVA": _number(invoice.montant_tva),
                "montantTtcTotal": _number(invoice.montant_ttc),
                "montantTtcAvantRemiseGlobalTTC": _number(invoice.montant_ttc),
                "montantAPayer": _number(invoice.montant_a_payer),
            },
            "numeroFluxDepot": invoice.numero_flux or None,
        }
    )


@operation("factures/v1/consulter/historique")
def consulter_historique(call: Call) -> dict:
    invoice = supplier_invoice(call, "idFacture")
    limit = params.integer(call.body, "nbResultatsMaximum")
    changes = list(invoice.history.all())
    shown = changes[:limit] if limit and limit > 0 else changes
    return ok(
        idFacture=invoice.identifiant_cpp,
        numeroFacture=invoice.numero,
        modeDepot=invoice.mode_depot,
        statutCourantCode=invoice.status,
        historiquesDesStatuts={
            "histoStatut": [
                {
                    "histoStatutId": change.pk,
                    "histoStatutCode": change.code,
                    "histoStatutDatePassage": _datetime(change.at),
                    "histoStatutCommentaire": change.comment,
                    "histoStatutUtilisateurNom": change.actor,
                }
                for change in shown
            ],
            "pageCouranteHistoStatut": 1,
            "pagesHistoStatut": 1,
            "nbResultatsParPageHistoStatut": len(shown),
            "totalHistoStatut": len(changes),
        },
    )


@operation("factures/v1/rechercher/fournisseur")
def rechercher_fournisseur(call: Call) -> dict:
    body = call.body
    paging = params.obj(body, "rechercheFactureParFournisseur")
    invoices = SimInvoice.objects.filter(supplier__in=call.account.structures.all())
    lifecycle.catch_up(state.now(), invoices)
    invoices = _filtered(invoices, body).select_related("recipient", "recipient_service", "supplier")
    column = SORT_COLUMNS.get(params.text(paging, "triColonne"), "deposited_at")
    descending = params.text(paging, "triSens") != "Ascendant"
    invoices = invoices.order_by(f"-{column}" if descending else column, "-id" if descending else "id")
    shown, retour = params.page(invoices, paging)
    if not retour["total"]:
        return ok(libelle="TRA_MSG_00.015", listeFactures=[], parametresRetour=retour)
    return ok(listeFactures=[_search_row(invoice) for invoice in shown], parametresRetour=retour)


def _filtered(invoices: QuerySet, body: dict) -> QuerySet:
    exact = {
        "idFournisseur": "supplier__id_cpp",
        "idServiceFournisseur": "supplier_service__id_service",
        "numeroFacture": "numero",
        "numeroFluxDepot": "numero_flux",
        "numeroBonCommande": "numero_bon_commande",
        "numeroMarche": "numero_marche",
        "numeroFactureOrigine": "numero_facture_origine",
        "typeFacture": "type_facture",
        "modeDepot": "mode_depot",
    }
    for key, lookup in exact.items():
        if value := params.text(body, key):
            invoices = invoices.filter(**{lookup: value})
    statuses = body.get("statutCourant")
    if statuses:
        # A list in some clients, a single code in others (chorus-api-reference.md §10.10).
        invoices = invoices.filter(status__in=[statuses] if isinstance(statuses, str) else list(statuses))
    ranges = [
        ("periodeDateDepotDu", "deposited_at__date__gte", params.day),
        ("periodeDateDepotAu", "deposited_at__date__lte", params.day),
        ("periodeDateFactureDu", "date_facture__gte", params.day),
        ("periodeDateFactureAu", "date_facture__lte", params.day),
        ("periodeDateHeureEtatCourantDu", "status_at__gte", params.moment),
        ("periodeDateHeureEtatCourantAu", "status_at__lte", params.moment),
    ]
    for key, lookup, read in ranges:
        if (value := read(body, key)) is not None:
            invoices = invoices.filter(**{lookup: value})
    recipients = body.get("listeDestinataire") or []
    if recipients:
        ids = [r.get("idDestinataire") for r in recipients if isinstance(r, dict)]
        invoices = invoices.filter(recipient__id_cpp__in=ids)
    return invoices


def _search_row(invoice: SimInvoice) -> dict:
    service = invoice.recipient_service
    return {
        "identifiantFactureCPP": invoice.identifiant_cpp,
        "numeroFacture": invoice.numero,
        "statut": invoice.status,
        "dateHeureEtatCourant": _instant(invoice.status_at),
        "commentaireEtatCourant": invoice.status_comment,
        "dateDepot": f"{timezone.localdate(invoice.deposited_at):%Y-%m-%d}",
        "dateFacture": f"{invoice.date_facture:%Y-%m-%d}",
        "typeFacture": invoice.type_facture,
        "typeDemandePaiement": "FACTURE",
        "modeDepot": invoice.mode_depot,
        "montantHT": _number(invoice.montant_ht),
        "montantTTC": _number(invoice.montant_ttc),
        "montantAPayer": _number(invoice.montant_a_payer),
        "devise": invoice.devise,
        "idDestinataire": invoice.recipient.id_cpp,
        "codeDestinataire": invoice.recipient.siret,
        "designationDestinataire": invoice.recipient.designation,
        "idServiceExecutant": service.id_service if service else None,
        "codeServiceExecutant": service.code if service else None,
        "nomServiceExecutant": service.libelle if service else None,
        "codeFournisseur": invoice.supplier.siret,
        "designationFournisseur": invoice.supplier.designation,
        "numeroBonCommande": invoice.numero_bon_commande or None,
        "numeroMarche": invoice.numero_marche or None,
        "numeroFactureOrigine": invoice.numero_facture_origine or None,
        "numeroFluxDepot": invoice.numero_flux or None,
        "rejetTraite": False,
    }
