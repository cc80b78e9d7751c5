"""Daily housekeeping required by the CJIS Security Policy, run by `safecity tasks daily` (cron or timer)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from safecity.core import actions, audit
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
    chain_ok: bool
    chain_problem: str
    head: str  # "#seq hash" of the newest event: keep it outside the database to detect truncation
    other: tuple[str, ...] = ()  # one line per registered hook


    def lines(self) -> list[str]:
        return [
            f"accounts disabled after {INACTIVE_DAYS} days without sign-in: {len(self.disabled_inactive)}"
            + (f" ({', '.join(self.disabled_inactive)})" if self.disabled_inactive else ""),
            f"expired role assignments removed: {self.expired_roles}",
            "audit chain: OK" if self.chain_ok else f"audit chain: BROKEN — {self.chain_problem}",
            *self.other,
            f"audit chain head: {self.head}",
        ]


def disable_inactive_accounts(now: dt.datetime | None = None) -> list[str]:
    cutoff = (now or timezone.now()) - dt.timedelta(days=INACTIVE_DAYS)
    stale = User.objects.filter(is_active=True, is_superuser=False).exclude(last_login__gte=cutoff).exclude(
        last_login__isnull=True, date_joined__gte=cutoff)
    names = []
    for user in stale:
        actions.user_set_active(actor="system", user=user, active=False)
        names.append(user.username)
    return names


def remove_expired_roles(now: dt.datetime | None = None) -> int:
    expired = RoleAssignment.objects.filter(expires_at__lte=now or timezone.now()).select_related("agency", "user")
    count = 0
    for assignment in expired:
        actions.role_revoke(actor="system", assignment=assignment)
        count += 1
    return count


def run_daily() -> DailyReport:
    disabled = disable_inactive_accounts()
    expired = remove_expired_roles()
    other = tuple(hook(timezone.now()) for hook in DAILY_HOOKS)
    result = audit.verify_chain()
    event = audit.record(action="tasks.daily", actor="system", outcome="success" if result.ok else "failure",
                         extra={"disabled": len(disabled), "expired_roles": expired, "chain_ok": result.ok})
    return DailyReport(disabled, expired, result.ok, str(result.problem or ""), f"#{event.seq} {event.hash}", other)
