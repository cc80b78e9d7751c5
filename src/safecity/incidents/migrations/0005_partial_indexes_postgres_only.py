"""Keep CompStat's two partial indexes on PostgreSQL only.

On PostgreSQL they take CompStat over 5,000,000 incidents under 300 ms (benchmarks/bench_compstat.py); on
SQLite, the embedded database for small installations, they only slow bulk imports down. Django's model
state no longer lists them, so they are managed here by vendor.
"""

from django.db import migrations

PARTIAL_INDEXES = {
    "incident_labelled": "WHERE sensitivity > 0",
    "incident_violent_or_shooting": "WHERE (is_violent OR is_shooting)",
}


def forward(apps, schema_editor):
    for name, where in PARTIAL_INDEXES.items():
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON incidents_incident (agency_id, occurred_date) {where}")
        else:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def reverse(apps, schema_editor):
    for name, where in PARTIAL_INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON incidents_incident (agency_id, occurred_date) {where}")


class Migration(migrations.Migration):
    dependencies = [("incidents", "0004_compstat_indexes")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="incident", name="incident_labelled"),
                migrations.RemoveIndex(model_name="incident", name="incident_violent_or_shooting"),
            ],
            database_operations=[migrations.RunPython(forward, reverse)],
        )
    ]
