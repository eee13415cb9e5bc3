"""Files sent to Chorus Pro: the invoice PDF, complementary attachments, Factur-X flows.

chorus-api.md §3 "Deposit and submission" and "Factur-X / structured flows";
chorus-api-reference.md §3.8, §3.9, §3.17 and §6. Every Chorus field name of these operations is written here.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from .values import day, decimal, first, integer, items, moment, required, section, text

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENT_NAME = 50
ALLOWED_EXTENSIONS = frozenset(
    "BMP BZ2 CSV DOC DOCX FAX GIF GZ GZIP HTM HTML JPEG JPG ODP ODS ODT P7S PDF PNG PPS PPT PPTX RTF SVG TGZ "
    "TIF TIFF TXT XHTML XLC XLM XLS XLSX XML XSD XSL ZIP".split()
)
PDF_NON_SIGNE = "PDF_NON_SIGNE"
FACTURX_SYNTAX = "IN_DP_E2_CII_FACTURX"


@dataclass(frozen=True)
class Deposit:
    """The deposited PDF's « Numéro pièce jointe », and what Chorus read from it (any of it may be missing)."""

    piece_jointe_id: int
    numero_facture: str | None = None
    date_facture: date | None = None
    type_facture: str | None = None
    type_tva: str | None = None
    devise: str | None = None
    code_destinataire: str | None = None
    code_service_executant: str | None = None
    code_fournisseur: str | None = None
    numero_bon_commande: str | None = None
    montant_ht: Decimal | None = None
    montant_tva: Decimal | None = None
    montant_ttc: Decimal | None = None
    montant_a_payer: Decimal | None = None


@dataclass(frozen=True)
class FluxDeposit:
    numero_flux_depot: str
    date_depot: date | None
    syntaxe: str | None


@dataclass(frozen=True)
class FluxReport:
    numero_flux_depot: str
    etat: str | None  # IN_DEPOSE, IN_EN_COURS_TRAITEMENT…, IN_INTEGRE, IN_REJETE, IN_INCIDENTE
    date_depot: datetime | None
    date_etat: datetime | None
    nom_fichier: str | None
    erreurs: tuple[str, ...]
    report_pdf: bytes | None


def _b64(content: bytes) -> str:
    return base64.b64encode(content).decode("ascii")


# -- factures/v1/deposer/pdf ---------------------------------------------------------------------------------


def _build_pdf_deposit(
    pdf: bytes, filename: str, format_depot: str, id_utilisateur_courant: int
) -> dict[str, Any]:
    return {
        "idUtilisateurCourant": id_utilisateur_courant,
        "fichierFacture": _b64(pdf),
        "nomFichier": filename,
        "formatDepot": format_depot,
    }


def _parse_pdf_deposit(data: Mapping[str, Any]) -> Deposit:
    recipient = section(data, "destinataire")
    supplier = section(data, "fournisseur")
    return Deposit(
        piece_jointe_id=required(integer(data.get("pieceJointeId")), "pieceJointeId"),
        numero_facture=text(data.get("numeroFacture")),
        date_facture=day(data.get("dateFacture")),
        type_facture=text(data.get("typeFacture")),
        type_tva=text(data.get("typeTva")),
        devise=text(first(data, "codeDeviseFacture", "deviseFacture")),
        code_destinataire=text(first(data, "codeDestinataire") or recipient.get("codeDestinataire")),
        code_service_executant=text(
            first(data, "codeServiceExecutant") or recipient.get("codeServiceExecutant")
        ),
        code_fournisseur=text(first(data, "codeFournisseur") or supplier.get("codeFournisseur")),
        numero_bon_commande=text(data.get("numeroBonCommande")),
        montant_ht=decimal(data.get("montantHtTotal")),
        montant_tva=decimal(data.get("montantTVA")),
        montant_ttc=decimal(first(data, "montantTtcAvantRemiseGlobalTTC", "montantTtcTotal")),
        montant_a_payer=decimal(data.get("montantAPayer")),
    )


# -- transverses/v1/ajouter/fichier --------------------------------------------------------------------------


def _build_attachment(content: bytes, name: str, mime: str, extension: str) -> dict[str, Any]:
    return {
        "pieceJointeFichier": _b64(content),
        "pieceJointeNom": name,
        "pieceJointeTypeMime": mime,
        "pieceJointeExtension": extension.lstrip(".").upper(),
    }


def _parse_attachment(data: Mapping[str, Any]) -> int:
    return required(integer(data.get("pieceJointeId")), "pieceJointeId")


# -- factures/v1/deposer/flux --------------------------------------------------------------------------------


def _build_flux_deposit(
    content: bytes, filename: str, syntaxe: str, id_utilisateur_courant: int
) -> dict[str, Any]:
    return {
        "idUtilisateurCourant": id_utilisateur_courant,
        "fichierFlux": _b64(content),
        "nomFichier": filename,
        "syntaxeFlux": syntaxe,
        "avecSignature": False,
    }


def _parse_flux_deposit(data: Mapping[str, Any]) -> FluxDeposit:
    return FluxDeposit(
        numero_flux_depot=required(text(data.get("numeroFluxDepot")), "numeroFluxDepot"),
        date_depot=day(data.get("dateDepot")),
        syntaxe=text(data.get("syntaxeFlux")),
    )


# -- transverses/v1/consulterCRDetaille ----------------------------------------------------------------------


def _build_flux_report(numero_flux_depot: str, syntaxe: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {"numeroFluxDepot": numero_flux_depot}
    if syntaxe:
        body["syntaxeFlux"] = syntaxe
    return body


def _parse_flux_report(data: Mapping[str, Any], numero_flux_depot: str) -> FluxReport:
    errors = [
        text(first(item, "libelleErreurDP", "libelleErreur"))
        for item in items(data, "listeErreurDP") + items(data, "listeErreurTechnique")
    ]
    report = None
    if isinstance(data.get("fichierCR"), str):
        try:
            report = base64.b64decode(data["fichierCR"], validate=True)
        except (binascii.Error, ValueError):
            report = None
    # consulterCR says etatCourantFlux, consulterCRDetaille etatCourantDepotFlux: both are read.
    return FluxReport(
        numero_flux_depot=text(data.get("numeroFluxDepot")) or numero_flux_depot,
        etat=text(first(data, "etatCourantFlux", "etatCourantDepotFlux")),
        date_depot=moment(data.get("dateDepotFlux")),
        date_etat=moment(data.get("dateHeureEtatCourantFlux")),
        nom_fichier=text(first(data, "nomFichierFlux", "nomFichier")),
        erreurs=tuple(e for e in errors if e),
        report_pdf=report,
    )
