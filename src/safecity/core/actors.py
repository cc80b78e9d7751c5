"""Who performs an action: a signed-in user, or one of a few named system actors.

Actions take `actor: Actor`. Work nobody signed in for (the command line, scheduled tasks, the demo
builder) passes a `SystemActor`; its name is what the audit event's `actor_name` shows, so the trail says
which part of the system acted. A system actor is not a user: it holds no roles, so permission checks that
look for roles find none, and actions decide explicitly (`is_system`) what a system actor may do.
Importable before Django is set up (the command line reaches for `CLI` early).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias, TypeGuard

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from safecity.core.models import User


@dataclass(frozen=True)
class SystemActor:
    """A named non-human actor; `name` is recorded as the audit event's actor."""

    name: str

    def __str__(self) -> str:
        return self.name


# AnonymousUser is included because views hand `request.user` straight to actions (Django types it as
# `User | AnonymousUser` even behind a sign-in check); it holds no role, so every permission check refuses it,
# and the refusal is audited like any other.
Actor: TypeAlias = "User | AnonymousUser | SystemActor"

SYSTEM = SystemActor("system")  # no more specific origin: migrations, set-up code, tests
CLI = SystemActor("system:cli")  # the `safecity` command line, run by an operator on the server
TASKS = SystemActor("system:tasks")  # scheduled housekeeping (`safecity tasks daily` and its hooks)
DEMO = SystemActor("system:demo")  # the demo-city builder


def is_system(actor: object) -> TypeGuard[SystemActor]:
    return isinstance(actor, SystemActor)
