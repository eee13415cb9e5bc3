"""Runs the nightly Chorus Pro refresh by hand, after taking back what a dead worker left unfinished."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from chorus import services, tasks
from geoprod.wording import counted


class Command(BaseCommand):
    help = (
        "Reprend les envois interrompus, puis rafraîchit le statut Chorus Pro de toutes les factures soumises "
        "et non finalisées."
    )

    def handle(self, *args, **options):
        resumed = tasks.sweep_stale_claims()  # what beat's sweeper does, for an instance without beat
        if resumed:
            self.stdout.write(f"{counted(resumed, 'envoi interrompu repris', 'envois interrompus repris')}.")
        runs = services.refresh_all()
        for run in runs:
            outcome = "terminé" if run.succeeded else f"interrompu : {run.error}"
            self.stdout.write(
                f"{run.account.cabinet} : {counted(run.checked, 'facture vue')}, "
                f"{counted(run.updated, 'statut mis à jour', 'statuts mis à jour')}, "
                f"{counted(run.api_calls, 'appel à Chorus Pro', 'appels à Chorus Pro')} — {outcome}"
            )
        if not runs:
            self.stdout.write("Aucune facture en cours de traitement dans Chorus Pro.")
