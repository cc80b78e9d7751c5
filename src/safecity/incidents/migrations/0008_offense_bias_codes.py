"""Offense bias motivation becomes a list (NIBRS data element 8A repeats up to five times): bias_code → bias_codes."""

from typing import Any

from django.db import migrations, models

import safecity.incidents.models.incident


def copy_bias(apps: Any, schema_editor: Any) -> None:
    # One UPDATE per distinct old value (a handful), not one per offense: tables hold millions of rows.
    offense = apps.get_model("incidents", "Offense")
    for code in offense.objects.values_list("bias_code", flat=True).distinct():
        offense.objects.filter(bias_code=code).update(bias_codes=[code or "88"])


def copy_back(apps: Any, schema_editor: Any) -> None:
    offense = apps.get_model("incidents", "Offense")
    for row in offense.objects.exclude(bias_codes=["88"]).only("pk", "bias_codes").iterator():
        offense.objects.filter(pk=row.pk).update(bias_code=(row.bias_codes or ["88"])[0])


class Migration(migrations.Migration):
    dependencies = [("incidents", "0007_importbatch_heartbeat")]

    operations = [
        migrations.AddField(
            model_name="offense",
            name="bias_codes",
            field=models.JSONField(blank=True, default=safecity.incidents.models.incident.no_bias,
                                   help_text="NIBRS bias motivation codes (data element 8A), 1 to 5; 88 = none."),
        ),
        migrations.RunPython(copy_bias, copy_back),
        migrations.RemoveField(model_name="offense", name="bias_code"),
    ]
