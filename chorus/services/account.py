"""« Mettre à jour » of Paramètres > Pièces > bloc Chorus Pro."""

from __future__ import annotations

from django.utils import timezone

from chorus import client, refusals
from chorus.models import ChorusAccount
from chorus.services import connection


class StructureNotAttached(client.ChorusError):
    """Géoprod's own check: Chorus answered, but no structure of the account carries the supplier SIRET."""

    code = "STRUCTURE"


def attached_structure(api: client.ChorusClient, account: ChorusAccount) -> client.Structure:
    """The account's structure whose identifier is the cabinet's supplier SIRET. Raises StructureNotAttached."""
    return matching_structure(api.active_structures(), account)


def matching_structure(structures: list[client.Structure], account: ChorusAccount) -> client.Structure:
    """Raises StructureNotAttached when none of `structures` carries the account's supplier identifier."""
    mine = next((s for s in structures if s.identifiant == account.siret_fournisseur), None)
    if mine is None:
        found = ", ".join(s.identifiant for s in structures) or "aucune"
        raise StructureNotAttached(
            f"Vérification Géoprod : le compte technique n'est rattaché à aucune structure d'identifiant "
            f"{account.siret_fournisseur} (structures rattachées : {found}). Corrigez l'identifiant fournisseur, "
            "ou faites rattacher le compte technique à cette structure par son gestionnaire dans Chorus Pro."
        )
    return mine


def update_account(*, account: ChorusAccount) -> ChorusAccount:
    """Fetches the supplier structure matching the cabinet's SIRET, its services, banks, and the reference
    lists (attachment types, VAT exemption motives), and saves them.

    Raises StructureNotAttached, ChorusAuthError (credentials refused or expired), ChorusRejected,
    ChorusUnavailable; the error is also stored on the account for the settings page.
    """
    api = connection.client_for(account)
    try:
        mine = attached_structure(api, account)
        details = api.consult_structure(mine.id_structure_cpp)
        services = api.list_services(mine.id_structure_cpp)
        banks = api.bank_accounts(mine.id_structure_cpp)
        attachment_types = api.attachment_types()
        motives = api.exemption_motives()
    except client.ChorusError as e:
        account.last_error = refusals.explain(e).message
        account.save(update_fields=["last_error"])
        raise
    account.id_structure = mine.id_structure_cpp
    account.structure_designation = mine.designation
    account.password_expires_on = details.password_expires_on
    account.services = [
        {"id": s.id_service, "code": s.code, "libelle": s.libelle, "actif": s.actif} for s in services
    ]
    account.banks = [{"id": b.id_coordonnee_bancaire, "nom": b.nom} for b in banks]
    account.attachment_types = [{"code": t.code, "libelle": t.libelle} for t in attachment_types if t.code]
    account.exemption_motives = [{"code": m.code, "libelle": m.libelle} for m in motives if m.code]
    account.synced_at = timezone.now()
    account.last_error = ""
    account.save()
    return account
