"""Invoice numbers: one gapless chronological series per cabinet.

Factures, factures d'acompte and avoirs share the series (CGI ann. II art. 242 nonies A 7°: acomptes
must; avoirs may have their own, but a single sequence is the simplest to audit and is what
Chorus Pro and the e-invoicing rules accept). Format: prefix + YYMM + "-" + 4-digit sequence, e.g.
F2609-0406 with prefix "F", FA-2609-0042 with prefix "FA-".
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.db.models import Max

from geoprod.models import Cabinet
from geoprod.services import next_counter_value
from invoices.errors import NumberingError

SERIES = "factures"
# BR-FR-01/02: at most 35 characters among letters, digits and + - _ / (no spaces).
NUMBER_PATTERN = re.compile(r"^[A-Za-z0-9+\-_/]{1,35}$")


def format_number(*, prefix: str, issue_date: datetime.date, sequence: int) -> str:
    return f"{prefix}{issue_date:%y%m}-{sequence:04d}"


def check_number(number: str) -> str:
    """Raises NumberingError if the number does not fit the e-invoicing rules."""
    if not NUMBER_PATTERN.match(number):
        raise NumberingError(
            f"Le numéro « {number} » ne respecte pas le format des factures électroniques "
            "(35 caractères au plus, lettres, chiffres et + - _ / sans espace). "
            "Corrigez le préfixe dans Paramètres > Pièces."
        )
    return number


@dataclass(frozen=True)
class Allocation:
    number: str
    sequence: int


def allocate(*, cabinet: Cabinet, issue_date: datetime.date) -> Allocation:
    """Takes the next number of the cabinet's series under a row lock, refusing a date earlier than the
    last issued document of the series (numbers and dates must grow together).

    Must run inside the caller's transaction: a rollback gives the number back, so there is no gap.
    Raises NumberingError, RuntimeError (outside a transaction).
    """
    from invoices.models import Invoice

    check_number(format_number(prefix=cabinet.invoice_prefix, issue_date=issue_date, sequence=1))
    sequence = next_counter_value(cabinet=cabinet, name=SERIES)
    # Read under the counter's lock: no other validation of the series can slip in between.
    last = Invoice.objects.filter(cabinet=cabinet, issue_date__isnull=False).aggregate(d=Max("issue_date"))[
        "d"
    ]
    if last is not None and issue_date < last:
        raise NumberingError(
            f"La date de facture ({issue_date:%d/%m/%Y}) ne peut pas être antérieure à celle de la dernière "
            f"pièce émise de la série ({last:%d/%m/%Y}) : les numéros doivent suivre l'ordre des dates."
        )
    number = format_number(prefix=cabinet.invoice_prefix, issue_date=issue_date, sequence=sequence)
    return Allocation(number=check_number(number), sequence=sequence)


def allocate_number(*, cabinet: Cabinet, issue_date: datetime.date) -> str:
    """The number alone (see allocate)."""
    return allocate(cabinet=cabinet, issue_date=issue_date).number
