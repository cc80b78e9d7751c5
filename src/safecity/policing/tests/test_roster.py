"""The roster: officers and units through actions, assignment history, and the kit's walls between agencies."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from safecity.conftest import verified_client
from safecity.core.actors import SYSTEM
from safecity.core.models import AuditEvent
from safecity.core.roles import Role
from safecity.policing import actions, selectors
from safecity.policing.tests.factories import make_officer, make_unit

pytestmark = pytest.mark.django_db


def test_reassignment_closes_the_open_assignment_and_moves_the_officer(agency_a: Any, alice_admin: Any) -> None:
    patrol, gang = make_unit(agency_a), make_unit(agency_a, code="GANG", name="Gang Unit")
    officer = make_officer(agency_a, unit=patrol, hire_date=dt.date(2018, 1, 8))
    actions.assignment_start(actor=alice_admin, officer=officer, unit=gang, started=dt.date(2021, 6, 1),
                             rank="sergeant")
    history = list(selectors.assignment_history(user=alice_admin, officer=officer))
    assert [(a.unit.code, a.started, a.ended) for a in history] == [
        ("GANG", dt.date(2021, 6, 1), None), ("PATROL1", dt.date(2018, 1, 8), dt.date(2021, 5, 31))]
    officer.refresh_from_db()
    assert (officer.unit, officer.rank) == (gang, "sergeant")
    assert selectors.unit_on(user=alice_admin, officer=officer, day=dt.date(2021, 5, 31)) == patrol
    assert selectors.unit_on(user=alice_admin, officer=officer, day=dt.date(2017, 1, 1)) is None
    assert AuditEvent.objects.filter(action="assignment.start").count() == 1


def test_reassignment_before_the_current_one_is_refused_naming_the_field(agency_a: Any) -> None:
    officer = make_officer(agency_a, unit=make_unit(agency_a), hire_date=dt.date(2020, 1, 1))
    with pytest.raises(ValidationError) as err:
        actions.assignment_start(actor=SYSTEM, officer=officer, unit=make_unit(agency_a, code="X", name="X"),
                                 started=dt.date(2019, 1, 1))
    assert "started" in err.value.message_dict


def test_duplicate_employee_id_and_foreign_unit_are_refused(agency_a: Any, agency_b: Any) -> None:
    make_officer(agency_a, employee_id="E1")
    with pytest.raises(ValidationError) as err:
        make_officer(agency_a, employee_id="E1", unit=make_unit(agency_b))
    assert set(err.value.message_dict) == {"employee_id", "unit"}


def test_roster_pages_csv_and_api_show_only_the_users_agency(agency_a: Any, agency_b: Any, persona: Any) -> None:
    mine = make_officer(agency_a, last_name="Mine")
    theirs = make_officer(agency_b, last_name="Theirs")
    command = persona(Role.COMMAND)
    client = verified_client(command)
    page = client.get("/m/policing/officers/")
    assert page.status_code == 200 and "Mine" in page.content.decode() and "Theirs" not in page.content.decode()
    assert client.get(f"/m/policing/officers/{mine.public_id}/").status_code == 200
    assert client.get(f"/m/policing/officers/{theirs.public_id}/").status_code == 404
    assert client.get(f"/m/policing/officers/{theirs.public_id}/edit/").status_code == 404
    csv = b"".join(client.get("/m/policing/officers/export.csv").streaming_content).decode()
    assert "Mine" in csv and "Theirs" not in csv
    api = client.get("/api/v1/policing/officers/").json()
    assert [o["last_name"] for o in api["items"]] == ["Mine"]
    assert client.get(f"/api/v1/policing/officers/{theirs.public_id}").status_code == 404


def test_roster_form_reports_bad_input_on_the_field(agency_a: Any, persona: Any) -> None:
    client = verified_client(persona(Role.ADMIN))
    make_officer(agency_a, employee_id="E77")
    reply = client.post("/m/policing/officers/new/", {"agency": agency_a.ori, "employee_id": "E77",
                                                        "first_name": "A", "last_name": "B", "rank": "officer"})
    assert reply.status_code == 400  # the kit answers a refused form with 400 and the form again
    assert "already has an officer with that employee id" in reply.content.decode()
