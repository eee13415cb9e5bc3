"""A comptable downloads the exercice's FEC from « Comptabilité » and gets the legal file."""

from __future__ import annotations

from django.utils import timezone

from tests import factories


def test_comptable_downloads_the_fec_from_the_page(login, comptable, cabinet, site, csp_refusals, tmp_path):
    today = timezone.localdate()
    client = factories.make_client(cabinet, nom="Indivision Béranger")
    invoice = factories.make_invoice(cabinet, client=client, issued=True, today=today)
    factories.make_payment(invoice, date=today)

    page = login(comptable)
    page.get_by_role("link", name="Comptabilité").click()
    page.get_by_label("Exercice").select_option(str(today.year))
    with page.expect_download() as info:
        page.get_by_role("button", name="Télécharger le FEC").click()
    download = info.value
    assert download.suggested_filename == f"812345676FEC{today.year}1231.txt"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    lines = path.read_bytes().decode("iso-8859-15").split("\r\n")
    assert lines[0].startswith("JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|")
    first = lines[1].split("|")
    assert first[:5] == ["VE", "Ventes", "1", f"{today:%Y%m%d}", "411000"]
    assert first[7] == "Indivision Béranger" and first[8] == invoice.number
    assert any(line.startswith("BQ|Banque|1|") for line in lines)
    assert csp_refusals == []
