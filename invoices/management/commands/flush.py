"""`flush` empties the whole database (tests, development). On SQLite it deletes row by row, which the
ledger triggers refuse; this is the one operation allowed to lift them, for its own duration only."""

from __future__ import annotations

from django.core.management.commands.flush import Command as FlushCommand

from invoices import dbguard


class Command(FlushCommand):
    def handle(self, **options):
        with dbguard.unlocked_for_flush():
            return super().handle(**options)
