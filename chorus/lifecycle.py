"""The one place where a Chorus Pro submission's states and their moves are written.

    nouvelle ──dépôt──▶ dépôt en cours ──▶ à soumettre ──soumettre──▶ envoi en cours ──▶ soumise
        ▲                    │ (échec)          ▲   (refus) │   (réponse perdue) │
        └────────────────────┘                  └───────────┘          incertaine ◀┘
    Factur-X strategy: dépôt en cours ──flux déposé──▶ incertaine ──flux intégré──▶ soumise
    After submission: soumise ──compléter──▶ complément en cours ──▶ soumise (Chorus: COMPLETEE)
                      soumise ──recycler──▶ recyclage en cours ──▶ soumise (Chorus: DEPOSEE)
    Abandon: nouvelle / à soumettre ──abandonner──▶ (row deleted)

An error is not a state of its own: the failing move goes back to the state the user can act from, with the
French sentence, the field and the raw code kept on the row (`last_error*`). Moves that start a call to Chorus
are claims (a conditional UPDATE on the state seen): one caller only wins, and a claim older than the stale
limit is taken back by the sweeper.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from django.utils import timezone

from chorus.models import SubmissionState as S

if TYPE_CHECKING:
    from chorus.models import ChorusSubmission

SUSPENDED = "SUSPENDUE"
TO_RECYCLE = "A_RECYCLER"


class Move(enum.StrEnum):
    DEPOSIT = "déposer"
    DEPOSITED = "dépôt réussi"
    DEPOSIT_FAILED = "dépôt échoué"
    FLUX_DEPOSITED = "flux Factur-X déposé"
    FLUX_REJECTED = "flux Factur-X rejeté"
    SUBMIT = "soumettre"
    SUBMITTED = "soumission réussie"
    SUBMIT_REFUSED = "soumission refusée"
    SUBMIT_LOST = "réponse perdue"
    ABANDON = "abandonner"
    COMPLETE = "compléter"
    COMPLETE_DONE = "complément terminé"
    RECYCLE = "recycler"
    RECYCLE_DONE = "recyclage terminé"


GONE = None  # the row is deleted (abandon)

# (state, move) -> next state. Anything not listed is refused.
TRANSITIONS: dict[tuple[str, Move], str | None] = {
    (S.NEW, Move.DEPOSIT): S.DEPOSITING,
    (S.DEPOSITING, Move.DEPOSIT): S.DEPOSITING,  # a stale claim taken back: depositing twice is harmless
    (S.DEPOSITING, Move.DEPOSITED): S.READY,
    (S.NEW, Move.DEPOSIT_FAILED): S.NEW,  # refused before the deposit (recipient checked first)
    (S.DEPOSITING, Move.DEPOSIT_FAILED): S.NEW,
    (S.DEPOSITING, Move.FLUX_DEPOSITED): S.UNKNOWN,
    (S.UNKNOWN, Move.FLUX_REJECTED): S.NEW,
    (S.SENDING, Move.FLUX_REJECTED): S.NEW,
    (S.READY, Move.SUBMIT): S.SENDING,
    (S.UNKNOWN, Move.SUBMIT): S.SENDING,
    (S.SENDING, Move.SUBMIT): S.SENDING,  # stale: Chorus is searched before anything is resent
    (S.SENDING, Move.SUBMITTED): S.SUBMITTED,
    (S.UNKNOWN, Move.SUBMITTED): S.SUBMITTED,  # a Factur-X flux integrated
    (S.DEPOSITING, Move.SUBMITTED): S.SUBMITTED,  # a Factur-X flux found after its worker died
    (S.SENDING, Move.SUBMIT_REFUSED): S.READY,
    (S.SENDING, Move.SUBMIT_LOST): S.UNKNOWN,
    (S.NEW, Move.ABANDON): GONE,
    (S.READY, Move.ABANDON): GONE,
    (S.SUBMITTED, Move.COMPLETE): S.COMPLETING,
    (S.COMPLETING, Move.COMPLETE): S.COMPLETING,
    (S.COMPLETING, Move.COMPLETE_DONE): S.SUBMITTED,
    (S.SUBMITTED, Move.RECYCLE): S.RECYCLING,
    (S.RECYCLING, Move.RECYCLE): S.RECYCLING,
    (S.RECYCLING, Move.RECYCLE_DONE): S.SUBMITTED,
}

# A worker holds the row while in these states (sending_since is the claim's time).
CLAIMED = frozenset({S.DEPOSITING, S.SENDING, S.COMPLETING, S.RECYCLING})
# A previous call's outcome is unknown here: Chorus is searched by invoice number before anything is resent.
SEARCH_FIRST = frozenset({S.UNKNOWN, S.SENDING})
# The invoice exists in Chorus: its status is followed, the Chorus logo marks it.
IN_CHORUS = frozenset({S.SUBMITTED, S.COMPLETING, S.RECYCLING})


class IllegalMove(Exception):
    """A move the table does not allow from the submission's state."""

    def __init__(self, state: str, move: Move):
        self.state, self.move = state, move
        super().__init__(
            f"Action « {move} » impossible : l'envoi est à l'état « {S(state).label} »."
            if state in S.values
            else f"Action « {move} » impossible depuis l'état « {state} »."
        )


def allowed(state: str, move: Move) -> bool:
    return (state, move) in TRANSITIONS


def target(state: str, move: Move) -> str | None:
    """The state `move` leads to from `state`. Raises IllegalMove."""
    try:
        return TRANSITIONS[(state, move)]
    except KeyError:
        raise IllegalMove(state, move) from None


def apply(sub: ChorusSubmission, move: Move) -> str | None:
    """Sets the state `move` leads to on the instance (the caller saves it with its other fields).
    Raises IllegalMove."""
    to = target(sub.state, move)
    if to is not GONE:
        sub.state = to
        if to not in CLAIMED:
            sub.sending_since = None
    return to


def claim(sub: ChorusSubmission, move: Move) -> bool:
    """Conditional update: only one caller moves the row out of the state it read (or takes back a stale
    claim of the same move). False when another caller got there first. Raises IllegalMove."""
    from chorus.models import ChorusSubmission

    to = target(sub.state, move)
    now = timezone.now()
    claimed = ChorusSubmission.objects.filter(
        pk=sub.pk, state=sub.state, sending_since=sub.sending_since
    ).update(state=to, sending_since=now, updated_at=now)
    if claimed:
        sub.state, sub.sending_since = to, now
    return claimed == 1


# -- what a screen may offer (the model's can_* properties) ------------------------------------------------


def can_submit(sub: ChorusSubmission) -> bool:
    return sub.state == S.READY and not sub.numero_flux_depot


def can_verify(sub: ChorusSubmission) -> bool:
    """« Vérifier et soumettre » after a lost reply (Chorus is searched first), or a Factur-X flux whose report
    is read again."""
    return sub.state == S.UNKNOWN


def can_retry_deposit(sub: ChorusSubmission) -> bool:
    return sub.state == S.NEW and bool(sub.last_error)


def can_refresh(sub: ChorusSubmission) -> bool:
    return sub.state in IN_CHORUS


def can_complete(sub: ChorusSubmission) -> bool:
    return allowed(sub.state, Move.COMPLETE) and sub.state == S.SUBMITTED and sub.chorus_status == SUSPENDED


def can_recycle(sub: ChorusSubmission) -> bool:
    return allowed(sub.state, Move.RECYCLE) and sub.state == S.SUBMITTED and sub.chorus_status == TO_RECYCLE


def can_abandon(sub: ChorusSubmission) -> bool:
    """Nothing of it is an invoice in Chorus yet (at most an unused PDF deposit), and no worker is on it: a
    deposit that failed or stalled, or a deposited PDF not submitted."""
    if sub.numero_flux_depot or not allowed(sub.state, Move.ABANDON):  # a flux creates the invoice itself
        return False
    if sub.state == S.READY:
        return True
    return bool(sub.last_error) or sub.is_stalled
