"""Sample records of every policing record family, for the walks over every URL and API operation
(`test_role_matrix`, the CSV-safety walk in `incidents/tests/test_safe_exports.py`): one record of each kind in
the agency, keyed by the URL names and path parameters that need them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from safecity.core.actors import SYSTEM
from safecity.core.models import Agency


def policing_world(agency_a: Agency, beat: Any, tmp_path: Path) -> dict[str, Any]:
    from safecity.policing.models import Stop
    from safecity.policing.tests.factories import make_officer

    officer = make_officer(agency_a)  # the roster
    # early intervention: a flag (three uses of force in 90 days) and a pursuit
    from safecity.policing.actions import ei_run
    from safecity.policing.tests.factories_eis import make_force, make_pursuit

    for days in (1, 2, 3):
        make_force(agency_a, officer, dt.date(2026, 6, 1) - dt.timedelta(days=days))
    flag = ei_run(actor=SYSTEM, agency=agency_a, as_of=dt.date(2026, 6, 1))[0]
    pursuit = make_pursuit(agency_a, officer, dt.date(2026, 5, 1))
    from safecity.policing.tests.factories_force import make_camera, make_recording
    from safecity.policing.tests.factories_force import make_force as make_force_incident

    force = make_force_incident(agency_a, officer, when="2025-03-10 14:00")
    camera = make_camera(agency_a, officer)
    recording = make_recording(agency_a, officer, "2025-03-10 13:59", "2025-03-10 14:20", camera=camera)
    from safecity.core.importing.runner import run_import as run_any_import
    from safecity.core.importing.spec import ImportOptions as AnyImportOptions

    stop_batch = run_any_import("stops", AnyImportOptions(
        path=Path(__file__).resolve().parents[1] / "policing" / "tests" / "fixtures" / "stops_opp.csv",
        agency=agency_a, fmt="opp", file_name="stops_opp.csv")).batch
    stop = Stop.objects.filter(agency=agency_a).first()
    assert stop is not None and stop_batch is not None
    from safecity.policing.tests.factories_complaints import make_complaint

    complaint = make_complaint(agency_a, [make_officer(agency_a)])
    imports = _camera_complaint_imports(agency_a, officer, camera.serial, tmp_path)
    training = _training_world(agency_a, officer, tmp_path)
    community = _community_world(agency_a, beat, tmp_path)
    return {
        "policing:detail:public_id": officer.public_id, "policing:edit:public_id": officer.public_id,
        "officer_id": officer.public_id,
        **training,
        **community,
        **imports,
        "policing_eis:detail:public_id": flag.public_id, "policing_eis:step:public_id": flag.public_id,
        "policing_eis:step:step": "assign", "policing_eis:officer:public_id": officer.public_id,
        "policing_pursuits:detail:public_id": pursuit.public_id, "flag_id": flag.public_id,
        "pursuit_id": pursuit.public_id,
        "policing_force:detail:public_id": force.public_id, "policing_force:edit:public_id": force.public_id,
        "force_incident_id": force.public_id,
        "policing_cameras:detail:public_id": camera.public_id, "policing_cameras:edit:public_id": camera.public_id,
        "policing_cameras:assign:public_id": camera.public_id, "camera_id": camera.public_id,
        "policing_recordings:detail:public_id": recording.public_id,
        "policing_recordings:edit:public_id": recording.public_id, "recording_id": recording.public_id,
        "policing_stops:detail:public_id": stop.public_id, "stop_id": stop.public_id,
        "policing_stops:equity_csv:table": "rates",
        "policing_stops_import:result:batch_id": stop_batch.pk,
        "policing_stops_import:errors_csv:batch_id": stop_batch.pk,
        "safecity_policing_stops_import_detail:batch_id": stop_batch.pk,
        "safecity_policing_stops_import_errors:batch_id": stop_batch.pk,
        **{f"policing_complaints:{n}:public_id": complaint.public_id
           for n in ("detail", "transition", "extend", "comment", "finding")},
        "complaint_id": complaint.public_id,
        "allegation_id": complaint.allegations.get().public_id,
    }


def _camera_complaint_imports(agency: Agency, officer: Any, serial: str, tmp_path: Path) -> dict[str, Any]:
    """A recordings import batch and a complaints import batch (the latter carries the personnel label)."""
    from safecity.core.importing.runner import run_import
    from safecity.core.importing.spec import ImportOptions

    recordings = tmp_path / "recordings.csv"
    recordings.write_text("external_id,camera_serial,employee_id,started,ended,category\n"
                          f"W-1,{serial},,2025-03-11 10:00,2025-03-11 10:20,traffic\n", encoding="utf-8")
    complaints = tmp_path / "complaints.csv"
    complaints.write_text("complaint_number,received_on,source,employee_id,category\n"
                          f"W-1,2026-01-05,internal,{officer.employee_id},neglect_of_duty\n", encoding="utf-8")
    samples: dict[str, Any] = {}
    for name, path, url, api in (("recordings", recordings, "policing_recordings_import",
                                  "safecity_policing_recordings_import"),
                                 ("complaints", complaints, "policing_complaints_import",
                                  "safecity_policing_complaints_import")):
        batch = run_import(name, ImportOptions(path=path, agency=agency, fmt="csv")).batch
        assert batch is not None and batch.rows_imported == 1
        samples.update({f"{url}:result:batch_id": batch.pk, f"{url}:errors_csv:batch_id": batch.pk,
                        f"{api}_detail:batch_id": batch.pk, f"{api}_errors:batch_id": batch.pk})
    return samples


def _community_world(agency: Agency, beat: Any, tmp_path: Path) -> dict[str, Any]:
    """A SARA project, a meeting with a follow-up, a survey wave and a survey import batch."""
    from safecity.core.importing.runner import run_import as run_typed_import
    from safecity.core.importing.spec import ImportOptions as TypedOptions
    from safecity.policing import actions as policing_actions
    from safecity.policing.tests.factories_community import make_meeting, make_project, make_wave

    project = make_project(agency, beat)
    meeting = make_meeting(agency, beat=beat)
    follow_up = policing_actions.followup_add(actor=SYSTEM, meeting=meeting, action="Fix lights", owner="PW",
                                              due=dt.date(2024, 4, 1))
    wave = make_wave(agency)
    survey_csv = tmp_path / "survey.csv"
    survey_csv.write_text(f"wave,district,item,n,agree\n{wave.code},{beat.district.code},trust,10,5\n")
    survey_batch = run_typed_import("surveys", TypedOptions(path=survey_csv, agency=agency, fmt="csv")).batch
    samples: dict[str, Any] = {"project_id": project.public_id, "meeting_id": meeting.public_id,
                               "wave_id": wave.public_id}
    for name in ("detail", "edit", "assessment", "advance", "activity"):
        samples[f"policing_sara:{name}:public_id"] = project.public_id
    for name in ("detail", "edit", "concern", "followup"):
        samples[f"policing_meetings:{name}:public_id"] = meeting.public_id
    samples["policing_meetings:followup_status:public_id"] = follow_up.public_id
    for name in ("detail", "edit", "result"):
        samples[f"policing_surveys:{name}:public_id"] = wave.public_id
    for name in ("result", "errors_csv"):
        samples[f"policing_surveys_import:{name}:batch_id"] = survey_batch.pk
    for op in ("detail", "errors"):
        samples[f"safecity_policing_api_survey_import_{op}:batch_id"] = survey_batch.pk
    return samples


def _training_world(agency: Agency, officer: Any, tmp_path: Path) -> dict[str, Any]:
    """A unit, a course, a session, a completion and a training import batch for the policing training pages."""
    from safecity.core.importing.runner import run_import as run_any
    from safecity.core.importing.spec import ImportOptions as AnyImportOptions
    from safecity.policing import actions as policing_actions
    from safecity.policing.tests.factories import make_unit
    from safecity.policing.tests.factories_training import complete, make_course

    unit = make_unit(agency, code="MATRIX", name="Matrix Unit")
    course = make_course(agency, "MATRIX", "firearms")
    session = policing_actions.session_create(actor=SYSTEM, course=course, date=dt.date(2026, 1, 5),
                                              instructor="Sgt. Matrix", location="Range")
    attendance = complete(officer, course, dt.date(2026, 1, 5), session=session)
    source = tmp_path / "training.csv"
    source.write_text(f"employee_id,course_code,completed_on,hours\n{officer.employee_id},MATRIX,2026-02-01,4\n"
                      "NOPE,MATRIX,2026-02-01,4\n", encoding="utf-8")
    batch = run_any("training", AnyImportOptions(path=source, agency=agency, fmt="csv")).batch
    samples: dict[str, Any] = {
        "policing:reassign:public_id": officer.public_id, "policing_units:detail:public_id": unit.public_id,
        "policing_training:detail:public_id": course.public_id, "policing_training:edit:public_id": course.public_id,
        "policing_attendance:detail:public_id": attendance.public_id,
        "policing_sessions:detail:public_id": session.public_id, "session_id": session.public_id,
        "policing_training_import:result:batch_id": batch.pk, "policing_training_import:errors_csv:batch_id": batch.pk,
        "unit_id": unit.public_id, "course_id": course.public_id, "attendance_id": attendance.public_id,
    }
    roster = tmp_path / "roster.csv"
    roster.write_text("employee_id,last_name,first_name,badge_number,rank,unit_code,status,hire_date,"
                      "separation_date\nM1,Matrix,Mo,1,officer,MATRIX,active,2020-01-01,\nM2,,,,,,,,\n",
                      encoding="utf-8")
    roster_batch = run_any("officers", AnyImportOptions(path=roster, agency=agency, fmt="csv")).batch
    samples["policing_roster_import:result:batch_id"] = roster_batch.pk
    samples["policing_roster_import:errors_csv:batch_id"] = roster_batch.pk
    for op in ("detail", "errors"):
        samples[f"safecity_policing_training_import_{op}:batch_id"] = batch.pk
        samples[f"safecity_policing_roster_import_{op}:batch_id"] = roster_batch.pk
    return samples
