"""Directory operations: own structures, banks, recipients by SIRET, parameters, services, attachments."""

from __future__ import annotations

import pytest

from tests.chorus.simulator.conftest import GARONNE_ID, LYON, RHONE_ID, TOULOUSE

SERVICES = "structures/v1/rechercher/services"


def _search(sim, siret: str, **extra) -> dict:
    body = {
        "restreindreStructuresPrivees": False,
        "structure": {"identifiantStructure": siret, "typeIdentifiantStructure": "SIRET"},
    }
    return sim.ok("structures/v1/rechercher", body | extra)


def _params(sim, siret: str) -> dict:
    id_cpp = _search(sim, siret)["listeStructures"][0]["idStructureCPP"]
    return sim.ok("structures/v1/consulter", {"idStructureCPP": id_cpp, "codeLangue": "fr"})["parametres"]


def test_active_supplier_structures_are_those_of_the_technical_account(sim, rhone):
    garonne = sim.ok("transverses/v1/recuperer/structures/actives/fournisseur")["listeStructures"]
    assert [(s["idStructureCPP"], s["identifiantStructure"], s["designationStructure"]) for s in garonne] == [
        (GARONNE_ID, "81234567600017", "Géomètres Experts Garonne")
    ]
    other = rhone.ok("transverses/v1/recuperer/structures/actives/fournisseur")["listeStructures"]
    assert [s["idStructureCPP"] for s in other] == [RHONE_ID]


def test_bank_accounts_of_own_structure(sim):
    banks = sim.ok("transverses/v1/recuperer/coordbanc/valides", {"idStructure": GARONNE_ID})
    assert [b["idCoordonneeBancaire"] for b in banks["listeCoordonneeBancaire"]] == [51001, 51002]
    assert banks["listeCoordonneeBancaire"][0]["nomCoordonneeBancaire"] == "Compte courant Crédit Agricole"


def test_bank_accounts_of_another_supplier_are_refused(sim):
    assert (
        sim.refused("transverses/v1/recuperer/coordbanc/valides", {"idStructure": RHONE_ID})["codeRetour"]
        == 20111
    )


def test_recipient_found_by_siret(sim):
    found = _search(sim, TOULOUSE)
    assert found["parametresRetour"]["total"] == 1
    assert found["listeStructures"][0] == {
        "idStructureCPP": 26310001,
        "identifiantStructure": TOULOUSE,
        "designationStructure": "Mairie de Toulouse",
        "typeIdentifiantStructure": "SIRET",
        "statut": "ACTIF",
    }


def test_unknown_siret_gives_an_empty_list(sim):
    found = _search(sim, "73282932000074")
    assert found["listeStructures"] == []
    assert found["parametresRetour"]["total"] == 0


def test_inactive_recipient_is_found_with_its_status(sim):
    assert _search(sim, "21310433400015")["listeStructures"][0]["statut"] == "INACTIF"


def test_private_structures_are_hidden_unless_attached_or_asked(sim, rhone):
    restricted = {"structure": {"identifiantStructure": "81234567600017"}}
    assert rhone.ok("structures/v1/rechercher", restricted)["listeStructures"] == []
    assert len(sim.ok("structures/v1/rechercher", restricted)["listeStructures"]) == 1
    assert len(_search(rhone, "81234567600017")["listeStructures"]) == 1


def test_search_needs_a_criterion(sim):
    sim.refused("structures/v1/rechercher", {"structure": {}})


def test_search_refuses_an_unknown_identifier_type(sim):
    sim.refused(
        "structures/v1/rechercher",
        {"structure": {"identifiantStructure": TOULOUSE, "typeIdentifiantStructure": "SIREN"}},
    )


@pytest.mark.parametrize(
    ("siret", "service", "ej", "ej_or_service", "mep"),
    [
        (TOULOUSE, True, False, False, False),
        (LYON, False, True, False, False),
        ("20004526800014", True, True, False, False),
        ("22310001700019", False, False, True, False),
        ("25310042400014", False, False, False, True),
        ("12345678200051", False, False, False, False),
    ],
)
def test_recipient_parameters(sim, siret, service, ej, ej_or_service, mep):
    params = _params(sim, siret)
    assert params["codeServiceDoitEtreRenseigne"] is service
    assert params["numeroEJDoitEtreRenseigne"] is ej
    assert params["gestionNumeroEJOuCodeService"] is ej_or_service
    assert params["statutMiseEnPaiementNestPasRemonte"] is mep


def test_consulting_own_structure_gives_the_password_expiry(sim):
    data = sim.ok("structures/v1/consulter", {"idStructureCPP": GARONNE_ID, "codeLangue": "fr"})
    assert data["informationGenerales"]["dateExpirationMotPasseCompteTech"] == "2027-12-31"
    assert data["informationGenerales"]["identifiantStructure"] == "81234567600017"
    recipient = sim.ok("structures/v1/consulter", {"idStructureCPP": 26310001})
    assert recipient["informationGenerales"]["dateExpirationMotPasseCompteTech"] is None
    assert recipient["adressePostaleDuSiege"]["ville"] == "Toulouse"


def test_consulting_accepts_id_structure_spelling(sim):
    data = sim.ok("structures/v1/consulter", {"idStructure": 26310002})
    assert data["informationGenerales"]["raisonSocialeStructure"] == "Commune de Lyon"


def test_consulting_an_unknown_structure_is_refused(sim):
    assert sim.refused("structures/v1/consulter", {"idStructureCPP": 1})["codeRetour"] == 20005
    sim.refused("structures/v1/consulter", {})


def test_recipient_services_include_inactive_and_public_invoices_services(sim):
    data = sim.ok(
        SERVICES,
        {"idStructure": 26310001, "parametresRechercherServicesStructure": {"nbResultatsParPage": 100}},
    )
    services = {s["codeService"]: s["estActif"] for s in data["listeServices"]}
    assert services == {
        "DGST": True,
        "URBANISME": True,
        "FONCIER": True,
        "CADASTRE_ANCIEN": False,
        "FACTURES_PUBLIQUES": True,
    }


def test_services_are_paged(sim):
    paging = {"nbResultatsParPage": 2, "pageResultatDemandee": 3}
    data = sim.ok(SERVICES, {"idStructure": 26310001, "parametresRechercherServicesStructure": paging})
    assert [s["codeService"] for s in data["listeServices"]] == ["FACTURES_PUBLIQUES"]
    assert data["parametresRetour"] == {"total": 5, "pageCourante": 3, "pages": 3, "nbResultatsParPage": 2}


def test_services_default_to_ten_per_page(sim):
    data = sim.ok(SERVICES, {"idStructure": GARONNE_ID})
    assert data["parametresRetour"]["nbResultatsParPage"] == 10
    assert [s["codeService"] for s in data["listeServices"]] == ["FACTURATION", "AGENCE_MONTAUBAN"]


def test_services_refuse_another_operations_paging_key(sim):
    sim.refused(SERVICES, {"idStructure": 26310001, "parametres": {"nbResultatsParPage": 10}})


def test_services_refuse_a_bad_page(sim):
    sim.refused(
        SERVICES,
        {"idStructure": 26310001, "parametresRechercherServicesStructure": {"pageResultatDemandee": 0}},
    )


def test_consult_service_tells_if_an_engagement_is_required(sim):
    urbanisme = sim.ok("structures/v1/consulter/service", {"idStructure": 26310001, "idService": 72002})
    assert urbanisme["parametres"]["numeroEngagement"] is True
    assert urbanisme["informationsGenerales"]["codeService"] == "URBANISME"
    dgst = sim.ok("structures/v1/consulter/service", {"idStructure": 26310001, "idService": 72001})
    assert dgst["parametres"]["numeroEngagement"] is False
    inactive = sim.ok("structures/v1/consulter/service", {"idStructure": 26310001, "idService": 72004})
    assert inactive["parametres"]["dateFinValidite"] == "2024-12-31"


def test_consult_service_of_another_structure_is_refused(sim):
    assert (
        sim.refused("structures/v1/consulter/service", {"idStructure": 26310002, "idService": 72001})[
            "codeRetour"
        ]
        == 20006
    )


def test_my_account_attachments(sim):
    data = sim.ok(
        "utilisateurs/v1/monCompte/recuperer/rattachements",
        {"parametresRecherche": {"nbResultatsParPage": 10}},
    )
    assert data["idUtilisateurCourant"] == 178051
    (attached,) = data["listeStructureRattachement"]
    assert attached["idStructure"] == GARONNE_ID
    assert [s["codeService"] for s in attached["listeServicesRattache"]] == [
        "FACTURATION",
        "AGENCE_MONTAUBAN",
    ]
