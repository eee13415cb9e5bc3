"""A walk over every page of the demo, as each role, finds no « None » nor Django's « --------- »."""

from __future__ import annotations

import re
from collections import deque

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from clients.models import Category, Client, Dossier
from geoprod.models import Cabinet
from tests import factories

pytestmark = pytest.mark.django_db

SKIP = re.compile(
    r"^/(static|media|admin|_chorus-sim|deconnexion)|\.(pdf|xml|csv|xlsx|txt)$|/pdf/|/telecharger"
)
LEFTOVERS = re.compile(r"\bNone\b|---------")


PDF_LINK = re.compile(r"\.pdf$|/pdf/")


def _leftovers(text: str) -> list[str]:
    visible = re.sub(r"<script.*?</script>|<[^>]+>", " ", text, flags=re.S)
    return LEFTOVERS.findall(visible) + re.findall(r'value="None"', text)


def _walk(http, limit: int = 400, *, check=_leftovers, pdfs: dict | None = None) -> dict[str, list[str]]:
    """Follows every link from the home page; returns {url: check(page)} where the check found something.
    With `pdfs`, the PDFs linked from the pages are fetched too and kept there by URL."""
    seen, queue, found = {"/"}, deque(["/"]), {}
    while queue and len(seen) <= limit:
        url = queue.popleft()
        response = http.get(url)
        if response.status_code != 200:
            continue
        if pdfs is not None and response.get("Content-Type", "").startswith("application/pdf"):
            pdfs[url] = b"".join(response.streaming_content) if response.streaming else response.content
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        text = response.content.decode()
        hits = check(text)
        if hits:
            found[url] = hits
        for href in re.findall(r'href="(/[^"#]*)"', text):
            href = href.replace("&amp;", "&")
            path = href.split("?")[0]
            linked_pdf = (
                pdfs is not None and PDF_LINK.search(path) and not re.match(r"^/(static|media|admin)", path)
            )
            if (
                href not in seen
                and (linked_pdf or not SKIP.search(path))
                and not path.startswith("/_chorus-sim")
            ):
                seen.add(href)
                queue.append(href)
    return found


@pytest.mark.parametrize("username", ["admin", "compta", "admin-rhone"])
def test_no_none_on_any_page_of_the_demo(client, username):
    call_command("seed_demo", verbosity=0)
    cabinet = Cabinet.objects.get(raison_sociale="Géomètres Experts Garonne")
    bare = Client.objects.create(
        cabinet=cabinet, nom="M. Sans Adresse", categorie=Category.PARTICULIER, pays=""
    )
    Dossier.objects.create(cabinet=cabinet, client=bare, numero="2026-9999", objet="Dossier sans famille")
    factories.make_invoice(cabinet, client=bare)
    client.force_login(get_user_model().objects.get(username=username))
    assert _walk(client) == {}


def test_no_none_in_the_printed_invoices_of_the_demo(db):
    from invoices.models import Invoice
    from invoices.pdf import invoice_html

    call_command("seed_demo", verbosity=0)
    cabinet = Cabinet.objects.get(raison_sociale="Géomètres Experts Garonne")
    bare = Client.objects.create(
        cabinet=cabinet, nom="M. Sans Adresse", categorie=Category.PARTICULIER, pays=""
    )
    factories.make_invoice(cabinet, client=bare)
    for invoice in Invoice.objects.select_related("client", "cabinet", "dossier"):
        visible = re.sub(r"<style.*?</style>|<[^>]+>", " ", invoice_html(invoice), flags=re.S)
        assert not LEFTOVERS.search(visible), (invoice, LEFTOVERS.findall(visible))
