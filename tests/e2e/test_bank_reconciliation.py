"""« Rapprochement bancaire »: import a CAMT.053 statement, accept the proposals, the invoices are paid."""

from __future__ import annotations

import datetime

from playwright.sync_api import expect

from invoices.models import Invoice, InvoiceStatus
from tests import factories
from tests.bank_samples import Entry, camt053


def test_import_a_camt053_then_accept_the_proposals_marks_invoices_paid(
    login, comptable, cabinet, site, csp_refusals, tmp_path
):
    tilleuls = factories.make_client(cabinet, nom="SCI Les Tilleuls")
    muret = factories.make_client(cabinet, nom="Commune de Muret")
    by_number = factories.make_invoice(cabinet, client=tilleuls, issued=True)
    by_name = factories.make_invoice(cabinet, client=muret, issued=True)
    statement = tmp_path / "releve-octobre.xml"
    statement.write_bytes(
        camt053(
            [
                Entry(
                    by_number.amount_due, f"VIR FACTURE {by_number.number}", date=datetime.date(2026, 10, 2)
                ),
                Entry(by_name.amount_due, "MANDAT ADMINISTRATIF", debtor="COMMUNE DE MURET"),
                Entry("18.90", "FRAIS BANCAIRES", credit=False),
            ]
        )
    )

    page = login(comptable)
    page.get_by_role("link", name="Rapprochement bancaire").click()
    page.get_by_label("ou nouveau compte").fill("Crédit Agricole — courant")
    page.get_by_label("Relevé").set_input_files(str(statement))
    with page.expect_navigation():
        page.get_by_role("button", name="Importer le relevé").click()
    expect(page.get_by_text("2 ligne(s) au crédit importée(s), 1 débit(s) non repris")).to_be_visible()
    rows = page.locator("table.list tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="VIR FACTURE")).to_contain_text(by_number.number)
    expect(rows.filter(has_text="MANDAT ADMINISTRATIF")).to_contain_text(f"Commune de Muret{by_name.number}")

    with page.expect_navigation():
        page.get_by_role("button", name="Accepter les propositions de confiance haute").click()
    expect(page.get_by_text("2 règlement(s) enregistré(s) depuis le relevé.")).to_be_visible()
    expect(page.get_by_role("link", name="Règlement du 02/10/2026")).to_be_visible()

    page.get_by_role("link", name="Factures", exact=True).click()
    for invoice in (by_number, by_name):
        expect(page.locator("table.list tr", has_text=invoice.number)).to_contain_text("Payée")
    statuses = set(Invoice.objects.filter(pk__in=[by_number.pk, by_name.pk]).values_list("status", flat=True))
    assert statuses == {InvoiceStatus.PAID}
    assert csp_refusals == []
