"""Numbers stored before the phone fields were checked are rewritten in E.164 by a data migration; what
is not a number stays as it was."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from clients.models import Client, Contact
from geoprod.models import Cabinet
from geoprod.phones import normalize_stored_phones, stored_form
from tests import factories


@pytest.mark.parametrize(
    ("stored", "becomes"),
    [
        ("05.61.12.34.56", "+33561123456"),
        ("0033 5 61 12 34 56", "+33561123456"),
        ("+33561123456", "+33561123456"),
        ("0590 12 34 56", "+590590123456"),
        ("+32 2 555 12 12", "+3225551212"),
        ("", ""),
        ("05 61 12 34", "05 61 12 34"),
        ("demander à l'accueil", "demander à l'accueil"),
    ],
)
def test_a_stored_value_becomes_e164_or_stays_as_it_was(stored, becomes):
    assert stored_form(stored) == becomes


def _historical(app: str, name: str):
    """The migration's own functions, run with the models as the migration sees them."""
    module = importlib.import_module(f"{app}.migrations.{name}")
    return module.forwards, MigrationLoader(connection).project_state((app, name)).apps


def test_the_migrations_rewrite_clients_contacts_and_cabinets(cabinet):
    customer = factories.make_client(cabinet)
    Client.objects.filter(pk=customer.pk).update(telephone="05.61.12.34.56", fax="pas de fax")
    contact = Contact.objects.create(client=customer, nom="M. Durand", telephone="06 12 34 56 78")
    untouched = factories.make_client(cabinet)
    Client.objects.filter(pk=untouched.pk).update(telephone="+33561123456", fax="")
    Cabinet.objects.filter(pk=cabinet.pk).update(telephone="0033 5 62 00 11 22")

    for app, name in (
        ("clients", "0006_normalize_stored_phones"),
        ("geoprod", "0008_normalize_stored_phones"),
    ):
        forwards, apps = _historical(app, name)
        forwards(apps, None)

    customer.refresh_from_db()
    assert (customer.telephone, customer.fax) == ("+33561123456", "pas de fax")
    assert Contact.objects.get(pk=contact.pk).telephone == "+33612345678"
    assert Client.objects.values_list("telephone", "fax").get(pk=untouched.pk) == ("+33561123456", "")
    assert Cabinet.objects.get(pk=cabinet.pk).telephone == "+33562001122"


def test_only_the_rows_that_change_are_counted(cabinet):
    first, second = factories.make_client(cabinet), factories.make_client(cabinet)
    Client.objects.filter(pk=first.pk).update(telephone="05 61 12 34 56")
    Client.objects.filter(pk=second.pk).update(telephone="inconnu")
    assert normalize_stored_phones(Client, ("telephone", "fax")) == 1
    assert normalize_stored_phones(Client, ("telephone", "fax")) == 0
