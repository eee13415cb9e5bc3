"""The demo looks like a real cabinet's year: dossiers opened over twelve months, a few hundred invoices
planned per cabinet, paid, late or in Chorus Pro, lines that fit the work, and a register that verifies."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from stdnum.fr import siret

from chorus.models import ChorusStatusChange, ChorusSubmission
from clients.models import Client, Dossier
from geoprod.models import Cabinet
from invoices import demo as invoices_demo
from invoices import demo_history
from invoices.models import Invoice, InvoiceKind, InvoiceLine, Payment, Quote

pytestmark = pytest.mark.django_db

GESTURE = "Geste commercial — remise sur honoraires"


def _garonne() -> Cabinet:
    return Cabinet.objects.get(raison_sociale="Géomètres Experts Garonne")


def _planned_year(cabinet: Cabinet) -> demo_history.History:
    history = Dossier.objects.filter(cabinet=cabinet, created_at__lt=timezone.now()).select_related(
        "client", "famille", "cabinet"
    )
    return demo_history.plan_history(
        cabinet=cabinet,
        dossiers=list(history),
        public_dossiers=[],
        today=timezone.localdate(),
        lines_for=lambda dossier, scale: invoices_demo._lines_for(dossier, 0, scale),
    )


def test_the_full_demo_plans_a_few_hundred_invoices_per_cabinet_over_twelve_months_for_distinct_clients():
    call_command("seed_demo", "--sans-factures", "--history", "200", verbosity=0)
    today = timezone.localdate()
    for cabinet in Cabinet.objects.all():
        dossiers = list(Dossier.objects.filter(cabinet=cabinet).order_by("numero"))
        opened = [d.created_at for d in dossiers]
        assert len(dossiers) >= 140
        assert opened == sorted(opened) and len({o.date() for o in opened}) == len(opened)
        assert {o.strftime("%Y-%m") for o in opened} >= {
            (today - datetime.timedelta(days=30 * m)).strftime("%Y-%m") for m in range(1, 12)
        }
        assert all(d.numero.startswith(f"{timezone.localtime(d.created_at).year}-") for d in dossiers)

        year = _planned_year(cabinet)
        issued = year.days("facture")
        assert len(issued) >= 100, (cabinet, len(issued))  # Rhône plans about 120, Garonne about 175
        assert max(issued) < today and min(issued) >= today - datetime.timedelta(days=366)
        assert len({d.strftime("%Y-%m") for d in issued}) >= 11
        assert len(year.days("règlement")) >= len(issued) * 0.7
        assert year.days("devis") and year.days("avoir")

    own = set(Cabinet.objects.values_list("siret", flat=True))
    for cabinet in Cabinet.objects.all():
        sirets = [s for s in Client.objects.filter(cabinet=cabinet).values_list("siret", flat=True) if s]
        assert len(sirets) >= 5
        assert len(sirets) == len(set(sirets)) and all(siret.is_valid(s) for s in sirets)
        assert not own & set(sirets)


def test_a_seeded_year_is_coherent_its_register_verifies_and_a_second_seed_adds_nothing():
    call_command("seed_demo", "--history", "5", verbosity=0)
    today = timezone.localdate()
    garonne = _garonne()
    invoices = Invoice.objects.filter(cabinet=garonne)
    issued = invoices.exclude(issue_date=None)
    assert issued.filter(issue_date__lt=today - datetime.timedelta(days=300)).exists()

    out = StringIO()
    call_command("verify_ledger", stdout=out)
    assert out.getvalue().count("Registre intègre") == 2, out.getvalue()

    statuses = set(ChorusSubmission.objects.filter(cabinet=garonne).values_list("chorus_status", flat=True))
    assert {"MISE_EN_PAIEMENT", "REJETEE"} <= statuses
    rejected = ChorusSubmission.objects.get(
        cabinet=garonne, chorus_status="REJETEE", invoice__client__nom="Mairie de Toulouse"
    )
    assert rejected.invoice.credited_amount == rejected.invoice.total_ttc
    assert ChorusStatusChange.objects.filter(submission=rejected, status="REJETEE").exists()
    ready = invoices.filter(client__nom="Mairie de Toulouse", chorus_submission__isnull=True, status="emise")
    assert ready.count() >= 2

    assert any(i.is_overdue for i in issued)
    assert Payment.objects.filter(cabinet=garonne, date__lt=today - datetime.timedelta(days=200)).exists()
    assert not Quote.objects.filter(objet="").exists()

    lines = InvoiceLine.objects.filter(invoice__dossier__famille__isnull=False).exclude(
        invoice__kind=InvoiceKind.ACOMPTE
    )
    for line in lines.select_related("invoice__dossier__famille"):
        family = line.invoice.dossier.famille.libelle
        fitting = invoices_demo.LINE_SETS[invoices_demo.FAMILY_LINES[family]]
        assert line.designation in {d for d, *_ in fitting} | {GESTURE}, (family, line.designation)
    assert invoices.filter(kind=InvoiceKind.AVOIR).exclude(issue_date=None).exists()

    counts = (Invoice.objects.count(), Payment.objects.count(), Dossier.objects.count())
    call_command("seed_demo", "--history", "5", verbosity=0)
    assert (Invoice.objects.count(), Payment.objects.count(), Dossier.objects.count()) == counts
