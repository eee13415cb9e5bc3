"""Errors reach someone: ADMINS get a mail for every 500, the page says truly who was told, and production
logs one JSON object per line on stdout."""

from __future__ import annotations

import json
import logging
import sys

import pytest
from django.contrib.auth.decorators import login_not_required
from django.core import mail
from django.test import Client
from django.urls import path

from geoprod.logs import JsonFormatter
from geoprod.urls import handler500  # noqa: F401  (the project's 500 handler)
from geoprod.urls import urlpatterns as project_urls
from tests.prod import PROD_ENV, manage

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


@login_not_required
def boom(request):
    raise RuntimeError("panne de démonstration")


urlpatterns = [path("boom/", boom), *project_urls]


def _crash():
    return Client(raise_request_exception=False).get("/boom/")


def test_a_500_is_mailed_to_admins_and_the_page_says_so(settings):
    settings.ADMINS = [("", "exploitation@geoprod.example.fr")]
    response = _crash()
    assert response.status_code == 500
    page = response.content.decode()
    assert "Une erreur inattendue est survenue" in page and "prévenue par courriel" in page
    (sent,) = mail.outbox
    assert sent.to == ["exploitation@geoprod.example.fr"]
    assert "panne de démonstration" in sent.body


def test_without_admins_the_page_does_not_claim_anyone_was_told(settings):
    settings.ADMINS = []
    page = _crash().content.decode()
    assert "enregistrée dans le journal" in page and "prévenue" not in page
    assert mail.outbox == []


def test_a_404_is_french_without_the_url_list(client):
    response = client.get("/nulle-part/")
    text = response.content.decode()
    assert response.status_code == 404
    assert "Page introuvable" in text and "URLconf" not in text


def test_json_formatter_keeps_extras_and_the_traceback():
    try:
        raise ValueError("illisible")
    except ValueError:
        record = logging.LogRecord("chorus", logging.ERROR, __file__, 1, "échec %s", ("dépôt",), sys.exc_info())
    record.submission = 42
    line = json.loads(JsonFormatter().format(record))
    assert (line["level"], line["logger"], line["message"]) == ("ERROR", "chorus", "échec dépôt")
    assert line["submission"] == 42
    assert "ValueError: illisible" in line["exception"]


def test_production_logs_json_lines_on_stdout_and_knows_its_admins():
    script = (
        "import logging\nfrom django.conf import settings\n"
        "logging.getLogger('geoprod').warning('relance envoyée')\nprint(settings.ADMINS)"
    )
    result = manage("shell", "--no-imports", "-c", script, **PROD_ENV, ADMINS="a@x.fr,b@x.fr")
    log_line, admins = result.stdout.strip().splitlines()[-2:]
    assert json.loads(log_line) | {"time": None} == {
        "time": None, "level": "WARNING", "logger": "geoprod", "message": "relance envoyée"
    }
    assert admins == "[('', 'a@x.fr'), ('', 'b@x.fr')]"


def test_a_refused_csrf_token_gets_a_french_page(comptable):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(comptable)
    response = browser.post("/deconnexion/")
    assert response.status_code == 403
    assert "Formulaire expiré" in response.content.decode() and "CSRF" not in response.content.decode()


def test_the_error_mail_never_carries_the_chorus_password(settings, admin, cabinet, monkeypatch):
    from chorus import services

    def broken(**kwargs):
        raise RuntimeError("panne imprévue")

    monkeypatch.setattr(services, "update_account", broken)
    settings.ADMINS = [("", "exploitation@geoprod.example.fr")]
    browser = Client(raise_request_exception=False)
    browser.force_login(admin)
    secret = "Mot-de-passe-Technique-Secret-77"
    data = {"siret_fournisseur": cabinet.siret, "login": "TECH_1@cpp2017.fr", "password": secret}
    assert browser.post("/chorus/compte/mettre-a-jour/", data).status_code == 500
    (sent,) = mail.outbox
    assert "panne imprévue" in sent.body
    assert secret not in sent.body + "".join(str(a[1]) for a in sent.attachments)


def test_celery_workers_log_through_the_project_logging():
    from geoprod.celery import app

    assert app.conf.worker_hijack_root_logger is False
