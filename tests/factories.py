"""Plain factory functions with keyword defaults (see STYLE.md §7.6)."""

from __future__ import annotations

import itertools

from django.contrib.auth import get_user_model

from clients.models import Category, Client, Contact, Dossier, WorkFamily
from geoprod.models import Cabinet, Membership, Role

_seq = itertools.count(1)

PASSWORD = "motdepasse-de-test"


def make_cabinet(**kw) -> Cabinet:
    defaults = dict(
        raison_sociale=f"Cabinet Test {next(_seq)}",
        siret="81234567600017",
        tva_intracom="FR19812345676",
        adresse="12 allée Jean Jaurès",
        code_postal="31000",
        ville="Toulouse",
        rcs="RCS Toulouse 812 345 676",
        capital="10000.00",
        forme_juridique="SELARL",
        iban="FR7630006000011234567890189",
        bic="AGRIFRPP",
    )
    defaults.update(kw)
    return Cabinet.objects.create(**defaults)


def make_user(cabinet: Cabinet | None, *, role: str = Role.COMPTABLE, username: str | None = None, **kw):
    user = get_user_model().objects.create_user(
        username=username or f"user{next(_seq)}", password=PASSWORD, **kw
    )
    if cabinet is not None:
        Membership.objects.create(user=user, cabinet=cabinet, role=role)
    return user


def make_client(cabinet: Cabinet, **kw) -> Client:
    defaults = dict(
        nom=f"Client {next(_seq)}", ville="Toulouse", code_postal="31000", categorie=Category.ENTREPRISE
    )
    defaults.update(kw)
    return Client.objects.create(cabinet=cabinet, **defaults)


def make_public_client(cabinet: Cabinet, **kw) -> Client:
    defaults = dict(
        nom="Mairie de Toulouse",
        categorie=Category.COLLECTIVITE,
        siret="21310555400017",
        adresse="Place du Capitole",
        code_postal="31000",
        ville="Toulouse",
    )
    defaults.update(kw)
    return make_client(cabinet, **defaults)


def make_contact(client: Client, **kw) -> Contact:
    defaults = dict(nom=f"Contact {next(_seq)}", fonction="Secrétariat", email="contact@example.fr")
    defaults.update(kw)
    return Contact.objects.create(client=client, **defaults)


def make_family(cabinet: Cabinet, libelle: str = "Topographie") -> WorkFamily:
    return WorkFamily.objects.get_or_create(cabinet=cabinet, libelle=libelle)[0]


def make_dossier(cabinet: Cabinet, client: Client | None = None, **kw) -> Dossier:
    from clients import services

    client = client or make_client(cabinet)
    defaults = dict(objet=f"Bornage parcelle {next(_seq)}", famille=make_family(cabinet))
    defaults.update(kw)
    return services.create_dossier(cabinet=cabinet, client=client, **defaults)
