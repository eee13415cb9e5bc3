"""The Chorus Pro client (PISTE API): typed requests and results, typed errors, no Django models.

`from chorus import client` then `client.ChorusClient(...)`, `client.ChorusRejected`, … (chorus-api.md).
"""

from __future__ import annotations

from .api import ChorusClient
from .config import (
    ENVIRONMENTS,
    PRODUCTION,
    SANDBOX,
    SIMULATOR,
    Endpoints,
    PisteApp,
    TechnicalAccount,
    endpoints_for,
    piste_from_settings,
)
from .errors import ChorusAuthError, ChorusError, ChorusRateLimited, ChorusRejected, ChorusUnavailable
from .files import (
    ALLOWED_EXTENSIONS,
    FACTURX_SYNTAX,
    MAX_ATTACHMENT_NAME,
    MAX_FILE_BYTES,
    PDF_NON_SIGNE,
    Deposit,
    FluxDeposit,
    FluxReport,
)
from .invoices import (
    A1_FACTURE_FOURNISSEUR,
    DEPOT_PDF_API,
    ComplementaryAttachment,
    Completed,
    CompleteRequest,
    InvoiceHistory,
    InvoicePage,
    InvoiceSearch,
    InvoiceState,
    Recycled,
    RecycleRequest,
    StatusChange,
    SubmitRequest,
    Submitted,
    Totals,
    VatLine,
)
from .journal import Exchange
from .reference import AttachedStructure, AttachmentType, ExemptionMotive, UserAttachments, VatRate
from .structures import (
    PUBLIC_INVOICES_SERVICE,
    BankAccount,
    Service,
    ServiceDetails,
    Structure,
    StructureDetails,
    StructureParameters,
)
from .transport import RetryPolicy, token_cache_key
from .values import Paging

__all__ = [
    "A1_FACTURE_FOURNISSEUR",
    "ALLOWED_EXTENSIONS",
    "DEPOT_PDF_API",
    "ENVIRONMENTS",
    "FACTURX_SYNTAX",
    "MAX_ATTACHMENT_NAME",
    "MAX_FILE_BYTES",
    "PDF_NON_SIGNE",
    "PRODUCTION",
    "PUBLIC_INVOICES_SERVICE",
    "SANDBOX",
    "SIMULATOR",
    "AttachedStructure",
    "AttachmentType",
    "BankAccount",
    "ChorusAuthError",
    "ChorusClient",
    "ChorusError",
    "ChorusRateLimited",
    "ChorusRejected",
    "ChorusUnavailable",
    "ComplementaryAttachment",
    "CompleteRequest",
    "Completed",
    "Deposit",
    "Endpoints",
    "Exchange",
    "ExemptionMotive",
    "FluxDeposit",
    "FluxReport",
    "InvoiceHistory",
    "InvoicePage",
    "InvoiceSearch",
    "InvoiceState",
    "Paging",
    "PisteApp",
    "RecycleRequest",
    "Recycled",
    "RetryPolicy",
    "Service",
    "ServiceDetails",
    "StatusChange",
    "Structure",
    "StructureDetails",
    "StructureParameters",
    "SubmitRequest",
    "Submitted",
    "TechnicalAccount",
    "Totals",
    "UserAttachments",
    "VatLine",
    "VatRate",
    "endpoints_for",
    "piste_from_settings",
    "token_cache_key",
]
