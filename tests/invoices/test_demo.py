"""Demo data: every state present, Mairie de Toulouse invoices ready for Chorus Pro, idempotent."""

from __future__ import annotations

from clients.models import DossierStatus
from invoices.demo import seed_demo_invoices
from invoices.models import BankLine, Invoice, InvoiceKind, InvoiceStatus, Payment, Quote, Reminder
from tests import factories


def test_seed_demo_invoices(cabinet):
    mairie = factories.make_public_client(cabinet)
    factories.make_dossier(
        cabinet, client=mairie, objet="Délimitation du domaine public — rue Alsace-Lorraine"
    )
    for nom, categorie in (("SCI Les Jardins", "entreprise"), ("M. et Mme Dupont", "particulier")):
        factories.make_dossier(
            cabinet,
            client=factories.make_client(cabinet, nom=nom, categorie=categorie),
            statut=DossierStatus.EN_COURS,
        )

    seed_demo_invoices(cabinet=cabinet)

    invoices = Invoice.objects.filter(cabinet=cabinet)
    statuses = set(invoices.values_list("status", flat=True))
    assert {
        InvoiceStatus.DRAFT,
        InvoiceStatus.ISSUED,
        InvoiceStatus.PARTIALLY_PAID,
        InvoiceStatus.PAID,
    } <= statuses
    assert invoices.count() >= 20
    assert invoices.filter(kind=InvoiceKind.AVOIR).exclude(status="brouillon").exists()
    final = invoices.get(kind=InvoiceKind.FACTURE, quote__isnull=False, deducts__isnull=False)
    assert final.prepaid_ttc > 0
    assert Reminder.objects.filter(cabinet=cabinet).count() >= 3
    assert any(i.is_overdue for i in invoices)
    for_chorus = invoices.filter(client=mairie, status=InvoiceStatus.ISSUED).exclude(pdf="")
    assert for_chorus.count() >= 2 and all(i.numero_engagement for i in for_chorus)
    assert Quote.objects.filter(cabinet=cabinet).count() == 3
    numbers = list(
        invoices.exclude(number=None).order_by("issue_date", "number").values_list("number", flat=True)
    )
    assert [int(n.rsplit("-", 1)[1]) for n in numbers] == list(range(1, len(numbers) + 1))
    lines = BankLine.objects.filter(cabinet=cabinet)
    assert lines.count() == 3 and set(lines.values_list("status", flat=True)) == {"a_traiter"}
    assert lines.filter(confidence="haute").exists()
    assert Payment.objects.filter(mode="especes", amount__gt=1000).count() == 0

    before = (invoices.count(), Payment.objects.count())
    seed_demo_invoices(cabinet=cabinet)
    assert (invoices.count(), Payment.objects.count()) == before
