"""Seeds the ECB main refinancing operations rate since 2016 (staff add the next decisions in the admin).

Source: European Central Bank, « Key ECB interest rates », main refinancing operations, fixed rate
tenders / minimum bid rate, dates of change (with effect from):
https://www.ecb.europa.eu/stats/policy_and_exchange_rates/key_ecb_interest_rates/html/index.en.html
The rate has been 2,15 % since 11 June 2025 (unchanged at the following meetings through January 2026).
"""

import datetime
from decimal import Decimal

from django.db import migrations

RATES = [
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
]


def seed(apps, schema_editor):
    EcbRate = apps.get_model("invoices", "EcbRate")
    for day, rate in RATES:
        EcbRate.objects.get_or_create(
            valid_from=datetime.date.fromisoformat(day), defaults={"rate": Decimal(rate)}
        )


def unseed(apps, schema_editor):
    EcbRate = apps.get_model("invoices", "EcbRate")
    EcbRate.objects.filter(valid_from__in=[datetime.date.fromisoformat(day) for day, _ in RATES]).delete()


class Migration(migrations.Migration):
    dependencies = [("invoices", "0006_payment_terms_and_ecb_rates")]

    operations = [migrations.RunPython(seed, unseed)]
