"""System checks (`safecity manage check`, and before `migrate`/`runserver`): the audit chain's guards and the
rule packs (each loads, rules needing review are named, settings keep within the rules in force)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register
from django.db import DatabaseError
from django.utils import timezone

from safecity.core import rules

# The chain, checkpoint and migration modules are imported inside the checks: this module is imported by
# `CoreConfig.ready()` at every command's start-up, and checks run only for `manage` commands.

# The migrations that install the triggers and the key column; before them there is nothing to check yet.
_TRIGGER_MIGRATION = ("core", "0002_audit_append_only")
_KEY_MIGRATION = ("core", "0004_audit_key")


@register("safecity")
def audit_guards(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    from safecity.core import audit, audit_checkpoints, audit_keys

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
    from django.db.migrations.recorder import MigrationRecorder

    from safecity.core import audit

    try:
        if not audit.audit_table_exists():
            return set()
        return set(MigrationRecorder(connection).applied_migrations())
    except DatabaseError:
        return set()


def _triggers() -> list[CheckMessage]:
    from safecity.core import audit

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


@register("safecity")
def rule_packs(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """E004: a pack that does not load; W002: rules that need review; E005: a setting looser than a CJIS rule."""
    problems: list[CheckMessage] = []
    today = timezone.localdate()
    for spec in rules.registered():
        try:
            pack = rules.pack(spec.name)
        except rules.RulePackError as exc:
            problems.append(Error(f"Rule pack {spec.name} cannot be loaded:\n" + "\n".join(exc.problems),
                                  hint=f"Correct {spec.path}; every problem above names its line.",
                                  id="safecity.E004"))
            continue
        review = pack.needing_review(today)
        if review:
            listed = "; ".join(f"{r.key} ({r.review_reason(today)})" for r in review[:10])
            more = f" and {len(review) - 10} more" if len(review) > 10 else ""
            problems.append(Warning(
                f"Rule pack {pack.name}: {len(review)} rule(s) need review: {listed}{more}.",
                hint=f"Check them against their citation, then set status = verified and a new review_by in "
                     f"{pack.source}. The rules page (/rules/) lists them.",
                id="safecity.W002"))
        if settings.CJI_MODE:
            problems.extend(_settings_within(pack, today))
    return problems


def _settings_within(pack: rules.RulePack, today: Any) -> list[CheckMessage]:
    found: list[CheckMessage] = []
    for rule in pack.in_force(today):
        name = str(rule.values.get("setting", "") or "")
        if not name:
            continue
        bound = rule.values.get("bound")
        actual = rules.setting_value(name)
        limit = rule.values.get("value")
        if bound not in ("max", "min") or not isinstance(actual, int | float) or not isinstance(limit, int | float):
            # a rule that names a setting but cannot be compared with it would otherwise be checked by no one
            found.append(Error(
                f"{pack.name}: rule {rule.key} (line {rule.line}) names setting {name} = {actual!r}, but cannot be "
                f"compared with it (needs a numeric value and setting and bound = \"max\" or \"min\").",
                id="safecity.E005"))
            continue
        if (bound == "max" and actual > limit) or (bound == "min" and actual < limit):
            word = "at most" if bound == "max" else "at least"
            unit = str(rule.values.get("unit", ""))
            found.append(Error(
                f"{name} is {actual}, but {rule.key} ({rule.citation}) requires {word} {limit} {unit}".rstrip() + ".",
                hint=f"Change {name} (see docs/security.md), or turn CJI mode off where no CJI is held.",
                id="safecity.E005"))
    return found
