"""Fichier des Écritures Comptables (art. L47 A-I and A47 A-1 of the Livre des procédures fiscales).

What the file holds, for one fiscal year of one cabinet, from issued documents only (never a draft):
- the sales journal (VE by default): one entry per facture, facture d'acompte and avoir, on its issue date —
  411 (collective account, with the client's auxiliary account in CompAuxNum/CompAuxLib) for what the
  client owes, 706 per VAT rate for the services, the VAT per rate (see below); an acompte is credited to
  4191 (avances reçues sur commandes) and the facture de solde that deducts it clears 4191 and books the
  whole service to 706 and only the VAT its acomptes did not book; débours go to their transit account;
  an avoir is the same entry reversed, except for its VAT under VAT on receipt (below);
- the bank journal (BQ by default): one entry per règlement, 512 debit / 411 credit (a contre-passation
  is the same entry reversed).

VAT. A document under the option for the débits (its `vat_regime`, which the cabinet's `vat_on_debits`
chooses at creation and the invoice prints) books its VAT to 44571 per rate, and its avoir takes it back
from there. Under the default regime of services, VAT on receipt (CGI 269-2-c), the VAT is not due yet: it
is credited to 44574 « TVA collectée en attente d'exigibilité », one line per rate, and moves to 44571 as
it becomes due. What is due on a document follows one timeline (`vat_timeline`), whatever the exercice:
its règlements in the order of their dates and its avoirs on their issue date (before that day's
règlements). After each event, the VAT due is the document's VAT less its avoirs', prorated on what was
paid of its net à payer less its avoirs (a trop-perçu an avoir leaves makes nothing due), and each event
posts its own change, per rate:
- a règlement allocated to the document, in its own bank entry (44574 debit / 44571 credit) rather than in
  an OD: the VAT becomes due on the day of the receipt and for its amount, so one balanced entry with one
  PieceRef shows the cash-in and the VAT it made due, and the plan needs no extra journal; a
  contre-passation gives back what it makes no longer due (its règlement's transfer, unless an avoir came
  between);
- an avoir, in its own sales entry: 44571 is debited by the VAT it makes no longer due on what was already
  paid, 44574 by the rest of its VAT (all of it when nothing was paid).
So 44571 holds, per document, the VAT due on what was actually paid, and 44574 the rest of its VAT not
cancelled by an avoir; a closed exercice's entries do not change when a later event comes. Acomptes follow
the same rule. A règlement left on the client's account (not allocated) and its remboursement move no VAT:
nothing says which invoice it pays.

Format (BOI-CF-IOR-60-40-20): the 18 columns of A47 A-1 in order, a header row with their names, `|` as
separator, one entry line per row ending in CRLF, dates AAAAMMJJ, amounts with a decimal comma and no
thousands separator, Debit and Credit both filled (0,00 on the other side), EcritureNum consecutive per
journal in date order, Montantdevise/Idevise empty (everything is in euros). Encoding: ISO 8859-15, one of
the encodings the BOI lists and the one every accounting import reads; a character outside it (rare in
French names) is written as its closest letter, or « ? ». File name: <SIREN>FEC<closing date>.txt.
"""

from __future__ import annotations

import codecs
import datetime
import itertools
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import BinaryIO

from django.db.models import Prefetch, Q
from django.utils import timezone

from geoprod.models import Cabinet
from invoices import totals, vat
from invoices.models import (
    AccountPlan,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Payment,
    PaymentAllocation,
    PaymentMode,
)

COLUMNS = (
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
)
# Columns that may stay empty: no auxiliary account, no lettering, amounts in euros.
OPTIONAL_COLUMNS = frozenset(
    {"CompAuxNum", "CompAuxLib", "EcritureLet", "DateLet", "Montantdevise", "Idevise"}
)
SEPARATOR = "|"
NEWLINE = "\r\n"
ENCODING = "iso-8859-15"
ZERO = Decimal("0.00")
CHUNK = 2000


class FecError(Exception):
    """The FEC cannot be produced as asked (no SIRET, a year outside the cabinet's activity)."""


@dataclass(frozen=True)
class FiscalYear:
    """An exercice, named after the year it closes in."""

    year: int
    start: datetime.date
    end: datetime.date

    @classmethod
    def of(cls, cabinet: Cabinet, year: int) -> FiscalYear:
        month = cabinet.fiscal_year_start_month or 1
        start = datetime.date(year if month == 1 else year - 1, month, 1)
        following = datetime.date(start.year + 1, month, 1)
        return cls(year, start, following - datetime.timedelta(days=1))

    @classmethod
    def containing(cls, cabinet: Cabinet, day: datetime.date) -> FiscalYear:
        month = cabinet.fiscal_year_start_month or 1
        return cls.of(cabinet, day.year + (1 if month > 1 and day.month >= month else 0))

    @property
    def label(self) -> str:
        return f"Exercice {self.year} (du {self.start:%d/%m/%Y} au {self.end:%d/%m/%Y})"


@dataclass(frozen=True)
class Line:
    account: str
    account_label: str
    amount: Decimal  # positive: debit, negative: credit
    aux: str = ""
    aux_label: str = ""


@dataclass
class Entry:
    journal: str
    journal_label: str
    date: datetime.date
    piece_ref: str
    label: str
    valid_date: datetime.date
    lines: list[Line] = field(default_factory=list)
    source: tuple[str, int] | None = None  # ("invoice" | "payment", pk): the key its lettering is found by

    def add(self, account: str, label: str, amount: Decimal, *, aux: str = "", aux_label: str = "") -> None:
        if amount:
            self.lines.append(Line(account, label, amount, aux, aux_label))

    @property
    def balance(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)


def filename(cabinet: Cabinet, fiscal_year: FiscalYear) -> str:
    if not cabinet.siren:
        raise FecError(
            "Renseignez le SIRET du cabinet (Paramètres > Cabinet) : le fichier FEC porte son SIREN."
        )
    return f"{cabinet.siren}FEC{fiscal_year.end:%Y%m%d}.txt"


def fiscal_years(cabinet: Cabinet) -> list[FiscalYear]:
    """The exercices the cabinet has issued documents or recorded règlements in, newest first (at least
    the current one)."""
    first = (
        Invoice.objects.filter(cabinet=cabinet)
        .exclude(status=InvoiceStatus.DRAFT)
        .order_by("issue_date")
        .values_list("issue_date", flat=True)
        .first()
    )
    first_payment = (
        Payment.objects.filter(cabinet=cabinet).order_by("date").values_list("date", flat=True).first()
    )
    today = timezone.localdate()
    oldest = min(d for d in (first, first_payment, today) if d is not None)
    current = FiscalYear.containing(cabinet, today).year
    return [
        FiscalYear.of(cabinet, y) for y in range(current, FiscalYear.containing(cabinet, oldest).year - 1, -1)
    ]


# Entries ------------------------------------------------------------------------------------------


def _sales_invoices(cabinet: Cabinet, fy: FiscalYear) -> Iterator[Invoice]:
    acomptes = Invoice.objects.prefetch_related("lines").order_by()
    return (
        Invoice.objects.filter(cabinet=cabinet, issue_date__range=(fy.start, fy.end))
        .exclude(status=InvoiceStatus.DRAFT)
        .select_related("client", "origin")
        .prefetch_related("lines", Prefetch("deducts", queryset=acomptes))
        .order_by("issue_date", "issued_at", "id")
        .iterator(chunk_size=CHUNK)
    )


def _vat_rows(invoice: Invoice) -> tuple[dict[Decimal, Decimal], dict[Decimal, Decimal], Decimal]:
    """(services HT per rate, VAT per rate, débours HT) of one document, as its stored totals have them."""
    lines = list(invoice.lines.all())
    vat = {row.rate: row.vat for row in totals.vat_breakdown((line.total_ht, line.rate) for line in lines)}
    services: dict[Decimal, Decimal] = {}
    debours = ZERO
    for line in lines:
        if line.debours:
            debours += line.total_ht
        else:
            rate = line.rate.quantize(totals.CENT)
            services[rate] = services.get(rate, ZERO) + line.total_ht
    return services, vat, debours


def sales_entry(
    invoice: Invoice, plan: AccountPlan, due_change: dict[Decimal, Decimal] | None = None
) -> Entry:
    """The sales entry of one issued document (see the module docstring for the accounts); `due_change` is,
    for an avoir under VAT on receipt, the change per rate it makes to the VAT due on its invoice (see
    `vat_timeline`; none: nothing of it was due)."""
    client = invoice.client
    sign = Decimal(-1) if invoice.kind == InvoiceKind.AVOIR else Decimal(1)
    entry = Entry(
        journal=plan.sales_journal_code,
        journal_label=plan.sales_journal_label,
        date=invoice.issue_date,
        piece_ref=invoice.number,
        label=_text(f"{invoice.title} {invoice.number} {client.nom}"),
        valid_date=timezone.localdate(invoice.issued_at) if invoice.issued_at else invoice.issue_date,
        source=("invoice", invoice.pk),
    )
    services, _, debours = _vat_rows(invoice)
    entry.add(
        plan.clients,
        "Clients",
        sign * invoice.net_to_pay,
        aux=plan.client_aux(client.pk),
        aux_label=_text(client.nom),
    )
    entry.add(plan.acomptes, "Clients - avances et acomptes reçus", sign * invoice.prepaid_ht)
    credits_acompte = invoice.origin_id is not None and invoice.origin.kind == InvoiceKind.ACOMPTE
    if invoice.kind == InvoiceKind.ACOMPTE or credits_acompte:
        # The whole HT of an acompte waits in 4191 (débours included) until the facture de solde clears it.
        advance = sum(services.values(), ZERO) + debours
        entry.add(plan.acomptes, "Clients - avances et acomptes reçus", -sign * advance)
    else:
        for rate, base in services.items():
            entry.add(plan.sales_account(rate), f"Prestations de services {_rate(rate)}", -sign * base)
        entry.add(plan.debours, "Débours refacturés", -sign * debours)
    booked = _booked_vat(invoice)
    if not _vat_on_receipt(invoice):
        for rate, amount in booked.items():
            entry.add(plan.vat_account(rate), f"TVA collectée {_rate(rate)}", -sign * amount)
        return entry
    # Under VAT on receipt an avoir takes back from 44571 the VAT it makes no longer due on what was already
    # paid (−change), and the rest of its VAT from 44574: 44571 keeps the VAT due, never an avoir's twice.
    due_change = due_change or {}
    for rate in sorted(booked.keys() | due_change.keys(), reverse=True):
        change = due_change.get(rate, ZERO)
        pending = -sign * booked.get(rate, ZERO) + change
        entry.add(plan.vat_pending, f"TVA en attente d'exigibilité {_rate(rate)}", pending)
        entry.add(plan.vat_account(rate), f"TVA collectée {_rate(rate)}", -change)
    return entry


def _vat_on_receipt(invoice: Invoice) -> bool:
    return invoice.vat_regime == vat.ENCAISSEMENTS


def _booked_vat(invoice: Invoice) -> dict[Decimal, Decimal]:
    """VAT per taxed rate, highest first, that a document's sales entry books: a facture de solde's less
    the VAT its acomptes already booked."""
    _, booked, _ = _vat_rows(invoice)
    for acompte in invoice.deducts.all() if invoice.kind == InvoiceKind.FACTURE else ():
        for rate, amount in _vat_rows(acompte)[1].items():
            booked[rate] = booked.get(rate, ZERO) - amount
    return {rate: amount for rate, amount in booked.items() if rate}


@dataclass
class VatTimeline:
    """How the VAT due (44571) of documents under VAT on receipt moves, event by event (`vat_timeline`):
    per rate, positive when VAT becomes due (44574 → 44571), negative when it stops being due."""

    payments: dict[int, dict[Decimal, Decimal]] = field(default_factory=dict)  # règlement pk → change
    avoirs: dict[int, dict[Decimal, Decimal]] = field(default_factory=dict)  # avoir pk → change


def vat_timeline(invoice_ids: Iterable[int]) -> VatTimeline:
    """The VAT due on each of these documents under VAT on receipt (others are ignored), event by event:
    its allocations in the order of their règlements' dates, and its issued avoirs on their issue date (an
    avoir counts before the règlements of its day). After each event, the VAT due is the document's booked
    VAT less its avoirs' so far, prorated on what was paid so far over its net à payer less its avoirs so
    far (`totals.prorate`, residue on the last rate); what was paid beyond that (a trop-perçu an avoir
    left) makes no VAT due. Each event's change is its own: a règlement posts it in its bank entry, an
    avoir in its sales entry. The timeline runs over the documents' whole history, whatever the exercice,
    so a closed exercice's changes stay as they were when a later event comes. A fixed number of
    queries per call."""
    documents = Invoice.objects.prefetch_related(
        "lines", Prefetch("deducts", queryset=Invoice.objects.prefetch_related("lines").order_by())
    )
    invoices = {
        invoice.pk: invoice
        for invoice in documents.filter(pk__in=set(invoice_ids), vat_regime=vat.ENCAISSEMENTS)
    }
    timeline = VatTimeline()
    if not invoices:
        return timeline
    # Per document, its events in order: an avoir (0) counts before the règlements (1) of its day.
    events: dict[int, list[tuple[tuple, Invoice | int, Decimal]]] = {pk: [] for pk in invoices}
    issued_avoirs = (
        Invoice.objects.filter(origin_id__in=invoices, kind=InvoiceKind.AVOIR)
        .exclude(status=InvoiceStatus.DRAFT)
        .prefetch_related("lines")
    )
    for avoir in issued_avoirs:
        events[avoir.origin_id].append(((avoir.issue_date, 0, avoir.pk), avoir, ZERO))
    history = PaymentAllocation.objects.filter(invoice_id__in=invoices).values_list(
        "invoice_id", "payment_id", "amount", "payment__date", "pk"
    )
    for invoice_id, payment_id, amount, day, pk in history:
        events[invoice_id].append(((day, 1, payment_id, pk), payment_id, amount))
    for invoice_id, timeline_of_one in events.items():
        invoice = invoices[invoice_id]
        base, pending, paid = invoice.net_to_pay, _booked_vat(invoice), ZERO
        due: dict[Decimal, Decimal] = {}
        for _, event, amount in sorted(timeline_of_one, key=lambda item: item[0]):
            if isinstance(event, Invoice):
                base -= event.net_to_pay
                for rate, cancelled in _booked_vat(event).items():
                    pending[rate] = pending.get(rate, ZERO) - cancelled
                change = timeline.avoirs.setdefault(event.pk, {})
            else:
                paid += amount
                change = timeline.payments.setdefault(event, {})
            after = totals.prorate(min(paid, base), base, pending)
            for rate in sorted(due.keys() | after.keys(), reverse=True):
                change[rate] = change.get(rate, ZERO) + after.get(rate, ZERO) - due.get(rate, ZERO)
            due = after
    return timeline


def vat_transfers(payment_ids: Iterable[int]) -> dict[int, dict[Decimal, Decimal]]:
    """VAT per rate that each of these règlements makes due (positive: from 44574 to 44571) on the
    documents under VAT on receipt it is allocated to, as `vat_timeline` has it: a règlement paid after an
    avoir makes due only the VAT the avoir left, and a contre-passation gives back what its reversal
    makes no longer due. A fixed number of queries per call."""
    wanted = set(payment_ids)
    invoice_ids = set(
        PaymentAllocation.objects.filter(
            payment_id__in=wanted, invoice__vat_regime=vat.ENCAISSEMENTS
        ).values_list("invoice_id", flat=True)
    )
    if not invoice_ids:
        return {}
    moved = vat_timeline(invoice_ids).payments
    return {pk: transfer for pk, transfer in moved.items() if pk in wanted}


def bank_entry(payment: Payment, plan: AccountPlan, transfer: dict[Decimal, Decimal] | None = None) -> Entry:
    """The règlement's entry; `transfer` is the VAT per rate it makes due (see `vat_timeline`)."""
    client = payment.client
    reference = f"REG{payment.pk:06d}"
    what = (
        f"Contre-passation règlement REG{payment.reversal_of_id:06d}"
        if payment.reversal_of_id
        else f"Règlement {PaymentMode(payment.mode).label.lower()}"
    )
    detail = f" {payment.reference}" if payment.reference else ""
    entry = Entry(
        journal=plan.bank_journal_code,
        journal_label=plan.bank_journal_label,
        date=payment.date,
        piece_ref=reference,
        label=_text(f"{what} {client.nom}{detail}"),
        valid_date=max(payment.date, timezone.localdate(payment.created_at)),
        source=("payment", payment.pk),
    )
    entry.add(plan.bank, "Banque", payment.amount)
    entry.add(
        plan.clients, "Clients", -payment.amount, aux=plan.client_aux(client.pk), aux_label=_text(client.nom)
    )
    for rate, amount in sorted((transfer or {}).items(), reverse=True):
        entry.add(plan.vat_pending, f"TVA en attente d'exigibilité {_rate(rate)}", amount)
        entry.add(plan.vat_account(rate), f"TVA collectée {_rate(rate)}", -amount)
    return entry


def entries(cabinet: Cabinet, fy: FiscalYear) -> Iterator[Entry]:
    """Every entry of the exercice: the sales journal, then the bank journal, each in date order."""
    plan = AccountPlan.of(cabinet)
    invoices = _sales_invoices(cabinet, fy)
    while documents := list(itertools.islice(invoices, CHUNK)):
        credited = {
            doc.origin_id
            for doc in documents
            if doc.kind == InvoiceKind.AVOIR and doc.origin_id and _vat_on_receipt(doc)
        }
        changes = vat_timeline(credited).avoirs if credited else {}
        for invoice in documents:
            yield sales_entry(invoice, plan, changes.get(invoice.pk))
    payments = (
        Payment.objects.filter(cabinet=cabinet, date__range=(fy.start, fy.end))
        .select_related("client")
        .order_by("date", "id")
        .iterator(chunk_size=CHUNK)
    )
    while batch := list(itertools.islice(payments, CHUNK)):
        transfers = vat_transfers(payment.pk for payment in batch)
        for payment in batch:
            yield bank_entry(payment, plan, transfers.get(payment.pk))


# Lettering ----------------------------------------------------------------------------------------

Lettering = dict[tuple[str, int], tuple[str, datetime.date]]


def lettering(cabinet: Cabinet, fy: FiscalYear) -> Lettering:
    """Lettrage of the client account: documents and règlements tied together (allocations, avoir → its
    invoice) whose client lines cancel out, all inside the exercice, share one code; DateLet is the date of
    the last of them. A group with a part outside the file, or not settled, stays unlettered. A few value
    queries whatever the size of the year (ids, amounts and dates only)."""
    issued = (
        Invoice.objects.filter(cabinet=cabinet, issue_date__range=(fy.start, fy.end))
        .exclude(status=InvoiceStatus.DRAFT)
        .values_list("pk", "kind", "net_to_pay", "issue_date", "origin_id")
    )
    amounts: dict[tuple[str, int], Decimal] = {}
    dates: dict[tuple[str, int], datetime.date] = {}
    parent: dict[tuple[str, int], tuple[str, int]] = {}
    links: list[tuple[tuple[str, int], tuple[str, int]]] = []
    for pk, kind, net, day, origin_id in issued.iterator(chunk_size=CHUNK):
        key = ("invoice", pk)
        amounts[key] = -net if kind == InvoiceKind.AVOIR else net
        dates[key] = day
        if origin_id:
            links.append((key, ("invoice", origin_id)))
    payments = Payment.objects.filter(cabinet=cabinet, date__range=(fy.start, fy.end))
    for pk, amount, day in payments.values_list("pk", "amount", "date").iterator(chunk_size=CHUNK):
        amounts[("payment", pk)] = -amount
        dates[("payment", pk)] = day
    allocations = PaymentAllocation.objects.filter(payment__cabinet=cabinet).filter(
        Q(payment__date__range=(fy.start, fy.end)) | Q(invoice__issue_date__range=(fy.start, fy.end))
    )
    for payment_id, invoice_id in allocations.values_list("payment_id", "invoice_id").iterator(
        chunk_size=CHUNK
    ):
        links.append((("payment", payment_id), ("invoice", invoice_id)))

    def root(key):
        while parent.get(key, key) != key:
            parent[key] = parent.get(parent[key], parent[key])
            key = parent[key]
        return key

    outside: set[tuple[str, int]] = set()
    for a, b in links:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[ra] = rb
    for a, b in links:
        for key in (a, b):
            if key not in amounts:
                outside.add(root(key))
    groups: dict[tuple[str, int], list[tuple[str, int]]] = {}
    for key in amounts:
        groups.setdefault(root(key), []).append(key)
    result: Lettering = {}
    lettered = 0
    for group_root, members in sorted(groups.items(), key=lambda item: max(dates[k] for k in item[1])):
        if len(members) < 2 or group_root in outside or sum(amounts[k] for k in members) != 0:
            continue
        code = _letter_code(lettered)
        lettered += 1
        last = max(dates[k] for k in members)
        for key in members:
            result[key] = (code, last)
    return result


def _letter_code(n: int) -> str:
    """0 → AAA, 1 → AAB … : three letters and more, in the order groups were settled."""
    letters = ""
    for _ in range(3):
        n, r = divmod(n, 26)
        letters = chr(65 + r) + letters
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters


# Writing ------------------------------------------------------------------------------------------


def rows(numbered: Iterable[Entry], letters: Lettering | None = None) -> Iterator[list[str]]:
    """The 18 fields of each line; EcritureNum runs from 1 in each journal, in the order given; the client
    line of a settled document carries its lettering."""
    numbers: dict[str, int] = {}
    letters = letters or {}
    for entry in numbered:
        if entry.balance != 0:
            raise FecError(f"Écriture {entry.piece_ref} déséquilibrée ({entry.balance}).")
        numbers[entry.journal] = numbers.get(entry.journal, 0) + 1
        code, lettered_on = letters.get(entry.source, ("", None))
        for line in entry.lines:
            on_client = bool(code) and bool(line.aux)
            yield [
                entry.journal,
                entry.journal_label,
                str(numbers[entry.journal]),
                _date(entry.date),
                line.account,
                line.account_label,
                line.aux,
                line.aux_label,
                _text(entry.piece_ref),
                _date(entry.date),
                entry.label,
                _amount(max(line.amount, ZERO)),
                _amount(max(-line.amount, ZERO)),
                code if on_client else "",
                _date(lettered_on) if on_client else "",
                _date(entry.valid_date),
                "",
                "",
            ]


def lines(cabinet: Cabinet, fy: FiscalYear) -> Iterator[str]:
    """The file's text lines, header first."""
    yield SEPARATOR.join(COLUMNS) + NEWLINE
    for row in rows(entries(cabinet, fy), lettering(cabinet, fy)):
        yield SEPARATOR.join(row) + NEWLINE


def encoded(cabinet: Cabinet, fy: FiscalYear) -> Iterator[bytes]:
    """The file as ISO 8859-15 bytes, in chunks of lines (for a streamed download)."""
    filename(cabinet, fy)  # refuses early when the SIREN is missing
    batch: list[str] = []
    for line in lines(cabinet, fy):
        batch.append(line)
        if len(batch) >= 500:
            yield _encode("".join(batch))
            batch = []
    if batch:
        yield _encode("".join(batch))


def write(out: BinaryIO, cabinet: Cabinet, fy: FiscalYear) -> None:
    for chunk in encoded(cabinet, fy):
        out.write(chunk)


def _encode(text: str) -> bytes:
    return text.encode(ENCODING, errors="fec")


def _fallback(error: UnicodeEncodeError) -> tuple[str, int]:
    char = error.object[error.start]
    plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode() or "?"
    return plain, error.start + 1


codecs.register_error("fec", _fallback)


def _date(day: datetime.date) -> str:
    return f"{day:%Y%m%d}"


def _amount(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def _rate(rate: Decimal) -> str:
    return f"{totals.decimal_fr(rate)} %"


def _text(value: str) -> str:
    """Free text as one field: no separator, tab or line break inside, no leading or trailing blank."""
    return " ".join(value.replace(SEPARATOR, " ").split())
