"""Small helpers shared by the view tests."""

from __future__ import annotations

import html


def body(response) -> str:
    """The page as a person reads it: decoded, with HTML entities (&#x27; …) turned back into characters."""
    return html.unescape(response.content.decode())
