"""Building a Chorus Pro client for a cabinet, with every call journaled in ChorusExchange."""

from __future__ import annotations

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection

from chorus import client
from chorus.models import ChorusAccount, ChorusExchange, ChorusSubmission

# A connection of the journal's own (settings: the same database), so that a row is committed at once.
JOURNAL_DB = "chorus_journal"


def caller_holds_transaction() -> bool:
    """True when a call to Chorus would run inside a database transaction: never by design (a network call
    must not hold locks). The atomic blocks Django's TestCase opens around each test are not the caller's."""
    return any(not block._from_testcase for block in connection.atomic_blocks)


def _journal_db() -> str:
    """Outside a transaction the default connection commits the row at once. Inside one, the row would be
    rolled back with the caller's work (a failed call leaving no trace): it goes through the journal's own
    connection instead, where the database has one (PostgreSQL)."""
    if JOURNAL_DB in settings.DATABASES and caller_holds_transaction():
        return JOURNAL_DB
    return DEFAULT_DB_ALIAS


def journal_for(account: ChorusAccount, submission: ChorusSubmission | None = None, on_exchange=None):
    """A journal callable writing one ChorusExchange row per call (payloads arrive redacted), then telling
    `on_exchange` (used to count calls)."""

    def write(exchange: client.Exchange) -> None:
        ChorusExchange.objects.using(_journal_db()).create(
            cabinet_id=account.cabinet_id,
            submission_id=submission.pk if submission is not None else None,
            operation=exchange.operation,
            environment=exchange.environment,
            http_status=exchange.http_status,
            duration_ms=exchange.duration_ms,
            code_retour="" if exchange.code_retour is None else str(exchange.code_retour),
            request=exchange.request,
            response=exchange.response,
            error=exchange.error or "",
        )
        if on_exchange is not None:
            on_exchange(exchange)

    return write


def client_for(
    account: ChorusAccount, submission: ChorusSubmission | None = None, *, on_exchange=None, **options
) -> client.ChorusClient:
    """The cabinet's Chorus Pro client, on the instance's Chorus Pro (settings.CHORUS_ENV).

    Raises ChorusAuthError when the stored password can no longer be read (Fernet key changed).
    """
    try:
        password = account.password
    except ValueError as e:
        raise client.ChorusAuthError(
            "Le mot de passe Chorus Pro enregistré est illisible : saisissez-le à nouveau dans Paramètres."
        ) from e
    return client.ChorusClient(
        endpoints=client.endpoints_for(settings.CHORUS_ENV),
        piste=client.piste_from_settings(),
        account=client.TechnicalAccount(login=account.login, password=password),
        journal=journal_for(account, submission, on_exchange),
        timeout=settings.CHORUS_TIMEOUT,
        **options,
    )
