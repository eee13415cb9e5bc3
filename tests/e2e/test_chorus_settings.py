"""A cabinet admin connects the cabinet to Chorus Pro: Paramètres > Pièces > Chorus Pro, « Mettre à jour »."""

from __future__ import annotations

from playwright.sync_api import expect

from chorus.models import ChorusAccount
from tests import factories

PASSWORD = factories.CHORUS_PASSWORD


def _mettre_a_jour(page, cabinet, password: str) -> None:
    """Paramètres > Pièces > bloc Chorus Pro filled as an admin types it, then « Mettre à jour »."""
    page.get_by_role("link", name="Paramètres").click()
    page.get_by_role("link", name="Pièces").click()
    block = page.locator("section#chorus-pro")
    block.get_by_label("Identifiant fournisseur (SIRET)").fill(cabinet.siret)
    block.get_by_label("Compte technique").fill(factories.CHORUS_LOGIN)
    block.get_by_label("Mot de passe").fill(password)
    expect(block.get_by_label("Environnement (celui de l'instance)")).to_have_value("Simulateur (hors ligne)")
    with page.expect_navigation():
        block.get_by_role("button", name="Mettre à jour").click()


def test_admin_fills_the_chorus_block_and_updates(login, admin, cabinet):
    page = login(admin)
    _mettre_a_jour(page, cabinet, PASSWORD)

    expect(page.locator(".messages")).to_contain_text(
        "Structure 26300101 (Géomètres Experts Garonne) mise à jour"
    )
    block = page.locator("section#chorus-pro")
    expect(block).to_contain_text("FACTURATION — Service facturation")
    expect(block).to_contain_text("Compte courant Crédit Agricole")
    expect(block.get_by_label("Mot de passe")).to_have_value("")  # never rendered back
    assert PASSWORD not in page.content()
    account = ChorusAccount.objects.get(cabinet=cabinet)
    assert account.id_structure == 26300101 and account.synced_at is not None


def test_a_wrong_password_is_said_in_french(login, admin, cabinet):
    page = login(admin)
    _mettre_a_jour(page, cabinet, "pas-le-bon")
    expect(page.locator(".msg-error, .errorlist").first).to_be_visible()
    assert ChorusAccount.objects.get(cabinet=cabinet).id_structure is None
