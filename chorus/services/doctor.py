"""« Tester la connexion » and `manage.py chorus_doctor`: the cabinet's Chorus Pro set-up checked step by
step, in the order a first connection goes (chorus-api-reference.md §0, §1): PISTE token, technical account,
supplier structure, services, banks, password expiry. The first failing step is named with what to do."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from chorus import client, refusals
from chorus.models import ChorusAccount, Environment
from chorus.services import connection
from chorus.services.account import matching_structure
from geoprod.wording import counted

# A password expiring sooner than this is reported, while it still works, so that it is renewed in time.
EXPIRY_NOTICE = datetime.timedelta(days=30)


@dataclass(frozen=True)
class Step:
    name: str
    ok: bool
    detail: str
    remedy: str = ""


@dataclass
class Report:
    environment: str
    steps: list[Step] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(step.ok for step in self.steps)

    @property
    def failure(self) -> Step | None:
        return next((step for step in self.steps if not step.ok), None)


class _Stop(Exception):
    pass


REMEDIES = {
    "Jeton PISTE": (
        "Vérifiez PISTE_CLIENT_ID et PISTE_CLIENT_SECRET : ceux de l'application PISTE de cet environnement "
        "(qualification ou production), voir docs/chorus-qualification.md."
    ),
    "Compte technique": (
        "Vérifiez le login et le mot de passe du compte technique ; l'application PISTE doit être abonnée aux API "
        "Factures, Structures, Utilisateurs et Transverses de Chorus Pro, conditions acceptées."
    ),
    "Structure fournisseur": (
        "Saisissez l'identifiant de la structure à laquelle le compte technique est rattaché, ou faites-le "
        "rattacher par le gestionnaire principal de la structure dans Chorus Pro."
    ),
    "Services": "Réessayez plus tard ; si l'erreur persiste, vérifiez les droits du compte technique.",
    "Coordonnées bancaires": "Réessayez plus tard ; si l'erreur persiste, vérifiez les droits du compte technique.",
    "Expiration du mot de passe": (
        "Le gestionnaire principal de la structure renouvelle le mot de passe du compte technique dans Chorus "
        "Pro (tous les 424 jours), puis vous le saisissez dans Paramètres > Pièces > Chorus Pro."
    ),
}


def diagnose(*, account: ChorusAccount, today: datetime.date | None = None) -> Report:
    """Runs the checks in order and stops at the first failure. Never raises ChorusError: a failure is a step.
    Changes nothing on the account."""
    today = today or timezone.localdate()
    report = Report(environment=Environment(settings.CHORUS_ENV).label)

    def run(name: str, check: Callable[[], str]) -> None:
        try:
            detail = check()
        except client.ChorusError as e:
            report.steps.append(Step(name, False, refusals.explain(e).message, REMEDIES[name]))
            raise _Stop from e
        report.steps.append(Step(name, True, detail))

    try:
        api = connection.client_for(account)
    except client.ChorusAuthError as e:
        report.steps.append(Step("Compte technique", False, e.message, REMEDIES["Compte technique"]))
        return report
    found: dict[str, client.Structure] = {}
    attached: list[client.Structure] = []

    def technical_account() -> str:
        attached.extend(api.active_structures())
        return f"Accepté ; {counted(len(attached), 'structure rattachée')}."

    def structure() -> str:
        found["mine"] = matching_structure(attached, account)
        return f"{found['mine'].designation} (identifiant Chorus Pro {found['mine'].id_structure_cpp})."

    def services() -> str:
        listed = api.list_services(found["mine"].id_structure_cpp)
        active = sum(1 for s in listed if s.actif)
        return (
            f"{counted(len(listed), 'service déclaré')}, dont {counted(active, 'actif')}."
            if listed
            else "Aucun service (facultatif)."
        )

    def banks() -> str:
        listed = api.bank_accounts(found["mine"].id_structure_cpp)
        if not listed:
            return "Aucune coordonnée bancaire : déclarez-en une dans Chorus Pro pour être payé par virement."
        return ", ".join(b.nom for b in listed) + "."

    def expiry() -> str:
        expires = api.consult_structure(found["mine"].id_structure_cpp).password_expires_on
        if expires is None:
            return "Date d'expiration non communiquée par Chorus Pro."
        if expires <= today:
            raise _Expired(f"Le mot de passe du compte technique a expiré le {expires:%d/%m/%Y}.")
        if expires - today <= EXPIRY_NOTICE:
            return f"Expire le {expires:%d/%m/%Y} : faites-le renouveler avant cette date."
        return f"Valable jusqu'au {expires:%d/%m/%Y}."

    try:
        run("Jeton PISTE", lambda: (api.check_token(), "Jeton obtenu.")[1])
        run("Compte technique", technical_account)
        run("Structure fournisseur", structure)
        run("Services", services)
        run("Coordonnées bancaires", banks)
        run("Expiration du mot de passe", expiry)
    except _Stop:
        pass
    return report


class _Expired(client.ChorusError):
    """Géoprod's own finding: Chorus answered, with an expiry date in the past."""
