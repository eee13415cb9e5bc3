"""Demo Chorus Pro settings: the demo cabinets' technical accounts on the offline simulator."""

from __future__ import annotations

from chorus.models import ChorusAccount
from chorus.simulator.seed_data import DEMO_PASSWORD, GARONNE_LOGIN, RHONE_LOGIN
from geoprod.models import Cabinet

DEMO_LOGINS = {"81234567600017": GARONNE_LOGIN, "79845612500011": RHONE_LOGIN}


def seed_demo_account(*, cabinet: Cabinet) -> ChorusAccount | None:
    """Fills the Chorus Pro block of a demo cabinet (idempotent). « Mettre à jour » runs by itself on the first
    « Chorus Pro : Envoyer », since the simulator only answers once the server is up."""
    login = DEMO_LOGINS.get(cabinet.siret)
    if login is None:
        return None
    account, created = ChorusAccount.objects.get_or_create(
        cabinet=cabinet,
        defaults={"siret_fournisseur": cabinet.siret, "login": login},
    )
    if created:
        account.set_password(DEMO_PASSWORD)
        account.save(update_fields=["password_encrypted"])
    return account
