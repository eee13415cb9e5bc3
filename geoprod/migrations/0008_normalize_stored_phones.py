"""The cabinet's number typed before the phone field was checked is rewritten in E.164, as Paramètres now
saves it; a value that is not a number stays as it was."""

from django.db import migrations

from geoprod.phones import normalize_stored_phones


def forwards(apps, schema_editor):
    normalize_stored_phones(apps.get_model("geoprod", "Cabinet"), ("telephone",))


class Migration(migrations.Migration):
    dependencies = [("geoprod", "0007_cabinet_fiscal_year_start")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
