"""Creates or refreshes the Chorus Pro simulator's demo directory (idempotent)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from chorus.simulator import state


class Command(BaseCommand):
    help = "Crée ou met à jour l'annuaire de démonstration du simulateur Chorus Pro."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Efface aussi factures, fichiers, jetons et pannes du simulateur.",
        )

    def handle(self, *args, reset: bool = False, **options) -> None:
        if reset:
            state.reset(faults=True, stats=True, clock=True, data=True)
        else:
            state.seed()
        self.stdout.write(self.style.SUCCESS("Simulateur Chorus Pro : annuaire de démonstration en place."))
