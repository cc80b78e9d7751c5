"""System checks (`safecity manage check`, and before `migrate`/`runserver`) for the audit chain's guards."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register
from django.db import DatabaseError
from django.db.migrations.recorder import MigrationRecorder

from safecity.core import audit, audit_checkpoints, audit_keys

# The migrations that install the triggers and the key column; before them there is nothing to check yet.
_TRIGGER_MIGRATION = ("core", "0002_audit_append_only")
_KEY_MIGRATION = ("core", "0004_audit_key")


@register("safecity")
def audit_guards(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    applied = _applied_migrations()
    problems: list[CheckMessage] = _triggers() if _TRIGGER_MIGRATION in applied else []
    try:
        audit_keys.configured_key()
        if _KEY_MIGRATION in applied:
            audit.head_and_key()  # the key the chain names for its next event must be at hand
    except DatabaseError:
        pass  # reported by the trigger check, or the database is not reachable from this command
    except audit_keys.AuditKeyError as exc:
        problems.append(Error(f"The audit key cannot be used: {exc}", id="safecity.E002",
                              hint="Set SAFECITY_AUDIT_KEY_FILE (or SAFECITY_AUDIT_KEY) to a readable key, and "
                                   "keep every rotated key in SAFECITY_AUDIT_KEYRING."))
    for spec in settings.AUDIT_CHECKPOINT_SINKS:
        try:
            audit_checkpoints.parse_sink(spec)
        except ValueError as exc:
            problems.append(Error(str(exc), id="safecity.E003"))
    return problems


def _applied_migrations() -> set[tuple[str, str]]:
    from django.db import connection

    try:
        if not audit.audit_table_exists():
            return set()
        return set(MigrationRecorder(connection).applied_migrations())
    except DatabaseError:
        return set()


def _triggers() -> list[CheckMessage]:
    try:
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
