"""The periodic lifecycle refresh: acknowledgements of our flows and incoming CDAR messages recorded once,
matched by invoice number and seller SIREN, the cursor stored after the batch (responses, OpenAPI-checked)."""

from __future__ import annotations

import datetime
import json
import logging
from pathlib import Path

import pytest
import responses
from django.utils import timezone

from einvoicing import client, lifecycle_in, statuses
from einvoicing.models import EInvoice, EInvoiceState, EInvoiceStatus, PlatformAccount
from tests import factories
from tests.einvoicing.afnor_contract import DIRECTORY_BASE, FLOW_BASE, TOKEN_URL

pytestmark = pytest.mark.django_db

SEARCH = f"{FLOW_BASE}/v1/flows/search"
SAMPLES = Path(__file__).parent / "samples" / "cdar"


@pytest.fixture
def account(cabinet):
    account = PlatformAccount(
        cabinet=cabinet,
        name="PA",
        flow_url=FLOW_BASE,
        directory_url=DIRECTORY_BASE,
        token_url=TOKEN_URL,
        client_id="c",
    )
    account.set_client_secret("s")
    account.save()
    return account


@pytest.fixture
def einvoice(cabinet):
    company = factories.make_client(
        cabinet, categorie="entreprise", siret="55210055400013", nom="SCI Les Tilleuls"
    )
    invoice = factories.make_invoice(cabinet, client=company, issued=True)
    return EInvoice.objects.create(
        cabinet=cabinet,
        invoice=invoice,
        state=EInvoiceState.SENT,
        flow_id="out-1",
        submitted_at=timezone.now() - datetime.timedelta(hours=1),
        ack_status="Pending",
    )


def cdar(number: str, siren: str, sample: str = "UC1_F202500003_05-CDV-205_Approuvee.xml") -> bytes:
    xml = (SAMPLES / sample).read_bytes()
    source = sample.split("_")[1].encode()
    return xml.replace(source, number.encode()).replace(b"100000009", siren.encode())


def flow(
    flow_id, *, direction="In", flow_type="CustomerInvoiceLC", updated="2026-12-02T10:00:00.000Z", **extra
):
    body = {
        "flowId": flow_id,
        "submittedAt": updated,
        "updatedAt": updated,
        "flowSyntax": "CDAR" if flow_type.endswith("LC") else "Factur-X",
        "flowType": flow_type,
        "flowDirection": direction,
        "acknowledgement": {"status": extra.pop("ack", "Ok")},
    }
    body.update(extra)
    return body


def page(afnor, *flows):
    afnor.add(responses.POST, SEARCH, json={"limit": 100, "filters": {}, "results": list(flows)})


def document(afnor, flow_id, content: bytes):
    afnor.add(
        responses.GET,
        f"{FLOW_BASE}/v1/flows/{flow_id}",
        body=content,
        content_type="application/octet-stream",
        headers={"Content-Disposition": f"attachment;filename={flow_id}.xml"},
        match=[responses.matchers.query_param_matcher({"docType": "Original"})],
    )


def searches(afnor):
    return [json.loads(c.request.body) for c in afnor.calls if c.request.url == SEARCH]


def test_acknowledgement_and_messages_are_recorded_with_the_current_status(account, einvoice, pa, afnor):
    number, siren = einvoice.invoice.number, account.cabinet.siret[:9]
    page(
        afnor,
        flow(
            "out-1",
            direction="Out",
            flow_type="CustomerInvoice",
            trackingId=number,
            updated="2026-12-02T09:00:00.000Z",
        ),
        flow("lc-200", updated="2026-12-02T09:30:00.000Z"),
        flow("lc-205", updated="2026-12-02T10:00:00.000Z"),
    )
    document(afnor, "lc-200", cdar(number, siren, "UC1_F202500003_01-CDV-200_Deposee.xml"))
    document(afnor, "lc-205", cdar(number, siren))

    result = lifecycle_in.refresh_account(account, pa=pa)

    assert (result.flows, result.recorded, result.downloads, result.unknown) == (3, 3, 2, 0)
    (body,) = searches(afnor)
    assert body["where"]["flowType"] == ["CustomerInvoice", "CustomerInvoiceLC"]
    assert body["limit"] == 100
    codes = list(EInvoiceStatus.objects.filter(einvoice=einvoice).values_list("code", flat=True))
    assert sorted(codes) == [statuses.ACK_OK, 200, 205]
    einvoice.refresh_from_db()
    assert einvoice.ack_status == "Ok"
    assert einvoice.status_code == 205 and einvoice.status_label == "Approuvée"
    account.refresh_from_db()
    assert account.lifecycle_cursor == datetime.datetime(2026, 12, 2, 10, 0, tzinfo=datetime.UTC)


def test_a_message_seen_again_is_neither_fetched_nor_recorded_twice(account, einvoice, pa, afnor):
    number, siren = einvoice.invoice.number, account.cabinet.siret[:9]
    page(afnor, flow("lc-205"))
    document(afnor, "lc-205", cdar(number, siren))
    lifecycle_in.refresh_account(account, pa=pa)
    again = lifecycle_in.refresh_account(account, pa=pa)  # the overlap returns it again
    assert again.downloads == 0 and again.recorded == 0
    assert EInvoiceStatus.objects.filter(einvoice=einvoice).count() == 1
    # second search starts where the first stopped, 1 ms before (stamps repeat, the cursor is exclusive)
    assert searches(afnor)[1]["where"]["updatedAfter"] == "2026-12-02T09:59:59.999Z"


def test_the_first_run_starts_just_before_the_first_transmission(account, einvoice, pa, afnor):
    page(afnor)
    lifecycle_in.refresh_account(account, pa=pa)
    start = client.values.parse_datetime(searches(afnor)[0]["where"]["updatedAfter"])
    assert einvoice.submitted_at - datetime.timedelta(minutes=2) < start < einvoice.submitted_at


def test_nothing_transmitted_means_no_call(account, pa, afnor):
    assert lifecycle_in.refresh_account(account, pa=pa).flows == 0
    assert searches(afnor) == []


def test_unknown_invoice_or_other_seller_is_logged_and_skipped(account, einvoice, pa, afnor, caplog):
    number = einvoice.invoice.number
    page(afnor, flow("lc-a", updated="2026-12-02T09:00:00.000Z"), flow("lc-b"), flow("lc-c"))
    document(afnor, "lc-a", cdar("F-INCONNUE", account.cabinet.siret[:9]))
    document(afnor, "lc-b", cdar(number, "999999999"))
    document(afnor, "lc-c", b"<pas du CDAR")
    with caplog.at_level(logging.INFO, logger="einvoicing.lifecycle_in"):
        result = lifecycle_in.refresh_account(account, pa=pa)
    assert (result.unknown, result.unreadable, result.recorded) == (2, 1, 0)
    assert "F-INCONNUE" in caplog.text
    account.refresh_from_db()
    assert account.lifecycle_cursor is not None  # the batch was handled: not read again


def test_a_refused_flow_is_recorded_as_not_accepted(account, einvoice, pa, afnor):
    details = [{"level": "Error", "item": "file", "reasonCode": "InvalidSchema", "reasonMessage": "BR-FR-21"}]
    page(
        afnor,
        flow(
            "out-1",
            direction="Out",
            flow_type="CustomerInvoice",
            ack="Error",
            acknowledgement={"status": "Error", "details": details},
        ),
    )
    lifecycle_in.refresh_account(account, pa=pa)
    einvoice.refresh_from_db()
    assert einvoice.status_code == statuses.ACK_ERROR
    assert einvoice.ack_status == "Error" and "InvalidSchema" in einvoice.last_error
    status = einvoice.statuses.get()
    assert status.reason_code == "InvalidSchema"


def test_a_rejection_after_approval_shows_the_latest_and_keeps_the_dispute_reason(
    account, einvoice, pa, afnor
):
    number, siren = einvoice.invoice.number, account.cabinet.siret[:9]
    page(afnor, flow("lc-207"))
    document(afnor, "lc-207", cdar(number, siren, "UC4_F202500006_04-CDV-207_En_litige.xml"))
    lifecycle_in.refresh_account(account, pa=pa)
    einvoice.refresh_from_db()
    assert einvoice.status_code == 207 and einvoice.status_tone == "warn"
    status = einvoice.statuses.get()
    assert (status.reason_code, status.reason_text, status.action_code, status.issuer_role) == (
        "TX_TVA_ERR",
        "Taux de TVA erroné",
        "NIN",
        "BY",
    )


def test_the_cursor_does_not_move_when_the_pa_fails(account, einvoice, pa, afnor):
    afnor.add(responses.POST, SEARCH, json={"errorCode": "X", "errorMessage": "indisponible"}, status=503)
    with pytest.raises(client.PlatformError):
        lifecycle_in.refresh_account(account, pa=pa)
    account.refresh_from_db()
    assert account.lifecycle_cursor is None


def test_paging_keeps_to_one_call_per_hundred_plus_one(account, einvoice, pa, afnor):
    base = datetime.datetime(2026, 12, 2, 9, 0, tzinfo=datetime.UTC)
    flows = [
        flow(
            f"out-{i}",
            direction="Out",
            flow_type="CustomerInvoice",
            updated=client.values.format_datetime(base + datetime.timedelta(seconds=i)),
        )
        for i in range(250)
    ]

    def reply(request):
        after = client.values.parse_datetime(json.loads(request.body)["where"]["updatedAfter"])
        chosen = [f for f in flows if client.values.parse_datetime(f["updatedAt"]) > after][:100]
        return 200, {}, json.dumps({"limit": 100, "filters": {}, "results": chosen})

    afnor.add_callback(responses.POST, SEARCH, callback=reply, content_type="application/json")
    account.lifecycle_cursor = base - datetime.timedelta(seconds=1)
    result = lifecycle_in.refresh_account(account, pa=pa)
    assert result.flows == 250
    assert len(searches(afnor)) <= 250 // 100 + 1 + 1
