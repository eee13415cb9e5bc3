"""Reads for the home dashboard."""

from __future__ import annotations

from django.db.models import Count, Q

from clients.models import Client, Dossier, DossierStatus
from geoprod.models import Cabinet


def home_figures(*, cabinet: Cabinet) -> dict:
    dossiers = Dossier.objects.filter(cabinet=cabinet).aggregate(
        total=Count("id"),
        en_cours=Count("id", filter=Q(statut__in=[DossierStatus.COMMANDE, DossierStatus.EN_COURS])),
        en_attente=Count("id", filter=Q(statut=DossierStatus.EN_ATTENTE)),
    )
    recent = (
        Dossier.objects.filter(cabinet=cabinet).select_related("client").order_by("-created_at", "-id")[:8]
    )
    return {
        "clients": Client.objects.filter(cabinet=cabinet).count(),
        "dossiers": dossiers,
        "recent_dossiers": recent,
    }
