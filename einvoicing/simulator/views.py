"""The offline Plateforme Agréée: the AFNOR XP Z12-013 Flow Service and Directory Service (v1.1.0), an OAuth2
token endpoint, acknowledgements that come ACK seconds after a flow is submitted (Ok, or Error with the
standard's reason codes), and fault switches. Served only in simulator mode (settings, geoprod/urls.py)."""

from __future__ import annotations

import datetime
import hashlib
import json
import uuid

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from einvoicing.simulator import frr, lifecycle
from einvoicing.simulator.models import SimDirectoryLine, SimFlow, SimPaFault

SALT = "einvoicing.simulator.token"
SYNTAXES = {"CII", "UBL", "Factur-X", "CDAR", "FRR"}
PROFILES = {"Basic", "CIUS", "Extended-CTC-FR"}
RULES = {"B2B", "B2BInt", "B2C", "OutOfScope", "ArchiveOnly", "NotApplicable"}
FLOW_TYPES = {
    "Factur-X": "CustomerInvoice",
    "CII": "CustomerInvoice",
    "UBL": "CustomerInvoice",
    "CDAR": "CustomerInvoiceLC",
}


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"errorCode": code, "errorMessage": message}, status=status)


def _problem(status: int, message: str) -> JsonResponse:
    return JsonResponse({"type": "about:blank", "message": message, "status": status}, status=status)


def _fault(operation: str) -> str:
    """The kind of the first fault switch matching `operation` (consuming one of its calls), or ""."""
    with transaction.atomic():
        fault = (
            SimPaFault.objects.select_for_update()
            .filter(operation__in=(operation, "*"))
            .order_by("id")
            .first()
        )
        if fault is None:
            return ""
        if fault.remaining == 1:
            fault.delete()
        elif fault.remaining > 1:
            fault.remaining -= 1
            fault.save(update_fields=["remaining"])
        return fault.kind


def _faulted(kind: str) -> HttpResponse | None:
    if kind == "error":
        return _error(503, "SERVICE_UNAVAILABLE", "Service momentanément indisponible (simulateur).")
    if kind == "rate_limit":
        response = _error(429, "TOO_MANY_REQUESTS", "Trop de requêtes (simulateur).")
        response["Retry-After"] = "1"
        return response
    return None


def _owner(request: HttpRequest) -> str | None:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    try:
        return signing.loads(header[7:], salt=SALT, max_age=3600)["c"]
    except (signing.BadSignature, KeyError, TypeError):
        return None


def _authenticated(view):
    def wrapper(request, *args, **kwargs):
        owner = _owner(request)
        if owner is None:
            return _error(401, "INVALID_TOKEN", "Jeton absent, invalide ou expiré.")
        request.pa_owner = owner
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    return wrapper


@csrf_exempt
@require_POST
def token(request: HttpRequest) -> HttpResponse:
    refused = _faulted(_fault("token"))
    if refused:
        return refused
    if request.POST.get("grant_type") != "client_credentials" or not request.POST.get("client_id"):
        return JsonResponse({"error": "unsupported_grant_type"}, status=400)
    if request.POST.get("client_secret") != settings.PA_SIMULATOR_SECRET:
        return JsonResponse({"error": "invalid_client"}, status=401)
    access = signing.dumps({"c": request.POST["client_id"], "n": uuid.uuid4().hex}, salt=SALT)
    return JsonResponse({"access_token": access, "token_type": "Bearer", "expires_in": 3600})


@require_GET
def health(request: HttpRequest) -> HttpResponse:
    if _owner(request) is None:
        return _error(401, "INVALID_TOKEN", "Jeton absent, invalide ou expiré.")
    refused = _faulted(_fault("health"))
    return refused or HttpResponse(status=200)


# -- Flow Service ------------------------------------------------------------------------------------------


def _iso(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _as_json(flow: SimFlow) -> dict:
    body = {
        "flowId": flow.flow_id,
        "submittedAt": _iso(flow.submitted_at),
        "updatedAt": _iso(flow.updated_at),
        "flowSyntax": flow.flow_syntax,
        "flowType": flow.flow_type,
        "flowDirection": flow.direction,
        "processingRuleSource": flow.processing_rule_source,
        "acknowledgement": {"status": flow.ack_status},
    }
    if flow.ack_details:
        body["acknowledgement"]["details"] = flow.ack_details
    for key, value in (
        ("trackingId", flow.tracking_id),
        ("flowProfile", flow.flow_profile),
        ("processingRule", flow.processing_rule),
        ("name", flow.name),
    ):
        if value:
            body[key] = value
    body.pop("name", None)  # not a Flow property
    return body


def _verdict(flow: SimFlow) -> list[dict]:
    """The acknowledgement's error details for a flow, [] when it is accepted."""

    def detail(code: str, message: str, item: str = "file") -> dict:
        return {"level": "Error", "item": item, "reasonCode": code, "reasonMessage": message}

    if flow.declared_sha256 and flow.declared_sha256 != flow.sha256:
        return [detail("ChecksumMismatch", "L'empreinte sha256 déclarée ne correspond pas au fichier reçu.")]
    if not flow.content:
        return [detail("EmptyFlow", "Le fichier du flux est vide.")]
    twins = SimFlow.objects.filter(owner=flow.owner, direction="Out", sha256=flow.sha256, ack_status="Ok")
    if twins.exclude(pk=flow.pk).exists():
        return [detail("AlreadyExistingFlow", "Ce fichier a déjà été reçu et accepté.")]
    if flow.flow_syntax == "FRR":
        return frr.verdict(bytes(flow.content))
    if flow.flow_syntax == "Factur-X":
        from invoices import facturx, facturx_validation
        from invoices.errors import InvoicingError

        try:
            xml = facturx.xml_from_pdf(bytes(flow.content))
        except InvoicingError:
            return [detail("InvalidSchema", "Le PDF ne contient pas de XML Factur-X.")]
        report = facturx_validation.validate(xml)
        if not report.ok:
            return [detail("InvalidSchema", str(f), f.rule) for f in report.failures[:10]]
    if flow.flow_syntax == "CDAR":
        from einvoicing.simulator import cdar

        return cdar.verdict(bytes(flow.content))
    return []


def settle_acknowledgements(now: datetime.datetime | None = None) -> int:
    """Gives every pending flow older than the acknowledgement delay its verdict; returns how many."""
    now = now or timezone.now()
    limit = now - datetime.timedelta(seconds=settings.PA_SIMULATOR_ACK_SECONDS)
    settled = 0
    for flow in SimFlow.objects.filter(ack_status="Pending", submitted_at__lte=limit):
        details = _verdict(flow)
        flow.ack_status = "Error" if details else "Ok"
        flow.ack_details = details
        flow.updated_at = flow.submitted_at + datetime.timedelta(seconds=settings.PA_SIMULATOR_ACK_SECONDS)
        flow.save(update_fields=["ack_status", "ack_details", "updated_at"])
        if flow.ack_status == "Ok":
            lifecycle.deposit(flow, flow.updated_at)
        settled += 1
    return settled


@csrf_exempt
@require_POST
@_authenticated
def flows(request: HttpRequest) -> HttpResponse:
    kind = _fault("flows")
    refused = _faulted(kind)
    if refused:
        return refused
    raw, upload = request.POST.get("flowInfo"), request.FILES.get("file")
    if raw is None and "flowInfo" in request.FILES:
        raw = request.FILES["flowInfo"].read().decode()
    if raw is None or upload is None:
        return _error(400, "MISSING_REQUIRED_FIELD", "Les parties flowInfo et file sont obligatoires.")
    try:
        info = json.loads(raw)
    except ValueError:
        return _error(400, "INVALID_FORMAT", "flowInfo n'est pas un JSON valide.")
    if not isinstance(info, dict) or info.get("flowSyntax") not in SYNTAXES:
        return _error(400, "INVALID_FORMAT", "flowSyntax absent ou inconnu.")
    if info.get("flowProfile", "CIUS") not in PROFILES or info.get("processingRule", "B2B") not in RULES:
        return _error(400, "INVALID_FORMAT", "flowProfile ou processingRule inconnu.")
    if len(str(info.get("trackingId", ""))) > 36:
        return _error(400, "INVALID_FORMAT", "trackingId dépasse 36 caractères.")
    content = upload.read()
    now = timezone.now()
    flow = SimFlow.objects.create(
        flow_id=str(uuid.uuid4()),
        owner=request.pa_owner,
        tracking_id=str(info.get("trackingId", "")),
        name=str(info.get("name", ""))[:255],
        flow_syntax=info["flowSyntax"],
        flow_profile=info.get("flowProfile", ""),
        processing_rule=info.get("processingRule", "B2B"),
        processing_rule_source="Input" if info.get("processingRule") else "Computed",
        flow_type=frr.flow_type(content) if info["flowSyntax"] == "FRR" else FLOW_TYPES[info["flowSyntax"]],
        direction="Out",
        sha256=hashlib.sha256(content).hexdigest(),
        declared_sha256=str(info.get("sha256", "")),
        content=content,
        content_type=upload.content_type or "application/octet-stream",
        submitted_at=now,
        updated_at=now,
    )
    if kind == "lost_reply":
        return _error(502, "BAD_GATEWAY", "Réponse perdue (simulateur).")
    answer = {
        "flowId": flow.flow_id,
        "submittedAt": _iso(now),
        "flowSyntax": flow.flow_syntax,
        "sha256": flow.sha256,
    }
    for key, value in (
        ("trackingId", flow.tracking_id),
        ("flowProfile", flow.flow_profile),
        ("processingRule", info.get("processingRule")),
        ("name", flow.name),
    ):
        if value:
            answer[key] = value
    return JsonResponse(answer, status=202)


def _parse_stamp(value) -> datetime.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        stamp = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=datetime.UTC)


@csrf_exempt
@require_POST
@_authenticated
def flows_search(request: HttpRequest) -> HttpResponse:
    refused = _faulted(_fault("search"))
    if refused:
        return refused
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return _error(400, "INVALID_FORMAT", "Corps JSON invalide.")
    where = body.get("where") if isinstance(body, dict) else None
    limit = body.get("limit", 25) if isinstance(body, dict) else 25
    if not isinstance(where, dict) or not where or not isinstance(limit, int) or not 1 <= limit <= 100:
        return _error(400, "INVALID_FORMAT", "where (au moins un critère) et limit (1 à 100) sont attendus.")
    settle_acknowledgements()
    lifecycle.run_clock()
    found = SimFlow.objects.filter(owner=request.pa_owner)
    if "updatedAfter" in where:
        after = _parse_stamp(where["updatedAfter"])
        if after is None:
            return _error(400, "INVALID_FORMAT", "updatedAfter n'est pas une date-heure.")
        found = found.filter(updated_at__gt=after)
    if "updatedBefore" in where:
        before = _parse_stamp(where["updatedBefore"])
        if before is None:
            return _error(400, "INVALID_FORMAT", "updatedBefore n'est pas une date-heure.")
        found = found.filter(updated_at__lt=before)
    if where.get("trackingId"):
        found = found.filter(tracking_id=where["trackingId"])
    for key, field in (
        ("flowDirection", "direction"),
        ("flowType", "flow_type"),
        ("processingRule", "processing_rule"),
    ):
        if isinstance(where.get(key), list) and where[key]:
            found = found.filter(**{f"{field}__in": where[key]})
    if where.get("ackStatus"):
        found = found.filter(ack_status=where["ackStatus"])
    results = [_as_json(f) for f in found.order_by("updated_at", "id")[:limit]]
    return JsonResponse({"limit": limit, "filters": where, "results": results})


@require_GET
@_authenticated
def flow_detail(request: HttpRequest, flow_id: str) -> HttpResponse:
    refused = _faulted(_fault("flow"))
    if refused:
        return refused
    settle_acknowledgements()
    flow = SimFlow.objects.filter(owner=request.pa_owner, flow_id=flow_id).first()
    if flow is None:
        return _error(404, "NOT_FOUND", "Flux inconnu.")
    doc_type = request.GET.get("docType", "Metadata")
    if doc_type == "Metadata":
        return JsonResponse(_as_json(flow))
    if doc_type not in ("Original", "Converted", "ReadableView"):
        return _error(400, "INVALID_FORMAT", "docType inconnu.")
    # Every docType answers the file (an incoming Factur-X is its own readable view: its PDF part), as the
    # OpenAPI describes it: octet-stream, attachment.
    response = HttpResponse(bytes(flow.content), content_type="application/octet-stream")
    response["Content-Disposition"] = f"attachment;filename={flow.name or flow.flow_id}"
    return response


@csrf_exempt
@require_POST
@_authenticated
def drop_incoming(request: HttpRequest) -> HttpResponse:
    """Simulator only (no AFNOR route): a supplier invoice arrives for the calling client. JSON body
    {"buyerSiren": "…", "buyerName": "…"}; answers the new flow's metadata."""
    from einvoicing.simulator.incoming import drop_invoice

    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return _error(400, "INVALID_FORMAT", "Corps JSON invalide.")
    siren = str(body.get("buyerSiren", "")) if isinstance(body, dict) else ""
    if not (len(siren) == 9 and siren.isdigit()):
        return _error(400, "INVALID_FORMAT", "buyerSiren (9 chiffres) est attendu.")
    flow = drop_invoice(
        owner=request.pa_owner, buyer_siren=siren, buyer_name=str(body.get("buyerName", ""))[:100]
    )
    return JsonResponse(_as_json(flow), status=201)


# -- Directory Service -------------------------------------------------------------------------------------


def _line_json(line: SimDirectoryLine) -> dict:
    body = {
        "addressingIdentifier": line.addressing_identifier,
        "siren": line.siren,
        "platform": {"platformType": line.platform_type, "platformStatus": line.platform_status},
        "legalUnit": {"entityType": line.entity_type, "businessName": line.business_name[:100]},
    }
    if line.siret:
        body["siret"] = line.siret
    return body


@csrf_exempt
@require_POST
@_authenticated
def directory_search(request: HttpRequest) -> HttpResponse:
    refused = _faulted(_fault("directory"))
    if refused:
        return refused
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return _problem(400, "Corps JSON invalide.")
    siren = (
        (((body.get("filters") or {}).get("siren") or {}).get("value")) if isinstance(body, dict) else None
    )
    lines = SimDirectoryLine.objects.all()
    if siren:
        lines = lines.filter(siren__contains=str(siren))
    limit = body.get("limit", 50) if isinstance(body.get("limit", 50), int) else 50
    results = [_line_json(line) for line in lines.order_by("addressing_identifier")[:limit]]
    return JsonResponse({"totalNumberOfResults": lines.count(), "results": results})


@require_GET
@_authenticated
def directory_line(request: HttpRequest, addressing_identifier: str) -> HttpResponse:
    line = SimDirectoryLine.objects.filter(addressing_identifier=addressing_identifier).first()
    if line is None:
        return _problem(404, "Ligne d'annuaire introuvable.")
    return JsonResponse(_line_json(line))


@csrf_exempt
@require_POST
def lifecycle_advance(request: HttpRequest) -> HttpResponse:
    """Tests and demo: tick the lifecycle clock (?steps=n, 1 by default; simulator only)."""
    try:
        steps = min(max(int(request.GET.get("steps", "1")), 1), 20)
    except ValueError:
        return _error(400, "INVALID_FORMAT", "steps doit être un entier.")
    return JsonResponse({"produced": lifecycle.advance(steps)})
