"""« Encaissée » (212) sent by the product: when a règlement pays a B2B services invoice under VAT on receipt,
in the payment's transaction, with the amount per VAT rate of the part paid; once per allocation; never for a
rejected flow; a cancelled payment sends nothing new and says what to do."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from lxml import etree

from einvoicing import cdar, encaissee
from einvoicing.models import EInvoice, EInvoiceState, OutgoingStatus, OutgoingStatusState, PlatformAccount
from invoices import services as invoicing
from invoices import vat
from tests import factories
from tests.einvoicing.afnor_contract import DIRECTORY_BASE, FLOW_BASE, TOKEN_URL

pytestmark = pytest.mark.django_db
SIREN = "552100554"


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
def company(cabinet):
    return factories.make_client(
        cabinet, categorie="entreprise", siret=f"{SIREN}00013", nom="SCI Les Tilleuls"
    )


def transmitted(invoice, ack="Ok"):
    EInvoice.objects.create(
        cabinet=invoice.cabinet,
        invoice=invoice,
        state=EInvoiceState.SENT,
        flow_id="flow-inv-1",
        ack_status=ack,
        buyer_address=SIREN,
    )
    return invoice


@pytest.fixture
def invoice(cabinet, company):
    lines = [("Bornage", "1", "1000.00", "20.00"), ("Plan topographique", "1", "500.00", "10.00")]
    return transmitted(factories.make_invoice(cabinet, lines, client=company, issued=True))


def pay(invoice, amount, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return factories.make_payment(invoice, amount)


def men(status):
    tree = etree.fromstring(bytes(status.xml))
    return [
        (
            b.findtext("ram:ValuePercent", namespaces=cdar.NSMAP),
            b.findtext("ram:ValueAmount", namespaces=cdar.NSMAP),
        )
        for b in tree.xpath("//ram:SpecifiedDocumentCharacteristic", namespaces=cdar.NSMAP)
    ]


def test_a_full_payment_sends_encaissee_with_the_amount_per_rate(
    invoice, account, queued, django_capture_on_commit_callbacks
):
    assert invoice.vat_regime == vat.ENCAISSEMENTS
    payment = pay(invoice, None, django_capture_on_commit_callbacks)  # 1 200 + 550 = 1 750,00 €
    status = OutgoingStatus.objects.get()
    allocation = payment.allocations.get()
    assert (status.code, status.invoice, status.allocation) == (212, invoice, allocation)
    assert status.tracking_id == f"ENC-{allocation.pk}" and queued == [status.pk]
    assert men(status) == [("20.00", "1200.00"), ("10.00", "550.00")]
    assert cdar.validate(bytes(status.xml)) == []
    assert encaissee.on_allocation(allocation).pk == status.pk  # a replay: the same row, nothing new
    assert OutgoingStatus.objects.count() == 1 and queued == [status.pk]


def test_a_partial_payment_is_prorated_per_rate_and_the_cents_add_up(
    invoice, account, queued, django_capture_on_commit_callbacks
):
    pay(invoice, "333.33", django_capture_on_commit_callbacks)
    pay(invoice, "100.00", django_capture_on_commit_callbacks)
    first, second = OutgoingStatus.objects.order_by("id")
    # 333,33 × 1 200 / 1 750 = 228,57 ; the last rate takes the rest: 104,76
    assert men(first) == [("20.00", "228.57"), ("10.00", "104.76")]
    assert sum(Decimal(a) for _, a in men(first)) == Decimal("333.33")
    assert men(second) == [("20.00", "68.57"), ("10.00", "31.43")]
    assert first.tracking_id != second.tracking_id


def test_debours_are_left_out_of_the_cash_in_per_rate(cabinet, company):
    lines = [
        invoicing.LineInput("Bornage", Decimal("1000.00"), vat_rate="20.00"),
        invoicing.LineInput("Frais de publication", Decimal("300.00"), vat_rate="0.00", debours=True),
    ]
    invoice = invoicing.issue_invoice(
        invoice=invoicing.create_invoice(cabinet=cabinet, client=company, dossier=None, lines=lines)
    )
    assert encaissee.amounts_paid(invoice, Decimal("1500.00")) == [(Decimal("20.00"), Decimal("1200.00"))]
    # half of 1 500: 1 200 / 1 500 of it is taxable
    assert encaissee.amounts_paid(invoice, Decimal("750.00")) == [(Decimal("20.00"), Decimal("600.00"))]


def test_no_encaissee_where_the_reference_does_not_ask_for_one(
    cabinet, company, account, queued, django_capture_on_commit_callbacks
):
    debits = transmitted(factories.make_invoice(cabinet, client=company, issued=True, vat_regime=vat.DEBITS))
    rejected = transmitted(factories.make_invoice(cabinet, client=company, issued=True), ack="Error")
    not_sent = factories.make_invoice(cabinet, client=company, issued=True)
    person = factories.make_client(cabinet, categorie="particulier", siret="", nom="M. Martin")
    b2c = factories.make_invoice(cabinet, client=person, issued=True)
    for invoice in (debits, rejected, not_sent, b2c):
        pay(invoice, None, django_capture_on_commit_callbacks)
    assert not OutgoingStatus.objects.exists() and queued == []
    assert "débits" not in encaissee.why_not(debits) and "encaissement" in encaissee.why_not(debits)
    assert "refusé" in encaissee.why_not(rejected)
    assert "n'a pas été transmise" in encaissee.why_not(not_sent)


def test_a_rolled_back_payment_sends_nothing(invoice, account, queued, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            factories.make_payment(invoice)
            raise RuntimeError
    assert queued == [] and not OutgoingStatus.objects.exists()


def test_a_cancelled_payment_sends_no_new_status_and_is_flagged(
    invoice, account, queued, django_capture_on_commit_callbacks
):
    payment = pay(invoice, None, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        invoicing.reverse_payment(payment=payment, date=datetime.date.today())
    status = OutgoingStatus.objects.get()
    assert OutgoingStatus.objects.count() == 1 and len(queued) == 1
    assert encaissee.cancelled(status)


def test_the_invoice_page_shows_the_encaissee_sent_and_its_cancelled_payment(
    invoice,
    account,
    queued,
    comptable,
    client_as,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    from django.utils import timezone

    payment = pay(invoice, "333.33", django_capture_on_commit_callbacks)
    pay(invoice, "100.00", django_capture_on_commit_callbacks)
    sent_at = timezone.make_aware(datetime.datetime(2026, 12, 2, 14, 5))
    OutgoingStatus.objects.update(
        state=OutgoingStatusState.SENT, submitted_at=sent_at, flow_id="f", ack_status="Ok"
    )
    web = client_as(comptable)
    page = web.get(invoice.get_absolute_url()).content.decode()
    assert "Encaissée transmise le 02/12/2026 à 14:05" in page
    assert "228,57\xa0€ (TVA 20\xa0%)" in page and "104,76\xa0€ (TVA 10\xa0%)" in page
    assert "accusé de réception : accepté" in page
    assert "contre-passé" not in page
    with django_capture_on_commit_callbacks(execute=True):
        invoicing.reverse_payment(payment=payment, date=datetime.date.today())
    page = web.get(invoice.get_absolute_url()).content.decode()
    assert page.count("La réforme ne prévoit pas de statut qui annule un encaissement") == 1


def test_the_invoice_page_reads_its_statuses_in_one_query(invoice, account, queued, comptable, client_as):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    web = client_as(comptable)

    def queries() -> int:
        with CaptureQueriesContext(connection) as seen:
            assert web.get(invoice.get_absolute_url()).status_code == 200
        return len(seen)

    for _ in range(2):
        factories.make_payment(invoice, "10.00")
    with_two = queries()
    for _ in range(4):
        payment = factories.make_payment(invoice, "10.00")
    invoicing.reverse_payment(payment=payment, date=datetime.date.today())
    assert OutgoingStatus.objects.count() == 6
    assert queries() <= with_two + 2  # the counter-entry's allocation row on the page, not one per status


def test_a_status_about_an_invoice_the_platform_refused_is_never_sent(invoice, account, queued, pa, afnor):
    from einvoicing import lifecycle_out

    factories.make_payment(invoice)
    EInvoice.objects.filter(invoice=invoice).update(ack_status="Error")
    status = lifecycle_out.send(status_id=OutgoingStatus.objects.get().pk, pa=pa)
    assert status.state == OutgoingStatusState.ERROR and "a refusé la facture" in status.last_error
    assert not afnor.calls


def test_a_status_in_error_is_retried_from_the_invoice_page(
    invoice, account, queued, comptable, client_as, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    status = factories.make_outgoing_status(invoice)
    web = client_as(comptable)
    page = web.get(invoice.get_absolute_url()).content.decode()
    assert "Réessayer" in page and "InvalidSchema : essai" in page
    with django_capture_on_commit_callbacks(execute=True):
        answer = web.post(reverse("einvoicing:outgoing-status-retry", args=[status.pk]))
    assert answer.status_code == 302 and queued == [status.pk]
    OutgoingStatus.objects.filter(pk=status.pk).update(state=OutgoingStatusState.SENT)
    web.post(reverse("einvoicing:outgoing-status-retry", args=[status.pk]))
    assert queued == [status.pk]  # nothing to retry once sent


def test_the_sweeper_takes_back_what_a_dead_worker_or_a_down_queue_left(invoice, account, queued):
    from django.utils import timezone

    from einvoicing import lifecycle_out, tasks

    old = timezone.now() - datetime.timedelta(hours=1)
    fresh = factories.make_outgoing_status(invoice, state=OutgoingStatusState.NEW)
    stuck = OutgoingStatus.objects.create(
        cabinet=invoice.cabinet,
        invoice=invoice,
        tracking_id="T-2",
        code=212,
        sender_role="SE",
        xml=b"x",
        state=OutgoingStatusState.SENDING,
        sending_since=old,
    )
    never = OutgoingStatus.objects.create(
        cabinet=invoice.cabinet,
        invoice=invoice,
        tracking_id="T-3",
        code=212,
        sender_role="SE",
        xml=b"x",
    )
    OutgoingStatus.objects.filter(pk=never.pk).update(created_at=old)
    assert lifecycle_out.stalled() == [stuck.pk, never.pk] and fresh.pk not in lifecycle_out.stalled()
    assert tasks.sweep_outgoing_statuses() == 2 and queued == [stuck.pk, never.pk]
