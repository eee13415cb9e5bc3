"""« Factures reçues »: reading received Factur-X / CII (the official example included), the collection from
the PA by flows/search (every call checked against the AFNOR OpenAPI), the answers and their transitions."""

from __future__ import annotations

import datetime
import json
import types
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
import responses

from einvoicing import client, receiving
from einvoicing.models import OutgoingStatus, ReceivedAnswer, ReceivedInvoice, ReceivedStatus, ReceivingCursor
from tests import factories
from tests.einvoicing.afnor_contract import FLOW_BASE

UC1 = Path(__file__).parent / "received_examples" / "UC1_F202500003_00-INV_20250701_CII.xml"
SEARCH = f"{FLOW_BASE}/v1/flows/search"


def flow_json(flow_id: str, updated: str) -> dict:
    return {
        "flowId": flow_id,
        "submittedAt": updated,
        "updatedAt": updated,
        "flowSyntax": "Factur-X",
        "flowType": "SupplierInvoice",
        "flowDirection": "In",
        "processingRule": "B2B",
        "processingRuleSource": "Input",
        "acknowledgement": {"status": "Ok"},
    }


# -- reading -----------------------------------------------------------------------------------------------


def test_the_official_cii_example_is_read_into_the_model():
    data = receiving.parse_invoice(UC1.read_bytes())
    assert data["number"] == "F202500003" and data["type_code"] == "380"
    assert data["issue_date"] == datetime.date(2025, 7, 1) and data["due_date"] == datetime.date(2025, 7, 31)
    assert (data["supplier_name"], data["supplier_siren"], data["supplier_vat"]) == (
        "LE VENDEUR",
        "100000009",
        "FR88100000009",
    )
    assert data["supplier_address"] == "100000009_STATUTS"  # BT-34, where the status is sent
    assert data["buyer_siren"] == "200000008"
    assert (data["total_ht"], data["total_vat"], data["total_ttc"]) == (
        Decimal("10000.00"),
        Decimal("2000.00"),
        Decimal("12000.00"),
    )
    assert [(line["name"], line["quantity"], line["total_ht"]) for line in data["lines"]] == [
        ("SERVICE_FOURNI1", "200.0000", "8000.00"),
        ("SERVICE_FOURNI2", "5.0000", "2000.00"),
    ]


def test_the_official_example_wrapped_in_a_facturx_pdf_is_read_too():
    from facturx import generate_from_binary
    from weasyprint import HTML

    pdf = generate_from_binary(
        HTML(string="<p>Facture F202500003</p>").write_pdf(pdf_variant="pdf/a-3b"),
        UC1.read_bytes(),
        flavor="factur-x",
        level="en16931",
        check_xsd=False,
    )
    assert receiving.parse_invoice(pdf)["number"] == "F202500003"


def test_the_simulator_facturx_passes_the_project_schematrons_and_is_read():
    from einvoicing.simulator import incoming
    from invoices import facturx, facturx_validation

    pdf = factories.received_pdf(1)
    report = facturx_validation.validate(facturx.xml_from_pdf(pdf))
    assert report.ok, report.message
    data = receiving.parse_invoice(pdf)
    supplier = incoming.SUPPLIERS[1]
    assert data["supplier_siren"] == supplier.siren and data["supplier_address"] == supplier.siren
    assert data["total_ht"] == Decimal("205.00") and data["total_ttc"] == Decimal("246.00")


def test_an_external_entity_is_never_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("MOT-DE-PASSE")
    xml = UC1.read_bytes().decode("utf-8-sig")
    xml = xml.replace(
        "<?xml version='1.0' encoding='UTF-8'?>",
        f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">]>',
    ).replace("<ram:ID>F202500003</ram:ID>", "<ram:ID>&x;F1</ram:ID>", 1)
    try:
        data = receiving.parse_invoice(xml.encode())
    except receiving.Unreadable:
        return  # refusing the document is fine too
    assert "MOT-DE-PASSE" not in json.dumps(data, default=str)


@pytest.mark.parametrize(
    "content, message",
    [
        (b"%PDF-1.4 pas de factur-x", "Factur-X"),
        (b"<rsm:CrossIndustryInvoice", "mal formé"),
        (b"\x00\x01binaire", "ni un PDF"),
        (
            b"<CrossIndustryInvoice xmlns='urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100'/>",
            "BT-1",
        ),
        (b"<Invoice xmlns='urn:oasis:names:specification:ubl:schema:xsd:Invoice-2'/>", "cbc:ID"),
        (b"<Facture/>", "ni une facture CII (Factur-X) ni une facture UBL"),
    ],
)
def test_a_malformed_file_is_kept_with_a_french_error(cabinet, content, message):
    row = factories.make_received(cabinet, content=content)
    row.refresh_from_db()
    assert row.status == ReceivedStatus.UNREADABLE and message in row.parse_error
    assert bytes(row.original) == content


# -- collecting (responses, checked against the AFNOR OpenAPI) ---------------------------------------------


def test_collect_pages_by_updated_after_and_stores_each_flow_once(pa, afnor, cabinet):
    account = factories.make_platform_account(cabinet)
    pdf = factories.received_pdf(0)
    first = [flow_json("in-1", "2026-12-01T08:00:00.000Z"), flow_json("in-2", "2026-12-01T09:00:00.000Z")]
    second = [flow_json("in-2", "2026-12-01T09:00:00.000Z"), flow_json("in-3", "2026-12-01T10:00:00.000Z")]
    afnor.add(responses.POST, SEARCH, json={"limit": 2, "filters": {}, "results": first})
    afnor.add(responses.POST, SEARCH, json={"limit": 2, "filters": {}, "results": second})
    afnor.add(responses.POST, SEARCH, json={"limit": 2, "filters": {}, "results": []})
    for flow_id, body in (("in-1", pdf), ("in-2", b"%PDF-1.4 abime"), ("in-3", pdf)):
        afnor.add(
            responses.GET,
            f"{FLOW_BASE}/v1/flows/{flow_id}",
            body=body,
            content_type="application/octet-stream",
            headers={"Content-Disposition": f"attachment;filename={flow_id}.pdf"},
            match=[responses.matchers.query_param_matcher({"docType": "Original"})],
        )
    result = receiving.collect(account, pa=pa, limit=2)
    assert (result.new, result.unreadable, result.error) == (3, 1, "")
    searches = [json.loads(c.request.body) for c in afnor.calls if c.request.url == SEARCH]
    assert searches[0]["where"] == {
        "updatedAfter": "2000-01-01T00:00:00.000Z",
        "flowDirection": ["In"],
        "flowType": ["SupplierInvoice"],
    }
    assert all(s["limit"] <= 100 for s in searches)
    rows = {r.flow_id: r for r in ReceivedInvoice.objects.filter(cabinet=cabinet)}
    assert set(rows) == {"in-1", "in-2", "in-3"} and rows["in-2"].status == ReceivedStatus.UNREADABLE
    assert rows["in-1"].number == "FR-TEST-1" and rows["in-1"].total_ttc == Decimal("647.88")
    cursor = ReceivingCursor.objects.get(account=account)
    assert cursor.updated_after == datetime.datetime(2026, 12, 1, 10, tzinfo=datetime.UTC)
    # Next time: from the cursor; a flow seen again is not downloaded again.
    downloads = sum(1 for c in afnor.calls if "/v1/flows/in-" in c.request.url)
    afnor.add(responses.POST, SEARCH, json={"limit": 2, "filters": {}, "results": [second[1]]})
    assert receiving.collect(account, pa=pa, limit=2).new == 0
    assert json.loads(afnor.calls[-1].request.body)["where"]["updatedAfter"] == "2026-12-01T09:59:59.999Z"
    assert sum(1 for c in afnor.calls if "/v1/flows/in-" in c.request.url) == downloads


def test_a_pa_outage_stops_the_collection_with_a_french_message_and_keeps_the_cursor(pa, afnor, cabinet):
    account = factories.make_platform_account(cabinet)
    afnor.add(
        responses.POST,
        SEARCH,
        json={"limit": 100, "filters": {}, "results": [flow_json("in-9", "2026-12-01T08:00:00.000Z")]},
    )
    afnor.add(
        responses.GET,
        f"{FLOW_BASE}/v1/flows/in-9",
        status=503,
        json={"errorCode": "X", "errorMessage": "indisponible"},
    )
    result = receiving.collect(account, pa=pa)
    assert result.new == 0 and result.error.startswith("Relevé des factures reçues interrompu")
    assert ReceivingCursor.objects.get(account=account).updated_after is None  # retried next time
    assert not ReceivedInvoice.objects.exists()


# -- answering ----------------------------------------------------------------------------------------------


@pytest.fixture
def lifecycle(monkeypatch):
    """The real lifecycle_out.send_status, its calls recorded; a comment « échec » makes it refuse."""
    from einvoicing import lifecycle_out

    calls: list[dict] = []
    real = lifecycle_out.send_status

    def spy(**kwargs):
        if kwargs["comment"] == "échec":
            raise lifecycle_out.NotSendable("Le statut ne passe pas le schematron CDAR.")
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(lifecycle_out, "send_status", spy)
    return types.SimpleNamespace(calls=calls)


def test_a_refusal_sends_210_as_buyer_to_the_supplier_address(cabinet, lifecycle):
    row = factories.make_received(cabinet)
    answer = receiving.answer(row, code=210, reason_code="TX_TVA_ERR", comment="Taux à 10 %")
    [sent] = lifecycle.calls
    assert sent["code"] == 210 and sent["sender_role"] == "BY" and sent["account"] == row.account
    assert sent["reason_code"] == "TX_TVA_ERR" and sent["reason_text"] == "Taux de TVA erroné"
    subject = sent["subject"]
    assert (subject.invoice_number, subject.seller_siren, subject.seller_address) == (
        "FR-TEST-1",
        "412345670",
        "412345670",
    )
    assert (subject.issue_date, subject.type_code, subject.flow_id) == (
        datetime.date(2026, 11, 5),
        "380",
        row.flow_id,
    )
    assert subject.buyer_siren == "732829320"
    assert sent["tracking_id"] == answer.tracking_id and len(answer.tracking_id) <= 36
    row.refresh_from_db()
    assert row.status == ReceivedStatus.REFUSED
    outgoing = OutgoingStatus.objects.get()
    assert answer.outgoing == outgoing and (outgoing.code, outgoing.sender_role) == (210, "BY")
    assert outgoing.tracking_id == answer.tracking_id and outgoing.invoice_number == "FR-TEST-1"
    xml = bytes(outgoing.xml).decode()
    assert "412345670" in xml and "TX_TVA_ERR" in xml  # to the supplier's address, with the reason


def test_a_dispute_needs_a_reason_and_an_action(cabinet, lifecycle):
    row = factories.make_received(cabinet)
    with pytest.raises(receiving.NotAnswerable, match="motif"):
        receiving.answer(row, code=207, action_code="NIN")
    with pytest.raises(receiving.NotAnswerable, match="action"):
        receiving.answer(row, code=207, reason_code="CALCUL_ERR")
    with pytest.raises(receiving.NotAnswerable, match="motif du refus"):
        receiving.answer(row, code=210, reason_code="INVENTE")
    receiving.answer(row, code=207, reason_code="CALCUL_ERR", action_code="CNF", comment="Remise oubliée")
    assert lifecycle.calls[-1]["action_code"] == "CNF" and lifecycle.calls[-1]["comment"] == "Remise oubliée"
    assert ReceivedInvoice.objects.get(pk=row.pk).status == ReceivedStatus.DISPUTED


def test_a_status_the_seam_refuses_changes_nothing(cabinet, lifecycle):
    row = factories.make_received(cabinet)
    with pytest.raises(receiving.NotAnswerable, match="schematron"):
        receiving.answer(row, code=205, comment="échec")
    assert ReceivedInvoice.objects.get(pk=row.pk).status == ReceivedStatus.NEW
    assert not ReceivedAnswer.objects.exists()


def test_without_the_supplier_address_no_status_is_sent(cabinet, lifecycle):
    row = factories.make_received(cabinet, supplier_address="")
    with pytest.raises(receiving.NotAnswerable, match="BT-34"):
        receiving.answer(row, code=204)
    assert lifecycle.calls == []


EXPECTED = {  # status → the answers it allows (the table in receiving.TRANSITIONS, written out again)
    ReceivedStatus.NEW: {204, 205, 207, 210},
    ReceivedStatus.TAKEN: {205, 207, 210},
    ReceivedStatus.DISPUTED: {205, 210},
    ReceivedStatus.APPROVED: set(),
    ReceivedStatus.REFUSED: set(),
    ReceivedStatus.UNREADABLE: set(),
}
ARGS = {
    204: {},
    205: {},
    207: {"reason_code": "DOUBLON", "action_code": "NOA"},
    210: {"reason_code": "DOUBLON"},
}


def test_the_transition_table_is_the_expected_one():
    assert {status: set(codes) for status, codes in receiving.TRANSITIONS.items()} == EXPECTED
    assert set(receiving.TRANSITIONS) == set(ReceivedStatus.values)


@pytest.mark.parametrize("status", list(ReceivedStatus))
@pytest.mark.parametrize("code", [204, 205, 207, 210])
def test_every_transition(cabinet, lifecycle, status, code):
    row = factories.make_received(cabinet, status=status)
    if code in EXPECTED[status]:
        receiving.answer(row, code=code, **ARGS[code])
        assert ReceivedInvoice.objects.get(pk=row.pk).status == receiving.ANSWERS[code].status
        assert [c["code"] for c in lifecycle.calls] == [code]
    else:
        with pytest.raises(receiving.NotAnswerable, match="n'est plus possible"):
            receiving.answer(row, code=code, **ARGS[code])
        assert ReceivedInvoice.objects.get(pk=row.pk).status == status and lifecycle.calls == []


def test_no_approval_after_a_refusal(cabinet, lifecycle):
    row = factories.make_received(cabinet)
    receiving.answer(row, code=204)
    receiving.answer(row, code=210, reason_code="DOUBLE_FACT")
    with pytest.raises(receiving.NotAnswerable, match="refusée"):
        receiving.answer(row, code=205)
    assert [a.code for a in row.answers.all()] == [204, 210]


def test_unique_flow_per_account(cabinet):
    row = factories.make_received(cabinet)
    again = receiving.store(
        account=row.account,
        flow=client.Flow(flow_id=row.flow_id),
        file=client.FlowFile(content=b"x", content_type="application/pdf", filename="x"),
    )
    assert again.pk == row.pk and ReceivedInvoice.objects.count() == 1
    assert uuid.UUID(row.flow_id)


def test_the_beat_collects_every_quarter_hour_through_a_thin_task(cabinet, monkeypatch):
    from django_celery_beat.models import PeriodicTask

    from chorus import schedule
    from einvoicing import tasks

    schedule.install_schedule()
    entry = PeriodicTask.objects.get(name=schedule.RECEIVED)
    assert entry.task == "einvoicing.tasks.collect_received" and entry.interval.every == 15 * 60
    seen = []
    monkeypatch.setattr(receiving, "collect", lambda account, **kw: seen.append(account.pk))
    account = factories.make_platform_account(cabinet)
    tasks.collect_received.delay()
    tasks.collect_received.delay(account.pk)
    tasks.collect_received.delay(999999)  # an account deleted since: nothing to do
    assert seen == [account.pk, account.pk]


def test_an_interrupted_collection_resumes_without_losing_a_flow_of_the_same_instant(pa, afnor, cabinet):
    account = factories.make_platform_account(cabinet)
    same = "2026-12-01T08:00:00.000Z"
    page = {"limit": 100, "filters": {}, "results": [flow_json("in-a", same), flow_json("in-b", same)]}
    afnor.add(responses.POST, SEARCH, json=page)
    afnor.add(responses.POST, SEARCH, json=page)
    original = factories.received_pdf(0)
    afnor.add(
        responses.GET, f"{FLOW_BASE}/v1/flows/in-a", body=original, content_type="application/octet-stream"
    )
    for _ in range(3):  # every attempt of the client's retry policy
        afnor.add(
            responses.GET,
            f"{FLOW_BASE}/v1/flows/in-b",
            status=503,
            json={"errorCode": "SERVICE_UNAVAILABLE", "errorMessage": "indisponible"},
        )
    afnor.add(
        responses.GET, f"{FLOW_BASE}/v1/flows/in-b", body=original, content_type="application/octet-stream"
    )
    first = receiving.collect(account, pa=pa)
    assert first.new == 1 and first.error
    assert ReceivingCursor.objects.get(account=account).last_error == first.error
    second = receiving.collect(account, pa=pa)
    assert (second.new, second.error) == (1, "")
    assert set(ReceivedInvoice.objects.values_list("flow_id", flat=True)) == {"in-a", "in-b"}
