"""Roles, modules and sensitivity labels: the vocabulary of who may do what.

Role values are stored in the database; never renumber or rename them (add new ones instead).
"""

from __future__ import annotations

import enum

from django.db import models


class Module(models.TextChoices):
    INCIDENTS = "incidents", "Incidents & crime analytics"
    POLICING = "policing", "Community policing"
    FIREARMS = "firearms", "Gun violence"
    INTEL = "intel", "Intelligence sharing"
    REENTRY = "reentry", "Reentry"
    GRANTS = "grants", "Grants"
    JUSTICE = "justice", "Criminal justice"
    TRANSPARENCY = "transparency", "Open data"
    ADMIN = "admin", "Administration"
    AUDIT = "audit", "Audit log"


class Role(models.TextChoices):
    ADMIN = "admin", "Agency administrator"
    COMMAND = "command", "Command staff"
    ANALYST = "analyst", "Crime analyst"
    OFFICER = "officer", "Officer"
    OVERSIGHT = "oversight", "Oversight / auditor"
    ERPO = "erpo", "ERPO coordinator"
    INTEL = "intel", "Intelligence analyst"
    CASEWORKER = "caseworker", "Caseworker"
    GRANTS = "grants", "Grants manager"
    PUBLIC = "public", "Public"
    EXECUTIVE = "executive", "Mayor / public-safety director"


class Sensitivity(enum.IntFlag):
    """Labels a record carries; each one narrows who may read it. Stored as a bit mask."""

    NONE = 0
    JUVENILE = 1
    VICTIM_IDENTIFYING = 2
    SEALED = 4
    CRIMINAL_INTELLIGENCE = 8
    HEALTH_PROTECTED = 16
    # Personnel files: complaints, internal-affairs investigations, early-intervention flags (issue 9).
    PERSONNEL = 32

    @classmethod
    def all(cls) -> Sensitivity:
        mask = cls.NONE
        for member in cls:
            mask |= member
        return mask

    @classmethod
    def labels(cls, mask: int) -> list[str]:
        return [m.name.lower().replace("_", "-") for m in cls if m and mask & m]  # type: ignore[union-attr]

    @classmethod
    def from_labels(cls, labels: list[str]) -> Sensitivity:
        mask = cls.NONE
        for label in labels:
            key = label.strip().upper().replace("-", "_")
            if key not in cls.__members__:
                raise ValueError(f"unknown sensitivity label {label!r}")
            mask |= cls[key]
        return mask


VIEW, ADD, CHANGE, DELETE, EXPORT = "view", "add", "change", "delete", "export"
ACTIONS = (VIEW, ADD, CHANGE, DELETE, EXPORT)
READ_ONLY = frozenset({VIEW})
READ_EXPORT = frozenset({VIEW, EXPORT})
FULL = frozenset({VIEW, ADD, CHANGE, DELETE, EXPORT})
EDIT = frozenset({VIEW, ADD, CHANGE})

# What each role may do in each module within the agencies where it is granted.
ROLE_MODULES: dict[str, dict[str, frozenset[str]]] = {
    Role.ADMIN: {m.value: FULL for m in Module},
    Role.COMMAND: {
        Module.INCIDENTS: READ_EXPORT,
        Module.POLICING: EDIT | READ_EXPORT,
        Module.FIREARMS: READ_EXPORT,
        Module.GRANTS: READ_ONLY,
        Module.JUSTICE: READ_ONLY,
        Module.TRANSPARENCY: EDIT,
    },
    Role.ANALYST: {
        Module.INCIDENTS: FULL,
        Module.POLICING: READ_EXPORT,
        Module.FIREARMS: READ_EXPORT,
        Module.JUSTICE: READ_EXPORT,
        Module.TRANSPARENCY: EDIT,
    },
    Role.OFFICER: {Module.INCIDENTS: EDIT, Module.FIREARMS: READ_ONLY},
    Role.OVERSIGHT: {
        Module.POLICING: READ_EXPORT,
        Module.AUDIT: READ_EXPORT,
        Module.INCIDENTS: READ_ONLY,
        Module.JUSTICE: READ_ONLY,
    },
    Role.ERPO: {Module.FIREARMS: FULL, Module.INCIDENTS: READ_ONLY},
    Role.INTEL: {Module.INTEL: FULL, Module.INCIDENTS: READ_ONLY},
    Role.CASEWORKER: {Module.REENTRY: EDIT},
    Role.GRANTS: {Module.GRANTS: FULL, Module.TRANSPARENCY: READ_ONLY},
    Role.PUBLIC: {Module.TRANSPARENCY: READ_ONLY},
    # City-wide questions (CompStat, trends, the printable report) across the agencies the role is granted in;
    # no edits, and the clearance below keeps every labelled record out of the role's sight.
    Role.EXECUTIVE: {
        Module.INCIDENTS: READ_EXPORT,
        Module.FIREARMS: READ_ONLY,
        Module.TRANSPARENCY: READ_ONLY,
    },
}

# Labels each role is cleared for: a labelled record is visible only when every one of its labels is cleared.
ROLE_CLEARANCES: dict[str, Sensitivity] = {
    Role.ADMIN: Sensitivity.VICTIM_IDENTIFYING | Sensitivity.JUVENILE | Sensitivity.PERSONNEL,
    Role.COMMAND: Sensitivity.VICTIM_IDENTIFYING | Sensitivity.JUVENILE | Sensitivity.PERSONNEL,
    Role.ANALYST: Sensitivity.VICTIM_IDENTIFYING,
    Role.OFFICER: Sensitivity.VICTIM_IDENTIFYING | Sensitivity.JUVENILE,
    Role.OVERSIGHT: Sensitivity.VICTIM_IDENTIFYING | Sensitivity.JUVENILE | Sensitivity.PERSONNEL,
    Role.ERPO: Sensitivity.VICTIM_IDENTIFYING,
    Role.INTEL: Sensitivity.CRIMINAL_INTELLIGENCE,
    Role.CASEWORKER: Sensitivity.HEALTH_PROTECTED | Sensitivity.JUVENILE,
    Role.GRANTS: Sensitivity.NONE,
    Role.PUBLIC: Sensitivity.NONE,
    Role.EXECUTIVE: Sensitivity.NONE,
}

# Counting is not reading. `restrict(user, AGGREGATE)` is the set an analysis counts: the incidents the user
# may view, except that a role listed here counts records under these labels without being able to open
# them. The mayor / public-safety director answers for the city's numbers, so they count what command staff
# count (a rape is a victim-identifying record, and leaving it out would show the city no rapes at all), while
# the records themselves stay out of the role's sight. Roles not listed count exactly what they may view.
AGGREGATE = "aggregate"
ROLE_AGGREGATE_CLEARANCES: dict[str, Sensitivity] = {
    Role.EXECUTIVE: Sensitivity.VICTIM_IDENTIFYING | Sensitivity.JUVENILE,
}

STAFF_ROLES = frozenset(r.value for r in Role if r != Role.PUBLIC)


def role_allows(role: str, module: str, action: str) -> bool:
    return action in ROLE_MODULES.get(role, {}).get(module, frozenset())
