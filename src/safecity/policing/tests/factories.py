"""Factories for policing tests: state is built through the module's actions, as users would build it."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from safecity.core.actors import SYSTEM
from safecity.core.models import Agency
from safecity.policing import actions
from safecity.policing.models import Officer, Unit

_serial = itertools.count(1)


def make_unit(agency: Agency, code: str = "PATROL1", name: str = "First Patrol", **kwargs: Any) -> Unit:
    return actions.unit_create(actor=SYSTEM, agency=agency, code=code, name=name, **kwargs)


def make_officer(agency: Agency, *, unit: Unit | None = None, last_name: str | None = None,
                 hire_date: dt.date = dt.date(2015, 3, 1), **kwargs: Any) -> Officer:
    n = next(_serial)
    return actions.officer_create(
        actor=SYSTEM, agency=agency, employee_id=kwargs.pop("employee_id", f"E{n:05d}"),
        first_name=kwargs.pop("first_name", "Pat"), last_name=last_name or f"Officer{n}",
        badge_number=kwargs.pop("badge_number", str(1000 + n)), unit=unit, hire_date=hire_date, **kwargs)
