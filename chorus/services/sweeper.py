"""Taking back the work of a worker that died: a deposit or a « Soumettre » claimed longer ago than the stale
limit (or a deposit queued that long without news) is run again, the safe way: a deposit is simply redone
(an unused pièce jointe is harmless), a submission searches Chorus by invoice number before any re-send."""

from __future__ import annotations

from chorus.models import ChorusSubmission, SubmissionState, stalled

DEPOSIT = "deposit"
SUBMIT = "submit"


def step_to_resume(submission: ChorusSubmission) -> str | None:
    """Which step to run again for a stalled submission; None while a worker may still be on it."""
    if not submission.is_stalled:
        return None
    return SUBMIT if submission.is_sending else DEPOSIT


def stalled_submissions() -> list[tuple[int, str]]:
    """(submission id, step to run again) of every stalled submission, all cabinets."""
    rows = ChorusSubmission.objects.filter(stalled()).values_list("pk", "state")
    return [(pk, SUBMIT if state == SubmissionState.SENDING else DEPOSIT) for pk, state in rows]
