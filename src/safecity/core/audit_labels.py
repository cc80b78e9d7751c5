"""Plain words for the codes the audit log stores: one registry of action codes and record types.

The chain stores short stable codes (`auth.login`, `core.auditevent`) because they are hashed and queried;
people read the log, so pages and exports show these words beside them. Core registers its own codes here;
every other app registers its codes from its `AppConfig.ready()` (core imports no app), and a test checks
that every code written anywhere in the source is registered.

Imports nothing but the standard library: every command's Django set-up runs the apps' `ready()`.
"""

from __future__ import annotations

from collections.abc import Mapping

_ACTIONS: dict[str, str] = {}
_OBJECTS: dict[str, str] = {}
OUTCOMES = {"success": "Succeeded", "failure": "Failed", "denied": "Refused"}


def register(*, actions: Mapping[str, str] | None = None, objects: Mapping[str, str] | None = None) -> None:
    """Add plain words for action codes and record types (`app_label.model`). Re-registering the same words
    is harmless (tests reload apps); giving a code different words is a programming error."""
    for table, new in ((_ACTIONS, actions or {}), (_OBJECTS, objects or {})):
        for code, words in new.items():
            if table.get(code, words) != words:
                raise ValueError(f"audit code {code!r} is already registered as {table[code]!r}")
            table[code] = words


def action_label(code: str) -> str:
    """The plain words for an action code; an unregistered code (an old event, a test) is shown as it is."""
    return _ACTIONS.get(code, code)


def object_label(object_type: str) -> str:
    if object_type.startswith("module:"):  # refusals name the module they were refused in
        return f"Module “{object_type.removeprefix('module:')}”"
    return _OBJECTS.get(object_type, object_type)


def outcome_label(outcome: str) -> str:
    return OUTCOMES.get(outcome, outcome)


def actions() -> dict[str, str]:
    """Every registered action code with its words, sorted by the words (for filter menus)."""
    return dict(sorted(_ACTIONS.items(), key=lambda item: item[1].lower()))


def objects() -> dict[str, str]:
    return dict(sorted(_OBJECTS.items(), key=lambda item: item[1].lower()))


register(
    actions={
        "agency.create": "Agency created",
        "agency.update": "Agency changed",
        "agency.population.set": "Agency population set",
        "geography.district.save": "District boundary saved",
        "geography.beat.save": "Beat boundary saved",
        "user.create": "User created",
        "user.unlock": "Account unlocked",
        "user.activate": "Account activated",
        "user.deactivate": "Account deactivated",
        "role.grant": "Role granted",
        "role.revoke": "Role removed",
        "auth.login": "Sign-in",
        "auth.logout": "Sign-out",
        "auth.lockout": "Account locked after failed sign-ins",
        "auth.session_end": "Session ended",
        "mfa.enroll": "Two-step sign-in turned on",
        "mfa.remove": "Two-step sign-in reset",
        "api_token.create": "API token created",
        "api_token.revoke": "API token revoked",
        "record.read": "Record viewed",
        "export": "Data exported",
        "permission.denied": "Access refused",
        "audit.read": "Audit log viewed",
        "audit.key.rotate": "Audit signing key rotated",
        "tasks.daily": "Daily housekeeping ran",
    },
    objects={
        "core.agency": "Agency",
        "core.user": "User",
        "core.roleassignment": "Role",
        "core.apitoken": "API token",
        "core.auditevent": "Audit log",
        "core.district": "District",
        "core.beat": "Beat",
        "audit.key": "Audit signing key",
    },
)
