"""A B2C month on the E-reporting page: the closed period with its table, « Envoyer maintenant » to the Plateforme
Agréée (the offline simulator over HTTP), the state « accepté », and the XML file as it was sent."""

from __future__ import annotations

import datetime

from lxml import etree

from einvoicing import ereporting
from einvoicing.models import EReport, PlatformAccount, VatReportingRegime
from einvoicing.sending import simulator_account_defaults
from tests import factories


def test_a_b2c_month_is_reported_sent_accepted_and_downloaded(
    login, comptable, cabinet, site, settings, csp_refusals, tmp_path
):
    settings.PA_SIMULATOR_BASE = f"{site}/{settings.PA_SIMULATOR_PREFIX}"
    settings.PA_SIMULATOR_ACK_SECONDS = 0
    settings.GEOPROD_DEMO = True
    account = PlatformAccount(
        cabinet=cabinet,
        **{**simulator_account_defaults(), "matricule": "0099", "client_id": "cabinet-garonne"},
        vat_regime=VatReportingRegime.REEL_TRIMESTRIEL,
    )
    account.set_client_secret(settings.PA_SIMULATOR_SECRET)
    account.save()
    last_month = (datetime.date.today().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    period = ereporting.transaction_periods(account.vat_regime, last_month)[0]
    martin = factories.make_client(cabinet, nom="M. et Mme Martin", categorie="particulier", siret="")
    durand = factories.make_client(cabinet, nom="Mme Durand", categorie="particulier", siret="")
    factories.make_invoice(cabinet, client=martin, issued=True, today=last_month + datetime.timedelta(days=2))
    factories.make_invoice(cabinet, client=durand, issued=True, today=last_month + datetime.timedelta(days=2))

    page = login(comptable)
    page.get_by_role("link", name="E-reporting").click()
    page.get_by_role("link", name=f"← {_month_fr(last_month)}").click()
    block = page.locator("section.panel", has_text=f"Transactions (flux 10.3) {period.label}")
    block.locator('[data-state="à envoyer"]').wait_for()
    assert "2 600,00" in block.locator("table").inner_text().replace("\u202f", " ").replace("\xa0", " ")
    block.get_by_role("button", name="Envoyer maintenant").click()
    page.get_by_text("est en cours d'envoi à la plateforme agréée").wait_for()
    block = page.locator("section.panel", has_text=f"Transactions (flux 10.3) {period.label}")
    assert block.locator(".badge[data-state]").inner_text() in ("envoyé", "accepté")
    page.reload()
    block = page.locator("section.panel", has_text=f"Transactions (flux 10.3) {period.label}")
    block.locator('[data-state="accepté"]').wait_for()
    with page.expect_download() as info:
        block.get_by_role("link", name="Télécharger le fichier envoyé").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    root = etree.fromstring(path.read_bytes())
    assert root.findtext("ReportDocument/TypeCode") == "IN"
    assert root.findtext("TransactionsReport/Transactions/TransactionsCount") == "2"
    report = EReport.objects.get()
    assert report.ack_status == "Ok" and path.read_bytes() == bytes(report.document)
    assert csp_refusals == []


def _month_fr(day: datetime.date) -> str:
    names = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split()
    return f"{names[day.month - 1]} {day.year}"
