"""Every request the PA client sends, and every reply the tests give it, checked against the AFNOR XP Z12-013
OpenAPI files (einvoicing/openapi/, copied unchanged from the standard's annexes) with openapi-core: the client cannot drift from the standard."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path

import responses
from openapi_core import OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse

AFNOR = Path(__file__).resolve().parents[2] / "einvoicing" / "openapi"

FLOW_BASE = "https://api.flow.company.com/flow-service"
DIRECTORY_BASE = "https://api.directory.company.com/directory-service"
TOKEN_URL = "https://auth.company.com/oauth/token"


@cache
def flow_spec() -> OpenAPI:
    spec = json.loads((AFNOR / "flow-service-1.1.0.json").read_text())
    # Erratum of the Flow Service v1.1.0: ReasonCode is `oneOf: [ReasonCodeEnum, string]`, so every standard
    # code (« InvalidSchema ») matches both branches and a strict validator refuses it. The intent, « a
    # predefined set of values + ability to extend this set », is anyOf.
    reason = spec["components"]["schemas"]["ReasonCode"]
    reason["anyOf"] = reason.pop("oneOf")
    return OpenAPI.from_dict(spec)


@cache
def directory_spec() -> OpenAPI:
    spec = json.loads((AFNOR / "directory-service-1.1.0.json").read_text())
    # Known erratum of the Directory Service v1.1.0 (reform README): platformStatus lists "Disabled" (8
    # characters) under maxLength 7. Only that bound is lifted, every other rule stays.
    spec = copy.deepcopy(spec)
    spec["components"]["schemas"]["platformStatus"]["maxLength"] = 8
    return OpenAPI.from_dict(spec)


def spec_for(url: str) -> OpenAPI | None:
    if url.startswith(FLOW_BASE):
        return flow_spec()
    if url.startswith(DIRECTORY_BASE):
        return directory_spec()
    return None  # the token URL is the PA's own, outside the standard


def check_exchange(
    request, response, *, flow_base: str = FLOW_BASE, directory_base: str = DIRECTORY_BASE
) -> bool:
    """Validates one real exchange (e.g. with the simulator) against the standard: its URL is first moved
    under the OpenAPI servers' base. Returns False for calls outside the standard (token)."""
    copy_ = request.copy()
    if copy_.url.startswith(flow_base):
        copy_.url = FLOW_BASE + copy_.url[len(flow_base) :]
    elif copy_.url.startswith(directory_base):
        copy_.url = DIRECTORY_BASE + copy_.url[len(directory_base) :]
    spec = spec_for(copy_.url)
    if spec is None:
        return False
    openapi_request = RequestsOpenAPIRequest(copy_)
    spec.validate_request(openapi_request)
    if response.status_code < 500:
        spec.validate_response(openapi_request, RequestsOpenAPIResponse(response))
    return True


def check_calls(mock: responses.RequestsMock) -> int:
    """Validates every recorded call against its OpenAPI file; returns how many were checked."""
    checked = 0
    for call in mock.calls:
        spec = spec_for(call.request.url)
        if spec is None:
            continue
        request = RequestsOpenAPIRequest(call.request)
        spec.validate_request(request)
        if call.response is not None and call.response.status_code < 500:
            spec.validate_response(request, RequestsOpenAPIResponse(call.response))
        checked += 1
    return checked
