"""The submission's state machine (chorus/lifecycle.py): every listed move works, every other one is refused,
claims are won once, and the model's can_* properties follow the table."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.utils import timezone

from chorus import lifecycle
from chorus.lifecycle import GONE, TRANSITIONS, IllegalMove, Move
from chorus.models import ChorusSubmission
from chorus.models import SubmissionState as S
from tests import factories

ALL_PAIRS = list(itertools.product(S.values, list(Move)))
ALLOWED = [pair for pair in ALL_PAIRS if pair in TRANSITIONS]
REFUSED = [pair for pair in ALL_PAIRS if pair not in TRANSITIONS]


def test_the_table_is_the_documented_machine():
    expected = {
        (S.NEW, Move.DEPOSIT): S.DEPOSITING,
        (S.DEPOSITING, Move.DEPOSIT): S.DEPOSITING,
        (S.DEPOSITING, Move.DEPOSITED): S.READY,
        (S.NEW, Move.DEPOSIT_FAILED): S.NEW,
        (S.DEPOSITING, Move.DEPOSIT_FAILED): S.NEW,
        (S.DEPOSITING, Move.FLUX_DEPOSITED): S.UNKNOWN,
        (S.UNKNOWN, Move.FLUX_REJECTED): S.NEW,
        (S.SENDING, Move.FLUX_REJECTED): S.NEW,
        (S.READY, Move.SUBMIT): S.SENDING,
        (S.UNKNOWN, Move.SUBMIT): S.SENDING,
        (S.SENDING, Move.SUBMIT): S.SENDING,
        (S.SENDING, Move.SUBMITTED): S.SUBMITTED,
        (S.UNKNOWN, Move.SUBMITTED): S.SUBMITTED,
        (S.DEPOSITING, Move.SUBMITTED): S.SUBMITTED,
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
    assert TRANSITIONS == expected


def test_a_submitted_invoice_never_goes_back_before_chorus():
    for (state, _), to in TRANSITIONS.items():
        if state in lifecycle.IN_CHORUS:
            assert to in lifecycle.IN_CHORUS


@pytest.mark.parametrize(("state", "move"), ALLOWED)
def test_every_allowed_move_works(state, move):
    sub = ChorusSubmission(state=state, sending_since=timezone.now())
    to = lifecycle.apply(sub, move)
    assert to == TRANSITIONS[(state, move)]
    if to is not GONE:
        assert sub.state == to
        assert (sub.sending_since is None) == (to not in lifecycle.CLAIMED)


@pytest.mark.parametrize(("state", "move"), REFUSED)
def test_every_other_move_is_refused(state, move):
    sub = ChorusSubmission(state=state)
    with pytest.raises(IllegalMove) as refused:
        lifecycle.apply(sub, move)
    assert sub.state == state
    assert f"« {move} » impossible" in str(refused.value)
    assert S(state).label in str(refused.value)
    assert not lifecycle.allowed(state, move)


@pytest.mark.django_db
def test_a_claim_is_won_once(chorus, account, issued_invoice):
    sub = factories.make_submission(issued_invoice, account)
    first, second = (ChorusSubmission.objects.get(pk=sub.pk) for _ in range(2))
    assert lifecycle.claim(first, Move.SUBMIT)
    assert not lifecycle.claim(second, Move.SUBMIT)  # read READY before the first claim: loses
    assert ChorusSubmission.objects.get(pk=sub.pk).state == S.SENDING
    with pytest.raises(IllegalMove):
        lifecycle.claim(ChorusSubmission.objects.get(pk=sub.pk), Move.COMPLETE)


@pytest.mark.django_db
def test_a_stale_claim_is_taken_back_once(chorus, account, issued_invoice):
    sub = factories.make_submission(issued_invoice, account)
    old = timezone.now() - datetime.timedelta(hours=2)
    ChorusSubmission.objects.filter(pk=sub.pk).update(state=S.SENDING, sending_since=old)
    first, second = (ChorusSubmission.objects.get(pk=sub.pk) for _ in range(2))
    assert lifecycle.claim(first, Move.SUBMIT)
    assert not lifecycle.claim(second, Move.SUBMIT)


@pytest.mark.parametrize(
    ("state", "chorus_status", "offered"),
    [
        (S.READY, "INTERPRETEE_OCR", {"can_submit", "can_abandon"}),
        (S.UNKNOWN, "", {"can_verify"}),
        (S.SUBMITTED, "MISE_A_DISPOSITION", {"can_refresh"}),
        (S.SUBMITTED, "SUSPENDUE", {"can_refresh", "can_complete"}),
        (S.SUBMITTED, "A_RECYCLER", {"can_refresh", "can_recycle"}),
        (S.COMPLETING, "SUSPENDUE", {"can_refresh"}),
        (S.RECYCLING, "A_RECYCLER", {"can_refresh"}),
        (S.SENDING, "", set()),
    ],
)
def test_the_screens_ask_the_model(state, chorus_status, offered):
    sub = ChorusSubmission(state=state, chorus_status=chorus_status, sending_since=timezone.now())
    properties = {"can_submit", "can_verify", "can_refresh", "can_complete", "can_recycle", "can_abandon"}
    assert {name for name in properties if getattr(sub, name)} == offered


def test_a_factur_x_flux_is_never_submitted_by_hand_nor_abandoned():
    sub = ChorusSubmission(state=S.UNKNOWN, numero_flux_depot="FLUX-1")
    assert not sub.can_abandon and not sub.can_submit
