"""Media (logos, invoice PDFs, reminder letters) go through Django's storage API only, so a deployment can keep
them in an S3-compatible bucket: here an in-memory storage with no local path, as S3's (`.path` raises)."""

from __future__ import annotations

import datetime
import io
import os
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage, default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from invoices import pdf, services
from tests import factories
from tests.geoprod.test_settings_pages import _identity

pytestmark = pytest.mark.django_db
ISSUED = datetime.date(2026, 6, 1)


class PathlessStorage(InMemoryStorage):
    """Files kept in memory and, like a bucket's, reachable by no local path."""

    def path(self, name):
        raise NotImplementedError("Ce stockage n'a pas de chemin local.")

    def _relative_path(self, name):  # the in-memory tree itself is keyed by path
        return os.path.relpath(InMemoryStorage.path(self, name), self.location)


@pytest.fixture(autouse=True)
def memory_storage(settings):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": f"{__name__}.PathlessStorage"}}
    assert isinstance(storages["default"], PathlessStorage)
    yield
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(media.rglob("*")), "a file was written beside the storage API"


def _png(colour: str = "red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def test_the_storage_has_no_local_path():
    with pytest.raises(NotImplementedError):
        default_storage.path("logos/logo.png")


def test_logo_is_uploaded_and_shown_through_the_storage(client_as, admin, cabinet):
    http = client_as(admin)
    data = {**_identity(cabinet), "logo": SimpleUploadedFile("logo.png", _png(), content_type="image/png")}
    assert http.post(reverse("settings:cabinet"), data).status_code == 302
    cabinet.refresh_from_db()
    assert cabinet.logo.name.startswith("logos/") and default_storage.exists(cabinet.logo.name)
    assert reverse("settings:logo") in http.get(reverse("settings:cabinet")).content.decode()
    shown = http.get(reverse("settings:logo"))
    assert b"".join(shown.streaming_content) == default_storage.open(cabinet.logo.name).read()


def test_invoice_pdf_embeds_the_stored_logo(cabinet):
    cabinet.logo.save("logo.png", ContentFile(_png()), save=True)
    invoice = factories.make_invoice(cabinet, issued=True, today=ISSUED)
    assert "data:image/png;base64," in pdf.invoice_html(invoice)
    page = PdfReader(io.BytesIO(invoice.pdf_bytes())).pages[0]
    assert len(page.images) == 1


def test_a_logo_missing_from_the_storage_is_left_out(cabinet):
    cabinet.logo.save("logo.png", ContentFile(_png()), save=True)
    default_storage.delete(cabinet.logo.name)
    invoice = factories.make_invoice(cabinet)
    assert "data:image" not in pdf.invoice_html(invoice)


def test_issued_pdf_is_stored_and_served_from_the_storage(client_as, comptable, cabinet):
    invoice = factories.make_invoice(cabinet, issued=True, today=ISSUED)
    with default_storage.open(invoice.pdf.name, "rb") as f:
        stored = f.read()
    assert stored.startswith(b"%PDF") and invoice.pdf_bytes() == stored
    response = client_as(comptable).get(reverse("invoices:invoice-pdf", args=[invoice.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == stored


def test_reminder_letter_is_stored_and_served_from_the_storage(client_as, comptable, cabinet):
    invoice = factories.make_invoice(cabinet, issued=True, today=ISSUED)
    reminder = services.send_reminder(invoice=invoice, today=datetime.date(2026, 9, 29))
    assert default_storage.exists(reminder.pdf.name)
    url = reverse("invoices:reminder-pdf", args=[invoice.pk, reminder.pk])
    response = client_as(comptable).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
