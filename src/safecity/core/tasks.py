"""Daily housekeeping required by the CJIS Security Policy, run by `safecity tasks daily` (cron or timer)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from safecity.core import actions, audit, audit_checkpoints
from safecity.core.actors import TASKS
from safecity.core.models import RoleAssignment, User

INACTIVE_DAYS = 90  # CJIS AC-2(3): disable accounts inactive for 90 days

# Other apps' daily housekeeping (core imports no app, so they register here from AppConfig.ready);
# each takes the run's time and returns one line for the report.
DailyHook = Callable[[dt.datetime], str]
DAILY_HOOKS: list[DailyHook] = []


def register_daily(hook: DailyHook) -> None:
    if hook not in DAILY_HOOKS:
        DAILY_HOOKS.append(hook)


@dataclass(frozen=True)
class DailyReport:
    disabled_inactive: list[str]
    expired_roles: int
    chain_ok: bool  # the chain verifies against its checkpoints, its triggers are present and it was checkpointed
    chain_problem: str
    head: str  # "#seq hash" of the newest event, also written as a signed checkpoint outside the database
    missing_triggers: tuple[str, ...] = ()
    checkpoint: tuple[str, ...] = ()  # what audit_checkpoints.describe() says about today's checkpoint
    other: tuple[str, ...] = ()  # one line per registered hook

    def lines(self) -> list[str]:
        return [
            f"accounts disabled after {INACTIVE_DAYS} days without sign-in: {len(self.disabled_inactive)}"
            + (f" ({', '.join(self.disabled_inactive)})" if self.disabled_inactive else ""),
            f"expired role assignments removed: {self.expired_roles}",
            "audit chain: BROKEN — " + self.chain_problem if self.chain_problem else "audit chain: OK",
            *self.other,
            f"audit chain head: {self.head}",
            "audit append-only triggers: " + (f"MISSING ({', '.join(self.missing_triggers)})"
                                              if self.missing_triggers else "present"),
            *self.checkpoint,
        ]


def disable_inactive_accounts(now: dt.datetime | None = None) -> list[str]:
    cutoff = (now or timezone.now()) - dt.timedelta(days=INACTIVE_DAYS)
    stale = User.objects.filter(is_active=True, is_superuser=False).exclude(last_login__gte=cutoff).exclude(
        last_login__isnull=True, date_joined__gte=cutoff)
    names = []
    for user in stale:
        actions.user_set_active(actor=TASKS, user=user, active=False)
        names.append(user.username)
    return names


def remove_expired_roles(now: dt.datetime | None = None) -> int:
    expired = RoleAssignment.objects.filter(expires_at__lte=now or timezone.now()).select_related("agency", "user")
    count = 0
    for assignment in expired:
        actions.role_revoke(actor=TASKS, assignment=assignment)
        count += 1
    return count


def run_daily() -> DailyReport:
    disabled = disable_inactive_accounts()
    expired = remove_expired_roles()
    other = tuple(hook(timezone.now()) for hook in DAILY_HOOKS)
    result = audit.verify_chain()  # against the configured checkpoint file, which catches truncation
    missing = tuple(audit.missing_triggers())
    healthy = result.ok and not missing
    event = audit.record(action="tasks.daily", actor=TASKS, outcome="success" if healthy else "failure",
                         extra={"disabled": len(disabled), "expired_roles": expired, "chain_ok": result.ok,
                                "missing_triggers": list(missing)})
    # Anchored after the day's own event, so that removing it (or anything before it) is detectable.
    written = audit_checkpoints.write_checkpoint()
    return DailyReport(disabled, expired, healthy and written.ok, str(result.problem or ""),
                       f"#{event.seq} {event.hash}", missing, tuple(audit_checkpoints.describe(written)), other)
