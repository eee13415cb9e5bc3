"""Anonymous visitors and forged posts: the URLconf walked, nothing left open by mistake."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.urlconf import all_patterns, named_patterns, url_for

pytestmark = pytest.mark.django_db

# Only these answer without a login: the login page itself, the health probe (/sante/: "ok" or not, nothing
# else) and the simulator's API (it plays Chorus Pro and checks its own OAuth tokens). The admin has its own
# login page.
PUBLIC = {"login", "logout", "sante"}
PUBLIC_NAMESPACES = {"chorus_simulator", "pa_simulator", "webhooks"}
# Machine callbacks: no login and no CSRF; each authenticates the caller by an unguessable secret in its URL
# (tests/einvoicing/test_lifecycle_ui.py checks that a wrong secret gets nothing).
MACHINE_PREFIXES = ("webhooks/",)


def _sample_kwargs(pattern) -> dict:
    converters = getattr(pattern.pattern, "converters", {})
    return {name: 1 if "Int" in type(conv).__name__ else "x" for name, conv in converters.items()}


def _product_urls():
    for name, pattern in named_patterns():
        namespace = name.split(":")[0] if ":" in name else ""
        if namespace in PUBLIC_NAMESPACES or namespace == "admin" or name in PUBLIC:
            continue
        yield name, reverse(name, kwargs=_sample_kwargs(pattern))


def test_every_page_needs_a_login(client):
    checked = 0
    for name, url in _product_urls():
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, (
                f"{method.__name__.upper()} {url} ({name}) answered anonymously"
            )
            assert response["Location"].startswith("/connexion/?next="), (name, response["Location"])
        checked += 1
    assert checked >= 50
    for url in ("/admin/", "/admin/chorus/chorusaccount/", "/admin/auth/user/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(("/admin/login/", "/connexion/")), url


def test_only_the_login_page_and_the_simulator_are_open():
    """A view that opts out of LoginRequiredMiddleware must be on the short list above."""
    open_views = set()
    for route, callback in all_patterns():
        if getattr(callback, "login_required", True) is False:
            open_views.add(route)
    unexpected = {
        r
        for r in open_views
        if not r.startswith(("_chorus-sim/", "_pa-sim/", "admin/", *MACHINE_PREFIXES))
        and r not in ("connexion/", "deconnexion/", "sante/")
    }
    assert not unexpected, unexpected
    assert "connexion/" in open_views


# --- CSRF -------------------------------------------------------------------------------------------


@pytest.fixture
def own_objects(cabinet):
    """One object of each kind in the user's own cabinet, so a forged post would otherwise succeed."""
    return factories.make_one_of_each(cabinet)


def test_every_post_without_csrf_token_is_refused(admin, own_objects):
    forger = Client(enforce_csrf_checks=True)
    forger.force_login(admin)
    checked = []
    for name, pattern in named_patterns():
        if name.split(":")[0] in PUBLIC_NAMESPACES | {"admin"}:
            continue
        url = url_for(name, pattern, own_objects)
        response = forger.post(url, {"nom": "Piraté", "password": "x", "designation": "x"})
        assert response.status_code == 403, f"POST {url} ({name}) without CSRF token: {response.status_code}"
        assert "Formulaire expiré" in response.content.decode(), name  # the CSRF failure page (403_csrf.html)
        checked.append(name)
    assert {"chorus:account-sync", "chorus:submission-submit", "invoices:invoice-issue", "login"} <= set(
        checked
    )
    assert forger.post("/admin/auth/user/add/", {"username": "intrus"}).status_code == 403


def test_no_product_view_is_exempt_from_csrf():
    exempt = [
        route
        for route, callback in all_patterns()
        if getattr(callback, "csrf_exempt", False)
        and not route.startswith(("_chorus-sim/", "_pa-sim/", *MACHINE_PREFIXES))
    ]
    assert not exempt, exempt


POST_FORM = re.compile(r"<form\b[^>]*method=\"post\"[^>]*>(.*?)</form>", re.S | re.I)


def test_every_post_form_rendered_carries_the_token(client_as, admin, own_objects):
    c = client_as(admin)
    forms = 0
    for name, pattern in named_patterns():
        if name.split(":")[0] in PUBLIC_NAMESPACES | {"admin"} or name in PUBLIC:
            continue
        response = c.get(url_for(name, pattern, own_objects))
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for body in POST_FORM.findall(response.content.decode()):
            forms += 1
            assert 'name="csrfmiddlewaretoken"' in body, f"{name}: a POST form without CSRF token"
    assert forms >= 20


# --- Roles ------------------------------------------------------------------------------------------


def test_comptable_gets_403_on_parametres(client_as, comptable):
    c = client_as(comptable)
    for name, pattern in named_patterns():
        if not name.startswith("settings:") and name not in ("chorus:account-save", "chorus:account-sync"):
            continue
        url = reverse(name, kwargs=_sample_kwargs(pattern))
        for method in (c.get, c.post):
            status = method(url).status_code
            assert status in (403, 405), f"{method.__name__.upper()} {url}: {status}"
            assert status == 403 or method == c.get
