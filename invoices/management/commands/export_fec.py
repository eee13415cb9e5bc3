"""`manage.py export_fec --year 2026 [--cabinet ID|SIREN|SIRET|raison sociale] [--output PATH]`: writes the
cabinet's Fichier des Écritures Comptables for that exercice (named <SIREN>FEC<AAAAMMJJ>.txt by default)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from geoprod.models import Cabinet
from invoices.books import fec


def find_cabinet(key: str | None) -> Cabinet:
    """A cabinet by id, SIREN, SIRET or raison sociale; without a key, the only cabinet there is."""
    if not key:
        cabinets = list(Cabinet.objects.order_by("pk")[:2])
        if len(cabinets) != 1:
            raise CommandError(
                "Plusieurs cabinets : précisez --cabinet (identifiant, SIREN ou raison sociale)."
            )
        return cabinets[0]
    digits = key.isascii() and key.isdigit()
    if digits and len(key) in (9, 14):
        lookup = Q(siret__startswith=key)
    elif digits:
        lookup = Q(pk=int(key))
    else:
        lookup = Q(raison_sociale__iexact=key)
    found = list(Cabinet.objects.filter(lookup)[:2])
    if len(found) != 1:
        raise CommandError(f"Aucun cabinet unique ne correspond à « {key} ».")
    return found[0]


class Command(BaseCommand):
    help = "Exporte le fichier des écritures comptables (FEC) d'un exercice."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="année de clôture de l'exercice")
        parser.add_argument("--cabinet", help="identifiant, SIREN, SIRET ou raison sociale du cabinet")
        parser.add_argument("--output", help="fichier ou dossier de sortie (par défaut : le dossier courant)")

    def handle(self, *args, year, cabinet=None, output=None, **options):
        found = find_cabinet(cabinet)
        fiscal_year = fec.FiscalYear.of(found, year)
        try:
            name = fec.filename(found, fiscal_year)
        except fec.FecError as e:
            raise CommandError(str(e)) from e
        path = Path(output or ".")
        if path.is_dir():
            path = path / name
        with path.open("wb") as out:
            fec.write(out, found, fiscal_year)
        self.stdout.write(f"{found} : {fiscal_year.label} écrit dans {path}")
