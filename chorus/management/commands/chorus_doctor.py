"""Checks each cabinet's Chorus Pro connection step by step (the report behind « Tester la connexion »)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from chorus.models import ChorusAccount
from chorus.services import doctor


class Command(BaseCommand):
    help = (
        "Vérifie le raccordement Chorus Pro : jeton PISTE, compte technique, structure fournisseur, services, "
        "banques, expiration du mot de passe ; nomme la première étape en échec et ce qu'il faut faire."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cabinet", type=int, help="identifiant du cabinet (tous par défaut)")

    def handle(self, *args, cabinet=None, **options):
        accounts = ChorusAccount.objects.select_related("cabinet").order_by("cabinet_id")
        if cabinet is not None:
            accounts = accounts.filter(cabinet_id=cabinet)
        if not accounts:
            raise CommandError("Aucun raccordement Chorus Pro configuré (Paramètres > Pièces > Chorus Pro).")
        failed = []
        for account in accounts:
            report = doctor.diagnose(account=account)
            self.stdout.write(f"{account.cabinet} — environnement {report.environment}")
            for step in report.steps:
                mark = "OK " if step.ok else "ÉCHEC"
                self.stdout.write(f"  [{mark}] {step.name} : {step.detail}")
                if step.remedy:
                    self.stdout.write(f"          À faire : {step.remedy}")
            if not report.ok:
                failed.append(f"{account.cabinet} ({report.failure.name})")
        if failed:
            raise CommandError("Raccordement en échec : " + ", ".join(failed))
        self.stdout.write(self.style.SUCCESS("Raccordement Chorus Pro opérationnel."))
