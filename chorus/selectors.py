"""Reads of the Chorus screens, tenant-filtered."""

from __future__ import annotations

from chorus.models import ChorusAccount, ChorusSubmission
from geoprod.models import Cabinet


def account_for(cabinet: Cabinet) -> ChorusAccount | None:
    return ChorusAccount.objects.filter(cabinet=cabinet).first()


def account_or_new(cabinet: Cabinet) -> ChorusAccount:
    """The cabinet's Chorus Pro block, or a blank one prefilled with the cabinet's SIRET."""
    return account_for(cabinet) or ChorusAccount(cabinet=cabinet, siret_fournisseur=cabinet.siret)


def submission_for_page(*, cabinet: Cabinet, pk: int) -> ChorusSubmission:
    from geoprod.tenancy import get_for_cabinet

    qs = ChorusSubmission.objects.select_related("account", "invoice", "invoice__client", "invoice__origin")
    return get_for_cabinet(qs.prefetch_related("attachments", "status_changes"), cabinet, pk=pk)
