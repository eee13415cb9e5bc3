"""Paramètres shows the cabinet logo through a login-protected view, never through a /media/ URL."""

import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "navy").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def cabinet_with_logo(client_as, admin, cabinet, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cabinet.logo.save("logo.png", ContentFile(_png()))
    return client_as(admin), cabinet


def test_settings_page_links_the_logo_view_not_media(cabinet_with_logo):
    client, _ = cabinet_with_logo
    page = client.get(reverse("settings:cabinet")).content.decode()
    assert f'src="{reverse("settings:logo")}"' in page
    assert f'href="{reverse("settings:logo")}"' in page
    assert "/media/" not in page


def test_logo_view_serves_own_logo_privately(cabinet_with_logo):
    client, _ = cabinet_with_logo
    response = client.get(reverse("settings:logo"))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert "no-store" in response["Cache-Control"]


def test_logo_view_is_404_without_logo(client_as, admin):
    client = client_as(admin)
    assert client.get(reverse("settings:logo")).status_code == 404


def test_logo_view_needs_login(client):
    response = client.get(reverse("settings:logo"))
    assert response.status_code == 302 and "/connexion/" in response["Location"]
