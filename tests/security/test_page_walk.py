"""A walk over every page of the demo, as each role, finds no « None », no Django « --------- » and no English
left in what a user reads (text, button labels, placeholders, titles)."""

from __future__ import annotations

import re
from collections import deque
from html import unescape

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
# Django's and browsers' English defaults, and the words a forgotten English label would carry.
ENGLISH = re.compile(
    r"\b(Save|Delete|Submit|Choose|Cancel|Edit|Add|Remove|Update|Upload|Download|Search|Filter|Select|Clear"
    r"|Currently|Change|Previous|Next|First|Last|Page \d+ of|of \d+|Show|Hide|Close|Back|Yes|No|True|False"
    r"|Unknown|Loading|Error|Warning|Success|Invoice|Customer|Payment|Status|Amount|Number"
    r"|This field|required|Enter a valid|Ensure this value|Select a valid|Log ?out|Log ?in"
    r"|Password|Username|Sign (in|out)|Settings|Dashboard|Home|Welcome)\b"
)
SHOWN_ATTRIBUTES = re.compile(r'\b(?:placeholder|title|aria-label|alt|data-confirm)="([^"]*)"')
BUTTON_VALUES = re.compile(r'<input[^>]*type="(?:submit|button|reset)"[^>]*>')


def visible_text(html: str) -> str:
    """What a user reads: the text outside tags, scripts and styles, plus labels carried by attributes."""
    text = re.sub(r"<(script|style)\b.*?</\1>|<!--.*?-->", " ", html, flags=re.S)
    shown = SHOWN_ATTRIBUTES.findall(text)
    shown += [m for tag in BUTTON_VALUES.findall(text) for m in re.findall(r'value="([^"]*)"', tag)]
    return unescape(" ".join([re.sub(r"<[^>]+>", " ", text), *shown]))


PDF_LINK = re.compile(r"\.pdf$|/pdf/")


def _leftovers_and_english(text: str) -> list[str]:
    visible = visible_text(text)
    hits = LEFTOVERS.findall(visible) + re.findall(r'value="None"', text)
    return hits + [m.group(0) for m in ENGLISH.finditer(visible)]


def _walk(
    http,
    pages: set[str] | None = None,
    limit: int = 400,
    *,
    check=_leftovers_and_english,
    pdfs: dict | None = None,
) -> dict[str, list[str]]:
    """Follows every link from the home page; returns {url: check(page)} where the check found something.
    The HTML pages walked are added to `pages`; with `pdfs`, the PDFs linked from the pages are fetched too
    and kept there by URL."""
    pages = pages if pages is not None else set()
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
        pages.add(url)
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
                and not path.startswith(("/_chorus-sim", "/_pa-sim"))
            ):
                seen.add(href)
                queue.append(href)
    return found


def test_no_none_nor_english_on_any_page_of_the_demo_as_each_role(client):
    call_command("seed_demo", "--history", "2", verbosity=0)
    cabinet = Cabinet.objects.get(raison_sociale="Géomètres Experts Garonne")
    bare = Client.objects.create(
        cabinet=cabinet, nom="M. Sans Adresse", categorie=Category.PARTICULIER, pays=""
    )
    Dossier.objects.create(cabinet=cabinet, client=bare, numero="2026-9999", objet="Dossier sans famille")
    factories.make_invoice(cabinet, client=bare)
    found, walked = {}, {}
    for username in ("admin", "compta", "admin-rhone", "compta-rhone"):
        client.force_login(get_user_model().objects.get(username=username))
        pages: set[str] = set()
        found |= {f"{username} {url}": hits for url, hits in _walk(client, pages).items()}
        walked[username] = len(pages)
    assert found == {}
    assert min(walked.values()) > 20, walked


@pytest.mark.parametrize(
    ("html", "hits"),
    [
        ('<button type="submit">Save</button>', ["Save"]),
        ('<input type="submit" value="Submit">', ["Submit"]),
        ('<input name="q" placeholder="Search…">', ["Search"]),
        ('<a title="Next page" href="/">›</a>', ["Next"]),
        ("<p>This field is required.</p>", ["This field", "required"]),
        ("<p>Page 2 of 5</p>", ["Page 2 of"]),
        ('<script>const label = "Delete";</script><p>Supprimer</p>', []),
        ("<p>Enregistrer · Page 2 sur 5 · Date d'échéance · Total TTC · N° 12 · Statut</p>", []),
    ],
)
def test_the_english_detector_reads_what_a_user_reads(html, hits):
    assert [m.group(0) for m in ENGLISH.finditer(visible_text(html))] == hits


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
