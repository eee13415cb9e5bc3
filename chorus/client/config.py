"""Where Chorus Pro lives and who we are to it: endpoints, PISTE application, technical account."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings

SIMULATOR = "simulator"
SANDBOX = "sandbox"
PRODUCTION = "production"
ENVIRONMENTS = (SIMULATOR, SANDBOX, PRODUCTION)


@dataclass(frozen=True)
class Endpoints:
    environment: str
    token_url: str
    api_base: str  # ends with /cpro; operation paths are relative to it

    def url(self, path: str) -> str:
        return f"{self.api_base.rstrip('/')}/{path.lstrip('/')}"


@dataclass(frozen=True)
class PisteApp:
    """The platform operator's PISTE application (OAuth2 client credentials)."""

    client_id: str
    client_secret: str = field(repr=False)


@dataclass(frozen=True)
class TechnicalAccount:
    """A cabinet's Chorus Pro technical user, sent in the cpro-account header."""

    login: str
    password: str = field(repr=False)


def endpoints_for(env: str) -> Endpoints:
    """The token URL and API base of `env` as configured in settings.CHORUS_ENDPOINTS."""
    if env not in ENVIRONMENTS:
        raise ValueError(f"Environnement Chorus Pro inconnu : {env!r}")
    conf = settings.CHORUS_ENDPOINTS[env]
    return Endpoints(environment=env, token_url=conf["token_url"], api_base=conf["api_base"].rstrip("/"))


def piste_from_settings() -> PisteApp:
    return PisteApp(client_id=settings.PISTE_CLIENT_ID, client_secret=settings.PISTE_CLIENT_SECRET)
