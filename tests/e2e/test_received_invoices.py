"""A comptable collects the cabinet's supplier invoices from the offline Plateforme Agréée, opens one and
refuses it with a reason: the status is shown, and the refusal leaves as a CDAR flow."""

from __future__ import annotations

from einvoicing.models import OutgoingStatus, ReceivedInvoice
from einvoicing.simulator.incoming import SUPPLIERS, drop_invoice
from einvoicing.simulator.models import SimFlow
from tests import factories


def test_collect_open_and_refuse_a_supplier_invoice(login, comptable, cabinet, site, settings, csp_refusals):
    settings.GEOPROD_DEMO = True  # plain http to the simulator the live server serves
    settings.PA_SIMULATOR_ACK_SECONDS = 0
    base = f"{site}/{settings.PA_SIMULATOR_PREFIX}"
    account = factories.make_platform_account(
        cabinet,
        client_id="cabinet-garonne",
        flow_url=f"{base}/flow-service",
        directory_url=f"{base}/directory-service",
        token_url=f"{base}/oauth/token",
    )
    account.set_client_secret(settings.PA_SIMULATOR_SECRET)
    account.save()
    flow = drop_invoice(
        owner="cabinet-garonne",
        buyer_siren=cabinet.siret[:9],
        buyer_name=cabinet.raison_sociale,
        supplier=SUPPLIERS[2],
        number="OGM-2026-0042",
    )

    page = login(comptable)
    page.get_by_role("link", name="Factures reçues").click()
    page.get_by_role("button", name="Relever maintenant").click()
    page.get_by_text("1 nouvelle facture reçue.").wait_for()
    page.get_by_role("link", name="OGM-2026-0042").click()
    page.get_by_role("heading", name="Facture reçue OGM-2026-0042").wait_for()
    assert "Optique Géodésie Maintenance" in page.content()
    refuse = page.locator("#refuser")
    refuse.get_by_role("button", name="Refuser la facture").click()
    page.get_by_text("Choisissez le motif.").first.wait_for()  # nothing sent without a reason
    refuse = page.locator("#refuser")
    refuse.get_by_label("Motif").select_option("CALCUL_ERR")
    refuse.get_by_label("Commentaire").fill("La main d'œuvre est comptée deux fois.")
    refuse.get_by_role("button", name="Refuser la facture").click()
    page.get_by_text("La facture est refusée.").wait_for()
    assert page.locator("#statut").inner_text() == "Refusée"
    history = page.locator("#historique").inner_text()
    assert "Erreur de calcul" in history and "La main d'œuvre est comptée deux fois." in history
    assert page.locator("#repondre").count() == 0  # a refused invoice takes no other answer

    received = ReceivedInvoice.objects.get(flow_id=flow.flow_id)
    status = OutgoingStatus.objects.get(received_answers__received=received)
    assert status.code == 210 and status.flow_id
    assert SimFlow.objects.get(flow_id=status.flow_id).flow_syntax == "CDAR"
    assert csp_refusals == []
