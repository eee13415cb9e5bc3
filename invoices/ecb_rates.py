"""The ECB main refinancing operations rate since 2016, the seed of the EcbRate table.

Source: European Central Bank, « Key ECB interest rates », main refinancing operations (dates of change,
with effect from): https://www.ecb.europa.eu/stats/policy_and_exchange_rates/key_ecb_interest_rates/html/index.en.html
2,15 % since 11 June 2025, unchanged at the following meetings through January 2026. Later decisions are
added by the platform staff in the admin (« Taux BCE »).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

RATES = [
    (datetime.date.fromisoformat(day), Decimal(rate))
    for day, rate in (
        ("2016-03-16", "0.00"),
        ("2022-07-27", "0.50"),
        ("2022-09-14", "1.25"),
        ("2022-11-02", "2.00"),
        ("2022-12-21", "2.50"),
        ("2023-02-08", "3.00"),
        ("2023-03-22", "3.50"),
        ("2023-05-10", "3.75"),
        ("2023-06-21", "4.00"),
        ("2023-08-02", "4.25"),
        ("2023-09-20", "4.50"),
        ("2024-06-12", "4.25"),
        ("2024-09-18", "3.65"),
        ("2024-10-23", "3.40"),
        ("2024-12-18", "3.15"),
        ("2025-02-05", "2.90"),
        ("2025-03-12", "2.65"),
        ("2025-04-23", "2.40"),
        ("2025-06-11", "2.15"),
    )
]


def seed_if_empty(sender=None, using: str = "default", apps=None, **kwargs) -> None:
    """post_migrate: an empty table (a fresh database flushed after migrate, as transactional tests do)
    gets the seed again; a table the staff maintain is left alone."""
    from invoices.models import EcbRate

    if apps is not None:
        try:
            apps.get_model("invoices", "EcbRate")
        except LookupError:  # migrating backwards, before the table existed
            return
    manager = EcbRate.objects.using(using)
    if not manager.exists():
        manager.bulk_create([EcbRate(valid_from=day, rate=rate) for day, rate in RATES])
