"""Invoice numbers: one gapless chronological series per cabinet.

Factures, factures d'acompte and avoirs share the series (CGI ann. II art. 242 nonies A 7°: acomptes
must; avoirs may have their own, but a single sequence is the simplest to audit and is what
Chorus Pro and the e-invoicing rules accept). Format: prefix + YYMM + "-" + 4-digit sequence, e.g.
F2609-0406 with prefix "F", FA-2609-0042 with prefix "FA-".
"""

from __future__ import annotations

import datetime
import re

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


def allocate_number(*, cabinet: Cabinet, issue_date: datetime.date) -> str:
    """Takes the next number of the cabinet's series under a row lock.

    Must run inside the caller's transaction: a rollback gives the number back, so there is no gap.
    Raises NumberingError, RuntimeError (outside a transaction).
    """
    check_number(format_number(prefix=cabinet.invoice_prefix, issue_date=issue_date, sequence=1))
    sequence = next_counter_value(cabinet=cabinet, name=SERIES)
    return check_number(
        format_number(prefix=cabinet.invoice_prefix, issue_date=issue_date, sequence=sequence)
    )
