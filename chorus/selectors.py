"""Reads of the Chorus screens, tenant-filtered."""

from __future__ import annotations

from chorus.models import ChorusAccount, ChorusSubmission
from geoprod.models import Cabinet


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
