"""Reads for the e-mail pages, always within one cabinet."""

from __future__ import annotations

from dataclasses import dataclass
from email import message_from_bytes, policy

from django.db.models import QuerySet

from mailing.models import OutboxMessage, OutgoingEmail


def document_emails(*, invoice=None, quote=None) -> QuerySet[OutgoingEmail]:
    """The sendings of one document, newest first (an invoice's include those of its relances)."""
    if invoice is not None:
        return OutgoingEmail.objects.filter(invoice=invoice).select_related("reminder")
    return OutgoingEmail.objects.filter(quote=quote)


def outbox_list(*, cabinet) -> QuerySet[OutboxMessage]:
    return (
        OutboxMessage.objects.filter(cabinet=cabinet)
        .select_related("email__invoice", "email__quote")
        .defer("message")
    )


@dataclass(frozen=True)
class Part:
    index: int
    filename: str
    content_type: str
    size: int
    content: bytes


@dataclass(frozen=True)
class Parsed:
    headers: list[tuple[str, str]]
    body: str
    attachments: list[Part]


SHOWN_HEADERS = ("From", "To", "Cc", "Reply-To", "Subject", "Date", "Message-ID", "Content-Type")


def parsed(message: OutboxMessage) -> Parsed:
    """The stored MIME message read back: decoded headers, the plain-text body, the attachments."""
    mime = message_from_bytes(bytes(message.message), policy=policy.default)
    headers = [(name, str(mime[name])) for name in SHOWN_HEADERS if mime[name] is not None]
    text = mime.get_body(preferencelist=("plain",))
    parts = [
        Part(i, part.get_filename() or f"piece-{i}", part.get_content_type(), len(data), data)
        for i, part in enumerate(mime.iter_attachments(), start=1)
        for data in [part.get_payload(decode=True) or b""]
    ]
    return Parsed(headers=headers, body=text.get_content() if text is not None else "", attachments=parts)
