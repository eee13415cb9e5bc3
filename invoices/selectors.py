"""Reads for the invoicing pages and blocks, tenant-filtered, with a constant number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    F,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import Expression
from django.db.models.functions import Greatest
from django.utils import timezone

from clients.models import Client, Dossier
from clients.selectors import matching_clients
from geoprod.models import Cabinet
from geoprod.search import parse_amount, terms
from invoices.models import (
    OPEN_STATUSES,
    BankLine,
    BankStatement,
    Invoice,
    InvoiceKind,
    LineStatus,
    Payment,
    PaymentAllocation,
    Quote,
    QuoteStatus,
)

ZERO = Decimal("0.00")
# chorus_submission / einvoice: the Chorus Pro mark and the e-invoice status badge of each row, read in the
# same query.
LIST_RELATED = (
    "client",
    "dossier__famille",
    "dossier__responsable",
    "client__responsable",
    "chorus_submission",
    "einvoice",  # the bulk « Transmettre à la plateforme agréée » box of each row
)


def list_rows(qs: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """What a row of the invoice table shows, in the list's one query (« Échéance publique » included)."""
    from chorus.selectors import with_public_deadline

    return with_public_deadline(qs.select_related(*LIST_RELATED))


INVOICE_FILTERS = ("q", "status", "kind", "client", "dossier", "start", "end", "overdue")


def matching_invoices(
    *,
    cabinet: Cabinet,
    q: str = "",
    status: str = "",
    kind: str = "",
    client: Client | int | None = None,
    dossier: Dossier | int | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    overdue: bool = False,
) -> QuerySet[Invoice]:
    """The invoices the list's filters select, in the list's order (drafts, which have no issue date yet,
    first, then newest issued), without the joins of a displayed row: the totals and the choice of a page
    read only the invoice table (on PostgreSQL, a covering index: see migration 0023)."""
    qs = Invoice.objects.filter(cabinet=cabinet)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if client:
        qs = qs.filter(client=client)
    if dossier:
        qs = qs.filter(dossier=dossier)
    if start:
        qs = qs.filter(issue_date__gte=start)
    if end:
        qs = qs.filter(issue_date__lte=end)
    if overdue:
        qs = overdue_invoices(qs)
    # Last: PostgreSQL tests conditions of equal cost in the order written, so the text search runs only
    # on the rows the other filters keep.
    if q and (text := terms(q)):
        qs = qs.filter(invoice_search(cabinet, text))
    return qs.order_by("-issue_date", "-id")


def invoice_list(*, cabinet: Cabinet, **filters) -> QuerySet[Invoice]:
    """The base-wide list with what each row shows (matching_invoices' filters). Invoices sent to a
    public buyer carry their « Échéance publique » (chorus.selectors.with_public_deadline)."""
    return list_rows(matching_invoices(cabinet=cabinet, **filters))


def filter_invoices(cabinet: Cabinet, params, *, rows: bool = True) -> QuerySet[Invoice]:
    """The invoice list as its filters select it; `params` is InvoiceFilterForm's cleaned_data (missing
    or empty keys do not filter). The page and its exports both read it; `rows=False` gives the bare
    filtered set (for the totals and the choice of a page, see geoprod.pagination)."""
    filters = {k: params[k] for k in INVOICE_FILTERS if params.get(k)}
    return (invoice_list if rows else matching_invoices)(cabinet=cabinet, **filters)


def invoice_search_arms(cabinet: Cabinet, text: str) -> list[Q]:
    """Number, objet, client (name or SIRET) or an amount (HT, TTC or net à payer), one condition each.
    The matching clients are read first as ids: every condition then stays on the invoice table and its
    indexes. On PostgreSQL number and objet are tested at once on the stored search text of migration
    0025 (StoredTextContains): the same invoices, one cheap comparison each, answered from the list's
    covering index (migration 0026)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        arms = [Q(StoredTextContains(text))]
    else:
        arms = [Q(number__icontains=text), Q(objet__icontains=text)]
    client_ids = list(matching_clients(cabinet, text).values_list("id", flat=True))
    if client_ids:
        arms.append(Q(client_id__in=client_ids))
    amount = parse_amount(text)
    if amount is not None:
        arms += [Q(total_ht=amount), Q(total_ttc=amount), Q(net_to_pay=amount)]
    return arms


class StoredTextContains(Expression):
    """`number icontains text OR objet icontains text`, on PostgreSQL's stored
    UPPER(number) || U+001F || UPPER(objet) (migration 0025; `text` never holds U+001F, see
    geoprod.search.terms), escaped as Django's icontains escapes it. The column is unknown to the model
    (PostgreSQL fills it): it is named on the query's own invoice table, whatever its alias (U0 in the
    page's subquery, see geoprod.pagination)."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def as_sql(self, compiler, connection):
        alias = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return f'{alias}."search_text" LIKE UPPER(%s)', [f"%{connection.ops.prep_for_like_query(self.text)}%"]


def invoice_search(cabinet: Cabinet, text: str) -> Q:
    found = Q()
    for arm in invoice_search_arms(cabinet, text):
        found |= arm
    return found


# What a row adds to the totals row: the union of a search's conditions keeps these columns (and the id,
# so that a row found twice counts once).
TOTAL_COLUMNS = (
    "id",
    "kind",
    "status",
    "total_ht",
    "total_vat",
    "total_ttc",
    "net_to_pay",
    "paid_amount",
    "credited_amount",
)


def _search_totals(invoices: QuerySet[Invoice], arms: list[Q]) -> ListTotals:
    """The totals of `invoices` narrowed by a search, on PostgreSQL: one UNION of a subquery per search
    condition, each read from its own index (trigram, amount, client), then added up. With the plain OR
    the planner tests every condition on each of the cabinet's invoices however few match."""
    from django.db import connection

    union = invoices.filter(arms[0]).order_by().values(*TOTAL_COLUMNS)
    union = union.union(*[invoices.filter(arm).order_by().values(*TOTAL_COLUMNS) for arm in arms[1:]])
    sql, params = union.query.sql_with_params()
    avoir = f"'{InvoiceKind.AVOIR.value}'"
    open_statuses = ", ".join(f"'{status.value}'" for status in OPEN_STATUSES)
    signed = f"SUM(CASE WHEN kind = {avoir} THEN -{{0}} ELSE {{0}} END)"
    due = (
        f"SUM(CASE WHEN status IN ({open_statuses}) AND kind <> {avoir} "
        "THEN GREATEST(net_to_pay - paid_amount - credited_amount, 0) ELSE 0 END)"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*), {signed.format('total_ht')}, {signed.format('total_vat')}, "
            f"{signed.format('total_ttc')}, {due} FROM ({sql}) AS found",
            params,
        )
        count, *amounts = cursor.fetchone()
    ht, vat, ttc, due_total = (Decimal(v or 0).quantize(ZERO) for v in amounts)
    return ListTotals(count=count, ht=ht, vat=vat, ttc=ttc, due=due_total)


@dataclass(frozen=True)
class ListTotals:
    count: int
    ht: Decimal = ZERO
    vat: Decimal = ZERO
    ttc: Decimal = ZERO
    due: Decimal = ZERO


def _money(expression) -> Sum:
    return Sum(expression, output_field=DecimalField(max_digits=16, decimal_places=2), default=ZERO)


def _signed(field: str):
    """An avoir counts negatively in a total, as the list shows it."""
    return Case(When(kind=InvoiceKind.AVOIR, then=-F(field)), default=F(field))


def invoice_totals(invoices: QuerySet[Invoice]) -> ListTotals:
    """HT, TVA, TTC and reste dû of a filtered list, in one aggregate query over the whole set."""
    due = Case(
        When(
            Q(status__in=OPEN_STATUSES) & ~Q(kind=InvoiceKind.AVOIR),
            then=Greatest(F("net_to_pay") - F("paid_amount") - F("credited_amount"), Value(ZERO)),
        ),
        default=Value(ZERO),
    )
    row = invoices.order_by().aggregate(
        count=Count("id"),
        ht=_money(_signed("total_ht")),
        vat=_money(_signed("total_vat")),
        ttc=_money(_signed("total_ttc")),
        due=_money(due),
    )
    return ListTotals(**{k: v if k == "count" else Decimal(v).quantize(ZERO) for k, v in row.items()})


def totals_deferred(params) -> bool:
    """A search's totals test the text on every invoice of the cabinet (about 30 ms at 100 000): the
    list shows its page first, uncounted, and loads the totals row and the page count after it
    (invoice-totals). Every other filter is added up from an index in a few milliseconds."""
    return bool(params.get("q") and terms(params["q"]))


# The filters the pre-added day totals answer (invoices.models.InvoiceDayTotal); any other one (a
# search, a client, a dossier, overdue) adds the matching invoices themselves.
DAY_TOTAL_FILTERS = {"status", "kind", "start", "end"}


def list_totals(cabinet: Cabinet, params, invoices: QuerySet[Invoice]) -> ListTotals:
    """The list's totals row for `params` (InvoiceFilterForm's cleaned_data) whose invoices are
    `invoices`: on PostgreSQL, without a search or a client, dossier or overdue filter, added from the
    day totals its trigger keeps (a few thousand rows whatever the number of invoices); else from the
    invoices (invoice_totals), a search's through one subquery per condition (_search_totals).
    All are exact."""
    from django.db import connection

    from invoices.models import InvoiceDayTotal

    used = {k for k in INVOICE_FILTERS if params.get(k)}
    if connection.vendor != "postgresql":
        return invoice_totals(invoices)
    if not used <= DAY_TOTAL_FILTERS:
        text = terms(params["q"]) if params.get("q") else ""
        if not text:
            return invoice_totals(invoices)
        others = {k: params[k] for k in used - {"q"}}
        return _search_totals(
            matching_invoices(cabinet=cabinet, **others), invoice_search_arms(cabinet, text)
        )
    rows = InvoiceDayTotal.objects.filter(cabinet=cabinet)
    if params.get("status"):
        rows = rows.filter(status=params["status"])
    if params.get("kind"):
        rows = rows.filter(kind=params["kind"])
    if params.get("start"):
        rows = rows.filter(day__gte=params["start"])
    if params.get("end"):
        rows = rows.filter(day__lte=params["end"])
    row = rows.aggregate(
        count=Sum("documents", default=0),
        ht=_money(F("ht")),
        vat=_money(F("vat")),
        ttc=_money(F("ttc")),
        due=_money(F("due")),
    )
    return ListTotals(**{k: v if k == "count" else Decimal(v).quantize(ZERO) for k, v in row.items()})


def overdue_invoices(qs: QuerySet[Invoice]) -> QuerySet[Invoice]:
    return qs.filter(status__in=OPEN_STATUSES, due_date__lt=timezone.localdate()).exclude(
        kind=InvoiceKind.AVOIR
    )


def invoice_detail(*, cabinet: Cabinet) -> QuerySet[Invoice]:
    return (
        Invoice.objects.filter(cabinet=cabinet)
        .select_related("client", "dossier__famille", "dossier__responsable", "quote", "origin", "cabinet")
        .prefetch_related("lines")
    )


def document_history(*, invoice: Invoice | None = None, quote: Quote | None = None) -> QuerySet:
    """The « Historique » of one document, oldest first, in one query (the actor's name is stored)."""
    from invoices.models import DocumentEvent

    if invoice is not None:
        return DocumentEvent.objects.filter(invoice=invoice).order_by("at", "id")
    return DocumentEvent.objects.filter(quote=quote).order_by("at", "id")


PAYMENT_FILTERS = ("q", "mode", "client", "start", "end")


def payment_list(
    *,
    cabinet: Cabinet,
    client: Client | int | None = None,
    q: str = "",
    mode: str = "",
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> QuerySet[Payment]:
    qs = Payment.objects.filter(cabinet=cabinet).select_related(
        "client", "reversal_of", "reversal", "refund_of"
    )
    if client:
        qs = qs.filter(client=client)
    if q and (text := terms(q)):
        found = Q(reference__icontains=text)
        client_ids = list(matching_clients(cabinet, text).values_list("id", flat=True))
        if client_ids:
            found |= Q(client_id__in=client_ids)
        if (amount := parse_amount(text)) is not None:
            found |= Q(amount=amount)
        qs = qs.filter(found)
    if mode:
        qs = qs.filter(mode=mode)
    if start:
        qs = qs.filter(date__gte=start)
    if end:
        qs = qs.filter(date__lte=end)
    return qs.prefetch_related(
        Prefetch("allocations", queryset=PaymentAllocation.objects.select_related("invoice")), "refunds"
    ).order_by("-date", "-id")


@dataclass(frozen=True)
class Balance:
    """« Solde client »: what the client owes on open invoices less what it paid and is not yet allocated."""

    invoices: list[Invoice]
    credits: list[Payment]
    due: Decimal
    unallocated: Decimal

    @property
    def balance(self) -> Decimal:
        return self.due - self.unallocated


def client_balance(*, client: Client) -> Balance:
    """The open invoices and the payments with an unallocated rest, in three queries."""
    invoices = open_invoices_of(client=client)
    payments = [
        p
        for p in Payment.objects.filter(client=client, reversal_of=None, refund_of=None)
        .select_related("reversal")
        .prefetch_related("allocations", "refunds")
        .order_by("date", "id")
        if p.unallocated
    ]
    return Balance(
        invoices=invoices,
        credits=payments,
        due=sum((i.amount_due for i in invoices), ZERO),
        unallocated=sum((p.unallocated for p in payments), ZERO),
    )


def filter_payments(cabinet: Cabinet, params) -> QuerySet[Payment]:
    """The règlements list as PaymentFilterForm's cleaned_data selects it (page and exports)."""
    return payment_list(cabinet=cabinet, **{k: params[k] for k in PAYMENT_FILTERS if params.get(k)})


def payment_totals(payments: QuerySet[Payment]) -> ListTotals:
    """Sum of the filtered règlements (a contre-passation counts negatively, as it was recorded)."""
    row = payments.order_by().aggregate(count=Count("id"), ttc=_money(F("amount")))
    return ListTotals(count=row["count"], ttc=Decimal(row["ttc"]).quantize(ZERO))


QUOTE_FILTERS = ("q", "status", "client", "dossier", "start", "end")


def quote_list(
    *,
    cabinet: Cabinet,
    q: str = "",
    status: str = "",
    client: Client | int | None = None,
    dossier: Dossier | int | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> QuerySet[Quote]:
    qs = Quote.objects.filter(cabinet=cabinet).select_related("client", "dossier")
    if q and (text := terms(q)):
        found = Q(number__icontains=text) | Q(objet__icontains=text)
        client_ids = list(matching_clients(cabinet, text).values_list("id", flat=True))
        if client_ids:
            found |= Q(client_id__in=client_ids)
        if (amount := parse_amount(text)) is not None:
            found |= Q(total_ht=amount) | Q(total_ttc=amount)
        qs = qs.filter(found)
    if status:
        qs = qs.filter(status=status)
    if client:
        qs = qs.filter(client=client)
    if dossier:
        qs = qs.filter(dossier=dossier)
    if start:
        qs = qs.filter(date__gte=start)
    if end:
        qs = qs.filter(date__lte=end)
    return qs.order_by("-date", "-id")


def filter_quotes(cabinet: Cabinet, params) -> QuerySet[Quote]:
    """The devis list as QuoteFilterForm's cleaned_data selects it (page and exports)."""
    return quote_list(cabinet=cabinet, **{k: params[k] for k in QUOTE_FILTERS if params.get(k)})


def quote_totals(quotes: QuerySet[Quote]) -> ListTotals:
    row = quotes.order_by().aggregate(
        count=Count("id"), ht=_money(F("total_ht")), vat=_money(F("total_vat")), ttc=_money(F("total_ttc"))
    )
    return ListTotals(**{k: v if k == "count" else Decimal(v).quantize(ZERO) for k, v in row.items()})


def clients_with_open_invoices(*, cabinet: Cabinet) -> QuerySet[Client]:
    """Clients to offer on « Enregistrer un règlement » (an avoir is never paid)."""
    open_invoices = Invoice.objects.filter(cabinet=cabinet, status__in=OPEN_STATUSES).exclude(
        kind=InvoiceKind.AVOIR
    )
    return Client.objects.filter(cabinet=cabinet, pk__in=open_invoices.values("client")).order_by("nom")


def open_invoices_of(*, client: Client) -> list[Invoice]:
    """Issued invoices of a client that still have something due (payment form)."""
    qs = Invoice.objects.filter(client=client, status__in=OPEN_STATUSES).exclude(kind=InvoiceKind.AVOIR)
    return [inv for inv in qs.order_by("issue_date", "number") if inv.amount_due > 0]


@dataclass(frozen=True)
class Figures:
    invoiced_ht: Decimal
    to_collect: Decimal
    overdue: Decimal
    to_invoice: Decimal = ZERO


def _figures(invoices: list[Invoice]) -> tuple[Decimal, Decimal, Decimal]:
    today = timezone.localdate()
    invoiced = sum((-i.total_ht if i.is_credit_note else i.billed_ht for i in invoices if i.is_issued), ZERO)
    due = [i for i in invoices if i.status in OPEN_STATUSES and not i.is_credit_note]
    to_collect = sum((i.amount_due for i in due), ZERO)
    overdue = sum((i.amount_due for i in due if i.due_date and i.due_date < today), ZERO)
    return invoiced, to_collect, overdue


def client_figures(*, client: Client) -> Figures:
    invoices = list(
        Invoice.objects.filter(client=client).only(
            "kind",
            "status",
            "total_ht",
            "prepaid_ht",
            "net_to_pay",
            "paid_amount",
            "credited_amount",
            "due_date",
        )
    )
    return Figures(*_figures(invoices))


@dataclass(frozen=True)
class DossierDashboard:
    quotes: list[Quote]
    orders: list[Quote]
    invoices: list[Invoice]
    payments: list[PaymentAllocation]
    figures: Figures


def dossier_dashboard(*, dossier: Dossier) -> DossierDashboard:
    """Devis, commandes, factures, règlements of a dossier and what remains to invoice and collect."""
    quotes = list(Quote.objects.filter(dossier=dossier).order_by("-date", "-id"))
    invoices = list(list_rows(Invoice.objects.filter(dossier=dossier)).order_by("-issue_date", "-id"))
    payments = list(
        PaymentAllocation.objects.filter(invoice__dossier=dossier)
        .select_related("payment", "invoice")
        .order_by("-payment__date", "-id")
    )
    orders = [q for q in quotes if q.status == QuoteStatus.ACCEPTED]
    invoiced, to_collect, overdue = _figures(invoices)
    order_ids = {q.pk for q in orders}
    invoiced_on_orders = sum(
        (
            (-i.total_ht if i.is_credit_note else i.billed_ht)
            for i in invoices
            if i.is_issued and (i.quote_id in order_ids)
        ),
        ZERO,
    )
    to_invoice = max(sum((q.total_ht for q in orders), ZERO) - invoiced_on_orders, ZERO)
    return DossierDashboard(
        quotes, orders, invoices, payments, Figures(invoiced, to_collect, overdue, to_invoice)
    )


def quote_invoices(*, quote: Quote) -> list[Invoice]:
    return list(list_rows(Invoice.objects.filter(quote=quote)).order_by("issue_date", "id"))


def statement_list(*, cabinet: Cabinet) -> QuerySet[BankStatement]:
    """Imported statements with their line counts, in one query."""
    return (
        BankStatement.objects.filter(cabinet=cabinet)
        .select_related("account", "imported_by")
        .annotate(
            line_count=Count("lines"),
            pending_count=Count("lines", filter=Q(lines__status=LineStatus.PENDING)),
            accepted_count=Count("lines", filter=Q(lines__status=LineStatus.ACCEPTED)),
        )
        .order_by("-imported_at", "-id")
    )


def statement_lines(*, statement: BankStatement, status: str = "") -> QuerySet[BankLine]:
    qs = BankLine.objects.filter(statement=statement).select_related("client", "payment")
    if status in LineStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("date", "id")


def statement_counts(*, statement: BankStatement) -> dict[str, int]:
    rows = BankLine.objects.filter(statement=statement).values_list("status").annotate(n=Count("id"))
    counts = {status: 0 for status in LineStatus.values}
    counts.update(dict(rows))
    return counts


def attach_proposed_invoices(lines) -> None:
    """Sets `line.proposed` (the proposed invoices, oldest first) on a page of lines, in one query."""
    ids = {i for line in lines for i in line.proposed_invoice_ids}
    invoices = {i.pk: i for i in Invoice.objects.filter(pk__in=ids)} if ids else {}
    for line in lines:
        line.proposed = [invoices[i] for i in line.proposed_invoice_ids if i in invoices]
