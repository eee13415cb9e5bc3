"""One test per Chorus Pro operation: path, method, headers, request field names, and the parsed reply."""

from __future__ import annotations

import base64
import json
from datetime import UTC, date, datetime
from decimal import Decimal

from chorus import client

OK = {"codeRetour": 0, "libelle": "GCU_MSG_01_000"}
PDF = b"%PDF-1.7\n" + bytes(range(256)) * 4


def test_active_structures_of_the_technical_account(api, piste):
    piste.token()
    piste.reply(
        "transverses/v1/recuperer/structures/actives/fournisseur",
        json=OK
        | {
            "listeStructures": [
                {
                    "idStructureCPP": 25123456,
                    "identifiant": "81234567600017",
                    "designationStructure": "CABINET GARONNE",
                }
            ]
        },
    )

    found = api.active_structures()

    assert piste.sent("transverses/v1/recuperer/structures/actives/fournisseur") == {}
    assert found == [
        client.Structure(
            id_structure_cpp=25123456, identifiant="81234567600017", designation="CABINET GARONNE"
        )
    ]


def test_active_structures_read_the_search_spelling_of_the_siret(api, piste):
    piste.token()
    piste.reply(
        "transverses/v1/recuperer/structures/actives/fournisseur",
        json=OK
        | {
            "listeStructures": [
                {"idStructureCPP": "7", "identifiantStructure": "1", "designationStructure": "X"}
            ]
        },
    )

    assert api.active_structures()[0].identifiant == "1"


def test_list_services_reads_every_page(api, piste):
    piste.token()
    path = "structures/v1/rechercher/services"
    service = {"codeService": "SERV_A", "libelleService": "Services techniques", "estActif": True}
    piste.reply(
        path,
        json=OK
        | {
            "listeServices": [service | {"idService": 1}, service | {"idService": 2, "estActif": False}],
            "parametresRetour": {"pageCourante": 1, "pages": 2, "nbResultatsParPage": 2, "total": 3},
        },
    )
    piste.reply(
        path,
        json=OK
        | {
            "listeServices": [
                {
                    "idService": 3,
                    "codeService": "FACTURES_PUBLIQUES",
                    "libelleService": "SFP",
                    "estActif": True,
                }
            ],
            "parametresRetour": {"pageCourante": 2, "pages": 2, "nbResultatsParPage": 2, "total": 3},
        },
    )

    services = api.list_services(26300989, page_size=2)

    bodies = [json.loads(c.request.body) for c in piste.api_calls()]
    assert bodies == [
        {
            "idStructure": 26300989,
            "parametresRechercherServicesStructure": {
                "nbResultatsParPage": 2,
                "pageResultatDemandee": page,
                "triColonne": "CodeService",
                "triSens": "Ascendant",
            },
        }
        for page in (1, 2)
    ]
    assert [(s.id_service, s.actif, s.invoiceable) for s in services] == [
        (1, True, True),
        (2, False, False),
        (3, True, False),
    ]


def test_bank_accounts_accept_both_spellings(api, piste):
    piste.token()
    piste.reply(
        "transverses/v1/recuperer/coordbanc/valides",
        json=OK
        | {
            "listeCoordonneeBancaire": [
                {"idCoordonneeBancaire": 51234, "nomCoordonneeBancaire": "IBAN SANDBOX"}
            ]
        },
    )
    assert api.bank_accounts(25123456) == [
        client.BankAccount(id_coordonnee_bancaire=51234, nom="IBAN SANDBOX")
    ]
    assert piste.sent("transverses/v1/recuperer/coordbanc/valides") == {"idStructure": 25123456}

    piste.http.replace(
        "POST",
        f"{piste.api_calls()[0].request.url}",
        json=OK
        | {
            "listeCoordonneesBancaires": [
                {"codeCoordonneesBancaires": "9", "nomCoordonneeBancaire": "Compte 2"}
            ]
        },
    )
    assert api.bank_accounts(25123456) == [client.BankAccount(id_coordonnee_bancaire=9, nom="Compte 2")]


def test_find_structure_by_siret(api, piste):
    piste.token()
    piste.reply(
        "structures/v1/rechercher",
        json=OK
        | {
            "listeStructures": [
                {
                    "idStructureCPP": 26300989,
                    "identifiantStructure": "12345678200028",
                    "designationStructure": "MAIRIE DE TEST",
                    "typeIdentifiantStructure": "SIRET",
                    "statut": "ACTIF",
                }
            ],
            "parametresRetour": {"total": 1, "pageCourante": 1, "pages": 1},
        },
    )

    found = api.find_structure("12345678200028")

    assert piste.sent("structures/v1/rechercher") == {
        "restreindreStructuresPrivees": False,
        "structure": {"identifiantStructure": "12345678200028", "typeIdentifiantStructure": "SIRET"},
    }
    assert found == client.Structure(26300989, "12345678200028", "MAIRIE DE TEST", "SIRET", "ACTIF")


def test_find_structure_returns_none_when_chorus_finds_nothing(api, piste):
    piste.token()
    piste.reply("structures/v1/rechercher", json={"codeRetour": 20000, "libelle": "TRA_MSG_00.015"})

    assert api.find_structure("99999999999999") is None


def test_consult_structure_reads_its_parameters(api, piste):
    piste.token()
    piste.reply(
        "structures/v1/consulter",
        json=OK
        | {
            "informationGenerales": {
                "idStructureCPP": 26300989,
                "identifiantStructure": "12345678200044",
                "typeIdentifiantStructure": "SIRET",
                "raisonSocialeStructure": "COMMUNAUTE DE COMMUNES",
                "dateExpirationMotPasseCompteTech": "2027-01-31",
            },
            "parametres": {
                "codeServiceDoitEtreRenseigne": True,
                "numeroEJDoitEtreRenseigne": True,
                "gestionNumeroEJOuCodeService": False,
                "statutMiseEnPaiementNestPasRemonte": True,
            },
        },
    )

    details = api.consult_structure(26300989)

    assert piste.sent("structures/v1/consulter") == {"idStructureCPP": 26300989, "codeLangue": "fr"}
    assert details.designation == "COMMUNAUTE DE COMMUNES"
    assert details.password_expires_on == date(2027, 1, 31)
    assert details.parameters == client.StructureParameters(
        service_code_required=True,
        engagement_required=True,
        engagement_or_service=False,
        payment_status_not_reported=True,
    )


def test_consult_service(api, piste):
    piste.token()
    piste.reply(
        "structures/v1/consulter/service",
        json=OK
        | {
            "informationsGenerales": {
                "codeService": "SERVICE_DEST_SERV_OBL",
                "nomService": "Voirie",
                "descriptionService": "d",
            },
            "parametres": {
                "numeroEngagement": True,
                "miseEnPaiement": False,
                "dateDebutValidite": "2020-01-01",
            },
        },
    )

    details = api.consult_service(26300989, 4412)

    assert piste.sent("structures/v1/consulter/service") == {"idStructure": 26300989, "idService": 4412}
    assert (details.code, details.nom, details.engagement_required, details.payment_reported) == (
        "SERVICE_DEST_SERV_OBL",
        "Voirie",
        True,
        False,
    )
    assert details.valid_from == date(2020, 1, 1)


def test_deposit_pdf_sends_the_file_in_base64(api, piste):
    piste.token()
    piste.reply(
        "factures/v1/deposer/pdf",
        json=OK
        | {
            "pieceJointeId": 6921279,
            "numeroFacture": "FA-2026-00042",
            "dateFacture": "2026-11-27",
            "typeFacture": "FACTURE",
            "montantHtTotal": 1250.1,
            "montantTtcAvantRemiseGlobalTTC": None,
        },
    )

    deposit = api.deposit_pdf(PDF, "FA-2026-00042.pdf")

    body = piste.sent("factures/v1/deposer/pdf")
    assert set(body) == {"idUtilisateurCourant", "fichierFacture", "nomFichier", "formatDepot"}
    assert base64.b64decode(body["fichierFacture"]) == PDF
    assert (body["nomFichier"], body["formatDepot"], body["idUtilisateurCourant"]) == (
        "FA-2026-00042.pdf",
        "PDF_NON_SIGNE",
        0,
    )
    assert deposit.piece_jointe_id == 6921279
    assert deposit.numero_facture == "FA-2026-00042"
    assert deposit.date_facture == date(2026, 11, 27)
    assert deposit.montant_ht == Decimal("1250.1")
    assert deposit.montant_ttc is None


def test_add_attachment_returns_its_id(api, piste):
    piste.token()
    piste.reply("transverses/v1/ajouter/fichier", json=OK | {"pieceJointeId": 28205})

    piece_id = api.add_attachment(b"plan", name="plan-bornage.pdf", mime="application/pdf", extension=".pdf")

    assert piste.sent("transverses/v1/ajouter/fichier") == {
        "pieceJointeFichier": base64.b64encode(b"plan").decode(),
        "pieceJointeNom": "plan-bornage.pdf",
        "pieceJointeTypeMime": "application/pdf",
        "pieceJointeExtension": "PDF",
    }
    assert piece_id == 28205


def test_submit_sends_the_full_contract_body(api, piste, make_submit):
    piste.token()
    piste.reply(
        "factures/v1/soumettre",
        json=OK
        | {
            "identifiantFactureCPP": 8500017,
            "numeroFacture": "FA-2026-00042",
            "statutFacture": "DEPOSEE",
            "dateDepot": "2026-11-27",
            "identifiantStructure": "81234567600017",
            "empreinteCertificatDepot": "aGFzaA==",
        },
    )

    submitted = api.submit(make_submit())

    assert piste.sent("factures/v1/soumettre") == {
        "modeDepot": "DEPOT_PDF_API",
        "numeroFactureSaisi": "FA-2026-00042",
        "dateFacture": "2026-11-27",
        "idUtilisateurCourant": 0,
        "commentaire": "Dossier 2026-113 - bornage parcelle AB 12",
        "cadreDeFacturation": {"codeCadreFacturation": "A1_FACTURE_FOURNISSEUR"},
        "destinataire": {
            "codeDestinataire": "12345678200028",
            "codeServiceExecutant": "SERVICE_DEST_SERV_OBL",
        },
        "fournisseur": {
            "idFournisseur": 25123456,
            "idServiceFournisseur": 777,
            "codeCoordonneesBancairesFournisseur": 51234,
        },
        "references": {
            "deviseFacture": "EUR",
            "typeFacture": "FACTURE",
            "typeTva": "TVA_SUR_DEBIT",
            "modePaiement": "VIREMENT",
            "numeroMarche": "M2026-07",
            "numeroBonCommande": "EJ-2026-118",
        },
        "montantTotal": {
            "montantHtTotal": 1250.1,
            "montantTVA": 250.02,
            "montantTtcTotal": 1500.12,
            "montantAPayer": 1500.12,
        },
        "ligneTva": [
            {
                "ligneTvaTauxManuel": 20,
                "ligneTvaMontantBaseHtParTaux": 1250.1,
                "ligneTvaMontantTvaParTaux": 250.02,
            }
        ],
        "pieceJointePrincipale": [
            {"pieceJointePrincipaleDesignation": "Facture FA-2026-00042", "pieceJointePrincipaleId": 9100001}
        ],
        "pieceJointeComplementaire": [
            {
                "pieceJointeComplementaireDesignation": "PV de bornage",
                "pieceJointeComplementaireId": 9100002,
                "pieceJointeComplementaireType": "",
            }
        ],
    }
    assert submitted == client.Submitted(
        identifiant_facture_cpp=8500017,
        numero_facture="FA-2026-00042",
        statut="DEPOSEE",
        date_depot=date(2026, 11, 27),
        identifiant_structure="81234567600017",
        empreinte_certificat_depot="aGFzaA==",
    )


def test_submit_writes_amounts_as_exact_two_decimal_numbers(api, piste, make_submit):
    piste.token()
    piste.reply("factures/v1/soumettre", json=OK | {"identifiantFactureCPP": 1})
    huge = Decimal("12345678901234567.89")  # a float would print 1.2345678901234568e+16

    api.submit(
        make_submit(totals=client.Totals(ht=huge, tva=Decimal("0.005"), ttc=huge, a_payer=Decimal("7")))
    )

    raw = piste.api_calls()[0].request.body.decode()
    assert '"montantHtTotal":12345678901234567.89' in raw
    assert '"montantTVA":0.01' in raw
    assert '"montantAPayer":7.00' in raw


def test_submit_credit_note_with_exemption(api, piste, make_submit):
    piste.token()
    piste.reply("factures/v1/soumettre", json=OK | {"identifiantFactureCPP": 2, "statutFacture": "DEPOSEE"})

    api.submit(
        make_submit(
            type_facture="AVOIR",
            numero_facture_origine="FA-2026-00041",
            type_tva="EXONERATION",
            motif_exoneration_tva="EXO_ART_261",
            code_service_executant=None,
            vat_lines=(),
            complementary=(),
            commentaire=None,
        )
    )

    body = piste.sent("factures/v1/soumettre")
    assert body["references"]["typeFacture"] == "AVOIR"
    assert body["references"]["numeroFactureOrigine"] == "FA-2026-00041"
    assert body["references"]["motifExonerationTva"] == "EXO_ART_261"
    assert body["destinataire"] == {"codeDestinataire": "12345678200028"}
    assert "ligneTva" not in body and "pieceJointeComplementaire" not in body and "commentaire" not in body


def test_consult_invoice_as_supplier(api, piste):
    piste.token()
    piste.reply(
        "factures/v1/consulter/fournisseur",
        json=OK
        | {
            "facture": {
                "identifiantFactureCPP": 8500017,
                "numeroFacture": "FA-2026-00042",
                "statutFacture": "MISE_A_DISPOSITION",
                "references": {
                    "dateFacture": "2026-11-27",
                    "typeFacture": "FACTURE",
                    "numeroBonCommande": "EJ-1",
                },
                "montantTotal": {
                    "montantHtTotal": 1250.10,
                    "montantTtcTotal": 1500.12,
                    "montantAPayer": 1500.12,
                },
                "destinataire": {"codeDestinataire": "12345678200028", "libelleDestinataire": "MAIRIE"},
            }
        },
    )

    state = api.consult_invoice(8500017)

    assert piste.sent("factures/v1/consulter/fournisseur") == {"identifiantFactureCPP": 8500017}
    assert (state.identifiant_facture_cpp, state.statut, state.date_facture) == (
        8500017,
        "MISE_A_DISPOSITION",
        date(2026, 11, 27),
    )
    assert state.montant_ttc == Decimal("1500.12")
    assert state.designation_destinataire == "MAIRIE"


def test_invoice_history(api, piste):
    piste.token()
    piste.reply(
        "factures/v1/consulter/historique",
        json=OK
        | {
            "idFacture": 8500017,
            "numeroFacture": "FA-2026-00042",
            "statutCourantCode": "SUSPENDUE",
            "historiquesDesStatuts": {
                "histoStatut": [
                    {
                        "histoStatutCode": "SUSPENDUE",
                        "histoStatutDatePassage": "2026-11-29 10:15",
                        "histoStatutCommentaire": "Joindre le PV",
                        "histoStatutUtilisateurNom": "Martin",
                        "histoStatutUtilisateurPrenom": "Anne",
                    },
                    {"histoStatutCode": "DEPOSEE", "histoStatutDatePassage": "2026-11-27T09:00:00.000+01:00"},
                ]
            },
        },
    )

    history = api.invoice_history(8500017)

    assert piste.sent("factures/v1/consulter/historique") == {"idFacture": 8500017, "nbResultatsMaximum": 100}
    assert history.statut_courant == "SUSPENDUE"
    assert [c.statut for c in history.changes] == ["SUSPENDUE", "DEPOSEE"]
    latest = history.changes[0]
    assert (latest.commentaire, latest.auteur) == ("Joindre le PV", "Anne Martin")
    assert latest.at == datetime(2026, 11, 29, 9, 15, tzinfo=UTC)
    assert history.changes[1].at == datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


def _invoice(n: int, statut: str = "MISE_A_DISPOSITION", numero: str | None = None) -> dict:
    return {
        "identifiantFactureCPP": n,
        "numeroFacture": numero or f"FA-{n}",
        "statut": statut,
        "dateHeureEtatCourant": "2026-11-28T18:30:00.000+01:00",
        "commentaireEtatCourant": None,
        "montantTTC": 120.0,
    }


def test_search_invoices_sends_criteria_and_reads_every_page(api, piste):
    piste.token()
    path = "factures/v1/rechercher/fournisseur"
    paging = {"nbResultatsParPage": 2, "total": 3, "pages": 2}
    piste.reply(
        path,
        json=OK
        | {"listeFactures": [_invoice(1), _invoice(2)], "parametresRetour": paging | {"pageCourante": 1}},
    )
    piste.reply(
        path,
        json=OK
        | {"listeFactures": [_invoice(3, "REJETEE")], "parametresRetour": paging | {"pageCourante": 2}},
    )
    since = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)

    found = list(
        api.search_invoices(
            client.InvoiceSearch(
                id_fournisseur=25123456, statuts=("MISE_A_DISPOSITION", "REJETEE"), changed_since=since
            ),
            page_size=2,
        )
    )

    bodies = [json.loads(c.request.body) for c in piste.api_calls()]
    assert bodies[0] == {
        "idFournisseur": 25123456,
        "statutCourant": ["MISE_A_DISPOSITION", "REJETEE"],
        "periodeDateHeureEtatCourantDu": "2026-11-28T01:00:00.000Z",
        "rechercheFactureParFournisseur": {"pageResultatDemandee": 1, "nbResultatsParPage": 2},
    }
    assert bodies[1]["rechercheFactureParFournisseur"] == {"pageResultatDemandee": 2, "nbResultatsParPage": 2}
    assert [(s.identifiant_facture_cpp, s.statut) for s in found] == [
        (1, "MISE_A_DISPOSITION"),
        (2, "MISE_A_DISPOSITION"),
        (3, "REJETEE"),
    ]
    assert found[0].date_heure_etat_courant == datetime(2026, 11, 28, 17, 30, tzinfo=UTC)
    assert found[0].montant_ttc == Decimal("120.0")


def test_search_invoices_with_no_result_code_is_empty(api, piste):
    piste.token()
    piste.reply("factures/v1/rechercher/fournisseur", json={"codeRetour": 20000, "libelle": "TRA_MSG_00.015"})

    assert list(api.search_invoices(client.InvoiceSearch(statuts=("SUSPENDUE",)))) == []


def test_paging_stops_when_chorus_ignores_the_page_asked(api, piste):
    piste.token()
    page = {"codeRetour": 0, "listeServices": [{"idService": n, "codeService": f"S{n}"} for n in (1, 2)]}
    piste.reply("structures/v1/rechercher/services", json=page)

    services = api.list_services(1, page_size=2)

    assert [s.id_service for s in services] == [1, 2]
    assert len(piste.api_calls()) == 2


def test_find_by_number_searches_that_number_only(api, piste):
    piste.token()
    piste.reply(
        "factures/v1/rechercher/fournisseur",
        json=OK
        | {
            "listeFactures": [
                _invoice(5, numero="FA-2026-00042-B"),
                _invoice(6, "DEPOSEE", numero="FA-2026-00042"),
            ],
            "parametresRetour": {"pageCourante": 1, "pages": 1, "total": 2},
        },
    )

    found = api.find_by_number("FA-2026-00042")

    body = piste.sent("factures/v1/rechercher/fournisseur")
    assert body["numeroFacture"] == "FA-2026-00042"
    assert (found.identifiant_facture_cpp, found.statut) == (6, "DEPOSEE")


def test_find_by_number_when_chorus_has_none(api, piste):
    piste.token()
    piste.reply("factures/v1/rechercher/fournisseur", json={"codeRetour": 20000, "libelle": "TRA_MSG_00.015"})

    assert api.find_by_number("FA-2026-00099") is None


def test_current_user_id_from_attachments(api, piste):
    piste.token()
    piste.reply(
        "utilisateurs/v1/monCompte/recuperer/rattachements",
        json=OK
        | {
            "idUtilisateur": 4242,
            "listeStructureRattachement": [
                {
                    "idStructure": 25123456,
                    "identifiantStructure": "81234567600017",
                    "designationStructure": "CABINET",
                }
            ],
        },
    )

    assert api.current_user_id() == 4242
    body = piste.sent("utilisateurs/v1/monCompte/recuperer/rattachements")
    assert set(body["parametresRecherche"]) == {
        "nbResultatsParPage",
        "pageResultatDemandee",
        "triColonne",
        "triSens",
    }


def test_current_user_id_is_none_when_chorus_does_not_say(api, piste):
    piste.token()
    piste.reply(
        "utilisateurs/v1/monCompte/recuperer/rattachements", json=OK | {"listeStructureRattachement": []}
    )

    assert api.current_user_id() is None


def test_exemption_motives(api, piste):
    piste.token()
    piste.reply(
        "transverses/v1/recuperer/motifs/exonerationtva",
        json=OK
        | {
            "listeMotifsExonerationTva": [
                {"codeMotifExonerationTva": "M1", "libelleMotifExonerationTva": "Art. 261"}
            ]
        },
    )

    assert api.exemption_motives() == [client.ExemptionMotive("M1", "Art. 261")]
    assert piste.sent("transverses/v1/recuperer/motifs/exonerationtva") == {"codeLangue": "fr"}


def test_exemption_motives_short_spelling(api, piste):
    piste.token()
    piste.reply(
        "transverses/v1/recuperer/motifs/exonerationtva",
        json=OK | {"listeMotifs": [{"code": "M2", "libelle": "Autre"}]},
    )

    assert api.exemption_motives() == [client.ExemptionMotive("M2", "Autre")]


def test_attachment_types(api, piste):
    piste.token()
    piste.reply(
        "transverses/v1/recuperer/typespj",
        json=OK
        | {
            "listeTypePieceJointe": [
                {"idTypePieceJointe": 3, "codeTypePieceJointe": "BON", "libelleTypePieceJointe": "Bon"}
            ]
        },
    )

    assert api.attachment_types() == [client.AttachmentType(3, "BON", "Bon")]
    assert piste.sent("transverses/v1/recuperer/typespj") == {"typeObjet": "FACTURE", "codeLangue": "fr"}


def test_vat_rates(api, piste):
    piste.token()
    piste.reply(
        "transverses/v1/recuperer/tauxtva",
        json=OK
        | {"listeTauxTva": [{"codeTauxTva": "TVA20", "libelleTauxTva": "20 %", "valeurTauxTva": 20.0}]},
    )

    assert api.vat_rates() == [client.VatRate("TVA20", "20 %", Decimal("20.0"))]
    assert piste.sent("transverses/v1/recuperer/tauxtva") == {"codeLangue": "fr"}


def test_health_check_is_a_get(api, piste):
    piste.token()
    piste.reply(
        "transverses/v1/health-check",
        method="GET",
        json={"body": "OK", "statusCode": "OK", "statusCodeValue": 200},
    )

    assert api.health_check() is True
    assert piste.sent("transverses/v1/health-check", method="GET") is None


def test_deposit_flux_facturx(api, piste):
    piste.token()
    piste.reply(
        "factures/v1/deposer/flux",
        json=OK
        | {
            "numeroFluxDepot": "CPP-FLUX-0001",
            "dateDepot": "2026-11-27",
            "syntaxeFlux": "IN_DP_E2_CII_FACTURX",
        },
    )

    deposit = api.deposit_flux(PDF, "facturx.pdf")

    body = piste.sent("factures/v1/deposer/flux")
    assert base64.b64decode(body.pop("fichierFlux")) == PDF
    assert body == {
        "idUtilisateurCourant": 0,
        "nomFichier": "facturx.pdf",
        "syntaxeFlux": "IN_DP_E2_CII_FACTURX",
        "avecSignature": False,
    }
    assert deposit == client.FluxDeposit("CPP-FLUX-0001", date(2026, 11, 27), "IN_DP_E2_CII_FACTURX")


def test_flux_report(api, piste):
    piste.token()
    piste.reply(
        "transverses/v1/consulterCRDetaille",
        json=OK
        | {
            "numeroFluxDepot": "CPP-FLUX-0001",
            "etatCourantDepotFlux": "IN_REJETE",
            "dateDepotFlux": "2026-11-27T15:10:25.536+01:00",
            "fichierCR": base64.b64encode(b"%PDF-CR").decode(),
            "listeErreurTechnique": [{"codeErreur": "E1", "libelleErreur": "Balise manquante"}],
        },
    )

    report = api.flux_report("CPP-FLUX-0001")

    assert piste.sent("transverses/v1/consulterCRDetaille") == {
        "numeroFluxDepot": "CPP-FLUX-0001",
        "syntaxeFlux": "IN_DP_E2_CII_FACTURX",
    }
    assert (report.etat, report.erreurs, report.report_pdf) == (
        "IN_REJETE",
        ("Balise manquante",),
        b"%PDF-CR",
    )
