from django.db import migrations


def forward(apps, schema_editor):
    from safecity.incidents.codes import load_code_table

    load_code_table(apps)


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
