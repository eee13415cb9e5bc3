"""The product's Chorus Pro flow over real HTTP against the simulator: set-up, deposit, rules, submit,
faults, refresh. Runs on PostgreSQL in CI (DATABASE_URL)."""

from __future__ import annotations

import datetime

import pytest

from chorus import client, services
from chorus.models import ChorusExchange, ChorusSubmission, SubmissionState
from chorus.simulator import faults
from chorus.simulator.models import SimInvoice
from invoices import services as invoicing
from tests import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def mairie(cabinet):
    return factories.make_public_client(cabinet)


def _ready(account, invoice) -> ChorusSubmission:
    sub = factories.make_submission(invoice, account, lookup=True)
    sub.service_code = sub.destinataire_services[0]["code"]
    sub.save()
    return sub


def test_mettre_a_jour_fetches_structure_services_and_banks(account):
    assert account.id_structure == 26300101
    assert account.services and account.banks
    assert account.password_expires_on is not None


def test_wrong_password_is_refused_in_french(simulator, cabinet):
    account = factories.make_chorus_account(cabinet, ready=False)
    account.set_password("mauvais")
    with pytest.raises(client.ChorusAuthError):
        services.update_account(account=account)
    account.refresh_from_db()
    assert account.last_error


def test_facture_happy_path_then_status_moves(simulator, account, cabinet, mairie):
    invoice = factories.make_invoice(cabinet, client=mairie, issued=True)
    sub = _ready(account, invoice)
    assert sub.destinataire_designation == "Mairie de Toulouse"
    assert "FACTURES_PUBLIQUES" not in {s["code"] for s in sub.destinataire_services}
    assert services.check_submission(submission=sub) == {}
    sub = services.submit_invoice(submission_id=sub.pk)
    assert sub.state == SubmissionState.SUBMITTED and sub.chorus_status == "DEPOSEE"
    sim = SimInvoice.objects.get()
    assert (sim.numero, sim.identifiant_cpp) == (invoice.number, sub.identifiant_facture_cpp)

    simulator.advance_clock(days=3)
    services.refresh_status(submission=sub)
    sub.refresh_from_db()
    assert sub.chorus_status not in ("", "DEPOSEE")
    assert sub.status_changes.count() >= 2
    # our own submit-time « Déposée » gives way to Chorus's, so the history shows it once
    deposee = sub.status_changes.filter(status="DEPOSEE")
    assert [c.comment for c in deposee] == ["Facture déposée"]
    # the journal kept every call, without the password
    assert ChorusExchange.objects.filter(cabinet=cabinet, operation="submit", http_status=200).count() == 1
    assert not ChorusExchange.objects.filter(request__icontains=factories.CHORUS_PASSWORD).exists()


def test_avoir_goes_through_with_its_origin(simulator, account, cabinet, mairie):
    invoice = factories.make_invoice(cabinet, client=mairie, issued=True)
    avoir = invoicing.issue_invoice(invoice=invoicing.create_credit_note(invoice=invoice))
    sub = _ready(account, avoir)
    assert sub.numero_facture_origine == invoice.number
    sub = services.submit_invoice(submission_id=sub.pk)
    assert sub.is_submitted
    assert SimInvoice.objects.get(numero=avoir.number).type_facture == "AVOIR"


def test_missing_engagement_is_refused_by_chorus_and_nothing_is_lost(simulator, account, cabinet):
    lyon = factories.make_public_client(cabinet, nom="Commune de Lyon", siret="21690123100011", ville="Lyon")
    sub = _ready(account, factories.make_invoice(cabinet, client=lyon, issued=True))
    assert "numero_engagement" in services.check_submission(submission=sub)
    with pytest.raises(client.ChorusRejected) as e:  # were the check bypassed, Chorus refuses too
        services.submit_invoice(submission_id=sub.pk)
    sub.refresh_from_db()
    assert sub.state == SubmissionState.READY and sub.last_error_code == e.value.code
    assert sub.service_code and not SimInvoice.objects.exists()


def test_accept_then_timeout_is_reconciled_without_duplicate(simulator, account, cabinet, mairie):
    sub = _ready(account, factories.make_invoice(cabinet, client=mairie, issued=True))
    faults.accept_then_timeout(seconds=4, operation="soumettre", count=1)
    with pytest.raises(client.ChorusUnavailable):
        services.submit_invoice(submission_id=sub.pk)
    sub.refresh_from_db()
    assert sub.state == SubmissionState.UNKNOWN
    sub = services.submit_invoice(submission_id=sub.pk)
    assert sub.state == SubmissionState.SUBMITTED
    assert SimInvoice.objects.count() == 1


@pytest.mark.parametrize(
    ("switch", "error"),
    [
        (lambda: faults.server_error(operation="soumettre", count=1), client.ChorusUnavailable),
        (lambda: faults.rate_limit(retry_after=1, operation="soumettre", count=1), client.ChorusRateLimited),
        (lambda: faults.malformed_json(operation="soumettre", count=1), client.ChorusUnavailable),
        (lambda: faults.read_timeout(seconds=4, operation="soumettre", count=1), client.ChorusUnavailable),
    ],
)
def test_each_fault_loses_nothing_and_never_duplicates(simulator, account, cabinet, mairie, switch, error):
    sub = _ready(account, factories.make_invoice(cabinet, client=mairie, issued=True))
    switch()
    with pytest.raises(error):
        services.submit_invoice(submission_id=sub.pk)
    sub = services.submit_invoice(submission_id=sub.pk)
    assert sub.state == SubmissionState.SUBMITTED and sub.service_code
    assert SimInvoice.objects.count() == 1


def test_expired_token_is_renewed_transparently(simulator, account, cabinet, mairie):
    sub = _ready(account, factories.make_invoice(cabinet, client=mairie, issued=True))
    faults.expire_token(count=1, operation="soumettre")
    assert services.submit_invoice(submission_id=sub.pk).is_submitted


def test_nightly_refresh_of_many_invoices_costs_pages_not_invoices(simulator, account, cabinet, mairie):
    subs = []
    for _ in range(25):
        sub = _ready(account, factories.make_invoice(cabinet, client=mairie, issued=True))
        subs.append(services.submit_invoice(submission_id=sub.pk))
    simulator.advance_clock(days=2)
    simulator.reset(stats=True, faults=False)
    run = services.refresh_account(account=account, now=simulator.now() + datetime.timedelta(seconds=1))
    assert run.succeeded and run.checked == 25
    assert run.api_calls <= 2  # one page of search (and at most one more page), never one call per invoice
    assert simulator.stats().get("consulter/fournisseur", 0) == 0
    moved = ChorusSubmission.objects.exclude(chorus_status="DEPOSEE").count()
    assert moved == 25
