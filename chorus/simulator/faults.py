"""Fault switches: what tests and benchmarks turn on to see how the product copes with a bad day.

A switch applies to every operation (`operation="*"`) or to the operations whose path ends with the given
segments (`"soumettre"`, `"factures/v1/soumettre"`, `"token"` for the OAuth endpoint). It fires:
- on every matching call when neither `share` nor `count` is given;
- on the next `count` matching calls;
- on a `share` (0..1) of the matching calls, spread evenly and deterministically: the k-th call fires
  when floor(k × share) grows, so share=0.5 fires on calls 2, 4, 6 … and a rerun gives the same answers.
Switches are rows in the database, so they reach a simulator running in another process.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.db import transaction

from chorus.simulator import state
from chorus.simulator.models import SimFault

LATENCY = "latency"
ERROR = "error"
RATE_LIMIT = "rate_limit"
TIMEOUT = "timeout"
EXPIRED_TOKEN = "expired_token"
MALFORMED_JSON = "malformed_json"
ACCEPT_THEN_TIMEOUT = "accept_then_timeout"
INVALID_CLIENT = "invalid_client"

KINDS = frozenset(
    {LATENCY, ERROR, RATE_LIMIT, TIMEOUT, EXPIRED_TOKEN, MALFORMED_JSON, ACCEPT_THEN_TIMEOUT, INVALID_CLIENT}
)
# Longer than the 30 s read timeout clients commonly use (chorus-api-reference.md §2).
DEFAULT_TIMEOUT_SECONDS = 35.0


@dataclass
class Decision:
    """What the HTTP layer must do to one call."""

    latency_ms: int = 0
    replace: SimFault | None = None
    after: SimFault | None = None
    fired: list[str] = field(default_factory=list)


def add(
    kind: str, *, operation: str = "*", share: float | None = None, count: int | None = None, **params
) -> SimFault:
    """Turns a switch on. Raises ValueError on an unknown kind or share outside 0..1."""
    if kind not in KINDS:
        raise ValueError(f"Type de panne inconnu : {kind}")
    if share is not None and not 0 <= share <= 1:
        raise ValueError("share doit être compris entre 0 et 1.")
    if count is not None and count < 1:
        raise ValueError("count doit être au moins 1.")
    return SimFault.objects.create(
        kind=kind, operation=operation.strip("/") or "*", share=share, remaining=count, params=params
    )


def latency(
    ms: int, *, operation: str = "*", share: float | None = None, count: int | None = None
) -> SimFault:
    return add(LATENCY, operation=operation, share=share, count=count, ms=int(ms))


def server_error(
    status: int = 500, *, operation: str = "*", share: float | None = None, count: int | None = None
) -> SimFault:
    if status not in (500, 502, 503, 504):
        raise ValueError("status doit valoir 500, 502, 503 ou 504.")
    return add(ERROR, operation=operation, share=share, count=count, status=status)


def rate_limit(
    retry_after: int = 2, *, operation: str = "*", share: float | None = None, count: int | None = None
) -> SimFault:
    return add(RATE_LIMIT, operation=operation, share=share, count=count, retry_after=retry_after)


def read_timeout(
    seconds: float = DEFAULT_TIMEOUT_SECONDS,
    *,
    operation: str = "*",
    share: float | None = None,
    count: int | None = None,
) -> SimFault:
    """The call is not executed; the reply (a 504) comes only after `seconds`."""
    return add(TIMEOUT, operation=operation, share=share, count=count, seconds=seconds)


def expire_token(*, count: int = 1, operation: str = "*") -> SimFault:
    """The bearer presented on the next `count` calls is expired on the spot (401)."""
    return add(EXPIRED_TOKEN, operation=operation, count=count)


def malformed_json(*, operation: str = "*", share: float | None = None, count: int | None = None) -> SimFault:
    """A 200 whose body is cut in the middle of the JSON; the call is not executed."""
    return add(MALFORMED_JSON, operation=operation, share=share, count=count)


def accept_then_timeout(
    seconds: float = DEFAULT_TIMEOUT_SECONDS,
    *,
    operation: str = "soumettre",
    share: float | None = None,
    count: int | None = None,
) -> SimFault:
    """The call is executed and recorded, then its reply is held back for `seconds`."""
    return add(ACCEPT_THEN_TIMEOUT, operation=operation, share=share, count=count, seconds=seconds)


def invalid_client(*, share: float | None = None, count: int | None = None) -> SimFault:
    """The token endpoint answers 400 invalid_client to good credentials, as PISTE reportedly does."""
    return add(INVALID_CLIENT, operation="token", share=share, count=count)


def clear() -> None:
    SimFault.objects.all().delete()


def active() -> list[dict]:
    return [
        {
            "id": f.id,
            "kind": f.kind,
            "operation": f.operation,
            "share": f.share,
            "count": f.remaining,
            "params": f.params,
            "seen": f.seen,
            "fired": f.fired,
        }
        for f in SimFault.objects.exclude(remaining=0)
    ]


def matches(fault_operation: str, operation: str) -> bool:
    return fault_operation == "*" or operation == fault_operation or operation.endswith("/" + fault_operation)


def _fires(fault: SimFault) -> bool:
    if fault.share is None:
        return True
    before = math.floor(fault.seen * fault.share + 1e-9)
    after = math.floor((fault.seen + 1) * fault.share + 1e-9)
    return after > before


_REPLACING = (ERROR, RATE_LIMIT, TIMEOUT, EXPIRED_TOKEN, MALFORMED_JSON, INVALID_CLIENT)


def decide(operation: str) -> Decision:
    """Counts this call against the matching switches and says which ones fire."""
    decision = Decision()
    if not SimFault.objects.exclude(remaining=0).exists():
        return decision
    with transaction.atomic():
        state.write_first()
        candidates = [
            f
            for f in SimFault.objects.select_for_update().exclude(remaining=0)
            if matches(f.operation, operation)
        ]
        for fault in candidates:
            is_replacing = fault.kind in _REPLACING
            if fault.kind == INVALID_CLIENT and operation != "api/oauth/token":
                continue
            if fault.kind == EXPIRED_TOKEN and operation == "api/oauth/token":
                continue
            # Once a call has its reply chosen, other switches keep their turn for a later call.
            if decision.replace is not None and fault.kind != LATENCY:
                continue
            if fault.kind == ACCEPT_THEN_TIMEOUT and decision.after is not None:
                continue
            fires = _fires(fault)
            fault.seen += 1
            if fires:
                fault.fired += 1
                if fault.remaining is not None:
                    fault.remaining -= 1
                decision.fired.append(fault.kind)
                if fault.kind == LATENCY:
                    decision.latency_ms += int(fault.params.get("ms", 0))
                elif is_replacing:
                    decision.replace = fault
                else:
                    decision.after = fault
            fault.save(update_fields=["seen", "fired", "remaining"])
    if decision.replace is not None:
        decision.after = None
    return decision
