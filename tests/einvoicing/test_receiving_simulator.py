"""Receiving over real HTTP against the offline Plateforme Agréée (every AFNOR exchange checked against the
OpenAPI files): a supplier invoice dropped at the simulator is collected, read and viewable."""

from __future__ import annotations

import pytest

from einvoicing import client, receiving
from einvoicing.models import PlatformAccount, ReceivedInvoice, ReceivedStatus
from einvoicing.simulator.incoming import SUPPLIERS, drop_invoice
from einvoicing.simulator.models import SimFlow
from tests import factories
from tests.einvoicing.test_pa_simulator import pa  # noqa: F401  (fixture: the client on the live simulator)

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("transactional_db")]


@pytest.fixture
def account(cabinet, live_server, settings):
    settings.GEOPROD_DEMO = True  # plain http to the local simulator
    base = f"{live_server.url}/{settings.PA_SIMULATOR_PREFIX}"
    account = factories.make_platform_account(
        cabinet,
        client_id="cabinet-garonne",
        flow_url=f"{base}/flow-service",
        directory_url=f"{base}/directory-service",
        token_url=f"{base}/oauth/token",
    )
    account.set_client_secret(settings.PA_SIMULATOR_SECRET)
    account.save()
    return account


def test_a_dropped_supplier_invoice_is_collected_once_over_http(pa, account, cabinet, live_server, settings):  # noqa: F811
    import requests

    token = requests.post(
        f"{live_server.url}/{settings.PA_SIMULATOR_PREFIX}/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": "cabinet-garonne",
            "client_secret": settings.PA_SIMULATOR_SECRET,
        },
        timeout=10,
    ).json()["access_token"]
    dropped = requests.post(
        f"{live_server.url}/{settings.PA_SIMULATOR_PREFIX}/simulateur/factures-entrantes",
        json={"buyerSiren": cabinet.siret[:9], "buyerName": cabinet.raison_sociale},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert dropped.status_code == 201 and dropped.json()["flowType"] == "SupplierInvoice"
    drop_invoice(owner="another-client", buyer_siren="552100554", buyer_name="Autre")  # not ours
    SimFlow.objects.create(  # one of our own sent invoices: Out, never collected
        flow_id="out-1", owner="cabinet-garonne", flow_syntax="Factur-X", flow_type="CustomerInvoice",
        direction="Out", sha256="0" * 64, content=b"%PDF", submitted_at=dropped_at(dropped), updated_at=dropped_at(dropped),
    )  # fmt: skip

    result = receiving.collect(account, pa=pa)
    assert (result.new, result.error) == (1, "")
    row = ReceivedInvoice.objects.get()
    assert row.flow_id == dropped.json()["flowId"] and row.cabinet == cabinet
    assert row.supplier_siren == SUPPLIERS[0].siren and row.buyer_siren == cabinet.siret[:9]
    assert row.status == ReceivedStatus.NEW and row.lines and row.total_ttc > 0
    assert receiving.collect(account, pa=pa).new == 0  # from the cursor: nothing again
    readable = pa.download_flow(row.flow_id, client.DocType.READABLE_VIEW)
    assert readable.content[:5] == b"%PDF-"
    assert len(pa.checked) >= 4  # search, original, search, readable view: all checked against the OpenAPI

    # The refusal goes to the PA as a CDAR flow (lifecycle_out's task sends it once, after the commit).
    from einvoicing import lifecycle_out

    answer = receiving.answer(row, code=210, reason_code="DOUBLON", comment="Déjà reçue le mois dernier")
    sent = lifecycle_out.send(status_id=answer.outgoing_id, pa=pa)  # already sent: nothing sent twice
    assert sent.state == "envoye" and sent.flow_id
    cdar = SimFlow.objects.get(flow_id=sent.flow_id)
    assert (cdar.direction, cdar.flow_syntax, cdar.tracking_id) == ("Out", "CDAR", answer.tracking_id)
    assert b"DOUBLON" in bytes(cdar.content) and SUPPLIERS[0].siren.encode() in bytes(cdar.content)
    assert SimFlow.objects.filter(flow_syntax="CDAR").count() == 1


def dropped_at(response):
    from einvoicing.client.values import parse_datetime

    return parse_datetime(response.json()["updatedAt"])


def test_the_demo_cabinet_gets_supplier_invoices_at_seed_time(cabinet):
    from einvoicing import demo

    account = demo.seed_demo_platform(cabinet=cabinet)
    assert isinstance(account, PlatformAccount)
    rows = ReceivedInvoice.objects.filter(cabinet=cabinet)
    assert rows.count() == len(SUPPLIERS) and {r.status for r in rows} == {ReceivedStatus.NEW}
    assert {r.supplier_name for r in rows} == {s.name for s in SUPPLIERS}
    demo.seed_demo_platform(cabinet=cabinet)  # idempotent
    assert ReceivedInvoice.objects.filter(cabinet=cabinet).count() == len(SUPPLIERS)
    assert account.receiving_cursor.updated_after is not None
