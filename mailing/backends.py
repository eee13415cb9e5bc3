"""The embedded e-mail backend: messages are kept in the « Boîte d'envoi » instead of leaving."""

from __future__ import annotations

from django.core.mail.backends.base import BaseEmailBackend


class OutboxBackend(BaseEmailBackend):
    """Stores each message's full MIME text in OutboxMessage, under the cabinet that sent it (None for the
    platform's own messages, e.g. error reports to ADMINS)."""

    def send_messages(self, email_messages) -> int:
        from mailing.models import OutboxMessage

        sent = 0
        for message in email_messages:
            recipients = message.recipients()
            if not recipients:
                continue
            OutboxMessage.objects.create(
                cabinet_id=getattr(message, "geoprod_cabinet_id", None),
                email_id=getattr(message, "geoprod_email_id", None),
                from_email=str(message.from_email)[:300],
                recipients=", ".join(recipients),
                subject=str(message.subject)[:300],
                message=message.message().as_bytes(linesep="\r\n"),
            )
            sent += 1
        return sent
