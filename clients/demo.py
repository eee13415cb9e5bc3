"""Demo clients and dossiers of a cabinet's past year: believable names and places, valid distinct SIRETs,
dossiers opened on distinct days over the last twelve months and numbered in that order."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone
from stdnum import luhn

from clients.models import Category, Client, Dossier, DossierStatus, WorkFamily
from geoprod.models import Cabinet
from geoprod.services import next_counter_value

OBJETS = {
    "Bornage amiable contradictoire": "Bornage amiable contradictoire — parcelle {section} {parcelle}",
    "Division / copropriété": "Division en {lots} lots — {lieu}",
    "Topographie": "Relevé topographique — {lieu}",
    "Implantation": "Implantation d'une maison individuelle — {lieu}",
    "Mesurage": "Mesurage loi Carrez — lot n° {lots}",
    "Document d'arpentage": "Document d'arpentage — parcelle {section} {parcelle}",
    "Plan de division": "Plan de division — parcelle {section} {parcelle}",
    "Permis d'aménager / lotissement": "Permis d'aménager — lotissement {lieu}",
    "État descriptif de division": "État descriptif de division — {lieu}",
    "Expertise foncière": "Expertise foncière — {lieu}",
    "Relevé d'intérieur": "Relevé d'intérieur — {lieu}",
}
PLACES = [
    "Les Coteaux",
    "Le Moulin",
    "Les Vignes",
    "Le Clos Saint-Jean",
    "La Prairie",
    "Les Chênes",
    "Le Parc",
    "Les Tilleuls",
    "La Source",
    "Le Bourg",
]

# Per cabinet SIRET: (name, category, address, postcode, town, phone); SIRETs are made from a SIREN base.
CLIENTS = {
    "81234567600017": [
        (
            "SARL Bâtir en Lauragais",
            Category.ENTREPRISE,
            "5 route de Revel",
            "31290",
            "Villefranche-de-Lauragais",
        ),
        ("Occitanie Aménagement", Category.ENTREPRISE, "22 avenue de Lombez", "31300", "Toulouse"),
        ("Office notarial Sarrail et Associés", Category.ENTREPRISE, "9 rue d'Alsace", "31000", "Toulouse"),
        ("SCI du Canal", Category.ENTREPRISE, "14 chemin du Canal", "31520", "Ramonville-Saint-Agne"),
        ("Les Maisons de l'Autan", Category.ENTREPRISE, "3 rue de l'Autan", "31130", "Balma"),
        ("Capitole Immobilier", Category.ENTREPRISE, "41 rue de Metz", "31000", "Toulouse"),
        ("M. Laurent Faure", Category.PARTICULIER, "7 impasse des Pins", "31240", "L'Union"),
        ("Mme Céline Bouchet", Category.PARTICULIER, "18 rue des Écoles", "31830", "Plaisance-du-Touch"),
        ("M. et Mme Rivière", Category.PARTICULIER, "2 chemin de la Save", "32600", "L'Isle-Jourdain"),
        ("Mme Odile Bastide", Category.PARTICULIER, "11 place du Plô", "81500", "Lavaur"),
    ],
    "79845612500011": [
        ("Rhône Promotion", Category.ENTREPRISE, "60 cours Lafayette", "69003", "Lyon"),
        (
            "SCI Croix-Rousse Patrimoine",
            Category.ENTREPRISE,
            "4 boulevard de la Croix-Rousse",
            "69004",
            "Lyon",
        ),
        ("Beaujolais Habitat", Category.ENTREPRISE, "12 rue Nationale", "69400", "Villefranche-sur-Saône"),
        ("Étude notariale Chambon", Category.ENTREPRISE, "25 rue de la République", "69002", "Lyon"),
        (
            "M. Antoine Mercier",
            Category.PARTICULIER,
            "9 chemin des Vignes",
            "69360",
            "Saint-Symphorien-d'Ozon",
        ),
        ("Mme Sylvie Perrin", Category.PARTICULIER, "31 avenue Jean Jaurès", "69100", "Villeurbanne"),
        ("M. et Mme Blanchard", Category.PARTICULIER, "6 montée du Lavoir", "69570", "Dardilly"),
    ],
}
SIREN_BASE = {"81234567600017": 4410000, "79845612500011": 5290000}


def demo_siret(base: int) -> str:
    """A valid SIRET (Luhn-checked SIREN and SIRET) from an 8-digit base: the first establishment."""
    siren = f"{base:08d}"
    siren += luhn.calc_check_digit(siren)
    body = siren + "0001"
    return body + luhn.calc_check_digit(body)


def extra_clients(cabinet_siret: str) -> list[dict]:
    """The cabinet's regular clients beyond the hand-written ones, with their SIRET when they are companies."""
    rows = []
    for i, (nom, categorie, adresse, cp, ville) in enumerate(CLIENTS.get(cabinet_siret, [])):
        siret = (
            demo_siret(SIREN_BASE[cabinet_siret] * 10 + 37 * i) if categorie != Category.PARTICULIER else ""
        )
        rows.append(
            dict(
                nom=nom, categorie=categorie, siret=siret, adresse=adresse, code_postal=cp, ville=ville,
                contacts=[],
            )
        )  # fmt: skip
    return rows


def history_days(*, count: int, taken: set[int], seed: str) -> list[int]:
    """`count` distinct days ago between 5 and 360, none of them already `taken`."""
    free = [d for d in range(5, 361) if d not in taken]
    return sorted(random.Random(seed).sample(free, min(count, len(free))), reverse=True)


def history_dossiers(*, cabinet: Cabinet, count: int, taken_days: set[int]) -> list[tuple[int, dict]]:
    """(days ago, fields) of `count` past dossiers on the cabinet's private clients, one family each."""
    rng = random.Random(f"dossiers-{cabinet.siret}")
    clients = list(Client.objects.filter(cabinet=cabinet).exclude(categorie__in=[Category.COLLECTIVITE]))
    families = list(WorkFamily.objects.filter(cabinet=cabinet).order_by("libelle"))
    rows = []
    for days in history_days(count=count, taken=taken_days, seed=f"days-{cabinet.siret}"):
        client = rng.choice(clients)
        family = rng.choice(families)
        objet = OBJETS.get(family.libelle, family.libelle + " — {lieu}").format(
            section=rng.choice("ABCDEHK") + rng.choice("ABCDNZ"),
            parcelle=rng.randint(12, 980),
            lots=rng.randint(2, 9),
            lieu=rng.choice(PLACES),
        )
        statut = (
            DossierStatus.TERMINE
            if days > 60
            else rng.choice([DossierStatus.EN_COURS, DossierStatus.TERMINE])
        )
        rows.append(
            (days, dict(client=client, famille=family, objet=objet, statut=statut, commune=client.ville))
        )
    return rows


def create_dated_dossiers(*, cabinet: Cabinet, rows: list[tuple[int, dict]], responsable) -> list[Dossier]:
    """Creates dossiers opened `days ago` each, numbered in date order in the series of their year."""
    now = timezone.now()
    dossiers = []
    for days, fields in sorted(rows, key=lambda r: -r[0]):
        opened = (now - datetime.timedelta(days=days)).replace(hour=9, minute=30, second=0, microsecond=0)
        year = timezone.localtime(opened).year
        value = next_counter_value(cabinet=cabinet, name=f"dossier-{year}")
        dossier = Dossier(cabinet=cabinet, numero=f"{year}-{value:04d}", responsable=responsable, **fields)
        dossier.full_clean()
        dossier.save()
        Dossier.objects.filter(pk=dossier.pk).update(created_at=opened)
        dossier.created_at = opened
        dossiers.append(dossier)
    return dossiers
