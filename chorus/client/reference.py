"""Reference lists, the technical user's attachments, and the gateway health check.

chorus-api.md §3 "Reference data" and "Supplier side set-up" (rattachements);
chorus-api-reference.md §3.7 and §3.16. Every Chorus field name of these operations is written here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .structures import LANGUAGE
from .values import decimal, first, integer, items, text


@dataclass(frozen=True)
class ExemptionMotive:
    code: str
    libelle: str


@dataclass(frozen=True)
class AttachmentType:
    id_type: int | None
    code: str
    libelle: str


@dataclass(frozen=True)
class VatRate:
    code: str
    libelle: str
    valeur: Decimal | None


@dataclass(frozen=True)
class AttachedStructure:
    id_structure: int | None
    identifiant: str
    designation: str
    role: str | None


@dataclass(frozen=True)
class UserAttachments:
    id_utilisateur: int | None  # None when Chorus does not say; 0 is then accepted as idUtilisateurCourant
    structures: tuple[AttachedStructure, ...]


# -- transverses/v1/recuperer/motifs/exonerationtva ----------------------------------------------------------


def _build_language() -> dict[str, Any]:
    return {"codeLangue": LANGUAGE}


def _parse_exemption_motives(data: Mapping[str, Any]) -> list[ExemptionMotive]:
    # The long reference names them listeMotifsExonerationTva / codeMotif…; chorus-api.md listeMotifs / code.
    return [
        ExemptionMotive(
            code=text(first(item, "codeMotifExonerationTva", "code")) or "",
            libelle=text(first(item, "libelleMotifExonerationTva", "libelle")) or "",
        )
        for item in items(data, "listeMotifsExonerationTva", "listeMotifs")
    ]


# -- transverses/v1/recuperer/typespj ------------------------------------------------------------------------


def _build_attachment_types() -> dict[str, Any]:
    return {"typeObjet": "FACTURE", "codeLangue": LANGUAGE}


def _parse_attachment_types(data: Mapping[str, Any]) -> list[AttachmentType]:
    return [
        AttachmentType(
            id_type=integer(item.get("idTypePieceJointe")),
            code=text(first(item, "codeTypePieceJointe", "code")) or "",
            libelle=text(first(item, "libelleTypePieceJointe", "libelle")) or "",
        )
        for item in items(data, "listeTypePieceJointe", "listeTypesPieceJointe")
    ]


# -- transverses/v1/recuperer/tauxtva ------------------------------------------------------------------------


def _parse_vat_rates(data: Mapping[str, Any]) -> list[VatRate]:
    # The long reference names them listeTauxTva / codeTauxTva…; chorus-api.md listeTaux.
    return [
        VatRate(
            code=text(first(item, "codeTauxTva", "code")) or "",
            libelle=text(first(item, "libelleTauxTva", "libelle")) or "",
            valeur=decimal(first(item, "valeurTauxTva", "valeur", "taux")),
        )
        for item in items(data, "listeTauxTva", "listeTaux")
    ]


# -- utilisateurs/v1/monCompte/recuperer/rattachements -------------------------------------------------------


def _build_user_attachments(page_size: int) -> dict[str, Any]:
    return {
        "parametresRecherche": {
            "nbResultatsParPage": page_size,
            "pageResultatDemandee": 1,
            "triColonne": "IdStructure",
            "triSens": "Ascendant",
        }
    }


def _parse_user_attachments(data: Mapping[str, Any]) -> UserAttachments:
    # (?) no source shows the user's id in this reply; these two spellings are read if Chorus sends one.
    return UserAttachments(
        id_utilisateur=integer(first(data, "idUtilisateur", "idUtilisateurCourant")),
        structures=tuple(
            AttachedStructure(
                id_structure=integer(first(item, "idStructure", "idStructureCPP")),
                identifiant=text(item.get("identifiantStructure")) or "",
                designation=text(item.get("designationStructure")) or "",
                role=text(item.get("roleUtilisateur")),
            )
            for item in items(data, "listeStructureRattachement")
        ),
    )


# -- transverses/v1/health-check -----------------------------------------------------------------------------


def _parse_health(data: Mapping[str, Any]) -> bool:
    status = integer(first(data, "statusCodeValue"))
    return status is None or 200 <= status < 300
