"""The seam other modules call to send a lifecycle message (CDAR): recorded once per tracking id, queued after
the commit, sent once as a `CDAR` flow whatever happens (double call, lost reply, dead worker)."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest
import responses
from django.utils import timezone

from einvoicing import cdar, client, lifecycle_out
from einvoicing.models import OutgoingStatus, OutgoingStatusState, PlatformAccount
from tests.einvoicing.afnor_contract import DIRECTORY_BASE, FLOW_BASE, TOKEN_URL
from tests.einvoicing.test_cdar import SUBJECT

pytestmark = pytest.mark.django_db

FLOWS = f"{FLOW_BASE}/v1/flows"
SEARCH = f"{FLOW_BASE}/v1/flows/search"


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


def accepted(tracking_id="ENC-1"):
    return {
        "flowId": "flow-cdar-1",
        "submittedAt": "2026-12-02T10:00:00.000Z",
        "flowSyntax": "CDAR",
        "trackingId": tracking_id,
    }


def sends(afnor) -> int:
    return len([c for c in afnor.calls if c.request.url == FLOWS])


def encaissee(account, tracking_id="ENC-1"):
    return lifecycle_out.send_status(
        account=account,
        subject=SUBJECT,
        code=212,
        sender_role="SE",
        tracking_id=tracking_id,
        amounts=[(Decimal("20"), Decimal("1200.00"))],
    )


def test_send_status_records_once_and_queues_after_commit(
    account, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        status = encaissee(account)
        assert queued == []  # nothing leaves before the commit
    again = encaissee(account)
    assert again.pk == status.pk and OutgoingStatus.objects.count() == 1
    assert queued == [status.pk]
    assert (status.code, status.state, status.get_state_display()) == (
        212,
        OutgoingStatusState.NEW,
        "À envoyer",
    )
    assert cdar.validate(bytes(status.xml)) == []
    assert status.amounts == [["20", "1200.00"]]


def test_nothing_is_queued_for_a_rolled_back_transaction(account, queued, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            encaissee(account)
            raise RuntimeError
    assert queued == [] and not OutgoingStatus.objects.exists()


def test_a_message_that_cannot_be_built_is_refused_in_french(account, queued):
    with pytest.raises(lifecycle_out.NotSendable, match="exige un motif"):
        lifecycle_out.send_status(
            account=account, subject=SUBJECT, code=210, sender_role="BY", tracking_id="R-1"
        )
    with pytest.raises(lifecycle_out.NotSendable, match="BR-FR-CDV-CL-09"):
        lifecycle_out.send_status(
            account=account,
            subject=SUBJECT,
            code=210,
            sender_role="BY",
            tracking_id="R-1",
            reason_code="QTE_ERR",
        )
    with pytest.raises(lifecycle_out.NotSendable, match="Paramètres > Facturation électronique"):
        lifecycle_out.send_status(
            account=None, subject=SUBJECT, code=205, sender_role="BY", tracking_id="A-1"
        )
    with pytest.raises(lifecycle_out.NotSendable, match="36 caractères"):
        lifecycle_out.send_status(
            account=account, subject=SUBJECT, code=205, sender_role="BY", tracking_id="x" * 37
        )
    assert not OutgoingStatus.objects.exists() and queued == []


def test_the_status_goes_once_as_a_cdar_flow(account, queued, pa, afnor):
    afnor.add(responses.POST, FLOWS, json=accepted(), status=202)
    status = encaissee(account)
    done = lifecycle_out.send(status_id=status.pk, pa=pa)
    assert (done.state, done.flow_id, done.ack_status) == (OutgoingStatusState.SENT, "flow-cdar-1", "Pending")
    body = afnor.calls[-1].request.body
    info = json.loads(body.split(b'name="flowInfo"')[1].split(b"\r\n\r\n", 1)[1].split(b"\r\n--")[0])
    assert info["flowSyntax"] == "CDAR" and info["trackingId"] == "ENC-1"
    assert bytes(status.xml) in body
    lifecycle_out.send(status_id=status.pk, pa=pa)  # a replayed task
    assert sends(afnor) == 1


def test_a_lost_reply_is_looked_up_by_tracking_id_and_never_sent_twice(account, queued, pa, afnor):
    afnor.add(responses.POST, FLOWS, status=502, json={"errorCode": "BAD_GATEWAY"})
    status = encaissee(account)
    with pytest.raises(client.PlatformUnavailable):
        lifecycle_out.send(status_id=status.pk, pa=pa)
    status.refresh_from_db()
    assert status.state == OutgoingStatusState.UNKNOWN and status.get_state_display() == "Envoi à vérifier"
    afnor.add(
        responses.POST,
        SEARCH,
        json={
            "limit": 100,
            "results": [
                {
                    **accepted(),
                    "updatedAt": "2026-12-02T10:00:01Z",
                    "flowDirection": "Out",
                    "acknowledgement": {"status": "Ok"},
                }
            ],
        },
    )
    done = lifecycle_out.send(status_id=status.pk, pa=pa)
    assert (done.state, done.flow_id, done.ack_status) == (OutgoingStatusState.SENT, "flow-cdar-1", "Ok")
    assert sends(afnor) == 1
    assert json.loads(afnor.calls[-1].request.body)["where"] == {
        "trackingId": "ENC-1",
        "flowDirection": ["Out"],
    }


def test_a_reply_that_never_arrived_is_sent_again_once(account, queued, pa, afnor):
    afnor.add(responses.POST, FLOWS, status=503)
    status = encaissee(account)
    with pytest.raises(client.PlatformUnavailable):
        lifecycle_out.send(status_id=status.pk, pa=pa)
    afnor.add(responses.POST, SEARCH, json={"limit": 100, "results": []})
    afnor.replace(responses.POST, FLOWS, json=accepted(), status=202)
    assert lifecycle_out.send(status_id=status.pk, pa=pa).state == OutgoingStatusState.SENT
    assert sends(afnor) == 2


def test_a_live_workers_claim_is_left_alone_and_a_dead_ones_is_taken_over(account, queued, pa, afnor):
    status = encaissee(account)
    OutgoingStatus.objects.filter(pk=status.pk).update(
        state=OutgoingStatusState.SENDING, sending_since=timezone.now()
    )
    assert lifecycle_out.send(status_id=status.pk, pa=pa).state == OutgoingStatusState.SENDING
    assert not afnor.calls
    OutgoingStatus.objects.filter(pk=status.pk).update(
        sending_since=timezone.now() - datetime.timedelta(hours=1)
    )
    afnor.add(responses.POST, SEARCH, json={"limit": 100, "results": []})
    afnor.add(responses.POST, FLOWS, json=accepted(), status=202)
    assert lifecycle_out.send(status_id=status.pk, pa=pa).state == OutgoingStatusState.SENT
    assert sends(afnor) == 1


def test_a_refusal_and_an_acknowledgement_in_error_are_kept_and_can_be_retried(account, queued, pa, afnor):
    afnor.add(
        responses.POST, FLOWS, status=400, json={"errorCode": "INVALID_FORMAT", "errorMessage": "refusé"}
    )
    status = lifecycle_out.send(status_id=encaissee(account).pk, pa=pa)
    assert (
        status.state == OutgoingStatusState.ERROR
        and "INVALID_FORMAT" in status.last_error
        and status.can_retry
    )
    afnor.replace(responses.POST, FLOWS, json=accepted(), status=202)
    status = lifecycle_out.send(status_id=status.pk, pa=pa)
    assert status.state == OutgoingStatusState.SENT
    afnor.add(
        responses.GET,
        f"{FLOWS}/flow-cdar-1",
        json={
            "flowId": "flow-cdar-1",
            "acknowledgement": {
                "status": "Error",
                "details": [
                    {"level": "Error", "item": "file", "reasonCode": "InvalidSchema", "reasonMessage": "XSD"}
                ],
            },
        },
    )
    status = lifecycle_out.refresh(status=status, pa=pa)
    assert status.state == OutgoingStatusState.ERROR and status.ack_label == "refusé"
    assert "InvalidSchema : XSD" in status.last_error


def test_awaited_acknowledgements_are_read_in_one_search_for_all_statuses(account, queued, pa, afnor):
    sent = []
    for n in range(3):
        status = encaissee(account, tracking_id=f"ENC-{n}")
        OutgoingStatus.objects.filter(pk=status.pk).update(
            state=OutgoingStatusState.SENT,
            flow_id=f"flow-{n}",
            ack_status="Pending",
            submitted_at=timezone.now() - datetime.timedelta(minutes=5 - n),
        )
        sent.append(status.pk)

    def flow(n, ack, **more):
        return {
            "flowId": f"flow-{n}",
            "flowDirection": "Out",
            "updatedAt": f"2026-12-02T10:00:0{n}.000Z",
            "acknowledgement": {"status": ack, **more},
        }

    error = {
        "details": [{"level": "Error", "item": "file", "reasonCode": "InvalidSchema", "reasonMessage": "x"}]
    }
    afnor.add(
        responses.POST,
        SEARCH,
        json={
            "limit": 100,
            "results": [
                flow(0, "Ok"),
                {"flowId": "a-facture", "flowDirection": "Out"},
                flow(1, "Error", **error),
                flow(2, "Pending"),
            ],
        },
    )
    assert lifecycle_out.refresh_pending(account=account, pa=pa) == 2
    states = dict(OutgoingStatus.objects.values_list("tracking_id", "ack_status"))
    assert states == {"ENC-0": "Ok", "ENC-1": "Error", "ENC-2": "Pending"}
    assert OutgoingStatus.objects.get(tracking_id="ENC-1").state == OutgoingStatusState.ERROR
    searches = [c for c in afnor.calls if c.request.url == SEARCH]
    assert len(searches) == 1
    assert json.loads(searches[0].request.body)["where"]["flowDirection"] == ["Out"]
