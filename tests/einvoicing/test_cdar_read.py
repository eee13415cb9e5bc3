"""Reading lifecycle messages (CDAR D22B): every AFNOR use-case example, and what is not one."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from einvoicing import cdar_read, statuses

SAMPLES = Path(__file__).parent / "samples" / "cdar"
EXAMPLES = sorted(SAMPLES.glob("*CDV*.xml"))


def test_every_example_is_vendored():
    assert len(EXAMPLES) == 11


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_reads_into_a_typed_message(path):
    message = cdar_read.parse(path.read_bytes())
    # The file name says invoice and status: UC1_F202500003_05-CDV-205_Approuvee.xml
    number = path.name.split("_")[1]
    code = int(path.name.split("-CDV-")[1][:3])
    assert message.invoice_number == number
    assert message.status_code == code
    assert message.invoice_type_code == "380"
    assert message.seller_siren == "100000009"
    assert isinstance(message.invoice_date, datetime.date)
    assert message.status_at is not None and message.status_at.tzinfo is not None
    assert code in statuses.LABELS
    platform_phase = code in (200, 202, 203)
    assert message.type_code == ("305" if platform_phase else "23")
    assert message.issuer_role == ("WK" if platform_phase else ("SE" if code == 212 else "BY"))


def test_a_dispute_carries_its_reason_and_action():
    message = cdar_read.parse((SAMPLES / "UC4_F202500006_04-CDV-207_En_litige.xml").read_bytes())
    assert message.status_code == 207
    assert message.invoice_date == datetime.date(2025, 7, 1)
    assert message.status_at == datetime.datetime(2025, 7, 1, 18, 0, tzinfo=cdar_read.PARIS)
    assert message.reason.code == "TX_TVA_ERR"
    assert message.reason.text == "Taux de TVA erroné"
    assert message.reason.action_code == "NIN"
    assert message.reason.action_text == "Créer une Facture Rectificative"


def test_the_comment_of_a_status_is_read():
    path = SAMPLES / "UC4_F202500006_04-CDV-207_En_litige.xml"
    xml = path.read_bytes().replace(
        b"<ram:SequenceNumeric>1</ram:SequenceNumeric>",
        b"<ram:SequenceNumeric>1</ram:SequenceNumeric><ram:IncludedNote><ram:Content>Merci de corriger"
        b"</ram:Content></ram:IncludedNote>",
    )
    assert cdar_read.parse(xml).reason.comment == "Merci de corriger"


@pytest.mark.parametrize(
    "content, words",
    [
        (b"", "vide"),
        (b"<not-xml", "XML lisible"),
        (b"<a/>", "n'est pas un message"),
        (
            b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<rsm:CrossDomainAcknowledgementAndResponse xmlns:rsm="urn:un:unece:uncefact:data:standard:'
            b'CrossDomainAcknowledgementAndResponse:100">&x;</rsm:CrossDomainAcknowledgementAndResponse>',
            "ne désigne aucune facture",
        ),
    ],
)
def test_what_is_not_a_lifecycle_message_is_refused_in_french(content, words):
    with pytest.raises(cdar_read.UnreadableCdar) as e:
        cdar_read.parse(content)
    assert words in e.value.message


def test_labels_cover_every_code_the_schematron_allows():
    allowed = [*range(200, 215), 220, 221, *range(224, 229), 250, 251, 300, 301, 400, 401, 500, 501, 601]
    for code in allowed:
        assert statuses.label(code) and "Statut" not in statuses.LABELS[code][:6] or code >= 250
    assert statuses.label(213) == "Rejetée" and statuses.label(501) == "Irrecevable"
