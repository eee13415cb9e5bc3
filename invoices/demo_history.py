"""The demo's past year: for each past dossier a devis or not, an invoice issued through « Valider » (its
PDF, its number, its link in the register), paid on time, late, in part or not yet; for each public buyer
invoices sent to Chorus Pro that were paid or rejected. Events run in date order, interleaved with the
hand-written scenario, so that numbers follow dates."""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from chorus.models import ChorusAccount, ChorusStatusChange, ChorusSubmission, SubmissionState, TvaType
from chorus.simulator.seed_data import RECIPIENTS
from clients.models import Dossier
from geoprod.models import Cabinet
from invoices import services
from invoices.models import Invoice, PaymentMode, Quote
from invoices.services import LineInput

D = Decimal
ONE = D("1")
MODES = [PaymentMode.VIREMENT] * 6 + [PaymentMode.CHEQUE] * 3 + [PaymentMode.PRELEVEMENT, PaymentMode.CARTE]
PUBLIC_PLAN = [
    # (days ago, Chorus outcome)
    (310, "MISE_EN_PAIEMENT"),
    (250, "MISE_EN_PAIEMENT"),
    (185, "REJETEE"),
    (125, "MISE_EN_PAIEMENT"),
]
REJECTION = "Numéro d'engagement inconnu du destinataire : facture à annuler par un avoir et à réémettre."


@dataclass(order=True)
class Event:
    day: datetime.date
    rank: int
    action: Callable[[], None] = field(compare=False)
    kind: str = field(compare=False, default="")


@dataclass
class History:
    """The past year's events of one cabinet, run in date order up to a given day."""

    events: list[Event] = field(default_factory=list)
    late: list[int] = field(default_factory=list)
    # Seconds left between two writes, so that a served demo's requests get the SQLite write lock in turn.
    pause: float = 0.0

    def add(self, day: datetime.date, action: Callable[[], None], kind: str = "") -> None:
        self.events.append(Event(day, len(self.events), action, kind))

    def days(self, kind: str) -> list[datetime.date]:
        """The days of the planned events of a kind (« devis », « facture », « avoir », « règlement »)."""
        return sorted(e.day for e in self.events if e.kind == kind)

    def run_until(self, day: datetime.date) -> None:
        self.events.sort()
        while self.events and self.events[0].day <= day:
            event = self.events.pop(0)
            with transaction.atomic():
                event.action()
            self.breathe()

    def breathe(self) -> None:
        if self.pause:
            time.sleep(self.pause)

    def finish(self, today: datetime.date) -> None:
        self.run_until(today)
        for pk in self.late:
            invoice = Invoice.objects.get(pk=pk)
            if invoice.is_overdue:
                services.send_reminder(invoice=invoice, today=today)


def plan_history(
    *,
    cabinet: Cabinet,
    dossiers: list[Dossier],
    public_dossiers: list[Dossier],
    today: datetime.date,
    lines_for: Callable[[Dossier, Decimal], list[LineInput]],
) -> History:
    """The events of the past year for `dossiers` (private work) and the public buyers of `public_dossiers`."""
    history = History()
    for dossier in dossiers:
        _plan_dossier(history, dossier, today, lines_for)
    account = ChorusAccount.objects.filter(cabinet=cabinet).first()
    if account is not None:
        for offset, dossier in enumerate(public_dossiers):
            _plan_public(history, account, dossier, 9 * offset, today, lines_for)
    return history


def _plan_dossier(history: History, dossier: Dossier, today: datetime.date, lines_for) -> None:
    rng = random.Random(f"{dossier.cabinet.siret}-{dossier.numero}")  # the same plan on every database
    opened = timezone.localtime(dossier.created_at).date()
    scale = D(rng.choice(["0.6", "0.8", "1", "1", "1.2", "1.5", "2", "2.5"]))
    lines = lines_for(dossier, scale)
    issue_day = opened + datetime.timedelta(days=rng.randint(12, 70))
    if issue_day >= today:
        return
    state: dict = {}
    if rng.random() < 0.35:
        quote_day = opened + datetime.timedelta(days=2)
        accepted = rng.random() < 0.85

        def quote() -> None:
            q = services.create_quote(
                cabinet=dossier.cabinet, client=dossier.client, dossier=dossier, lines=lines, date=quote_day
            )
            q = services.decide_quote(quote=q, accepted=accepted)
            Quote.objects.filter(pk=q.pk).update(decided_on=quote_day + datetime.timedelta(days=5))
            state["quote"] = q

        history.add(quote_day, quote, "devis")
        if not accepted:
            return

    def issue() -> None:
        if "quote" in state:
            draft = services.invoice_order(quote=state["quote"])
        else:
            draft = services.create_invoice(
                cabinet=dossier.cabinet, client=dossier.client, dossier=dossier, lines=lines
            )
        state["invoice"] = services.issue_invoice(invoice=draft, today=issue_day)

    history.add(issue_day, issue, "facture")
    age = (today - issue_day).days
    if rng.random() < 0.05:
        credit_day = issue_day + datetime.timedelta(days=8)

        def credit() -> None:
            invoice = state["invoice"]
            gesture = (invoice.total_ht * D("0.08")).quantize(D("1"))
            note = services.create_credit_note(
                invoice=invoice, lines=[LineInput("Geste commercial — remise sur honoraires", gesture)]
            )
            services.issue_invoice(invoice=note, today=credit_day)

        if credit_day < today:
            history.add(credit_day, credit, "avoir")
    roll = rng.random()
    paid_share = 0.95 if age > 90 else 0.88 if age > 40 else 0.5
    pay_day = issue_day + datetime.timedelta(days=rng.randint(10, 45))
    if roll < paid_share and pay_day < today:
        mode = rng.choice(MODES)
        history.add(pay_day, lambda: _pay(state["invoice"], pay_day, mode), "règlement")
    elif roll < paid_share + 0.03 and age > 60:
        history.add(pay_day, lambda: _pay(state["invoice"], pay_day, PaymentMode.CHEQUE, share=D("0.4")))
        history.add(pay_day, lambda: history.late.append(state["invoice"].pk))
    elif age > 45:
        history.add(issue_day, lambda: history.late.append(state["invoice"].pk))


def _pay(invoice: Invoice, day: datetime.date, mode: str, share: Decimal = ONE) -> None:
    invoice = Invoice.objects.get(pk=invoice.pk)
    amount = invoice.amount_due if share == 1 else (invoice.amount_due * share).quantize(D("0.01"))
    if amount <= 0:
        return
    reference = {PaymentMode.CHEQUE: f"Chèque n° {4470000 + invoice.pk}"}.get(
        mode, f"Règlement {invoice.number}"
    )
    services.record_payment(
        cabinet=invoice.cabinet,
        client=invoice.client,
        date=day,
        amount=amount,
        mode=mode,
        allocations=[(invoice, amount)],
        reference=reference,
    )


def _plan_public(
    history: History, account: ChorusAccount, dossier: Dossier, offset: int, today: datetime.date, lines_for
) -> None:
    recipient = next((r for r in RECIPIENTS if r["siret"] == dossier.client.siret), None)
    if recipient is None:
        return
    service = recipient["services"][0][1] if recipient.get("code_service_obligatoire") else ""
    lines = lines_for(dossier, D("1"))
    for n, (days, outcome) in enumerate(PUBLIC_PLAN):
        day = today - datetime.timedelta(days=days - offset)
        state: dict = {}
        engagement = f"EJ-{day.year}-{180 + 10 * offset + n:04d}"
        sent = Sent(account, dossier, recipient, service, lines, state)
        history.add(day, lambda sent=sent, e=engagement, d=day, o=outcome: sent.issue(e, d, o), "facture")
        if outcome == "REJETEE":
            again = day + datetime.timedelta(days=4)
            history.add(again, lambda sent=sent, d=again: sent.correct(d))
            history.add(again + datetime.timedelta(days=38), lambda sent=sent: sent.pay())
        else:
            history.add(day + datetime.timedelta(days=38), lambda sent=sent: sent.pay())


@dataclass
class Sent:
    """An invoice to a public buyer, sent through Chorus Pro; a rejected one is cancelled by an avoir and
    issued again with the right engagement number."""

    account: ChorusAccount
    dossier: Dossier
    recipient: dict
    service: str
    lines: list[LineInput]
    state: dict

    def issue(self, engagement: str, day: datetime.date, outcome: str) -> None:
        draft = services.create_invoice(
            cabinet=self.dossier.cabinet,
            client=self.dossier.client,
            dossier=self.dossier,
            lines=self.lines,
            numero_engagement=engagement,
            code_service=self.service,
        )
        self.state["invoice"] = services.issue_invoice(invoice=draft, today=day)
        _submission(self.account, self.state["invoice"], self.recipient, self.service, day, outcome)

    def correct(self, day: datetime.date) -> None:
        rejected = self.state["invoice"]
        services.issue_invoice(invoice=services.create_credit_note(invoice=rejected), today=day)
        again = services.duplicate_invoice(invoice=rejected)
        Invoice.objects.filter(pk=again.pk).update(numero_engagement=rejected.numero_engagement + "-C")
        again = services.issue_invoice(invoice=Invoice.objects.get(pk=again.pk), today=day)
        _submission(self.account, again, self.recipient, self.service, day, "MISE_EN_PAIEMENT")
        self.state["invoice"] = again

    def pay(self) -> None:
        invoice = self.state["invoice"]
        _pay(invoice, invoice.issue_date + datetime.timedelta(days=38), PaymentMode.VIREMENT)


def _submission(account, invoice: Invoice, recipient: dict, service: str, day: datetime.date, outcome: str):
    """What a sending to Chorus Pro left behind once final: the submission and its status history."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 15)))
    path = ["DEPOSEE", "MISE_A_DISPOSITION"]
    path += ["REJETEE"] if outcome == "REJETEE" else ["SERVICE_FAIT", "MANDATEE", "MISE_EN_PAIEMENT"]
    steps = [(status, start + datetime.timedelta(days=3 * i, minutes=5)) for i, status in enumerate(path)]
    submission = ChorusSubmission.objects.create(
        cabinet=invoice.cabinet,
        invoice=invoice,
        account=account,
        state=SubmissionState.SUBMITTED,
        piece_jointe_id=9_100_000 + invoice.pk,
        deposited_at=start,
        pdf_sha256=invoice.pdf_sha256,
        destinataire_siret=recipient["siret"],
        destinataire_designation=recipient["designation"],
        destinataire_id_structure=recipient["id_cpp"],
        service_code=service,
        type_tva=TvaType.DEBIT,
        numero_engagement=invoice.numero_engagement,
        identifiant_facture_cpp=7_300_000 + invoice.pk,
        submitted_at=start + datetime.timedelta(minutes=2),
        chorus_status=outcome,
        chorus_status_at=steps[-1][1],
        chorus_comment=REJECTION if outcome == "REJETEE" else "",
        refreshed_at=steps[-1][1],
    )
    ChorusStatusChange.objects.bulk_create(
        [
            ChorusStatusChange(
                submission=submission,
                status=status,
                changed_at=at,
                comment=REJECTION if status == "REJETEE" else "",
            )
            for status, at in steps
        ]
    )
