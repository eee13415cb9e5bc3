"""Submitting and following invoices: payloads and typed results.

chorus-api.md §3 "Deposit and submission" and "Following an invoice"; chorus-api-reference.md §3.10–3.13.
Every Chorus field name of these operations is written here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from .values import (
    Paging,
    boolean,
    chorus_datetime,
    day,
    decimal,
    first,
    integer,
    items,
    moment,
    money,
    paging,
    required,
    section,
    text,
)

DEPOT_PDF_API = "DEPOT_PDF_API"
A1_FACTURE_FOURNISSEUR = "A1_FACTURE_FOURNISSEUR"
# Searches that find nothing answer with a non-zero code rather than an empty list (reference §2).
NO_RESULT_CODES = frozenset({20000, 20007})


@dataclass(frozen=True)
class VatLine:
    """One VAT rate of the invoice; `rate` is a percentage (20, 5.5…), `rate_code` a Chorus code if known."""

    rate: Decimal
    base_ht: Decimal
    montant_tva: Decimal
    rate_code: str | None = None


@dataclass(frozen=True)
class Totals:
    ht: Decimal
    tva: Decimal
    ttc: Decimal
    a_payer: Decimal
    remise_globale_ttc: Decimal | None = None
    motif_remise_globale: str | None = None


@dataclass(frozen=True)
class ComplementaryAttachment:
    piece_jointe_id: int
    designation: str
    type: str = ""
    id_liaison: int | None = None
    numero_ligne_facture: int | None = None


@dataclass(frozen=True)
class SubmitRequest:
    """Everything `soumettre` needs for an invoice whose PDF is already deposited."""

    numero_facture: str
    date_facture: date
    id_fournisseur: int  # our idStructureCPP
    code_destinataire: str  # recipient SIRET
    piece_jointe_principale_id: int
    piece_jointe_principale_designation: str
    totals: Totals
    type_facture: str = "FACTURE"  # or AVOIR
    type_tva: str = "TVA_SUR_DEBIT"
    mode_paiement: str = "VIREMENT"
    devise: str = "EUR"
    code_service_executant: str | None = None
    id_service_fournisseur: int | None = None
    id_coordonnee_bancaire: int | None = None
    numero_bon_commande: str | None = None  # the engagement juridique
    numero_marche: str | None = None
    numero_facture_origine: str | None = None  # mandatory for an AVOIR
    motif_exoneration_tva: str | None = None  # mandatory with EXONERATION
    commentaire: str | None = None
    vat_lines: tuple[VatLine, ...] = ()
    complementary: tuple[ComplementaryAttachment, ...] = ()
    cadre_facturation: str = A1_FACTURE_FOURNISSEUR
    code_structure_valideur: str | None = None
    code_service_valideur: str | None = None
    mode_depot: str = DEPOT_PDF_API
    id_utilisateur_courant: int = 0


@dataclass(frozen=True)
class Submitted:
    identifiant_facture_cpp: int
    numero_facture: str | None
    statut: str | None
    date_depot: date | None
    identifiant_structure: str | None = None
    empreinte_certificat_depot: str | None = None


@dataclass(frozen=True)
class InvoiceState:
    """An invoice as the supplier sees it, from a search or a consultation."""

    identifiant_facture_cpp: int
    numero_facture: str | None
    statut: str | None
    date_heure_etat_courant: datetime | None = None
    commentaire_etat_courant: str | None = None
    date_depot: date | None = None
    date_facture: date | None = None
    type_facture: str | None = None
    montant_ht: Decimal | None = None
    montant_ttc: Decimal | None = None
    montant_a_payer: Decimal | None = None
    code_destinataire: str | None = None
    designation_destinataire: str | None = None
    code_service_executant: str | None = None
    numero_bon_commande: str | None = None
    rejet_traite: bool | None = None


@dataclass(frozen=True)
class InvoiceSearch:
    """Criteria of the supplier search; every one is optional."""

    numero_facture: str | None = None
    statuts: tuple[str, ...] = ()
    changed_since: datetime | None = None  # status changed in [changed_since, changed_until]
    changed_until: datetime | None = None
    deposited_from: date | None = None
    deposited_until: date | None = None
    id_fournisseur: int | None = None
    type_facture: str | None = None
    numero_flux_depot: str | None = None


@dataclass(frozen=True)
class InvoicePage:
    invoices: list[InvoiceState]
    paging: Paging


@dataclass(frozen=True)
class StatusChange:
    statut: str
    at: datetime | None
    commentaire: str | None = None
    auteur: str | None = None


@dataclass(frozen=True)
class InvoiceHistory:
    identifiant_facture_cpp: int
    numero_facture: str | None
    statut_courant: str | None
    changes: tuple[StatusChange, ...] = field(default_factory=tuple)  # newest first, as Chorus sorts them


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    if value is not None and value != "":
        target[key] = value


# -- factures/v1/soumettre -----------------------------------------------------------------------------------


def _build_submit(r: SubmitRequest) -> dict[str, Any]:
    cadre: dict[str, Any] = {"codeCadreFacturation": r.cadre_facturation}
    _put(cadre, "codeStructureValideur", r.code_structure_valideur)
    _put(cadre, "codeServiceValideur", r.code_service_valideur)
    destinataire: dict[str, Any] = {"codeDestinataire": r.code_destinataire}
    _put(destinataire, "codeServiceExecutant", r.code_service_executant)
    fournisseur: dict[str, Any] = {"idFournisseur": r.id_fournisseur}
    _put(fournisseur, "idServiceFournisseur", r.id_service_fournisseur)
    _put(fournisseur, "codeCoordonneesBancairesFournisseur", r.id_coordonnee_bancaire)
    references: dict[str, Any] = {
        "deviseFacture": r.devise,
        "typeFacture": r.type_facture,
        "typeTva": r.type_tva,
        "modePaiement": r.mode_paiement,
    }
    _put(references, "motifExonerationTva", r.motif_exoneration_tva)
    _put(references, "numeroMarche", r.numero_marche)
    _put(references, "numeroBonCommande", r.numero_bon_commande)
    _put(references, "numeroFactureOrigine", r.numero_facture_origine)
    body: dict[str, Any] = {
        "modeDepot": r.mode_depot,
        "numeroFactureSaisi": r.numero_facture,
        "dateFacture": r.date_facture.isoformat(),
    }
    # No due date here: the reference's request table has none (the PDF and the Factur-X carry it).
    body["idUtilisateurCourant"] = r.id_utilisateur_courant
    _put(body, "commentaire", r.commentaire)
    body |= {
        "cadreDeFacturation": cadre,
        "destinataire": destinataire,
        "fournisseur": fournisseur,
        "references": references,
        "montantTotal": _build_totals(r.totals),
    }
    if r.vat_lines:
        body["ligneTva"] = [_build_vat_line(line) for line in r.vat_lines]
    body["pieceJointePrincipale"] = [
        {
            "pieceJointePrincipaleDesignation": r.piece_jointe_principale_designation,
            "pieceJointePrincipaleId": r.piece_jointe_principale_id,
        }
    ]
    if r.complementary:
        body["pieceJointeComplementaire"] = [_build_complementary(a) for a in r.complementary]
    return body


def _build_totals(t: Totals) -> dict[str, Any]:
    totals: dict[str, Any] = {
        "montantHtTotal": money(t.ht),
        "montantTVA": money(t.tva),
        "montantTtcTotal": money(t.ttc),
        "montantAPayer": money(t.a_payer),
    }
    if t.remise_globale_ttc is not None:
        totals["montantRemiseGlobaleTTC"] = money(t.remise_globale_ttc)
        _put(totals, "motifRemiseGlobaleTTC", t.motif_remise_globale)
    return totals


def _build_vat_line(line: VatLine) -> dict[str, Any]:
    # (?) the rate goes either as a Chorus code (ligneTvaTaux) or as a percentage (ligneTvaTauxManuel).
    built: dict[str, Any] = (
        {"ligneTvaTaux": line.rate_code} if line.rate_code else {"ligneTvaTauxManuel": money(line.rate)}
    )
    built["ligneTvaMontantBaseHtParTaux"] = money(line.base_ht)
    built["ligneTvaMontantTvaParTaux"] = money(line.montant_tva)
    return built


def _build_complementary(a: ComplementaryAttachment) -> dict[str, Any]:
    built: dict[str, Any] = {
        "pieceJointeComplementaireDesignation": a.designation,
        "pieceJointeComplementaireId": a.piece_jointe_id,
        "pieceJointeComplementaireType": a.type,
    }
    _put(built, "pieceJointeComplementaireIdLiaison", a.id_liaison)
    _put(built, "pieceJointeComplementaireNumeroLigneFacture", a.numero_ligne_facture)
    return built


def _parse_submitted(data: Mapping[str, Any]) -> Submitted:
    return Submitted(
        identifiant_facture_cpp=required(integer(data.get("identifiantFactureCPP")), "identifiantFactureCPP"),
        numero_facture=text(data.get("numeroFacture")),
        statut=text(data.get("statutFacture")),
        date_depot=day(data.get("dateDepot")),
        identifiant_structure=text(data.get("identifiantStructure")),
        empreinte_certificat_depot=text(data.get("empreinteCertificatDepot")),
    )


# -- factures/v1/consulter/fournisseur -----------------------------------------------------------------------


def _build_invoice_consult(identifiant_facture_cpp: int) -> dict[str, Any]:
    return {"identifiantFactureCPP": identifiant_facture_cpp}


def _parse_invoice_consult(data: Mapping[str, Any], identifiant_facture_cpp: int) -> InvoiceState:
    facture = required(section(data, "facture") or None, "facture")
    references = section(facture, "references")
    totals = section(facture, "montantTotal")
    recipient = section(facture, "destinataire")
    return InvoiceState(
        identifiant_facture_cpp=integer(facture.get("identifiantFactureCPP")) or identifiant_facture_cpp,
        numero_facture=text(facture.get("numeroFacture")),
        statut=text(first(facture, "statutFacture", "statut", "statutCourant")),
        date_depot=day(first(facture, "dateDepot") or references.get("dateDepot")),
        date_facture=day(first(facture, "dateFacture") or references.get("dateFacture")),
        type_facture=text(first(facture, "typeFacture") or references.get("typeFacture")),
        montant_ht=decimal(totals.get("montantHtTotal")),
        montant_ttc=decimal(first(totals, "montantTtcTotal", "montantTtcAvantRemiseGlobalTTC")),
        montant_a_payer=decimal(totals.get("montantAPayer")),
        code_destinataire=text(recipient.get("codeDestinataire")),
        designation_destinataire=text(recipient.get("libelleDestinataire")),
        code_service_executant=text(recipient.get("codeServiceExecutant")),
        numero_bon_commande=text(references.get("numeroBonCommande")),
    )


# -- factures/v1/rechercher/fournisseur ----------------------------------------------------------------------


def _build_invoice_search(criteria: InvoiceSearch, page: int, page_size: int) -> dict[str, Any]:
    body: dict[str, Any] = {}
    _put(body, "idFournisseur", criteria.id_fournisseur)
    _put(body, "numeroFacture", criteria.numero_facture)
    _put(body, "numeroFluxDepot", criteria.numero_flux_depot)
    _put(body, "typeFacture", criteria.type_facture)
    if criteria.statuts:
        body["statutCourant"] = list(criteria.statuts)
    _put(body, "periodeDateDepotDu", criteria.deposited_from.isoformat() if criteria.deposited_from else None)
    _put(
        body, "periodeDateDepotAu", criteria.deposited_until.isoformat() if criteria.deposited_until else None
    )
    if criteria.changed_since:
        body["periodeDateHeureEtatCourantDu"] = chorus_datetime(criteria.changed_since)
    if criteria.changed_until:
        body["periodeDateHeureEtatCourantAu"] = chorus_datetime(criteria.changed_until)
    body["rechercheFactureParFournisseur"] = {"pageResultatDemandee": page, "nbResultatsParPage": page_size}
    return body


def _parse_invoice_item(item: Mapping[str, Any]) -> InvoiceState:
    return InvoiceState(
        identifiant_facture_cpp=required(integer(item.get("identifiantFactureCPP")), "identifiantFactureCPP"),
        numero_facture=text(item.get("numeroFacture")),
        statut=text(first(item, "statut", "statutFacture", "statutCourant")),
        date_heure_etat_courant=moment(item.get("dateHeureEtatCourant")),
        commentaire_etat_courant=text(item.get("commentaireEtatCourant")),
        date_depot=day(item.get("dateDepot")),
        date_facture=day(item.get("dateFacture")),
        type_facture=text(item.get("typeFacture")),
        montant_ht=decimal(item.get("montantHT")),
        montant_ttc=decimal(item.get("montantTTC")),
        montant_a_payer=decimal(item.get("montantAPayer")),
        code_destinataire=text(item.get("codeDestinataire")),
        designation_destinataire=text(item.get("designationDestinataire")),
        code_service_executant=text(item.get("codeServiceExecutant")),
        numero_bon_commande=text(item.get("numeroBonCommande")),
        rejet_traite=boolean(item.get("rejetTraite")),
    )


def _parse_invoice_page(data: Mapping[str, Any], page: int) -> InvoicePage:
    if integer(data.get("codeRetour")) in NO_RESULT_CODES:
        return InvoicePage(invoices=[], paging=Paging(page=page, pages=0, total=0))
    return InvoicePage(
        invoices=[_parse_invoice_item(item) for item in items(data, "listeFactures")],
        paging=paging(data, page),
    )


# -- factures/v1/consulter/historique ------------------------------------------------------------------------


def _build_history(identifiant_facture_cpp: int, max_results: int) -> dict[str, Any]:
    return {"idFacture": identifiant_facture_cpp, "nbResultatsMaximum": max_results}


def _parse_history(data: Mapping[str, Any], identifiant_facture_cpp: int) -> InvoiceHistory:
    # (?) the list of changes: historiquesDesStatuts.histoStatut[] (chorus-api-reference.md §3.13).
    changes = []
    for item in items(section(data, "historiquesDesStatuts"), "histoStatut"):
        author = " ".join(
            part
            for part in (
                text(item.get("histoStatutUtilisateurPrenom")),
                text(item.get("histoStatutUtilisateurNom")),
            )
            if part
        )
        changes.append(
            StatusChange(
                statut=text(item.get("histoStatutCode")) or "",
                at=moment(item.get("histoStatutDatePassage")),
                commentaire=text(item.get("histoStatutCommentaire")),
                auteur=author or None,
            )
        )
    return InvoiceHistory(
        identifiant_facture_cpp=integer(data.get("idFacture")) or identifiant_facture_cpp,
        numero_facture=text(data.get("numeroFacture")),
        statut_courant=text(data.get("statutCourantCode")),
        changes=tuple(changes),
    )


# -- factures/v1/completer and factures/v1/recycler (chorus-api-reference.md §3.14) ---------------------------


@dataclass(frozen=True)
class CompleteRequest:
    """« Compléter » a SUSPENDUE invoice: a comment and/or complementary attachments already uploaded."""

    identifiant_facture_cpp: int
    commentaire: str | None = None
    complementary: tuple[ComplementaryAttachment, ...] = ()
    id_utilisateur_courant: int = 0


@dataclass(frozen=True)
class Completed:
    identifiant_facture_cpp: int
    numero_facture: str | None
    date_traitement: date | None


@dataclass(frozen=True)
class RecycleRequest:
    """« Recycler » an A_RECYCLER invoice: the same invoice routed to a corrected recipient / service."""

    identifiant_facture_cpp: int
    code_destinataire: str
    code_service_executant: str | None = None
    # §3.14 names a `reference` object carrying a new EJ (from [GO]); it is spelled like soumettre's
    # references.numeroBonCommande (§3.10) and sent only when the engagement is given.
    numero_bon_commande: str | None = None
    commentaire: str | None = None
    id_utilisateur_courant: int = 0


@dataclass(frozen=True)
class Recycled:
    identifiant_facture_cpp: int
    numero_facture: str | None
    date_depot: date | None
    statut: str | None


def _build_complete(r: CompleteRequest) -> dict[str, Any]:
    body: dict[str, Any] = {"identifiantFactureCPP": r.identifiant_facture_cpp}
    _put(body, "commentaire", r.commentaire)
    if r.complementary:
        body["pieceJointeComplementaire"] = [_build_complementary(a) for a in r.complementary]
    body["idUtilisateurCourant"] = r.id_utilisateur_courant
    return body


def _parse_completed(data: Mapping[str, Any], identifiant_facture_cpp: int) -> Completed:
    return Completed(
        identifiant_facture_cpp=integer(data.get("identifiantFactureCPP")) or identifiant_facture_cpp,
        numero_facture=text(data.get("numeroFacture")),
        date_traitement=day(data.get("dateTraitement")),
    )


def _build_recycle(r: RecycleRequest) -> dict[str, Any]:
    destinataire: dict[str, Any] = {"codeDestinataire": r.code_destinataire}
    _put(destinataire, "codeServiceExecutant", r.code_service_executant)
    body: dict[str, Any] = {"identifiantFactureCPP": r.identifiant_facture_cpp, "destinataire": destinataire}
    if r.numero_bon_commande:
        body["references"] = {"numeroBonCommande": r.numero_bon_commande}
    _put(body, "commentaire", r.commentaire)
    body["idUtilisateurCourant"] = r.id_utilisateur_courant
    return body


def _parse_recycled(data: Mapping[str, Any], identifiant_facture_cpp: int) -> Recycled:
    return Recycled(
        identifiant_facture_cpp=integer(data.get("identifiantFactureCPP")) or identifiant_facture_cpp,
        numero_facture=text(data.get("numeroFacture")),
        date_depot=day(data.get("dateDepot")),
        statut=text(data.get("statutFacture")),
    )
