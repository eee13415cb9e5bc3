"""« E-reporting »: a month's flux 10 periods on the cabinet's calendar, each with its state (à venir, à envoyer,
envoyé, accepté, refusé), its content as a table, its check against the XSD and the PPF schematron, the status
from the PA, the XML to download (as built now, or as sent), « Envoyer maintenant » for a closed period, and the
corrective report when the period changed after it was sent."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from einvoicing import client, ereporting, ereporting_send
from einvoicing.models import EInvoiceState, EReport, PlatformAccount, VatReportingRegime
from einvoicing.sending import NotSendable
from geoprod.tenancy import current_cabinet

DEMO_PLATFORM = ("0000", "Plateforme agréée non configurée")


def _month(value: str) -> datetime.date:
    try:
        return datetime.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        return timezone.localdate().replace(day=1)


def _platform(cabinet) -> tuple[PlatformAccount | None, str, str]:
    account = PlatformAccount.objects.filter(cabinet=cabinet).first()
    if account is None or not account.matricule:
        return account, *DEMO_PLATFORM
    return account, account.matricule, account.name


def _block(cabinet, page_kind, period, *, regime, matricule, name, reports, today) -> dict | None:
    kind = ereporting_send.PAGE_KINDS[page_kind]
    days = ereporting_send.CONTENT[kind](cabinet, period.start, period.end)
    report = reports.get((kind, period.start, period.end))
    if page_kind in ereporting_send.OPTIONAL and not days and report is None:
        return None  # no international sale in the period: nothing to report, nothing shown
    xml = ereporting_send.xml_for(cabinet, kind, period, matricule=matricule, name=name, content=days)
    is_closed = ereporting_send.closed(period, today)
    changed = (
        report is not None
        and report.state == EInvoiceState.SENT
        and report.ack_status != client.AckStatus.ERROR  # a refused report is sent again, not corrected
        and ereporting_send.content_fingerprint(xml) != report.content_sha256
    )
    if not is_closed:
        state = "à venir"
    elif report is None:
        state = "à envoyer"
    else:
        state = report.status_label
    return {
        "kind": page_kind,
        "period": period,
        "days": days,
        "problems": ereporting.check(xml),
        "report": report,
        "state": state,
        "closed": is_closed,
        "deadline": ereporting_send.deadline(regime, page_kind, period),
        "changed": changed,
        "can_send": is_closed and (report is None or report.can_send or changed),
    }


def ereporting_month(request):
    cabinet = current_cabinet(request)
    month = _month(request.GET.get("mois", ""))
    account, matricule, name = _platform(cabinet)
    regime = account.vat_regime if account else VatReportingRegime.REEL_MENSUEL
    warning = ereporting_send.refresh_pending(cabinet) if account else ""
    periods = [
        (page_kind, period)
        for page_kind in ereporting_send.PAGE_KINDS
        for period in ereporting_send.periods(regime, page_kind, month)
    ]
    reports: dict = {}
    for report in EReport.objects.filter(
        cabinet=cabinet, period_start__in={p.start for _, p in periods}
    ).order_by("version"):
        reports[(report.kind, report.period_start, report.period_end)] = report  # the latest version wins
    today = timezone.localdate()
    candidates = (
        _block(
            cabinet,
            page_kind,
            period,
            regime=regime,
            matricule=matricule,
            name=name,
            reports=reports,
            today=today,
        )
        for page_kind, period in periods
    )
    blocks = [block for block in candidates if block is not None]
    previous = (month - datetime.timedelta(days=1)).replace(day=1)
    following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    context = {
        "month": month,
        "previous": previous,
        "following": following,
        "blocks": blocks,
        "account": account,
        "warning": warning,
        "regime_label": VatReportingRegime(regime).label,
    }
    return render(request, "einvoicing/ereporting.html", context)


def _period_or_404(kind: str, key: str) -> ereporting.Period:
    if kind not in ereporting_send.PAGE_KINDS:
        raise Http404
    try:
        return ereporting.parse_period(key)
    except ValueError as e:
        raise Http404 from e


def ereporting_download(request, kind: str, key: str):
    """The XML as built from today's data, or with ?version=N the file sent as that version."""
    cabinet = current_cabinet(request)
    period = _period_or_404(kind, key)
    version = request.GET.get("version", "")
    if version:
        report = EReport.objects.filter(
            cabinet=cabinet,
            kind=ereporting_send.PAGE_KINDS[kind],
            period_start=period.start,
            period_end=period.end,
            version=int(version) if version.isdigit() else 0,
        ).first()
        if report is None:
            raise Http404
        xml, filename = bytes(report.document), f"flux10-{kind}-{period.key}-v{report.version}.xml"
    else:
        _, matricule, name = _platform(cabinet)
        xml = ereporting_send.xml_for(
            cabinet, ereporting_send.PAGE_KINDS[kind], period, matricule=matricule, name=name
        )
        filename = f"flux10-{kind}-{period.key}.xml"
    response = HttpResponse(xml, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_POST
def ereporting_send_now(request, kind: str, key: str):
    """« Envoyer maintenant » (or « Envoyer la déclaration rectificative ») for a closed period."""
    from einvoicing import tasks

    cabinet = current_cabinet(request)
    period = _period_or_404(kind, key)
    back = f"{reverse('einvoicing:ereporting')}?mois={period.start:%Y-%m}"
    try:
        report = ereporting_send.prepare(
            cabinet=cabinet,
            kind=ereporting_send.PAGE_KINDS[kind],
            period=period,
            account=PlatformAccount.objects.filter(cabinet=cabinet).first(),
        )
    except NotSendable as e:
        messages.error(request, e.message)
        return redirect(back)
    if report.can_send:
        transaction.on_commit(lambda: tasks.send_ereport.delay(report.pk))
        what = "rectificative" if report.type_code == "RE" else "initiale"
        messages.success(
            request, f"La déclaration {what} {period.label} est en cours d'envoi à la plateforme agréée."
        )
    else:
        messages.info(request, "Cette déclaration a déjà été envoyée et la période n'a pas changé depuis.")
    return redirect(back)
