"""Training: the requirement rule pack, the compliance report through actions and selectors, its pages, CSV
and API, and the walls between agencies and roles."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from safecity.conftest import verified_client
from safecity.core import actions as core_actions
from safecity.core import rules
from safecity.core.actors import SYSTEM
from safecity.core.models import AuditEvent
from safecity.core.roles import Role
from safecity.policing import actions, selectors
from safecity.policing.identity import officer_hash
from safecity.policing.models import Attendance
from safecity.policing.tests.factories import make_officer, make_unit
from safecity.policing.tests.factories_training import complete, make_course
from safecity.policing.training_rules import TRAINING_PACK, all_requirements, requirement_for

pytestmark = pytest.mark.django_db
D = dt.date
AS_OF = D(2026, 6, 30)


def test_shipped_pack_reads_and_unverified_rules_are_not_presented_as_verified() -> None:
    found = {(r.key, r.effective_from): r for r in all_requirements(TRAINING_PACK.load())}
    nc = found["NC-inservice", D(2020, 1, 1)]
    assert (nc.state, nc.requirement.min_hours, nc.requirement.period_months, nc.status) == ("NC", 24, 12, "verified")
    assert [(sorted(m.topics), m.hours) for m in nc.requirement.topic_minimums] == [(["firearms"], 4)]
    # Texas and Florida were checked against their statutes' words (Occ. Code 1701.351(a), F.S. 943.135(1)).
    tx, fl = requirement_for("TX", AS_OF), requirement_for("FL", AS_OF)
    assert tx is not None and fl is not None
    assert (tx.requirement.min_hours, tx.requirement.period_months, tx.status, tx.review_reason) == (
        40, 24, "verified", "")
    assert "1701.351(a)" in tx.citation and "capitol.texas.gov" in tx.citation
    assert (fl.requirement.min_hours, fl.requirement.period_months, fl.status, fl.review_reason) == (
        40, 48, "verified", "")
    assert "943.135(1)" in fl.citation and "leg.state.fl.us" in fl.citation
    # California: POST's perishable-skills hours from 2025 (use of force 4 h), Regulation 1005(d) itself unread.
    ca = requirement_for("CA", AS_OF)
    assert ca is not None and (ca.requirement.min_hours, ca.requirement.period_months) == (24, 24)
    assert {(tuple(sorted(m.topics)), m.hours) for m in ca.requirement.topic_minimums} == {
        (("firearms",), 4), (("driving",), 4), (("arrest_control",), 4), (("communications",), 2),
        (("use_of_force",), 4)}
    before = requirement_for("CA", D(2024, 6, 30))
    assert before is not None and before.effective_to == D(2024, 12, 31) and before.status == "needs-review"
    for rule in (ca, before, found["ZZ-demo", D(2020, 1, 1)]):  # unread regulation, disputed period, fictional
        assert rule.status != "verified" and rule.review_reason
    assert requirement_for("NC", AS_OF) is not None and requirement_for("WY", AS_OF) is None


def _pack(tmp_path: Path, text: str) -> rules.RulePack:
    path = tmp_path / "training.toml"
    path.write_text(text, encoding="utf-8")
    return rules.load_pack(path, name="test.training", title="t", key="key")


SWITCH = """
[[rule]]
key = "ZZ-old"
state = "ZZ"
name = "old"
period_months = 12
period_model = "rolling"
min_hours = 12
topic_hours = ""
effective_from = 2020-01-01
effective_to = 2026-06-30
citation = "test"
status = "verified"

[[rule]]
key = "ZZ-new"
state = "ZZ"
name = "new"
period_months = 12
period_model = "rolling"
min_hours = 24
topic_hours = "firearms: 4"
effective_from = 2026-07-01
citation = "test"
status = "verified"
"""


def test_the_rule_in_force_on_the_as_of_date_applies(agency_a: Any, alice_admin: Any, tmp_path: Path) -> None:
    pack = _pack(tmp_path, SWITCH)
    officer = make_officer(agency_a)
    complete(officer, make_course(agency_a, code="LEG", topic="legal_updates"), D(2026, 3, 1), hours="16")
    before = selectors.compliance_report(user=alice_admin, agency=agency_a, as_of=D(2026, 6, 30), pack=pack)
    after = selectors.compliance_report(user=alice_admin, agency=agency_a, as_of=D(2026, 7, 1), pack=pack)
    assert before.rule is not None and after.rule is not None
    assert (before.rule.key, before.officers[0].result.compliant) == ("ZZ-old", True)  # 16 ≥ 12
    assert (after.rule.key, after.officers[0].result.compliant, after.officers[0].result.hours_short) == \
        ("ZZ-new", False, 8)  # 16 of 24, no firearms: total gap 8 > topic gap 4


def test_a_bad_rule_is_refused_naming_rule_and_field(tmp_path: Path) -> None:
    pack = _pack(tmp_path, SWITCH.replace('topic_hours = "firearms: 4"', 'topic_hours = "archery: 4"'))
    with pytest.raises(ValueError, match="rule 'ZZ-new': topic_hours: unknown topic archery"):
        requirement_for("ZZ", D(2026, 7, 1), pack=pack)


@pytest.fixture
def roster(agency_a: Any) -> dict[str, Any]:
    """Under ZZ-demo (rolling 12 months, 24 h, firearms 4 h, de-escalation 2 h), on 2026-06-30:
    exact: 18 + 4 firearms + 2 de-escalation = 24 exactly, the 18 h completed 2025-07-01 (first day counted)
           → compliant, lapses 2026-07-01;
    short: 4 firearms + 2 de-escalation + 10 = 16 → short 8; its 20 h failed course does not count;
    old:   30 h completed 2025-06-30, one day before the window → 0 counted, short 24;
    gone:  separated, left out of the report."""
    patrol, traffic = make_unit(agency_a), make_unit(agency_a, code="TRF", name="Traffic")
    fa = make_course(agency_a, "FA-QUAL", "firearms", "4")
    de = make_course(agency_a, "DE-REF", "de_escalation", "2")
    other = make_course(agency_a, "LEG", "legal_updates", "4")
    exact = make_officer(agency_a, unit=patrol, last_name="Exact")
    short = make_officer(agency_a, unit=patrol, last_name="Short")
    old = make_officer(agency_a, unit=traffic, last_name="Old")
    gone = make_officer(agency_a, unit=traffic, last_name="Gone")
    complete(exact, other, D(2025, 7, 1), hours="18")
    complete(exact, fa, D(2026, 1, 5))
    complete(exact, de, D(2026, 2, 5))
    complete(short, fa, D(2026, 1, 5))
    complete(short, de, D(2026, 2, 5))
    complete(short, other, D(2026, 3, 5), hours="10")
    complete(short, other, D(2026, 4, 5), hours="20", passed=False, score=40)
    complete(old, other, D(2025, 6, 30), hours="30")
    complete(gone, other, D(2026, 1, 1), hours="40")
    actions.officer_update(actor=SYSTEM, officer=gone, status="separated", separation_date=D(2026, 5, 1))
    return {"exact": exact, "short": short, "old": old, "patrol": patrol}


def test_compliance_report_known_answers(agency_a: Any, alice_admin: Any, roster: dict[str, Any]) -> None:
    report = selectors.compliance_report(user=alice_admin, agency=agency_a, as_of=AS_OF)
    assert report.rule is not None and report.rule.key == "ZZ-demo"
    got = {r.officer.last_name: (r.result.completed, r.result.compliant, r.result.hours_short, r.result.lapses_on)
           for r in report.officers}
    assert got == {"Exact": (24, True, 0, D(2026, 7, 1)), "Short": (16, False, 8, None),
                   "Old": (0, False, 24, None)}
    old = next(r for r in report.officers if r.officer.last_name == "Old")
    assert [(t.label, t.short) for t in old.result.topics] == [("firearms", 4), ("de_escalation", 2)]
    units = {u.label: (u.officers, u.compliant, u.percent_compliant) for u in report.units}
    assert units == {"First Patrol (PATROL1)": (2, 1, 50.0), "Traffic (TRF)": (1, 0, 0.0)}
    assert report.total is not None and (report.total.officers, report.total.compliant) == (3, 1)
    assert report.lapsing_within_60_days == 1
    next_day = selectors.compliance_report(user=alice_admin, agency=agency_a, as_of=D(2026, 7, 1))
    assert {r.officer.last_name: r.result.compliant for r in next_day.officers}["Exact"] is False
    # Before Gone separated (2026-05-01) the report includes them; Old's 30 h still count but hold no
    # firearms or de-escalation hours: short 4 + 2 = 6; Short's failed course (2026-04-05) is still ahead.
    april = selectors.compliance_report(user=alice_admin, agency=agency_a, as_of=D(2026, 4, 1))
    assert {r.officer.last_name: (r.result.completed, r.result.compliant, r.result.hours_short)
            for r in april.officers} == {"Exact": (24, True, 0), "Short": (16, False, 8), "Old": (30, False, 6),
                                         "Gone": (40, False, 6)}


def test_agency_without_a_rule_says_so(alice_admin: Any) -> None:
    wy = core_actions.agency_create(actor=SYSTEM, ori="WY0000001", name="Wy PD", agency_type="police",
                                    jurisdiction="W", state="WY")
    report = selectors.compliance_report(user=alice_admin, agency=wy, as_of=AS_OF)
    assert report.rule is None and report.officers == []


def test_compliance_page_csv_and_api(agency_a: Any, agency_b: Any, persona: Any, roster: dict[str, Any]) -> None:
    make_officer(agency_b, last_name="Theirs")
    client = verified_client(persona(Role.OVERSIGHT))
    page = client.get("/m/policing/training/", {"as_of": "2026-06-30"})
    body = page.content.decode()
    assert page.status_code == 200 and "1 of 3 officers compliant (33.3%)" in body and "Theirs" not in body
    assert "lapses 2026-07-01" in body and "Needs review" in body  # ZZ-demo is a fictional, unverified rule
    assert "at least 2 h in De-escalation" in body and "de_escalation" not in body  # topics in words
    only_out = client.get("/m/policing/training/", {"as_of": "2026-06-30", "out_only": "true", "sort": "-short"})
    text = only_out.content.decode()
    assert "Exact" not in text and text.index("Old") < text.index("Short")  # 24 short before 8 short
    bad = client.get("/m/policing/training/", {"as_of": "2026-13-01"})
    assert bad.status_code == 400 and "as_of: &#x27;2026-13-01&#x27; is not a date" in bad.content.decode()
    assert client.get("/m/policing/training/", {"agency": agency_b.ori}).status_code == 400
    csv = client.get("/m/policing/training/compliance.csv", {"as_of": "2026-06-30"}).content.decode()
    lines = csv.splitlines()
    assert lines[0].startswith("# Training compliance of Alpha") and "ZZ-demo" in lines[1]
    exact = roster["exact"]
    row = next(line for line in lines if exact.employee_id in line)
    assert officer_hash(exact) in row and ",24.0,24.0,0.0,," in row and ",True,2026-07-01," in row
    assert "Theirs" not in csv
    event = AuditEvent.objects.filter(action="export", object_type="policing.training_compliance").get()
    assert event.extra["rows"] == 3
    api = client.get("/api/v1/policing/training/compliance", {"as_of": "2026-06-30", "out_only": "true"})
    data = api.json()
    assert api.status_code == 200 and data["rule"]["key"] == "ZZ-demo" and data["rule"]["status"] == "needs-review"
    assert sorted(o["hours_short"] for o in data["officers"]) == [8, 24]
    assert data["total"]["percent_compliant"] == 33.3
    refused = client.get("/api/v1/policing/training/compliance", {"as_of": "tomorrow", "agency": agency_b.ori})
    assert refused.status_code == 422
    assert "as_of" in refused.content.decode() and "agency" in refused.content.decode()


def test_roles_on_the_report_and_courses(agency_a: Any, persona: Any) -> None:
    officer_role = verified_client(persona(Role.OFFICER))
    assert officer_role.get("/m/policing/training/").status_code == 403
    assert officer_role.get("/api/v1/policing/training/compliance").status_code == 403
    analyst = verified_client(persona(Role.ANALYST))
    assert analyst.get("/m/policing/training/courses/").status_code == 200
    assert analyst.get("/m/policing/training/courses/new/").status_code == 403
    command = verified_client(persona(Role.COMMAND))
    made = command.post("/m/policing/training/courses/new/", {
        "agency": agency_a.ori, "code": "bias", "title": "Implicit bias", "topic": "implicit_bias", "hours": "4",
        "delivery": "classroom"})
    assert made.status_code == 302
    dup = command.post("/m/policing/training/courses/new/", {
        "agency": agency_a.ori, "code": "BIAS", "title": "Again", "topic": "implicit_bias", "hours": "4",
        "delivery": "classroom"})
    assert dup.status_code == 400 and "already has a course with that code" in dup.content.decode()


def test_training_records_stay_inside_their_agency(agency_a: Any, agency_b: Any, persona: Any) -> None:
    mine = make_course(agency_a, "MINE", "firearms")
    theirs = make_course(agency_b, "THEIRS", "firearms")
    their_att = complete(make_officer(agency_b), theirs, D(2026, 1, 2))
    my_att = complete(make_officer(agency_a), mine, D(2026, 1, 2))
    client = verified_client(persona(Role.COMMAND))
    listing = client.get("/m/policing/training/courses/").content.decode()
    assert "MINE" in listing and "THEIRS" not in listing
    assert client.get(f"/m/policing/training/courses/{theirs.public_id}/").status_code == 404
    assert client.get(f"/m/policing/training/courses/{theirs.public_id}/edit/").status_code == 404
    assert client.get(f"/m/policing/training/attendance/{their_att.public_id}/").status_code == 404
    assert client.get(f"/m/policing/training/attendance/{my_att.public_id}/").status_code == 200
    csv = b"".join(client.get("/m/policing/training/attendance/export.csv").streaming_content).decode()
    assert "MINE" in csv and "THEIRS" not in csv
    api = client.get("/api/v1/policing/training/courses/").json()
    assert [c["code"] for c in api["items"]] == ["MINE"]
    assert client.get(f"/api/v1/policing/training/courses/{theirs.public_id}").status_code == 404
    assert client.get(f"/api/v1/policing/training/attendance/{their_att.public_id}").status_code == 404
    assert client.get("/api/v1/policing/training/attendance/", {"course": "THEIRS"}).status_code == 422


def test_attendance_filters_and_bad_input(agency_a: Any, persona: Any) -> None:
    fa, leg = make_course(agency_a, "FA", "firearms"), make_course(agency_a, "LEG", "legal_updates")
    officer = make_officer(agency_a, employee_id="E9")
    complete(officer, fa, D(2026, 1, 2))
    complete(officer, leg, D(2026, 3, 2))
    client = verified_client(persona(Role.COMMAND))
    page = client.get("/m/policing/training/attendance/", {"course": "LEG"}).content.decode()
    assert "2026-03-02" in page and "2026-01-02" not in page
    api = client.get("/api/v1/policing/training/attendance/", {"completed_to": "2026-02-01", "officer": "E9"})
    assert [a["course"] for a in api.json()["items"]] == ["FA"]
    with pytest.raises(ValidationError) as err:
        complete(officer, fa, D(2026, 1, 2))
    assert "completed_on" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        complete(officer, make_course(persona(Role.ADMIN).home_agency, "X2", "firearms"), timezone.localdate()
                 + dt.timedelta(days=3), hours="0")
    assert {"completed_on", "hours"} <= set(err.value.message_dict)
    form = client.post("/m/policing/training/attendance/new/", {
        "employee_id": "NOPE", "course": str(fa.public_id), "completed_on": "2026-02-01", "passed": "on"})
    assert form.status_code == 400 and "No officer with this employee id" in form.content.decode()
    assert Attendance.objects.count() == 2


def test_dashboard_tile_and_course_page(agency_a: Any, agency_b: Any, persona: Any, roster: dict[str, Any]) -> None:
    from django.template.loader import render_to_string

    make_officer(agency_b, unit=make_unit(agency_b, code="BX", name="Bravo Unit"))
    command = persona(Role.COMMAND)
    tile = selectors.dashboard_training(user=command, as_of=AS_OF)
    assert [r.agency.ori for r in tile.reports] == [agency_a.ori]  # agency B's roster is not visible
    assert {u.label: u.percent_compliant for u in tile.reports[0].units} == {"First Patrol (PATROL1)": 50.0,
                                                                           "Traffic (TRF)": 0.0}
    html = render_to_string("policing/tiles/training.html", {"training": tile})
    assert "1 of 3 officers compliant (33.3%)" in html and "<caption>% of officers compliant per unit" in html
    course = selectors.course_list(user=command).get(code="FA-QUAL")
    actions.session_create(actor=SYSTEM, course=course, date=D(2026, 1, 5), instructor="Sgt. Range",
                           location="Range 2")
    page = verified_client(command).get(f"/m/policing/training/courses/{course.public_id}/").content.decode()
    assert "Sgt. Range" in page and "Sessions of this course, newest first: 1" in page
