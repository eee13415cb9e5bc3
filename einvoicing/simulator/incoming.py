"""Incoming supplier invoices of the offline Plateforme Agréée: `In` flows of type `SupplierInvoice`, each a
real Factur-X PDF (EN 16931, valid against invoices/schematron) or, for the supplier that sends UBL, a UBL 2.1
XML of the same business terms, from one of a few fixed fake suppliers, addressed to a cabinet (the flows
belong to the cabinet's OAuth client)."""

from __future__ import annotations

import datetime
import hashlib
import html
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from facturx import generate_cii_xml, generate_from_binary
from weasyprint import HTML

from einvoicing.simulator import ubl
from einvoicing.simulator.models import SimFlow
from invoices.totals import money_fr

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Supplier:
    siren: str  # valid (Luhn) but fictitious
    name: str
    address: str
    postcode: str
    city: str
    lines: tuple[tuple[str, str, Decimal, Decimal], ...]  # (designation, unit code, quantity, unit price HT)
    syntax: str = "Factur-X"  # the flowSyntax its invoices arrive in: Factur-X or UBL

    @property
    def vat_number(self) -> str:
        return f"FR{(12 + 3 * (int(self.siren) % 97)) % 97:02d}{self.siren}"


SUPPLIERS = (
    Supplier(
        "412345670",
        "Topo Matériel Services",
        "12 rue des Arpenteurs",
        "31000",
        "Toulouse",
        (
            ("Location station GNSS (mois)", "MON", Decimal("1"), Decimal("450.00")),
            ("Abonnement réseau RTK", "C62", Decimal("1"), Decimal("89.90")),
        ),
    ),
    Supplier(
        "523456788",
        "Bornage Fournitures SARL",
        "4 avenue du Cadastre",
        "69003",
        "Lyon",
        (
            ("Bornes de délimitation PVC", "C62", Decimal("40"), Decimal("3.75")),
            ("Piquets bois (lot de 50)", "C62", Decimal("2"), Decimal("27.50")),
        ),
        syntax="UBL",
    ),
    Supplier(
        "634567895",
        "Optique Géodésie Maintenance",
        "27 quai de la Mesure",
        "33000",
        "Bordeaux",
        (
            ("Révision annuelle tachéomètre", "C62", Decimal("1"), Decimal("620.00")),
            ("Main d'œuvre atelier", "HUR", Decimal("1.5"), Decimal("72.00")),
        ),
    ),
)


def _pdf(data: dict, supplier: Supplier, buyer_name: str) -> bytes:
    rows = "".join(
        f"<tr><td>{html.escape(line['BT-153'])}</td><td>{line['BT-129']}</td><td>{money_fr(Decimal(line['BT-146']))}</td>"
        f"<td>{money_fr(Decimal(line['BT-131']))}</td></tr>"
        for line in data["BG-25"]
    )
    page = (
        "<html lang='fr'><head><meta charset='utf-8'><title>Facture</title></head><body>"
        f"<h1>{html.escape(supplier.name)}</h1><p>{html.escape(supplier.address)}, {supplier.postcode} "
        f"{html.escape(supplier.city)} — SIREN {supplier.siren} — TVA {supplier.vat_number}</p>"
        f"<h2>Facture {html.escape(data['BT-1'])} du {data['BT-2']:%d/%m/%Y}</h2>"
        f"<p>Client : {html.escape(buyer_name)}</p>"
        "<table><tr><th>Désignation</th><th>Quantité</th><th>Prix unitaire HT</th><th>Total HT</th></tr>"
        f"{rows}</table><p>Total HT : {money_fr(Decimal(data['BT-109']))} — TVA 20 % : "
        f"{money_fr(Decimal(data['BT-110']))} — Total TTC : {money_fr(Decimal(data['BT-112']))}</p>"
        f"<p>Échéance : {data['BT-9']:%d/%m/%Y}</p></body></html>"
    )
    return HTML(string=page).write_pdf(pdf_variant="pdf/a-3b")


def invoice_data(
    supplier: Supplier, *, number: str, issue_date: datetime.date, buyer_siren: str, buyer_name: str
) -> dict:
    """The EN 16931 business terms (factur-x library keys, as invoices/facturx.py writes them)."""
    lines = []
    for position, (designation, unit, quantity, price) in enumerate(supplier.lines, start=1):
        lines.append(
            {
                "BT-126": str(position),
                "BT-153": designation,
                "BT-129": str(quantity),
                "BT-130": unit,
                "BT-146": str(price),
                "BT-131": str((quantity * price).quantize(CENT)),
                "BT-151": "S",
                "BT-152": "20.00",
            }
        )
    total_ht = sum((Decimal(line["BT-131"]) for line in lines), Decimal("0"))
    total_vat = (total_ht * Decimal("0.20")).quantize(CENT)
    total_ttc = total_ht + total_vat
    return {
        "BT-1": number,
        "BT-2": issue_date,
        "BT-3": "380",
        "BT-5": "EUR",
        "BT-23": "S1",
        "BT-9": issue_date + datetime.timedelta(days=30),
        "BT-20": "Paiement à 30 jours.",
        "BG-1": [
            {
                "BT-21": "PMT",
                "BT-22": "Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40 €.",
            },
            {"BT-21": "PMD", "BT-22": "Pénalités de retard : trois fois le taux d'intérêt légal."},
            {"BT-21": "AAB", "BT-22": "Escompte pour paiement anticipé : néant."},
        ],
        "BG-4": {
            "name": supplier.name,
            "addr_l1": supplier.address,
            "postcode": supplier.postcode,
            "city": supplier.city,
            "country_code": "FR",
            "legal_identifier": supplier.siren,
            "legal_identifier_schemeid": "0002",
            "identifiers": {"0009": f"{supplier.siren}00017"},
            "einvoicing_addr": supplier.siren,
            "einvoicing_addr_schemeid": "0225",
            "vat_identifier": supplier.vat_number,
        },
        "BG-7": {
            "name": buyer_name,
            "country_code": "FR",
            "legal_identifier": buyer_siren,
            "legal_identifier_schemeid": "0002",
            "einvoicing_addr": buyer_siren,
            "einvoicing_addr_schemeid": "0225",
        },
        "BG-23": [{"BT-116": str(total_ht), "BT-117": str(total_vat), "BT-118": "S", "BT-119": "20.00"}],
        "BG-25": lines,
        "BT-72": issue_date,
        "BT-106": str(total_ht),
        "BT-109": str(total_ht),
        "BT-110": str(total_vat),
        "BT-112": str(total_ttc),
        "BT-115": str(total_ttc),
    }


def invoice_xml(data: dict) -> bytes:
    import copy

    return generate_cii_xml(copy.deepcopy(data), level="en16931", check_xsd=False, check_schematron=False)


def facturx_pdf(
    supplier: Supplier, *, number: str, issue_date: datetime.date, buyer_siren: str, buyer_name: str
) -> bytes:
    data = invoice_data(
        supplier, number=number, issue_date=issue_date, buyer_siren=buyer_siren, buyer_name=buyer_name
    )
    return generate_from_binary(
        _pdf(data, supplier, buyer_name),
        invoice_xml(data),
        flavor="factur-x",
        level="en16931",
        check_xsd=False,
        lang="fr-FR",
    )


def supplier_file(
    supplier: Supplier, *, number: str, issue_date: datetime.date, buyer_siren: str, buyer_name: str
) -> bytes:
    """The invoice file as the supplier's syntax has it: a Factur-X PDF, or a UBL XML."""
    if supplier.syntax == "UBL":
        return ubl.invoice_ubl(
            invoice_data(
                supplier, number=number, issue_date=issue_date, buyer_siren=buyer_siren, buyer_name=buyer_name
            )
        )
    return facturx_pdf(
        supplier, number=number, issue_date=issue_date, buyer_siren=buyer_siren, buyer_name=buyer_name
    )


def drop_invoice(
    *,
    owner: str,
    buyer_siren: str,
    buyer_name: str,
    supplier: Supplier | None = None,
    number: str = "",
    issue_date: datetime.date | None = None,
    content: bytes | None = None,
) -> SimFlow:
    """A new incoming supplier invoice for the PA client `owner` (already acknowledged, as the buyer's PA
    makes it available). `content` replaces the generated file (tests drop malformed files this way)."""
    supplier = (
        supplier or SUPPLIERS[SimFlow.objects.filter(owner=owner, direction="In").count() % len(SUPPLIERS)]
    )
    issue_date = issue_date or timezone.localdate()
    number = number or f"F{issue_date:%Y%m}-{uuid.uuid4().hex[:6].upper()}"
    if content is None:
        content = supplier_file(
            supplier, number=number, issue_date=issue_date, buyer_siren=buyer_siren, buyer_name=buyer_name
        )
    pdf = content[:5] == b"%PDF-"
    now = timezone.now()
    return SimFlow.objects.create(
        flow_id=str(uuid.uuid4()),
        owner=owner,
        tracking_id=number[:36],
        name=f"{number}.{'pdf' if pdf else 'xml'}",
        flow_syntax=supplier.syntax,
        flow_profile="CIUS",
        processing_rule="B2B",
        flow_type="SupplierInvoice",
        direction="In",
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        content_type="application/pdf" if pdf else "application/xml",
        submitted_at=now,
        updated_at=now,
        ack_status="Ok",
    )


def seed_incoming(
    *, owner: str, buyer_siren: str, buyer_name: str, today: datetime.date | None = None
) -> int:
    """A few supplier invoices for a demo cabinet, once (none added when it already has some)."""
    if SimFlow.objects.filter(owner=owner, direction="In", flow_type="SupplierInvoice").exists():
        return 0
    today = today or timezone.localdate()
    for index, supplier in enumerate(SUPPLIERS):
        issue_date = today - datetime.timedelta(days=20 - 7 * index)
        drop_invoice(
            owner=owner,
            buyer_siren=buyer_siren,
            buyer_name=buyer_name,
            supplier=supplier,
            number=f"F{issue_date:%Y}-{supplier.siren[:3]}-{index + 1:04d}",
            issue_date=issue_date,
        )
    return len(SUPPLIERS)
