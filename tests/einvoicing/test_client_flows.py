"""The PA client's Flow Service calls, each request and reply checked against the AFNOR OpenAPI file."""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import uuid

import pytest
import responses

from chorus.client import ChorusUnavailable
from einvoicing import client
from tests.einvoicing.afnor_contract import FLOW_BASE, TOKEN_URL
from tests.einvoicing.conftest import SECRET

FLOWS = f"{FLOW_BASE}/v1/flows"
SEARCH = f"{FLOW_BASE}/v1/flows/search"
PDF = b"%PDF-1.7 facture F2612-0001"
T0 = datetime.datetime(2026, 12, 1, 8, 0, tzinfo=datetime.UTC)


def accepted(**extra):
    return {
        "flowId": "flow-001",
        "submittedAt": "2026-12-02T09:15:00.000Z",
        "flowSyntax": "Factur-X",
        **extra,
    }


def multipart_parts(request) -> dict[str, bytes]:
    from email.parser import BytesParser
    from email.policy import HTTP

    head = f"Content-Type: {request.headers['Content-Type']}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + request.body)
    return {
        part.get_param("name", header="content-disposition"): part.get_payload(decode=True)
        for part in message.iter_parts()
    }


def test_submit_sends_flowinfo_and_the_file_with_its_sha256(pa, afnor):
    afnor.add(responses.POST, FLOWS, json=accepted(trackingId="F2612-0001"), status=202)
    info = client.FlowInfo(
        flow_syntax=client.FlowSyntax.FACTURX,
        flow_profile=client.FlowProfile.CIUS,
        processing_rule=client.ProcessingRule.B2B,
        tracking_id="F2612-0001",
        name="F2612-0001.pdf",
    )
    flow = pa.submit_flow(info, PDF, content_type="application/pdf")
    assert flow.flow_id == "flow-001" and flow.submitted_at == datetime.datetime(
        2026, 12, 2, 9, 15, tzinfo=datetime.UTC
    )
    request = afnor.calls[-1].request
    assert request.headers["Authorization"] == "Bearer jeton-1"
    uuid.UUID(request.headers["X-Request-Id"])
    parts = multipart_parts(request)
    assert json.loads(parts["flowInfo"]) == {
        "flowSyntax": "Factur-X",
        "flowProfile": "CIUS",
        "processingRule": "B2B",
        "trackingId": "F2612-0001",
        "name": "F2612-0001.pdf",
        "sha256": hashlib.sha256(PDF).hexdigest(),
    }
    assert parts["file"] == PDF


def test_a_write_is_never_repeated_by_the_client(pa, afnor):
    afnor.add(responses.POST, FLOWS, status=503)
    info = client.FlowInfo(flow_syntax=client.FlowSyntax.FACTURX, tracking_id="F2612-0001")
    with pytest.raises(client.PlatformUnavailable) as caught:
        pa.submit_flow(info, PDF, content_type="application/pdf")
    assert isinstance(caught.value, ChorusUnavailable)  # same family: the Chorus tasks' retry rules apply
    assert len([c for c in afnor.calls if c.request.url == FLOWS]) == 1


def test_a_refusal_carries_the_platform_code(pa, afnor):
    afnor.add(
        responses.POST,
        FLOWS,
        status=400,
        json={"errorCode": "AlreadyExistingFlow", "errorMessage": "déjà reçu"},
    )
    with pytest.raises(client.PlatformRejected) as caught:
        pa.submit_flow(
            client.FlowInfo(flow_syntax=client.FlowSyntax.FACTURX), PDF, content_type="application/pdf"
        )
    assert caught.value.code == "AlreadyExistingFlow"
    assert (
        "La plateforme agréée a refusé la demande (AlreadyExistingFlow) : déjà reçu" == caught.value.message
    )


def test_an_empty_file_is_refused_before_sending(pa, afnor):
    with pytest.raises(client.PlatformRejected):
        pa.submit_flow(
            client.FlowInfo(flow_syntax=client.FlowSyntax.FACTURX), b"", content_type="application/pdf"
        )
    assert not afnor.calls


def test_the_token_is_fetched_once_and_renewed_once_after_a_401(pa, afnor):
    afnor.add(responses.POST, SEARCH, status=401, json={"errorCode": "INVALID_TOKEN"})
    afnor.add(responses.POST, SEARCH, json={"limit": 100, "results": []})
    afnor.add(responses.POST, SEARCH, json={"limit": 100, "results": []})
    pa.search_flows(tracking_id="F2612-0001")
    pa.search_flows(tracking_id="F2612-0002")
    token_calls = [c for c in afnor.calls if c.request.url == TOKEN_URL]
    assert len(token_calls) == 2  # the first, then one renewal after the 401
    assert (
        "client_secret=" in token_calls[0].request.body
        and "grant_type=client_credentials" in token_calls[0].request.body
    )


def test_a_token_refused_twice_is_an_auth_error_that_names_where_to_fix(pa, afnor, caplog):
    afnor.add(responses.POST, SEARCH, status=401, json={"errorCode": "INVALID_TOKEN"})
    caplog.set_level(logging.DEBUG)
    with pytest.raises(client.PlatformAuthError) as caught:
        pa.search_flows(tracking_id="F2612-0001")
    assert "Paramètres > Facturation électronique" in caught.value.message
    assert SECRET not in caplog.text


def test_reads_wait_on_429_and_retry(pa, afnor, sleeps):
    afnor.add(
        responses.POST,
        SEARCH,
        status=429,
        headers={"Retry-After": "2"},
        json={"errorCode": "TOO_MANY_REQUESTS"},
    )
    afnor.add(
        responses.POST, SEARCH, json={"limit": 100, "results": [accepted(updatedAt="2026-12-02T09:15:00Z")]}
    )
    [flow] = pa.search_flows(tracking_id="F2612-0001")
    assert flow.flow_id == "flow-001" and sleeps == [2.0]


def test_search_needs_a_criterion_and_caps_the_page_at_100(pa, afnor):
    with pytest.raises(ValueError):
        pa.search_flows()
    afnor.add(responses.POST, SEARCH, json={"limit": 100, "results": []})
    pa.search_flows(updated_after=T0, limit=500, directions=[client.FlowDirection.IN])
    body = json.loads(afnor.calls[-1].request.body)
    assert body == {
        "limit": 100,
        "where": {"updatedAfter": "2026-12-01T08:00:00.000Z", "flowDirection": ["In"]},
    }


def flow_at(flow_id: str, stamp: str) -> dict:
    return {
        "flowId": flow_id,
        "updatedAt": stamp,
        "submittedAt": stamp,
        "flowDirection": "In",
        "flowType": "CustomerInvoiceLC",
        "acknowledgement": {"status": "Ok"},
    }


def test_paging_restarts_just_before_the_last_stamp_and_drops_repeats(pa, afnor):
    same = "2026-12-01T10:00:00.000Z"
    afnor.add(
        responses.POST,
        SEARCH,
        json={
            "limit": 3,
            "results": [flow_at("a", "2026-12-01T09:00:00.000Z"), flow_at("b", same), flow_at("c", same)],
        },
    )
    afnor.add(
        responses.POST,
        SEARCH,
        json={"limit": 3, "results": [flow_at("b", same), flow_at("c", same), flow_at("d", same)]},
    )
    afnor.add(
        responses.POST,
        SEARCH,
        json={"limit": 3, "results": [flow_at("d", same), flow_at("e", "2026-12-01T11:00:00.000Z")]},
    )
    flows = list(pa.flows_updated_since(T0, limit=3))
    assert [f.flow_id for f in flows] == ["a", "b", "c", "d", "e"]
    cursors = [
        json.loads(c.request.body)["where"]["updatedAfter"] for c in afnor.calls if c.request.url == SEARCH
    ]
    assert cursors == ["2026-12-01T08:00:00.000Z", "2026-12-01T09:59:59.999Z", "2026-12-01T09:59:59.999Z"]


def test_paging_stops_when_a_full_page_brings_nothing_new(pa, afnor):
    same = "2026-12-01T10:00:00.000Z"
    page = {"limit": 2, "results": [flow_at("a", same), flow_at("b", same)]}
    afnor.add(responses.POST, SEARCH, json=page)
    afnor.add(responses.POST, SEARCH, json=page)
    assert [f.flow_id for f in pa.flows_updated_since(T0, limit=2)] == ["a", "b"]
    assert len([c for c in afnor.calls if c.request.url == SEARCH]) == 2


def test_metadata_and_the_acknowledgement_in_error(pa, afnor):
    afnor.add(
        responses.GET,
        f"{FLOWS}/flow-001",
        json={
            "flowId": "flow-001",
            "trackingId": "F2612-0001",
            "flowDirection": "Out",
            "updatedAt": "2026-12-02T09:16:00Z",
            "acknowledgement": {
                "status": "Error",
                "details": [
                    {
                        "level": "Error",
                        "item": "BT-49",
                        "reasonCode": "InvalidSchema",
                        "reasonMessage": "BR-FR-12",
                    }
                ],
            },
        },
    )
    flow = pa.get_flow("flow-001")
    assert flow.in_error and flow.ack_details[0].reason_code == "InvalidSchema"
    assert afnor.calls[-1].request.url.endswith("/v1/flows/flow-001?docType=Metadata")


def test_download_of_the_readable_view(pa, afnor):
    afnor.add(
        responses.GET,
        f"{FLOWS}/flow-009",
        body=PDF,
        content_type="application/octet-stream",
        headers={"Content-Disposition": 'attachment;filename="facture-fournisseur.pdf"'},
    )
    document = pa.download_flow("flow-009", client.DocType.READABLE_VIEW)
    assert document.content == PDF and document.filename == "facture-fournisseur.pdf"
    assert afnor.calls[-1].request.url.endswith("docType=ReadableView")


def test_only_https_leaves_with_the_credentials(afnor):
    from django.core.cache import cache

    plain = client.PlatformClient(
        endpoints=client.PlatformEndpoints(
            flow_base="http://pa.example/flow-service", directory_base="", token_url=TOKEN_URL
        ),
        credentials=client.PlatformCredentials(client_id="x", client_secret=SECRET),
        token_cache=cache,
    )
    with pytest.raises(client.PlatformAuthError, match="HTTPS"):
        plain.search_flows(tracking_id="F1")
    assert not [c for c in afnor.calls if "pa.example" in c.request.url]


def test_health(pa, afnor):
    afnor.add(responses.GET, f"{FLOW_BASE}/v1/healthcheck", status=200)
    pa.flow_health()
    afnor.add(responses.GET, f"{FLOW_BASE}/v1/healthcheck", status=503)
    with pytest.raises(client.PlatformUnavailable):
        pa.flow_health()
