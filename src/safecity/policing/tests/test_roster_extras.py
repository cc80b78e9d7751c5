"""Roster pages beyond the kit's: reassignment, the assignment history on the officer page, the units list,
and linking an officer to a user account of their own agency."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from safecity.conftest import make_persona, verified_client
from safecity.core.actors import SYSTEM
from safecity.core.roles import Role
from safecity.policing import actions
from safecity.policing.models import Assignment
from safecity.policing.tests.factories import make_officer, make_unit

pytestmark = pytest.mark.django_db


def test_reassign_page_moves_the_officer_and_the_history_shows_it(agency_a: Any, persona: Any) -> None:
    patrol, gang = make_unit(agency_a), make_unit(agency_a, code="GANG", name="Gang Unit")
    officer = make_officer(agency_a, unit=patrol, hire_date=dt.date(2018, 1, 8))
    client = verified_client(persona(Role.COMMAND))
    url = f"/m/policing/officers/{officer.public_id}/reassign/"
    assert client.get(url).status_code == 200
    early = client.post(url, {"unit": str(gang.public_id), "started": "2017-01-01", "rank": "sergeant"})
    assert early.status_code == 400 and "Must be after the current assignment began" in early.content.decode()
    done = client.post(url, {"unit": str(gang.public_id), "started": "2021-06-01", "rank": "sergeant",
                             "duty": "investigations"})
    assert done.status_code == 302
    page = client.get(f"/m/policing/officers/{officer.public_id}/").content.decode()
    assert "Gang Unit (GANG)" in page and "2021-05-31" in page and "2018-01-08" in page and "Reassign" in page
    assert Assignment.objects.filter(officer=officer).count() == 2
    analyst = verified_client(persona(Role.ANALYST))
    assert analyst.get(url).status_code == 403
    assert "Reassign</a>" not in analyst.get(f"/m/policing/officers/{officer.public_id}/").content.decode()


def test_reassigning_another_agencys_officer_is_404(agency_a: Any, agency_b: Any, persona: Any) -> None:
    theirs = make_officer(agency_b, unit=make_unit(agency_b))
    client = verified_client(persona(Role.COMMAND))
    assert client.get(f"/m/policing/officers/{theirs.public_id}/reassign/").status_code == 404
    mine = make_officer(agency_a, unit=make_unit(agency_a))
    foreign_unit = make_unit(agency_b, code="B2", name="B2")
    reply = client.post(f"/m/policing/officers/{mine.public_id}/reassign/",
                        {"unit": str(foreign_unit.public_id), "started": "2024-01-01", "rank": "officer"})
    assert reply.status_code == 400 and Assignment.objects.filter(officer=mine).count() == 1


def test_units_list_csv_and_api_are_per_agency(agency_a: Any, agency_b: Any, persona: Any) -> None:
    make_unit(agency_a, code="MINE", name="Mine Unit")
    theirs = make_unit(agency_b, code="THEIRS", name="Their Unit")
    client = verified_client(persona(Role.ANALYST))
    page = client.get("/m/policing/units/").content.decode()
    assert "Mine Unit" in page and "Their Unit" not in page
    csv = b"".join(client.get("/m/policing/units/export.csv").streaming_content).decode()
    assert "MINE" in csv and "THEIRS" not in csv
    assert [u["code"] for u in client.get("/api/v1/policing/units/").json()["items"]] == ["MINE"]
    assert client.get(f"/m/policing/units/{theirs.public_id}/").status_code == 404
    assert client.get(f"/api/v1/policing/units/{theirs.public_id}").status_code == 404
    assert verified_client(persona(Role.OFFICER)).get("/m/policing/units/").status_code == 403


def test_link_an_officer_to_an_account_of_their_own_agency(agency_a: Any, agency_b: Any, persona: Any) -> None:
    officer = make_officer(agency_a)
    own = make_persona("own_account", agency_a, Role.OFFICER)
    foreign = make_persona("foreign_account", agency_b, Role.OFFICER)
    admin = persona(Role.ADMIN)
    client = verified_client(admin)
    form = client.get(f"/m/policing/officers/{officer.public_id}/edit/").content.decode()
    assert "own_account" in form and "foreign_account" not in form  # the picker lists agency A's accounts only
    base = {"first_name": officer.first_name, "last_name": officer.last_name, "status": "active",
            "badge_number": officer.badge_number}
    refused = client.post(f"/m/policing/officers/{officer.public_id}/edit/", {**base, "account": str(foreign.pk)})
    assert refused.status_code == 400
    assert client.post(f"/m/policing/officers/{officer.public_id}/edit/",
                       {**base, "account": str(own.pk)}).status_code == 302
    officer.refresh_from_db()
    assert officer.user == own
    assert "own_account" in client.get(f"/m/policing/officers/{officer.public_id}/").content.decode()
    with pytest.raises(ValidationError) as err:  # the action refuses it too, whatever the form offered
        actions.officer_update(actor=SYSTEM, officer=officer, user=foreign)
    assert "user" in err.value.message_dict
    second = make_officer(agency_a)
    with pytest.raises(ValidationError, match="already linked"):
        actions.officer_update(actor=SYSTEM, officer=second, user=own)
