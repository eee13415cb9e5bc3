"""System checks of the instance's configuration (`manage.py check`, `check --deploy`)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security)
def simulator_only_in_demo(app_configs, **kwargs) -> list:
    """The offline simulator answers anyone: never on an instance that runs with DEBUG off, unless it is the
    demonstration (the settings refuse to start too; this catches a settings module that bypasses them)."""
    if settings.CHORUS_ENV == "simulator" and not (settings.DEBUG or settings.GEOPROD_DEMO):
        return [
            Error(
                "Le simulateur Chorus Pro (CHORUS_ENV=simulator) est activé alors que DEBUG est désactivé.",
                hint="Choisissez CHORUS_ENV=sandbox ou production, ou GEOPROD_DEMO=true pour une démonstration.",
                id="geoprod.E001",
            )
        ]
    return []


@register(Tags.security)
def piste_over_https(app_configs, **kwargs) -> list:
    """The PISTE secret and the cabinets' Chorus passwords travel only over HTTPS outside the simulator."""
    if settings.CHORUS_ENV == "simulator":
        return []
    endpoints = settings.CHORUS_ENDPOINTS[settings.CHORUS_ENV]
    return [
        Error(
            f"L'adresse Chorus Pro {name} ({url}) n'est pas en HTTPS.",
            hint="Les identifiants PISTE ne sont envoyés qu'en HTTPS.",
            id="geoprod.E002",
        )
        for name, url in endpoints.items()
        if urlsplit(url).scheme != "https"
    ]


@register(Tags.security, deploy=True)
def demo_is_not_production(app_configs, **kwargs) -> list:
    if settings.GEOPROD_DEMO:
        return [
            Warning(
                "GEOPROD_DEMO est activé : instance de démonstration (simulateur Chorus Pro, HTTP simple).",
                hint="Retirez GEOPROD_DEMO en production.",
                id="geoprod.W001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def mail_leaves_in_production(app_configs, **kwargs) -> list:
    """Without EMAIL_URL the documents sent by e-mail are only kept in the Boîte d'envoi."""
    if settings.EMAIL_BACKEND == "mailing.backends.OutboxBackend" and not settings.GEOPROD_DEMO:
        return [
            Warning(
                "Aucun serveur de courriel (EMAIL_URL) : les pièces « envoyées par e-mail » restent dans la "
                "Boîte d'envoi de l'application.",
                hint="Renseignez EMAIL_URL (smtp://…) en production.",
                id="geoprod.W002",
            )
        ]
    return []
