"""Domain errors of invoicing, mapped once at the edge (forms and views show their French message)."""

from __future__ import annotations


class InvoicingError(Exception):
    """A refused operation; `field` names the form field the message belongs next to, if any."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class InvoiceLocked(InvoicingError):
    """An issued invoice (or a recorded payment) is never modified nor deleted."""


class NumberingError(InvoicingError):
    """The cabinet's prefix would give a number outside the e-invoicing charset or length."""
