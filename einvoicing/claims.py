"""The exactly-once claim every flow the product sends goes through (an invoice, a lifecycle message, an
e-reporting report): the row moves to its « sending » state only if no other worker moved it since it was read
(same state, same `sending_since`), so a flow is never sent by two workers at once."""

from __future__ import annotations

from django.utils import timezone


def claim(row, *, seen: str, sending: str) -> bool:
    now = timezone.now()
    claimed = (
        type(row)
        .objects.filter(pk=row.pk, state=seen, sending_since=row.sending_since)
        .update(state=sending, sending_since=now, updated_at=now)
    )
    if claimed:
        row.state, row.sending_since = sending, now
    return claimed == 1


def fail(row, state: str, message: str):
    """The sending ended without a flow at the platform (`state`: error or « à vérifier »), with its reason."""
    row.state = state
    row.last_error = message
    row.save(update_fields=["state", "last_error", "updated_at"])
    return row
