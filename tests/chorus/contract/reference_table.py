"""What the public contract (../shared/chorus-api-reference.md) documents for each call the client makes:
method, path, headers, and every request field name with the line of the reference that documents it.

This table is written from the reference alone, never from the client: the contract tests compare what the
client really sends with it, so a field the reference does not document cannot reach the wire unnoticed.
A list's items are written `name[].child`; a nested object's fields `name.child`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

REFERENCE = "chorus-api-reference.md"

# §1.3: the headers of every API call, with the line documenting each.
HEADERS = {
    "Authorization": 85,
    "cpro-account": 86,
    "Content-Type": 87,
    "Accept": 88,
}
CONTENT_TYPE = "application/json;charset=utf-8"  # line 87
ACCEPT = "application/json;charset=utf-8"  # line 88

# §1.2: the PISTE token request, form-encoded (line 68-69).
TOKEN_FIELDS = {"grant_type": 69, "client_id": 69, "client_secret": 69, "scope": 69}

# Paging objects share their inner names (§2, line 143).
_PAGING = {"nbResultatsParPage": 143, "pageResultatDemandee": 143, "triColonne": 143, "triSens": 143}


def _paging(name: str, line: int) -> dict[str, int]:
    return {name: line} | {f"{name}.{inner}": at for inner, at in _PAGING.items()}


@dataclass(frozen=True)
class Operation:
    path: str  # relative to the API base …/cpro/
    section: str
    fields: dict[str, int] = field(default_factory=dict)  # documented request field -> reference line
    method: str = "POST"  # §2, line 120: POST with a JSON body, even without parameters


_SUBMIT_LINES = {
    "modeDepot": 291,
    "numeroFactureSaisi": 292,
    "dateFacture": 293,
    "idUtilisateurCourant": 294,
    "commentaire": 295,
    "destinataire": 296,
    "destinataire.codeDestinataire": 296,
    "destinataire.codeServiceExecutant": 297,
    "fournisseur": 298,
    "fournisseur.idFournisseur": 298,
    "fournisseur.idServiceFournisseur": 299,
    "fournisseur.codeCoordonneesBancairesFournisseur": 300,
    "cadreDeFacturation": 301,
    "cadreDeFacturation.codeCadreFacturation": 301,
    "cadreDeFacturation.codeStructureValideur": 302,
    "cadreDeFacturation.codeServiceValideur": 302,
    "references": 303,
    "references.deviseFacture": 303,
    "references.typeFacture": 304,
    "references.typeTva": 305,
    "references.motifExonerationTva": 306,
    "references.numeroMarche": 307,
    "references.numeroBonCommande": 308,
    "references.numeroFactureOrigine": 309,
    "references.modePaiement": 310,
    "lignePoste": 311,
    "ligneTva": 312,
    "ligneTva[].ligneTvaMontantBaseHtParTaux": 323,
    "ligneTva[].ligneTvaMontantTvaParTaux": 323,
    "ligneTva[].ligneTvaTaux": 323,
    "ligneTva[].ligneTvaTauxManuel": 324,
    "montantTotal": 313,
    "montantTotal.montantHtTotal": 325,
    "montantTotal.montantTVA": 325,
    "montantTotal.montantTtcTotal": 325,
    "montantTotal.montantAPayer": 325,
    "montantTotal.montantRemiseGlobaleTTC": 326,
    "montantTotal.motifRemiseGlobaleTTC": 326,
    "pieceJointePrincipale": 314,
    "pieceJointePrincipale[].pieceJointePrincipaleDesignation": 314,
    "pieceJointePrincipale[].pieceJointePrincipaleId": 314,
    "pieceJointeComplementaire": 315,
    "pieceJointeComplementaire[].pieceJointeComplementaireDesignation": 315,
    "pieceJointeComplementaire[].pieceJointeComplementaireId": 315,
    "pieceJointeComplementaire[].pieceJointeComplementaireIdLiaison": 315,
    "pieceJointeComplementaire[].pieceJointeComplementaireNumeroLigneFacture": 315,
    "pieceJointeComplementaire[].pieceJointeComplementaireType": 315,
}

# Keyed by the client's operation name (the one its journal records).
OPERATIONS: dict[str, Operation] = {
    "active_structures": Operation("transverses/v1/recuperer/structures/actives/fournisseur", "§3.1", {}),
    "find_structure": Operation(
        "structures/v1/rechercher",
        "§3.2",
        {
            "structure": 177,
            "structure.identifiantStructure": 177,
            "structure.typeIdentifiantStructure": 178,
            "restreindreStructuresPrivees": 182,
        }
        | _paging("parametres", 184),
    ),
    "consult_structure": Operation(
        "structures/v1/consulter", "§3.3", {"idStructureCPP": 193, "codeLangue": 193}
    ),
    "list_services": Operation(
        "structures/v1/rechercher/services",
        "§3.4",
        {"idStructure": 213} | _paging("parametresRechercherServicesStructure", 213),
    ),
    "consult_service": Operation(
        "structures/v1/consulter/service", "§3.5", {"idStructure": 224, "idService": 224}
    ),
    "bank_accounts": Operation("transverses/v1/recuperer/coordbanc/valides", "§3.6", {"idStructure": 231}),
    "my_attachments": Operation(
        "utilisateurs/v1/monCompte/recuperer/rattachements", "§3.7", _paging("parametresRecherche", 238)
    ),
    "add_attachment": Operation(
        "transverses/v1/ajouter/fichier",
        "§3.8",
        {
            "pieceJointeFichier": 249,
            "pieceJointeNom": 250,
            "pieceJointeTypeMime": 251,
            "pieceJointeExtension": 252,
            "idUtilisateurCourant": 253,
        },
    ),
    "deposit_pdf": Operation(
        "factures/v1/deposer/pdf",
        "§3.9",
        {"fichierFacture": 264, "nomFichier": 264, "formatDepot": 264, "idUtilisateurCourant": 265},
    ),
    "submit": Operation("factures/v1/soumettre", "§3.10", _SUBMIT_LINES),
    "consult_invoice": Operation(
        "factures/v1/consulter/fournisseur", "§3.11", {"identifiantFactureCPP": 360, "codeLangue": 360}
    ),
    "search_invoices": Operation(
        "factures/v1/rechercher/fournisseur",
        "§3.12",
        {
            "numeroFacture": 380,
            "numeroFluxDepot": 380,
            "typeFacture": 380,
            "statutCourant": 380,
            "periodeDateDepotDu": 382,
            "periodeDateDepotAu": 382,
            "periodeDateFactureDu": 382,
            "periodeDateFactureAu": 382,
            "periodeDateHeureEtatCourantDu": 382,
            "periodeDateHeureEtatCourantAu": 382,
            "idFournisseur": 385,
        }
        | _paging("rechercheFactureParFournisseur", 388),
    ),
    "invoice_history": Operation(
        "factures/v1/consulter/historique", "§3.13", {"idFacture": 406, "nbResultatsMaximum": 406}
    ),
    "complete": Operation(
        "factures/v1/completer",
        "§3.14",
        {
            "identifiantFactureCPP": 421,
            "commentaire": 421,
            "idUtilisateurCourant": 422,
        }
        # « same item shape as in soumettre » (line 422): the item names of §3.10, line 315.
        | {name: 422 for name in _SUBMIT_LINES if name.startswith("pieceJointeComplementaire")},
    ),
    "recycle": Operation(
        "factures/v1/recycler",
        "§3.14",
        {
            "identifiantFactureCPP": 426,
            "destinataire": 426,
            "destinataire.codeDestinataire": 426,
            "destinataire.codeServiceExecutant": 427,
            "commentaire": 427,
            "idUtilisateurCourant": 427,
            # « [GO] also has a reference object, i.e. a new EJ » (line 427), spelled as in soumettre (308).
            "references": 427,
            "references.numeroBonCommande": 427,
        },
    ),
    "attachment_types": Operation(
        "transverses/v1/recuperer/typespj", "§3.16", {"typeObjet": 450, "codeLangue": 450}
    ),
    "vat_rates": Operation("transverses/v1/recuperer/tauxtva", "§3.16", {"codeLangue": 447}),
    "exemption_motives": Operation(
        "transverses/v1/recuperer/motifs/exonerationtva", "§3.16", {"codeLangue": 447}
    ),
    "health_check": Operation("transverses/v1/health-check", "§2, §3.16", {}, method="GET"),
    "deposit_flux": Operation(
        "factures/v1/deposer/flux",
        "§3.17",
        {
            "fichierFlux": 467,
            "nomFichier": 467,
            "syntaxeFlux": 467,
            "avecSignature": 467,
            "idUtilisateurCourant": 468,
        },
    ),
    "flux_report": Operation(
        "transverses/v1/consulterCRDetaille", "§3.17", {"numeroFluxDepot": 469, "syntaxeFlux": 470}
    ),
}


def field_names(body: object, prefix: str = "") -> set[str]:
    """Every field name of a request body as this table spells them (`a.b`, `a[].b`)."""
    names: set[str] = set()
    if isinstance(body, dict):
        for key, value in body.items():
            name = f"{prefix}{key}"
            names.add(name)
            if isinstance(value, dict):
                names |= field_names(value, f"{name}.")
            elif isinstance(value, list):
                for item in value:
                    names |= field_names(item, f"{name}[].")
    return names
