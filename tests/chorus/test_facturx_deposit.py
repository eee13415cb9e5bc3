"""« Chorus Pro : Envoyer » in Factur-X: the stored PDF goes as a flux, its report is followed until the
invoice exists, then the usual status tracking takes over."""

from __future__ import annotations

import pytest

from chorus import client, services
from chorus.forms import AccountForm
from chorus.models import ChorusSubmission, DepositFormat, SubmissionState
from chorus.services import facturx_deposit
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def facturx_account(account):
    account.deposit_format = DepositFormat.FACTURX
    account.save()
    return account


@pytest.fixture
def issued_invoice(cabinet, mairie, facturx_account):
    """Issued once the account exists, so its Factur-X names the account's structure; the Mairie requires a
    service code, carried as BT-10."""
    return factories.make_invoice(cabinet, client=mairie, issued=True, objet="Relevé", code_service="URBA")


@pytest.fixture
def deposited(chorus, facturx_account, issued_invoice):
    sub = services.start_submission(invoice=issued_invoice, account=facturx_account)
    return services.deposit_invoice_pdf(submission_id=sub.pk)


def test_account_defaults_to_pdf_and_the_form_offers_factur_x(account):
    assert account.deposit_format == DepositFormat.PDF
    form = AccountForm(instance=account)
    assert [label for _, label in form.fields["deposit_format"].choices] == ["PDF non signé", "Factur-X"]


def test_factur_x_account_deposits_the_stored_pdf_as_a_flux(chorus, deposited, issued_invoice):
    assert chorus.calls["deposit_flux"] == 1 and chorus.calls["deposit_pdf"] == 0
    assert deposited.numero_flux_depot.startswith("FLUX")
    assert deposited.state == SubmissionState.UNKNOWN
    assert deposited.piece_jointe_id is None
    entry = chorus.flux[deposited.numero_flux_depot]
    assert entry["numero"] == issued_invoice.number
    assert entry["filename"] == issued_invoice.pdf_filename()


def test_depositing_twice_sends_one_flux(chorus, deposited):
    services.deposit_invoice_pdf(submission_id=deposited.pk)
    assert chorus.calls["deposit_flux"] == 1


def test_pending_flux_changes_nothing(chorus, deposited):
    sub = facturx_deposit.follow_flux(submission_id=deposited.pk)
    assert sub.state == SubmissionState.UNKNOWN
    assert sub.chorus_status == "IN_DEPOSE"
    assert chorus.calls["find_by_number"] == 0
    assert facturx_deposit.is_pending(sub)


def test_integrated_flux_is_found_by_number_and_recorded_as_submitted(chorus, deposited):
    created = chorus.integrate_flux(deposited.numero_flux_depot)
    assert services.check_submission(submission=deposited) == {}
    sub = services.submit_invoice(submission_id=deposited.pk)  # « Soumettre » follows the flux
    assert sub.state == SubmissionState.SUBMITTED
    assert sub.identifiant_facture_cpp == created.identifiant_facture_cpp
    assert sub.chorus_status == "DEPOSEE"
    assert sub.status_changes.filter(status="DEPOSEE").exists()
    assert chorus.calls["submit"] == 0
    # Once submitted, following again does nothing.
    assert facturx_deposit.follow_flux(submission_id=sub.pk).state == SubmissionState.SUBMITTED
    assert chorus.calls["flux_report"] == 1


def test_rejected_flux_shows_its_errors_and_can_be_deposited_again(chorus, deposited):
    chorus.reject_flux(deposited.numero_flux_depot, "Destinataire inconnu", "Montants incohérents")
    sub = facturx_deposit.follow_flux(submission_id=deposited.pk)
    assert sub.state == SubmissionState.NEW
    assert "Destinataire inconnu; Montants incohérents" in sub.last_error
    assert sub.last_error_code == "IN_REJETE"
    assert sub.numero_flux_depot == ""
    services.deposit_invoice_pdf(submission_id=sub.pk)
    assert chorus.calls["deposit_flux"] == 2


def test_unavailable_chorus_keeps_the_flux_to_follow(chorus, deposited):
    chorus.fail["flux_report"] = client.ChorusUnavailable("Chorus Pro ne répond pas.")
    with pytest.raises(client.ChorusUnavailable):
        facturx_deposit.follow_flux(submission_id=deposited.pk)
    sub = ChorusSubmission.objects.get(pk=deposited.pk)
    assert sub.numero_flux_depot and sub.state == SubmissionState.UNKNOWN


def test_refused_flux_deposit_goes_back_to_not_deposited(chorus, facturx_account, issued_invoice):
    sub = services.start_submission(invoice=issued_invoice, account=facturx_account)
    chorus.fail["deposit_flux"] = client.ChorusRejected("20001", "Syntaxe de flux inconnue")
    with pytest.raises(client.ChorusRejected):
        services.deposit_invoice_pdf(submission_id=sub.pk)
    sub.refresh_from_db()
    assert sub.state == SubmissionState.NEW and "Syntaxe de flux inconnue" in sub.last_error


def test_send_task_follows_the_flux_once_in_process(chorus, facturx_account, issued_invoice):
    from chorus import tasks

    sub = services.start_submission(invoice=issued_invoice, account=facturx_account)
    tasks.deposit_invoice_pdf.delay(sub.pk)
    assert chorus.calls["deposit_flux"] == 1 and chorus.calls["flux_report"] == 1
    assert ChorusSubmission.objects.get(pk=sub.pk).state == SubmissionState.UNKNOWN


def test_admin_chooses_factur_x_and_a_form_without_the_field_keeps_it(client_as, admin, cabinet):
    from django.urls import reverse

    from chorus.models import ChorusAccount

    data = {
        "siret_fournisseur": "81234567600017",
        "login": "TECH_1@cpp2017.fr",
        "password": "Secret-2026!",
        "deposit_format": "facturx",
    }
    http = client_as(admin)
    assert http.post(reverse("chorus:account-save"), data).status_code == 302
    assert ChorusAccount.objects.get(cabinet=cabinet).deposit_format == DepositFormat.FACTURX
    del data["deposit_format"]
    http.post(reverse("chorus:account-save"), data)
    assert ChorusAccount.objects.get(cabinet=cabinet).deposit_format == DepositFormat.FACTURX


def test_envoyer_again_on_a_deposited_flux_queues_nothing(
    client_as, comptable, deposited, issued_invoice, monkeypatch
):
    from django.urls import reverse

    from chorus import tasks

    queued = []
    monkeypatch.setattr(tasks.deposit_invoice_pdf, "delay", queued.append)
    response = client_as(comptable).post(reverse("chorus:invoice-send", args=[issued_invoice.pk]))
    assert response["Location"] == deposited.get_absolute_url()
    assert queued == []


def test_the_embedded_xml_names_the_chorus_accounts_structure_as_seller(cabinet, mairie, settings):
    from invoices import facturx

    settings.CHORUS_ENV = "sandbox"
    factories.make_chorus_account(cabinet, siret_fournisseur="00000000178051")
    invoice = factories.make_invoice(cabinet, client=mairie, issued=True, code_service="URBA")
    routing = facturx.routing(facturx.xml_from_pdf(invoice.pdf_bytes()))
    assert (routing.seller_siret, routing.buyer_siret) == ("00000000178051", mairie.siret)
    private = factories.make_invoice(cabinet, client=factories.make_client(cabinet), issued=True)
    assert facturx.routing(facturx.xml_from_pdf(private.pdf_bytes())).seller_siret == cabinet.siret


def test_a_seller_other_than_the_accounts_structure_is_refused_before_the_flux(chorus, cabinet, mairie):
    invoice = factories.make_invoice(
        cabinet, client=mairie, issued=True, code_service="URBA"
    )  # no account yet
    account = factories.make_chorus_account(
        cabinet, siret_fournisseur="81234567600025", deposit_format="facturx"
    )
    sub = services.start_submission(invoice=invoice, account=account)
    with pytest.raises(services.SubmissionError) as e:
        services.deposit_invoice_pdf(submission_id=sub.pk)
    assert "vendeur par l'identifiant 81234567600017" in e.value.errors["__all__"]
    assert chorus.calls["deposit_flux"] == 0
    sub.refresh_from_db()
    assert sub.state == SubmissionState.NEW and sub.last_error.startswith("Vérification Géoprod")


def test_recipient_rules_are_prechecked_on_the_factur_x_path(chorus, cabinet, mairie, facturx_account):
    invoice = factories.make_invoice(
        cabinet, client=mairie, issued=True
    )  # no BT-10 for a service-only Mairie
    sub = services.start_submission(invoice=invoice, account=facturx_account)
    with pytest.raises(services.SubmissionError) as e:
        services.deposit_invoice_pdf(submission_id=sub.pk)
    assert "exige un code service, que la Factur-X ne porte pas (BT-10)" in e.value.errors["service_code"]
    assert (chorus.calls["find_structure"], chorus.calls["deposit_flux"]) == (1, 0)


def test_an_engagement_required_by_the_recipient_is_prechecked(chorus, cabinet, facturx_account):
    lyon = factories.make_public_client(cabinet, nom="Commune de Lyon", siret="21690123100011")
    invoice = factories.make_invoice(cabinet, client=lyon, issued=True)
    sub = services.start_submission(invoice=invoice, account=facturx_account)
    with pytest.raises(services.SubmissionError) as e:
        services.deposit_invoice_pdf(submission_id=sub.pk)
    assert "(BT-13)" in e.value.errors["numero_engagement"]
    assert chorus.calls["deposit_flux"] == 0


def test_the_routing_read_from_the_xml_is_kept_on_the_submission(chorus, deposited):
    deposited.refresh_from_db()
    assert (deposited.destinataire_designation, deposited.service_code) == ("Mairie de Toulouse", "URBA")


def test_a_factur_x_without_payment_means_is_refused_before_the_flux(
    chorus, cabinet, mairie, facturx_account
):
    cabinet.iban = ""
    cabinet.save()
    invoice = factories.make_invoice(cabinet, client=mairie, issued=True, code_service="URBA")
    sub = services.start_submission(invoice=invoice, account=facturx_account)
    with pytest.raises(services.SubmissionError) as e:
        services.deposit_invoice_pdf(submission_id=sub.pk)
    assert "moyen de paiement (BT-81)" in e.value.errors["__all__"]
    assert chorus.calls["deposit_flux"] == 0
