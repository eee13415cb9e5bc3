"""PlatformClient: the Flow Service and the Directory Service of a Plateforme Agréée (AFNOR XP Z12-013
v1.1.0, reference.md §2–3), typed in and out. No Django models here."""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import time
from collections.abc import Callable, Iterator, Sequence
from email.message import Message
from typing import Any

import requests

from chorus.client.transport import RetryPolicy

from .config import PlatformCredentials, PlatformEndpoints
from .errors import PlatformRejected, PlatformUnavailable
from .transport import PlatformTransport
from .values import (
    AckStatus,
    DirectoryLine,
    DocType,
    Flow,
    FlowDirection,
    FlowFile,
    FlowInfo,
    ProcessingRule,
    format_datetime,
    parse_directory_line,
    parse_flow,
)

SEARCH_LIMIT = 100  # the Flow Service's maximum page (SearchFlowParams.limit)
# The search cursor is exclusive and updatedAt values repeat (reference.md §2, field lesson): each page
# restarts this much before the last timestamp it saw, and flows already seen are dropped by flowId.
CURSOR_OVERLAP = datetime.timedelta(milliseconds=1)
DIRECTORY_LIMIT = 50
SIREN = re.compile(r"^[0-9]{9}$")


class PlatformClient:
    def __init__(
        self,
        *,
        endpoints: PlatformEndpoints,
        credentials: PlatformCredentials,
        token_cache: Any,
        session: requests.Session | None = None,
        timeout: tuple[float, float] = (5.0, 30.0),
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        allow_plain_http: bool = False,
    ) -> None:
        self._endpoints = endpoints
        self._t = PlatformTransport(
            endpoints=endpoints,
            credentials=credentials,
            token_cache=token_cache,
            session=session or requests.Session(),
            timeout=timeout,
            retry=retry or RetryPolicy(),
            sleep=sleep,
            allow_plain_http=allow_plain_http,
        )

    # -- supervision -----------------------------------------------------------------------------------

    def renew_token(self) -> None:
        self._t.renew_token()

    def flow_health(self) -> None:
        """GET /v1/healthcheck of the Flow Service; raises when it is not operational."""
        self._t.call("healthcheck flux", "GET", self._endpoints.flow("/v1/healthcheck"), safe=True)

    def directory_health(self) -> None:
        self._t.call("healthcheck annuaire", "GET", self._endpoints.directory("/v1/healthcheck"), safe=True)

    # -- Flow Service ----------------------------------------------------------------------------------

    def submit_flow(self, info: FlowInfo, content: bytes, *, content_type: str) -> Flow:
        """POST /v1/flows (multipart flowInfo + file). Sent once: after a lost reply, look the flow up with
        find_by_tracking_id() before sending again. The sha256 is always sent so the PA checks the file."""
        if not content:
            raise PlatformRejected("EmptyFlow", "le fichier à transmettre est vide.")
        digest = hashlib.sha256(content).hexdigest()
        if info.sha256 and info.sha256 != digest:
            raise ValueError("flowInfo.sha256 ne correspond pas au fichier")
        body = {**info.as_json(), "sha256": digest}
        files = {
            "flowInfo": (None, json.dumps(body), "application/json"),
            "file": (info.name or "flux", content, content_type),
        }
        response = self._t.call(
            "dépôt de flux", "POST", self._endpoints.flow("/v1/flows"), safe=False, files=files
        )
        flow = parse_flow(_json_object(response))
        if not flow.flow_id:
            raise PlatformUnavailable(
                "La plateforme agréée a répondu sans identifiant de flux : vérifiez le dépôt avant de renvoyer."
            )
        return flow

    def search_flows(
        self,
        *,
        updated_after: datetime.datetime | None = None,
        updated_before: datetime.datetime | None = None,
        tracking_id: str = "",
        directions: Sequence[FlowDirection] = (),
        flow_types: Sequence[str] = (),
        processing_rules: Sequence[ProcessingRule] = (),
        ack_status: AckStatus | None = None,
        limit: int = SEARCH_LIMIT,
    ) -> list[Flow]:
        """One page of POST /v1/flows/search (at least one criterion, at most 100 results)."""
        where: dict[str, Any] = {}
        if updated_after:
            where["updatedAfter"] = format_datetime(updated_after)
        if updated_before:
            where["updatedBefore"] = format_datetime(updated_before)
        if tracking_id:
            where["trackingId"] = tracking_id
        if directions:
            where["flowDirection"] = [str(d) for d in directions]
        if flow_types:
            where["flowType"] = [str(t) for t in flow_types]
        if processing_rules:
            where["processingRule"] = [str(r) for r in processing_rules]
        if ack_status:
            where["ackStatus"] = str(ack_status)
        if not where:
            raise ValueError("la recherche de flux demande au moins un critère")
        body = {"limit": max(1, min(limit, SEARCH_LIMIT)), "where": where}
        response = self._t.call(
            "recherche de flux", "POST", self._endpoints.flow("/v1/flows/search"), safe=True, json=body
        )
        results = _json_object(response).get("results")
        return (
            [parse_flow(item) for item in results if isinstance(item, dict)]
            if isinstance(results, list)
            else []
        )

    def flows_updated_since(
        self, since: datetime.datetime, *, limit: int = SEARCH_LIMIT, **criteria: Any
    ) -> Iterator[Flow]:
        """Every flow updated after `since`, each once, oldest first, paging by updatedAfter only."""
        seen: set[str] = set()
        cursor = since
        while True:
            page = self.search_flows(updated_after=cursor, limit=limit, **criteria)
            fresh = [f for f in page if f.flow_id not in seen]
            for flow in fresh:
                seen.add(flow.flow_id)
                yield flow
            stamps = [f.updated_at for f in page if f.updated_at is not None]
            if len(page) < limit or not fresh or not stamps:
                return
            cursor = max(stamps) - CURSOR_OVERLAP

    def find_by_tracking_id(self, tracking_id: str) -> list[Flow]:
        """The flows we sent with this trackingId (the standard does not make it unique)."""
        return self.search_flows(tracking_id=tracking_id, directions=[FlowDirection.OUT])

    def get_flow(self, flow_id: str) -> Flow:
        response = self._t.call(
            "consultation de flux",
            "GET",
            self._endpoints.flow(f"/v1/flows/{requests.utils.quote(flow_id, safe='')}"),
            safe=True,
            params={"docType": str(DocType.METADATA)},
        )
        return parse_flow(_json_object(response))

    def download_flow(self, flow_id: str, doc_type: DocType = DocType.ORIGINAL) -> FlowFile:
        response = self._t.call(
            "téléchargement de flux",
            "GET",
            self._endpoints.flow(f"/v1/flows/{requests.utils.quote(flow_id, safe='')}"),
            safe=True,
            params={"docType": str(doc_type)},
        )
        return FlowFile(
            content=response.content,
            content_type=response.headers.get("Content-Type", "application/octet-stream").split(";")[0],
            filename=_filename(response.headers.get("Content-Disposition", "")) or f"{flow_id}",
        )

    # -- Directory Service -----------------------------------------------------------------------------

    def directory_lines(self, siren: str) -> list[DirectoryLine]:
        """The Directory's electronic addresses of one company (POST /v1/directory-line/search by SIREN)."""
        siren = _siren(siren)
        body = {"filters": {"siren": {"op": "contains", "value": siren}}, "limit": DIRECTORY_LIMIT}
        response = self._t.call(
            "annuaire : lignes d'adressage",
            "POST",
            self._endpoints.directory("/v1/directory-line/search"),
            safe=True,
            json=body,
        )
        results = _json_object(response).get("results")
        lines = (
            [parse_directory_line(r) for r in results if isinstance(r, dict)]
            if isinstance(results, list)
            else []
        )
        return [line for line in lines if line.siren == siren]

    def directory_line(self, addressing_identifier: str) -> DirectoryLine:
        response = self._t.call(
            "annuaire : ligne d'adressage",
            "GET",
            self._endpoints.directory(
                f"/v1/directory-line/code:{requests.utils.quote(addressing_identifier, safe='')}"
            ),
            safe=True,
        )
        return parse_directory_line(_json_object(response))


def _siren(value: str) -> str:
    value = (value or "").replace(" ", "")
    if not SIREN.match(value):
        raise PlatformRejected("SIREN", f"« {value} » n'est pas un SIREN (9 chiffres).")
    return value


def _json_object(response: requests.Response) -> dict[str, Any]:
    try:
        payload = response.json()
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        raise PlatformUnavailable(
            f"Réponse illisible de la plateforme agréée (HTTP {response.status_code}) : le résultat de "
            "l'opération est inconnu.",
            http_status=response.status_code,
        )
    return payload


def _filename(disposition: str) -> str:
    if not disposition:
        return ""
    message = Message()
    message["Content-Disposition"] = disposition
    return message.get_filename() or ""
