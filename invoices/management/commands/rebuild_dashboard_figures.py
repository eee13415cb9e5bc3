"""`manage.py rebuild_dashboard_figures [--cabinet ID|SIREN|SIRET|raison sociale]`: recomputes the tableau de
bord's monthly running totals (turnover per client, collected amounts) from the issued documents and the
recorded règlements, for one cabinet or all of them."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from invoices.management.commands.export_fec import find_cabinet
from invoices.services import figures


class Command(BaseCommand):
    help = "Recalcule les cumuls mensuels du tableau de bord (chiffre d'affaires et encaissements)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--cabinet", help="Identifiant, SIREN, SIRET ou raison sociale (tous par défaut)."
        )

    def handle(self, *args, cabinet=None, **options):
        cabinet_id = find_cabinet(cabinet).pk if cabinet else None
        turnover, collected = figures.rebuild(cabinet_id)
        self.stdout.write(
            f"Cumuls recalculés : {turnover} ligne(s) de chiffre d'affaires, {collected} ligne(s) d'encaissements."
        )
