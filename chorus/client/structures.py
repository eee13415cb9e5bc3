"""Structures, services and bank accounts: payloads and typed results.

chorus-api.md §3 "Supplier side set-up" and "Recipient"; chorus-api-reference.md §3.1–3.6.
Every Chorus field name of these operations is written here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from .values import Paging, boolean, day, first, integer, items, paging, required, section, text

# Reserved to invoices between public bodies: a supplier invoice sent to it is refused.
PUBLIC_INVOICES_SERVICE = "FACTURES_PUBLIQUES"
LANGUAGE = "fr"


@dataclass(frozen=True)
class Structure:
    id_structure_cpp: int
    identifiant: str  # the SIRET when type_identifiant is SIRET
    designation: str
    type_identifiant: str | None = None
    statut: str | None = None


@dataclass(frozen=True)
class Service:
    id_service: int
    code: str
    libelle: str
    actif: bool
    debut: date | None = None
    fin: date | None = None

    @property
    def invoiceable(self) -> bool:
        """Whether a supplier invoice may be addressed to it."""
        return self.actif and self.code != PUBLIC_INVOICES_SERVICE


@dataclass(frozen=True)
class BankAccount:
    id_coordonnee_bancaire: int  # goes into fournisseur.codeCoordonneesBancairesFournisseur
    nom: str


@dataclass(frozen=True)
class StructureParameters:
    service_code_required: bool
    engagement_required: bool
    engagement_or_service: bool  # an engagement number is needed when no service code is given
    payment_status_not_reported: bool  # never reaches MISE_EN_PAIEMENT: stop polling at MANDATEE


@dataclass(frozen=True)
class StructureDetails:
    id_structure_cpp: int
    identifiant: str | None
    type_identifiant: str | None
    designation: str | None
    password_expires_on: date | None  # the technical account's password, when consulting our own structure
    parameters: StructureParameters


@dataclass(frozen=True)
class ServiceDetails:
    id_structure: int
    id_service: int
    code: str | None
    nom: str | None
    description: str | None
    engagement_required: bool
    payment_reported: bool | None
    valid_from: date | None
    valid_until: date | None


# -- transverses/v1/recuperer/structures/actives/fournisseur ---------------------------------------------


def _build_active_structures() -> dict[str, Any]:
    return {}


def _parse_structure(item: Mapping[str, Any]) -> Structure:
    # The supplier list spells the SIRET `identifiant`, the search `identifiantStructure`.
    return Structure(
        id_structure_cpp=required(integer(first(item, "idStructureCPP", "idStructure")), "idStructureCPP"),
        identifiant=text(first(item, "identifiantStructure", "identifiant")) or "",
        designation=text(first(item, "designationStructure", "raisonSocialeStructure", "libelleStructure"))
        or "",
        type_identifiant=text(item.get("typeIdentifiantStructure")),
        statut=text(first(item, "statut", "statutStructure")),
    )


def _parse_structures(data: Mapping[str, Any]) -> list[Structure]:
    return [_parse_structure(item) for item in items(data, "listeStructures")]


# -- structures/v1/rechercher ------------------------------------------------------------------------------


def _build_structure_search(identifiant: str, type_identifiant: str) -> dict[str, Any]:
    return {
        "restreindreStructuresPrivees": False,
        "structure": {"identifiantStructure": identifiant, "typeIdentifiantStructure": type_identifiant},
    }


# -- structures/v1/rechercher/services ---------------------------------------------------------------------


def _build_services_search(id_structure: int, page: int, page_size: int) -> dict[str, Any]:
    return {
        "idStructure": id_structure,
        "parametresRechercherServicesStructure": {
            "nbResultatsParPage": page_size,
            "pageResultatDemandee": page,
            "triColonne": "CodeService",
            "triSens": "Ascendant",
        },
    }


def _parse_service(item: Mapping[str, Any]) -> Service:
    actif = boolean(item.get("estActif"))
    if actif is None:
        statut = text(item.get("statutService"))
        actif = statut is None or statut.upper() == "ACTIF"
    return Service(
        id_service=required(integer(item.get("idService")), "idService"),
        code=text(item.get("codeService")) or "",
        libelle=text(first(item, "libelleService", "nomService")) or "",
        actif=actif,
        debut=day(item.get("dateDbtService")),
        fin=day(item.get("dateFinService")),
    )


def _parse_services_page(data: Mapping[str, Any], page: int) -> tuple[list[Service], Paging]:
    return [_parse_service(item) for item in items(data, "listeServices")], paging(data, page)


# -- transverses/v1/recuperer/coordbanc/valides --------------------------------------------------------------


def _build_bank_accounts(id_structure: int) -> dict[str, Any]:
    return {"idStructure": id_structure}


def _parse_bank_accounts(data: Mapping[str, Any]) -> list[BankAccount]:
    # A third-party page spells the list and its id in the plural form: both are read.
    return [
        BankAccount(
            id_coordonnee_bancaire=required(
                integer(
                    first(item, "idCoordonneeBancaire", "codeCoordonneesBancaires", "idCoordonneesBancaires")
                ),
                "idCoordonneeBancaire",
            ),
            nom=text(first(item, "nomCoordonneeBancaire", "nomCoordonneesBancaires")) or "",
        )
        for item in items(data, "listeCoordonneeBancaire", "listeCoordonneesBancaires")
    ]


# -- structures/v1/consulter ---------------------------------------------------------------------------------


def _build_structure_consult(id_structure_cpp: int) -> dict[str, Any]:
    return {"idStructureCPP": id_structure_cpp, "codeLangue": LANGUAGE}


def _parse_structure_details(data: Mapping[str, Any], id_structure_cpp: int) -> StructureDetails:
    info = section(data, "informationGenerales", "informationsGenerales")
    params = section(data, "parametres")
    return StructureDetails(
        id_structure_cpp=integer(info.get("idStructureCPP")) or id_structure_cpp,
        identifiant=text(info.get("identifiantStructure")),
        type_identifiant=text(info.get("typeIdentifiantStructure")),
        designation=text(first(info, "raisonSocialeStructure", "libelleStructure", "nomStructure")),
        password_expires_on=day(info.get("dateExpirationMotPasseCompteTech")),
        parameters=StructureParameters(
            service_code_required=bool(boolean(params.get("codeServiceDoitEtreRenseigne"), False)),
            engagement_required=bool(boolean(params.get("numeroEJDoitEtreRenseigne"), False)),
            engagement_or_service=bool(boolean(params.get("gestionNumeroEJOuCodeService"), False)),
            payment_status_not_reported=bool(
                boolean(params.get("statutMiseEnPaiementNestPasRemonte"), False)
            ),
        ),
    )


# -- structures/v1/consulter/service -------------------------------------------------------------------------


def _build_service_consult(id_structure: int, id_service: int) -> dict[str, Any]:
    return {"idStructure": id_structure, "idService": id_service}


def _parse_service_details(data: Mapping[str, Any], id_structure: int, id_service: int) -> ServiceDetails:
    info = section(data, "informationsGenerales", "informationGenerales")
    params = section(data, "parametres")
    return ServiceDetails(
        id_structure=id_structure,
        id_service=integer(info.get("idService")) or id_service,
        code=text(info.get("codeService")),
        nom=text(first(info, "nomService", "libelleService")),
        description=text(info.get("descriptionService")),
        engagement_required=bool(boolean(params.get("numeroEngagement"), False)),
        payment_reported=boolean(params.get("miseEnPaiement")),
        valid_from=day(params.get("dateDebutValidite")),
        valid_until=day(params.get("dateFinValidite")),
    )
