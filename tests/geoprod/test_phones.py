"""Telephone numbers: checked, stored in E.164, shown the French way, a French message when wrong."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clients.models import Client, Contact
from geoprod.phones import format_phone, normalize_phone
from tests import factories
from tests.utils import body


@pytest.mark.parametrize(
    ("typed", "stored", "shown"),
    [
        ("05 61 12 34 56", "+33561123456", "05 61 12 34 56"),
        ("05.61.12.34.56", "+33561123456", "05 61 12 34 56"),
        ("0033 5 61 12 34 56", "+33561123456", "05 61 12 34 56"),
        ("+33 6 12 34 56 78", "+33612345678", "06 12 34 56 78"),
        ("0590 12 34 56", "+590590123456", "0590 12 34 56"),
        ("0262 12 34 56", "+262262123456", "0262 12 34 56"),
        ("+32 2 555 12 12", "+3225551212", "+32 2 555 12 12"),
        ("", "", ""),
    ],
)
def test_numbers_are_stored_in_e164_and_shown_the_french_way(typed, stored, shown):
    assert normalize_phone(typed) == stored
    assert format_phone(stored) == shown


@pytest.mark.parametrize("typed", ["12345", "05 61 12 34", "abc", "+33 1", "06 12 34 56 78 90"])
def test_a_wrong_number_is_refused_in_french(typed):
    with pytest.raises(ValidationError) as refused:
        normalize_phone(typed)
    assert "Ce numéro de téléphone n'est pas valide" in refused.value.messages[0]


def test_a_value_stored_before_the_check_is_shown_as_it_was():
    assert format_phone("standard mairie") == "standard mairie"


@pytest.mark.django_db
def test_the_client_form_stores_e164_and_shows_it_formatted(client_as, comptable, cabinet):
    existing = factories.make_client(cabinet, nom="SCI Les Tilleuls", telephone="")
    url = reverse("clients:client-coordinates", args=[existing.pk])
    http = client_as(comptable)
    data = {"adresse": "1 rue Haute", "code_postal": "31000", "ville": "Toulouse", "pays": "France"}
    assert http.post(url, data | {"telephone": "05.61.12.34.56", "fax": "0561123457"}).status_code == 302
    existing.refresh_from_db()
    assert (existing.telephone, existing.fax) == ("+33561123456", "+33561123457")
    page = body(http.get(reverse("clients:client-detail", args=[existing.pk])))
    assert 'value="05 61 12 34 56"' in page and "+33561123456" not in page


@pytest.mark.django_db
def test_a_wrong_number_keeps_what_was_typed(client_as, comptable, cabinet):
    existing = factories.make_client(cabinet, nom="SCI Les Tilleuls", telephone="+33561123456")
    url = reverse("clients:client-coordinates", args=[existing.pk])
    data = {"adresse": "1 rue Haute", "code_postal": "31000", "ville": "Toulouse", "pays": "France"}
    response = client_as(comptable).post(url, data | {"telephone": "05 61 12"})
    text = body(response)
    assert response.status_code == 200
    assert "Ce numéro de téléphone n'est pas valide" in text
    assert 'value="05 61 12"' in text and 'value="1 rue Haute"' in text
    assert Client.objects.get(pk=existing.pk).telephone == "+33561123456"


@pytest.mark.django_db
def test_a_contact_phone_is_normalised_and_listed_formatted(client_as, comptable, cabinet):
    existing = factories.make_client(cabinet, nom="SCI Les Tilleuls")
    http = client_as(comptable)
    add = reverse("clients:contact-add", args=[existing.pk])
    response = http.post(add, {"nom": "Hélène Garcia", "fonction": "Gérante", "telephone": "0612345678"})
    assert response.status_code == 302
    assert Contact.objects.get(client=existing).telephone == "+33612345678"
    assert "<td>06 12 34 56 78</td>" in body(http.get(reverse("clients:client-detail", args=[existing.pk])))
