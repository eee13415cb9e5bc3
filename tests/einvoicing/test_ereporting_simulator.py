"""E-reporting against the offline Plateforme Agréée over real HTTP: the FRR flow is deposited once even after a
lost reply, typed by the PA from its content, acknowledged Ok when it passes the flux 10 XSD and Error
InvalidSchema when it does not; every exchange checked against the AFNOR OpenAPI files."""

from __future__ import annotations

import datetime

import pytest

from einvoicing import client, ereporting, ereporting_send
from einvoicing.models import EInvoiceState, PlatformAccount
from einvoicing.simulator.models import SimFlow, SimPaFault
from tests import factories
from tests.einvoicing.test_pa_simulator import pa  # noqa: F401  (the live simulator's client)

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("transactional_db")]

DECADE = ereporting.Period(datetime.date(2026, 11, 1), datetime.date(2026, 11, 10))


@pytest.fixture
def report(cabinet):
    account = PlatformAccount.objects.create(
        cabinet=cabinet,
        name="Simulateur",
        matricule="0099",
        flow_url="https://pa.invalid/flow-service",
        directory_url="https://pa.invalid/directory-service",
        token_url="https://pa.invalid/token",
        client_id="cabinet-garonne",
    )
    martin = factories.make_client(cabinet, nom="M. Martin", categorie="particulier", siret="")
    factories.make_invoice(cabinet, client=martin, issued=True, today=datetime.date(2026, 11, 3))
    return ereporting_send.prepare(cabinet=cabinet, kind="10.3", period=DECADE, account=account)


def test_the_report_is_deposited_once_through_a_lost_reply_and_acknowledged_ok(pa, report):  # noqa: F811
    SimPaFault.objects.create(operation="flows", kind="lost_reply", remaining=1)
    with pytest.raises(client.PlatformUnavailable):
        ereporting_send.send(report_id=report.pk, pa=pa)
    done = ereporting_send.send(report_id=report.pk, pa=pa)
    assert done.state == EInvoiceState.SENT
    [flow] = SimFlow.objects.all()
    assert flow.tracking_id == report.tracking_id and flow.flow_syntax == "FRR"
    assert flow.flow_type == "AggregatedCustomerTransactionReport" and flow.processing_rule == "B2C"
    assert bytes(flow.content) == bytes(report.document)
    assert ereporting_send.refresh(report=done, pa=pa).status_label == "accepté"
    assert len(pa.checked) >= 2  # the deposit and the search, both as the standard describes them


def test_a_report_the_xsd_refuses_is_acknowledged_invalid_schema(pa, report):  # noqa: F811
    broken = (
        bytes(report.document)
        .replace(b"<TransactionsCount>", b"<Count>")
        .replace(b"</TransactionsCount>", b"</Count>")
    )
    sent = pa.submit_flow(
        client.FlowInfo(flow_syntax=client.FlowSyntax.FRR, tracking_id="broken"),
        broken,
        content_type="application/xml",
    )
    flow = pa.get_flow(sent.flow_id)
    assert flow.in_error and flow.ack_details[0].reason_code == "InvalidSchema"
    assert "Count" in flow.ack_details[0].reason_message
