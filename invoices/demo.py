"""Demo invoicing data for a demo cabinet: devis, commandes, factures in every state, règlements,
relances and avoirs, dated over the last five months so the numbering stays chronological."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from clients.models import Client, Dossier
from geoprod.models import Cabinet
from invoices import demo_history, services
from invoices.models import Invoice, PaymentMode, Quote
from invoices.services import LineInput

D = Decimal
TOULOUSE_SIRET = "21310555400017"
ONE = D("1")

LINE_SETS = [
    [
        (
            "Bornage amiable contradictoire — recherche des titres, convocation des riverains",
            "1",
            "forfait",
            "1150.00",
        ),
        ("Procès-verbal de bornage et enregistrement au portail Géofoncier", "1", "forfait", "180.00"),
        ("Fourniture et pose de bornes", "4", "u", "35.00"),
    ],
    [
        ("Relevé topographique (planimétrie et altimétrie)", "1.8", "ha", "850.00"),
        ("Rattachement au système Lambert 93 / NGF-IGN69", "1", "forfait", "240.00"),
        ("Plan topographique au 1/200 (format DWG et PDF)", "1", "forfait", "320.00"),
    ],
    [
        ("Plan de division et document d'arpentage", "1", "forfait", "1200.00"),
        ("Dépôt au service du cadastre", "1", "forfait", "95.00"),
        ("Frais de déplacement", "2", "u", "42.00"),
    ],
    [
        ("Implantation de bâtiment (axes et niveaux)", "1", "forfait", "650.00"),
        ("Heures de terrain (binôme)", "3.5", "h", "95.00"),
    ],
    [("Mesurage loi Carrez", "1", "forfait", "220.00"), ("Plan d'intérieur", "85", "m2", "2.40")],
    [
        ("Délimitation du domaine public — procès-verbal et arrêté d'alignement", "1", "forfait", "2400.00"),
        ("Levé des emprises et report sur plan cadastral", "1", "forfait", "780.00"),
    ],
    [
        ("État descriptif de division — relevé des lots et calcul des tantièmes", "1", "forfait", "1650.00"),
        ("Plans des lots (format PDF)", "12", "u", "45.00"),
    ],
    [
        ("Permis d'aménager — plan de composition et programme des travaux", "1", "forfait", "2800.00"),
        ("Plan de l'état actuel du terrain", "1", "forfait", "650.00"),
        ("Réunion avec le service instructeur", "2", "h", "95.00"),
    ],
    [
        ("Expertise foncière — analyse des titres et visite contradictoire", "1", "forfait", "1400.00"),
        ("Rapport d'expertise", "1", "forfait", "450.00"),
    ],
]
# The line set that fits each family of work, so that a topography dossier is not billed a bornage.
FAMILY_LINES = {
    "Bornage amiable contradictoire": 0,
    "Topographie": 1,
    "Division / copropriété": 2,
    "Plan de division": 2,
    "Document d'arpentage": 2,
    "Implantation": 3,
    "Mesurage": 4,
    "Relevé d'intérieur": 4,
    "Délimitation du domaine public": 5,
    "État descriptif de division": 6,
    "Permis d'aménager / lotissement": 7,
    "Expertise foncière": 8,
}

# (days ago, outcome) for each issued invoice, oldest first: numbers follow dates.
ISSUED = [
    (150, "paid"),
    (140, "paid_cheque"),
    (122, "overdue_two_reminders"),
    (110, "partial_overdue"),
    (96, "credited"),
    (80, "paid_card"),
    (62, "paid_debit"),
    (45, "overdue"),
    (36, "partial"),
    (12, "open"),
    (4, "paid_cash"),
]


def _lines_for(
    dossier: Dossier | None, index: int, scale: Decimal = ONE, rate: str = "20.00"
) -> list[LineInput]:
    family = dossier.famille.libelle if dossier and dossier.famille_id else ""
    return _lines(FAMILY_LINES.get(family, index), scale, rate)


def _lines(index: int, scale: Decimal = ONE, rate: str = "20.00") -> list[LineInput]:
    return [
        LineInput(
            designation=d, quantity=D(q), unit=u, unit_price=(D(p) * scale).quantize(D("0.01")), vat_rate=rate
        )
        for d, q, u, p in LINE_SETS[index % len(LINE_SETS)]
    ]


def _pay(invoice: Invoice, amount: Decimal, day: datetime.date, mode: str, reference: str = "") -> None:
    services.record_payment(
        cabinet=invoice.cabinet,
        client=invoice.client,
        date=day,
        amount=amount,
        mode=mode,
        allocations=[(invoice, amount)],
        reference=reference,
    )


def seed_demo_invoices(
    *,
    cabinet: Cabinet,
    dossiers: list[Dossier] | None = None,
    history: list[Dossier] = (),
    pause: float = 0.0,
) -> None:
    """Creates the demo invoicing of a cabinet: the hand-written scenario on `dossiers` (all the cabinet's
    by default) and, interleaved in date order, the past year of the `history` dossiers and of the public
    buyers. Does nothing if the cabinet already has invoices or has no client."""
    if Invoice.objects.filter(cabinet=cabinet).exists():
        return
    if dossiers is None:
        dossiers = list(
            Dossier.objects.filter(cabinet=cabinet).select_related("client", "famille").order_by("numero")
        )
    clients = list(Client.objects.filter(cabinet=cabinet).order_by("nom"))
    if not clients:
        return
    today = timezone.localdate()
    past = demo_history.History(pause=pause)
    if history:
        first_public = {}
        for dossier in dossiers:
            if dossier.client.is_public_body:
                first_public.setdefault(dossier.client_id, dossier)
        past = demo_history.plan_history(
            cabinet=cabinet,
            dossiers=list(history),
            public_dossiers=list(first_public.values()),
            today=today,
            lines_for=lambda dossier, scale: _lines_for(dossier, 0, scale),
        )
        past.pause = pause
    # Past events run in their own transactions, each issue with its PDF: an interrupted run keeps a
    # valid register, and a served demo is never blocked for long by this one.
    _seed(cabinet, dossiers, clients, today, past)
    past.finish(today)


def _seed(
    cabinet: Cabinet,
    dossiers: list[Dossier],
    clients: list[Client],
    today: datetime.date,
    past: demo_history.History,
) -> None:
    def ago(days: int) -> datetime.date:
        return today - datetime.timedelta(days=days)

    def _issue(invoice: Invoice, day: datetime.date) -> Invoice:
        past.run_until(day)
        issued = services.issue_invoice(invoice=invoice, today=day)
        past.breathe()
        return issued

    private = [d for d in dossiers if not d.client.is_public_body] or dossiers
    public = next((c for c in clients if c.siret == TOULOUSE_SIRET), None) or next(
        (c for c in clients if c.is_public_body), clients[0]
    )
    public_dossiers = [d for d in dossiers if d.client_id == public.pk]

    def draft(i: int, **kw) -> Invoice:
        dossier = kw.pop("dossier", private[i % len(private)] if private else None)
        client = kw.pop("client", dossier.client if dossier else clients[i % len(clients)])
        return services.create_invoice(
            cabinet=cabinet,
            client=client,
            dossier=dossier,
            lines=_lines_for(dossier, i, kw.pop("scale", ONE), kw.pop("rate", "20.00")),
            **kw,
        )

    # A devis turned commande, invoiced with a 30 % acompte then a final invoice; plus two other devis.
    order_dossier = private[0] if private else None
    order_client = order_dossier.client if order_dossier else clients[0]
    quote = services.create_quote(
        cabinet=cabinet,
        client=order_client,
        dossier=order_dossier,
        lines=_lines_for(order_dossier, 2, D("2")),
        date=ago(75),
        objet=order_dossier.objet if order_dossier else "Division parcellaire",
    )
    quote = services.decide_quote(quote=quote, accepted=True)
    Quote.objects.filter(pk=quote.pk).update(decided_on=ago(72))
    pending = services.create_quote(
        cabinet=cabinet,
        client=clients[-1],
        lines=_lines(1),
        date=ago(8),
        objet="Relevé topographique préalable au permis de construire",
    )
    refused = services.create_quote(
        cabinet=cabinet,
        client=clients[0],
        lines=_lines(3),
        date=ago(50),
        objet="Implantation d'une extension de bâtiment",
    )
    services.decide_quote(quote=refused, accepted=False)
    del pending

    issued: list[tuple[Invoice, str, datetime.date]] = []
    acompte = None
    for i, (days, outcome) in enumerate(ISSUED):
        if acompte is None and days <= 70:
            acompte = _issue(services.invoice_order_part(quote=quote, percent=D("30")), ago(70))
            _pay(acompte, acompte.amount_due, ago(60), PaymentMode.VIREMENT, "VIR acompte")
        if days == 12:
            # Two invoices to the Mairie, issued and unpaid: ready to be sent to Chorus Pro.
            for n, dossier in enumerate((public_dossiers + [None, None])[:2]):
                inv = draft(
                    5 + n,
                    client=public,
                    dossier=dossier,
                    numero_engagement=f"EJ-{today.year}-00{417 + n}",
                    numero_marche="M-2025-TOPO-12" if n == 0 else "",
                    code_service="DGST",
                )
                _issue(inv, ago(20 - n))
        # Cash stays under the legal limit (art. D112-3 code monétaire et financier): a small job.
        small = {"scale": D("0.2")} if outcome == "paid_cash" else {}
        invoice = _issue(draft(i, **small), ago(days))
        issued.append((invoice, outcome, ago(days)))
        if outcome == "credited":
            gesture = [LineInput("Geste commercial — remise sur honoraires", D("150.00"))]
            _issue(services.create_credit_note(invoice=invoice, lines=gesture), ago(days - 6))
    final = _issue(services.invoice_order(quote=quote), ago(2))
    del final

    for invoice, outcome, day in issued:
        after = day + datetime.timedelta(days=25)
        if outcome.startswith("paid"):
            mode = {
                "paid_cheque": PaymentMode.CHEQUE,
                "paid_card": PaymentMode.CARTE,
                "paid_debit": PaymentMode.PRELEVEMENT,
                "paid_cash": PaymentMode.ESPECES,
            }.get(outcome, PaymentMode.VIREMENT)
            _pay(invoice, invoice.amount_due, min(after, today), mode, f"Règlement {invoice.number}")
        elif outcome.startswith("partial"):
            _pay(
                invoice,
                (invoice.amount_due * D("0.4")).quantize(D("0.01")),
                after,
                PaymentMode.CHEQUE,
                "Chèque n° 4471203",
            )
        elif outcome == "credited":
            _pay(invoice, Invoice.objects.get(pk=invoice.pk).amount_due, ago(70), PaymentMode.VIREMENT)
        if outcome in ("overdue_two_reminders", "partial_overdue", "overdue"):
            invoice = Invoice.objects.get(pk=invoice.pk)
            if invoice.is_overdue:
                services.send_reminder(invoice=invoice, today=today)
                if outcome == "overdue_two_reminders":
                    services.send_reminder(invoice=invoice, today=today)

    # Drafts the team is still working on.
    draft(1, objet="Prestation complémentaire — à valider")
    draft(3, scale=D("1.5"))
    draft(
        4,
        rate="0.00",
        vat_regime="exoneration",
        exemption_code="261-D-4",
        dossier=None,
        client=clients[0],
    )
    services.duplicate_invoice(invoice=issued[0][0])
    _seed_statement(cabinet, today)


DEMO_CSV_MAPPING = {
    "separator": ";",
    "decimal_comma": True,
    "date": "Date",
    "label": "Libellé",
    "amount": "",
    "debit": "Débit",
    "credit": "Crédit",
    "reference": "Référence",
    "currency": "",
}


def _seed_statement(cabinet: Cabinet, today: datetime.date) -> None:
    """A bank statement waiting in « Rapprochement bancaire »: a transfer naming its invoice, one naming the
    client only, a deposit nobody recognises and a debit."""
    from invoices.models import OPEN_STATUSES, BankAccount, InvoiceKind
    from invoices.services import bank

    due = list(
        Invoice.objects.filter(cabinet=cabinet, status__in=OPEN_STATUSES)
        .exclude(kind=InvoiceKind.AVOIR)
        .select_related("client")
        .order_by("issue_date", "number")[:2]
    )
    if len(due) < 2:
        return
    day = (today - datetime.timedelta(days=1)).strftime("%d/%m/%Y")

    def fr(amount: Decimal) -> str:
        return f"{amount:.2f}".replace(".", ",")

    rows = [
        "Date;Libellé;Débit;Crédit;Référence",
        f"{day};VIR SEPA FACTURE {due[0].number};;{fr(due[0].amount_due)};BQ-0001",
        f"{day};VIR SEPA {due[1].client.nom.upper()};;{fr(due[1].amount_due)};BQ-0002",
        f"{day};REMISE CHEQUES N° 0042;;245,00;BQ-0003",
        f"{day};PRLV SEPA URSSAF;812,00;;BQ-0004",
    ]
    account = BankAccount.objects.create(cabinet=cabinet, label="Crédit Agricole — compte courant")
    bank.import_statement(
        cabinet=cabinet,
        account=account,
        filename="releve-credit-agricole.csv",
        data="\r\n".join(rows).encode(),
        fmt="csv",
        mapping=DEMO_CSV_MAPPING,
    )
