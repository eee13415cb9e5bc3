"""Hostile uploads on the two upload points (complementary attachment, cabinet logo): not PDFs, empty,
50 MB, names with path separators or control characters. Never a 500, a French error, and nothing is
written outside the media folder."""

from __future__ import annotations

import html
import io
import os
import tempfile
from pathlib import Path

import pytest
from django.forms.models import model_to_dict
from PIL import Image

from chorus.models import ChorusAttachment
from geoprod.forms import CabinetIdentityForm
from tests.security.hostile import check_answer, multipart

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n%%EOF\n"
FIFTY_MB = 50 * 1024 * 1024

MARKERS = ("evade", "geoprod", "plan", "rouge", "gdp", "logo", ".upload")
NAMES = [
    "../../../../tmp/geoprod-evade.pdf",
    "/etc/cron.d/geoprod.pdf",
    "..\\..\\windows\\geoprod.pdf",
    "C:\\Temp\\geoprod.pdf",
    "plan\x00.exe.pdf",
    "plan\r\nContent-Type: text/html.pdf",
    "\x1b[31mrouge\x07.pdf",
    "\u202egdp.exe",
    "....pdf",
    ".pdf",
]


def _snapshot(*roots: Path) -> set[str]:
    found = set()
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if d not in (".git", ".venv", "__pycache__", ".hypothesis")]
            found.update(os.path.join(dirpath, f) for f in filenames)
    return found


@pytest.fixture
def outside_media(settings, tmp_path, monkeypatch):
    """Files named after an upload (or Django's temporary upload files) that appeared during the test anywhere
    but in MEDIA_ROOT: the repository and this process's temp folder. The temp folder is made private to the
    test so that other processes writing to /tmp at the same time cannot be mistaken for a leak."""
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private_tmp))
    settings.FILE_UPLOAD_TEMP_DIR = str(private_tmp)
    roots = (ROOT, private_tmp)
    before = _snapshot(*roots)

    def appeared() -> set[str]:
        media = str(Path(settings.MEDIA_ROOT).resolve())
        return {
            f
            for f in _snapshot(*roots) - before
            if not str(Path(f).resolve()).startswith(media)
            and any(marker in os.path.basename(f) for marker in MARKERS)
        }

    return appeared


def _attach(client, submission, filename, content, mime="application/pdf"):
    body, content_type = multipart(
        {"designation": "Plan de bornage", "type": "PJ_PLAN"}, {"fichier": (filename, content, mime)}
    )
    return client.generic(
        "POST", f"/chorus/envois/{submission.pk}/pieces-jointes/", body, content_type=content_type
    )


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("plan.pdf", b"MZ\x90\x00 not a pdf", "n'est pas un PDF"),
        ("plan.exe", b"MZ\x90\x00", "n'est pas accepté par Chorus Pro"),
        ("plan", PDF, "n'est pas accepté par Chorus Pro"),
        ("plan.pdf", b"", "est vide"),
        ("plan.pdf", PDF + b"\0" * FIFTY_MB, "dépasse 10 Mo"),
    ],
    ids=["not-a-pdf", "executable", "no-extension", "empty", "50MB"],
)
def test_attachment_refused_in_french(
    client_as, comptable, submission, outside_media, filename, content, message
):
    response = _attach(client_as(comptable), submission, filename, content)
    check_answer(response)
    assert response.status_code == 200 and message in html.unescape(response.content.decode())
    assert not ChorusAttachment.objects.exists()
    assert not outside_media()


@pytest.mark.parametrize("filename", NAMES)
def test_attachment_names_are_made_harmless(client_as, comptable, submission, outside_media, filename):
    response = _attach(client_as(comptable), submission, filename, PDF)
    check_answer(response)
    for attachment in ChorusAttachment.objects.all():
        assert not set(attachment.filename) & set("/\\\x00\r\n\x1b\x07"), attachment.filename
        assert attachment.filename.isprintable()
    assert not outside_media()


def _logo_form(cabinet) -> dict:
    data = model_to_dict(cabinet, fields=[f for f in CabinetIdentityForm.Meta.fields if f != "logo"])
    return {k: "" if v is None else str(v) for k, v in data.items()}


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("logo.png", b"not an image at all"),
        ("logo.png", b""),
        ("logo.png", _png() + b"\0" * FIFTY_MB),
        *[(name.replace(".pdf", ".png").replace(".exe", ".png"), _png()) for name in NAMES],
    ],
)
def test_logo_upload(client_as, admin, cabinet, settings, outside_media, filename, content):
    body, content_type = multipart(_logo_form(cabinet), {"logo": (filename, content, "image/png")})
    response = client_as(admin).generic("POST", "/parametres/", body, content_type=content_type)
    check_answer(response)
    cabinet.refresh_from_db()
    if cabinet.logo:
        stored = Path(cabinet.logo.path).resolve()
        assert stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve() / "logos")
        assert stored.name.isprintable() and "\\" not in stored.name
    assert not outside_media()
