"""Tenant-filtered reads for the client and dossier pages."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from clients.models import Client, Dossier
from geoprod.models import Cabinet


def client_list(*, cabinet: Cabinet, q: str = "") -> QuerySet[Client]:
    qs = Client.objects.filter(cabinet=cabinet).select_related("responsable")
    if q:
        compact = "".join(q.split())
        qs = qs.filter(Q(nom__icontains=q) | Q(ville__icontains=q) | Q(siret__startswith=compact))
    return qs.annotate(nb_dossiers=Count("dossiers")).order_by("nom", "id")


def dossier_list(
    *,
    cabinet: Cabinet,
    q: str = "",
    statut: str = "",
    famille=None,
    responsable=None,
    client: Client | None = None,
) -> QuerySet[Dossier]:
    qs = Dossier.objects.filter(cabinet=cabinet).select_related("client", "famille", "responsable")
    if q:
        qs = qs.filter(Q(numero__icontains=q) | Q(objet__icontains=q) | Q(client__nom__icontains=q))
    if statut:
        qs = qs.filter(statut=statut)
    if famille is not None:
        qs = qs.filter(famille=famille)
    if responsable is not None:
        qs = qs.filter(responsable=responsable)
    if client is not None:
        qs = qs.filter(client=client)
    return qs.order_by("-created_at", "-id")
