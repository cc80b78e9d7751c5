"""Body-worn cameras: activation compliance on fixtures with known answers (window edges included), the
retention schedule and purge-due list, purge and legal hold only through audited actions, walls and roles."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from safecity.conftest import verified_client
from safecity.core.actors import SYSTEM
from safecity.core.models import AuditEvent
from safecity.core.permissions import NotPermitted
from safecity.core.roles import Role
from safecity.incidents.tests.factories import make_incident
from safecity.policing import actions, compliance, selectors
from safecity.policing.models import Recording
from safecity.policing.retention import retention_until
from safecity.policing.tests.factories import make_officer, make_unit
from safecity.policing.tests.factories_force import (
    at,
    attend,
    make_camera,
    make_force,
    make_recording,
    make_stop,
)

pytestmark = pytest.mark.django_db
DAY = dt.date(2025, 3, 1)
RULE = compliance.WindowRule(before_minutes=2, after_minutes=2, default_minutes=10)


def T(hm: str) -> dt.datetime:  # noqa: N802 - a short name for a time on DAY keeps the tables readable
    return at(f"{DAY.isoformat()} {hm}")


# ---- the pure rule ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("recording", "expected"), [
    (("10:05", "10:20"), compliance.COMPLIANT),   # starts inside the window
    (("09:00", "09:58"), compliance.MISSED),      # ends exactly when the window starts (10:00 − 2 min): touching
    (("09:00", "09:59"), compliance.COMPLIANT),   # ends one minute inside
    (("10:12", "10:30"), compliance.MISSED),      # starts exactly when the window ends (10:00 + 10 + 2 min)
    (("10:11", "10:30"), compliance.COMPLIANT),
    (("08:00", "11:00"), compliance.COMPLIANT),   # covers the whole window
])
def test_window_edges(recording: tuple[str, str], expected: str) -> None:
    event = compliance.Event("e", 1, T("10:00"))
    status = compliance.assess([event], {1: [(T(recording[0]), T(recording[1]))]}, {1: [(T("00:00"), None)]}, RULE)
    assert status == {"e": expected}


def test_events_not_assessed_no_time_off_duty_no_camera() -> None:
    events = [compliance.Event("no-time", 1, None), compliance.Event("off", 1, T("10:00"), on_duty=False),
              compliance.Event("before-camera", 1, T("07:59")), compliance.Event("after-return", 1, T("12:00")),
              compliance.Event("on-scene-end", 1, T("10:00"), T("11:00"))]
    cameras = {1: [(T("08:00"), T("12:00"))]}  # returned at 12:00: an event starting then has no camera
    recordings = {1: [(T("11:01"), T("11:05"))]}  # inside [09:58, 11:02) only because of the on-scene end
    assert compliance.assess(events, recordings, cameras, RULE) == {
        "no-time": compliance.NO_TIME, "off": compliance.OFF_DUTY, "before-camera": compliance.NO_CAMERA,
        "after-return": compliance.NO_CAMERA, "on-scene-end": compliance.COMPLIANT}


def test_tally_counts_only_assessed_events() -> None:
    statuses = [compliance.COMPLIANT, compliance.MISSED, compliance.NO_TIME, compliance.COMPLIANT, compliance.NO_CAMERA]
    assert compliance.tally(statuses, ["a", "a", "a", "b", "b"]) == {"a": (1, 2), "b": (1, 1)}


# ---- the report on database fixtures --------------------------------------------------------------------

def _world(agency: Any) -> tuple[Any, Any]:
    """Officer A (unit P1, camera from 2025-01-01) and officer B (unit P2, camera from 2025-01-01)."""
    p1, p2 = make_unit(agency, code="P1", name="One"), make_unit(agency, code="P2", name="Two")
    a = make_officer(agency, unit=p1, last_name="Able", hire_date=dt.date(2015, 1, 1))
    b = make_officer(agency, unit=p2, last_name="Baker", hire_date=dt.date(2015, 1, 1))
    make_camera(agency, a, since="2025-01-01 00:00")
    make_camera(agency, b, since="2025-01-01 00:00")
    return a, b


def test_activation_report_known_answer(agency_a: Any, alice_admin: Any) -> None:
    a, b = _world(agency_a)
    # A: four stops; recorded, touching (missed), recorded, no time
    for hm, rec in (("10:00", ("10:05", "10:20")), ("12:00", ("11:50", "11:58")), ("14:00", ("13:50", "13:59"))):
        attend(agency_a, a, stop=make_stop(agency_a, a, day=DAY, time=dt.time.fromisoformat(hm)))
        make_recording(agency_a, a, f"2025-03-01 {rec[0]}", f"2025-03-01 {rec[1]}")
    attend(agency_a, a, stop=make_stop(agency_a, a, day=DAY, time=None))
    # A: an incident in April, not recorded
    incident = make_incident(agency_a, dt.date(2025, 4, 2), [("13A", [])], hour=9)
    attend(agency_a, a, incident=incident)
    # B: a use of force (the action links B), recorded; and one off duty, not assessed
    make_force(agency_a, b, when="2025-03-05 20:00")
    make_recording(agency_a, b, "2025-03-05 19:59", "2025-03-05 20:30", category="use_of_force")
    off = make_force(agency_a, b, when="2025-03-06 20:00")
    actions.force_incident_update(actor=SYSTEM, force_incident=off, officers=[{"officer": b, "on_duty": False}])

    report = selectors.activation_report(user=alice_admin)
    assert report.statuses == {"compliant": 3, "missed": 2, "no_camera": 0, "off_duty": 1, "no_time": 1}
    assert (report.overall.successes, report.overall.trials) == (3, 5)
    # Wilson 95% for 3/5 by hand: centre (0.6 + 1.92073/5)/(1 + 3.84146/5) = 0.55655,
    # half-width 1.95996/1.76829 * sqrt(0.24/5 + 3.84146/100) = 0.32586 → (0.23072, 0.88236)
    assert report.overall.low == pytest.approx(0.23072, abs=1e-4)
    assert report.overall.high == pytest.approx(0.88236, abs=1e-4)
    by_unit = {r.key: (r.rate.successes, r.rate.trials) for r in report.by_unit}
    assert by_unit == {"P1": (2, 4), "P2": (1, 1)}
    assert {r.label: (r.rate.successes, r.rate.trials) for r in report.by_month} == {"2025-03": (3, 4),
                                                                                      "2025-04": (0, 1)}
    assert {r.key: (r.rate.successes, r.rate.trials) for r in report.by_kind} == {
        "force": (1, 1), "incident": (0, 1), "stop": (2, 3)}
    assert sorted(e.kind for e in report.missed) == ["Incident / call", "Stop"]
    assert report.by_officer[0].label.startswith("Able")  # lowest rate first
    march = selectors.activation_report(user=alice_admin, date_from=DAY, date_to=dt.date(2025, 3, 31), unit="P1")
    assert (march.overall.successes, march.overall.trials) == (2, 3)


def test_an_officer_without_a_camera_is_not_counted_as_missing(agency_a: Any, alice_admin: Any) -> None:
    lone = make_officer(agency_a)
    attend(agency_a, lone, stop=make_stop(agency_a, lone, day=DAY, time=dt.time(10)))
    report = selectors.activation_report(user=alice_admin)
    assert report.statuses["no_camera"] == 1 and report.overall.trials == 0


# ---- retention, purge, legal hold ------------------------------------------------------------------------

def test_retention_from_the_rule_pack_and_purge_due_edges(agency_a: Any, alice_admin: Any) -> None:
    officer = make_officer(agency_a)
    old = make_recording(agency_a, officer, "2024-01-01 10:00", "2024-01-01 10:30")  # non-evidentiary: 180 days
    assert retention_until(old.category, old.started, old.ended) == dt.date(2024, 6, 29)
    homicide = make_recording(agency_a, officer, "2020-06-01 10:00", "2020-06-01 10:30", category="homicide")
    held = make_recording(agency_a, officer, "2023-01-01 10:00", "2023-01-01 10:30")
    actions.recording_legal_hold(actor=SYSTEM, recording=held, hold=True, reason="Case 23-1")
    assert list(selectors.purge_due(user=alice_admin, today=dt.date(2024, 6, 29))) == []
    assert list(selectors.purge_due(user=alice_admin, today=dt.date(2024, 6, 30))) == [old]
    assert homicide not in selectors.purge_due(user=alice_admin, today=dt.date(2040, 1, 1))


def test_purge_only_through_the_audited_action_and_only_when_due(agency_a: Any, alice_admin: Any,
                                                                 persona: Any) -> None:
    officer = make_officer(agency_a)
    due = make_recording(agency_a, officer, "2020-01-01 10:00", "2020-01-01 10:30")
    fresh = make_recording(agency_a, officer, "2025-01-01 10:00", "2025-01-01 10:30", category="felony")
    with pytest.raises(ValidationError) as err:
        actions.recording_purge(actor=alice_admin, recordings=[due, fresh], today=dt.date(2025, 6, 1))
    assert fresh.external_id in err.value.message_dict and due.external_id not in err.value.message_dict
    due.refresh_from_db()
    assert due.purged_at is None  # the batch was refused whole
    with pytest.raises(NotPermitted):
        actions.recording_purge(actor=persona(Role.COMMAND), recordings=[due])
    assert AuditEvent.objects.filter(action="recording.purge", outcome="denied").count() == 1
    assert actions.recording_purge(actor=alice_admin, recordings=[due]) == 1
    due.refresh_from_db()
    assert due.purged_at is not None and due.purged_by == alice_admin and due.purged_by_name == "alice"
    assert Recording.objects.filter(pk=due.pk).exists()  # marked, never deleted
    event = AuditEvent.objects.filter(action="recording.purge", outcome="success").get()
    assert event.actor_name == "alice" and event.extra["purged"] == 1


def test_purge_page_marks_chosen_recordings_for_an_admin_and_refuses_others(agency_a: Any, alice_admin: Any,
                                                                            persona: Any) -> None:
    officer = make_officer(agency_a)
    due = make_recording(agency_a, officer, "2020-01-01 10:00", "2020-01-01 10:30")
    command = verified_client(persona(Role.COMMAND))
    page = command.get("/m/policing/cameras/purge-due/")
    assert page.status_code == 200 and due.external_id in page.content.decode()
    assert command.post("/m/policing/cameras/purge-due/", {"recording": [str(due.public_id)]}).status_code == 403
    admin = verified_client(alice_admin)
    assert admin.post("/m/policing/cameras/purge-due/", {"recording": ["not-a-uuid"]}).status_code == 400
    assert admin.post("/m/policing/cameras/purge-due/", {"recording": [str(due.public_id)]}).status_code == 302
    due.refresh_from_db()
    assert due.purged_at is not None
    assert due.external_id not in admin.get("/m/policing/cameras/purge-due/").content.decode()


def test_legal_hold_needs_a_reason_and_is_audited(agency_a: Any, persona: Any) -> None:
    rec = make_recording(agency_a, make_officer(agency_a), "2020-01-01 10:00", "2020-01-01 10:30")
    client = verified_client(persona(Role.COMMAND))
    url = f"/m/policing/recordings/{rec.public_id}/hold/"
    refused = client.post(url, {"hold": "set", "reason": ""})
    assert refused.status_code == 400 and "Say why the recording is held" in refused.content.decode()
    assert client.post(url, {"hold": "set", "reason": "Subpoena 44"}).status_code == 302
    rec.refresh_from_db()
    assert rec.legal_hold and rec.legal_hold_reason == "Subpoena 44"
    assert AuditEvent.objects.filter(action="recording.hold", outcome="success").count() == 1
    assert rec not in selectors.purge_due(user=persona(Role.ADMIN, username="adm"))
    assert client.post(url, {"hold": "clear"}).status_code == 302
    assert AuditEvent.objects.filter(action="recording.release").count() == 1


def test_camera_issue_closes_the_previous_assignment(agency_a: Any) -> None:
    a, b = make_officer(agency_a), make_officer(agency_a)
    cam = make_camera(agency_a, a, since="2025-01-01 08:00")
    actions.camera_assign(actor=SYSTEM, camera=cam, officer=b, started=at("2025-02-01 08:00"))
    rows = list(cam.assignments.order_by("started").values_list("officer_id", "ended"))
    assert rows == [(a.pk, at("2025-02-01 08:00")), (b.pk, None)]
    with pytest.raises(ValidationError) as err:
        actions.camera_assign(actor=SYSTEM, camera=cam, officer=a, started=at("2025-01-15 08:00"))
    assert "started" in err.value.message_dict


# ---- walls and roles -------------------------------------------------------------------------------------

def test_agencies_do_not_see_each_others_cameras_recordings_or_compliance(agency_a: Any, agency_b: Any,
                                                                          persona: Any) -> None:
    mine_o, theirs_o = make_officer(agency_a), make_officer(agency_b)
    mine_c = make_camera(agency_a, mine_o, serial="MINECAM")
    theirs_c = make_camera(agency_b, theirs_o, serial="THEIRCAM")
    mine_r = make_recording(agency_a, mine_o, "2020-01-01 10:00", "2020-01-01 10:30", external_id="MINEVID")
    theirs_r = make_recording(agency_b, theirs_o, "2020-01-01 10:00", "2020-01-01 10:30", external_id="THEIRVID")
    attend(agency_b, theirs_o, stop=make_stop(agency_b, theirs_o, day=DAY, time=dt.time(10)))
    user = persona(Role.COMMAND)
    client = verified_client(user)
    for base, mine, theirs, mine_id, theirs_id in (
            ("cameras", "MINECAM", "THEIRCAM", mine_c.public_id, theirs_c.public_id),
            ("recordings", "MINEVID", "THEIRVID", mine_r.public_id, theirs_r.public_id)):
        page = client.get(f"/m/policing/{base}/").content.decode()
        assert mine in page and theirs not in page
        assert client.get(f"/m/policing/{base}/{mine_id}/").status_code == 200
        assert client.get(f"/m/policing/{base}/{theirs_id}/").status_code == 404
        csv = b"".join(client.get(f"/m/policing/{base}/export.csv").streaming_content).decode()
        assert mine in csv and theirs not in csv
        assert client.get(f"/api/v1/policing/{base}/{theirs_id}").status_code == 404
        assert client.get(f"/api/v1/policing/{base}/{mine_id}").status_code == 200
    assert client.get(f"/m/policing/cameras/{theirs_c.public_id}/edit/").status_code == 404
    assert client.get(f"/m/policing/cameras/{theirs_c.public_id}/assign/").status_code == 404
    assert client.get(f"/m/policing/recordings/{theirs_r.public_id}/hold/").status_code == 404
    assert client.get("/m/policing/cameras/00000000-0000-4000-8000-000000000000/").status_code == 404
    assert [r["external_id"] for r in client.get("/api/v1/policing/recordings/purge-due").json()["items"]] == [
        "MINEVID"]
    assert selectors.activation_report(user=user).statuses["no_camera"] == 0  # B's stop is not counted
    api = client.get("/api/v1/policing/cameras/activation").json()
    assert api["overall"]["events"] == 0 and sum(api["statuses"].values()) == 0


@pytest.mark.parametrize(("role", "view", "add", "export"), [
    (Role.ADMIN, 200, 200, 200), (Role.COMMAND, 200, 200, 200), (Role.ANALYST, 200, 403, 200),
    (Role.OVERSIGHT, 200, 403, 200), (Role.OFFICER, 403, 403, 403), (Role.INTEL, 403, 403, 403),
])
def test_who_may_see_and_change_camera_records(persona: Any, role: str, view: int, add: int, export: int) -> None:
    client = verified_client(persona(role))
    assert client.get("/m/policing/cameras/").status_code == view
    assert client.get("/m/policing/cameras/activation/").status_code == view
    assert client.get("/m/policing/cameras/new/").status_code == add
    assert client.get("/m/policing/cameras/activation.csv").status_code == export


def test_camera_tile_renders_the_last_twelve_months(agency_a: Any, alice_admin: Any) -> None:
    from django.template.loader import render_to_string

    a, _ = _world(agency_a)
    attend(agency_a, a, stop=make_stop(agency_a, a, day=DAY, time=dt.time(10)))
    make_recording(agency_a, a, "2025-03-01 10:01", "2025-03-01 10:05")
    attend(agency_a, a, stop=make_stop(agency_a, a, day=dt.date(2024, 1, 5), time=dt.time(10)))  # too old
    tile = selectors.dashboard_cameras(user=alice_admin, today=dt.date(2025, 6, 1))
    assert (tile.overall.successes, tile.overall.trials) == (1, 1)
    html = render_to_string("policing/tiles/cameras.html", {"camera_tile": tile})
    assert "100%" in html and "One (P1)" in html


def test_compliance_page_csv_and_api_show_the_same_numbers(agency_a: Any, alice_admin: Any) -> None:
    a, _ = _world(agency_a)
    for hm, rec in (("10:00", ("10:05", "10:20")), ("12:00", ("11:50", "11:58"))):
        attend(agency_a, a, stop=make_stop(agency_a, a, day=DAY, time=dt.time.fromisoformat(hm)))
        make_recording(agency_a, a, f"2025-03-01 {rec[0]}", f"2025-03-01 {rec[1]}")
    client = verified_client(alice_admin)
    page = client.get("/m/policing/cameras/activation/").content.decode()
    assert "<strong>50%</strong> of 2 assessed events" in page and "Not recorded" in page
    csv = client.get("/m/policing/cameras/activation.csv").content.decode()
    assert "unit,One (P1),1,2,0.5000," in csv
    api = client.get("/api/v1/policing/cameras/activation").json()
    assert (api["overall"]["recorded"], api["overall"]["events"], api["window_before_minutes"]) == (1, 2, 2)
    bad = client.get("/m/policing/cameras/activation/?date_from=2025-03-10&date_to=2025-03-01")
    assert bad.status_code == 400 and "Must not be before the start" in bad.content.decode()
    assert client.get("/api/v1/policing/cameras/activation?date_from=2025-03-10&date_to=2025-03-01").status_code == 422
