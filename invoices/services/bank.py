"""Rapprochement bancaire: import a statement (CAMT.053 or CSV) with a proposal per credit line, then accept,
change or ignore each proposal; an accepted line becomes a règlement through record_payment."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F

from clients.models import Client
from geoprod.models import Cabinet
from invoices.errors import InvoicingError
from invoices.models import (
    OPEN_STATUSES,
    BankAccount,
    BankLine,
    BankStatement,
    Invoice,
    InvoiceKind,
    LineStatus,
    Payment,
    PaymentMode,
    StatementFormat,
)
from invoices.services.payments import record_payment
from invoices.statements import (
    Statement,
    StatementError,
    StatementLine,
    camt,
    check_currency,
    csvfile,
    matching,
)


class MappingNeeded(Exception):
    """A CSV whose columns this account does not know yet: the user maps them, then the import goes on."""

    def __init__(self, account: BankAccount, layout: csvfile.Layout, message: str = ""):
        super().__init__(message)
        self.account = account
        self.layout = layout
        self.message = message


@dataclass(frozen=True)
class ImportResult:
    statement: BankStatement
    lines: int
    debits: int
    duplicates: int


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def line_identity(line: StatementLine) -> str:
    """Date, amount and the bank's own reference (AcctSvcrRef) or, without one, the label."""
    key = f"{line.date.isoformat()}|{line.amount:.2f}|{line.reference or line.label}"
    return hashlib.sha256(key.encode()).hexdigest()


def detect_format(data: bytes) -> str:
    head = data[:200].lstrip(b"\xef\xbb\xbf \t\r\n")
    return StatementFormat.CAMT053 if head.startswith(b"<") else StatementFormat.CSV


def import_file(
    *,
    cabinet: Cabinet,
    account_id: int | None,
    new_account: str,
    filename: str,
    data: bytes,
    user=None,
) -> ImportResult:
    """« Importer »: reads a CAMT.053 or a CSV (with the account's remembered columns) and imports it.

    Raises StatementError, MappingNeeded (a CSV whose columns are not known for this account).
    """
    fmt = detect_format(data)
    if fmt == StatementFormat.CAMT053:
        parsed = read_statement(data=data, fmt=fmt)
        account = account_for(cabinet=cabinet, account_id=account_id, label=new_account, iban=parsed.iban)
        return import_statement(
            cabinet=cabinet, account=account, filename=filename, data=data, fmt=fmt, parsed=parsed, user=user
        )
    account = account_for(cabinet=cabinet, account_id=account_id, label=new_account)
    layout = csvfile.sniff(data)
    mapping = account.csv_mapping
    if not mapping:
        raise MappingNeeded(account, layout)
    try:
        csvfile.check_mapping(mapping, layout.headers if mapping.get("separator") == layout.separator else [])
    except StatementError:
        raise MappingNeeded(
            account,
            layout,
            "Les colonnes de ce fichier ne sont plus celles retenues pour ce compte : vérifiez-les.",
        ) from None
    try:
        parsed = read_statement(data=data, fmt=fmt, mapping=mapping)
    except StatementError as e:
        raise MappingNeeded(account, layout, e.message) from None
    return import_statement(
        cabinet=cabinet,
        account=account,
        filename=filename,
        data=data,
        fmt=fmt,
        mapping=mapping,
        parsed=parsed,
        user=user,
    )


def read_statement(*, data: bytes, fmt: str, mapping: dict | None = None) -> Statement:
    """Parses a file. Raises StatementError (unreadable, wrong columns, another currency than the euro)."""
    statement = camt.parse(data) if fmt == StatementFormat.CAMT053 else csvfile.parse(data, mapping or {})
    check_currency(statement)
    return statement


def open_invoices_for_matching(cabinet: Cabinet) -> list[matching.OpenInvoice]:
    """The cabinet's invoices that still have something due, in one query."""
    rows = (
        Invoice.objects.filter(cabinet=cabinet, status__in=OPEN_STATUSES)
        .exclude(kind=InvoiceKind.AVOIR)
        .annotate(due=F("net_to_pay") - F("paid_amount") - F("credited_amount"))
        .filter(due__gt=0)
        .values_list("id", "number", "client_id", "client__nom", "due", "issue_date")
    )
    return [
        matching.OpenInvoice(
            id=i, number=n, client_id=c, client_name=name, amount_due=Decimal(d), issue_date=day
        )
        for i, n, c, name, d, day in rows
    ]


def import_statement(
    *,
    cabinet: Cabinet,
    account: BankAccount,
    filename: str,
    data: bytes,
    fmt: str,
    mapping: dict | None = None,
    parsed: Statement | None = None,
    user=None,
) -> ImportResult:
    """Imports a statement's credit lines with their proposals, all or nothing; a CSV mapping that worked is
    remembered on the account.

    Raises StatementError (unreadable, another currency, already imported, nothing new in it).
    """
    try:
        return _import_statement(
            cabinet=cabinet, account=account, filename=filename, data=data, fmt=fmt, mapping=mapping,
            parsed=parsed, user=user,
        )  # fmt: skip
    except IntegrityError:
        # Two imports of the same file (or of overlapping statements) at the same moment: the unique
        # constraints let one through and roll the other back whole.
        raise StatementError(
            "Ce relevé, ou certaines de ses lignes, vient d'être importé par ailleurs : rechargez la liste des "
            "relevés."
        ) from None


@transaction.atomic
def _import_statement(
    *,
    cabinet: Cabinet,
    account: BankAccount,
    filename: str,
    data: bytes,
    fmt: str,
    mapping: dict | None,
    parsed: Statement | None,
    user,
) -> ImportResult:
    if account.cabinet_id != cabinet.id:
        raise StatementError("Ce compte bancaire n'appartient pas au cabinet.")
    digest = file_digest(data)
    previous = BankStatement.objects.filter(cabinet=cabinet, sha256=digest).first()
    if previous is not None:
        raise StatementError(
            f"Ce relevé a déjà été importé le {previous.imported_at:%d/%m/%Y} (fichier « {previous.filename} »)."
        )
    parsed = parsed or read_statement(data=data, fmt=fmt, mapping=mapping)
    credits = [line for line in parsed.lines if line.amount > 0]
    debits = len(parsed.lines) - len(credits)
    if not credits:
        raise StatementError("Ce relevé ne contient aucune ligne au crédit : aucun règlement à rapprocher.")
    identities = _identities(credits)
    days = [line.date for line in credits]
    known = set(
        BankLine.objects.filter(account=account, date__range=(min(days), max(days))).values_list(
            "identity", flat=True
        )
    )
    fresh = [(line, key) for line, key in zip(credits, identities, strict=True) if key not in known]
    if not fresh:
        raise StatementError("Toutes les lignes de ce relevé ont déjà été importées.")
    statement = BankStatement.objects.create(
        cabinet=cabinet,
        account=account,
        filename=filename[:255],
        sha256=digest,
        format=fmt,
        skipped_debits=debits,
        skipped_duplicates=len(credits) - len(fresh),
        imported_by=user,
    )
    matcher = matching.Matcher(open_invoices_for_matching(cabinet))
    rows = []
    for line, key in fresh:
        proposal = matcher.propose(line)
        rows.append(
            BankLine(
                cabinet=cabinet,
                statement=statement,
                account=account,
                identity=key,
                date=line.date,
                amount=line.amount,
                label=line.label,
                reference=line.reference,
                debtor=line.debtor,
                confidence=proposal.confidence,
                client_id=proposal.client_id,
                proposed_invoice_ids=list(proposal.invoice_ids),
            )
        )
    BankLine.objects.bulk_create(rows)
    if fmt == StatementFormat.CSV and mapping and account.csv_mapping != mapping:
        BankAccount.objects.filter(pk=account.pk).update(csv_mapping=mapping)
    if parsed.iban and not account.iban:
        BankAccount.objects.filter(pk=account.pk).update(iban=parsed.iban[:34])
    return ImportResult(
        statement=statement, lines=len(rows), debits=debits, duplicates=len(credits) - len(fresh)
    )


def _identities(lines: list[StatementLine]) -> list[str]:
    """Two lines identical in date, amount and label inside one file (two cheques of the same amount the same
    day) are two payments: the second gets its rank in the key."""
    seen: dict[str, int] = {}
    keys = []
    for line in lines:
        key = line_identity(line)
        rank = seen.get(key, 0)
        seen[key] = rank + 1
        keys.append(key if rank == 0 else hashlib.sha256(f"{key}#{rank}".encode()).hexdigest())
    return keys


def account_for(*, cabinet: Cabinet, account_id: int | None, label: str, iban: str = "") -> BankAccount:
    """The chosen account, or a new one named by the user (or by the statement's IBAN).
    Raises StatementError (neither chosen nor named)."""
    if account_id:
        found = BankAccount.objects.filter(cabinet=cabinet, pk=account_id).first()
        if found is None:
            raise StatementError("Ce compte bancaire n'existe pas.")
        return found
    if iban and not label:
        found = BankAccount.objects.filter(cabinet=cabinet, iban=iban).first()
        if found is not None:
            return found
    label = (label or iban).strip()
    if not label:
        raise StatementError("Choisissez le compte bancaire du relevé ou donnez un nom au nouveau compte.")
    account, _ = BankAccount.objects.get_or_create(
        cabinet=cabinet, label=label[:100], defaults={"iban": iban}
    )
    return account


@transaction.atomic
def accept_line(
    *, line: BankLine, invoices: Sequence[Invoice] | None = None, client: Client | None = None, user=None
) -> Payment:
    """Turns a statement line into a virement règlement allocated to `invoices` (default: the proposal), oldest
    first, each up to what it still owes; the rest stays on the client's account.

    Raises InvoicingError (line already handled, no client, invoices of several clients).
    """
    line = BankLine.objects.select_for_update(of=("self",)).select_related("client").get(pk=line.pk)
    if not line.is_pending:
        raise InvoicingError("Cette ligne du relevé a déjà été traitée.")
    if invoices is None:
        invoices = list(Invoice.objects.filter(cabinet_id=line.cabinet_id, pk__in=line.proposed_invoice_ids))
    clients = {i.client_id for i in invoices}
    if len(clients) > 1:
        raise InvoicingError("Les factures choisies doivent être celles d'un même client.", field="invoices")
    client_id = clients.pop() if clients else (client.pk if client else line.client_id)
    if client_id is None:
        raise InvoicingError("Choisissez le client qui a payé, ou les factures réglées.", field="client")
    client = Client.objects.get(pk=client_id, cabinet_id=line.cabinet_id)
    locked = Invoice.objects.select_for_update().filter(pk__in=[i.pk for i in invoices])
    rest = line.amount
    allocations = []
    for invoice in sorted(locked, key=lambda i: (i.issue_date, i.number)):
        part = min(invoice.amount_due, rest)
        if part > 0:
            allocations.append((invoice, part))
            rest -= part
    payment = record_payment(
        cabinet=client.cabinet,
        client=client,
        date=line.date,
        amount=line.amount,
        mode=PaymentMode.VIREMENT,
        allocations=allocations,
        reference=(line.reference or line.label)[:100],
        user=user,
    )
    line.payment = payment
    line.status = LineStatus.ACCEPTED
    line.save(update_fields=["payment", "status"])
    return payment


def ignore_line(*, line: BankLine) -> None:
    """« Ignorer »: the line is not a client's payment (a refund from a supplier, interest…).
    Raises InvoicingError (already accepted)."""
    if not BankLine.objects.filter(pk=line.pk, status=LineStatus.PENDING).update(status=LineStatus.IGNORED):
        raise InvoicingError("Cette ligne du relevé a déjà été traitée.")


def accept_proposals(*, statement: BankStatement, confidence: Sequence[str], user=None) -> int:
    """Accepts every pending line of the statement whose proposal has one of these confidences; each line in
    its own transaction, so a line refused (an invoice paid meanwhile) leaves the others accepted."""
    lines = BankLine.objects.filter(statement=statement, status=LineStatus.PENDING, confidence__in=confidence)
    accepted = 0
    for line in lines.order_by("date", "id"):
        try:
            accept_line(line=line, user=user)
        except InvoicingError:
            continue
        accepted += 1
    return accepted
