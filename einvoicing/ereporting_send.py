"""Sending the e-reporting (flux 10) to the cabinet's Plateforme Agréée as `FRR` flows, exactly once per version
(shaped like sending.py): build → check against the XSD and the PPF schematron → a conditional claim → POST,
an « à vérifier » state after a lost reply and a search by trackingId before any re-send, a stale claim
looked up then resumed. The acknowledgement is read back by refresh() (page view, periodic task).

The calendar: which periods the cabinet's VAT regime makes due, and by when. A period whose content changed
after it was sent gets a corrective report (TypeCode RE, version n + 1): the flux 10 XSD has no reference to
the replaced transmission, so the corrective carries the whole period again (assumption, see DEADLINES).

Assumptions where reference.md says « unverified » (each kept here, in one place):
- DEADLINES below (reference §6, [M], « current e-reporting deadlines after decree amendments » unverified).
- A corrective (RE) replaces the whole period's report and has its own ReportDocument Id (« …-RE2 »).
- The flows go with processingRule B2C (10.3, 10.4) or B2BInt (10.1, 10.2).
- Periods before the reform's date for the cabinet (routing.MANDATORY_FROM) are not sent by the calendar;
  « Envoyer maintenant » still sends them.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from lxml import etree

from einvoicing import claims, client, ereporting, routing, services
from einvoicing import ereporting_international as international
from einvoicing.models import (
    EInvoiceState,
    EReport,
    EReportKind,
    EReportType,
    PlatformAccount,
    VatReportingRegime,
)
from einvoicing.sending import STALE_AFTER, NotSendable

# The kinds the E-reporting page and its URLs name, and the sub-flow each one is.
PAGE_KINDS = {
    "transactions": EReportKind.TRANSACTIONS,
    "paiements": EReportKind.PAYMENTS,
    "international": EReportKind.INVOICES,
    "paiements-international": EReportKind.INVOICE_PAYMENTS,
}
# Transactions (10.1, 10.3) and payments (10.2, 10.4) follow their family's periods and deadlines.
FAMILY = {
    "transactions": "transactions",
    "paiements": "paiements",
    "international": "transactions",
    "paiements-international": "paiements",
}
# International reports are sent only for a period with international sales or payments.
OPTIONAL = frozenset({"international", "paiements-international"})
KIND_PAGE = {v: k for k, v in PAGE_KINDS.items()}
RULES = {
    EReportKind.TRANSACTIONS: client.ProcessingRule.B2C,
    EReportKind.PAYMENTS: client.ProcessingRule.B2C,
    EReportKind.INVOICES: client.ProcessingRule.B2B_INT,
    EReportKind.INVOICE_PAYMENTS: client.ProcessingRule.B2B_INT,
}

# -- Calendar ----------------------------------------------------------------------------------------------
# UNVERIFIED (reference.md §6 [M], §9 « current e-reporting deadlines »): the day of the month following the
# period's end by which a report is due, per regime and report family; None = ten days after the period ends.
DEADLINES = {
    (VatReportingRegime.REEL_MENSUEL, "transactions"): None,  # « every ten days »
    (VatReportingRegime.REEL_MENSUEL, "paiements"): 10,  # « monthly, before the 10th »
    (VatReportingRegime.REEL_TRIMESTRIEL, "transactions"): 10,
    (VatReportingRegime.REEL_TRIMESTRIEL, "paiements"): 10,
    (VatReportingRegime.SIMPLIFIE, "transactions"): 30,  # « 25th–30th of the next month »
    (VatReportingRegime.SIMPLIFIE, "paiements"): 30,
    (VatReportingRegime.FRANCHISE, "transactions"): 30,  # « every two months », day not found
    (VatReportingRegime.FRANCHISE, "paiements"): 30,
}
# How far back the periodic task looks for a closed period never sent.
LOOKBACK = datetime.timedelta(days=70)


def deadline(regime: str, page_kind: str, period: ereporting.Period) -> datetime.date:
    day = DEADLINES[(VatReportingRegime(regime), FAMILY[page_kind])]
    if day is None:
        return period.end + datetime.timedelta(days=10)
    following = period.end + datetime.timedelta(days=1)
    if following.day != 1:
        following = (following.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    last = ereporting._month_end(following)
    return following.replace(day=min(day, last.day))


def periods(regime: str, page_kind: str, month: datetime.date) -> list[ereporting.Period]:
    if FAMILY[page_kind] == "transactions":
        return ereporting.transaction_periods(regime, month)
    return ereporting.payment_periods(regime, month)


def closed(period: ereporting.Period, today: datetime.date | None = None) -> bool:
    return period.end < (today or timezone.localdate())


# -- Building ----------------------------------------------------------------------------------------------


BUILDERS = {
    EReportKind.TRANSACTIONS: ereporting.transactions_xml,
    EReportKind.PAYMENTS: ereporting.payments_xml,
    EReportKind.INVOICES: international.invoices_xml,
    EReportKind.INVOICE_PAYMENTS: international.payments_xml,
}
CONTENT = {
    EReportKind.TRANSACTIONS: ereporting.transactions,
    EReportKind.PAYMENTS: ereporting.payments,
    EReportKind.INVOICES: international.invoices,
    EReportKind.INVOICE_PAYMENTS: international.payments,
}


@dataclass(frozen=True)
class Built:
    xml: bytes
    content_sha256: str


def _platform(account: PlatformAccount | None) -> tuple[str, str]:
    if account is None:
        raise NotSendable(
            "Renseignez d'abord la plateforme agréée du cabinet (Paramètres > Facturation électronique)."
        )
    if not account.matricule:
        raise NotSendable(
            "Renseignez le matricule de la plateforme agréée (4 caractères) dans Paramètres > Facturation "
            "électronique : il identifie l'émetteur de l'e-reporting."
        )
    return account.matricule, account.name


def content_fingerprint(xml: bytes) -> str:
    """sha256 of the report section (period and figures), without the header whose issue time always moves."""
    root = etree.fromstring(xml)
    section = root.find("TransactionsReport")
    if section is None:
        section = root.find("PaymentsReport")
    return hashlib.sha256(etree.tostring(section, method="c14n")).hexdigest()


def build(
    cabinet,
    kind: str,
    period: ereporting.Period,
    *,
    matricule: str,
    name: str,
    type_code: str = EReportType.INITIAL,
    version: int = 1,
) -> Built:
    xml = xml_for(cabinet, kind, period, matricule=matricule, name=name, type_code=type_code, version=version)
    return Built(xml, content_fingerprint(xml))


def xml_for(
    cabinet,
    kind: str,
    period: ereporting.Period,
    *,
    matricule: str,
    name: str,
    content: list | None = None,
    type_code: str = EReportType.INITIAL,
    version: int = 1,
) -> bytes:
    """The flux 10 file of `kind` for the period; `content` when the caller already computed CONTENT[kind]."""
    extra = {}
    if content is not None:
        extra["rows" if kind in (EReportKind.INVOICES, EReportKind.INVOICE_PAYMENTS) else "days"] = content
    return BUILDERS[kind](
        cabinet,
        period.start,
        period.end,
        platform_matricule=matricule,
        platform_name=name,
        type_code=type_code,
        version=version,
        **extra,
    )


def tracking_id(cabinet, kind: str, period: ereporting.Period, version: int) -> str:
    """Deterministic from cabinet, flux, period and version (≤ 36 characters): the same report is always looked
    up under the same id after a lost reply. « 103-812345676-20261101-20261110-1 »."""
    who = (cabinet.siret or "")[:9] or f"C{cabinet.pk}"
    return f"{kind.replace('.', '')}-{who}-{period.start:%Y%m%d}-{period.end:%Y%m%d}-{version}"[:36]


def latest(cabinet, kind: str, period: ereporting.Period) -> EReport | None:
    return (
        EReport.objects.filter(cabinet=cabinet, kind=kind, period_start=period.start, period_end=period.end)
        .order_by("-version")
        .first()
    )


def changed_since_sent(report: EReport, *, account: PlatformAccount | None = None) -> bool:
    """True when the period's data today would give another report than the one sent (an avoir, a late
    payment dated in the period…): the page then offers the corrective report."""
    if report.state != EInvoiceState.SENT:
        return False
    period = ereporting.Period(report.period_start, report.period_end)
    account = account or PlatformAccount.objects.filter(cabinet=report.cabinet).first()
    matricule, name = (account.matricule or "0000", account.name) if account else ("0000", "")
    probe = build(report.cabinet, report.kind, period, matricule=matricule, name=name)
    return probe.content_sha256 != report.content_sha256


def prepare(
    *,
    cabinet,
    kind: str,
    period: ereporting.Period,
    account: PlatformAccount | None,
    today: datetime.date | None = None,
) -> EReport:
    """The report to send for the period: the initial one, the unsent one rebuilt with today's data, or — when
    the period changed since it was sent — a corrective (RE) of the next version. Raises NotSendable (French)."""
    matricule, name = _platform(account)
    if not closed(period, today):
        raise NotSendable(
            f"La période {period.label} n'est pas terminée : sa déclaration ne peut être envoyée qu'après le "
            f"{period.end:%d/%m/%Y}."
        )
    with transaction.atomic():
        current = latest(cabinet, kind, period)
        if current is not None and current.state in (EInvoiceState.SENDING, EInvoiceState.UNKNOWN):
            return current  # its outcome is looked up by send(), never rebuilt under its feet
        if current is not None and current.state == EInvoiceState.SENT:
            refused = current.ack_status == client.AckStatus.ERROR
            if not refused:
                probe = build(cabinet, kind, period, matricule=matricule, name=name)
                if probe.content_sha256 == current.content_sha256:
                    return current
            # A corrective replaces a report the platform took; a refused one is sent again as it was typed.
            taken = EReport.objects.filter(
                cabinet=cabinet,
                kind=kind,
                period_start=period.start,
                period_end=period.end,
                state=EInvoiceState.SENT,
            ).exclude(ack_status=client.AckStatus.ERROR)
            version = current.version + 1
            type_code = EReportType.CORRECTIVE if taken.exists() else EReportType.INITIAL
            current = None
        elif current is not None:
            version, type_code = current.version, current.type_code
        else:
            version, type_code = 1, EReportType.INITIAL
        built = build(
            cabinet, kind, period, matricule=matricule, name=name, type_code=type_code, version=version
        )
        problems = ereporting.check(built.xml)
        if problems:
            raise NotSendable(
                "La déclaration n'est pas conforme et n'a pas été envoyée : "
                + problems[0]
                + (f" (et {len(problems) - 1} autre(s) anomalie(s))" if len(problems) > 1 else "")
            )
        fields = {
            "type_code": type_code,
            "document": built.xml,
            "sha256": hashlib.sha256(built.xml).hexdigest(),
            "content_sha256": built.content_sha256,
        }
        if current is not None:
            for key, value in fields.items():
                setattr(current, key, value)
            current.save()
            return current
        try:
            with transaction.atomic():
                return EReport.objects.create(
                    cabinet=cabinet,
                    kind=kind,
                    period_start=period.start,
                    period_end=period.end,
                    version=version,
                    tracking_id=tracking_id(cabinet, kind, period, version),
                    **fields,
                )
        except IntegrityError:  # a concurrent click created the same version: use it
            return latest(cabinet, kind, period)


# -- Sending -----------------------------------------------------------------------------------------------


def _record_sent(report: EReport, flow: client.Flow) -> EReport:
    report.state = EInvoiceState.SENT
    report.flow_id = flow.flow_id
    report.sent_at = flow.submitted_at or timezone.now()
    report.ack_status = flow.ack_status or client.AckStatus.PENDING
    report.ack_details = [d.__dict__ for d in flow.ack_details]
    report.last_error = _refusal(flow) if flow.in_error else ""
    report.save()
    return report


def _refusal(flow: client.Flow) -> str:
    reasons = "; ".join(f"{d.reason_code} : {d.reason_message}" for d in flow.ack_details) or "sans détail"
    return (
        f"La plateforme a refusé la déclaration ({reasons}). Corrigez les données de la période puis envoyez "
        "la déclaration rectificative."
    )


def send(*, report_id: int, pa: client.PlatformClient | None = None) -> EReport:
    """Transmits the report once. Raises PlatformUnavailable when the outcome is unknown (the caller retries:
    the next attempt looks the flow up by trackingId before sending again)."""
    report = EReport.objects.select_related("cabinet__platform_account").get(pk=report_id)
    if report.state == EInvoiceState.SENT:
        return report
    stale = report.sending_since is not None and report.sending_since < timezone.now() - STALE_AFTER
    if report.state == EInvoiceState.SENDING and not stale:
        return report  # another worker holds it
    try:
        account = report.cabinet.platform_account
    except PlatformAccount.DoesNotExist:
        return claims.fail(report, EInvoiceState.ERROR, "Renseignez d'abord la plateforme agréée du cabinet.")
    try:
        pa = pa or services.client_for(account)
        if report.state in (EInvoiceState.UNKNOWN, EInvoiceState.SENDING):
            # The last attempt may have reached the platform: never send twice.
            found = [f for f in pa.find_by_tracking_id(report.tracking_id) if not f.in_error]
            if found:
                return _record_sent(report, found[-1])
    except client.PlatformUnavailable as e:
        if report.state == EInvoiceState.SENDING:
            claims.fail(report, EInvoiceState.UNKNOWN, e.message)
        raise
    except client.PlatformAuthError as e:
        return claims.fail(
            report, report.state if report.state == EInvoiceState.UNKNOWN else EInvoiceState.ERROR, e.message
        )
    if not claims.claim(report, seen=report.state, sending=EInvoiceState.SENDING):
        return EReport.objects.get(pk=report.pk)
    content = bytes(report.document)
    try:
        flow = pa.submit_flow(
            client.FlowInfo(
                flow_syntax=client.FlowSyntax.FRR,
                processing_rule=RULES[EReportKind(report.kind)],
                tracking_id=report.tracking_id,
                name=f"flux{report.kind}-{report.period_start:%Y%m%d}-{report.period_end:%Y%m%d}-v{report.version}.xml",
            ),
            content,
            content_type="application/xml",
        )
    except client.PlatformUnavailable as e:
        claims.fail(report, EInvoiceState.UNKNOWN, e.message)
        raise
    except (client.PlatformRejected, client.PlatformAuthError) as e:
        return claims.fail(report, EInvoiceState.ERROR, e.message)
    return _record_sent(report, flow)


def send_now(
    *,
    cabinet,
    kind: str,
    period: ereporting.Period,
    pa: client.PlatformClient | None = None,
    today: datetime.date | None = None,
) -> EReport:
    """« Envoyer maintenant » (and the calendar): prepare then send. Raises NotSendable; a platform out of reach
    leaves the report « à vérifier » and raises PlatformUnavailable."""
    account = PlatformAccount.objects.filter(cabinet=cabinet).first()
    report = prepare(cabinet=cabinet, kind=kind, period=period, account=account, today=today)
    return send(report_id=report.pk, pa=pa)


def refresh(*, report: EReport, pa: client.PlatformClient | None = None) -> EReport:
    """Reads the platform's acknowledgement of the flow (Ok, or Error with its reasons)."""
    if not report.flow_id or report.ack_status in (client.AckStatus.OK, client.AckStatus.ERROR):
        return report
    pa = pa or services.client_for(report.cabinet.platform_account)
    flow = pa.get_flow(report.flow_id)
    report.ack_status = flow.ack_status or report.ack_status
    report.ack_details = [d.__dict__ for d in flow.ack_details]
    report.last_error = _refusal(flow) if flow.in_error else ""
    report.save(update_fields=["ack_status", "ack_details", "last_error", "updated_at"])
    return report


def refresh_pending(cabinet, *, pa: client.PlatformClient | None = None) -> str:
    """Reads back every acknowledgement still pending for the cabinet; returns a French warning when the
    platform is out of reach (the page still shows what is known), "" otherwise."""
    pending = list(
        EReport.objects.filter(cabinet=cabinet, state=EInvoiceState.SENT, ack_status=client.AckStatus.PENDING)
        .select_related("cabinet__platform_account")
        .order_by("id")
    )
    if not pending:
        return ""
    try:
        pa = pa or services.client_for(pending[0].cabinet.platform_account)
        for report in pending:
            refresh(report=report, pa=pa)
    except client.PlatformError as e:
        return f"Statut de la plateforme agréée non mis à jour : {e.message}"
    return ""


# -- Calendar run (Celery beat) ----------------------------------------------------------------------------


def due_periods(regime: str, today: datetime.date) -> list[tuple[str, ereporting.Period]]:
    """(page kind, period) of every period closed before `today` within LOOKBACK, not before the reform."""
    found: dict[tuple[str, str], ereporting.Period] = {}
    month = (today - LOOKBACK).replace(day=1)
    while month <= today:
        for page_kind in PAGE_KINDS:
            for period in periods(regime, page_kind, month):
                if (
                    closed(period, today)
                    and period.start >= routing.MANDATORY_FROM
                    and period.end >= today - LOOKBACK
                ):
                    found[(page_kind, period.key)] = period
        month = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return sorted(((k, p) for (k, _), p in found.items()), key=lambda kp: (kp[1].start, kp[0]))


def send_due(today: datetime.date | None = None, *, pa: client.PlatformClient | None = None) -> int:
    """Sends each closed period once (its initial report): the periodic task. Returns how many were sent.
    A period already reported is left alone — its correction is the user's decision on the page."""
    today = today or timezone.localdate()
    sent = 0
    for account in PlatformAccount.objects.select_related("cabinet").exclude(matricule=""):
        cabinet = account.cabinet
        for page_kind, period in due_periods(account.vat_regime, today):
            kind = PAGE_KINDS[page_kind]
            current = latest(cabinet, kind, period)
            if current is not None and current.state == EInvoiceState.SENT:
                continue
            if (
                page_kind in OPTIONAL
                and current is None
                and not CONTENT[kind](cabinet, period.start, period.end)
            ):
                continue
            try:
                report = send_now(cabinet=cabinet, kind=kind, period=period, pa=pa, today=today)
            except NotSendable as e:
                EReport.objects.filter(pk=getattr(current, "pk", None)).update(last_error=e.message)
                continue
            except client.PlatformUnavailable:
                continue  # « à vérifier »: the next run looks it up before sending
            sent += report.state == EInvoiceState.SENT
    return sent
