"""Community pages, CSV and API: walls between agencies, rights per role, bad input named on the field."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from safecity.conftest import verified_client
from safecity.core.actors import SYSTEM
from safecity.core.models import AuditEvent
from safecity.core.roles import Role
from safecity.policing import actions
from safecity.policing.models import FollowUp, Meeting, ProblemProject
from safecity.policing.tests.factories_community import (
    make_beats,
    make_district,
    make_meeting,
    make_project,
    make_wave,
)

pytestmark = pytest.mark.django_db


def _csv(response: Any) -> str:
    return b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()


@pytest.fixture
def two_agencies(agency_a: Any, agency_b: Any) -> dict[str, Any]:
    beats_a, beats_b = make_beats(agency_a), make_beats(agency_b, ("901", "902"))
    mine = make_project(agency_a, beats_a["101"], title="Mine corridor")
    theirs = make_project(agency_b, beats_b["901"], title="Theirs corridor")
    m_mine = make_meeting(agency_a, beat=beats_a["101"], venue="Mine hall")
    m_theirs = make_meeting(agency_b, beat=beats_b["901"], venue="Theirs hall")
    late_mine = actions.followup_add(actor=SYSTEM, meeting=m_mine, action="Mine lights fixed", owner="Sgt A",
                                     due=dt.date(2024, 4, 1))
    late_theirs = actions.followup_add(actor=SYSTEM, meeting=m_theirs, action="Theirs lights fixed",
                                       owner="Sgt B", due=dt.date(2024, 4, 1))
    w_mine, w_theirs = make_wave(agency_a, "mine-w"), make_wave(agency_b, "theirs-w")
    actions.survey_result_set(actor=SYSTEM, wave=w_mine, district=beats_a["101"].district, item="trust", n=200,
                              agree=120)
    actions.survey_result_set(actor=SYSTEM, wave=w_theirs, district=beats_b["901"].district, item="trust", n=100,
                              agree=10)
    return {"mine": mine, "theirs": theirs, "m_mine": m_mine, "m_theirs": m_theirs, "w_mine": w_mine,
            "w_theirs": w_theirs, "late_mine": late_mine, "late_theirs": late_theirs}


def test_lists_details_edits_csv_and_api_show_only_the_users_agency(two_agencies: dict[str, Any],
                                                                    persona: Any) -> None:
    t = two_agencies
    client = verified_client(persona(Role.COMMAND))
    for base, mine, theirs, word in (
            ("/m/policing/community/projects/", t["mine"], t["theirs"], "corridor"),
            ("/m/policing/community/meetings/", t["m_mine"], t["m_theirs"], "hall"),
            ("/m/policing/community/surveys/waves/", t["w_mine"], t["w_theirs"], "-w")):
        page = client.get(base).content.decode()
        assert f"Mine {word}".strip() in page or f"mine{word}" in page
        assert "Theirs" not in page and "theirs-w" not in page
        assert client.get(f"{base}{mine.public_id}/").status_code == 200
        for suffix in ("", "edit/"):
            assert client.get(f"{base}{theirs.public_id}/{suffix}").status_code == 404
        csv = _csv(client.get(f"{base}export.csv"))
        assert "Theirs" not in csv and "theirs-w" not in csv and len(csv.splitlines()) == 2
    assert client.get(f"/m/policing/community/projects/{t['theirs'].public_id}/assessment/").status_code == 404
    assert client.post(f"/m/policing/community/projects/{t['theirs'].public_id}/advance/",
                       {"to": "analysis"}).status_code == 404
    assert client.post(f"/m/policing/community/meetings/{t['m_theirs'].public_id}/concerns/",
                       {"category": "drugs", "description": "x"}).status_code == 404
    assert client.post(f"/m/policing/community/meetings/follow-ups/{t['late_theirs'].public_id}/status/",
                       {"status": "done"}).status_code == 404
    overdue = client.get("/m/policing/community/meetings/follow-ups/overdue/").content.decode()
    assert "Mine lights fixed" in overdue and "Theirs lights fixed" not in overdue
    overdue_csv = client.get("/m/policing/community/meetings/follow-ups/overdue.csv").content.decode()
    assert "Mine lights fixed" in overdue_csv and "Theirs" not in overdue_csv
    surveys = client.get("/m/policing/community/surveys/").content.decode()
    assert "60%" in surveys and "10%" not in surveys
    results_csv = client.get("/m/policing/community/surveys/results.csv").content.decode()
    assert "ZZ0000001" in results_csv and "ZZ0000002" not in results_csv
    # The API: lists, details, the assessment, overdue follow-ups and the survey series.
    api = "/api/v1/policing/community"
    assert [p["title"] for p in client.get(f"{api}/projects/").json()["items"]] == ["Mine corridor"]
    assert client.get(f"{api}/projects/{t['theirs'].public_id}").status_code == 404
    assert client.get(f"{api}/projects/{t['theirs'].public_id}/assessment").status_code == 404
    assert client.get(f"{api}/projects/{t['mine'].public_id}/assessment").status_code == 200
    assert [m["venue"] for m in client.get(f"{api}/meetings/").json()["items"]] == ["Mine hall"]
    assert client.get(f"{api}/meetings/{t['m_theirs'].public_id}").status_code == 404
    assert [f["action"] for f in client.get(f"{api}/follow-ups/overdue").json()] == ["Mine lights fixed"]
    assert client.get(f"{api}/surveys/waves/{t['w_theirs'].public_id}").status_code == 404
    series = client.get(f"{api}/surveys/results/?item=trust").json()
    assert [(s["agency"], s["points"][0]["agree"]) for s in series] == [("ZZ0000001", 120)]
    assert client.get(f"{api}/surveys/results/?item=nonsense").status_code == 422


def test_guessed_ids_answer_404(agency_a: Any, persona: Any) -> None:
    client = verified_client(persona(Role.ADMIN))
    guess = "00000000-0000-4000-8000-000000000000"
    for path in (f"/m/policing/community/projects/{guess}/", f"/m/policing/community/meetings/{guess}/",
                 f"/m/policing/community/surveys/waves/{guess}/", f"/api/v1/policing/community/projects/{guess}",
                 f"/api/v1/policing/community/projects/{guess}/assessment"):
        assert client.get(path).status_code == 404, path


def test_analyst_and_oversight_read_but_cannot_change(two_agencies: dict[str, Any], persona: Any) -> None:
    t = two_agencies
    for role in (Role.ANALYST, Role.OVERSIGHT):
        client = verified_client(persona(role))
        assert client.get(f"/m/policing/community/projects/{t['mine'].public_id}/").status_code == 200
        assert client.get("/m/policing/community/projects/new/").status_code == 403
        assert client.post(f"/m/policing/community/projects/{t['mine'].public_id}/advance/",
                           {"to": "analysis"}).status_code == 403
        assert client.post(f"/m/policing/community/meetings/{t['m_mine'].public_id}/follow-ups/",
                           {"action": "x", "owner": "y", "due": "2024-05-01"}).status_code == 403
    assert ProblemProject.objects.get(pk=t["mine"].pk).status == "scanning"
    officer = verified_client(persona(Role.OFFICER))
    assert officer.get("/m/policing/community/projects/").status_code in (403, 404)
    public = verified_client(persona(Role.PUBLIC))
    assert public.get("/m/policing/community/surveys/").status_code in (403, 404)


def test_the_project_workflow_through_the_pages(agency_a: Any, persona: Any) -> None:
    beats = make_beats(agency_a)
    client = verified_client(persona(Role.COMMAND))
    reply = client.post("/m/policing/community/projects/new/", {
        "agency": agency_a.ori, "title": "Car break-ins at the station lot", "beat": f"{agency_a.ori}:102",
        "problem_statement": "Residents report break-ins every weekend."})
    assert reply.status_code == 302
    project = ProblemProject.objects.get(title="Car break-ins at the station lot")
    assert (project.beat, project.target_beats) == (beats["102"], ["102"])
    base = f"/m/policing/community/projects/{project.public_id}/"
    assert client.post(f"{base}advance/", {"to": "response"}).status_code == 400  # skipping a step
    assert client.post(f"{base}advance/", {"to": "analysis"}).status_code == 302
    bad = client.post(f"{base}activities/", {"date": "2001-01-01", "description": "Lighting audit"})
    assert bad.status_code == 400 and "Before the project opened" in bad.content.decode()
    today = timezone.localdate().isoformat()
    assert client.post(f"{base}activities/", {"date": today, "description": "Lighting audit",
                                              "partners": "Public works"}).status_code == 302
    refused = client.post(f"{base}assessment/", {
        "before_from": "2023-01-01", "before_to": "2023-06-30", "after_from": "2023-03-01", "after_to": "2023-08-01",
        "target_beats": "102", "control_beats": "104, 999", "count_source": "incidents", "alpha": "0.1"})
    page = refused.content.decode()
    assert refused.status_code == 400 and "Unknown beat 999" in page and "must start after the before" in page
    assert client.post(f"{base}assessment/", {
        "before_from": "2023-01-01", "before_to": "2023-06-30", "after_from": "2024-01-01", "after_to": "2024-06-29",
        "target_beats": "102", "buffer_beats": "101, 103", "control_beats": "104", "count_source": "manual",
        "alpha": "0.1", "target_before": "40", "target_after": "22", "buffer_before": "30", "buffer_after": "28",
        "control_before": "50", "control_after": "49"}).status_code == 302
    detail = client.get(base).content.decode()
    # Hand-worked: target -18, control -1 -> local -17; buffer -2 against the same control -> -1; WDD -18.
    assert "WDD = -18.0 crimes" in detail and "Lighting audit" in detail and "Entered by hand" in detail
    assert AuditEvent.objects.filter(action__startswith="sara.").values_list("action", flat=True).count() == 4


def test_meeting_concerns_and_follow_ups_through_the_pages(agency_a: Any, persona: Any) -> None:
    beats = make_beats(agency_a)
    client = verified_client(persona(Role.ADMIN))
    reply = client.post("/m/policing/community/meetings/new/", {
        "agency": agency_a.ori, "date": "2024-03-05", "beat": f"{agency_a.ori}:101", "venue": "Library hall",
        "attendance": "-3"})
    assert reply.status_code == 400 and "attendance" in reply.content.decode().lower()
    assert not Meeting.objects.exists()
    assert client.post("/m/policing/community/meetings/new/", {
        "agency": agency_a.ori, "date": "2024-03-05", "beat": f"{agency_a.ori}:101", "venue": "Library hall",
        "attendance": "41", "minutes": "Good turnout."}).status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.district == beats["101"].district  # the beat's district is filled in
    base = f"/m/policing/community/meetings/{meeting.public_id}/"
    assert client.post(f"{base}concerns/", {"category": "traffic", "description": "Speeding on Elm"}).status_code == 302
    early = client.post(f"{base}follow-ups/", {"action": "Speed survey", "owner": "Traffic unit", "due": "2024-01-01"})
    assert early.status_code == 400 and "Before the meeting" in early.content.decode()
    assert client.post(f"{base}follow-ups/", {"action": "Speed survey", "owner": "Traffic unit",
                                              "due": "2024-04-01"}).status_code == 302
    follow_up = FollowUp.objects.get()
    assert client.get("/api/v1/policing/community/follow-ups/overdue").json()[0]["action"] == "Speed survey"
    assert client.post(f"/m/policing/community/meetings/follow-ups/{follow_up.public_id}/status/",
                       {"status": "done", "completed": "2024-03-20"}).status_code == 302
    assert client.get("/api/v1/policing/community/follow-ups/overdue").json() == []
    detail = client.get(f"/api/v1/policing/community/meetings/{meeting.public_id}").json()
    assert detail["concern_list"] == [{"category": "traffic", "description": "Speeding on Elm"}]
    assert detail["follow_ups"][0]["status"] == "done"


def test_survey_page_names_a_bad_parameter_and_shows_wilson_intervals(agency_a: Any, persona: Any) -> None:
    district = make_district(agency_a, "2")
    wave = make_wave(agency_a, "2024-spring")
    actions.survey_result_set(actor=SYSTEM, wave=wave, district=district, item="respect", n=100, agree=50)
    client = verified_client(persona(Role.ANALYST))
    bad = client.get("/m/policing/community/surveys/?item=nonsense")
    assert bad.status_code == 400 and "item: unknown item" in bad.content.decode()
    assert client.get("/m/policing/community/surveys/results.csv?item=nonsense").status_code == 400
    page = client.get("/m/policing/community/surveys/?item=respect").content.decode()
    # Wilson 95% for 50/100 by hand: centre 0.5, half-width 1.96/(1 + 1.96²/100)·sqrt(0.0025 + 1.96²/40000)
    # = 0.0962, so 40.38% to 59.62%.
    assert "50%" in page and "(40–60; n 100)" in page
    csv = client.get("/m/policing/community/surveys/results.csv?item=respect").content.decode().splitlines()
    assert csv[1].split(",")[-3:] == ["50.0", "40.38", "59.62"]


def test_dashboard_tile_counts_what_the_user_may_see(two_agencies: dict[str, Any], persona: Any) -> None:
    from django.template.loader import render_to_string

    from safecity.policing import selectors

    t = two_agencies
    actions.project_advance(actor=SYSTEM, project=t["mine"], to="analysis")
    user = persona(Role.OVERSIGHT)
    tile = selectors.dashboard_community(user=user)
    assert tile.active_projects == 1 and tile.overdue_follow_ups == 1
    assert dict(tile.projects_by_status)["Analysis"] == 1 and dict(tile.projects_by_status)["Scanning"] == 0
    assert [(s.district, s.latest.agree, s.latest.n) for s in tile.trust] == [("1", 120, 200)]
    html = render_to_string("policing/tiles/community.html", {"tile": tile})
    assert "60% (53–67)" in html and "<caption>Projects by SARA step</caption>" in html


def test_the_quotient_is_not_read_as_displacement_when_the_target_rose(agency_a: Any, persona: Any) -> None:
    project = make_project(agency_a, make_beats(agency_a)["101"])
    actions.project_set_assessment(
        actor=SYSTEM, project=project, count_source="manual", before_from=dt.date(2023, 1, 1),
        before_to=dt.date(2023, 1, 31), after_from=dt.date(2023, 2, 1), after_to=dt.date(2023, 3, 3),
        target_before=10, target_after=30, control_before=20, control_after=20, buffer_before=10, buffer_after=8)
    page = verified_client(persona(Role.ANALYST)).get(f"/m/policing/community/projects/{project.public_id}/")
    text = page.content.decode()
    # success = 30/20 - 10/20 = 1.0 (a rise); buffer = 8/20 - 10/20 = -0.1; WDQ = -0.1, not "displacement".
    assert "WDQ = -0.100 — not read as displacement" in text and "(displacement into the buffer)" not in text


def test_waves_and_results_through_the_pages(agency_a: Any, persona: Any) -> None:
    from safecity.policing.models import SurveyResult, SurveyWave

    make_district(agency_a, "3")
    client = verified_client(persona(Role.COMMAND))
    bad = client.post("/m/policing/community/surveys/waves/new/", {
        "agency": agency_a.ori, "code": "2024|x", "name": "Spring", "start": "2024-03-30", "end": "2024-03-01",
        "method": "phone", "sample_size": "900"})
    text = bad.content.decode()
    assert bad.status_code == 400 and "May not contain |" in text and "ends before it starts" in text
    assert not SurveyWave.objects.exists()
    assert client.post("/m/policing/community/surveys/waves/new/", {
        "agency": agency_a.ori, "code": "2024-spring", "name": "Spring 2024", "start": "2024-03-01",
        "end": "2024-03-30", "method": "phone", "sample_size": "900", "margin_of_error": "3.3"}).status_code == 302
    wave = SurveyWave.objects.get()
    base = f"/m/policing/community/surveys/waves/{wave.public_id}/"
    over = client.post(f"{base}results/", {"district": "3", "item": "fair", "n": "120", "agree": "121"})
    assert over.status_code == 400 and "Must be between 0 and n (120)" in over.content.decode()
    for agree in ("66", "70"):  # the second entry corrects the first, with history
        assert client.post(f"{base}results/", {"district": "3", "item": "fair", "n": "120",
                                               "agree": agree}).status_code == 302
    assert list(SurveyResult.objects.values_list("n", "agree")) == [(120, 70)]
    assert client.post(f"{base}edit/", {"name": "Spring 2024", "start": "2024-03-01", "end": "2024-03-30",
                                        "method": "mixed", "sample_size": "950",
                                        "margin_of_error": "3.3"}).status_code == 302
    wave.refresh_from_db()
    assert (wave.method, wave.sample_size) == ("mixed", 950)


def test_end_labels_of_close_lines_are_moved_apart() -> None:
    """Two districts ending 5 px apart would print their names over each other: the lower one moves down to
    the gap; a label far from the others stays beside its point; a stack that would run off the frame is
    pulled back up."""
    from safecity.policing.views.community_surveys import BOTTOM, LABEL_GAP, H, Line, _spread_labels

    def line(y: float) -> Line:
        return Line("d", "#000", "", (), y)

    assert [x.label_y for x in _spread_labels([line(105), line(100), line(200)])] == [100 + LABEL_GAP, 100, 200]
    low = [x.label_y for x in _spread_labels([line(H - BOTTOM), line(H - BOTTOM), line(H - BOTTOM)])]
    assert max(low) <= H - BOTTOM // 2 and sorted(low)[1] - sorted(low)[0] == LABEL_GAP
