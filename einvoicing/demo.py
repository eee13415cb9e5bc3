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
    from einvoicing.simulator.incoming import seed_incoming

    seed_incoming(owner=account.client_id, buyer_siren=cabinet.siret[:9], buyer_name=cabinet.raison_sociale)
    _collect_seeded(account)
    return account


def _collect_seeded(account: PlatformAccount) -> None:
    """What the first « Relever » would store, done at seed time (the simulator is not served yet): the
    demo's « Factures reçues » is filled, and the cursor stands after the seeded flows."""
    from einvoicing import client, receiving
    from einvoicing.models import ReceivingCursor
    from einvoicing.simulator.models import SimFlow

    flows = SimFlow.objects.filter(
        owner=account.client_id, direction="In", flow_type=receiving.SUPPLIER_INVOICE
    )
    cursor, _ = ReceivingCursor.objects.get_or_create(account=account)
    for sim in flows.order_by("updated_at", "id"):
        flow = client.Flow(flow_id=sim.flow_id, flow_syntax=sim.flow_syntax, updated_at=sim.updated_at)
        receiving.store(
            account=account,
            flow=flow,
            file=client.FlowFile(
                content=bytes(sim.content), content_type=sim.content_type, filename=sim.name
            ),
        )
        if cursor.updated_after is None or sim.updated_at > cursor.updated_after:
            cursor.updated_after = sim.updated_at
    cursor.save()
