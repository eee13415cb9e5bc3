from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import PASSWORD
from tests.utils import body

pytestmark = pytest.mark.django_db


def test_login_page_is_in_french(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    text = body(response)
    assert "Identifiant" in text and "Mot de passe" in text and "Se connecter" in text


def test_login_with_right_password_opens_dashboard(client, comptable):
    response = client.post(
        reverse("login"), {"username": comptable.username, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Tableau de bord" in body(response)


def test_wrong_password_gives_french_error_and_keeps_username(client, comptable):
    response = client.post(reverse("login"), {"username": comptable.username, "password": "nope"})
    text = body(response)
    assert "Identifiant ou mot de passe incorrect." in text
    assert f'value="{comptable.username}"' in text


@pytest.mark.parametrize(
    "url", ["/", "/clients/", "/dossiers/", "/parametres/", "/clients/nouveau/", "/parametres/pieces/"]
)
def test_anonymous_user_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_user_without_cabinet_gets_french_403(client, django_user_model):
    user = django_user_model.objects.create_user(username="orphan", password=PASSWORD)
    client.force_login(user)
    response = client.get("/clients/")
    assert response.status_code == 403
    assert "Votre compte n'est rattaché à aucun cabinet." in body(response)


def test_logout_is_a_post(client_as, comptable):
    c = client_as(comptable)
    assert c.get(reverse("logout")).status_code == 405  # a link or a prefetch cannot log anyone out
    assert c.get("/").status_code == 200
    response = c.post(reverse("logout"))
    assert response.status_code == 302
    assert c.get("/").status_code == 302
