"""The public buyer's payment deadline: on the invoice page, in the list (annotated, no N+1), on the home
dashboard, and the claim letter for moratory interest once late."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from chorus import selectors
from chorus.models import ChorusSubmission
from chorus.services import deadline
from invoices.models import DocumentAction, DocumentEvent, EcbRate, Invoice
from tests import factories
from tests.utils import body, pdf_pages

pytestmark = pytest.mark.django_db
DOWNLOAD = "Télécharger la demande d'intérêts moratoires</button>"


@pytest.fixture(autouse=True)
def ecb_rate(db):
    """One rate for every half-year, so the figures below do not depend on today's date."""
    EcbRate.objects.all().delete()
    EcbRate.objects.create(valid_from=datetime.date(2000, 1, 1), rate=Decimal("2.15"))


def sent(cabinet, mairie, account, *, days_ago: int, status: str = "MISE_A_DISPOSITION", **kw):
    """A 1 560,00 € TTC invoice deposited in Chorus `days_ago` days ago."""
    invoice = factories.make_invoice(cabinet, client=mairie, issued=True, **kw)
    sub = factories.make_submission(invoice, account, lookup=True, service_code="URBA", submit=True)
    ChorusSubmission.objects.filter(pk=sub.pk).update(
        date_depot=timezone.localdate() - datetime.timedelta(days=days_ago), chorus_status=status
    )
    return Invoice.objects.select_related("chorus_submission").get(pk=invoice.pk)


@pytest.fixture
def late(chorus, cabinet, mairie, account):
    return sent(cabinet, mairie, account, days_ago=40)


def test_submit_keeps_chorus_deposit_date(chorus, account, issued_invoice):
    sub = factories.make_submission(issued_invoice, account, lookup=True, service_code="URBA", submit=True)
    assert sub.date_depot == timezone.localdate()


def test_claim_on_a_late_invoice(late):
    """Deposited 40 days ago: deadline 10 days ago, 10 days late. Rate 2,15 + 8 = 10,15 %.
    1 560,00 × 10,15 % = 158,34 a year; × 10 / 365 = 4,3380… → 4,34 €; plus 40 €."""
    claim = deadline.claim_for(invoice=late, submission=late.chorus_submission)
    assert claim.days_late == 10 and claim.rate == Decimal("10.15")
    assert claim.amount_due == Decimal("1560.00")
    assert (claim.interest, claim.indemnity) == (Decimal("4.34"), Decimal("40.00"))


def test_interest_runs_on_what_is_still_due(late):
    """780,00 € paid: 780,00 × 10,15 % × 10 / 365 = 2,1690… → 2,17 €."""
    factories.make_payment(late, "780.00")
    late = Invoice.objects.select_related("chorus_submission").get(pk=late.pk)
    assert deadline.claim_for(invoice=late, submission=late.chorus_submission).interest == Decimal("2.17")


@pytest.mark.parametrize("status", ["MISE_EN_PAIEMENT", "REJETEE", "ABANDONNEE"])
def test_nothing_owed_once_paid_out_or_closed(chorus, cabinet, mairie, account, status):
    invoice = sent(cabinet, mairie, account, days_ago=40, status=status)
    assert deadline.claim_for(invoice=invoice, submission=invoice.chorus_submission) is None


def test_nothing_owed_when_paid_in_full_in_the_app(late):
    factories.make_payment(late)
    late = Invoice.objects.select_related("chorus_submission").get(pk=late.pk)
    assert deadline.claim_for(invoice=late, submission=late.chorus_submission) is None


def test_nothing_owed_before_or_on_the_deadline(chorus, cabinet, mairie, account):
    invoice = sent(cabinet, mairie, account, days_ago=30)
    assert deadline.claim_for(invoice=invoice, submission=invoice.chorus_submission) is None


def test_missing_ecb_rate_is_said_in_french(late):
    EcbRate.objects.all().delete()
    with pytest.raises(Exception, match="Aucun taux BCE connu"):
        deadline.claim_for(invoice=late, submission=late.chorus_submission)


# --- Invoice page and claim letter ---------------------------------------------------------------


def test_invoice_page_shows_deadline_interest_and_download(client_as, comptable, late):
    text = body(client_as(comptable).get(late.get_absolute_url()))
    due = timezone.localdate() - datetime.timedelta(days=10)
    assert f"{due:%d/%m/%Y}" in text and "En retard de 10 jours" in text
    assert "4,34\xa0€" in text and DOWNLOAD in text


def test_invoice_on_time_shows_deadline_without_download(
    client_as, comptable, chorus, cabinet, mairie, account
):
    invoice = sent(cabinet, mairie, account, days_ago=5)
    text = body(client_as(comptable).get(invoice.get_absolute_url()))
    due = timezone.localdate() + datetime.timedelta(days=25)
    assert f"Échéance publique</dt><dd>{due:%d/%m/%Y}" in text
    assert DOWNLOAD not in text and "En retard" not in text


def test_claim_letter_pdf_and_history(client_as, comptable, late):
    response = client_as(comptable).post(reverse("chorus:invoice-claim-letter", args=[late.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    text = " ".join(pdf_pages(response.content))
    sub = late.chorus_submission
    for expected in (
        f"facture N° {late.number}",
        f"déposée dans Chorus Pro le {sub.date_depot:%d/%m/%Y}",
        f"identifiant Chorus Pro {sub.identifiant_facture_cpp}",
        "comptable public",
        "10,15 %",
        "4,34 €",
        "40,00 €",
        "L2192-12",
        "R2192-31",
        "2013-269",
    ):
        assert expected in text.replace("\xa0", " "), expected
    event = DocumentEvent.objects.get(invoice=late, action=DocumentAction.MORATORY_CLAIM)
    assert "10 jours de retard" in event.detail


def test_claim_letter_refused_in_french_when_not_late(client_as, comptable, chorus, cabinet, mairie, account):
    invoice = sent(cabinet, mairie, account, days_ago=5)
    response = client_as(comptable).post(
        reverse("chorus:invoice-claim-letter", args=[invoice.pk]), follow=True
    )
    assert "n'est pas en retard de paiement" in body(response)
    assert not DocumentEvent.objects.filter(action=DocumentAction.MORATORY_CLAIM).exists()


def test_claim_letter_of_other_cabinet_is_404(client_as, stranger, late):
    response = client_as(stranger).post(reverse("chorus:invoice-claim-letter", args=[late.pk]))
    assert response.status_code == 404


def test_claim_letter_needs_login_and_post(client, client_as, comptable, late):
    url = reverse("chorus:invoice-claim-letter", args=[late.pk])
    assert client.post(url).status_code == 302
    assert client_as(comptable).get(url).status_code == 405


# --- Lists and dashboard ------------------------------------------------------------------------


def test_list_annotation(chorus, cabinet, mairie, account, late):
    on_time = sent(cabinet, mairie, account, days_ago=5)
    paid_out = sent(cabinet, mairie, account, days_ago=50, status="MISE_EN_PAIEMENT")
    rejected = sent(cabinet, mairie, account, days_ago=50, status="REJETEE")
    not_sent = factories.make_invoice(cabinet, client=mairie, issued=True)
    rows = {i.pk: i for i in selectors.with_public_deadline(cabinet.invoices.all())}
    today = timezone.localdate()
    assert (rows[late.pk].public_deadline, rows[late.pk].public_late) == (
        today - datetime.timedelta(days=10),
        True,
    )
    assert (rows[on_time.pk].public_deadline, rows[on_time.pk].public_late) == (
        today + datetime.timedelta(days=25),
        False,
    )
    assert rows[paid_out.pk].public_deadline is not None and not rows[paid_out.pk].public_late
    assert rows[rejected.pk].public_deadline is None and rows[not_sent.pk].public_deadline is None


def test_invoice_list_shows_the_public_deadline_in_red_when_late(
    client_as, comptable, chorus, cabinet, mairie, account, late
):
    sent(cabinet, mairie, account, days_ago=5)
    text = body(client_as(comptable).get(reverse("invoices:invoice-list")))
    assert text.count(">Échéance publique ") == 2
    assert text.count('class="badge danger public-deadline"') == 1


def test_client_and_dossier_pages_show_it_too(client_as, comptable, chorus, cabinet, mairie, account):
    dossier = factories.make_dossier(cabinet, mairie)
    sent(cabinet, mairie, account, days_ago=40, dossier=dossier)
    c = client_as(comptable)
    for url in (mairie.get_absolute_url(), dossier.get_absolute_url()):
        assert body(c.get(url)).count('class="badge danger public-deadline"') == 1, url


def test_invoice_list_queries_do_not_grow_with_public_invoices(
    client_as, comptable, chorus, cabinet, mairie, account, late
):
    c = client_as(comptable)
    url = reverse("invoices:invoice-list")
    c.get(url)
    with CaptureQueriesContext(connection) as one:
        c.get(url)
    for days in (1, 20, 45, 60):
        sent(cabinet, mairie, account, days_ago=days)
    with CaptureQueriesContext(connection) as five:
        text = body(c.get(url))
    assert text.count(">Échéance publique ") == 5
    assert len(five.captured_queries) == len(one.captured_queries)


def test_dashboard_block_late_first_then_due_within_ten_days(
    client_as, comptable, chorus, cabinet, mairie, account, late
):
    very_late = sent(cabinet, mairie, account, days_ago=70)
    due_soon = sent(cabinet, mairie, account, days_ago=25)
    due_later = sent(cabinet, mairie, account, days_ago=5)
    paid_out = sent(cabinet, mairie, account, days_ago=50, status="MISE_EN_PAIEMENT")
    text = body(client_as(comptable).get(reverse("home")))
    block = text[text.index('id="public-deadlines"') :]
    assert block.index(very_late.number) < block.index(late.number) < block.index(due_soon.number)
    assert due_later.number not in block and paid_out.number not in block
    assert "en retard de 40 j" in block and "en retard de 10 j" in block and "dans 5 j" in block


def test_dashboard_block_is_one_query_whatever_the_rows(
    chorus, cabinet, mairie, account, late, django_assert_num_queries
):
    for days in (35, 45, 25):
        sent(cabinet, mairie, account, days_ago=days)
    with django_assert_num_queries(1):
        rows = selectors.public_deadlines(cabinet=cabinet)
        assert [r.client.nom for r in rows] and all(r.chorus_submission.date_depot for r in rows)
    assert len(rows) == 4


def test_dashboard_block_shows_only_own_cabinet(client_as, stranger, late):
    text = body(client_as(stranger).get(reverse("home")))
    assert late.number not in text


def test_nightly_refresh_takes_chorus_new_deposit_date(chorus, account, issued_invoice):
    """A recycled invoice is received anew: the search's dateDepot moves the deadline."""
    from chorus import client, services

    sub = factories.make_submission(issued_invoice, account, lookup=True, service_code="URBA", submit=True)
    later = timezone.now() + datetime.timedelta(minutes=1)
    new_day = timezone.localdate() + datetime.timedelta(days=3)
    chorus.states[sub.identifiant_facture_cpp] = client.InvoiceState(
        sub.identifiant_facture_cpp, issued_invoice.number, "DEPOSEE", later, "", date_depot=new_day
    )
    services.refresh_account(account=account, now=later + datetime.timedelta(minutes=1))
    sub.refresh_from_db()
    assert sub.date_depot == new_day


def test_no_public_deadline_for_a_private_chorus_recipient_nor_an_avoir(chorus, cabinet, account, late):
    company = factories.make_client(cabinet, destinataire_chorus=True, siret="21310555400017")
    private = sent(cabinet, company, account, days_ago=40)
    assert deadline.deadline_for(private, private.chorus_submission) is None
    from invoices import services

    avoir = services.issue_invoice(invoice=services.create_credit_note(invoice=late))
    avoir = Invoice.objects.select_related("client").get(pk=avoir.pk)
    rows = {i.pk: i for i in selectors.with_public_deadline(cabinet.invoices.all())}
    assert rows[private.pk].public_deadline is None and rows[avoir.pk].public_deadline is None


def test_a_user_without_cabinet_gets_403(client_as, late):
    from django.contrib.auth import get_user_model

    nobody = get_user_model().objects.create_user("sans-cabinet", password="x")
    response = client_as(nobody).post(reverse("chorus:invoice-claim-letter", args=[late.pk]))
    assert response.status_code == 403
