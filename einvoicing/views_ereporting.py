"""« E-reporting »: a month's flux 10 reports (transactions of sales to individuals, their collections), their
content as a table, their check against the XSD and the PPF schematron, and the XML to download."""

from __future__ import annotations

import datetime

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from einvoicing import ereporting
from einvoicing.models import PlatformAccount, VatReportingRegime
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


def ereporting_month(request):
    cabinet = current_cabinet(request)
    month = _month(request.GET.get("mois", ""))
    account, matricule, name = _platform(cabinet)
    regime = account.vat_regime if account else VatReportingRegime.REEL_MENSUEL
    blocks = []
    for period in ereporting.transaction_periods(regime, month):
        days = ereporting.transactions(cabinet, period.start, period.end)
        xml = ereporting.transactions_xml(
            cabinet, period.start, period.end, platform_matricule=matricule, platform_name=name, days=days
        )
        blocks.append(
            {"kind": "transactions", "period": period, "days": days, "problems": ereporting.check(xml)}
        )
    for period in ereporting.payment_periods(regime, month):
        days = ereporting.payments(cabinet, period.start, period.end)
        xml = ereporting.payments_xml(
            cabinet, period.start, period.end, platform_matricule=matricule, platform_name=name, days=days
        )
        blocks.append(
            {"kind": "paiements", "period": period, "days": days, "problems": ereporting.check(xml)}
        )
    previous = (month - datetime.timedelta(days=1)).replace(day=1)
    following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    context = {
        "month": month,
        "previous": previous,
        "following": following,
        "blocks": blocks,
        "account": account,
        "regime_label": VatReportingRegime(regime).label,
    }
    return render(request, "einvoicing/ereporting.html", context)


def ereporting_download(request, kind: str, key: str):
    cabinet = current_cabinet(request)
    try:
        period = ereporting.parse_period(key)
    except ValueError as e:
        raise Http404 from e
    _, matricule, name = _platform(cabinet)
    build = {"transactions": ereporting.transactions_xml, "paiements": ereporting.payments_xml}.get(kind)
    if build is None:
        raise Http404
    xml = build(cabinet, period.start, period.end, platform_matricule=matricule, platform_name=name)
    response = HttpResponse(xml, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="flux10-{kind}-{period.key}.xml"'
    return response
