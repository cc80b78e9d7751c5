"""The audit chain becomes keyed: each event names the key that signed it (empty for the legacy prefix)."""

from django.db import migrations, models

from safecity.core.migrations._audit_triggers import SQLITE_FORWARD


def reinstall_sqlite_triggers(apps, schema_editor):
    # SQLite adds this column by rebuilding the table, which drops its triggers: put them back.
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_FORWARD:
            schema_editor.execute(sql.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS"))


class Migration(migrations.Migration):
    dependencies = [("core", "0003_apitoken_origin")]
    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="key_id",
            field=models.CharField(blank=True, default="", max_length=16,
                                   help_text="Fingerprint of the audit key that signed this event; empty for legacy events."),
        ),
        migrations.RunPython(reinstall_sqlite_triggers, migrations.RunPython.noop),
    ]
