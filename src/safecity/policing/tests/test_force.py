"""Use of force: the derived FBI reportability, one audited action per incident, the FBI month file against its
schema (exact counts, the zero report), the public-safe summary, and the walls between agencies and roles."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from safecity.conftest import verified_client
from safecity.core.actors import SYSTEM
from safecity.core.models import AuditEvent
from safecity.core.roles import Role
from safecity.incidents.codes import current_codes, load_code_table
from safecity.policing import actions, fbi, selectors
from safecity.policing.identity import officer_hash
from safecity.policing.models import OfficerEvent, UseOfForceIncident
from safecity.policing.tests.factories import make_officer, make_unit
from safecity.policing.tests.factories_force import at, make_force

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def code_table(db: Any) -> None:
    if not current_codes():
        load_code_table()


@pytest.mark.parametrize(("injury", "firearm", "expected"), [
    ("none", False, False), ("minor", False, False), ("serious", False, True), ("death", False, True),
    ("none", True, True),
])
def test_fbi_reportable_is_death_serious_injury_or_firearm_discharge(agency_a: Any, injury: str, firearm: bool,
                                                                      expected: bool) -> None:
    inc = make_force(agency_a, make_officer(agency_a), injury=injury, firearm=firearm)
    assert inc.fbi_reportable is expected
    assert inc.worst_injury == injury


def test_one_action_writes_the_incident_its_subjects_officers_and_dispatch_links(agency_a: Any) -> None:
    o1, o2 = make_officer(agency_a), make_officer(agency_a)
    before = AuditEvent.objects.filter(action="force.create").count()
    inc = actions.force_incident_create(
        actor=SYSTEM, agency=agency_a, case_number="UOF-1", occurred_at=at("2025-05-01 22:15"),
        most_serious_offense="13a", reason_for_contact="call_for_service",
        subjects=[{"sex": "male", "race": "white", "injury": "minor", "force_types": ["ecw"]},
                  {"sex": "female", "race": "black", "injury": "serious", "force_types": ["takedown"]}],
        officers=[{"officer": o1, "force_types": ["ecw"]}, {"officer": o2, "force_types": ["takedown", "hands"],
                                                            "on_duty": False}])
    assert AuditEvent.objects.filter(action="force.create").count() == before + 1
    assert (inc.most_serious_offense, inc.officers_applying_force, inc.worst_injury) == ("13A", 2, "serious")
    assert inc.force_types_text == ",ecw,hands,takedown,"
    assert [s.sequence for s in inc.subjects.all()] == [1, 2]
    events = OfficerEvent.objects.filter(force_incident=inc).order_by("officer__employee_id")
    assert [(e.officer_id, e.kind, e.on_duty) for e in events] == [(o1.pk, "force", True), (o2.pk, "force", False)]


def test_update_replaces_subjects_and_officers_and_rederives(agency_a: Any) -> None:
    o1, o2 = make_officer(agency_a), make_officer(agency_a)
    inc = make_force(agency_a, o1, injury="minor")
    actions.force_incident_update(actor=SYSTEM, force_incident=inc, officers=[
        {"officer": o2, "force_types": ["firearm"], "firearm_discharged": True}])
    inc.refresh_from_db()
    assert inc.fbi_reportable and [o.officer for o in inc.officers.all()] == [o2]
    assert list(OfficerEvent.objects.filter(force_incident=inc).values_list("officer_id", flat=True)) == [o2.pk]
    assert inc.subjects.count() == 1  # subjects kept when not given


def test_bad_input_is_refused_naming_each_field(agency_a: Any, agency_b: Any) -> None:
    foreign = make_officer(agency_b)
    with pytest.raises(ValidationError) as err:
        actions.force_incident_create(
            actor=SYSTEM, agency=agency_a, case_number="", occurred_at=at("2025-01-01 10:00"),
            most_serious_offense="99Z", subjects=[{"injury": "broken", "force_types": ["lasso"]}],
            officers=[{"officer": foreign}])
    assert set(err.value.message_dict) >= {"case_number", "most_serious_offense", "subjects[1].injury",
                                           "subjects[1].force_types", "officers[1].officer"}
    assert "99Z" in err.value.message_dict["most_serious_offense"][0]
    assert not UseOfForceIncident.objects.exists()


def _fixture_month(agency: Any) -> tuple[Any, Any]:
    unit = make_unit(agency)
    o1 = make_officer(agency, unit=unit, first_name="Zed", last_name="Secretname", badge_number="7777", sex="male",
                      race="white", birth_year=1985)
    o2 = make_officer(agency, unit=unit, last_name="Other")
    make_force(agency, [o1, o2], when="2025-03-02 01:00", injury="death", case_number="A-1",
               most_serious_offense="13A", location="100 Block Main St", location_type="street")
    make_force(agency, o1, when="2025-03-20 18:30", injury="none", firearm=True, case_number="A-2")
    make_force(agency, o2, when="2025-03-25 09:00", injury="minor", case_number="A-3")  # not reportable
    make_force(agency, o1, when="2025-04-01 00:05", injury="serious", case_number="A-4")  # next month
    return o1, o2


def test_fbi_month_has_exactly_the_reportable_incidents_and_conforms_to_the_schema(agency_a: Any,
                                                                                   alice_admin: Any) -> None:
    _fixture_month(agency_a)
    doc = selectors.fbi_month(user=alice_admin, ori=agency_a.ori, year=2025, month=3)
    assert fbi.validate(doc) == []
    assert [d["Incident"]["agency_case_number"] for d in doc] == ["A-1", "A-2"]
    first = doc[0]["Incident"]
    assert (first["agency_ori"], first["incident_date"], first["incident_time"]) == (agency_a.ori, "03/02/2025",
                                                                                     "01:00")
    assert (first["subjects_died"], first["subjects_seriously_injured"], first["total_officers_applying_force"]) == \
        (1, 0, 2)
    assert first["most_serious_offense"] == ["13A"] and first["location"]["location_type"] == "street"
    assert first["Officer"][0]["age"] == 2025 - 1985
    assert doc[1]["Incident"]["Officer"][0]["firearm_discharged"] is True
    text = json.dumps(doc)
    assert "Secretname" not in text and "7777" not in text and "Zed" not in text  # attributes, not names


def test_a_month_without_reportable_incidents_gets_one_zero_report(agency_a: Any, alice_admin: Any) -> None:
    _fixture_month(agency_a)
    doc = selectors.fbi_month(user=alice_admin, ori=agency_a.ori, year=2025, month=2)
    assert fbi.validate(doc) == []
    assert len(doc) == 1 and doc[0]["ZeroReport"] == {"agency_ori": agency_a.ori, "year": 2025, "month": 2}
    assert doc[0]["Action"] == "Add" and re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d:\d\d", doc[0]["ActionTime"])


def test_the_schema_refuses_what_the_collection_would(agency_a: Any, alice_admin: Any) -> None:
    _fixture_month(agency_a)
    doc = selectors.fbi_month(user=alice_admin, ori=agency_a.ori, year=2025, month=3)
    bad = json.loads(json.dumps(doc))
    bad[0]["Incident"]["agency_ori"] = "ZZ00001"  # 7 characters
    del bad[1]["Incident"]["Subject"]
    problems = fbi.validate(bad)
    assert problems and any("ZZ00001" in p for p in problems) and any("Subject" in p for p in problems)
    assert fbi.validate([]) != []  # an empty month must be a zero report, not nothing


def test_public_summary_suppresses_small_cells_and_names_officers_only_by_hash(agency_a: Any,
                                                                              alice_admin: Any) -> None:
    officer = make_officer(agency_a, last_name="Hidden", badge_number="4242")
    for n in range(6):
        make_force(agency_a, officer, when=f"2025-06-{n + 1:02d} 10:00", injury="minor")
    other = make_officer(agency_a, last_name="Rare")
    make_force(agency_a, other, when="2025-06-20 10:00", injury="death")
    result = selectors.public_summary(user=alice_admin)
    assert (result.incidents, result.reportable) == (7, 1)
    injuries = {c.label: c.count for c in result.by_injury}
    assert injuries == {"Minor injury": 6, "Death": None}  # 1 < 5: suppressed
    assert {c.label: c.count for c in result.by_month} == {"2025-06": 7}
    officers = {c.label: c.count for c in result.by_officer}
    assert officers == {officer_hash(officer): 6, officer_hash(other): None}
    assert all(re.fullmatch(r"[0-9a-f]{16}", k) for k in officers)
    client = verified_client(alice_admin)
    csv = client.get("/m/policing/force/summary.csv").content.decode()
    assert "Hidden" not in csv and "4242" not in csv and "<5" in csv and officer_hash(officer) in csv
    api = client.get("/api/v1/policing/force/summary").json()
    assert {r["group"]: r["incidents"] for t in api["tables"] if t["key"] == "injury" for r in t["rows"]} == \
        {"Minor injury": 6, "Death": None}


def test_form_creates_an_incident_with_officers_by_badge_and_reports_bad_lines(agency_a: Any, persona: Any) -> None:
    make_officer(agency_a, employee_id="E900", badge_number="B900")
    make_officer(agency_a, employee_id="E901", badge_number="B901")
    client = verified_client(persona(Role.COMMAND))
    post = {"agency": agency_a.ori, "case_number": "F-1", "occurred_at": "2025-02-03T04:05",
            "most_serious_offense": "13b", "officers": "B900 hands takedown injured\nE901 firearm firearm-discharged",
            "s1_sex": "male", "s1_race": "black", "s1_injury": "minor", "s1_force_types": ["hands", "takedown"]}
    reply = client.post("/m/policing/force/new/", post)
    assert reply.status_code == 302, reply.content.decode()[:2000]
    inc = UseOfForceIncident.objects.get(case_number="F-1")
    assert inc.fbi_reportable and inc.most_serious_offense == "13B"
    assert sorted((o.officer.employee_id, o.injured, o.firearm_discharged) for o in inc.officers.all()) == [
        ("E900", True, False), ("E901", False, True)]
    bad = client.post("/m/policing/force/new/", {**post, "case_number": "F-2", "officers": "NOPE hands\nB900 lasso",
                                                 "most_serious_offense": "ZZZ"})
    text = bad.content.decode()
    assert bad.status_code == 400
    assert "Line 1: no officer" in text and "Line 2: &#x27;lasso&#x27;" in text
    assert not UseOfForceIncident.objects.filter(case_number="F-2").exists()
    edit = client.get(f"/m/policing/force/{inc.public_id}/edit/")
    assert edit.status_code == 200 and "E900 hands takedown injured" in edit.content.decode()


def test_agencies_do_not_see_each_others_uses_of_force(agency_a: Any, agency_b: Any, persona: Any) -> None:
    mine = make_force(agency_a, make_officer(agency_a), case_number="MINE-1", injury="death")
    theirs = make_force(agency_b, make_officer(agency_b), case_number="THEIRS-1", injury="death")
    client = verified_client(persona(Role.COMMAND))
    page = client.get("/m/policing/force/").content.decode()
    assert "MINE-1" in page and "THEIRS-1" not in page
    assert client.get(f"/m/policing/force/{mine.public_id}/").status_code == 200
    for url in (f"/m/policing/force/{theirs.public_id}/", f"/m/policing/force/{theirs.public_id}/edit/",
                "/m/policing/force/00000000-0000-4000-8000-000000000000/"):
        assert client.get(url).status_code == 404
    csv = b"".join(client.get("/m/policing/force/export.csv").streaming_content).decode()
    assert "MINE-1" in csv and "THEIRS-1" not in csv
    api = client.get("/api/v1/policing/force/").json()
    assert [i["case_number"] for i in api["items"]] == ["MINE-1"]
    assert client.get(f"/api/v1/policing/force/{theirs.public_id}").status_code == 404
    detail = client.get(f"/api/v1/policing/force/{mine.public_id}").json()
    assert detail["subjects"][0]["injury"] == "death" and len(detail["officers"]) == 1
    assert client.get(f"/m/policing/force/fbi/?agency={agency_b.ori}&month=2025-03").status_code == 400
    assert client.get(f"/api/v1/policing/force/fbi?agency={agency_b.ori}&month=2025-03").status_code == 422
    own = client.get(f"/api/v1/policing/force/fbi?agency={agency_a.ori}&month=2025-03")
    assert own.status_code == 200 and [d["Incident"]["agency_case_number"] for d in own.json()] == ["MINE-1"]
    summary = client.get("/m/policing/force/summary/").content.decode()
    assert "1 use-of-force incident you may see" in summary


@pytest.mark.parametrize(("role", "list_code", "create_code", "fbi_code"), [
    (Role.ADMIN, 200, 200, 200), (Role.COMMAND, 200, 200, 200), (Role.ANALYST, 200, 403, 200),
    (Role.OVERSIGHT, 200, 403, 200), (Role.OFFICER, 403, 403, 403), (Role.PUBLIC, 403, 403, 403),
])
def test_who_may_see_record_and_export_uses_of_force(agency_a: Any, persona: Any, role: str, list_code: int,
                                                     create_code: int, fbi_code: int) -> None:
    client = verified_client(persona(role))
    assert client.get("/m/policing/force/").status_code == list_code
    assert client.get("/m/policing/force/new/").status_code == create_code
    assert client.get(f"/m/policing/force/fbi/?agency={agency_a.ori}&month=2025-03").status_code == fbi_code


def test_bulk_create_refuses_the_batch_naming_the_bad_incident(agency_a: Any) -> None:
    officer = make_officer(agency_a)
    good = {"case_number": "B-1", "occurred_at": at("2025-01-01 10:00"),
            "subjects": [{"injury": "none"}], "officers": [{"officer": officer}]}
    with pytest.raises(ValidationError) as err:
        actions.force_incidents_bulk_create(actor=SYSTEM, agency=agency_a, incidents=[
            good, {**good, "case_number": "B-1"}])
    assert list(err.value.message_dict) == ["incident 2 (B-1).case_number"]
    assert not UseOfForceIncident.objects.exists()
    assert actions.force_incidents_bulk_create(actor=SYSTEM, agency=agency_a, incidents=[good]) == 1
    assert OfficerEvent.objects.filter(force_incident__case_number="B-1", officer=officer).count() == 1


def test_dashboard_tile_counts_months(agency_a: Any, alice_admin: Any) -> None:
    import datetime as dt

    from django.template.loader import render_to_string

    officer = make_officer(agency_a)
    make_force(agency_a, officer, when="2025-05-03 10:00", injury="death")
    make_force(agency_a, officer, when="2025-05-20 10:00")
    make_force(agency_a, officer, when="2025-07-01 10:00")
    make_force(agency_a, officer, when="2024-05-01 10:00")  # outside the 12 months
    tile = selectors.dashboard_force(user=alice_admin, today=dt.date(2025, 7, 15))
    assert (tile.total, tile.reportable, len(tile.months)) == (3, 1, 12)
    assert tile.months[0][0] == "2024-08" and dict((m, (n, r)) for m, n, r in tile.months)["2025-05"] == (2, 1)
    html = render_to_string("policing/tiles/force.html", {"force_tile": tile})
    assert "<caption>Uses of force by month</caption>" in html and "2025-05" in html


def test_fbi_export_names_bad_parameters(agency_a: Any, alice_admin: Any) -> None:
    client = verified_client(alice_admin)
    missing = client.get("/api/v1/policing/force/fbi?month=2025-03")
    assert missing.status_code == 422 and "agency" in missing.content.decode()
    assert client.get(f"/api/v1/policing/force/fbi?agency={agency_a.ori}&month=March").status_code == 422
    page = client.get(f"/m/policing/force/fbi/?agency={agency_a.ori}&month=2025-13")
    assert page.status_code == 400 and "YYYY-MM" in page.content.decode()
    ok = client.get(f"/m/policing/force/fbi/?agency={agency_a.ori}&month=2025-03")
    assert ok.status_code == 200 and ok["Content-Type"] == "application/json"
    assert json.loads(ok.content)[0]["ZeroReport"]["month"] == 3
    event = AuditEvent.objects.filter(action="export", object_type="policing.useofforceincident.fbi").get()
    assert event.extra == {"rows": 0, "format": "json"}  # a zero report: no incident rows
