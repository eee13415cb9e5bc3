"""The Plateforme Agréée client (AFNOR XP Z12-013 Flow and Directory Services): typed values in and out,
the Chorus client's error family. `from einvoicing import client` then `client.PlatformClient(...)`."""

from __future__ import annotations

from .api import CURSOR_OVERLAP, SEARCH_LIMIT, PlatformClient
from .config import PlatformCredentials, PlatformEndpoints
from .errors import (
    PlatformAuthError,
    PlatformError,
    PlatformRateLimited,
    PlatformRejected,
    PlatformUnavailable,
)
from .transport import token_cache_key
from .values import (
    AckDetail,
    AckStatus,
    DirectoryLine,
    DocType,
    Flow,
    FlowDirection,
    FlowFile,
    FlowInfo,
    FlowProfile,
    FlowSyntax,
    ProcessingRule,
)

__all__ = [
    "CURSOR_OVERLAP",
    "SEARCH_LIMIT",
    "AckDetail",
    "AckStatus",
    "DirectoryLine",
    "DocType",
    "Flow",
    "FlowDirection",
    "FlowFile",
    "FlowInfo",
    "FlowProfile",
    "FlowSyntax",
    "PlatformAuthError",
    "PlatformClient",
    "PlatformCredentials",
    "PlatformEndpoints",
    "PlatformError",
    "PlatformRateLimited",
    "PlatformRejected",
    "PlatformUnavailable",
    "ProcessingRule",
    "token_cache_key",
]
