"""Celery task around the mailing service: ids in, nothing out."""

from __future__ import annotations

from celery import shared_task

from mailing import services


# Safe to run twice: the service claims the row with a conditional UPDATE, so a redelivered message
# (worker lost before the acknowledgement) does not send the e-mail a second time.
@shared_task(acks_late=True, reject_on_worker_lost=True)
def deliver_email(email_id: int) -> None:
    services.deliver_email(email_id=email_id)
