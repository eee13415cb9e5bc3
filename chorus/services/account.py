"""« Mettre à jour » of Paramètres > Pièces > bloc Chorus Pro."""

from __future__ import annotations

from django.utils import timezone

from chorus import client
from chorus.models import ChorusAccount
from chorus.services import connection


def update_account(*, account: ChorusAccount) -> ChorusAccount:
    """Fetches the supplier structure matching the cabinet's SIRET, its services and banks, and saves them.

    Raises ChorusAuthError (credentials refused or expired), ChorusRejected, ChorusUnavailable; the error is
    also stored on the account for the settings page.
    """
    api = connection.client_for(account)
    try:
        structures = api.active_structures()
        mine = next((s for s in structures if s.identifiant == account.siret_fournisseur), None)
        if mine is None:
            found = ", ".join(s.identifiant for s in structures) or "aucune"
            raise client.ChorusRejected(
                "STRUCTURE",
                f"Le compte technique n'est rattaché à aucune structure de SIRET {account.siret_fournisseur} "
                f"(structures rattachées : {found}).",
            )
        details = api.consult_structure(mine.id_structure_cpp)
        services = api.list_services(mine.id_structure_cpp)
        banks = api.bank_accounts(mine.id_structure_cpp)
    except client.ChorusError as e:
        account.last_error = e.message
        account.save(update_fields=["last_error"])
        raise
    account.id_structure = mine.id_structure_cpp
    account.structure_designation = mine.designation
    account.password_expires_on = details.password_expires_on
    account.services = [
        {"id": s.id_service, "code": s.code, "libelle": s.libelle, "actif": s.actif} for s in services
    ]
    account.banks = [{"id": b.id_coordonnee_bancaire, "nom": b.nom} for b in banks]
    account.synced_at = timezone.now()
    account.last_error = ""
    account.save()
    return account
