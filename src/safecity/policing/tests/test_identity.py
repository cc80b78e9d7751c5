"""The public officer id: stable, keyed per installation and agency, and never the name, badge or employee id."""

from __future__ import annotations

import re
from typing import Any

import pytest

from safecity.core import actions as core_actions
from safecity.core.actors import SYSTEM
from safecity.policing.identity import officer_hash, officer_hash_of
from safecity.policing.tests.factories import make_officer

pytestmark = pytest.mark.django_db


def test_stable_and_short_hex(agency_a: Any) -> None:
    officer = make_officer(agency_a, employee_id="E100", badge_number="4711", last_name="Rivera")
    first = officer_hash(officer)
    assert re.fullmatch(r"[0-9a-f]{16}", first)
    officer.refresh_from_db()
    assert officer_hash(officer) == first == officer_hash_of("zz0000001 ", " E100")  # case and spaces ignored


def test_differs_across_agencies_and_installations(agency_a: Any, agency_b: Any, settings: Any) -> None:
    here = officer_hash(make_officer(agency_a, employee_id="E100"))
    there = officer_hash(make_officer(agency_b, employee_id="E100"))
    assert here != there  # same employee id, another agency
    settings.SECRET_KEY = "another-installation-" + "x" * 40
    assert officer_hash_of(agency_a.ori, "E100") != here  # another installation's key
    settings.SAFECITY_OFFICER_ID_KEY = "a-key-kept-for-published-ids"
    keyed = officer_hash_of(agency_a.ori, "E100")
    settings.SECRET_KEY = "rotated-" + "y" * 40
    assert officer_hash_of(agency_a.ori, "E100") == keyed  # the dedicated key survives a SECRET_KEY rotation


def test_never_equals_or_contains_identifying_values(agency_a: Any) -> None:
    # Names hold letters outside 0-9a-f, so they can never appear; six-digit numbers could only by chance
    # (about 11 windows x 16^-6 per id), so a hit here means the id leaks the number.
    for n in range(50):
        officer = make_officer(agency_a, employee_id=f"{200000 + n}", badge_number=f"{100000 + n}",
                               last_name=f"Lee{n}", first_name="Ann")
        public = officer_hash(officer)
        for value in (officer.badge_number, officer.employee_id, officer.last_name.lower(), "ann"):
            assert value not in public and public != value


def test_agency_created_later_gets_its_own_ids() -> None:
    agency = core_actions.agency_create(actor=SYSTEM, ori="NC0000001", name="Test NC", agency_type="police",
                                        jurisdiction="T", state="NC")
    assert officer_hash(make_officer(agency, employee_id="1")) != officer_hash_of("ZZ0000001", "1")
