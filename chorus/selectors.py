"""Reads of the Chorus screens, tenant-filtered."""

from __future__ import annotations

import datetime

from django.db.models import (
    BooleanField,
    Case,
    DateField,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Cast, Coalesce, TruncDate
from django.utils import timezone

from chorus import deadlines
from chorus.models import PAID_OUT, ChorusAccount, ChorusStatusChange, ChorusSubmission, SubmissionState
from geoprod.models import Cabinet

# After these the buyer owes nothing on the invoice (REJETEE: a new invoice replaces it).
NO_DEADLINE = frozenset({"REJETEE", "ABANDONNEE", "SUPPRIMEE"})


def account_for(cabinet: Cabinet) -> ChorusAccount | None:
    return ChorusAccount.objects.filter(cabinet=cabinet).first()


def account_or_new(cabinet: Cabinet) -> ChorusAccount:
    """The cabinet's Chorus Pro block, or a blank one prefilled with the cabinet's SIRET."""
    return account_for(cabinet) or ChorusAccount(cabinet=cabinet, siret_fournisseur=cabinet.siret)


def origin_invoices(*, cabinet_id: int, siret: str) -> list[tuple[str, str]]:
    """What an avoir may cite as « N° facture d'origine »: the cabinet's issued invoices submitted to Chorus Pro
    for the same recipient, as (number, « number du date »), newest first."""
    from chorus.lifecycle import IN_CHORUS
    from invoices.models import InvoiceKind, InvoiceStatus

    rows = (
        ChorusSubmission.objects.filter(
            cabinet_id=cabinet_id, state__in=IN_CHORUS, destinataire_siret=siret or "-"
        )
        .exclude(invoice__kind=InvoiceKind.AVOIR)
        .exclude(invoice__status=InvoiceStatus.DRAFT)
        .order_by("-invoice__issue_date", "-invoice__number")
        .values_list("invoice__number", "invoice__issue_date")
    )
    return [(number, f"{number} du {issued:%d/%m/%Y}") for number, issued in rows]


def submission_for_page(*, cabinet: Cabinet, pk: int) -> ChorusSubmission:
    from geoprod.tenancy import get_for_cabinet

    qs = ChorusSubmission.objects.select_related("account", "invoice", "invoice__client", "invoice__origin")
    return get_for_cabinet(qs.prefetch_related("attachments", "status_changes"), cabinet, pk=pk)


def with_public_deadline(invoices: QuerySet, *, today: datetime.date | None = None) -> QuerySet:
    """Annotates each invoice with `public_deadline` (start of the public payment term + the client's 30, 50
    or 60 days, None when no public payment term runs), `public_deadline_estimated` (no « Mise à
    disposition » known yet: counted from the deposit date) and `public_late` (past it, not « Mise en
    paiement », something still due), in the list's own query (chorus/deadlines.py has the rules)."""
    from clients.models import PUBLIC_CATEGORIES
    from invoices.models import OPEN_STATUSES, InvoiceKind

    today = today or timezone.localdate()
    watched = (
        Q(
            chorus_submission__state=SubmissionState.SUBMITTED,
            chorus_submission__date_depot__isnull=False,
            client__categorie__in=PUBLIC_CATEGORIES,
        )
        & ~Q(chorus_submission__chorus_status__in=NO_DEADLINE)
        & ~Q(kind=InvoiceKind.AVOIR)
    )
    # deadlines.start in SQL: the first day a received status was reached since the deposit.
    received_on = Subquery(
        ChorusStatusChange.objects.annotate(day=TruncDate("changed_at"))
        .filter(
            submission=OuterRef("chorus_submission"),
            status__in=deadlines.RECEIVED_STATUSES,
            day__gte=OuterRef("chorus_submission__date_depot"),
        )
        .order_by("day")
        .values("day")[:1],
        output_field=DateField(),
    )
    start = Coalesce(received_on, F("chorus_submission__date_depot"), output_field=DateField())
    days = ExpressionWrapper(F("client__delai_paiement_public"), output_field=IntegerField())
    term = ExpressionWrapper(days * datetime.timedelta(days=1), output_field=DurationField())
    # date + interval is a timestamp in PostgreSQL and a text in SQLite: cast back to a date for both.
    due = Cast(ExpressionWrapper(F("public_start") + term, output_field=DateTimeField()), DateField())
    late = Q(public_deadline__lt=today, status__in=OPEN_STATUSES) & ~Q(
        chorus_submission__chorus_status=PAID_OUT
    )
    return (
        invoices.alias(public_start=start, public_received_on=received_on)
        .annotate(public_deadline=Case(When(watched, then=due), default=None, output_field=DateField()))
        .annotate(
            public_deadline_estimated=Case(
                When(watched & Q(public_received_on__isnull=True), then=True),
                default=False,
                output_field=BooleanField(),
            ),
            public_late=Case(When(late, then=True), default=False, output_field=BooleanField()),
        )
    )


def public_deadlines(*, cabinet: Cabinet, within_days: int = 10, today: datetime.date | None = None) -> list:
    """The dashboard's public invoices still to be paid: late ones first (most late first), then those due
    within `within_days`, each annotated as in with_public_deadline. One query."""
    from clients.models import PUBLIC_CATEGORIES
    from invoices.models import OPEN_STATUSES, Invoice, InvoiceKind

    today = today or timezone.localdate()
    rows = (
        Invoice.objects.filter(
            cabinet=cabinet,
            status__in=OPEN_STATUSES,
            chorus_submission__state=SubmissionState.SUBMITTED,
            client__categorie__in=PUBLIC_CATEGORIES,
        )
        .exclude(kind=InvoiceKind.AVOIR)
        .exclude(chorus_submission__chorus_status__in=NO_DEADLINE | {PAID_OUT})
        .select_related("client", "chorus_submission")
    )
    found = list(
        with_public_deadline(rows, today=today)
        .filter(public_deadline__lte=today + datetime.timedelta(days=within_days))
        .order_by("public_deadline", "number")
    )
    for invoice in found:
        invoice.public_days = abs((today - invoice.public_deadline).days)
    return found
