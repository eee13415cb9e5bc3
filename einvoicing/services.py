"""The cabinet's Plateforme Agréée: saving its settings, building its client, « Tester la connexion », and
the routing decision of an invoice (einvoicing/routing.py) from the invoice's data."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from chorus.client.token_cache import FallbackTokenCache
from chorus.services.doctor import Report, Step
from einvoicing import client, routing
from einvoicing.models import PlatformAccount
from geoprod.models import Cabinet


def save_account(*, cabinet: Cabinet, data: dict, secret: str = "") -> PlatformAccount:
    """Creates or updates the cabinet's PA settings; an empty `secret` keeps the stored one."""
    account = PlatformAccount.objects.filter(cabinet=cabinet).first() or PlatformAccount(cabinet=cabinet)
    for name, value in data.items():
        setattr(account, name, value)
    if secret:
        account.set_client_secret(secret)
    account.save()
    return account


def client_for(account: PlatformAccount, **options) -> client.PlatformClient:
    """Raises PlatformAuthError when the stored secret can no longer be read (encryption key changed)."""
    try:
        secret = account.client_secret
    except ValueError as e:
        raise client.PlatformAuthError(
            "Le secret client enregistré est illisible : saisissez-le à nouveau dans Paramètres > Facturation "
            "électronique."
        ) from e
    return client.PlatformClient(
        endpoints=client.PlatformEndpoints(
            flow_base=account.flow_url, directory_base=account.directory_url, token_url=account.token_url
        ),
        credentials=client.PlatformCredentials(client_id=account.client_id, client_secret=secret),
        token_cache=FallbackTokenCache(cache),
        timeout=settings.CHORUS_TIMEOUT,
        allow_plain_http=settings.DEBUG or getattr(settings, "GEOPROD_DEMO", False),
        **options,
    )


REMEDIES = {
    "Jeton d'accès": "Vérifiez l'adresse du serveur de jetons, l'identifiant et le secret client fournis par la "
    "plateforme agréée.",
    "API Flow": "Vérifiez l'adresse de l'API Flow (elle se termine en général par /flow-service) et que "
    "l'abonnement du cabinet à la plateforme est actif.",
    "API Annuaire": "Vérifiez l'adresse de l'API Annuaire (elle se termine en général par /directory-service).",
    "Ligne d'annuaire du cabinet": "Demandez à la plateforme agréée d'inscrire le SIREN du cabinet à l'annuaire "
    "(la plateforme de réception du cabinet) : sans elle, les factures de vos fournisseurs ne vous parviennent "
    "pas et votre adresse électronique (BT-34) est inconnue.",
}


def test_connection(account: PlatformAccount) -> Report:
    """Token, Flow healthcheck, Directory healthcheck, then the cabinet's own directory line (its BT-34);
    stops at the first failing step and says what to do."""
    report = Report(environment=account.name)

    def step(name: str, action) -> bool:
        try:
            detail = action()
        except client.PlatformError as e:
            report.steps.append(Step(name=name, ok=False, detail=e.message, remedy=REMEDIES[name]))
            return False
        report.steps.append(Step(name=name, ok=True, detail=detail))
        return True

    try:
        pa = client_for(account)
    except client.PlatformAuthError as e:
        report.steps.append(
            Step(name="Jeton d'accès", ok=False, detail=e.message, remedy=REMEDIES["Jeton d'accès"])
        )
        return _record(account, report)

    def token() -> str:
        pa.renew_token()
        return "jeton obtenu"

    def flow() -> str:
        pa.flow_health()
        return "opérationnelle"

    def directory() -> str:
        pa.directory_health()
        return "opérationnelle"

    def own_line() -> str:
        from einvoicing import directory  # the one line-choosing rule, for BT-34 as for BT-49

        siret = account.cabinet.siret or ""
        try:
            line = directory.choose_line(pa.directory_lines(siret[:9]), siret=siret)
        except directory.NoLine:
            raise client.PlatformRejected(
                "ANNUAIRE", f"aucune ligne d'annuaire active pour le SIREN {siret[:9]}."
            ) from None
        account.electronic_address = line.addressing_identifier
        return f"adresse électronique {account.electronic_address}"

    for name, action in (
        ("Jeton d'accès", token),
        ("API Flow", flow),
        ("API Annuaire", directory),
        ("Ligne d'annuaire du cabinet", own_line),
    ):
        if not step(name, action):
            break
    return _record(account, report)


def _record(account: PlatformAccount, report: Report) -> Report:
    account.checked_at = timezone.now()
    account.last_error = "" if report.ok else f"{report.failure.name} : {report.failure.detail}"
    account.save(update_fields=["checked_at", "last_error", "electronic_address"])
    return report


def buyer_facts(invoice) -> routing.BuyerFacts:
    buyer = invoice.client
    return routing.BuyerFacts(
        category=buyer.categorie,
        receives_chorus=buyer.receives_chorus,
        country=buyer.pays,
        siren=(buyer.siret or "")[:9],
        vat_number=buyer.tva_intracom,
        name=buyer.nom,
    )


def routing_for(invoice) -> routing.Routing:
    """Where this invoice goes under the reform (Chorus Pro, the PA, or e-reporting), and why."""
    return routing.decide(buyer_facts(invoice), vat_case=invoice.vat_regime)
