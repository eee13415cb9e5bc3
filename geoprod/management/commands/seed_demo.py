"""Loads the demo cabinets, users, clients and dossiers (idempotent: a second run changes nothing)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from chorus import demo as chorus_demo
from clients import demo as client_demo
from clients.models import Category, Client, Contact, Dossier, DossierStatus, WorkFamily
from clients.services import seed_work_families
from einvoicing import demo as einvoicing_demo
from geoprod.models import Cabinet, Membership, Role
from geoprod.phones import normalize_phone
from invoices import demo as invoices_demo

DEMO_PASSWORD = "geoprod"
PLATFORM_USERNAME = "plateforme"

CABINETS = [
    {
        "history_share": 1,
        "identity": dict(
            raison_sociale="Géomètres Experts Garonne",
            forme_juridique="SELARL",
            siret="81234567600017",
            tva_intracom="FR19812345676",
            adresse="12 allée Jean Jaurès",
            code_postal="31000",
            ville="Toulouse",
            telephone="05 61 00 00 00",
            email="contact@ge-garonne.example",
            rcs="RCS Toulouse 812 345 676",
            capital="20000.00",
            ordre_geometres="OGE 05432",
            iban="FR7630006000011234567890189",
            bic="AGRIFRPP",
            invoice_prefix="F",
        ),
        "users": [
            ("admin", "Claire", "Martin", Role.ADMIN, False),
            ("compta", "Julien", "Roux", Role.COMPTABLE, False),
        ],
        "clients": [
            dict(
                nom="Mairie de Toulouse",
                categorie=Category.COLLECTIVITE,
                siret="21310555400017",
                adresse="Place du Capitole",
                code_postal="31000",
                ville="Toulouse",
                telephone="05 61 22 29 22",
                email="urbanisme@mairie-toulouse.example",
                contacts=[("Sophie Bernard", "Direction de l'urbanisme", "05 61 22 30 00")],
            ),
            dict(
                nom="Commune de Lyon",
                categorie=Category.COLLECTIVITE,
                siret="21690123100011",
                adresse="1 place de la Comédie",
                code_postal="69001",
                ville="Lyon",
                contacts=[("Marc Petit", "Service foncier", "04 72 10 30 30")],
            ),
            dict(
                nom="SCI Les Jardins d'Occitanie",
                categorie=Category.ENTREPRISE,
                siret="45218796600018",
                adresse="8 rue des Lilas",
                code_postal="31500",
                ville="Toulouse",
                contacts=[("Hélène Garcia", "Gérante", "06 12 34 56 78")],
            ),
            dict(
                nom="M. et Mme Dupont",
                categorie=Category.PARTICULIER,
                adresse="3 chemin du Moulin",
                code_postal="31320",
                ville="Castanet-Tolosan",
                contacts=[],
            ),
            dict(
                nom="Promotion Garonne Habitat",
                categorie=Category.ENTREPRISE,
                siret="53184629300011",
                adresse="45 boulevard de Strasbourg",
                code_postal="31000",
                ville="Toulouse",
                contacts=[("Paul Lefèvre", "Responsable programmes", "05 62 00 11 22")],
            ),
        ],
        "dossiers": [
            (
                "Mairie de Toulouse",
                "Délimitation du domaine public — rue Alsace-Lorraine",
                "Délimitation du domaine public",
                DossierStatus.EN_COURS,
            ),
            (
                "Mairie de Toulouse",
                "Relevé topographique — parc de la Colombette",
                "Topographie",
                DossierStatus.COMMANDE,
            ),
            ("Commune de Lyon", "Implantation d'une école — Gerland", "Implantation", DossierStatus.EN_COURS),
            (
                "SCI Les Jardins d'Occitanie",
                "Division en 4 lots — lotissement Les Jardins",
                "Division / copropriété",
                DossierStatus.EN_COURS,
            ),
            (
                "M. et Mme Dupont",
                "Bornage amiable contradictoire — parcelle AB 112",
                "Bornage amiable contradictoire",
                DossierStatus.TERMINE,
            ),
            (
                "Promotion Garonne Habitat",
                "État descriptif de division — résidence Garonne",
                "État descriptif de division",
                DossierStatus.EN_ATTENTE,
            ),
        ],
    },
    {
        "history_share": 0.7,
        "identity": dict(
            raison_sociale="Cabinet Rhône Topographie",
            forme_juridique="SAS",
            siret="79845612500011",
            tva_intracom="FR44798456125",
            adresse="27 quai Saint-Antoine",
            code_postal="69002",
            ville="Lyon",
            telephone="04 78 00 00 00",
            email="contact@rhone-topo.example",
            rcs="RCS Lyon 798 456 125",
            capital="15000.00",
            ordre_geometres="OGE 06789",
            iban="FR1420041010050500013M02606",
            bic="PSSTFRPP",
            invoice_prefix="RT",
        ),
        "users": [
            ("admin-rhone", "Nadia", "Chevalier", Role.ADMIN, False),
            ("compta-rhone", "Louis", "Fabre", Role.COMPTABLE, False),
        ],
        "clients": [
            dict(
                nom="Commune de Lyon",
                categorie=Category.COLLECTIVITE,
                siret="21690123100011",
                adresse="1 place de la Comédie",
                code_postal="69001",
                ville="Lyon",
                contacts=[("Anne Moreau", "Direction du foncier", "04 72 10 30 31")],
            ),
            dict(
                nom="Mme Girard",
                categorie=Category.PARTICULIER,
                adresse="14 rue Mercière",
                code_postal="69002",
                ville="Lyon",
                contacts=[],
            ),
        ],
        "dossiers": [
            ("Commune de Lyon", "Topographie des berges du Rhône", "Topographie", DossierStatus.EN_COURS),
            ("Mme Girard", "Mesurage loi Carrez — appartement", "Mesurage", DossierStatus.TERMINE),
        ],
    },
]


def _opened_days_ago(rank: int) -> int:
    """The hand-written dossiers are opened a month apart, the first about eleven months ago."""
    return 330 - 30 * rank


def _core_objets(spec: dict) -> set[str]:
    return {objet for _, objet, *_ in spec["dossiers"]}


class Command(BaseCommand):
    help = "Charge les données de démonstration (deux cabinets, utilisateurs, clients, dossiers, factures)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--history",
            type=int,
            default=settings.DEMO_HISTORY_DOSSIERS,
            help="Dossiers de l'année écoulée par cabinet, facturés et réglés (défaut : %(default)s).",
        )
        parser.add_argument(
            "--pause",
            type=float,
            default=0.0,
            help="Secondes laissées entre deux pièces émises, quand le serveur répond déjà (défaut : 0).",
        )
        parser.add_argument(
            "--sans-factures",
            action="store_true",
            help="Cabinets, clients et dossiers seulement ; les pièces viendront d'un second passage.",
        )

    def handle(self, *args, history: int, sans_factures: bool, pause: float, **options):
        cabinets = []
        for spec in CABINETS:
            with transaction.atomic():
                cabinets.append((self._cabinet(spec, history), spec))
        self._platform_account()
        if sans_factures:
            self.stdout.write(self.style.SUCCESS("Cabinets, clients et dossiers de démonstration prêts."))
            return
        for cabinet, spec in cabinets:
            self._invoices(cabinet, spec, pause)
        self.stdout.write(self.style.SUCCESS("Données de démonstration prêtes."))

    def _cabinet(self, spec: dict, history: int) -> Cabinet:
        identity = spec["identity"]
        cabinet = Cabinet.objects.filter(raison_sociale=identity["raison_sociale"]).first()
        if cabinet is not None:
            return cabinet
        cabinet = Cabinet.objects.create(**identity | {"telephone": normalize_phone(identity["telephone"])})
        seed_work_families(cabinet=cabinet)
        users = {}
        for username, first, last, role, staff in spec["users"]:
            user = get_user_model().objects.create_user(
                username=username,
                password=DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                is_staff=staff,
                is_superuser=staff,
            )
            Membership.objects.create(user=user, cabinet=cabinet, role=role)
            users[role] = user
        responsable = users[Role.ADMIN]
        clients = {}
        for data in spec["clients"] + client_demo.extra_clients(identity["siret"]):
            data = dict(data)
            contacts = data.pop("contacts")
            data["telephone"] = normalize_phone(data.get("telephone", ""))
            client = Client.objects.create(cabinet=cabinet, responsable=responsable, **data)
            Contact.objects.bulk_create(
                [
                    Contact(client=client, nom=n, fonction=f, telephone=normalize_phone(t))
                    for n, f, t in contacts
                ]
            )
            clients[client.nom] = client
        families = {f.libelle: f for f in WorkFamily.objects.filter(cabinet=cabinet)}
        rows = [
            (
                _opened_days_ago(rank),
                dict(
                    client=clients[client_name],
                    objet=objet,
                    famille=families[family],
                    statut=statut,
                    commune=clients[client_name].ville,
                ),
            )
            for rank, (client_name, objet, family, statut) in enumerate(spec["dossiers"])
        ]
        if history > 0:
            count = round(history * spec["history_share"])
            rows += client_demo.history_dossiers(
                cabinet=cabinet, count=count, taken_days={days for days, _ in rows}
            )
        client_demo.create_dated_dossiers(cabinet=cabinet, rows=rows, responsable=responsable)
        return cabinet

    def _platform_account(self) -> None:
        """The operator's superuser for the Django admin; it belongs to no cabinet. Cabinet accounts of a demo
        database seeded before this rule lose their admin access."""
        users = get_user_model().objects
        cabinet_users = [username for spec in CABINETS for username, *_ in spec["users"]]
        users.filter(username__in=cabinet_users).update(is_superuser=False, is_staff=False)
        if not users.filter(username=PLATFORM_USERNAME).exists():
            users.create_superuser(
                username=PLATFORM_USERNAME, password=DEMO_PASSWORD, first_name="Plateforme"
            )

    def _invoices(self, cabinet: Cabinet, spec: dict, pause: float = 0.0) -> None:
        chorus_demo.seed_demo_account(cabinet=cabinet)
        einvoicing_demo.seed_demo_platform(cabinet=cabinet)
        core = _core_objets(spec)
        dossiers = (
            Dossier.objects.filter(cabinet=cabinet).select_related("client", "famille").order_by("numero")
        )
        invoices_demo.seed_demo_invoices(
            cabinet=cabinet,
            dossiers=[d for d in dossiers if d.objet in core],
            history=[d for d in dossiers if d.objet not in core],
            pause=pause,
        )
