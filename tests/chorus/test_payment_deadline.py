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
from chorus.models import ChorusStatusChange, ChorusSubmission
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


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def sent(cabinet, mairie, account, *, days_ago: int, status: str = "MISE_A_DISPOSITION", history=(), **kw):
    """A 1 560,00 € TTC invoice deposited in Chorus `days_ago` days ago; `history`: (status, days ago) changes
    recorded since (none: no « Mise à disposition » known, the deadline is estimated from the deposit)."""
    invoice = factories.make_invoice(cabinet, client=mairie, issued=True, **kw)
    sub = factories.make_submission(invoice, account, lookup=True, service_code="URBA", submit=True)
    ChorusSubmission.objects.filter(pk=sub.pk).update(
        date_depot=timezone.localdate() - datetime.timedelta(days=days_ago), chorus_status=status
    )
    for changed, ago in history:
        noon = datetime.datetime.combine(
            timezone.localdate() - datetime.timedelta(days=ago), datetime.time(12)
        )
        ChorusStatusChange.objects.create(
            submission=sub, status=changed, changed_at=timezone.make_aware(noon)
        )
    return Invoice.objects.select_related("chorus_submission", "client").get(pk=invoice.pk)


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
        sent(cabinet, mairie, account, days_ago=days, history=[("MISE_A_DISPOSITION", days - 1)])
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
        sent(cabinet, mairie, account, days_ago=days, history=[("MISE_A_DISPOSITION", days - 1)])
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


# --- When the term starts and how long it runs ---------------------------------------------------------


def shown_everywhere(client_as, comptable, invoice) -> tuple:
    """The « Échéance publique » of `invoice` as the list, the invoice page and the dashboard show it."""
    c = client_as(comptable)
    row = next(i for i in selectors.with_public_deadline(Invoice.objects.all()) if i.pk == invoice.pk)
    listed = body(c.get(reverse("invoices:invoice-list")))
    page = body(c.get(invoice.get_absolute_url()))
    home = body(c.get(reverse("home")))
    dashboard = home[home.index('id="public-deadlines"') :]
    due = f"{row.public_deadline:%d/%m/%Y}"
    assert f">Échéance publique {due}" in listed
    assert f"Échéance publique</dt><dd>{due}" in page
    assert f">{due}</td>" in dashboard
    return row, listed, page, dashboard


def test_the_term_runs_from_the_mise_a_disposition_the_same_date_everywhere(
    client_as, comptable, chorus, cabinet, mairie, account
):
    """Deposited 40 days ago, made available 35 days ago: due 5 days ago, not 10."""
    invoice = sent(
        cabinet,
        mairie,
        account,
        days_ago=40,
        status="SERVICE_FAIT",
        history=[("MISE_A_DISPOSITION", 35), ("SERVICE_FAIT", 20)],
    )
    row, listed, page, dashboard = shown_everywhere(client_as, comptable, invoice)
    assert (row.public_deadline, row.public_deadline_estimated, row.public_late) == (days_ago(5), False, True)
    assert "30 jours après la mise à disposition dans Chorus Pro" in listed and "estimée" not in listed
    assert f"Mise à disposition de l'acheteur</dt><dd>{days_ago(35):%d/%m/%Y}" in page
    assert "En retard de 5 jours" in page and "estimée" not in page
    assert "en retard de 5 j" in dashboard
    claim = deadline.claim_for(invoice=invoice, submission=invoice.chorus_submission)
    assert (claim.deadline, claim.days_late, claim.start.estimated) == (days_ago(5), 5, False)


def test_a_later_status_stands_for_a_mise_a_disposition_never_seen(
    client_as, comptable, chorus, cabinet, mairie, account
):
    invoice = sent(cabinet, mairie, account, days_ago=40, status="MANDATEE", history=[("MANDATEE", 32)])
    row, *_ = shown_everywhere(client_as, comptable, invoice)
    assert (row.public_deadline, row.public_deadline_estimated) == (days_ago(2), False)


def test_estimated_from_the_deposit_while_no_mise_a_disposition_is_known(
    client_as, comptable, chorus, cabinet, mairie, account
):
    invoice = sent(cabinet, mairie, account, days_ago=25, status="DEPOSEE", history=[("DEPOSEE", 25)])
    row, listed, page, dashboard = shown_everywhere(client_as, comptable, invoice)
    assert (row.public_deadline, row.public_deadline_estimated) == (days_ago(-5), True)
    assert "(estimée depuis le dépôt)" in listed
    assert "pas encore connue" in page and "estimée depuis le dépôt" in page
    assert "Estimée depuis le dépôt dans Chorus Pro" in dashboard and "dans 5 j" in dashboard


def test_a_mise_a_disposition_before_a_new_deposit_does_not_count(chorus, cabinet, mairie, account):
    """Made available 20 days ago to the wrong service, recycled and deposited anew 10 days ago."""
    invoice = sent(
        cabinet, mairie, account, days_ago=10, status="DEPOSEE", history=[("MISE_A_DISPOSITION", 20)]
    )
    row = selectors.with_public_deadline(Invoice.objects.filter(pk=invoice.pk)).get()
    assert (row.public_deadline, row.public_deadline_estimated) == (days_ago(-20), True)
    assert deadline.deadline_for(invoice, invoice.chorus_submission) == days_ago(-20)


@pytest.mark.parametrize(
    ("term", "late_days", "interest"), [(30, 35, "15.18"), (50, 15, "6.51"), (60, 5, "2.17")]
)
def test_the_client_s_term_sets_the_deadline_and_the_interest(
    client_as, comptable, chorus, cabinet, account, term, late_days, interest
):
    """Made available 65 days ago. 1 560,00 × 10,15 % / 365 = 0,43380… a day: × 35 = 15,18 ; × 15 = 6,51 ;
    × 5 = 2,17 €, plus the 40 € indemnity in each case."""
    buyer = factories.make_public_client(
        cabinet, categorie="etablissement_public", delai_paiement_public=term
    )
    invoice = sent(cabinet, buyer, account, days_ago=70, history=[("MISE_A_DISPOSITION", 65)])
    row, listed, page, dashboard = shown_everywhere(client_as, comptable, invoice)
    assert (row.public_deadline, row.public_late) == (days_ago(late_days), True)
    assert f"{term} jours après la mise à disposition" in listed and f"({term} jours à compter" in page
    assert f"en retard de {late_days} j" in dashboard
    claim = deadline.claim_for(invoice=invoice, submission=invoice.chorus_submission)
    assert (claim.term_days, claim.days_late) == (term, late_days)
    assert (claim.interest, claim.indemnity) == (Decimal(interest), Decimal("40.00"))


def test_the_claim_letter_states_the_mise_a_disposition_and_the_term(
    client_as, comptable, chorus, cabinet, account
):
    hospital = factories.make_public_client(
        cabinet, categorie="etablissement_public", delai_paiement_public=50
    )
    invoice = sent(cabinet, hospital, account, days_ago=70, history=[("MISE_A_DISPOSITION", 65)])
    response = client_as(comptable).post(reverse("chorus:invoice-claim-letter", args=[invoice.pk]))
    text = " ".join(pdf_pages(response.content)).replace("\xa0", " ")
    assert f"mise à votre disposition sur ce portail le {days_ago(65):%d/%m/%Y}" in text
    assert "Le délai de paiement de 50 jours" in text and "mise à disposition + 50 jours" in text
    assert f"{days_ago(15):%d/%m/%Y}" in text and "R2192-12" in text
