"""Every page names its icon, so browsers stop asking for /favicon.ico (a 404 logged on every first visit)."""

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_link_the_icon_that_static_files_serve(client, client_as, comptable):
    for page in (client.get(reverse("login")), client_as(comptable).get(reverse("home"))):
        assert 'rel="icon" href="/static/img/favicon.svg"' in page.content.decode()
    assert finders.find("img/favicon.svg")
