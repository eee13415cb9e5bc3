"""Headers of every response: a strict Content-Security-Policy, Permissions-Policy, and nothing private
kept in a browser or proxy cache (logged-in pages, every PDF and XML download)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in policy.split(";")) if d}


def test_every_page_has_a_strict_content_security_policy(client, client_as, comptable):
    for response in (client.get(reverse("login")), client_as(comptable).get(reverse("home"))):
        csp = _directives(response)
        assert csp["default-src"] == ["'self'"]
        assert csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"]
        assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
        assert csp["base-uri"] == ["'none'"] and csp["form-action"] == ["'self'"]


def test_every_page_turns_browser_features_off(client):
    policy = client.get(reverse("login"))["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy


def test_logged_in_pages_are_never_stored(client_as, comptable, cabinet):
    invoice = factories.make_invoice(cabinet)
    http = client_as(comptable)
    for url in (reverse("home"), reverse("invoices:invoice-list"), invoice.get_absolute_url()):
        cache_control = http.get(url)["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control, url


def test_pdf_and_xml_downloads_are_never_stored(client_as, comptable, cabinet):
    invoice = factories.make_invoice(cabinet, issued=True)
    quote = factories.make_quote(cabinet)
    http = client_as(comptable)
    for url in (
        reverse("invoices:invoice-pdf", args=[invoice.pk]),
        reverse("invoices:invoice-facturx", args=[invoice.pk]),
        reverse("invoices:quote-pdf", args=[quote.pk]),
    ):
        response = http.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url


def test_a_pdf_is_not_stored_even_without_a_session():
    from django.http import HttpRequest, HttpResponse

    from geoprod.headers import SecurityHeadersMiddleware

    pdf = SecurityHeadersMiddleware(lambda request: HttpResponse(b"%PDF-", content_type="application/pdf"))
    assert "no-store" in pdf(HttpRequest())["Cache-Control"]


def test_templates_carry_no_inline_script_or_style():
    """The policy forbids inline code, so a template that brings some would silently break in browsers.
    (The PDF templates are rendered by WeasyPrint, never served as pages.)"""
    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        if "pdf" in template.relative_to(TEMPLATES).parts:
            continue
        text = template.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"<style\b|\sstyle=|\son\w+=", text):
            offenders.append(str(template.relative_to(TEMPLATES)))
    assert offenders == []
