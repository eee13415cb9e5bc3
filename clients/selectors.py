"""Tenant-filtered reads for the client and dossier pages."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet

from clients.models import Client, Dossier
from geoprod.models import Cabinet
from geoprod.search import siret_prefix, terms


def matching_clients(cabinet: Cabinet, text: str) -> QuerySet[Client]:
    """The cabinet's clients a search text designates: by name, or by SIRET / SIREN typed with or
    without spaces."""
    found = Q(nom__icontains=text)
    if digits := siret_prefix(text):
        found |= Q(siret__startswith=digits)
    return Client.objects.filter(cabinet=cabinet).filter(found)


CLIENT_FILTERS = ("q", "categorie")


def client_list(*, cabinet: Cabinet, q: str = "", categorie: str = "") -> QuerySet[Client]:
    qs = Client.objects.filter(cabinet=cabinet).select_related("responsable")
    if q and (text := terms(q)):
        qs = qs.filter(Q(pk__in=matching_clients(cabinet, text).values("pk")) | Q(ville__icontains=text))
    if categorie:
        qs = qs.filter(categorie=categorie)
    return qs.annotate(nb_dossiers=Count("dossiers")).order_by("nom", "id")


def filter_clients(cabinet: Cabinet, params) -> QuerySet[Client]:
    """The clients list as ClientFilterForm's cleaned_data selects it (page and exports)."""
    return client_list(cabinet=cabinet, **{k: params[k] for k in CLIENT_FILTERS if params.get(k)})


DOSSIER_FILTERS = ("q", "statut", "famille", "responsable", "client", "start", "end")


def dossier_list(
    *,
    cabinet: Cabinet,
    q: str = "",
    statut: str = "",
    famille=None,
    responsable=None,
    client: Client | int | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> QuerySet[Dossier]:
    qs = Dossier.objects.filter(cabinet=cabinet).select_related("client", "famille", "responsable")
    if q and (text := terms(q)):
        qs = qs.filter(
            Q(numero__icontains=text)
            | Q(objet__icontains=text)
            | Q(client__in=matching_clients(cabinet, text).values("pk"))
        )
    if statut:
        qs = qs.filter(statut=statut)
    if famille is not None:
        qs = qs.filter(famille=famille)
    if responsable is not None:
        qs = qs.filter(responsable=responsable)
    if client:
        qs = qs.filter(client=client)
    if start:
        qs = qs.filter(created_at__date__gte=start)
    if end:
        qs = qs.filter(created_at__date__lte=end)
    return qs.order_by("-created_at", "-id")


def filter_dossiers(cabinet: Cabinet, params) -> QuerySet[Dossier]:
    """The dossiers list as DossierFilterForm's cleaned_data selects it (page and exports)."""
    return dossier_list(cabinet=cabinet, **{k: params[k] for k in DOSSIER_FILTERS if params.get(k)})


PICKER_ROWS = 20


def client_choices(cabinet: Cabinet, text: str = "") -> list[Client]:
    """The first PICKER_ROWS + 1 clients of the cabinet matching a search (name or SIRET), by name: the
    extra row tells the picker there are more."""
    qs = matching_clients(cabinet, text) if text else Client.objects.filter(cabinet=cabinet)
    return list(qs.only("id", "nom", "ville").order_by("nom", "id")[: PICKER_ROWS + 1])


def dossier_choices(cabinet: Cabinet, text: str = "", client: int | None = None) -> list[Dossier]:
    """The first PICKER_ROWS + 1 dossiers of the cabinet matching a search (n°, objet or client), newest
    first, only the given client's when one is chosen."""
    qs = Dossier.objects.filter(cabinet=cabinet)
    if client:
        qs = qs.filter(client_id=client)
    if text:
        qs = qs.filter(
            Q(numero__icontains=text)
            | Q(objet__icontains=text)
            | Q(client__in=matching_clients(cabinet, text).values("pk"))
        )
    qs = qs.select_related("client").only("id", "numero", "objet", "client_id", "client__nom")
    return list(qs.order_by("-numero", "-id")[: PICKER_ROWS + 1])
