"""The pages keep to the Content-Security-Policy in a real browser (the journeys check it on every page
they open through the csp_refusals fixture; this proves the browser would tell)."""

from __future__ import annotations

from playwright.sync_api import expect


def test_pages_run_under_the_policy_and_a_refusal_would_be_seen(login, admin, site, csp_refusals):
    page = login(admin)
    for path in ("/", "/parametres/", "/parametres/pieces/", "/factures/", "/nulle-part/"):
        page.goto(f"{site}{path}")
    expect(page.locator("h1")).to_contain_text("Page introuvable")
    assert csp_refusals == []

    page.evaluate("document.body.setAttribute('style', 'color: red')")  # what the policy forbids
    page.wait_for_timeout(200)
    assert any("inline style" in message for message in csp_refusals), csp_refusals
    csp_refusals.clear()
