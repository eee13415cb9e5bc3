"""Fixtures to talk to the simulator through Django's test client (no network)."""

from __future__ import annotations

import base64
import json
from datetime import date

import pytest

from chorus.simulator import lifecycle, state

BASE = "/_chorus-sim"
GARONNE_LOGIN = "TECH_00000000178051@cpp2017.fr"
RHONE_LOGIN = "TECH_00000000178052@cpp2017.fr"
EXPIRED_LOGIN = "TECH_00000000178053@cpp2017.fr"
PASSWORD = "GeoprodDemo2026!"
GARONNE_ID = 26300101
RHONE_ID = 26300102
TOULOUSE = "21310555400017"
LYON = "21690123100011"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def number_for(outcome: str, prefix: str = "F-2026-") -> str:
    """The first invoice number whose simulated fate is `outcome` (see lifecycle.outcome_for)."""
    return next(n for i in range(1, 1000) if lifecycle.outcome_for(n := f"{prefix}{i:04d}") == outcome)


def cpro_account(login: str, password: str = PASSWORD) -> str:
    return base64.b64encode(f"{login}:{password}".encode()).decode()


def b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


class Sim:
    """A caller of the simulator: gets a token, sends the cpro-account header, posts JSON."""

    def __init__(self, client, login: str = GARONNE_LOGIN):
        self.client = client
        self.token = self.get_token().json()["access_token"]
        self.account = cpro_account(login)

    def get_token(self, client_id: str = "geoprod-simulateur", secret: str = "secret-simulateur"):
        form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
        return self.client.post(f"{BASE}/api/oauth/token", form | {"scope": "openid"})

    def headers(self, token: str | None = None, account: str | None = None) -> dict:
        return {
            "HTTP_AUTHORIZATION": f"Bearer {token or self.token}",
            "HTTP_CPRO_ACCOUNT": account or self.account,
        }

    def post(self, operation: str, body: dict | None = None, **headers):
        return self.client.post(
            f"{BASE}/cpro/{operation}",
            json.dumps(body or {}),
            content_type="application/json;charset=utf-8",
            **(self.headers() | headers),
        )

    def ok(self, operation: str, body: dict | None = None) -> dict:
        response = self.post(operation, body)
        assert response.status_code == 200, response.content
        data = response.json()
        assert data["codeRetour"] == 0
        return data

    def refused(self, operation: str, body: dict | None = None, status: int = 400) -> dict:
        response = self.post(operation, body)
        assert response.status_code == status, response.content
        data = response.json()
        assert data["codeRetour"] != 0 and data["libelle"]
        return data

    def upload(self, content: bytes = b"contenu", name: str = "plan.pdf") -> int:
        body = {
            "pieceJointeFichier": b64(content),
            "pieceJointeNom": name,
            "pieceJointeTypeMime": "application/pdf",
            "pieceJointeExtension": name.rsplit(".", 1)[-1].upper(),
        }
        return self.ok("transverses/v1/ajouter/fichier", body)["pieceJointeId"]

    def deposit(self, pdf: bytes = PDF) -> int:
        body = {"fichierFacture": b64(pdf), "nomFichier": "facture.pdf", "formatDepot": "PDF_NON_SIGNE"}
        return self.ok("factures/v1/deposer/pdf", body)["pieceJointeId"]

    def invoice(self, numero: str = "F-2026-0001", **changes) -> dict:
        """A valid submit body for Garonne → Mairie de Toulouse; `changes` replace top-level keys."""
        body = {
            "modeDepot": "DEPOT_PDF_API",
            "numeroFactureSaisi": numero,
            "dateFacture": date.today().isoformat(),
            "idUtilisateurCourant": 0,
            "cadreDeFacturation": {"codeCadreFacturation": "A1_FACTURE_FOURNISSEUR"},
            "destinataire": {"codeDestinataire": TOULOUSE, "codeServiceExecutant": "DGST"},
            "fournisseur": {"idFournisseur": GARONNE_ID, "codeCoordonneesBancairesFournisseur": 51001},
            "references": {
                "deviseFacture": "EUR",
                "typeFacture": "FACTURE",
                "typeTva": "TVA_SUR_DEBIT",
                "modePaiement": "VIREMENT",
            },
            "montantTotal": {
                "montantHtTotal": 1250.00,
                "montantTVA": 250.00,
                "montantTtcTotal": 1500.00,
                "montantAPayer": 1500.00,
            },
            "ligneTva": [
                {
                    "ligneTvaTauxManuel": 20,
                    "ligneTvaMontantBaseHtParTaux": 1250,
                    "ligneTvaMontantTvaParTaux": 250,
                }
            ],
            "pieceJointePrincipale": [
                {
                    "pieceJointePrincipaleDesignation": f"Facture {numero}",
                    "pieceJointePrincipaleId": self.deposit(),
                }
            ],
        }
        return body | changes

    def submit(self, numero: str = "F-2026-0001", **changes) -> dict:
        return self.ok("factures/v1/soumettre", self.invoice(numero, **changes))


@pytest.fixture
def sim(client, db) -> Sim:
    state.seed()
    return Sim(client)


@pytest.fixture
def rhone(client, sim) -> Sim:
    return Sim(client, RHONE_LOGIN)


@pytest.fixture
def staff_client(db):
    """A browser session of a logged-in staff user: the only caller the product's control endpoints answer."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    staff = get_user_model().objects.create_user(username="exploitation", is_staff=True)
    logged_in = Client()
    logged_in.force_login(staff)
    return logged_in


@pytest.fixture
def control(staff_client):
    """POST JSON to a control endpoint as staff and return the decoded reply."""

    def send(name: str, body: dict | None = None, method: str = "post") -> dict:
        url = f"{BASE}/_control/{name}"
        if method == "get":
            response = staff_client.get(url)
        else:
            response = staff_client.post(url, json.dumps(body or {}), content_type="application/json")
        assert response.status_code == 200, response.content
        return response.json()

    return send
