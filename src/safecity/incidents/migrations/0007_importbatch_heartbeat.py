from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):

    dependencies = [
        ("incidents", "0006_fewer_insert_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="importbatch",
            name="heartbeat",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="importbatch",
            name="errors_total",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="importbatch",
            name="rerun_of",
            field=models.ForeignKey(blank=True, help_text="The interrupted import of the same file that this run repeats.", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="reruns", to="incidents.importbatch"),
        ),
    ]
