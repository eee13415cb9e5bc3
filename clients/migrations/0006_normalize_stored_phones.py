"""Numbers typed before the phone fields were checked are rewritten in E.164, as the forms now save them;
a value that is not a number stays as it was."""

from django.db import migrations

from geoprod.phones import normalize_stored_phones


def forwards(apps, schema_editor):
    normalize_stored_phones(apps.get_model("clients", "Client"), ("telephone", "fax"))
    normalize_stored_phones(apps.get_model("clients", "Contact"), ("telephone",))


class Migration(migrations.Migration):
    dependencies = [("clients", "0005_client_electronic_address")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
