"""Chorus Pro verbs of the product (DESIGN.md, The Chorus Pro module)."""

from chorus.services import answer
from chorus.services.account import update_account
from chorus.services.answer import (
    buyer_comment,
    complete_invoice,
    completion_attachments,
    prepare_completion,
    prepare_recycling,
    recycle_invoice,
)
from chorus.services.connection import client_for
from chorus.services.doctor import diagnose
from chorus.services.refresh import (
    moving_accounts,
    pending_submissions,
    refresh_account,
    refresh_all,
    refresh_cabinet,
    refresh_status,
)
from chorus.services.submission import (
    SubmissionError,
    abandon_submission,
    add_attachment,
    build_submit_request,
    check_submission,
    deposit_invoice_pdf,
    lookup_recipient,
    record_not_queued,
    remove_attachment,
    save_draft,
    start_submission,
    submit_invoice,
    why_not_sendable,
)

__all__ = [
    "answer",
    "SubmissionError",
    "abandon_submission",
    "add_attachment",
    "build_submit_request",
    "buyer_comment",
    "complete_invoice",
    "completion_attachments",
    "check_submission",
    "client_for",
    "deposit_invoice_pdf",
    "diagnose",
    "lookup_recipient",
    "moving_accounts",
    "pending_submissions",
    "prepare_completion",
    "prepare_recycling",
    "recycle_invoice",
    "refresh_account",
    "refresh_all",
    "refresh_cabinet",
    "record_not_queued",
    "refresh_status",
    "remove_attachment",
    "save_draft",
    "start_submission",
    "submit_invoice",
    "update_account",
    "why_not_sendable",
]
