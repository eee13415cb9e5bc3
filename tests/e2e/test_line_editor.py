"""« Ajouter une ligne » in the line editor adds a numbered empty line without a round trip."""

from __future__ import annotations

from playwright.sync_api import expect


def test_add_line_button_appends_a_numbered_line(login, comptable, site, csp_refusals):
    page = login(comptable)
    page.goto(f"{site}/factures/nouvelle/")
    rows = page.locator("[data-lines] tr")
    before = rows.count()
    total = page.locator("input[name$='-TOTAL_FORMS']")
    prefix = total.get_attribute("name").removesuffix("-TOTAL_FORMS")
    page.get_by_role("button", name="Ajouter une ligne").click()
    page.get_by_role("button", name="Ajouter une ligne").click()
    expect(rows).to_have_count(before + 2)
    assert total.input_value() == str(before + 2)
    new = page.locator(f"[name='{prefix}-{before + 1}-designation']")
    expect(new).to_be_visible()
    new.fill("Frais de déplacement")
    assert csp_refusals == []
