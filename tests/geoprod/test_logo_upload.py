"""The cabinet logo: refused in French above 4000 × 4000 pixels without being decoded, stored re-encoded
(PNG, bounded size, no metadata), and a huge logo stored earlier cannot blow up PDF rendering."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from django.forms.models import model_to_dict
from PIL import Image

from geoprod import limits
from geoprod.forms import CabinetIdentityForm
from tests import factories
from tests.security.hostile import multipart
from tests.utils import body

pytestmark = pytest.mark.django_db


def _image(size: tuple[int, int], *, mode: str = "RGB", format: str = "PNG", **save) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, 0 if mode == "1" else "white").save(buffer, format=format, **save)
    return buffer.getvalue()


def _post_logo(client_as, admin, cabinet, content: bytes, filename: str = "logo.png"):
    data = model_to_dict(cabinet, fields=[f for f in CabinetIdentityForm.Meta.fields if f != "logo"])
    fields = {k: "" if v is None else str(v) for k, v in data.items()}
    multipart_body, content_type = multipart(fields, {"logo": (filename, content, "image/png")})
    return client_as(admin).generic("POST", "/parametres/", multipart_body, content_type=content_type)


def test_pillow_pixel_limit_is_set_explicitly():
    assert Image.MAX_IMAGE_PIXELS == limits.IMAGE_MAX_PIXELS == 4000 * 4000


@pytest.mark.parametrize(
    "size", [(10_000, 10_000), (5000, 4000), (4001, 4000)], ids=["bomb-100MP", "20MP", "just-above"]
)
def test_an_image_with_too_many_pixels_is_refused_in_french(client_as, admin, cabinet, size):
    content = _image(size, mode="1")
    response = _post_logo(client_as, admin, cabinet, content)
    assert response.status_code == 200
    assert "Cette image est trop grande" in body(response)
    assert 'value="' + cabinet.raison_sociale in body(response)
    cabinet.refresh_from_db()
    assert not cabinet.logo


def test_the_ten_thousand_pixel_bomb_is_a_small_file():
    assert len(_image((10_000, 10_000), mode="1")) < 20_000


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (_image((40, 40), format="TIFF"), "logo.tiff"),
        (_image((40, 40), format="BMP"), "logo.png"),
        (b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n", "logo.eps"),
    ],
    ids=["tiff", "bmp", "eps"],
)
def test_only_plain_raster_formats_are_read(client_as, admin, cabinet, content, filename):
    response = _post_logo(client_as, admin, cabinet, content, filename)
    assert response.status_code == 200
    assert "envoyez un PNG, un JPEG, un GIF ou un WebP" in body(response)
    cabinet.refresh_from_db()
    assert not cabinet.logo


def test_a_logo_is_stored_as_a_small_png_without_metadata(client_as, admin, cabinet):
    exif = Image.Exif()
    exif[0x010F] = "Appareil photo"  # Make
    exif[0x8825] = {2: (43.0, 36.0, 0.0)}  # GPS latitude
    content = _image((3000, 2000), format="JPEG", exif=exif.tobytes(), comment=b"secret")
    response = _post_logo(client_as, admin, cabinet, content, "photo.jpg")
    assert response.status_code == 302
    cabinet.refresh_from_db()
    with cabinet.logo.open("rb") as stored, Image.open(stored) as image:
        assert image.format == "PNG"
        assert image.width <= limits.LOGO_BOX[0] and image.height <= limits.LOGO_BOX[1]
        assert image.size == (900, 600)  # proportions kept
        assert not image.getexif() and "comment" not in image.info
    assert cabinet.logo.name.endswith(".png")


def test_a_transparent_logo_stays_transparent(client_as, admin, cabinet):
    content = _image((200, 100), mode="RGBA")
    assert _post_logo(client_as, admin, cabinet, content).status_code == 302
    cabinet.refresh_from_db()
    with cabinet.logo.open("rb") as stored, Image.open(stored) as image:
        assert image.mode == "RGBA" and image.size == (200, 100)


def test_a_huge_logo_stored_before_the_limit_does_not_reach_the_pdf(cabinet):
    cabinet.logo.save("ancien.png", ContentFile(_image((10_000, 10_000), mode="1")))
    invoice = factories.make_invoice(cabinet, issued=True)
    assert invoice.pdf_bytes().startswith(b"%PDF")


def test_any_form_of_the_model_refuses_a_large_image(cabinet):
    """The Django admin builds its own form from the model: the model's validator is the guard there."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.forms import modelform_factory

    from geoprod.models import Cabinet

    form_class = modelform_factory(Cabinet, fields=["logo"])
    upload = SimpleUploadedFile("logo.png", _image((5000, 4000), mode="1"), content_type="image/png")
    form = form_class(data={}, files={"logo": upload}, instance=cabinet)
    assert not form.is_valid()
    assert "Cette image est trop grande" in str(form.errors["logo"])
