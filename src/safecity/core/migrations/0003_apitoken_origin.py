"""Record how each API token was created (existing rows become "legacy"), and a per-user session epoch.

Issue 6, findings 1 and 9. Changing the session hash formula also ends every session that exists at upgrade.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_audit_append_only'),
    ]

    operations = [
        migrations.AddField(
            model_name='apitoken',
            name='created_by',
            field=models.ForeignKey(blank=True, help_text='Who created it; empty for the command line and legacy rows.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='apitoken',
            name='created_via',
            field=models.CharField(choices=[('session', 'Account page or API session'), ('admin', 'Administrator'), ('cli', 'Command line'), ('legacy', 'Before origins were recorded')], default='legacy', max_length=8),
        ),
        migrations.AddField(
            model_name='user',
            name='session_epoch',
            field=models.PositiveIntegerField(default=0, help_text='Raised to end every session of the account at once (lock, deactivation, role loss).'),
        ),
    ]
