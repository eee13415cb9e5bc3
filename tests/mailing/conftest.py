"""A real SMTP server (aiosmtpd) started by the test, and documents ready to be sent."""

from __future__ import annotations

import datetime
import socket

import pytest
from aiosmtpd.controller import Controller

from tests import factories

ISSUED = datetime.date(2026, 6, 1)  # due 01/07/2026
LATER = datetime.date(2026, 9, 29)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Recorder:
    """Keeps every message received; `refuse` (e.g. "550 5.1.1 Boîte inconnue") refuses each recipient."""

    def __init__(self):
        self.envelopes = []
        self.refuse: str | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp(settings):
    """An SMTP server on 127.0.0.1 that the product's SMTP backend talks to; yields its Recorder."""
    recorder = Recorder()
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "Géoprod <factures@geoprod.example>"
    yield recorder
    controller.stop()


@pytest.fixture
def outbox_backend(settings):
    settings.EMAIL_BACKEND = "mailing.backends.OutboxBackend"
    settings.DEFAULT_FROM_EMAIL = "factures@geoprod.example"


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Runs the queued delivery tasks (eager Celery) as a commit would."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


@pytest.fixture
def invoice(cabinet):
    client = factories.make_client(cabinet, nom="SCI Les Jardins", email="accueil@jardins.example")
    factories.make_contact(client, nom="Paul Martin", fonction="Gérant", email="paul@jardins.example")
    factories.make_contact(
        client, nom="Zoé Durand", fonction="Service comptabilité", email="compta@jardins.example"
    )
    return factories.make_invoice(cabinet, client=client, issued=True, today=ISSUED, objet="Bornage")
