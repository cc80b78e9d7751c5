"""System checks (`safecity manage check`, and before `migrate`/`runserver`) for the audit chain's guards."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, Warning, register
from django.db import DatabaseError
from django.db.migrations.recorder import MigrationRecorder

from safecity.core import audit, audit_checkpoints, audit_keys

# The migration that installs the triggers; before it is applied there is nothing to check yet.
_TRIGGER_MIGRATION = ("core", "0002_audit_append_only")


@register("safecity")
def audit_guards(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    problems += _triggers()
    try:
        audit_keys.configured_key()
    except audit_keys.AuditKeyError as exc:
        problems.append(Error(f"The audit key cannot be used: {exc}", id="safecity.E002",
                              hint="Set SAFECITY_AUDIT_KEY_FILE (or SAFECITY_AUDIT_KEY) to a readable key."))
    for spec in _sink_specs():
        try:
            audit_checkpoints.parse_sink(spec)
        except ValueError as exc:
            problems.append(Error(str(exc), id="safecity.E003"))
    return problems


def _sink_specs() -> list[str]:
    from django.conf import settings

    return list(settings.AUDIT_CHECKPOINT_SINKS)


def _triggers() -> list[CheckMessage]:
    from django.db import connection

    try:
        if not audit.audit_table_exists():
            return []
        applied = MigrationRecorder(connection).applied_migrations()
        if _TRIGGER_MIGRATION not in applied:
            return []
        missing = audit.missing_triggers()
    except DatabaseError as exc:
        return [Warning(f"Could not check the audit table's append-only triggers: {exc}", id="safecity.W001")]
    if not missing:
        return []
    return [Error(
        f"The audit table is not append-only: trigger(s) {', '.join(missing)} are missing or disabled.",
        hint="Anyone with SQL access can now rewrite audit events. Re-create them (see "
             "safecity/core/migrations/_audit_triggers.py), find out who removed them, and run "
             "'safecity audit verify'.",
        id="safecity.E001",
    )]
