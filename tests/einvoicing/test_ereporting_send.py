"""Sending the e-reporting as FRR flows exactly once (lost reply, dead worker, double click), the PA's
acknowledgement read back, the corrective report of a period changed after it was sent, and the calendar."""

from __future__ import annotations

import datetime
import json

import pytest
import responses
from django.utils import timezone
from lxml import etree

from einvoicing import client, ereporting, ereporting_send
from einvoicing.models import EInvoiceState, EReport, PlatformAccount, VatReportingRegime
from einvoicing.sending import NotSendable
from tests import factories
from tests.einvoicing.afnor_contract import DIRECTORY_BASE, FLOW_BASE, TOKEN_URL

pytestmark = pytest.mark.django_db

FLOWS = f"{FLOW_BASE}/v1/flows"
SEARCH = f"{FLOW_BASE}/v1/flows/search"
FIRST_DECADE = ereporting.Period(datetime.date(2026, 11, 1), datetime.date(2026, 11, 10))
NOVEMBER = ereporting.Period(datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))
TX = "10.3"


@pytest.fixture
def account(cabinet):
    account = PlatformAccount(
        cabinet=cabinet,
        name="PA Exemple",
        matricule="0099",
        flow_url=FLOW_BASE,
        directory_url=DIRECTORY_BASE,
        token_url=TOKEN_URL,
        client_id="c",
    )
    account.set_client_secret("s")
    account.save()
    return account


@pytest.fixture
def sales(cabinet):
    martin = factories.make_client(cabinet, nom="M. et Mme Martin", categorie="particulier", siret="")
    first = factories.make_invoice(cabinet, client=martin, issued=True, today=datetime.date(2026, 11, 3))
    return {"martin": martin, "first": first}


def accepted(tracking_id: str, flow_id: str = "flow-1", status: str | None = None) -> dict:
    body = {
        "flowId": flow_id,
        "submittedAt": "2026-12-02T10:00:00.000Z",
        "flowSyntax": "FRR",
        "trackingId": tracking_id,
    }
    if status:
        body |= {
            "updatedAt": "2026-12-02T10:00:01Z",
            "flowDirection": "Out",
            "acknowledgement": {"status": status},
        }
    return body


def sent_bodies(afnor) -> list[bytes]:
    return [c.request.body for c in afnor.calls if c.request.url == FLOWS]


def prepared(cabinet, account, period=FIRST_DECADE, kind=TX) -> EReport:
    return ereporting_send.prepare(cabinet=cabinet, kind=kind, period=period, account=account)


def test_a_closed_period_goes_once_as_an_frr_flow_with_its_deterministic_tracking_id(
    cabinet, account, sales, pa, afnor
):
    report = prepared(cabinet, account)
    assert (
        report.tracking_id == f"103-{cabinet.siret[:9]}-20261101-20261110-1" and len(report.tracking_id) <= 36
    )
    assert ereporting.check(bytes(report.document)) == []
    afnor.add(responses.POST, FLOWS, json=accepted(report.tracking_id), status=202)
    done = ereporting_send.send(report_id=report.pk, pa=pa)
    assert (done.state, done.flow_id, done.ack_status, done.status_label) == (
        EInvoiceState.SENT,
        "flow-1",
        "Pending",
        "envoyé",
    )
    [body] = sent_bodies(afnor)
    assert b'"flowSyntax": "FRR"' in body and b'"processingRule": "B2C"' in body
    assert b"<TypeCode>IN</TypeCode>" in body and b"<TaxExclusiveAmount>1300.00" in body
    ereporting_send.send(report_id=report.pk, pa=pa)  # a second click, a replayed task
    assert prepared(cabinet, account).pk == report.pk  # nothing changed: nothing new to send
    assert len(sent_bodies(afnor)) == 1


def test_the_acknowledgement_is_read_back_ok_or_refused_with_its_reason(cabinet, account, sales, pa, afnor):
    report = prepared(cabinet, account)
    afnor.add(responses.POST, FLOWS, json=accepted(report.tracking_id), status=202)
    ereporting_send.send(report_id=report.pk, pa=pa)
    afnor.add(
        responses.GET, f"{FLOWS}/flow-1", json={"flowId": "flow-1", "acknowledgement": {"status": "Ok"}}
    )
    assert ereporting_send.refresh_pending(cabinet, pa=pa) == ""
    assert EReport.objects.get().status_label == "accepté"
    ereporting_send.refresh_pending(cabinet, pa=pa)  # nothing pending any more: no call
    assert len([c for c in afnor.calls if c.request.url.startswith(f"{FLOWS}/flow-1")]) == 1

    EReport.objects.update(ack_status="Pending")
    afnor.replace(
        responses.GET,
        f"{FLOWS}/flow-1",
        json={
            "flowId": "flow-1",
            "acknowledgement": {
                "status": "Error",
                "details": [
                    {
                        "level": "Error",
                        "item": "file",
                        "reasonCode": "InvalidSchema",
                        "reasonMessage": "G1.68",
                    }
                ],
            },
        },
    )
    ereporting_send.refresh_pending(cabinet, pa=pa)
    refused = EReport.objects.get()
    assert refused.status_label == "refusé" and "InvalidSchema : G1.68" in refused.last_error


def test_a_lost_reply_is_looked_up_by_tracking_id_before_any_resend(cabinet, account, sales, pa, afnor):
    report = prepared(cabinet, account)
    afnor.add(responses.POST, FLOWS, status=502, json={"errorCode": "BAD_GATEWAY"})
    with pytest.raises(client.PlatformUnavailable):
        ereporting_send.send(report_id=report.pk, pa=pa)
    assert EReport.objects.get().state == EInvoiceState.UNKNOWN
    assert EReport.objects.get().status_label == "envoi à vérifier"
    afnor.add(
        responses.POST, SEARCH, json={"limit": 100, "results": [accepted(report.tracking_id, status="Ok")]}
    )
    done = ereporting_send.send(report_id=report.pk, pa=pa)
    assert done.state == EInvoiceState.SENT and done.ack_status == "Ok"
    assert len(sent_bodies(afnor)) == 1
    assert json.loads(afnor.calls[-1].request.body)["where"] == {
        "trackingId": report.tracking_id,
        "flowDirection": ["Out"],
    }


def test_a_lost_request_that_never_arrived_is_sent_again_once(cabinet, account, sales, pa, afnor):
    report = prepared(cabinet, account)
    afnor.add(responses.POST, FLOWS, status=503)
    with pytest.raises(client.PlatformUnavailable):
        ereporting_send.send(report_id=report.pk, pa=pa)
    afnor.add(responses.POST, SEARCH, json={"limit": 100, "results": []})
    afnor.replace(responses.POST, FLOWS, json=accepted(report.tracking_id), status=202)
    assert ereporting_send.send(report_id=report.pk, pa=pa).state == EInvoiceState.SENT
    assert ereporting_send.send(report_id=report.pk, pa=pa).state == EInvoiceState.SENT
    assert len(sent_bodies(afnor)) == 2  # the lost one and the one that arrived


def test_a_live_claim_is_left_alone_and_a_dead_workers_is_looked_up_then_resumed(
    cabinet, account, sales, pa, afnor
):
    report = prepared(cabinet, account)
    EReport.objects.filter(pk=report.pk).update(state=EInvoiceState.SENDING, sending_since=timezone.now())
    assert ereporting_send.send(report_id=report.pk, pa=pa).state == EInvoiceState.SENDING
    assert not afnor.calls
    EReport.objects.filter(pk=report.pk).update(sending_since=timezone.now() - datetime.timedelta(hours=1))
    afnor.add(responses.POST, SEARCH, json={"limit": 100, "results": []})
    afnor.add(responses.POST, FLOWS, json=accepted(report.tracking_id), status=202)
    assert ereporting_send.send(report_id=report.pk, pa=pa).state == EInvoiceState.SENT
    assert len(sent_bodies(afnor)) == 1


def test_a_refusal_of_the_deposit_is_kept_in_french(cabinet, account, sales, pa, afnor):
    report = prepared(cabinet, account)
    afnor.add(
        responses.POST,
        FLOWS,
        status=400,
        json={"errorCode": "FILE_SIZE_EXCEEDED", "errorMessage": "trop gros"},
    )
    done = ereporting_send.send(report_id=report.pk, pa=pa)
    assert done.state == EInvoiceState.ERROR and "FILE_SIZE_EXCEEDED" in done.last_error
    assert done.status_label == "refusé" and done.can_send


def test_a_period_changed_after_it_was_sent_gets_a_corrective_report(cabinet, account, sales, pa, afnor):
    from invoices import services

    report = prepared(cabinet, account)
    afnor.add(responses.POST, FLOWS, json=accepted(report.tracking_id), status=202)
    ereporting_send.send(report_id=report.pk, pa=pa)
    draft = services.create_credit_note(invoice=sales["first"])
    services.issue_invoice(invoice=draft, today=datetime.date(2026, 11, 10))  # an avoir dated in the period
    report.refresh_from_db()
    assert ereporting_send.changed_since_sent(report)
    corrective = prepared(cabinet, account)
    assert (corrective.version, corrective.type_code, corrective.state) == (2, "RE", EInvoiceState.NEW)
    assert corrective.tracking_id == f"103-{cabinet.siret[:9]}-20261101-20261110-2"
    xml = bytes(corrective.document)
    assert ereporting.check(xml) == []
    root = etree.fromstring(xml)
    assert root.findtext("ReportDocument/TypeCode") == "RE"
    assert root.findtext("ReportDocument/Id") == f"TX-{cabinet.siret[:9]}-20261101-RE2"
    assert [t.findtext("TaxExclusiveAmount") for t in root.iter("Transactions")] == ["1300.00", "-1300.00"]
    afnor.replace(responses.POST, FLOWS, json=accepted(corrective.tracking_id, "flow-2"), status=202)
    assert ereporting_send.send(report_id=corrective.pk, pa=pa).flow_id == "flow-2"
    assert not ereporting_send.changed_since_sent(EReport.objects.get(version=2))
    assert EReport.objects.get(version=1).flow_id == "flow-1"  # the initial report stays as it was sent


def test_what_cannot_be_sent_is_said_in_french(cabinet, account, sales):
    with pytest.raises(NotSendable, match="n'est pas terminée"):
        prepared(cabinet, account, ereporting.Period(timezone.localdate(), timezone.localdate()))
    with pytest.raises(NotSendable, match="Paramètres > Facturation électronique"):
        prepared(cabinet, None)
    account.matricule = ""
    with pytest.raises(NotSendable, match="matricule"):
        prepared(cabinet, account)
    assert not EReport.objects.exists()


@pytest.mark.parametrize(
    ("regime", "kind", "period", "due"),
    [
        ("reel_mensuel", "transactions", FIRST_DECADE, datetime.date(2026, 11, 20)),
        ("reel_mensuel", "paiements", NOVEMBER, datetime.date(2026, 12, 10)),
        ("reel_trimestriel", "transactions", NOVEMBER, datetime.date(2026, 12, 10)),
        (
            "simplifie",
            "transactions",
            ereporting.Period(datetime.date(2027, 1, 1), datetime.date(2027, 1, 31)),
            datetime.date(2027, 2, 28),
        ),
        (
            "franchise",
            "paiements",
            ereporting.Period(datetime.date(2026, 11, 1), datetime.date(2026, 12, 31)),
            datetime.date(2027, 1, 30),
        ),
    ],
)
def test_the_deadline_follows_the_vat_regime(regime, kind, period, due):
    assert ereporting_send.deadline(regime, kind, period) == due


def test_the_calendar_sends_each_closed_period_once_from_the_reform_date(cabinet, account, pa, afnor):
    account.vat_regime = VatReportingRegime.REEL_TRIMESTRIEL
    account.save()
    martin = factories.make_client(cabinet, nom="Mme Durand", categorie="particulier", siret="")
    factories.make_invoice(cabinet, client=martin, issued=True, today=datetime.date(2027, 9, 14))
    today = datetime.date(2027, 10, 2)
    due = ereporting_send.due_periods(account.vat_regime, today)
    assert [(k, p.key) for k, p in due] == [
        ("international", "20270901-20270930"),
        ("paiements", "20270901-20270930"),
        ("paiements-international", "20270901-20270930"),
        ("transactions", "20270901-20270930"),
    ]
    afnor.add(responses.POST, FLOWS, json=accepted("x"), status=202)
    assert ereporting_send.send_due(today, pa=pa) == 2  # no international sale: no 10.1 / 10.2
    assert ereporting_send.send_due(today, pa=pa) == 0  # the next morning: nothing twice
    assert len(sent_bodies(afnor)) == 2
    assert sorted(EReport.objects.values_list("kind", "state")) == [
        ("10.3", EInvoiceState.SENT),
        ("10.4", EInvoiceState.SENT),
    ]


def test_the_beat_schedule_runs_the_calendar_every_morning():
    from django_celery_beat.models import PeriodicTask

    from chorus import schedule

    schedule.install_schedule()
    task = PeriodicTask.objects.get(name=schedule.EREPORTING)
    assert task.task == "einvoicing.tasks.send_due_ereports" and task.crontab.hour == "6"


def _text(response) -> str:
    import html

    return html.unescape(response.content.decode()).replace("\u202f", " ").replace("\xa0", " ")


def test_the_page_sends_a_closed_period_shows_its_status_and_offers_the_correction(
    cabinet,
    account,
    sales,
    comptable,
    client_as,
    afnor,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    from django.core.cache import cache
    from django.urls import reverse

    from invoices import services

    cache.clear()
    web = client_as(comptable)
    page_url = f"{reverse('einvoicing:ereporting')}?mois=2026-11"
    with django_assert_max_num_queries(60):
        page = _text(web.get(page_url))
    assert 'data-state="à envoyer"' in page and "Envoyer maintenant" in page
    assert "1 300,00 €" in page

    tracking = f"103-{cabinet.siret[:9]}-20261101-20261110-1"
    afnor.add(responses.POST, FLOWS, json=accepted(tracking), status=202)
    with django_capture_on_commit_callbacks(execute=True):
        response = web.post(reverse("einvoicing:ereporting-send", args=["transactions", "20261101-20261110"]))
    assert response.status_code == 302 and response["Location"].endswith("?mois=2026-11")
    report = EReport.objects.get()
    assert report.state == EInvoiceState.SENT and report.tracking_id == tracking

    afnor.add(
        responses.GET, f"{FLOWS}/flow-1", json={"flowId": "flow-1", "acknowledgement": {"status": "Ok"}}
    )
    page = _text(web.get(page_url))
    assert 'data-state="accepté"' in page and "Télécharger le fichier envoyé" in page
    sent = web.get(
        reverse("einvoicing:ereporting-download", args=["transactions", "20261101-20261110"]),
        {"version": "1"},
    )
    assert sent.content == bytes(report.document)
    assert sent["Content-Disposition"].endswith('-v1.xml"')
    missing = web.get(
        reverse("einvoicing:ereporting-download", args=["transactions", "20261101-20261110"]),
        {"version": "x"},
    )
    assert missing.status_code == 404

    draft = services.create_credit_note(invoice=sales["first"])
    services.issue_invoice(invoice=draft, today=datetime.date(2026, 11, 10))
    page = _text(web.get(page_url))
    assert "Modifié depuis l'envoi" in page and "Envoyer la déclaration rectificative" in page
    afnor.replace(responses.POST, FLOWS, json=accepted(tracking[:-1] + "2", "flow-2"), status=202)
    with django_capture_on_commit_callbacks(execute=True):
        web.post(reverse("einvoicing:ereporting-send", args=["transactions", "20261101-20261110"]))
    corrective = EReport.objects.get(version=2)
    assert corrective.type_code == "RE" and corrective.flow_id == "flow-2"


def test_sending_an_open_period_or_without_platform_says_why_in_french(cabinet, comptable, client_as):
    from django.urls import reverse

    web = client_as(comptable)
    response = web.post(
        reverse("einvoicing:ereporting-send", args=["transactions", "20261101-20261110"]), follow=True
    )
    assert "Paramètres > Facturation électronique" in _text(response)
    assert (
        web.get(reverse("einvoicing:ereporting-send", args=["transactions", "20261101-20261110"])).status_code
        == 405
    )
    assert (
        web.post(reverse("einvoicing:ereporting-send", args=["autre", "20261101-20261110"])).status_code
        == 404
    )
    assert not EReport.objects.exists()


def test_another_cabinet_cannot_download_or_send_the_cabinets_report(
    cabinet, account, sales, stranger, client_as
):
    from django.urls import reverse

    prepared(cabinet, account)
    web = client_as(stranger)
    url = reverse("einvoicing:ereporting-download", args=["transactions", "20261101-20261110"])
    assert web.get(url, {"version": "1"}).status_code == 404
    web.post(reverse("einvoicing:ereporting-send", args=["transactions", "20261101-20261110"]))
    assert EReport.objects.count() == 1 and EReport.objects.get().cabinet == cabinet


def test_a_report_the_platform_refused_is_sent_again_as_a_new_initial_version(
    cabinet, account, sales, pa, afnor
):
    report = prepared(cabinet, account)
    afnor.add(responses.POST, FLOWS, json=accepted(report.tracking_id), status=202)
    ereporting_send.send(report_id=report.pk, pa=pa)
    EReport.objects.update(ack_status="Error")
    refused = EReport.objects.get()
    assert refused.can_send and refused.status_label == "refusé"
    again = prepared(cabinet, account)
    assert (again.version, again.type_code) == (2, "IN")
    assert etree.fromstring(bytes(again.document)).findtext("ReportDocument/Id").endswith("-IN2")
    assert ereporting.check(bytes(again.document)) == []
    afnor.replace(responses.POST, FLOWS, json=accepted(again.tracking_id, "flow-2"), status=202)
    assert ereporting_send.send(report_id=again.pk, pa=pa).flow_id == "flow-2"
    assert prepared(cabinet, account).pk == again.pk  # accepted now: nothing more to send


def test_the_page_reads_a_constant_number_of_queries_whatever_the_sales(
    cabinet, account, sales, comptable, client_as, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    web = client_as(comptable)

    def add(days):
        for day in days:
            person = factories.make_client(
                cabinet, nom=f"Particulier {day}", categorie="particulier", siret=""
            )
            invoice = factories.make_invoice(
                cabinet, client=person, issued=True, today=datetime.date(2026, 11, day)
            )
            factories.make_payment(invoice, date=datetime.date(2026, 11, min(day + 1, 30)))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert web.get("/facturation-electronique/e-reporting/?mois=2026-11").status_code == 200
        return len(captured)

    add([4, 12, 22])  # a sale and a payment in each ten-day period of the month
    few = queries()
    add(range(22, 28))  # numbering follows the dates: the new ones come after the last
    add([28, 28, 28, 28])
    with django_assert_max_num_queries(few):
        queries()


def test_the_daily_task_sends_what_is_due_then_reads_the_acknowledgements(cabinet, account, monkeypatch):
    from einvoicing import tasks

    calls = []
    monkeypatch.setattr(ereporting_send, "send_due", lambda: calls.append("send_due") or 0)
    monkeypatch.setattr(ereporting_send, "refresh_pending", lambda c: calls.append(("refresh", c.pk)) or "")
    tasks.send_due_ereports.delay()
    assert calls == ["send_due", ("refresh", cabinet.pk)]
