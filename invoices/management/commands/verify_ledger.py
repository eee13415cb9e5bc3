"""`manage.py verify_ledger [--cabinet ID]`: walks each cabinet's register and names the first document
whose PDF, XML or row does not match its chained hash, and any gap or out-of-order date. Exits 1 on any."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from geoprod.models import Cabinet
from geoprod.wording import counted
from invoices.services import ledger


class Command(BaseCommand):
    help = "Vérifie l'intégrité du registre des pièces émises (chaîne d'empreintes, PDF, XML, numérotation)."

    def add_arguments(self, parser):
        parser.add_argument("--cabinet", type=int, help="identifiant du cabinet (par défaut : tous)")

    def handle(self, *args, cabinet=None, **options):
        cabinets = Cabinet.objects.order_by("pk")
        if cabinet is not None:
            cabinets = cabinets.filter(pk=cabinet)
            if not cabinets.exists():
                raise CommandError(f"Aucun cabinet n'a l'identifiant {cabinet}.")
        failed = []
        for each in cabinets:
            report = ledger.verify_ledger(cabinet=each)
            if report.ok:
                self.stdout.write(f"{each} : {report.summary()}")
            else:
                failed.append(each)
                self.stdout.write(f"{each} : {counted(len(report.problems), 'anomalie')}")
                for problem in report.problems:
                    self.stdout.write(f"  - {problem}")
        if failed:
            raise CommandError(f"Registre altéré pour : {', '.join(str(c) for c in failed)}.")
