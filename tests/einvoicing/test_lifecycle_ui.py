"""What the user sees and does with the lifecycle: the badge in the three invoice lists (no N+1), the history
on the invoice page, the guided correction after Refusée, the « Complétée » answer, and the PA's webhook."""

from __future__ import annotations

from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from einvoicing import lifecycle_actions, lifecycle_in, statuses, webhooks
from einvoicing.models import EInvoice, EInvoiceState, EInvoiceStatus, PlatformAccount
from invoices.models import Invoice, InvoiceKind
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(cabinet):
    account = PlatformAccount(
        cabinet=cabinet,
        name="PA",
        flow_url="https://pa.example/flow",
        directory_url="https://pa.example/dir",
        token_url="https://pa.example/token",
        client_id="c",
    )
    account.set_client_secret("s")
    account.save()
    return account


def issued_einvoice(cabinet, *, dossier=None, customer=None, code=None, reason=("", "", "")):
    customer = customer or factories.make_client(
        cabinet, categorie="entreprise", siret="55210055400013", nom="SCI Les Tilleuls"
    )
    invoice = factories.make_invoice(cabinet, client=customer, dossier=dossier, issued=True)
    einvoice = EInvoice.objects.create(
        cabinet=cabinet,
        invoice=invoice,
        state=EInvoiceState.SENT,
        flow_id=f"f-{invoice.pk}",
        submitted_at=timezone.now(),
    )
    if code:
        EInvoiceStatus.objects.create(
            einvoice=einvoice,
            code=code,
            at=timezone.now(),
            source_flow_id=f"lc-{invoice.pk}-{code}",
            reason_code=reason[0],
            reason_text=reason[1],
            comment=reason[2],
            issuer_role="BY",
        )
        lifecycle_in.update_current(einvoice)
    return einvoice


def test_the_badge_shows_in_the_three_lists_with_constant_queries(
    cabinet, account, client_as, comptable, django_assert_max_num_queries
):
    http = client_as(comptable)
    customer = factories.make_client(
        cabinet, categorie="entreprise", siret="55210055400013", nom="SCI Les Tilleuls"
    )
    dossier = factories.make_dossier(cabinet, client=customer)
    issued_einvoice(cabinet, dossier=dossier, customer=customer, code=205)
    urls = ["/factures/", f"/dossiers/{dossier.pk}/", f"/clients/{customer.pk}/"]
    counts = {}
    for url in urls:
        with django_assert_max_num_queries(100) as few:
            page = http.get(url).content.decode()
        assert "einvoice-status" in page and "Approuvée" in page, url
        counts[url] = len(few.captured_queries)
    for code in (200, 210, 207, 213, 202, 203, 204, 208):
        issued_einvoice(cabinet, dossier=dossier, customer=customer, code=code)
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            page = http.get(url).content.decode()
        assert page.count("einvoice-status") >= 9 and "Refusée" in page and "En litige" in page, url


def test_the_invoice_page_shows_the_history_with_reason_and_comment(cabinet, account, client_as, comptable):
    einvoice = issued_einvoice(
        cabinet, code=207, reason=("TX_TVA_ERR", "Taux de TVA erroné", "Le taux devrait être 10 %")
    )
    page = client_as(comptable).get(f"/factures/{einvoice.invoice_id}/").content.decode()
    assert "Suivi chez l&#x27;acheteur" in page or "Suivi chez l'acheteur" in page
    assert "En litige" in page and "Taux de TVA erroné" in page and "Le taux devrait être 10 %" in page
    assert "Répondre « Complétée »" in page
    assert "Corriger la facture (avoir" not in page


def test_refused_leads_to_the_guided_correction_once(cabinet, account, client_as, comptable):
    einvoice = issued_einvoice(cabinet, code=210, reason=("CMD_ERR", "Commande erronée", ""))
    http = client_as(comptable)
    assert "Corriger la facture (avoir" in http.get(f"/factures/{einvoice.invoice_id}/").content.decode()
    response = http.post(f"/facturation-electronique/factures/{einvoice.invoice_id}/corriger/")
    einvoice.refresh_from_db()
    avoir, draft = einvoice.correction_avoir, einvoice.correction_draft
    assert avoir.kind == InvoiceKind.AVOIR and avoir.number and draft.is_draft
    assert response["Location"] == draft.get_absolute_url()
    assert draft.client_id == einvoice.invoice.client_id
    again = lifecycle_actions.correct(einvoice)
    assert (again.correction_avoir_id, again.correction_draft_id) == (avoir.pk, draft.pk)
    assert Invoice.objects.filter(kind=InvoiceKind.AVOIR).count() == 1
    assert "voir la facture de remplacement" in http.get(f"/factures/{einvoice.invoice_id}/").content.decode()


def test_an_approved_invoice_cannot_be_corrected_this_way(cabinet, account, client_as, comptable):
    einvoice = issued_einvoice(cabinet, code=205)
    response = client_as(comptable).post(
        f"/facturation-electronique/factures/{einvoice.invoice_id}/corriger/", follow=True
    )
    assert "Seule une facture refusée ou rejetée" in response.content.decode()
    assert not Invoice.objects.filter(kind=InvoiceKind.AVOIR).exists()


class FakeOut:
    """The lifecycle_out seam (einvoicing.lifecycle_out.send_status), mocked."""

    def __init__(self):
        self.calls = []

    def send_status(self, **kwargs):
        self.calls.append(kwargs)
        return mock.Mock(created_at=timezone.now(), code=kwargs["code"])


def test_answer_completed_goes_through_the_seam_and_is_recorded(cabinet, account, client_as, comptable):
    einvoice = issued_einvoice(cabinet, code=208, reason=("REF_CT_ABSENT", "", "Numéro de commande ?"))
    fake = FakeOut()
    with (
        mock.patch.object(lifecycle_actions, "_send_status", fake.send_status),
        mock.patch.object(lifecycle_actions, "subject_for", lambda e: "sujet"),
    ):
        response = client_as(comptable).post(
            f"/facturation-electronique/factures/{einvoice.invoice_id}/repondre/",
            {"comment": "Commande n° 4521 ajoutée"},
            follow=True,
        )
    [call] = fake.calls
    assert (
        call["code"] == 209 and call["sender_role"] == "SE" and call["comment"] == "Commande n° 4521 ajoutée"
    )
    assert call["subject"] == "sujet" and call["account"] == account and len(call["tracking_id"]) <= 36
    einvoice.refresh_from_db()
    assert einvoice.status_code == 209 and einvoice.status_label == "Complétée"
    assert "Complétée" in response.content.decode()


def test_an_empty_answer_is_refused_in_french_and_nothing_is_sent(cabinet, account, client_as, comptable):
    einvoice = issued_einvoice(cabinet, code=207)
    fake = FakeOut()
    with mock.patch.object(lifecycle_actions, "_send_status", fake.send_status):
        response = client_as(comptable).post(
            f"/facturation-electronique/factures/{einvoice.invoice_id}/repondre/",
            {"comment": "  "},
            follow=True,
        )
    assert fake.calls == [] and "Expliquez à l&#x27;acheteur" in response.content.decode()


def test_a_refused_answer_keeps_what_was_typed(cabinet, account, client_as, comptable):
    einvoice = issued_einvoice(cabinet, code=207)
    with mock.patch.object(
        lifecycle_actions, "_send_status", side_effect=lifecycle_actions.ActionRefused("Refus.")
    ):
        with mock.patch.object(lifecycle_actions, "subject_for", lambda e: "s"):
            response = client_as(comptable).post(
                f"/facturation-electronique/factures/{einvoice.invoice_id}/repondre/",
                {"comment": "Ma réponse détaillée"},
                follow=True,
            )
    page = response.content.decode()
    assert "Refus." in page and "Ma réponse détaillée</textarea>" in page


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()


def test_the_webhook_only_triggers_a_refresh(account, settings):
    secret = webhooks.generate_secret(account)
    account.refresh_from_db()
    assert secret not in account.webhook_secret_hash and len(account.webhook_secret_hash) == 64
    machine = Client(enforce_csrf_checks=True)
    body = {"flowInfo": {"flowId": "x", "acknowledgement": {"status": "Ok"}}}
    with mock.patch("einvoicing.tasks.refresh_lifecycle.delay") as delay:
        with django_capture_on_commit():
            ok = machine.post(f"/webhooks/plateforme-agreee/{secret}/", body, content_type="application/json")
            again = machine.post(
                f"/webhooks/plateforme-agreee/{secret}/", body, content_type="application/json"
            )
    assert ok.status_code == 202 and again.status_code == 202
    delay.assert_called_once_with(account.pk)  # debounced; the body was not used
    assert (
        machine.post(
            "/webhooks/plateforme-agreee/mauvais-secret/", body, content_type="application/json"
        ).status_code
        == 404
    )
    assert machine.get(f"/webhooks/plateforme-agreee/{secret}/").status_code == 405
    assert not EInvoiceStatus.objects.exists()


def test_the_webhook_is_rate_limited(account):
    secret = webhooks.generate_secret(account)
    with (
        mock.patch.object(webhooks, "RATE_PER_MINUTE", 2),
        mock.patch("einvoicing.tasks.refresh_lifecycle.delay"),
    ):
        codes = [Client().post(f"/webhooks/plateforme-agreee/{secret}/").status_code for _ in range(3)]
    assert codes == [202, 202, 429]


def test_the_webhook_url_is_shown_once_in_settings(account, client_as, admin):
    http = client_as(admin)
    shown = http.post("/parametres/facturation-electronique/webhook/").content.decode()
    assert "/webhooks/plateforme-agreee/" in shown and "ne sera plus affichée" in shown
    later = http.get("/parametres/facturation-electronique/").content.decode()
    assert "/webhooks/plateforme-agreee/" not in later and "Une adresse de notification est active" in later


def django_capture_on_commit():
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


def test_the_beat_entry_is_installed(db):
    from django_celery_beat.models import PeriodicTask

    from chorus.schedule import EINVOICE_LIFECYCLE, install_schedule

    install_schedule()
    assert PeriodicTask.objects.get(name=EINVOICE_LIFECYCLE).task == "einvoicing.tasks.refresh_lifecycles"
    assert statuses.label(209) == "Complétée"
