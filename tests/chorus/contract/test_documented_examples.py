"""The client against the public contract: the reference's documented examples replayed with `responses`,
each request checked for method, path, headers and field names against reference_table.py."""

from __future__ import annotations

import base64
import json
import urllib.parse
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from chorus import client
from tests.chorus.client.support import API_BASE, TOKEN_URL
from tests.chorus.contract import reference_table as ref

# Headers the HTTP library adds to every request; the contract's own are in ref.HEADERS.
TRANSPORT_HEADERS = {"User-Agent", "Accept-Encoding", "Connection", "Content-Length"}
OK = {"codeRetour": 0, "libelle": "GCU_MSG_01_000"}

# §3.10, lines 336-350: the reconstructed Géoprod PDF deposit, and its answer (line 352).
SUBMIT_EXAMPLE = {
    "modeDepot": "DEPOT_PDF_API",
    "numeroFactureSaisi": "FA-2026-00042",
    "dateFacture": "2026-11-27",
    "destinataire": {"codeDestinataire": "12345678200028", "codeServiceExecutant": "SERVICE_DEST_SERV_OBL"},
    "fournisseur": {"idFournisseur": 25123456, "codeCoordonneesBancairesFournisseur": 51234},
    "cadreDeFacturation": {"codeCadreFacturation": "A1_FACTURE_FOURNISSEUR"},
    "references": {
        "deviseFacture": "EUR",
        "typeFacture": "FACTURE",
        "typeTva": "TVA_SUR_DEBIT",
        "modePaiement": "VIREMENT",
        "numeroBonCommande": "EJ-2026-118",
        "numeroMarche": "M2026-07",
    },
    "montantTotal": {
        "montantHtTotal": 1250.00,
        "montantTVA": 250.00,
        "montantTtcTotal": 1500.00,
        "montantAPayer": 1500.00,
    },
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
    "commentaire": "Dossier 2026-113 - bornage parcelle AB 12",
}
SUBMIT_ANSWER = OK | {
    "identifiantFactureCPP": 8500017,
    "numeroFacture": "FA-2026-00042",
    "statutFacture": "DEPOSEE",
    "dateDepot": "2026-11-27",
    "identifiantStructure": "41234567800017",
    "empreinteCertificatDepot": base64.b64encode(b"h" * 32).decode(),
}


def _example_submit() -> client.SubmitRequest:
    """The example of lines 336-350 as the product would describe it to the client."""
    return client.SubmitRequest(
        numero_facture="FA-2026-00042",
        date_facture=date(2026, 11, 27),
        id_fournisseur=25123456,
        code_destinataire="12345678200028",
        code_service_executant="SERVICE_DEST_SERV_OBL",
        id_coordonnee_bancaire=51234,
        numero_bon_commande="EJ-2026-118",
        numero_marche="M2026-07",
        commentaire="Dossier 2026-113 - bornage parcelle AB 12",
        piece_jointe_principale_id=9100001,
        piece_jointe_principale_designation="Facture FA-2026-00042",
        totals=client.Totals(
            ht=Decimal("1250.00"), tva=Decimal("250.00"), ttc=Decimal("1500.00"), a_payer=Decimal("1500.00")
        ),
        complementary=(client.ComplementaryAttachment(piece_jointe_id=9100002, designation="PV de bornage"),),
    )


# One documented call per operation: (what the client is asked, the reply the reference documents).
def _full_submit() -> client.SubmitRequest:
    """Every optional field the client can send, to check each of their names against the table."""
    base = _example_submit()
    return client.SubmitRequest(
        **{
            **base.__dict__,
            "type_facture": "AVOIR",
            "type_tva": "EXONERATION",
            "motif_exoneration_tva": "EXONERATION_261",
            "numero_facture_origine": "FA-2026-00041",
            "id_service_fournisseur": 777,
            "code_structure_valideur": "12345678200051",
            "code_service_valideur": "SERVICE_VALIDEUR",
            "vat_lines": (
                client.VatLine(rate=Decimal("20"), base_ht=Decimal("1000"), montant_tva=Decimal("200")),
                client.VatLine(
                    rate=Decimal("5.5"), base_ht=Decimal("250"), montant_tva=Decimal("50"), rate_code="TVA5"
                ),
            ),
            "totals": client.Totals(
                ht=Decimal("1250"),
                tva=Decimal("250"),
                ttc=Decimal("1500"),
                a_payer=Decimal("1450"),
                remise_globale_ttc=Decimal("50"),
                motif_remise_globale="Remise",
            ),  # fmt: skip
            "complementary": (
                client.ComplementaryAttachment(
                    piece_jointe_id=9100002,
                    designation="Plan",
                    type="PJ_PLAN",
                    id_liaison=1,
                    numero_ligne_facture=1,
                ),
            ),  # fmt: skip
        }
    )


CALLS: dict[str, tuple[Any, dict[str, Any]]] = {
    # §3.1, line 173 (reconstructed example answer).
    "active_structures": (
        lambda api: api.active_structures(),
        {
            "codeRetour": 0,
            "libelle": "TRA_MSG_00.000",
            "listeStructures": [
                {
                    "idStructureCPP": 25123456,
                    "identifiant": "41234567800017",
                    "designationStructure": "CABINET EXEMPLE",
                }
            ],
        },
    ),
    # §3.2, lines 185-186.
    "find_structure": (
        lambda api: api.find_structure("12345678200051"),
        OK
        | {
            "listeStructures": [
                {
                    "idStructureCPP": 26300989,
                    "identifiantStructure": "12345678200051",
                    "designationStructure": "DESTINATAIRE",
                    "typeIdentifiantStructure": "SIRET",
                    "statut": "ACTIF",
                }
            ],
            "parametresRetour": {"pageCourante": 1, "pages": 1, "nbResultatsParPage": 10, "total": 1},
        },
    ),  # fmt: skip
    # §3.3, lines 195-203.
    "consult_structure": (
        lambda api: api.consult_structure(26300989),
        OK
        | {
            "parametres": {
                "codeServiceDoitEtreRenseigne": True,
                "numeroEJDoitEtreRenseigne": False,
                "gestionNumeroEJOuCodeService": False,
                "statutMiseEnPaiementNestPasRemonte": False,
            },
            "informationGenerales": {
                "idStructureCPP": 26300989,
                "identifiantStructure": "12345678200028",
                "dateExpirationMotPasseCompteTech": "2027-03-01",
            },
        },
    ),  # fmt: skip
    # §3.4, lines 216-217 (sample from [OCA]: dateDbtService "2016-10-25 17:42", §2 line 150).
    "list_services": (
        lambda api: api.list_services(26300989),
        OK
        | {
            "listeServices": [
                {
                    "idService": 1,
                    "codeService": "SERVICE_DEST_SERV_OBL",
                    "libelleService": "Service",
                    "estActif": True,
                    "dateDbtService": "2016-10-25 17:42",
                }
            ],
            "parametresRetour": {"pageCourante": 1, "pages": 1, "nbResultatsParPage": 1000, "total": 1},
        },
    ),  # fmt: skip
    # §3.5, lines 225-227.
    "consult_service": (
        lambda api: api.consult_service(26300989, 1),
        OK
        | {
            "parametres": {"numeroEngagement": True, "miseEnPaiement": True},
            "informationsGenerales": {"codeService": "SERVICE_DEST_SERV_OBL", "nomService": "Service"},
        },
    ),  # fmt: skip
    # §3.6, lines 232-235.
    "bank_accounts": (
        lambda api: api.bank_accounts(25123456),
        OK
        | {
            "listeCoordonneeBancaire": [
                {"idCoordonneeBancaire": 51234, "nomCoordonneeBancaire": "IBAN SANDBOX"}
            ]
        },
    ),
    # §3.7, lines 238-241.
    "my_attachments": (
        lambda api: api.my_attachments(),
        OK
        | {
            "listeStructureRattachement": [
                {
                    "idStructure": 25123456,
                    "identifiantStructure": "41234567800017",
                    "designationStructure": "CABINET EXEMPLE",
                }
            ]
        },
    ),  # fmt: skip
    # §3.8, line 255.
    "add_attachment": (
        lambda api: api.add_attachment(
            b"%PDF-1.4 plan", name="plan.pdf", mime="application/pdf", extension="PDF"
        ),
        {"codeRetour": 0, "libelle": "GCU_MSG_01_000", "pieceJointeId": 28205},
    ),
    # §3.9, lines 266-271 ([PST] fixture: all null but typeFacture and pieceJointeId 6921279).
    "deposit_pdf": (
        lambda api: api.deposit_pdf(b"%PDF-1.4 facture", "FA-2026-00042.pdf"),
        OK
        | {"pieceJointeId": 6921279, "typeFacture": "FACTURE", "numeroFacture": None, "montantHtTotal": None},
    ),
    # §3.10, lines 336-352.
    "submit": (lambda api: api.submit(_full_submit()), SUBMIT_ANSWER),
    # §3.11, lines 364-376.
    "consult_invoice": (
        lambda api: api.consult_invoice(8500017),
        OK
        | {
            "facture": {
                "identifiantFactureCPP": 8500017,
                "numeroFacture": "FA-2026-00042",
                "statutFacture": "MISE_A_DISPOSITION",
            }
        },
    ),  # fmt: skip
    # §3.12, lines 390-398.
    "search_invoices": (
        lambda api: list(
            api.search_invoices(
                client.InvoiceSearch(
                    numero_facture="FA-2026-00042",
                    statuts=("DEPOSEE",),
                    changed_since=datetime(2026, 11, 1, tzinfo=UTC),
                    changed_until=datetime(2026, 11, 2, tzinfo=UTC),
                    deposited_from=date(2026, 11, 1),
                    deposited_until=date(2026, 11, 2),
                    id_fournisseur=25123456,
                    type_facture="FACTURE",
                    numero_flux_depot="CPP-FLUX-1",
                )
            )
        ),
        OK
        | {
            "listeFactures": [
                {
                    "identifiantFactureCPP": 8500017,
                    "numeroFacture": "FA-2026-00042",
                    "statut": "DEPOSEE",
                    "dateHeureEtatCourant": "2026-11-01 10:00",
                }
            ],
            "parametresRetour": {"pageCourante": 1, "pages": 1, "nbResultatsParPage": 100, "total": 1},
        },
    ),  # fmt: skip
    # §3.13, lines 409-417.
    "invoice_history": (
        lambda api: api.invoice_history(8500017),
        OK
        | {
            "idFacture": 8500017,
            "statutCourantCode": "SUSPENDUE",
            "historiquesDesStatuts": {
                "histoStatut": [
                    {
                        "histoStatutCode": "SUSPENDUE",
                        "histoStatutDatePassage": "2026-11-28 09:00",
                        "histoStatutCommentaire": "PV manquant",
                    }
                ]
            },
        },
    ),  # fmt: skip
    # §3.14, lines 421-424.
    "complete": (
        lambda api: api.complete(
            client.CompleteRequest(
                identifiant_facture_cpp=8500017,
                commentaire="PV de bornage joint",
                complementary=(
                    client.ComplementaryAttachment(
                        piece_jointe_id=9100003, designation="PV de bornage", type="PJ_PLAN"
                    ),
                ),
            )
        ),
        OK
        | {
            "identifiantFactureCPP": 8500017,
            "numeroFacture": "FA-2026-00042",
            "dateTraitement": "2026-11-30",
        },
    ),  # fmt: skip
    # §3.14, lines 426-430.
    "recycle": (
        lambda api: api.recycle(
            client.RecycleRequest(
                identifiant_facture_cpp=8500017,
                code_destinataire="12345678200028",
                code_service_executant="SERVICE_DEST_SERV_OBL",
                numero_bon_commande="EJ-2026-119",
                commentaire="Service corrigé",
            )
        ),
        OK
        | {
            "identifiantFactureCPP": 8500017,
            "numeroFacture": "FA-2026-00042",
            "dateDepot": "2026-12-01",
            "statutFacture": "DEPOSEE",
        },
    ),  # fmt: skip
    # §3.16, line 450.
    "attachment_types": (
        lambda api: api.attachment_types(),
        OK
        | {
            "listeTypePieceJointe": [
                {
                    "idTypePieceJointe": 3,
                    "codeTypePieceJointe": "PJ_PLAN",
                    "libelleTypePieceJointe": "Plan",
                    "typeObjet": "FACTURE",
                }
            ]
        },
    ),  # fmt: skip
    # §3.16, line 451.
    "vat_rates": (
        lambda api: api.vat_rates(),
        OK | {"listeTauxTva": [{"codeTauxTva": "TVA20", "libelleTauxTva": "20 %", "valeurTauxTva": 20}]},
    ),
    # §3.16, line 452.
    "exemption_motives": (
        lambda api: api.exemption_motives(),
        OK
        | {
            "listeMotifsExonerationTva": [
                {"codeMotifExonerationTva": "EXO", "libelleMotifExonerationTva": "Exo"}
            ]
        },
    ),
    # §3.16, line 464.
    "health_check": (
        lambda api: api.health_check(),
        {"body": "OK", "statusCode": "OK", "statusCodeValue": 200},
    ),
    # §3.17, lines 467-468.
    "deposit_flux": (
        lambda api: api.deposit_flux(b"%PDF-1.7 facturx", "FA-2026-00042.pdf"),
        OK
        | {"numeroFluxDepot": "CPP-FLUX-1", "dateDepot": "2026-11-27", "syntaxeFlux": "IN_DP_E2_CII_FACTURX"},
    ),
    # §3.17, lines 469-473.
    "flux_report": (
        lambda api: api.flux_report("CPP-FLUX-1"),
        OK
        | {
            "etatCourantDepotFlux": "IN_INTEGRE",
            "dateDepotFlux": "2018-02-16T15:10:25.536+01:00",
            "dateHeureEtatCourantFlux": "2018-02-16T15:10:25.536+01:00",
            "codeInterfaceDepotFlux": "X",
            "nomFichier": "FA-2026-00042.pdf",
            "listeErreurDP": [],
            "listeErreurTechnique": [],
        },
    ),  # fmt: skip
}


def test_every_operation_of_the_table_is_replayed():
    assert set(CALLS) == set(ref.OPERATIONS)


def test_every_client_operation_is_in_the_table():
    public = {
        name for name in vars(client.ChorusClient)
        if not name.startswith("_") and callable(getattr(client.ChorusClient, name))
    }  # fmt: skip
    # Helpers built on table operations (pages of search_invoices, find_by_number, current_user_id), and the
    # token request, checked against ref.TOKEN_FIELDS by test_token_request_matches_the_contract.
    helpers = {"search_invoices_page", "find_by_number", "current_user_id", "check_token"}
    assert public - helpers == set(ref.OPERATIONS)


@pytest.mark.parametrize("operation", sorted(ref.OPERATIONS))
def test_request_matches_the_contract(operation, api, piste, journal):
    documented = ref.OPERATIONS[operation]
    call, answer = CALLS[operation]
    piste.token()
    piste.reply(documented.path, method=documented.method, json=answer)

    call(api)

    [sent] = piste.api_calls()
    request = sent.request
    assert request.method == documented.method
    assert request.url == f"{API_BASE}/{documented.path}"
    contract_headers = set(request.headers) - TRANSPORT_HEADERS
    if documented.method == "GET":
        contract_headers.discard("Content-Type")
    assert contract_headers <= set(ref.HEADERS), contract_headers - set(ref.HEADERS)
    assert request.headers["Authorization"].startswith("Bearer ")
    login_password = base64.b64decode(request.headers["cpro-account"], validate=True).decode()
    assert login_password.count(":") >= 1
    assert request.headers["Accept"] == ref.ACCEPT
    if documented.method == "POST":
        assert request.headers["Content-Type"] == ref.CONTENT_TYPE
        body = json.loads(request.body)
        undocumented = ref.field_names(body) - set(documented.fields)
        assert not undocumented, f"{operation}: champs non documentés {sorted(undocumented)}"
    else:
        assert not request.body


def test_token_request_matches_the_contract(api, piste):
    piste.token()
    piste.reply(ref.OPERATIONS["active_structures"].path, json=CALLS["active_structures"][1])
    api.active_structures()
    [token] = piste.token_calls()
    assert token.request.method == "POST" and token.request.url == TOKEN_URL
    assert token.request.headers["Content-Type"] == "application/x-www-form-urlencoded"  # line 68
    assert set(urllib.parse.parse_qs(token.request.body)) == set(ref.TOKEN_FIELDS)


def test_submit_sends_the_documented_example_and_nothing_else(api, piste):
    piste.token()
    piste.reply("factures/v1/soumettre", json=SUBMIT_ANSWER)

    submitted = api.submit(_example_submit())

    [sent] = piste.api_calls()
    body = json.loads(sent.request.body)
    assert body.pop("idUtilisateurCourant") == 0  # line 294: every production client sends 0 or omits it
    assert body == SUBMIT_EXAMPLE
    assert "dateEcheancePaiement" not in sent.request.body.decode()
    assert submitted == client.Submitted(
        identifiant_facture_cpp=8500017,
        numero_facture="FA-2026-00042",
        statut="DEPOSEE",
        date_depot=date(2026, 11, 27),
        identifiant_structure="41234567800017",
        empreinte_certificat_depot=SUBMIT_ANSWER["empreinteCertificatDepot"],
    )


def test_documented_answers_are_read(api, piste):
    """The example answers parse into what the product uses (the shapes of §3.1, §3.8, §3.17)."""
    for operation in ("active_structures", "add_attachment", "flux_report"):
        piste.reply(ref.OPERATIONS[operation].path, json=CALLS[operation][1])
    piste.token()
    assert api.active_structures() == [
        client.Structure(25123456, "41234567800017", "CABINET EXEMPLE", None, None)
    ]
    assert api.add_attachment(b"x", name="a.pdf", mime="application/pdf", extension="PDF") == 28205
    assert api.flux_report("CPP-FLUX-1").etat == "IN_INTEGRE"
