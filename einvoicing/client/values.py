"""The AFNOR XP Z12-013 values the product reads and writes, typed (Flow Service and Directory Service
OpenAPI v1.1.0, ../shared/reform/afnor-api/). Enum values are the OpenAPI's, spelled exactly."""

from __future__ import annotations

import datetime
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class FlowSyntax(enum.StrEnum):
    CII = "CII"
    UBL = "UBL"
    FACTURX = "Factur-X"
    CDAR = "CDAR"
    FRR = "FRR"  # e-reporting (flux 10)


class FlowProfile(enum.StrEnum):
    BASIC = "Basic"
    CIUS = "CIUS"  # EN 16931 (BT-24 urn:cen.eu:en16931:2017): what Géoprod sends
    EXTENDED_CTC_FR = "Extended-CTC-FR"


class ProcessingRule(enum.StrEnum):
    B2B = "B2B"
    B2B_INT = "B2BInt"
    B2C = "B2C"
    OUT_OF_SCOPE = "OutOfScope"
    ARCHIVE_ONLY = "ArchiveOnly"
    NOT_APPLICABLE = "NotApplicable"


class FlowDirection(enum.StrEnum):
    IN = "In"  # PA → Géoprod (received invoices, lifecycle messages)
    OUT = "Out"  # Géoprod → PA


class AckStatus(enum.StrEnum):
    PENDING = "Pending"
    OK = "Ok"
    ERROR = "Error"


class DocType(enum.StrEnum):
    METADATA = "Metadata"
    ORIGINAL = "Original"
    CONVERTED = "Converted"
    READABLE_VIEW = "ReadableView"


def parse_datetime(value: Any) -> datetime.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)


def format_datetime(value: datetime.datetime) -> str:
    """RFC 3339 in UTC with milliseconds, the shape `updatedAfter` takes."""
    utc = value.astimezone(datetime.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


@dataclass(frozen=True)
class FlowInfo:
    """`flowInfo` of POST /v1/flows; only flowSyntax is required by the standard."""

    flow_syntax: FlowSyntax
    flow_profile: FlowProfile | None = None
    processing_rule: ProcessingRule | None = None
    tracking_id: str = ""  # ≤ 36; the invoice number, to find the flow again after a lost reply
    name: str = ""  # ≤ 255, the file name
    sha256: str = ""

    def as_json(self) -> dict[str, str]:
        body = {"flowSyntax": str(self.flow_syntax)}
        if self.flow_profile:
            body["flowProfile"] = str(self.flow_profile)
        if self.processing_rule:
            body["processingRule"] = str(self.processing_rule)
        if self.tracking_id:
            body["trackingId"] = self.tracking_id
        if self.name:
            body["name"] = self.name
        if self.sha256:
            body["sha256"] = self.sha256
        return body


@dataclass(frozen=True)
class AckDetail:
    level: str  # Error | Warning
    item: str
    reason_code: str
    reason_message: str


@dataclass(frozen=True)
class Flow:
    """A flow as the Flow Service describes it (search results, GET metadata, POST answer)."""

    flow_id: str
    tracking_id: str = ""
    flow_syntax: str = ""
    flow_profile: str = ""
    flow_type: str = ""
    flow_direction: str = ""
    processing_rule: str = ""
    submitted_at: datetime.datetime | None = None
    updated_at: datetime.datetime | None = None
    ack_status: str = ""
    ack_details: tuple[AckDetail, ...] = field(default_factory=tuple)

    @property
    def acknowledged(self) -> bool:
        return self.ack_status == AckStatus.OK

    @property
    def in_error(self) -> bool:
        return self.ack_status == AckStatus.ERROR


def parse_flow(data: Mapping[str, Any]) -> Flow:
    ack = data.get("acknowledgement") if isinstance(data.get("acknowledgement"), Mapping) else {}
    details = ack.get("details") if isinstance(ack.get("details"), list) else []
    return Flow(
        flow_id=str(data.get("flowId") or ""),
        tracking_id=str(data.get("trackingId") or ""),
        flow_syntax=str(data.get("flowSyntax") or ""),
        flow_profile=str(data.get("flowProfile") or ""),
        flow_type=str(data.get("flowType") or ""),
        flow_direction=str(data.get("flowDirection") or ""),
        processing_rule=str(data.get("processingRule") or ""),
        submitted_at=parse_datetime(data.get("submittedAt")),
        updated_at=parse_datetime(data.get("updatedAt")) or parse_datetime(data.get("submittedAt")),
        ack_status=str(ack.get("status") or ""),
        ack_details=tuple(
            AckDetail(
                level=str(d.get("level") or ""),
                item=str(d.get("item") or ""),
                reason_code=str(d.get("reasonCode") or ""),
                reason_message=str(d.get("reasonMessage") or ""),
            )
            for d in details
            if isinstance(d, Mapping)
        ),
    )


@dataclass(frozen=True)
class FlowFile:
    """A downloaded flow document (Original, Converted, ReadableView)."""

    content: bytes
    content_type: str
    filename: str


@dataclass(frozen=True)
class DirectoryLine:
    """One electronic address of the Directory (PPF annuaire), where invoices to a company are delivered."""

    addressing_identifier: str  # BT-49 / BT-34 value, scheme 0225
    siren: str
    siret: str = ""
    addressing_suffix: str = ""
    routing_identifier: str = ""
    platform_type: str = ""  # WK (a PA) | DFH (the PPF)
    platform_status: str = ""  # Enabled | Disabled
    entity_type: str = ""  # Public | PrivateVatRegistered
    business_name: str = ""

    @property
    def usable(self) -> bool:
        """A line that designates a platform able to receive: the address can go in BT-49."""
        return (
            bool(self.addressing_identifier)
            and self.platform_status != "Disabled"
            and bool(self.platform_type)
        )


def parse_directory_line(data: Mapping[str, Any]) -> DirectoryLine:
    def sub(key: str) -> Mapping[str, Any]:
        value = data.get(key)
        return value if isinstance(value, Mapping) else {}

    return DirectoryLine(
        addressing_identifier=str(data.get("addressingIdentifier") or ""),
        siren=str(data.get("siren") or ""),
        siret=str(data.get("siret") or ""),
        addressing_suffix=str(data.get("addressingSuffix") or ""),
        routing_identifier=str(sub("routingCode").get("routingIdentifier") or ""),
        platform_type=str(sub("platform").get("platformType") or ""),
        platform_status=str(sub("platform").get("platformStatus") or ""),
        entity_type=str(sub("legalUnit").get("entityType") or ""),
        business_name=str(sub("legalUnit").get("businessName") or ""),
    )
