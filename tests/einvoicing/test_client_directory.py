"""The PA client's Directory Service calls (resolving a buyer's electronic address), checked against the
AFNOR OpenAPI file; and the contract check itself, which must refuse what the standard refuses."""

from __future__ import annotations

import json

import pytest
import requests
import responses
from openapi_core.validation.request.exceptions import InvalidRequestBody

from einvoicing import client
from tests.einvoicing.afnor_contract import DIRECTORY_BASE, FLOW_BASE, check_calls

SEARCH = f"{DIRECTORY_BASE}/v1/directory-line/search"


def line(siren: str, address: str, status: str = "Enabled", **extra) -> dict:
    return {
        "addressingIdentifier": address,
        "siren": siren,
        "platform": {"platformType": "WK", "platformStatus": status},
        "legalUnit": {"entityType": "PrivateVatRegistered", "businessName": "SCI LES TILLEULS"},
        **extra,
    }


def test_a_buyer_is_resolved_by_siren(pa, afnor):
    afnor.add(
        responses.POST,
        SEARCH,
        json={
            "totalNumberOfResults": 3,
            "results": [
                line("552100554", "552100554"),
                line("552100554", "552100554_00012", status="Disabled", siret="55210055400012"),
                line("552100555", "552100555"),  # « contains » matched a longer number: not ours
            ],
        },
    )
    lines = pa.directory_lines("552 100 554")
    assert [(entry.addressing_identifier, entry.usable) for entry in lines] == [
        ("552100554", True),
        ("552100554_00012", False),
    ]
    assert json.loads(afnor.calls[-1].request.body) == {
        "filters": {"siren": {"op": "contains", "value": "552100554"}},
        "limit": 50,
    }


def test_a_malformed_siren_never_leaves(pa, afnor):
    with pytest.raises(client.PlatformRejected, match="n'est pas un SIREN"):
        pa.directory_lines("55210055")
    assert not afnor.calls


def test_an_unknown_address_is_a_refusal_in_french(pa, afnor):
    afnor.add(
        responses.GET,
        f"{DIRECTORY_BASE}/v1/directory-line/code:999999999",
        status=404,
        json={"type": "about:blank", "message": "Ligne d'annuaire introuvable", "status": 404},
    )
    with pytest.raises(client.PlatformRejected, match="Ligne d'annuaire introuvable"):
        pa.directory_line("999999999")


def test_the_contract_check_refuses_what_the_standard_refuses():
    with responses.RequestsMock() as mock:
        mock.add(responses.POST, f"{FLOW_BASE}/v1/flows/search", json={"results": []})
        requests.post(
            f"{FLOW_BASE}/v1/flows/search",
            json={"limit": 500, "where": {"trackingId": "F1"}},
            headers={"Authorization": "Bearer x"},
        )
        with pytest.raises(InvalidRequestBody):
            check_calls(mock)
