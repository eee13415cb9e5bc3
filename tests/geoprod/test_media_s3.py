"""MEDIA_STORAGE=s3 end to end, on an S3 bucket simulated in-process (moto): invoice PDFs, reminder letters and
logos are written to and read from the bucket, never to MEDIA_ROOT, and reached by signed URLs."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import boto3
import environ
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from moto import mock_aws
from PIL import Image

from invoices import pdf, services
from settings.media import media_storage
from tests import factories

pytestmark = pytest.mark.django_db
BUCKET = "geoprod-media"
S3_ENV = {
    "MEDIA_STORAGE": "s3",
    "AWS_STORAGE_BUCKET_NAME": BUCKET,
    "AWS_S3_REGION_NAME": "eu-west-3",
    "AWS_LOCATION": "geoprod",
}
ISSUED = datetime.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def bucket(settings, monkeypatch):
    """The settings' own S3 storage configuration (moto provides the credentials), on a simulated bucket;
    yields a callable that lists the bucket's keys."""
    for name, value in S3_ENV.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        s3 = boto3.client("s3", region_name="eu-west-3")
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
        settings.STORAGES = {**settings.STORAGES, "default": media_storage(environ.Env())}

        def keys() -> set[str]:
            return {o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])}

        yield keys
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(media.rglob("*")), "a file was written beside the storage API"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "navy").save(buffer, format="PNG")
    return buffer.getvalue()


def test_issued_invoice_pdf_lives_in_the_bucket_with_its_logo(bucket, cabinet, client_as, comptable):
    cabinet.logo.save("logo.png", ContentFile(_png()), save=True)
    invoice = factories.make_invoice(cabinet, issued=True, today=ISSUED)
    assert {f"geoprod/{cabinet.logo.name}", f"geoprod/{invoice.pdf.name}"} <= bucket()
    assert "data:image/png;base64," in pdf.invoice_html(invoice)
    stored = invoice.pdf_bytes()  # read back from the bucket, checked against its SHA-256
    response = client_as(comptable).get(reverse("invoices:invoice-pdf", args=[invoice.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == stored


def test_reminder_letter_lives_in_the_bucket(bucket, cabinet):
    invoice = factories.make_invoice(cabinet, issued=True, today=ISSUED)
    reminder = services.send_reminder(invoice=invoice, today=datetime.date(2026, 9, 29))
    assert f"geoprod/{reminder.pdf.name}" in bucket()
    assert reminder.pdf.read().startswith(b"%PDF")


def test_a_stored_file_is_never_replaced_and_is_reached_by_a_signed_url(bucket):
    first = default_storage.save("factures/1/2026/F-2026-0001.pdf", ContentFile(b"%PDF premier"))
    second = default_storage.save("factures/1/2026/F-2026-0001.pdf", ContentFile(b"%PDF second"))
    assert first != second and default_storage.open(first).read() == b"%PDF premier"
    url = default_storage.url(first)
    assert url.startswith(f"https://{BUCKET}.") and "X-Amz-Signature=" in url and "X-Amz-Expires=300" in url
    assert default_storage.secret_key and default_storage.secret_key not in url
