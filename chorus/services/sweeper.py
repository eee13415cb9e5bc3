"""Taking back the work of a worker that died: a claim (deposit, « Soumettre », « Compléter », « Recycler ») older
than the stale limit (or a deposit queued that long without news) is run again, the safe way: a deposit is simply
redone (an unused pièce jointe is harmless), a submission searches Chorus by invoice number before any re-send,
a completion or a recycling reads the invoice's Chorus status before sending again."""

from __future__ import annotations

from chorus.models import ChorusSubmission, SubmissionState, stalled

DEPOSIT = "deposit"
SUBMIT = "submit"
COMPLETE = "complete"
RECYCLE = "recycle"

# The claimed state → the step that resumes it; a queued deposit (« nouvelle ») resumes as a deposit.
STEP_FOR_STATE = {
    SubmissionState.NEW: DEPOSIT,
    SubmissionState.DEPOSITING: DEPOSIT,
    SubmissionState.SENDING: SUBMIT,
    SubmissionState.COMPLETING: COMPLETE,
    SubmissionState.RECYCLING: RECYCLE,
}


def step_to_resume(submission: ChorusSubmission) -> str | None:
    """Which step to run again for a stalled submission; None while a worker may still be on it."""
    if not submission.is_stalled:
        return None
    return STEP_FOR_STATE.get(submission.state)


def stalled_submissions() -> list[tuple[int, str]]:
    """(submission id, step to run again) of every stalled submission, all cabinets."""
    rows = ChorusSubmission.objects.filter(stalled()).values_list("pk", "state")
    return [(pk, STEP_FOR_STATE[state]) for pk, state in rows if state in STEP_FOR_STATE]
