"""Lifecycle messages (CDAR D22B) built from typed values: every one produced here passes the UN/CEFACT D22B
XSD and the FNFE-MPE v1.4.0.03 CDV schematron, run on the vendored artefacts."""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from einvoicing import cdar

EXAMPLES = Path(__file__).parent / "cdar_examples"

SUBJECT = cdar.StatusSubject(
    invoice_number="F2026-00042",
    issue_date=datetime.date(2026, 11, 3),
    type_code="380",
    seller_siren="552100554",
    seller_address="552100554",
    seller_name="Géomètres Experts Garonne",
    buyer_siren="123456782",
    buyer_address="123456782_FACTURES",
    buyer_name="SCI Les Tilleuls",
)
NS = cdar.NSMAP


def text(xml: bytes, path: str) -> list[str]:
    return etree.fromstring(xml).xpath(path + "/text()", namespaces=NS)


def valid(**values) -> bytes:
    xml = cdar.build(SUBJECT, issued_at=datetime.datetime(2026, 12, 2, 10, 5, tzinfo=datetime.UTC), **values)
    assert cdar.validate(xml) == []
    return xml


@pytest.mark.parametrize(
    "code, role, values",
    [
        (204, "BY", {}),
        (205, "BY", {}),
        (206, "BY", {"reason_code": "QTE_ERR", "comment": "2 bornes posées sur 3."}),
        (207, "BY", {"reason_code": "TX_TVA_ERR", "action_code": "NIN", "comment": "Taux de 10 % attendu."}),
        (208, "BY", {"reason_code": "JUSTIF_ABS"}),
        (209, "SE", {"comment": "Procès-verbal de bornage joint."}),
        (211, "BY", {}),
        (212, "SE", {"amounts": [(Decimal("20"), Decimal("1200"))]}),
        (220, "SE", {"comment": "Facture émise par erreur."}),
    ],
)
def test_each_business_status_is_valid_and_says_what_it_is(code, role, values):
    xml = valid(code=code, sender_role=role, **values)
    assert text(
        xml, "//rsm:ExchangedDocumentContext/ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID"
    ) == ["REGULATED"]
    assert text(xml, "//ram:GuidelineSpecifiedDocumentContextParameter/ram:ID") == [
        "urn.cpro.gouv.fr:1p0:CDV:invoice"
    ]
    assert text(xml, "//rsm:AcknowledgementDocument/ram:TypeCode") == ["23"]
    issuer = "552100554" if role == "SE" else "123456782"
    assert text(xml, "//rsm:ExchangedDocument/ram:IssuerTradeParty/ram:GlobalID[@schemeID='0002']") == [
        issuer
    ]
    assert text(xml, "//rsm:ExchangedDocument/ram:IssuerTradeParty/ram:RoleCode") == [role]
    addressee = "123456782_FACTURES" if role == "SE" else "552100554"
    assert text(
        xml, "//ram:RecipientTradeParty/ram:URIUniversalCommunication/ram:URIID[@schemeID='0225']"
    ) == [addressee]
    ref = "//ram:ReferenceReferencedDocument"
    assert text(xml, f"{ref}/ram:IssuerAssignedID") == ["F2026-00042"]
    assert text(xml, f"{ref}/ram:TypeCode") == ["380"]
    assert text(xml, f"{ref}/ram:FormattedIssueDateTime/qdt:DateTimeString") == ["20261103"]
    assert text(xml, f"{ref}/ram:ProcessConditionCode") == [str(code)]
    assert text(xml, f"{ref}/ram:ProcessCondition") == [cdar.LABELS[code]]
    assert text(xml, f"{ref}/ram:IssuerTradeParty/ram:GlobalID[@schemeID='0002']") == ["552100554"]
    if values:
        assert text(xml, f"{ref}/ram:SpecifiedDocumentStatus/ram:SequenceNumeric") == ["1"]
    if "reason_code" in values:
        assert text(xml, "//ram:SpecifiedDocumentStatus/ram:ReasonCode") == [values["reason_code"]]
        assert text(xml, "//ram:SpecifiedDocumentStatus/ram:Reason") == [cdar.REASONS[values["reason_code"]]]
    if "comment" in values:
        assert text(xml, "//ram:SpecifiedDocumentStatus/ram:IncludedNote/ram:Content") == [values["comment"]]


def test_a_dispute_carries_its_reason_and_the_action_expected():
    xml = valid(
        code=207, sender_role="BY", reason_code="CALCUL_ERR", reason_text="Total faux", action_code="CNP"
    )
    assert text(xml, "//ram:SpecifiedDocumentStatus/ram:Reason") == ["Total faux"]
    assert text(xml, "//ram:SpecifiedDocumentStatus/ram:RequestedActionCode") == ["CNP"]
    assert text(xml, "//ram:SpecifiedDocumentStatus/ram:RequestedAction") == ["Émettre un avoir partiel"]


@pytest.mark.parametrize("reason", cdar.REFUSAL_REASONS)
def test_a_refusal_is_valid_with_each_reason_of_the_reference_and_copies_the_ppf(reason):
    xml = valid(code=210, sender_role="BY", reason_code=reason)
    assert text(xml, "//ram:SpecifiedDocumentStatus/ram:ReasonCode") == [reason]
    assert text(xml, "//rsm:ExchangedDocument/ram:RecipientTradeParty[ram:RoleCode='DFH']/ram:GlobalID") == [
        "0000"
    ]


def test_encaissee_has_one_men_block_per_vat_rate_and_goes_to_the_ppf_too():
    xml = valid(
        code=212,
        sender_role="SE",
        amounts=[
            (Decimal("20"), Decimal("1200")),
            (Decimal("10"), Decimal("55.5")),
            (Decimal("0"), Decimal("40")),
        ],
    )
    blocks = etree.fromstring(xml).xpath("//ram:SpecifiedDocumentCharacteristic", namespaces=NS)
    assert [b.findtext("ram:TypeCode", namespaces=NS) for b in blocks] == ["MEN", "MEN", "MEN"]
    assert [b.findtext("ram:ValueAmount", namespaces=NS) for b in blocks] == ["1200.00", "55.50", "40.00"]
    assert [b.findtext("ram:ValuePercent", namespaces=NS) for b in blocks] == ["20.00", "10.00", "0.00"]
    assert [b.find("ram:ValueAmount", namespaces=NS).get("currencyID") for b in blocks] == ["EUR"] * 3
    roles = text(xml, "//rsm:ExchangedDocument/ram:RecipientTradeParty/ram:RoleCode")
    assert roles == ["BY", "DFH"]


@pytest.mark.parametrize(
    "values, message",
    [
        ({"code": 213, "sender_role": "SE"}, "n'est pas un statut que le cabinet peut émettre"),
        (
            {"code": 212, "sender_role": "BY", "amounts": [(Decimal(20), Decimal(1))]},
            "n'est pas émis par l'acheteur",
        ),
        ({"code": 210, "sender_role": "BY"}, "exige un motif"),
        ({"code": 212, "sender_role": "SE"}, "exige le montant encaissé"),
        (
            {"code": 205, "sender_role": "BY", "amounts": [(Decimal(20), Decimal(1))]},
            "Seul le statut « Encaissée »",
        ),
        ({"code": 207, "sender_role": "BY", "reason_code": "NIMPORTE"}, "Motif inconnu"),
        (
            {"code": 207, "sender_role": "BY", "reason_code": "AUTRE", "action_code": "XXX"},
            "Action attendue inconnue",
        ),
    ],
)
def test_what_cannot_be_built_is_said_in_french(values, message):
    with pytest.raises(cdar.CdarError, match=message):
        cdar.build(SUBJECT, **values)


def test_a_missing_recipient_address_is_refused():
    import dataclasses

    with pytest.raises(cdar.CdarError, match="adresse électronique de l'acheteur"):
        cdar.build(
            dataclasses.replace(SUBJECT, buyer_address=""),
            code=212,
            sender_role="SE",
            amounts=[(Decimal(20), Decimal(1))],
        )


def test_the_schematron_catches_a_reason_the_status_does_not_allow():
    """QTE_ERR is a reason of 206, not of 210 (BR-FR-CDV-CL-09): the builder lets the schematron judge."""
    xml = cdar.build(SUBJECT, code=210, sender_role="BY", reason_code="QTE_ERR")
    faults = cdar.validate(xml)
    assert faults and "BR-FR-CDV-CL-09" in faults[0] and "REFUSÉE" in faults[0]
    with pytest.raises(cdar.CdarError, match="non conforme : Règle BR-FR-CDV-CL-09"):
        cdar.build_valid(SUBJECT, code=210, sender_role="BY", reason_code="QTE_ERR")


def test_the_validation_refuses_the_official_212_example_that_lacks_its_sequence_number():
    xml = (EXAMPLES / "UC1_F202500003_07-CDV-212_Encaissee.xml").read_bytes().lstrip(b"\xef\xbb\xbf")
    faults = cdar.validate(xml)
    assert len(faults) == 1 and "BR-FR-CDV-16" in faults[0] and "MDT-124-2" in faults[0]


def test_the_xsd_refuses_a_misplaced_element():
    xml = valid(code=205, sender_role="BY")
    tree = etree.fromstring(xml)
    context = tree.find("rsm:ExchangedDocumentContext", namespaces=NS)
    tree.append(context)  # after AcknowledgementDocument: out of sequence
    faults = cdar.validate(etree.tostring(tree))
    assert faults and faults[0].startswith("Structure refusée par le schéma CDAR D22B")


def test_the_vendored_xsd_is_the_official_one_byte_for_byte():
    readme = (cdar.XSD.parent / "README.md").read_text()
    files = sorted(cdar.XSD.parent.glob("*.xsd"))
    assert len(files) == 14
    for path in files:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert f"| `{path.name}` | `{digest}` |" in readme
