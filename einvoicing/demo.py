"""Demo e-invoicing settings: each demo cabinet connected to the offline Plateforme Agréée, whose Directory
knows the cabinets and their French companies (simulator mode only)."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings

from einvoicing.models import PlatformAccount
from geoprod.models import Cabinet


def seed_demo_platform(*, cabinet: Cabinet) -> PlatformAccount | None:
    """Fills Paramètres > Facturation électronique with the offline PA (idempotent) and lists the cabinet and
    its companies in the PA's Directory. Nothing outside simulator mode."""
    if not apps.is_installed("einvoicing.simulator"):
        return None
    from clients.models import Client
    from einvoicing.simulator.seed import seed_directory

    base = settings.PA_SIMULATOR_BASE
    account, created = PlatformAccount.objects.get_or_create(
        cabinet=cabinet,
        defaults={
            "name": "Plateforme agréée de démonstration (hors ligne)",
            "matricule": "DEMO",
            "flow_url": f"{base}/flow-service",
            "directory_url": f"{base}/directory-service",
            "token_url": f"{base}/oauth/token",
            "client_id": f"demo-{cabinet.siret[:9]}",
        },
    )
    if created:
        account.set_client_secret(settings.PA_SIMULATOR_SECRET)
        account.save(update_fields=["client_secret_encrypted"])
    companies = [(cabinet.siret[:9], cabinet.raison_sociale)] + [
        (siret[:9], nom)
        for siret, nom in Client.objects.filter(cabinet=cabinet, categorie="entreprise")
        .exclude(siret="")
        .values_list("siret", "nom")
    ]
    seed_directory(companies)
    return account
