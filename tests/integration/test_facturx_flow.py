"""Factur-X deposit over real HTTP against the simulator: the flux is checked, integrated after its
processing delay, the invoice it creates is found by number, then followed like any other."""

from __future__ import annotations

import pytest

from chorus import services
from chorus.models import DepositFormat, SubmissionState
from chorus.services import connection, facturx_deposit
from chorus.simulator.models import SimFlux, SimInvoice
from invoices import pdf
from tests import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def account(account):
    """The synchronised account of tests/integration/conftest.py, depositing in Factur-X."""
    account.deposit_format = DepositFormat.FACTURX
    account.save()
    return account


def _send(account, invoice):
    sub = services.start_submission(invoice=invoice, account=account)
    return services.deposit_invoice_pdf(submission_id=sub.pk)


def test_factur_x_flux_is_integrated_found_and_followed(simulator, account, cabinet):
    lyon = factories.make_public_client(
        cabinet, nom="Commune de Lyon", siret="21690123100011", adresse="1 place de la Comédie", ville="Lyon"
    )
    invoice = factories.make_invoice(cabinet, client=lyon, issued=True, numero_engagement="EJ-LYON-26")
    sub = _send(account, invoice)
    assert sub.state == SubmissionState.UNKNOWN and sub.numero_flux_depot

    sub = facturx_deposit.follow_flux(submission_id=sub.pk)
    assert sub.state == SubmissionState.UNKNOWN and sub.chorus_status == "IN_DEPOSE"
    assert not SimInvoice.objects.exists()

    simulator.advance_clock(minutes=15)
    sub = services.submit_invoice(submission_id=sub.pk)
    assert sub.state == SubmissionState.SUBMITTED
    sim = SimInvoice.objects.get()
    assert (sim.numero, sim.identifiant_cpp, sim.mode_depot) == (
        invoice.number,
        sub.identifiant_facture_cpp,
        "DEPOT_FLUX",
    )
    assert (sim.montant_ht, sim.montant_ttc, sim.numero_bon_commande) == (
        invoice.total_ht,
        invoice.total_ttc,
        "EJ-LYON-26",
    )
    assert sim.recipient.siret == "21690123100011"

    simulator.advance_clock(days=3)
    services.refresh_status(submission=sub)
    sub.refresh_from_db()
    assert sub.chorus_status not in ("", "DEPOSEE", "IN_INTEGRE")


def test_flux_missing_a_required_service_code_is_refused_before_it_is_sent(simulator, account, cabinet):
    mairie = factories.make_public_client(cabinet)  # Mairie de Toulouse requires a service code (BT-10)
    invoice = factories.make_invoice(cabinet, client=mairie, issued=True)
    sub = services.start_submission(invoice=invoice, account=account)
    with pytest.raises(services.SubmissionError) as e:
        services.deposit_invoice_pdf(submission_id=sub.pk)
    assert "(BT-10)" in e.value.errors["service_code"]
    assert not SimFlux.objects.exists()
    # Sent anyway, the simulator rejects it for the same reason.
    api = connection.client_for(account)
    flux = api.deposit_flux(invoice.pdf_bytes(), invoice.pdf_filename())
    simulator.advance_clock(minutes=15)
    report = api.flux_report(flux.numero_flux_depot)
    assert report.etat == "IN_REJETE"
    assert any("code service du destinataire (BT-10) est obligatoire" in err for err in report.erreurs)


def test_service_code_typed_on_the_invoice_reaches_chorus(simulator, account, cabinet):
    mairie = factories.make_public_client(cabinet)
    invoice = factories.make_invoice(cabinet, client=mairie, issued=True, code_service="DGST")
    sub = _send(account, invoice)
    simulator.advance_clock(minutes=15)
    sub = facturx_deposit.follow_flux(submission_id=sub.pk)
    assert sub.state == SubmissionState.SUBMITTED, sub.last_error
    assert SimInvoice.objects.get(numero=invoice.number).recipient_service.code == "DGST"


@pytest.mark.parametrize(
    ("code_service", "field", "reason"),
    [
        ("URBANISME", "numero_engagement", "numéro d'engagement (BT-13) est obligatoire"),
        ("FACTURES_PUBLIQUES", "service_code", "réservé aux factures entre entités publiques"),
    ],
)
def test_flux_follows_the_same_recipient_rules_as_soumettre(
    simulator, account, cabinet, code_service, field, reason
):
    mairie = factories.make_public_client(cabinet)
    invoice = factories.make_invoice(cabinet, client=mairie, issued=True, code_service=code_service)
    sub = services.start_submission(invoice=invoice, account=account)
    with pytest.raises(services.SubmissionError) as e:
        services.deposit_invoice_pdf(submission_id=sub.pk)
    assert e.value.errors[field].startswith("Vérification Géoprod")
    api = connection.client_for(account)
    flux = api.deposit_flux(invoice.pdf_bytes(), invoice.pdf_filename())
    simulator.advance_clock(minutes=15)
    assert any(reason in err for err in api.flux_report(flux.numero_flux_depot).erreurs)
    assert not SimInvoice.objects.exists()


def test_a_pdf_without_factur_x_xml_is_rejected(simulator, account, cabinet):
    draft = factories.make_invoice(cabinet, client=factories.make_public_client(cabinet))
    api = connection.client_for(account)
    flux = api.deposit_flux(pdf.render_invoice_pdf(draft), "brouillon.pdf")
    simulator.advance_clock(minutes=15)
    report = api.flux_report(flux.numero_flux_depot)
    assert report.etat == "IN_REJETE"
    assert any("factur-x.xml" in e.lower() or "Factur-X illisible" in e for e in report.erreurs)


def test_nightly_job_follows_waiting_flux_then_their_status(simulator, account, cabinet):
    mairie = factories.make_public_client(cabinet)
    invoice = factories.make_invoice(cabinet, client=mairie, issued=True, code_service="DGST")
    sub = _send(account, invoice)
    simulator.advance_clock(minutes=15)
    services.refresh_all(sleep=lambda s: None)
    sub.refresh_from_db()
    assert sub.state == SubmissionState.SUBMITTED and sub.identifiant_facture_cpp
