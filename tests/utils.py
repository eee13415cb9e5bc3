"""Small helpers shared by the tests: a page as a person reads it, the text of a PDF."""

from __future__ import annotations

import html
import io
import re

from pypdf import PdfReader


def body(response) -> str:
    """The page as a person reads it: decoded, with HTML entities (&#x27; …) turned back into characters."""
    return html.unescape(response.content.decode())


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page of a PDF, whitespace collapsed so a line break never splits a phrase."""
    return [re.sub(r"\s+", " ", page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]
