"""The demo roster: built through the policing actions, idempotent, with assignment histories."""

from __future__ import annotations

import random
from typing import Any

import pytest

from safecity.demo.build import _geography
from safecity.demo.policing import build_roster, officer_risk
from safecity.policing.models import Assignment, Officer

pytestmark = pytest.mark.django_db


def test_roster_is_built_once_with_histories_and_a_mean_one_risk(agency_a: Any) -> None:
    from safecity.core import actions
    from safecity.core.actors import SYSTEM

    actions.agency_population_set(actor=SYSTEM, agency=agency_a, year=2026, population=600_000, source="test")
    _geography(agency_a, random.Random(1))
    officers = build_roster(agency=agency_a, seed=3, per_district=16)
    assert len(officers) == Officer.objects.filter(agency=agency_a).count() > 80
    assert build_roster(agency=agency_a, seed=3, per_district=16) == sorted(officers, key=lambda o: o.employee_id)
    assert Assignment.objects.filter(agency=agency_a).count() >= len(officers)
    assert Assignment.objects.filter(agency=agency_a, ended__isnull=False).exists()  # some transfers
    risks = [officer_risk(o) for o in officers]
    assert 0.6 < sum(risks) / len(risks) < 1.5 and max(risks) > 2 * min(risks)


def test_command_staff_accounts_are_on_the_roster_so_the_wall_knows_them(agency_a: Any) -> None:
    from safecity.conftest import make_persona
    from safecity.core import actions
    from safecity.core.actors import SYSTEM
    from safecity.core.roles import Role
    from safecity.demo.policing import _command_staff
    from safecity.policing import selectors

    actions.agency_population_set(actor=SYSTEM, agency=agency_a, year=2026, population=600_000, source="test")
    _geography(agency_a, random.Random(1))
    assert build_roster(agency=agency_a, seed=3, per_district=4)
    admin = make_persona("admin", agency_a, Role.ADMIN)
    make_persona("chief", agency_a, Role.COMMAND)
    assert {a.user.username for a in selectors.unlinked_cleared_accounts(user=admin, agency=agency_a)} == {
        "admin", "chief"}
    _command_staff(agency_a)
    _command_staff(agency_a)  # idempotent
    assert selectors.unlinked_cleared_accounts(user=admin, agency=agency_a) == []
    assert Officer.objects.get(agency=agency_a, user__username="chief").rank == "chief"
