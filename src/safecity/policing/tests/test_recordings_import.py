"""`safecity import recordings`: body-worn camera recordings' metadata on the importer framework — local times
and offsets, the officer or camera found from the camera's issue history, located errors (cross-agency officer
and camera, end before start, 24 hours, unknown category naming the allowed ones, a skipped local hour),
idempotent re-runs, a changed row with history and its legal hold kept, a mapping, exit codes, web and API."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from safecity.conftest import make_api_token, verified_client
from safecity.core import cli as core_cli
from safecity.core.actors import SYSTEM
from safecity.core.importing.errors import ImportFailure
from safecity.core.importing.runner import run_import
from safecity.core.importing.spec import ImportOptions
from safecity.core.models import AuditEvent, ObjectChange
from safecity.core.roles import Role
from safecity.policing import actions, cli_cameras
from safecity.policing.models import Recording, RecordingImportBatch
from safecity.policing.retention import categories
from safecity.policing.tests.factories import make_officer
from safecity.policing.tests.factories_force import make_camera

pytestmark = pytest.mark.django_db
CHICAGO = ZoneInfo("America/Chicago")
HEADER = "external_id,camera_serial,employee_id,started,ended,category,cad_number\n"
GOOD = ("AX-1,CAM-1,E1,2026-03-01 14:05:00,2026-03-01 14:35:00,traffic,CAD-100\n"  # local time (CST)
        "AX-2,CAM-2,,2026-03-02T09:00:00-05:00,2026-03-02T09:20:00-05:00,Felony evidence,\n"  # offset; label
        "AX-3,,E1,03/03/2026 22:10,03/03/2026 23:00,non_evidentiary,\n")  # US format; camera from E1's issue


@pytest.fixture(autouse=True)
def _city_time(settings: Any) -> None:
    settings.TIME_ZONE = "America/Chicago"  # the daylight-saving rows below are Chicago's


@pytest.fixture
def setup(agency_a: Any, agency_b: Any) -> dict[str, Any]:
    e1, e2 = make_officer(agency_a, employee_id="E1"), make_officer(agency_a, employee_id="E2")
    e9 = make_officer(agency_b, employee_id="E9")
    return {"e1": e1, "e2": e2, "cam1": make_camera(agency_a, e1, since="2026-01-01 00:00", serial="CAM-1"),
            "cam2": make_camera(agency_a, e2, since="2026-01-01 00:00", serial="CAM-2"),
            "camb": make_camera(agency_b, e9, serial="CAM-B")}


def write(tmp_path: Path, text: str, name: str = "recordings.csv") -> Path:
    target = tmp_path / name
    target.write_text(text, encoding="utf-8")
    return target


def run(path: Path, agency: Any, **kwargs: Any) -> Any:
    return run_import("recordings", ImportOptions(path=path, agency=agency, fmt="csv", **kwargs))


def test_good_file_times_and_who(agency_a: Any, setup: dict[str, Any], tmp_path: Path) -> None:
    result = run(write(tmp_path, HEADER + GOOD), agency_a)
    assert (result.rows_read, result.imported, result.rejected, result.exit_code) == (3, 3, 0, 0)
    recs = {r.external_id: r for r in Recording.objects.filter(agency=agency_a)}
    one = recs["AX-1"]
    assert one.started == dt.datetime(2026, 3, 1, 14, 5, tzinfo=CHICAGO)  # 20:05 UTC
    assert (one.ended - one.started, one.officer, one.camera, one.category, one.cad_number) == \
        (dt.timedelta(minutes=30), setup["e1"], setup["cam1"], "traffic", "CAD-100")
    two = recs["AX-2"]
    assert two.started == dt.datetime(2026, 3, 2, 14, 0, tzinfo=dt.UTC)  # the given offset wins
    assert (two.officer, two.category) == (setup["e2"], "felony")  # officer: CAM-2 was issued to E2
    three = recs["AX-3"]
    assert three.started == dt.datetime(2026, 3, 3, 22, 10, tzinfo=CHICAGO)
    assert (three.officer, three.camera) == (setup["e1"], setup["cam1"])
    assert {r.import_batch_id for r in recs.values()} == {result.batch.pk}
    event = AuditEvent.objects.get(action="recording.import")  # the action's own event, beside the batch's
    assert (event.extra["added"], event.extra["batch"]) == (3, result.batch.pk)


def test_rerun_creates_nothing_and_a_changed_row_updates_with_history(agency_a: Any, setup: dict[str, Any],
                                                                      tmp_path: Path) -> None:
    source = write(tmp_path, HEADER + GOOD)
    run(source, agency_a)
    held = Recording.objects.get(external_id="AX-1")
    actions.recording_legal_hold(actor=SYSTEM, recording=held, hold=True, reason="Subpoena 26-114")
    again = run(source, agency_a)
    assert (again.imported, again.unchanged, again.exit_code) == (0, 3, 0)
    assert Recording.objects.count() == 3
    changed = write(tmp_path, HEADER + GOOD.replace("14:35:00,traffic", "14:35:00,misdemeanor"))
    third = run(changed, agency_a)
    assert (third.imported, third.unchanged) == (1, 2)
    held.refresh_from_db()
    assert (held.category, held.legal_hold, held.legal_hold_reason) == ("misdemeanor", True, "Subpoena 26-114")
    assert held.pk == Recording.objects.get(external_id="AX-1").pk  # updated in place
    history = ObjectChange.objects.get(object_id=str(held.pk), action="update", after__category="misdemeanor")
    assert history.before is not None and history.after is not None
    assert (history.before["category"], history.before["legal_hold"], history.after["legal_hold"]) == \
        ("traffic", True, True)


def test_bad_rows_are_located_and_good_rows_kept(agency_a: Any, setup: dict[str, Any], tmp_path: Path) -> None:
    bad = ("AX-10,CAM-1,E1,2026-03-05 10:00,2026-03-05 09:00,traffic,\n"  # line 5: ends before it starts
           "AX-11,CAM-1,E1,2026-03-05 10:00,2026-03-06 10:00,traffic,\n"  # 6: 24 hours
           "AX-12,CAM-1,E1,2026-03-05 10:00,2026-03-05 10:30,parking,\n"  # 7: unknown category
           "AX-13,,E9,2026-03-05 10:00,2026-03-05 10:30,traffic,\n"  # 8: officer of another agency
           "AX-14,CAM-B,,2026-03-05 10:00,2026-03-05 10:30,traffic,\n"  # 9: camera of another agency
           "AX-15,CAM-1,E1,2026-03-08 02:30,2026-03-08 03:30,traffic,\n"  # 10: 02:30 skipped (DST starts)
           "AX-16,,,2026-03-05 10:00,2026-03-05 10:30,traffic,\n"  # 11: nobody named
           "AX-17,CAM-1,E1,yesterday,2026-03-05 10:30,traffic,\n"  # 12: not a time
           "AX-18,CAM-1,,2025-06-01 10:00,2025-06-01 10:30,traffic,\n"  # 13: CAM-1 not issued then
           "AX-19,CAM-1,E1,2026-11-01 01:30,2026-11-01 02:30,traffic,\n"  # 14: 01:30 happened twice
           "AX-20,CAM-1,E1,2026-03-05 10:00,2026-03-05 10:00,traffic,\n")  # 15: no length at all
    result = run(write(tmp_path, HEADER + GOOD + bad), agency_a)
    assert (result.imported, result.rejected, result.exit_code) == (3, 11, 1)
    found = {(e.line, e.field, e.value): e.reason for e in result.errors}
    assert set(found) == {
        (5, "ended", "2026-03-05 09:00"), (6, "ended", "2026-03-06 10:00"), (7, "category", "parking"),
        (8, "employee_id", "E9"), (9, "camera_serial", "CAM-B"), (10, "started", "2026-03-08 02:30"),
        (11, "employee_id", ""), (12, "started", "yesterday"), (13, "camera_serial", "CAM-1"),
        (14, "started", "2026-11-01 01:30"), (15, "ended", "2026-03-05 10:00")}
    assert found[(5, "ended", "2026-03-05 09:00")] == "must be after the start"
    assert "24 hours or more is not plausible" in found[(6, "ended", "2026-03-06 10:00")]
    assert found[(7, "category", "parking")] == f"unknown category; use one of {', '.join(categories())}"
    assert "homicide" in found[(7, "category", "parking")]
    assert found[(8, "employee_id", "E9")] == "no officer with this employee id at ZZ0000001"
    assert found[(9, "camera_serial", "CAM-B")] == "no camera with this serial at ZZ0000001"
    assert "does not exist in America/Chicago" in found[(10, "started", "2026-03-08 02:30")]
    assert "happened twice" in found[(14, "started", "2026-11-01 01:30")]
    assert "-05:00 or -06:00" in found[(14, "started", "2026-11-01 01:30")]
    assert "not issued to anyone" in found[(13, "camera_serial", "CAM-1")]
    assert sorted(Recording.objects.values_list("external_id", flat=True)) == ["AX-1", "AX-2", "AX-3"]


def test_the_same_times_with_an_offset_are_accepted(agency_a: Any, setup: dict[str, Any], tmp_path: Path) -> None:
    rows = "AX-19,CAM-1,E1,2026-11-01T01:30:00-05:00,2026-11-01T01:20:00-06:00,traffic,\n"  # 06:30Z → 07:20Z
    result = run(write(tmp_path, HEADER + rows), agency_a)
    assert result.exit_code == 0, result.errors
    rec = Recording.objects.get()
    assert (rec.started, rec.ended - rec.started) == (dt.datetime(2026, 11, 1, 6, 30, tzinfo=dt.UTC),
                                                      dt.timedelta(minutes=50))


def test_a_mapping_names_columns_and_recodes_categories(agency_a: Any, setup: dict[str, Any],
                                                       tmp_path: Path) -> None:
    mapping = write(tmp_path, 'name = "Evidence export"\ntimestamp_format = "%d.%m.%Y %H:%M"\n'
                              '[columns]\nexternal_id = "Evidence ID"\nemployee_id = "Owner"\nstarted = "Start"\n'
                              'ended = "End"\ncategory = "Retention"\n'
                              '[values.category]\n"Traffic Stop" = "traffic"\n', "vendor.toml")
    text = "Evidence ID,Owner,Start,End,Retention\nV-1,E2,02.03.2026 08:00,02.03.2026 08:12,traffic stop\n"
    result = run(write(tmp_path, text), agency_a, mapping_path=mapping)
    assert result.exit_code == 0, result.errors
    rec = Recording.objects.get()
    assert (rec.external_id, rec.officer, rec.camera, rec.category) == ("V-1", setup["e2"], setup["cam2"], "traffic")
    assert rec.started == dt.datetime(2026, 3, 2, 8, 0, tzinfo=CHICAGO)
    with pytest.raises(ImportFailure) as refused:
        run(write(tmp_path, text), agency_a, mapping_path=write(tmp_path, "[columns]\ncolour = \"X\"\n", "bad.toml"))
    assert refused.value.field == "--mapping: colour"


def test_files_of_another_kind_are_refused_whole(agency_a: Any, setup: dict[str, Any], tmp_path: Path) -> None:
    with pytest.raises(ImportFailure) as refused:
        run(write(tmp_path, "a,b\n1,2\n"), agency_a)
    assert "this does not look like a CSV of body-worn camera recordings" in refused.value.message
    nobody = "external_id,started,ended,category\nAX-1,2026-03-01 14:05,2026-03-01 14:35,traffic\n"
    with pytest.raises(ImportFailure) as refused:
        run(write(tmp_path, nobody), agency_a)
    assert "'camera_serial' or 'employee_id'" in refused.value.message
    assert not Recording.objects.exists()


def test_command_line_exit_codes_and_report(agency_a: Any, setup: dict[str, Any], tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    parser: argparse.ArgumentParser = core_cli.build_parser(core_cli.register, cli_cameras.register)
    bad = write(tmp_path, HEADER + GOOD + "AX-13,,E9,2026-03-05 10:00,2026-03-05 10:30,traffic,\n")
    assert core_cli.run(parser, ["import", "recordings", str(bad), "--agency", "ZZ0000001"]) == 1
    report = tmp_path / "recordings.csv.errors.csv"
    assert "3 imported" in capsys.readouterr().out
    assert report.read_text().splitlines()[1] == "5,employee_id,E9,no officer with this employee id at ZZ0000001"
    assert core_cli.run(parser, ["import", "recordings", str(write(tmp_path, HEADER + GOOD)),
                                 "--agency", "ZZ0000001"]) == 0
    assert "0 imported, 3 unchanged" in capsys.readouterr().out and not report.exists()
    assert core_cli.run(parser, ["import", "recordings", str(write(tmp_path, "x\n1\n")), "--agency",
                                 "ZZ0000001"]) == 2
    only_bad = write(tmp_path, HEADER + "AX-13,,E9,2026-03-05 10:00,2026-03-05 10:30,traffic,\n")
    assert core_cli.run(parser, ["import", "recordings", str(only_bad), "--agency", "ZZ0000001"]) == 2


def test_web_upload_and_api(agency_a: Any, agency_b: Any, setup: dict[str, Any], persona: Any) -> None:
    command = persona(Role.COMMAND)
    client = verified_client(command)
    assert "Import camera recordings from a file" in client.get("/m/policing/recordings/").content.decode()
    preview = client.post("/m/policing/recordings/import/", {
        "agency": agency_a.pk, "fmt": "csv", "file": SimpleUploadedFile("r.csv", (HEADER + GOOD).encode())})
    assert preview.status_code == 200 and "3 would be imported" in preview.content.decode()
    assert "CAM-1" in preview.content.decode()
    done = client.post("/m/policing/recordings/import/commit/", {"token": preview.context["token"]})
    assert done.status_code == 302 and Recording.objects.count() == 3
    batch = RecordingImportBatch.objects.get()
    assert client.get(f"/m/policing/recordings/import/{batch.pk}/").status_code == 200
    analyst = verified_client(persona(Role.ANALYST))
    assert analyst.get("/m/policing/recordings/import/").status_code == 403  # may read, may not import
    assert "Import camera recordings" not in analyst.get("/m/policing/recordings/").content.decode()
    other = verified_client(persona(Role.COMMAND, agency=agency_b))
    assert other.get(f"/m/policing/recordings/import/{batch.pk}/").status_code == 404
    token = make_api_token(command)
    api = Client().post("/api/v1/policing/recordings/imports/", {
        "agency": agency_a.ori, "format": "csv", "dry_run": "true",
        "file": SimpleUploadedFile("r.csv", (HEADER + GOOD).encode())}, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.status_code == 200, api.content
    assert (api.json()["unchanged"], api.json()["imported"]) == (3, 0)
    detail = Client().get(f"/api/v1/policing/recordings/imports/{batch.pk}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert detail.status_code == 200 and detail.json()["rows_imported"] == 3


def test_a_recording_entered_one_by_one_meets_the_same_rules(agency_a: Any, setup: dict[str, Any]) -> None:
    from django.core.exceptions import ValidationError

    start = dt.datetime(2026, 3, 5, 10, 0, tzinfo=CHICAGO)
    for end, message in ((start, "Must be after the start."),
                         (start + dt.timedelta(hours=24), "A recording of 24 hours or more is not plausible")):
        with pytest.raises(ValidationError) as refused:
            actions.recording_create(actor=SYSTEM, agency=agency_a, officer=setup["e1"], external_id="ONE",
                                     started=start, ended=end, category="traffic")
        assert refused.value.message_dict["ended"][0].startswith(message)
    actions.recording_create(actor=SYSTEM, agency=agency_a, officer=setup["e1"], external_id="ONE", started=start,
                             ended=start + dt.timedelta(hours=23, minutes=59), category="traffic")
    assert Recording.objects.filter(external_id="ONE").exists()
