"""Following submitted invoices: « Rafraîchir » for one, the nightly bulk refresh for all."""

from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Callable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from chorus import client, lifecycle
from chorus.models import (
    ChorusAccount,
    ChorusRefreshRun,
    ChorusStatusChange,
    ChorusSubmission,
    SubmissionState,
    not_final,
)
from chorus.services import connection, facturx_deposit

logger = logging.getLogger(__name__)

# The search window starts a little before the last successful run, so a change recorded by Chorus while
# that run was reading is not missed.
WINDOW_OVERLAP = datetime.timedelta(minutes=30)
MAX_RATE_LIMIT_WAITS = 5
BATCH = 500
DEFAULT_RATE_LIMIT_WAIT = 30.0


def _apply_states(pairs: list[tuple[ChorusSubmission, client.InvoiceState]]) -> int:
    """Records in bulk the statuses a search reported (a few queries per batch, not per invoice); returns how
    many changed."""
    now = timezone.now()
    changed = 0
    history = []
    for sub, state in pairs:
        if not state.statut:
            continue
        at = state.date_heure_etat_courant or now
        if state.statut != sub.chorus_status:
            changed += 1
            history.append(
                ChorusStatusChange(
                    submission=sub,
                    status=state.statut,
                    changed_at=at,
                    comment=state.commentaire_etat_courant or "",
                )
            )
        sub.chorus_status, sub.chorus_status_at = state.statut, at
        sub.chorus_comment, sub.refreshed_at, sub.updated_at = state.commentaire_etat_courant or "", now, now
        sub.date_depot = state.date_depot or sub.date_depot  # a recycled invoice is received anew
    ChorusStatusChange.objects.bulk_create(history, ignore_conflicts=True)
    ChorusSubmission.objects.bulk_update(
        [sub for sub, _ in pairs],
        ["chorus_status", "chorus_status_at", "chorus_comment", "date_depot", "refreshed_at", "updated_at"],
        batch_size=BATCH,
    )
    return changed


def refresh_status(*, submission: ChorusSubmission) -> ChorusSubmission:
    """« Rafraîchir »: the invoice's whole status history from Chorus. Raises ChorusError subclasses."""
    if not submission.is_submitted:
        return submission
    api = connection.client_for(submission.account, submission)
    history = api.invoice_history(submission.identifiant_facture_cpp)
    dated = [c for c in history.changes if c.at is not None]
    with transaction.atomic():
        # Chorus's dates replace the rows we wrote ourselves for the same statuses (« Déposée » at our
        # submit time, « Complétée » at our completer), so the history shows each change once.
        submission.status_changes.filter(status__in={c.statut for c in dated}).delete()
        # Written oldest first: Chorus dates to the minute, and changes within one minute keep their order
        # through the id (ChorusStatusChange.Meta.ordering).
        ChorusStatusChange.objects.bulk_create(
            [
                ChorusStatusChange(
                    submission=submission, status=c.statut, changed_at=c.at, comment=c.commentaire or ""
                )
                for c in reversed(dated)
            ],
            ignore_conflicts=True,
        )
    current = history.changes[0] if history.changes else None  # Chorus lists the newest first
    if history.statut_courant or current:
        state = client.InvoiceState(
            identifiant_facture_cpp=submission.identifiant_facture_cpp,
            numero_facture=history.numero_facture,
            statut=history.statut_courant or current.statut,
            date_heure_etat_courant=current.at if current else None,
            commentaire_etat_courant=current.commentaire if current else None,
        )
    else:  # an empty history: ask for the invoice itself
        state = api.consult_invoice(submission.identifiant_facture_cpp)
    _apply_states([(submission, state)])
    return submission


def pending_submissions(account: ChorusAccount):
    """Submitted invoices of the account whose Chorus status may still change."""
    return ChorusSubmission.objects.filter(not_final(), account=account, state__in=lifecycle.IN_CHORUS)


class _CallCounter:
    """Counts the API calls a client makes (token requests excluded)."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, exchange: client.Exchange) -> None:
        if exchange.operation != "token":
            self.calls += 1


def refresh_account(
    *,
    account: ChorusAccount,
    now: datetime.datetime | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> ChorusRefreshRun:
    """Bulk refresh of one cabinet: one paged search of the invoices whose status changed since the last
    successful run, then one consultation per invoice only where the search could not tell its status.

    Waits and goes on when PISTE answers 429. Raises nothing: the run records its error.
    """
    now = now or timezone.now()
    pending = {s.identifiant_facture_cpp: s for s in pending_submissions(account)}
    last_ok = account.refresh_runs.filter(succeeded=True).order_by("-started_at").first()
    if last_ok is not None:
        window_start = last_ok.started_at - WINDOW_OVERLAP
    else:  # first run: everything since the oldest invoice still moving
        oldest = min((s.submitted_at for s in pending.values() if s.submitted_at), default=now)
        window_start = oldest - WINDOW_OVERLAP
    run = ChorusRefreshRun.objects.create(account=account, started_at=now, window_start=window_start)
    if not pending:
        run.succeeded, run.finished_at = True, timezone.now()
        run.save()
        return run

    calls = _CallCounter()
    api = connection.client_for(account, on_exchange=calls)
    criteria = client.InvoiceSearch(
        changed_since=window_start, changed_until=now, id_fournisseur=account.id_structure
    )
    unclear: list[ChorusSubmission] = []
    seen: list[tuple[ChorusSubmission, client.InvoiceState]] = []
    try:
        for state in _with_rate_limit_waits(lambda: api.search_invoices(criteria), sleep):
            sub = pending.get(state.identifiant_facture_cpp)
            if sub is None:
                continue
            run.checked += 1
            if state.statut:
                seen.append((sub, state))
            else:  # the search could not tell: consult that one invoice below
                unclear.append(sub)
            if len(seen) >= BATCH:
                run.updated += _apply_states(seen)
                seen = []
        for sub in unclear:
            state = _first_with_rate_limit_waits(
                lambda s=sub: api.consult_invoice(s.identifiant_facture_cpp), sleep
            )
            seen.append((sub, state))
        run.updated += _apply_states(seen)
        run.succeeded = True
    except client.ChorusError as e:
        run.error = e.message
        logger.warning(
            "Rafraîchissement Chorus Pro du cabinet %s interrompu : %s", account.cabinet_id, e.message
        )
    run.api_calls = calls.calls
    run.finished_at = timezone.now()
    run.save()
    return run


def _with_rate_limit_waits(make_iterator, sleep):
    """Iterates a paged search; on 429 waits as PISTE asks and resumes from a fresh iterator, skipping what was
    already yielded."""
    yielded = 0
    for attempt in range(MAX_RATE_LIMIT_WAITS + 1):
        try:
            for index, item in enumerate(make_iterator()):
                if index >= yielded:
                    yielded += 1
                    yield item
            return
        except client.ChorusRateLimited as e:
            if attempt == MAX_RATE_LIMIT_WAITS:
                raise
            sleep(e.retry_after or DEFAULT_RATE_LIMIT_WAIT)


def _first_with_rate_limit_waits(call, sleep):
    for attempt in range(MAX_RATE_LIMIT_WAITS + 1):
        try:
            return call()
        except client.ChorusRateLimited as e:
            if attempt == MAX_RATE_LIMIT_WAITS:
                raise
            sleep(e.retry_after or DEFAULT_RATE_LIMIT_WAIT)


def follow_pending_flux(*, account: ChorusAccount) -> None:
    """Factur-X flows deposited but not yet integrated: read their reports (their invoices then join the
    refresh). Raises ChorusError subclasses."""
    waiting = ChorusSubmission.objects.filter(account=account, state=SubmissionState.UNKNOWN).exclude(
        numero_flux_depot=""
    )
    for sub in waiting:
        facturx_deposit.follow_flux(submission_id=sub.pk)


def moving_accounts():
    """The accounts with invoices still moving in Chorus (or Factur-X flows not yet integrated)."""
    moving = ChorusSubmission.objects.filter(
        Q(not_final(), state__in=lifecycle.IN_CHORUS)
        | Q(state=SubmissionState.UNKNOWN, numero_flux_depot__gt="")
    )
    return ChorusAccount.objects.filter(pk__in=moving.values("account"))


def refresh_cabinet(
    *, account: ChorusAccount, sleep: Callable[[float], None] = time.sleep
) -> ChorusRefreshRun:
    """One cabinet's part of the nightly job: its pending Factur-X flows, then its bulk refresh. Raises
    nothing: a failure is logged or recorded on the run."""
    try:
        follow_pending_flux(account=account)
    except client.ChorusError as e:
        logger.warning("Suivi des flux Factur-X du cabinet %s interrompu : %s", account.cabinet_id, e.message)
    return refresh_account(account=account, sleep=sleep)


def refresh_all(*, sleep: Callable[[float], None] = time.sleep) -> list[ChorusRefreshRun]:
    """The nightly job by hand: every cabinet with invoices still moving in Chorus, one after the other; one
    cabinet's failure never stops the others."""
    return [refresh_cabinet(account=account, sleep=sleep) for account in moving_accounts()]
