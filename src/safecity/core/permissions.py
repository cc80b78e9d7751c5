"""The one place that decides who may see or change what.

`visibility_filter` turns a user's role assignments into {clearance mask: agency ids} for one module and
action; `RestrictedQuerySet.restrict()` turns that into a query, and `ensure_can()` checks a single object by
re-querying through `restrict()` so that a record you cannot list you cannot act on either.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from safecity.core.roles import (
    AGGREGATE,
    ROLE_AGGREGATE_CLEARANCES,
    ROLE_CLEARANCES,
    VIEW,
    Module,
    Role,
    Sensitivity,
    role_allows,
)

MODULE_FROM_URL = "{module}"  # declared by views whose module is their `module` URL argument
# Declared by pages every staff role may open whatever its modules (the rules page): any role but `public`.
STAFF = "{staff}"


def declare(view: Any, module: str, needs: tuple[str, ...]) -> None:
    """Record what a view or API operation needs (`safecity_requires`) where the role-matrix test reads it."""
    view.safecity_requires = (module, frozenset(needs))


class NotPermitted(PermissionDenied):
    """Raised by actions and selectors; views and the API turn it into a 403 (or 404 for hidden ids)."""


def active_assignments(user: Any) -> list[tuple[int, str]]:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cache = getattr(user, "_safecity_roles", None)
    if cache is None:
        now = timezone.now()
        cache = [
            (a.agency_id, a.role)
            for a in user.role_assignments.all()
            if a.expires_at is None or a.expires_at > now
        ]
        user._safecity_roles = cache
    return list(cache)


def visibility_filter(user: Any, module: str, action: str) -> dict[Sensitivity, set[int]] | None:
    """Return None for unrestricted access, else {clearance mask: agency ids} where `action` is allowed.

    `AGGREGATE` (what an analysis counts) is allowed where `view` is, with the role's counting clearance."""
    if user is not None and getattr(user, "is_superuser", False) and user.is_active:
        return None
    counting = action == AGGREGATE
    by_agency: dict[int, Sensitivity] = {}
    for agency_id, role in active_assignments(user):
        if role_allows(role, module, VIEW if counting else action):
            cleared = ROLE_CLEARANCES[role]
            if counting:
                cleared |= ROLE_AGGREGATE_CLEARANCES.get(role, Sensitivity.NONE)
            by_agency[agency_id] = by_agency.get(agency_id, Sensitivity.NONE) | cleared
    grouped: dict[Sensitivity, set[int]] = defaultdict(set)
    for agency_id, mask in by_agency.items():
        grouped[mask].add(agency_id)
    return dict(grouped)


def modules_for(user: Any) -> list[str]:
    """Modules a user may open, in navigation order."""
    if user is not None and getattr(user, "is_superuser", False):
        return [m.value for m in Module]
    roles = {role for _, role in active_assignments(user)}
    allowed = [m.value for m in Module if any(role_allows(r, m.value, "view") for r in roles)]
    if Module.TRANSPARENCY.value not in allowed:
        allowed.append(Module.TRANSPARENCY.value)  # open data is for everyone
    return allowed


def has_module(user: Any, module: str, action: str = "view", agency_id: int | None = None) -> bool:
    if user is not None and getattr(user, "is_superuser", False) and user.is_active:
        return True
    if module == STAFF:
        return action == "view" and is_staff(user)
    return any(
        role_allows(role, module, action) and (agency_id is None or a_id == agency_id)
        for a_id, role in active_assignments(user)
    )


def agencies_for(user: Any, module: str, action: str = "view") -> set[int] | None:
    """Agencies where the user may take `action` in `module` (None = all)."""
    grants = visibility_filter(user, module, action)
    if grants is None:
        return None
    return set().union(*grants.values()) if grants else set()


def ensure_module(user: Any, module: str, action: str = "view", agency_id: int | None = None) -> None:
    if not has_module(user, module, action, agency_id):
        raise NotPermitted(f"You do not have {action} permission in {module}.")


def ensure_can(user: Any, action: str, obj: Any) -> None:
    """Check one object by re-querying it through restrict(), the same path lists use."""
    model = type(obj)
    if not model._default_manager.restrict(user, action).filter(pk=obj.pk).exists():
        raise NotPermitted(f"You do not have {action} permission on this {model._meta.verbose_name}.")


def is_staff(user: Any) -> bool:
    """Holds a current role other than `public` (or is an active platform administrator)."""
    if user is not None and getattr(user, "is_superuser", False) and user.is_active:
        return True
    return any(role != Role.PUBLIC for _, role in active_assignments(user))


def is_public_only(user: Any) -> bool:
    return not any(role != Role.PUBLIC for _, role in active_assignments(user)) and not getattr(
        user, "is_superuser", False
    )
