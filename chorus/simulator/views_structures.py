"""Directory operations: own structures, recipients by SIRET, their parameters, services and banks.

chorus-api.md §3 « Supplier side set-up » and « Recipient »; chorus-api-reference.md §3.1–3.7.
"""

from __future__ import annotations

from chorus.simulator import codes, params
from chorus.simulator.api import Call, Refusal, ok, operation
from chorus.simulator.models import SimService, SimStructure

TYPES_IDENTIFIANT = ("SIRET", "UE_HORS_FRANCE", "HORS_UE", "RIDET", "TAHITI", "AUTRE", "PARTICULIER")


def _statut(structure: SimStructure) -> str:
    return "ACTIF" if structure.active else "INACTIF"


def _structure(id_cpp: int | None, name: str) -> SimStructure:
    if id_cpp is None:
        raise params.missing(name)
    found = SimStructure.objects.filter(id_cpp=id_cpp).first()
    if found is None:
        raise Refusal(codes.STRUCTURE_INCONNUE, f"Structure {id_cpp} inconnue.")
    return found


def _own_structure(call: Call, id_cpp: int | None) -> SimStructure:
    structure = _structure(id_cpp, "idStructure")
    if not call.account.structures.filter(pk=structure.pk).exists():
        raise Refusal(codes.FOURNISSEUR_NON_RATTACHE, "Structure non rattachée au compte technique.")
    return structure


@operation("transverses/v1/recuperer/structures/actives/fournisseur")
def structures_actives_fournisseur(call: Call) -> dict:
    structures = call.account.structures.filter(active=True)
    return ok(
        listeStructures=[
            {
                "idStructureCPP": s.id_cpp,
                # Both spellings are in circulation (chorus-api.md vs reference §3.1): send both.
                "identifiantStructure": s.siret,
                "identifiant": s.siret,
                "designationStructure": s.designation,
                "statut": _statut(s),
            }
            for s in structures
        ]
    )


@operation("structures/v1/rechercher/services")
def rechercher_services(call: Call) -> dict:
    paging = params.paging_object(call.body, "parametresRechercherServicesStructure", refused=("parametres",))
    structure = _structure(params.integer(call.body, "idStructure"), "idStructure")
    services = [_service_row(s) for s in structure.services.all()]
    shown, retour = params.page(services, paging)
    return ok(listeServices=shown, parametresRetour=retour)


def _service_row(service: SimService) -> dict:
    return {
        "idService": service.id_service,
        "codeService": service.code,
        "libelleService": service.libelle,
        "estActif": service.active,
        "dateDbtService": f"{service.date_debut:%Y-%m-%d} 00:00" if service.date_debut else None,
        "dateFinService": f"{service.date_fin:%Y-%m-%d} 00:00" if service.date_fin else None,
    }


@operation("transverses/v1/recuperer/coordbanc/valides")
def coordbanc_valides(call: Call) -> dict:
    structure = _own_structure(call, params.integer(call.body, "idStructure"))
    banks = structure.bank_accounts.filter(active=True)
    return ok(
        listeCoordonneeBancaire=[
            {"idCoordonneeBancaire": b.id_coordonnee, "nomCoordonneeBancaire": b.nom} for b in banks
        ]
    )


@operation("structures/v1/rechercher")
def structures_rechercher(call: Call) -> dict:
    criteria = params.obj(call.body, "structure")
    siret = params.text(criteria, "identifiantStructure")
    kind = params.enum(criteria, "typeIdentifiantStructure", TYPES_IDENTIFIANT)
    name = params.text(criteria, "raisonSocialeStructure") or params.text(criteria, "libelleStructure")
    if not (siret or name):
        raise Refusal(
            codes.REQUETE_INVALIDE, "Au moins un critère de recherche de structure est obligatoire."
        )
    found = SimStructure.objects.all()
    if siret:
        found = found.filter(siret=siret)
    if kind:
        found = found.filter(type_identifiant=kind)
    if name:
        found = found.filter(designation__icontains=name)
    # Absent or true: public structures plus only the private ones the user is attached to.
    if call.body.get("restreindreStructuresPrivees", True) is not False:
        attached = call.account.structures.values_list("pk", flat=True)
        found = found.filter(is_public=True) | found.filter(pk__in=list(attached))
    rows = [
        {
            "idStructureCPP": s.id_cpp,
            "identifiantStructure": s.siret,
            "designationStructure": s.designation,
            "typeIdentifiantStructure": s.type_identifiant,
            "statut": _statut(s),
        }
        for s in found.order_by("id_cpp")
    ]
    shown, retour = params.page(rows, params.obj(call.body, "parametres"))
    return ok(listeStructures=shown, parametresRetour=retour)


@operation("structures/v1/consulter")
def structures_consulter(call: Call) -> dict:
    id_cpp = params.integer(call.body, "idStructureCPP")
    if id_cpp is None:
        id_cpp = params.integer(call.body, "idStructure")
    structure = _structure(id_cpp, "idStructureCPP")
    own = call.account.structures.filter(pk=structure.pk).exists()
    expiry = call.account.password_expires_on if own else None
    return ok(
        informationGenerales={
            "idStructureCPP": structure.id_cpp,
            "identifiantStructure": structure.siret,
            "typeIdentifiantStructure": structure.type_identifiant,
            "libelleStructure": structure.designation,
            "raisonSocialeStructure": structure.designation,
            "emailStructure": structure.email or None,
            "numeroTVA": structure.numero_tva or None,
            "structurePriveePublique": "PUBLIQUE" if structure.is_public else "PRIVEE",
            "statut": _statut(structure),
            "dateExpirationMotPasseCompteTech": f"{expiry:%Y-%m-%d}" if expiry else None,
        },
        parametres={
            "codeServiceDoitEtreRenseigne": structure.code_service_obligatoire,
            "numeroEJDoitEtreRenseigne": structure.ej_obligatoire,
            "gestionNumeroEJOuCodeService": structure.ej_ou_service,
            "statutMiseEnPaiementNestPasRemonte": structure.mep_non_remonte,
            "connexionEDI": False,
            "estMoaUniquement": False,
            "recevoirDonneesViaEDI": False,
        },
        adressePostaleDuSiege={
            "adresse": structure.adresse or None,
            "codePostal": structure.code_postal or None,
            "ville": structure.ville or None,
            "pays": "FR",
            "telephone": structure.telephone or None,
        },
    )


@operation("structures/v1/consulter/service")
def consulter_service(call: Call) -> dict:
    structure = _structure(params.integer(call.body, "idStructure"), "idStructure")
    id_service = params.integer(call.body, "idService", required=True)
    service = structure.services.filter(id_service=id_service).first()
    if service is None:
        raise Refusal(codes.SERVICE_INCONNU, f"Service {id_service} inconnu pour cette structure.")
    return ok(
        informationsGenerales={
            "codeService": service.code,
            "nomService": service.libelle,
            "descriptionService": service.description or service.libelle,
            "estActif": service.active,
        },
        parametres={
            "numeroEngagement": service.ej_obligatoire,
            "miseEnPaiement": service.mise_en_paiement,
            "dateCreation": f"{service.date_debut:%Y-%m-%d}" if service.date_debut else None,
            "dateDebutValidite": f"{service.date_debut:%Y-%m-%d}" if service.date_debut else None,
            "dateFinValidite": f"{service.date_fin:%Y-%m-%d}" if service.date_fin else None,
            "dateModification": None,
        },
        adressePostale={
            "adresse": structure.adresse or None,
            "codePostal": structure.code_postal or None,
            "ville": structure.ville or None,
            "pays": "FR",
        },
    )


@operation("utilisateurs/v1/monCompte/recuperer/rattachements")
def rattachements(call: Call) -> dict:
    rows = [
        {
            "idStructure": s.id_cpp,
            "identifiantStructure": s.siret,
            "designationStructure": s.designation,
            "typeIdentifiantStructure": s.type_identifiant,
            "roleUtilisateur": "GESTIONNAIRE",
            "statutRattachementStructure": "ACTIF",
            "statutUtilisateur": "ACTIF",
            "listeServicesRattache": [_service_row(service) for service in s.services.all()],
        }
        for s in call.account.structures.prefetch_related("services")
    ]
    shown, retour = params.page(rows, params.obj(call.body, "parametresRecherche"))
    return ok(
        idUtilisateurCourant=call.account.id_utilisateur,
        listeStructureRattachement=shown,
        parametresRetour=retour,
    )
