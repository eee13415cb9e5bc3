"""« Valider » of a B2B invoice: the buyer's electronic address from the Directory (BT-49, remembered on the
client), the seller's own (BT-34), and the reform's data read back from the generated Factur-X, which passes
the FNFE v1.4.0.03 schematrons."""

from __future__ import annotations

import pytest
import responses
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from einvoicing import client, directory
from einvoicing.models import PlatformAccount
from invoices import facturx, facturx_validation
from invoices.models import Invoice, InvoiceStatus, VatRegime
from tests import factories
from tests.einvoicing.afnor_contract import DIRECTORY_BASE, FLOW_BASE, TOKEN_URL

pytestmark = pytest.mark.django_db

LINES = f"{DIRECTORY_BASE}/v1/directory-line/search"
SIREN = "552100554"
SIRET = f"{SIREN}00013"


def line(address, *, siret="", suffix="", routing="", status="Enabled", platform="WK", siren=SIREN):
    data = {"addressingIdentifier": address, "siren": siren}
    if siret:
        data["siret"] = siret
    if suffix:
        data["addressingSuffix"] = suffix
    if routing:
        data["routingCode"] = {"routingIdentifier": routing}
    if platform:
        data["platform"] = {"platformType": platform, "platformStatus": status}
    return data


def lines_of(*raw):
    return [client.values.parse_directory_line(r) for r in raw]


@pytest.fixture
def account(cabinet):
    account = PlatformAccount(
        cabinet=cabinet,
        name="PA",
        flow_url=FLOW_BASE,
        directory_url=DIRECTORY_BASE,
        token_url=TOKEN_URL,
        client_id="c",
    )
    account.set_client_secret("s")
    account.save()
    return account


@pytest.fixture
def company(cabinet):
    return factories.make_client(cabinet, categorie="entreprise", siret=SIRET, nom="SCI Les Tilleuls")


@pytest.fixture
def draft(cabinet, company):
    return factories.make_invoice(cabinet, client=company)


def xml_of(invoice) -> bytes:
    return facturx.xml_from_pdf(Invoice.objects.get(pk=invoice.pk).pdf_bytes())


def values(xml: bytes, path: str) -> list[str]:
    return [
        n if isinstance(n, str) else n.text for n in etree.fromstring(xml).xpath(path, namespaces=facturx.NS)
    ]


def bt49(xml: bytes) -> list[str]:
    return values(xml, "//ram:BuyerTradeParty/ram:URIUniversalCommunication/ram:URIID[@schemeID='0225']")


def bt34(xml: bytes) -> list[str]:
    return values(xml, "//ram:SellerTradeParty/ram:URIUniversalCommunication/ram:URIID[@schemeID='0225']")


def assert_b2b_valid(xml: bytes) -> None:
    report = facturx_validation.validate(xml, french_rules=True)
    assert report.ok, [str(f) for f in report.failures]
    assert report.families == ("XSD", "EN 16931", "BR-FR")


# The line-choosing rule ---------------------------------------------------------------------------------


def test_the_clients_own_siret_line_beats_the_siren_line_which_beats_suffixes_and_routing_codes():
    siren_line = line(SIREN)
    own = line(f"{SIREN}_{SIRET[9:]}", siret=SIRET)
    other = line(f"{SIREN}_00021", siret=f"{SIREN}00021")
    suffixed = line(f"{SIREN}_COMPTA", suffix="COMPTA")
    coded = line(f"{SIREN}_SERV1", routing="SERV1")
    assert (
        directory.choose_line(lines_of(coded, suffixed, siren_line, other, own), siret=SIRET).siret == SIRET
    )
    chosen = directory.choose_line(lines_of(coded, suffixed, siren_line, other), siret=SIRET)
    assert chosen.addressing_identifier == SIREN
    chosen = directory.choose_line(lines_of(coded, suffixed, other), siret=SIRET)
    assert chosen.addressing_identifier == f"{SIREN}_COMPTA"
    with pytest.raises(directory.NoLine, match="renseignez sur la fiche client le SIRET"):
        directory.choose_line(lines_of(coded, other), siret=SIRET)


def test_disabled_or_platformless_lines_and_bad_addresses_are_never_chosen():
    with pytest.raises(directory.NoLine, match="sans plateforme de réception active"):
        directory.choose_line(
            lines_of(line(SIREN, status="Disabled"), line(f"{SIREN}_X", platform="")), siret=SIRET
        )
    # BR-FR-21 (starts with the SIREN) and BR-FR-23/25 (allowed characters) are checked before use.
    with pytest.raises(directory.NoLine):
        directory.choose_line(lines_of(line("123456789"), line(f"{SIREN} factures")), siret=SIRET)
    with pytest.raises(directory.NoLine, match="n'est pas inscrit à l'annuaire"):
        directory.choose_line([], siret=SIRET)


# « Valider » ---------------------------------------------------------------------------------------------


def test_valider_writes_the_directory_address_as_bt49_and_remembers_it(
    draft, company, account, afnor, comptable, client_as
):
    afnor.add(
        responses.POST, LINES, json={"results": [line(SIREN), line(f"{SIREN}_FACTURES", suffix="FACTURES")]}
    )
    response = client_as(comptable).post(reverse("invoices:invoice-issue", args=[draft.pk]), follow=True)
    draft.refresh_from_db()
    company.refresh_from_db()
    assert draft.status == InvoiceStatus.ISSUED
    assert company.adresse_electronique == SIREN and company.adresse_electronique_le is not None
    xml = xml_of(draft)
    assert bt49(xml) == [SIREN]
    assert_b2b_valid(xml)
    assert "validée et numérotée" in response.content.decode()


def test_a_siret_specific_line_goes_into_the_factur_x_and_passes_br_fr(draft, company, account, afnor):
    afnor.add(
        responses.POST,
        LINES,
        json={"results": [line(SIREN), line(f"{SIREN}_{SIRET[9:]}.compta", siret=SIRET)]},
    )
    issued, outcome = directory.issue(invoice=draft)
    assert outcome.address == f"{SIREN}_{SIRET[9:]}.compta" and not outcome.message
    xml = xml_of(issued)
    assert bt49(xml) == [f"{SIREN}_{SIRET[9:]}.compta"]
    assert_b2b_valid(xml)  # BR-FR-21/23/25 on BT-49


def test_directory_down_with_a_remembered_address_uses_it_and_says_so(cabinet, company, account, afnor):
    company.adresse_electronique = f"{SIREN}_FACTURES"
    company.adresse_electronique_le = timezone.now()
    company.save()
    afnor.add(responses.POST, LINES, status=503)
    issued, outcome = directory.issue(invoice=factories.make_invoice(cabinet, client=company))
    assert issued.is_issued and not outcome.warning
    assert "ne répond pas" in outcome.message and f"{SIREN}_FACTURES" in outcome.message
    assert bt49(xml_of(issued)) == [f"{SIREN}_FACTURES"]


def test_directory_down_without_a_remembered_address_validates_with_the_siren_and_warns(
    draft, company, account, afnor, comptable, client_as
):
    afnor.add(responses.POST, LINES, status=503)
    page = client_as(comptable).post(reverse("invoices:invoice-issue", args=[draft.pk]), follow=True)
    html = page.content.decode()
    draft.refresh_from_db()
    assert draft.status == InvoiceStatus.ISSUED
    assert "L&#x27;annuaire de la facturation électronique ne répond pas" in html
    assert "vérifiée dans l&#x27;annuaire avant la transmission" in html
    assert bt49(xml_of(draft)) == [SIREN]


def test_a_buyer_absent_from_the_directory_is_told_what_to_do_and_forgotten(draft, company, account, afnor):
    company.adresse_electronique = f"{SIREN}_OLD"
    company.save()
    afnor.add(responses.POST, LINES, json={"results": []})
    issued, outcome = directory.issue(invoice=draft)
    assert outcome.warning and "Vérifiez le SIRET de sa fiche" in outcome.message
    assert "quelle plateforme agréée il utilise" in outcome.message
    company.refresh_from_db()
    assert company.adresse_electronique == ""
    assert bt49(xml_of(issued)) == [SIREN]


def test_a_refused_validation_keeps_the_draft_and_asks_nothing_when_not_b2b(cabinet, account, afnor):
    person = factories.make_client(cabinet, categorie="particulier", siret="")
    issued, outcome = directory.issue(invoice=factories.make_invoice(cabinet, client=person))
    assert outcome is None and issued.is_issued
    assert not [c for c in afnor.calls if c.request.url == LINES]


def test_the_seller_address_is_the_one_found_at_tester_la_connexion(draft, account, afnor, cabinet):
    account.electronic_address = f"{cabinet.siret[:9]}_RECEPTION"
    account.save()
    afnor.add(responses.POST, LINES, json={"results": [line(SIREN)]})
    issued, _ = directory.issue(invoice=draft)
    xml = xml_of(issued)
    assert bt34(xml) == [f"{cabinet.siret[:9]}_RECEPTION"]
    assert_b2b_valid(xml)


# Reform data in the XML -----------------------------------------------------------------------------------

GUIDELINE = "rsm:ExchangedDocumentContext/ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID"


def test_reform_data_is_in_the_xml(cabinet, company):
    dossier = factories.make_dossier(cabinet, client=company, objet="Bornage lot 4", commune="Colomiers")
    invoice = factories.make_invoice(cabinet, client=company, dossier=dossier, issued=True)
    xml = xml_of(invoice)
    assert_b2b_valid(xml)
    assert values(xml, GUIDELINE) == ["S1"]  # BT-23: services, submission
    agreement = "//ram:ApplicableHeaderTradeAgreement/ram:BuyerTradeParty/"
    assert values(xml, agreement + "ram:SpecifiedLegalOrganization/ram:ID[@schemeID='0002']") == [SIREN]
    ship = "//ram:ApplicableHeaderTradeDelivery/ram:ShipToTradeParty/"
    assert values(xml, ship + "ram:Name") == ["Bornage lot 4"]
    assert values(xml, ship + "ram:PostalTradeAddress/ram:CityName") == ["Colomiers"]
    assert values(xml, ship + "ram:PostalTradeAddress/ram:CountryID") == ["FR"]
    subjects = values(xml, "rsm:ExchangedDocument/ram:IncludedNote/ram:SubjectCode")
    assert sorted(subjects) == ["AAB", "BAR", "PMD", "PMT"]  # each exactly once (BR-FR-05/06), BAR B2B
    # No débits option here: no BT-8, no mention.
    assert values(xml, "//ram:ApplicableTradeTax/ram:DueDateTypeCode") == []


def test_no_dossier_site_means_no_delivery_party(cabinet, company):
    xml = xml_of(factories.make_invoice(cabinet, client=company, issued=True))
    assert values(xml, "//ram:ShipToTradeParty") == []


def test_the_debits_option_is_bt8_code_5_and_its_legal_mention(cabinet, company):
    xml = xml_of(factories.make_invoice(cabinet, client=company, vat_regime=VatRegime.DEBITS, issued=True))
    assert_b2b_valid(xml)
    assert set(values(xml, "//ram:ApplicableTradeTax/ram:DueDateTypeCode")) == {"5"}
    notes = values(xml, "rsm:ExchangedDocument/ram:IncludedNote/ram:Content")
    assert facturx.DEBIT_OPTION_MENTION in notes


def test_the_balance_after_acomptes_is_s4_and_the_acompte_s1(cabinet, company):
    from invoices import services

    quote = factories.make_quote(
        cabinet, client=company, lines=[("Bornage", "1", "1000", "20.00")], accepted=True
    )
    acompte = services.issue_invoice(invoice=services.invoice_order_part(quote=quote, percent=30))
    xml = xml_of(acompte)
    assert_b2b_valid(xml)
    assert values(xml, GUIDELINE) == ["S1"]
    final = services.issue_invoice(invoice=services.invoice_order(quote=quote))
    xml = xml_of(final)
    assert_b2b_valid(xml)
    assert values(xml, GUIDELINE) == ["S4"]


def test_a_b2b_invoice_says_bar_b2b_so_br_fr_21_checks_its_bt49(cabinet, company):
    xml = xml_of(factories.make_invoice(cabinet, client=company, issued=True))
    notes = etree.fromstring(xml).xpath("rsm:ExchangedDocument/ram:IncludedNote", namespaces=facturx.NS)
    bar = [
        n.findtext(f"{{{facturx.NS['ram']}}}Content")
        for n in notes
        if n.findtext(f"{{{facturx.NS['ram']}}}SubjectCode") == "BAR"
    ]
    assert bar == ["B2B"]
    # The same XML with a BT-49 that is not the buyer's SIREN is refused by BR-FR-21, in French.
    tampered = xml.replace(f'schemeID="0225">{SIREN}<'.encode(), b'schemeID="0225">123456789<')
    assert tampered != xml
    report = facturx_validation.validate(tampered, french_rules=True)
    assert not report.ok and any(f.rule.startswith("BR-FR-21") for f in report.failures), report.message()


def test_the_client_page_shows_the_remembered_address(company, comptable, client_as):
    import datetime

    company.adresse_electronique = f"{SIREN}_FACTURES"
    company.adresse_electronique_le = timezone.make_aware(datetime.datetime(2026, 9, 23, 10, 0))
    company.save()
    page = client_as(comptable).get(company.get_absolute_url()).content.decode()
    assert f"{SIREN}_FACTURES" in page and "vérifiée le 23/09/2026" in page


def test_a_b2b_credit_note_keeps_the_remembered_address_and_passes_br_fr(cabinet, company):
    from invoices import services

    company.adresse_electronique = f"{SIREN}_FACTURES"
    company.save()
    original = factories.make_invoice(cabinet, client=company, issued=True)
    avoir = services.issue_invoice(invoice=services.create_credit_note(invoice=original))
    xml = xml_of(avoir)
    assert_b2b_valid(xml)
    assert values(xml, "rsm:ExchangedDocument/ram:TypeCode") == ["381"]
    assert bt49(xml) == [f"{SIREN}_FACTURES"]


def test_a_refused_token_at_valider_names_the_cause_and_still_validates(draft, account, afnor):
    from django.core.cache import cache

    cache.clear()  # no token kept from an earlier test
    afnor.replace(responses.POST, TOKEN_URL, status=401, json={"error": "invalid_client"})
    issued, outcome = directory.issue(invoice=draft)
    assert issued.is_issued and outcome.warning
    assert (
        "n'a pas pu être consulté" in outcome.message
        and "Paramètres > Facturation électronique" in outcome.message
    )
    assert bt49(xml_of(issued)) == [SIREN]
