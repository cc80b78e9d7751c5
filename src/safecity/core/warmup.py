"""Warming the result cache: compute the default view of every analysis before the first person asks.

A computed analysis is cached per (visibility, parameters, data versions) (`core.resultcache`), so the first
request after an import, a demo build or a deploy computes it — 0.7 s for CompStat, several seconds for hot
spots on the demo city — while everyone else who opens the page waits on that key's lock. On a Monday
CompStat meeting that first request is 50 people's. Warming computes those entries ahead, as the people who
will ask: one representative signed-in user per (visibility, home agency) — the two things a default view
depends on — most numerous first, each opening the default view of every page an app registered.

It runs

* ``safecity tasks warm``, by hand or from a timer;
* at the end of ``safecity demo`` and of ``safecity import`` (in the foreground; they print what they did);
* in the background when ``safecity serve`` starts and after an import committed from the web page — a
  separate process (`start_background`), so no worker's threads share a GIL with it, and a person asking
  for a key being warmed waits for it (the per-key file lock) instead of computing it again. It runs at
  the workers' priority on purpose: a request waiting on a key it is computing must not wait longer
  because the process holding the key was set aside for other requests.

``SAFECITY_WARM_RESULTS=false`` turns the background runs off (the tests do; a request still computes what
is missing, as before).

Apps register a warmer from `AppConfig.ready` (core imports no app): a function of a user that computes that
user's default views and returns how many it made or read.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO

from django.conf import settings

Warmer = Callable[[Any], int]
WARMERS: list[tuple[str, Warmer]] = []  # (module, warmer)


def register(module: str, warmer: Warmer) -> None:
    if (module, warmer) not in WARMERS:
        WARMERS.append((module, warmer))


@dataclass(frozen=True)
class WarmReport:
    users: int  # representative users warmed as
    entries: int  # views computed or found already cached
    seconds: float
    failures: tuple[str, ...] = ()

    def line(self) -> str:
        text = (f"result cache warmed: {self.entries} default views for {self.users} kinds of user "
                f"in {self.seconds:.1f} s")
        return text + (f"; {len(self.failures)} failed: {'; '.join(self.failures[:5])}" if self.failures else "")


def representative_users(module: str) -> list[Any]:
    """One active user per (visibility in `module`, home agency), the most common first: every default view
    any user of the module can open is the default view of one of them."""
    from safecity.core.models import User
    from safecity.core.resultcache import visibility_key

    groups: dict[tuple[Any, Any], list[Any]] = {}
    for user in User.objects.filter(is_active=True).select_related("home_agency").order_by("pk"):
        visible = visibility_key(user, module)
        if visible == ():  # sees nothing in the module
            continue
        groups.setdefault((visible, user.home_agency_id), []).append(user)
    return [users[0] for users in sorted(groups.values(), key=lambda users: -len(users))]


def warm(out: TextIO | None = None) -> WarmReport:
    """Compute (or find cached) every registered default view for every representative user."""
    started = time.perf_counter()
    entries, seen_users, failures = 0, 0, []
    for module, warmer in WARMERS:
        for user in representative_users(module):
            seen_users += 1
            try:
                entries += warmer(user)
            except Exception as exc:  # noqa: BLE001 - warming is an optimisation: report it, never stop on it
                failures.append(f"{user.username}: {type(exc).__name__}: {exc}")
    report = WarmReport(users=seen_users, entries=entries, seconds=time.perf_counter() - started,
                        failures=tuple(failures))
    if out is not None:
        print(report.line(), file=out)
    return report


def start_background() -> subprocess.Popen[bytes] | None:
    """Run ``safecity tasks warm`` in a separate process without waiting for it; None when
    ``SAFECITY_WARM_RESULTS`` is off. Its output goes to this process's standard error (the server's log)."""
    if not settings.RESULT_WARMUP:
        return None
    return subprocess.Popen(  # noqa: S603 - our own command, no shell, no user input
        [sys.executable, "-m", "safecity.cli", "tasks", "warm"], stdin=subprocess.DEVNULL,
        stdout=sys.stderr, stderr=sys.stderr, start_new_session=True)
