"""What the simulator checks in a Factur-X flux (deposer/flux, syntax IN_DP_E2_CII_FACTURX), and the invoice
its integration creates.

At deposit: the PDF must carry a factur-x.xml the Factur-X XSD accepts; the seller must be one of the
depositing account's structures, the buyer a known active public structure, and the buyer's rules met
(service code BT-10 / engagement BT-13 when required); the number must be new for this supplier.
Errors make the flux end « IN_REJETE » with them in listeErreurDP. An integrated flux becomes a
SimInvoice (mode de dépôt DEPOT_FLUX) that the supplier search finds, with the usual status lifecycle.
"""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal

from lxml import etree

from chorus.simulator import codes, lifecycle, validation
from chorus.simulator.api import Refusal
from chorus.simulator.models import SimFlux, SimInvoice, SimStructure, SimTechnicalAccount

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
AGREEMENT = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement/"
SETTLEMENT = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/"
SUMS = SETTLEMENT + "ram:SpecifiedTradeSettlementHeaderMonetarySummation/"
CREDIT_NOTES = ("381", "261", "262", "396", "502", "503")


# The same recipient rules as « soumettre », worded with the Factur-X terms where they differ.
FLUX_WORDING = {
    codes.CHAMP_OBLIGATOIRE: "Destinataire (sans SIRET) inconnu ou inactif.",
    codes.SERVICE_OBLIGATOIRE: "Le code service du destinataire (BT-10) est obligatoire pour ce destinataire.",
    codes.ENGAGEMENT_OBLIGATOIRE: "Le numéro d'engagement (BT-13) est obligatoire pour ce destinataire.",
}


def _error(libelle: str) -> dict:
    return {"codeErreur": "ERR_FACTURX", "libelleErreur": libelle, "natureErreur": "METIER"}


def _text(root, path: str) -> str:
    found = root.xpath(path, namespaces=NS)
    return (found[0].text or "").strip() if found else ""


def _siret(root, party: str) -> str:
    base = f"{AGREEMENT}ram:{party}/"
    return _text(root, base + "ram:GlobalID[@schemeID='0009']") or _text(
        root, base + "ram:URIUniversalCommunication/ram:URIID"
    )


def _date(value: str) -> str | None:
    return f"{value[:4]}-{value[4:6]}-{value[6:8]}" if len(value) == 8 and value.isdigit() else None


def is_readable_pdf(content: bytes) -> bool:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        return len(PdfReader(io.BytesIO(content)).pages) > 0
    except (PyPdfError, ValueError, KeyError, TypeError, IndexError, AttributeError, OSError):
        return False


def read(content: bytes, account: SimTechnicalAccount) -> tuple[list[dict], dict]:
    """(errors, invoice fields) of a Factur-X PDF deposited by `account`.

    Only for a file a PDF reader opens: other content keeps the first-level byte check of
    views_reference (the simulator's older behaviour, used by hand-made test flows).
    """
    from facturx import get_facturx_xml_from_pdf

    try:
        _, xml = get_facturx_xml_from_pdf(content, check_xsd=True)
    except Exception as e:  # the library raises bare Exceptions (no attachment, XSD failure, bad PDF)
        return [_error(f"Factur-X illisible : {e}")], {}
    if not xml:
        return [_error("Aucun fichier factur-x.xml trouvé dans le PDF.")], {}
    root = etree.fromstring(xml)
    data = {
        "numero": _text(root, "rsm:ExchangedDocument/ram:ID"),
        "type_code": _text(root, "rsm:ExchangedDocument/ram:TypeCode"),
        "date_facture": _date(_text(root, "rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString")),
        "date_echeance": _date(
            _text(root, SETTLEMENT + "ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString")
        ),
        "supplier_siret": _siret(root, "SellerTradeParty"),
        "recipient_siret": _siret(root, "BuyerTradeParty"),
        "code_service": _text(root, AGREEMENT + "ram:BuyerReference"),
        "numero_bon_commande": _text(
            root, AGREEMENT + "ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID"
        ),
        "numero_marche": _text(root, AGREEMENT + "ram:ContractReferencedDocument/ram:IssuerAssignedID"),
        "numero_facture_origine": _text(
            root, SETTLEMENT + "ram:InvoiceReferencedDocument/ram:IssuerAssignedID"
        ),
        "montant_ht": _text(root, SUMS + "ram:TaxBasisTotalAmount") or "0",
        "montant_tva": _text(root, SUMS + "ram:TaxTotalAmount") or "0",
        "montant_ttc": _text(root, SUMS + "ram:GrandTotalAmount") or "0",
        "montant_a_payer": _text(root, SUMS + "ram:DuePayableAmount") or "0",
        "debits": _text(root, SETTLEMENT + "ram:ApplicableTradeTax/ram:DueDateTypeCode") == "5",
    }
    errors = []
    if not data["numero"] or not data["date_facture"]:
        errors.append(_error("Numéro ou date de facture absent du XML."))
    supplier = account.structures.filter(siret=data["supplier_siret"]).first()
    if supplier is None:
        errors.append(
            _error(f"Le vendeur {data['supplier_siret'] or '(sans SIRET)'} n'est pas rattaché au compte.")
        )
    try:
        validation.check_recipient(
            {"codeDestinataire": data["recipient_siret"], "codeServiceExecutant": data["code_service"]},
            data["numero_bon_commande"],
        )
    except Refusal as refusal:
        errors.append(_error(FLUX_WORDING.get(refusal.code, refusal.libelle)))
    if supplier is not None and SimInvoice.objects.filter(supplier=supplier, numero=data["numero"]).exists():
        errors.append(_error(f"Le numéro de facture {data['numero']} a déjà été utilisé par ce fournisseur."))
    return errors, data


def integrate(flux: SimFlux, at: datetime) -> SimInvoice | None:
    """The invoice of an integrated Factur-X flux, created once (at the integration time)."""
    data = flux.invoice
    if not data or flux.errors:
        return None
    existing = SimInvoice.objects.filter(numero_flux=flux.numero).first()
    if existing is not None:
        return existing
    supplier = flux.account.structures.get(siret=data["supplier_siret"])
    recipient = SimStructure.objects.get(siret=data["recipient_siret"], is_public=True)
    invoice = SimInvoice.objects.create(
        account=flux.account,
        supplier=supplier,
        recipient=recipient,
        recipient_service=recipient.services.filter(code=data["code_service"]).first()
        if data["code_service"]
        else None,
        numero=data["numero"],
        mode_depot="DEPOT_FLUX",
        cadre="A1_FACTURE_FOURNISSEUR",
        type_facture="AVOIR" if data["type_code"] in CREDIT_NOTES else "FACTURE",
        type_tva="TVA_SUR_DEBIT" if data["debits"] else "TVA_SUR_ENCAISSEMENT",
        date_facture=data["date_facture"],
        date_echeance=data["date_echeance"],
        deposited_at=at,
        numero_bon_commande=data["numero_bon_commande"],
        numero_marche=data["numero_marche"],
        numero_facture_origine=data["numero_facture_origine"],
        montant_ht=Decimal(data["montant_ht"]),
        montant_tva=Decimal(data["montant_tva"]),
        montant_ttc=Decimal(data["montant_ttc"]),
        montant_a_payer=Decimal(data["montant_a_payer"]),
        numero_flux=flux.numero,
        payload={"syntaxeFlux": flux.syntaxe, "nomFichier": flux.nom_fichier},
        outcome=lifecycle.outcome_for(data["numero"]),
        status="DEPOSEE",
        status_at=at,
        status_comment="Facture déposée (flux Factur-X intégré)",
    )
    lifecycle.record_deposit(invoice)
    return invoice
