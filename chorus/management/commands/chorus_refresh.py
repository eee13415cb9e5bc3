"""Runs the nightly Chorus Pro refresh by hand."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from chorus import services


class Command(BaseCommand):
    help = "Rafraîchit le statut Chorus Pro de toutes les factures soumises et non finalisées."

    def handle(self, *args, **options):
        runs = services.refresh_all()
        for run in runs:
            outcome = "terminé" if run.succeeded else f"interrompu : {run.error}"
            self.stdout.write(
                f"{run.account.cabinet} : {run.checked} facture(s) vue(s), {run.updated} statut(s) mis à jour, "
                f"{run.api_calls} appel(s) à Chorus Pro — {outcome}"
            )
        if not runs:
            self.stdout.write("Aucune facture en cours de traitement dans Chorus Pro.")
