"""« Valider »: number, stored PDF with its sha256, and immutability afterwards."""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal

import pytest

from invoices import services
from invoices.errors import InvoiceLocked, InvoicingError, NumberingError
from invoices.models import Invoice, InvoiceLine, InvoiceStatus
from tests import factories

DAY = datetime.date(2026, 9, 14)


def test_draft_has_no_number_and_computed_totals(cabinet):
    invoice = factories.make_invoice(
        cabinet, lines=[("Bornage", "1", "1300", "20.00"), ("Frais", "2", "22.50", "10.00")]
    )
    assert invoice.number is None
    assert invoice.status == InvoiceStatus.DRAFT
    assert (invoice.total_ht, invoice.total_vat, invoice.total_ttc) == (
        Decimal("1345.00"),
        Decimal("264.50"),
        Decimal("1609.50"),
    )
    assert invoice.footer_text == cabinet.invoice_footer


def test_issue_allocates_consecutive_numbers_from_the_cabinet_prefix(cabinet):
    cabinet.invoice_prefix = "FA-"
    cabinet.save()
    first = factories.make_invoice(cabinet, issued=True, today=DAY)
    second = factories.make_invoice(cabinet, issued=True, today=DAY)
    assert (first.number, second.number) == ("FA-2609-0001", "FA-2609-0002")
    assert first.issue_date == DAY
    assert first.due_date == DAY + datetime.timedelta(days=30)


def test_issue_stores_the_pdf_and_its_sha256(cabinet):
    invoice = factories.make_invoice(cabinet, issued=True, today=DAY)
    stored = Invoice.objects.get(pk=invoice.pk)
    content = stored.pdf_bytes()
    assert content.startswith(b"%PDF")
    assert stored.pdf_sha256 == hashlib.sha256(content).hexdigest()
    assert stored.pdf.name.endswith("F2609-0001.pdf")


def test_a_failed_issue_gives_the_number_back(cabinet, monkeypatch):
    draft = factories.make_invoice(cabinet)

    def broken(invoice, **kw):
        raise RuntimeError("rendu impossible")

    monkeypatch.setattr("invoices.pdf.render_invoice_pdf", broken)
    with pytest.raises(RuntimeError):
        services.issue_invoice(invoice=draft, today=DAY)
    monkeypatch.undo()
    assert Invoice.objects.get(pk=draft.pk).number is None
    assert services.issue_invoice(invoice=draft, today=DAY).number == "F2609-0001"


def test_issuing_twice_is_refused(cabinet):
    invoice = factories.make_invoice(cabinet, issued=True)
    with pytest.raises(InvoiceLocked):
        services.issue_invoice(invoice=invoice)


def test_issued_invoice_cannot_be_saved_or_deleted_through_the_model(cabinet):
    invoice = Invoice.objects.get(pk=factories.make_invoice(cabinet, issued=True).pk)
    invoice.objet = "Autre objet"
    with pytest.raises(InvoiceLocked):
        invoice.save()
    with pytest.raises(InvoiceLocked):
        invoice.delete()
    with pytest.raises(InvoiceLocked):
        invoice.lines.first().delete()
    line = invoice.lines.first()
    line.unit_price = Decimal("1")
    with pytest.raises(InvoiceLocked):
        line.save()
    with pytest.raises(InvoiceLocked):
        InvoiceLine.objects.create(invoice=invoice, designation="Ajout", unit_price=Decimal("10"))
    assert Invoice.objects.get(pk=invoice.pk).objet != "Autre objet"


def test_the_instance_returned_by_issue_is_locked_too(cabinet):
    invoice = factories.make_invoice(cabinet, issued=True)
    invoice.total_ht = Decimal("1")
    with pytest.raises(InvoiceLocked):
        invoice.save()


def test_issued_invoice_cannot_be_changed_through_the_services(cabinet):
    invoice = factories.make_invoice(cabinet, issued=True)
    with pytest.raises(InvoiceLocked):
        services.update_invoice(invoice=invoice, lines=[services.LineInput("x", Decimal("1"))], objet="x")
    with pytest.raises(InvoiceLocked):
        services.delete_draft(invoice=invoice)


def test_the_django_admin_shows_an_issued_invoice_read_only(cabinet, client):
    staff = factories.make_user(cabinet, role="admin", is_staff=True, is_superuser=True)
    client.force_login(staff)
    issued = factories.make_invoice(cabinet, issued=True)
    draft = factories.make_invoice(cabinet)
    page = client.get(f"/admin/invoices/invoice/{issued.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert (
        client.post(f"/admin/invoices/invoice/{issued.pk}/change/", {"objet": "modifié"}).status_code == 403
    )
    assert client.post(f"/admin/invoices/invoice/{issued.pk}/delete/", {"post": "yes"}).status_code == 403
    assert 'name="_save"' in client.get(f"/admin/invoices/invoice/{draft.pk}/change/").content.decode()
    issued.refresh_from_db()
    assert issued.is_issued and issued.objet != "modifié"


def test_drafts_can_be_deleted_without_consuming_a_number(cabinet):
    draft = factories.make_invoice(cabinet)
    services.delete_draft(invoice=draft)
    assert not Invoice.objects.filter(pk=draft.pk).exists()
    assert factories.make_invoice(cabinet, issued=True, today=DAY).number == "F2609-0001"


def test_exemption_without_motif_is_refused(cabinet):
    with pytest.raises(InvoicingError) as e:
        factories.make_invoice(cabinet, lines=[("Bornage", "1", "100", "0.00")], vat_regime="exoneration")
    assert e.value.field == "exemption_code"


def test_tax_free_regime_requires_zero_rates(cabinet):
    with pytest.raises(InvoicingError, match="toutes les lignes doivent être à 0 %"):
        factories.make_invoice(cabinet, vat_regime="exoneration", exemption_code="261-D")


def test_unknown_vat_rate_and_negative_quantity_are_refused(cabinet):
    with pytest.raises(InvoicingError, match="Taux de TVA inconnu"):
        factories.make_invoice(cabinet, lines=[("Bornage", "1", "100", "19.60")])
    with pytest.raises(InvoicingError, match="quantité"):
        factories.make_invoice(cabinet, lines=[("Bornage", "-1", "100", "20.00")])


def test_a_prefix_outside_the_e_invoicing_charset_is_refused_at_issue(cabinet):
    cabinet.invoice_prefix = "F "
    cabinet.save(update_fields=["invoice_prefix"])
    draft = factories.make_invoice(cabinet)
    with pytest.raises(NumberingError):
        services.issue_invoice(invoice=draft)
    assert Invoice.objects.get(pk=draft.pk).is_draft


def test_duplicate_makes_a_new_draft_from_an_issued_invoice(cabinet):
    original = factories.make_invoice(
        cabinet, lines=[("Bornage", "1", "1300", "20.00"), ("Plan", "2", "150", "20.00")], issued=True
    )
    copy = services.duplicate_invoice(invoice=original)
    assert copy.is_draft and copy.number is None and copy.pk != original.pk
    assert [line.designation for line in copy.lines.all()] == ["Bornage", "Plan"]
    assert copy.total_ttc == original.total_ttc


def test_numbers_are_per_cabinet(cabinet, other_cabinet):
    assert factories.make_invoice(cabinet, issued=True, today=DAY).number == "F2609-0001"
    assert factories.make_invoice(other_cabinet, issued=True, today=DAY).number == "F2609-0001"


def test_an_altered_stored_pdf_is_refused(cabinet):
    invoice = factories.make_invoice(cabinet, issued=True)
    with open(invoice.pdf.path, "ab") as f:
        f.write(b"%% altered")
    with pytest.raises(InvoiceLocked, match="altéré"):
        Invoice.objects.get(pk=invoice.pk).pdf_bytes()


def test_chorus_fields_are_exposed(cabinet):
    mairie = factories.make_public_client(cabinet)
    invoice = factories.make_invoice(
        cabinet, client=mairie, issued=True, numero_engagement="EJ-1", numero_marche="M-2"
    )
    assert invoice.payer_siret == "21310555400017"
    assert (invoice.numero_engagement, invoice.numero_marche) == ("EJ-1", "M-2")
    assert [(v.rate, v.base, v.vat) for v in invoice.vat_lines()] == [
        (Decimal("20.00"), Decimal("1300.00"), Decimal("260.00"))
    ]
    assert invoice.title == "Facture" and invoice.origin_reference is None
    assert invoice.pdf_bytes().startswith(b"%PDF")
