"""The checks Chorus makes on factures/v1/soumettre before it accepts an invoice.

chorus-api.md §3 (soumettre, recipient rules) and chorus-api-reference.md §3.10 and §12 « Submission ».
Each check raises a Refusal with its own codeRetour (codes.py) and a French libellé the product shows.
"""

from __future__ import annotations

import re
from decimal import Decimal

from chorus.simulator import codes, params, seed_data, state
from chorus.simulator.api import Call, Refusal
from chorus.simulator.models import ATTACHMENT_ID_BASE, SimAttachment, SimService, SimStructure

MODES_DEPOT = ("DEPOT_PDF_API", "DEPOT_PDF_SIGNE_API", "SAISIE_API")
PDF_MODES = ("DEPOT_PDF_API", "DEPOT_PDF_SIGNE_API")
CADRES = (
    "A1_FACTURE_FOURNISSEUR",
    "A2_FACTURE_FOURNISSEUR_DEJA_PAYEE",
    "A3_MEMOIRE_JUSTICE",
    "A9_FACTURE_SOUSTRAITANT",
    "A12_FACTURE_COTRAITANT",
    "A21_DEMANDE_REMBOURSEMENT_TIC",
)
CADRES_AVEC_VALIDEUR = ("A9_FACTURE_SOUSTRAITANT", "A12_FACTURE_COTRAITANT")
TYPES_FACTURE = ("FACTURE", "AVOIR")
TYPES_TVA = ("TVA_SUR_DEBIT", "TVA_SUR_ENCAISSEMENT", "EXONERATION", "SANS_TVA")
MODES_PAIEMENT = ("CHEQUE", "PRELEVEMENT", "VIREMENT", "ESPECE", "AUTRE", "REPORT")
FACTURES_PUBLIQUES = "FACTURES_PUBLIQUES"
NUMBER_PATTERN = re.compile(r"^[A-Za-z0-9+\-_/]{1,35}$")
# The top-level request fields of soumettre in chorus-api-reference.md §3.10; anything else is refused like
# the unknown fields of §5.1 (a top-level dateEcheancePaiement, for one, is in no public example).
SUBMIT_FIELDS = frozenset(
    {
        "modeDepot", "numeroFactureSaisi", "dateFacture", "idUtilisateurCourant", "commentaire", "destinataire",
        "fournisseur", "cadreDeFacturation", "references", "lignePoste", "ligneTva", "montantTotal",
        "pieceJointePrincipale", "pieceJointeComplementaire",
    }
)  # fmt: skip


def check_submission(call: Call) -> dict:
    """Returns the SimInvoice fields of a valid submission. Raises Refusal on the first broken rule."""
    body = call.body
    if unknown := sorted(set(body) - SUBMIT_FIELDS):
        raise Refusal(codes.CHAMP_INCONNU, f"Champ(s) inconnu(s) dans la requête : {', '.join(unknown)}.")
    mode = params.enum(body, "modeDepot", MODES_DEPOT, required=True)
    cadre = params.obj(body, "cadreDeFacturation")
    code_cadre = params.enum(cadre, "codeCadreFacturation", CADRES, required=True)
    if code_cadre in CADRES_AVEC_VALIDEUR and not params.text(cadre, "codeStructureValideur"):
        raise params.missing("cadreDeFacturation.codeStructureValideur")
    fields = {"mode_depot": mode, "cadre": code_cadre, "payload": body, "account": call.account}
    fields.update(_supplier(call))
    fields.update(_numbering(body, mode))
    fields.update(_references(body))
    fields.update(check_recipient(params.obj(body, "destinataire"), fields["numero_bon_commande"]))
    fields.update(_amounts(body))
    _attachments(call, mode)
    return fields


def _supplier(call: Call) -> dict:
    supplier = params.obj(call.body, "fournisseur")
    id_fournisseur = params.integer(supplier, "idFournisseur", required=True)
    structure = call.account.structures.filter(id_cpp=id_fournisseur).first()
    if structure is None:
        raise Refusal(
            codes.FOURNISSEUR_NON_RATTACHE,
            f"Le fournisseur {id_fournisseur} n'est pas rattaché au compte technique.",
        )
    service = None
    if (id_service := params.integer(supplier, "idServiceFournisseur")) is not None:
        service = structure.services.filter(id_service=id_service, active=True).first()
        if service is None:
            raise Refusal(
                codes.SERVICE_FOURNISSEUR_INCONNU, f"Service fournisseur {id_service} inconnu ou inactif."
            )
    bank = None
    if (id_bank := params.integer(supplier, "codeCoordonneesBancairesFournisseur")) is not None:
        bank = structure.bank_accounts.filter(id_coordonnee=id_bank, active=True).first()
        if bank is None:
            raise Refusal(
                codes.COORDONNEES_BANCAIRES_INCONNUES,
                f"Coordonnées bancaires {id_bank} inconnues pour ce fournisseur.",
            )
    return {"supplier": structure, "supplier_service": service, "bank_account": bank}


def _numbering(body: dict, mode: str) -> dict:
    numero = params.text(body, "numeroFactureSaisi", required=mode in PDF_MODES)
    if numero and not NUMBER_PATTERN.match(numero):
        raise Refusal(
            codes.VALEUR_INVALIDE,
            "Le numéro de facture doit faire au plus 35 caractères parmi A-Z a-z 0-9 + - _ /.",
        )
    date_facture = params.day(body, "dateFacture", required=True)
    if date_facture > state.today():
        raise Refusal(
            codes.DATE_FACTURE_FUTURE, "La date de facture ne peut pas être postérieure à la date de dépôt."
        )
    params.text(body, "commentaire", max_length=200)
    return {"numero": numero, "date_facture": date_facture}


def _references(body: dict) -> dict:
    refs = params.obj(body, "references")
    devise = params.text(refs, "deviseFacture", required=True)
    if not re.fullmatch(r"[A-Z]{3}", devise):
        raise Refusal(codes.VALEUR_INVALIDE, f"Devise « {devise} » invalide (code ISO 4217 attendu).")
    type_facture = params.enum(refs, "typeFacture", TYPES_FACTURE, required=True)
    type_tva = params.enum(refs, "typeTva", TYPES_TVA, required=body.get("modeDepot") == "SAISIE_API")
    motif = params.text(refs, "motifExonerationTva")
    if type_tva == "EXONERATION" and not motif:
        raise Refusal(
            codes.MOTIF_EXONERATION_OBLIGATOIRE,
            "Le motif d'exonération de TVA est obligatoire (typeTva EXONERATION).",
        )
    if motif and motif not in {code for code, _ in seed_data.MOTIFS_EXONERATION}:
        raise Refusal(
            codes.MOTIF_EXONERATION_INCONNU,
            f"Motif d'exonération « {motif} » inconnu (liste transverses/v1/recuperer/motifs/exonerationtva).",
        )
    origine = params.text(refs, "numeroFactureOrigine", max_length=40)
    if type_facture == "AVOIR" and not origine:
        raise Refusal(
            codes.FACTURE_ORIGINE_OBLIGATOIRE,
            "Le numéro de la facture d'origine est obligatoire pour un avoir.",
        )
    return {
        "devise": devise,
        "type_facture": type_facture,
        "type_tva": type_tva,
        "mode_paiement": params.enum(refs, "modePaiement", MODES_PAIEMENT, required=True),
        "numero_marche": params.text(refs, "numeroMarche", max_length=50),
        "numero_bon_commande": params.text(refs, "numeroBonCommande", max_length=50),
        # Chorus ignores the origin number on an ordinary invoice.
        "numero_facture_origine": origine if type_facture == "AVOIR" else "",
    }


def check_recipient(recipient: dict, engagement: str) -> dict:
    siret = params.text(recipient, "codeDestinataire", required=True)
    structure = SimStructure.objects.filter(siret=siret, is_public=True).first()
    if structure is None or not structure.active:
        raise Refusal(codes.DESTINATAIRE_INTROUVABLE, f"Destinataire {siret} non trouvé ou inactif.")
    code_service = params.text(recipient, "codeServiceExecutant")
    service = None
    if code_service:
        service = _recipient_service(structure, code_service)
    elif structure.code_service_obligatoire:
        raise Refusal(
            codes.SERVICE_OBLIGATOIRE, "Le code service exécutant est obligatoire pour ce destinataire."
        )
    needs_engagement = (
        structure.ej_obligatoire
        or (structure.ej_ou_service and service is None)
        or (service is not None and service.ej_obligatoire)
    )
    if needs_engagement and not engagement:
        raise Refusal(
            codes.ENGAGEMENT_OBLIGATOIRE,
            "Le numéro d'engagement (bon de commande) est obligatoire pour ce destinataire.",
        )
    return {"recipient": structure, "recipient_service": service}


def _recipient_service(structure: SimStructure, code: str) -> SimService:
    service = structure.services.filter(code=code).first()
    if service is None or not service.active:
        raise Refusal(
            codes.SERVICE_INVALIDE, f"Service exécutant « {code} » inconnu ou inactif pour ce destinataire."
        )
    if service.code == FACTURES_PUBLIQUES:
        raise Refusal(
            codes.SERVICE_FACTURES_PUBLIQUES,
            "Le service des factures publiques est réservé aux factures entre entités publiques.",
        )
    return service


def _amounts(body: dict) -> dict:
    totals = params.obj(body, "montantTotal")
    if not totals:
        raise params.missing("montantTotal")
    ht = params.money(totals, "montantHtTotal", required=True)
    tva = params.money(totals, "montantTVA", required=True)
    ttc = params.money(totals, "montantTtcTotal", required=True)
    a_payer = params.money(totals, "montantAPayer", required=True)
    remise = params.money(totals, "montantRemiseGlobaleTTC") or Decimal("0")
    if ht + tva != ttc:
        raise Refusal(
            codes.MONTANTS_INCOHERENTS,
            f"Montants incohérents : HT ({ht}) + TVA ({tva}) ≠ TTC ({ttc}).",
        )
    if a_payer > ttc - remise:
        raise Refusal(
            codes.MONTANTS_INCOHERENTS,
            f"Montants incohérents : le montant à payer ({a_payer}) dépasse le TTC net de remise.",
        )
    _vat_lines(body, ht, tva)
    return {"montant_ht": ht, "montant_tva": tva, "montant_ttc": ttc, "montant_a_payer": a_payer}


def _vat_lines(body: dict, ht: Decimal, tva: Decimal) -> None:
    lines = objects(body.get("ligneTva") or [], "ligneTva")
    if not lines:
        return
    bases = sum(
        (params.money(line, "ligneTvaMontantBaseHtParTaux", required=True) for line in lines), Decimal(0)
    )
    taxes = sum(
        (params.money(line, "ligneTvaMontantTvaParTaux", required=True) for line in lines), Decimal(0)
    )
    if bases != ht or taxes != tva:
        raise Refusal(
            codes.MONTANTS_INCOHERENTS,
            "Montants incohérents : le récapitulatif de TVA ne correspond pas aux totaux HT et TVA.",
        )


def _attachments(call: Call, mode: str) -> None:
    principal = call.body.get("pieceJointePrincipale") or []
    # One client family sends a single object (chorus-api-reference.md §10.2): accept it.
    principal = [principal] if isinstance(principal, dict) else principal
    if mode in PDF_MODES and not principal:
        raise params.missing("pieceJointePrincipale")
    for item in objects(principal, "pieceJointePrincipale"):
        params.text(item, "pieceJointePrincipaleDesignation", max_length=100)
        check_attachment(call, params.integer(item, "pieceJointePrincipaleId", required=True))
    check_complementary(call)


def check_complementary(call: Call) -> None:
    """pieceJointeComplementaire[] of soumettre and completer: ids of the account's files, types from typespj."""
    known_types = {code for _, code, _ in seed_data.TYPES_PJ}
    for item in objects(call.body.get("pieceJointeComplementaire") or [], "pieceJointeComplementaire"):
        check_attachment(call, params.integer(item, "pieceJointeComplementaireId", required=True))
        type_pj = params.text(item, "pieceJointeComplementaireType")
        if type_pj and type_pj not in known_types:
            raise Refusal(
                codes.TYPE_PIECE_JOINTE_INCONNU,
                f"Type de pièce jointe « {type_pj} » inconnu (liste transverses/v1/recuperer/typespj).",
            )


def refuse_unknown_fields(body: dict, known: frozenset[str]) -> None:
    if unknown := sorted(set(body) - known):
        raise Refusal(codes.CHAMP_INCONNU, f"Champ(s) inconnu(s) dans la requête : {', '.join(unknown)}.")


def objects(value: object, name: str) -> list[dict]:
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise Refusal(codes.VALEUR_INVALIDE, f"{name} doit être une liste d'objets.")
    return value


def check_attachment(call: Call, piece_jointe_id: int) -> None:
    pk = piece_jointe_id - ATTACHMENT_ID_BASE
    if pk <= 0 or not SimAttachment.objects.filter(pk=pk, account=call.account).exists():
        raise Refusal(codes.PIECE_JOINTE_INCONNUE, f"La pièce jointe {piece_jointe_id} n'existe pas.")
