"""Uploaded images (the cabinet logo): checked for size in pixels before anything is decoded, then stored
re-encoded, so what the PDFs embed is small, clean and always the same format."""

from __future__ import annotations

import io

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageOps

from geoprod import limits

# Pillow refuses to decode anything above twice this (DecompressionBombError), in every process that imports
# Géoprod, including WeasyPrint reading a logo stored before the limit existed.
Image.MAX_IMAGE_PIXELS = limits.IMAGE_MAX_PIXELS
# Only plain raster formats: others (EPS through Ghostscript, PSD, TIFF variants…) are code we do not need.
FORMATS = ("PNG", "JPEG", "GIF", "WEBP")
TOO_LARGE = (
    f"Cette image est trop grande : {limits.IMAGE_MAX_PIXELS // 1_000_000} millions de pixels au plus "
    "(4000 × 4000). Réduisez-la avant de l'envoyer."
)
TOO_HEAVY = f"Une image ne doit pas dépasser {limits.IMAGE_MAX_BYTES // (1024 * 1024)} Mo."
NOT_AN_IMAGE = "Ce fichier n'est pas une image lisible : envoyez un PNG, un JPEG, un GIF ou un WebP."


def _open(upload) -> Image.Image:
    """The image, its header read and nothing decoded yet; Pillow reads from a copy of the upload's bytes (at
    most IMAGE_MAX_BYTES), so closing the image never closes the upload."""
    upload.seek(0)
    content = io.BytesIO(upload.read(limits.IMAGE_MAX_BYTES + 1))
    upload.seek(0)
    if len(content.getbuffer()) > limits.IMAGE_MAX_BYTES:
        raise forms.ValidationError(TOO_HEAVY, code="too_heavy")
    try:
        image = Image.open(content, formats=FORMATS)
    except Image.DecompressionBombError:
        raise forms.ValidationError(TOO_LARGE, code="too_large") from None
    except Exception:
        raise forms.ValidationError(NOT_AN_IMAGE, code="invalid_image") from None
    width, height = image.size
    if width * height > limits.IMAGE_MAX_PIXELS:
        raise forms.ValidationError(TOO_LARGE, code="too_large")
    return image


def validate_new_image(value) -> None:
    """Model validator (the Django admin's path): an image just uploaded, not yet stored, within FORMATS and
    IMAGE_MAX_PIXELS. A stored file is not read again."""
    if not getattr(value, "_committed", True) and getattr(value, "file", None) is not None:
        _open(value.file).close()


class BoundedImageField(forms.ImageField):
    """An image field that reads only the image's header before refusing it in French when it is too large
    in pixels or not one of FORMATS; Django's own check would decode it, or say only « image non valide »."""

    def to_python(self, data):
        if data not in self.empty_values and hasattr(data, "seek"):
            _open(data).close()
        return super().to_python(data)


def reencoded(
    upload, *, box: tuple[int, int] = limits.LOGO_BOX, name: str = "logo.png"
) -> SimpleUploadedFile:
    """The uploaded image as a PNG within `box`, upright, without its metadata (EXIF, GPS, comments).
    Raises forms.ValidationError (French) when it is not a readable image or has too many pixels."""
    with _open(upload) as image:
        try:
            image = ImageOps.exif_transpose(image)
            image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P", "PA") else "RGB")
            image.thumbnail(box)
        except (OSError, ValueError, Image.DecompressionBombError):
            raise forms.ValidationError(NOT_AN_IMAGE, code="invalid_image") from None
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=True)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


class _StoredLogo:
    """The stored logo as the file widget shows it: its name, and a link to the login-protected view."""

    def __init__(self, name: str):
        self.name = name

    @property
    def url(self) -> str:
        from django.urls import reverse

        return reverse("settings:logo")

    def __str__(self) -> str:
        return self.name


class LogoInput(forms.ClearableFileInput):
    """« Actuellement : … » links to the cabinet's logo view, not to a media URL nobody serves."""

    def format_value(self, value):
        value = super().format_value(value)
        return _StoredLogo(value.name) if value else value
