"""The training attendance import on the importer framework: idempotent re-runs, a changed row with history,
located errors naming line and column, exit codes, the web upload and the API."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from safecity.conftest import make_api_token, verified_client
from safecity.core import cli as core_cli
from safecity.core.importing.errors import ImportFailure
from safecity.core.importing.runner import run_import
from safecity.core.importing.spec import ImportOptions
from safecity.core.models import ObjectChange
from safecity.core.roles import Role
from safecity.policing import cli_training
from safecity.policing.models import Attendance, TrainingImportBatch
from safecity.policing.tests.factories import make_officer
from safecity.policing.tests.factories_training import make_course

pytestmark = pytest.mark.django_db

HEADER = "employee_id,course_code,completed_on,hours,score,passed\n"
GOOD = ("E1,FA-QUAL,2026-01-05,,92,yes\n"
        "E1,LEG,2026-02-10,3.5,,\n"
        "E2,fa-qual,03/01/2026,4,70,y\n")


@pytest.fixture
def setup(agency_a: Any, agency_b: Any) -> dict[str, Any]:
    make_course(agency_a, "FA-QUAL", "firearms", "4")
    make_course(agency_a, "LEG", "legal_updates", "4")
    make_course(agency_b, "OTHER", "firearms", "4")
    make_officer(agency_b, employee_id="E9")
    return {"e1": make_officer(agency_a, employee_id="E1"), "e2": make_officer(agency_a, employee_id="E2")}


def write(tmp_path: Path, text: str, name: str = "training.csv") -> Path:
    target = tmp_path / name
    target.write_text(text, encoding="utf-8")
    return target


def test_import_rerun_and_changed_row(agency_a: Any, setup: dict[str, Any], tmp_path: Path) -> None:
    source = write(tmp_path, HEADER + GOOD)
    first = run_import("training", ImportOptions(path=source, agency=agency_a, fmt="csv"))
    assert (first.rows_read, first.imported, first.rejected, first.exit_code) == (3, 3, 0, 0)
    row = Attendance.objects.get(officer=setup["e1"], course__code="FA-QUAL")
    assert (str(row.hours), str(row.score), row.passed) == ("4.00", "92.00", True)  # empty hours = the course's
    assert str(Attendance.objects.get(officer=setup["e1"], course__code="LEG").hours) == "3.50"
    again = run_import("training", ImportOptions(path=source, agency=agency_a, fmt="csv"))
    assert (again.imported, again.unchanged, again.exit_code) == (0, 3, 0)
    assert Attendance.objects.count() == 3
    changed = write(tmp_path, HEADER + GOOD.replace("2026-02-10,3.5", "2026-02-10,2"))
    third = run_import("training", ImportOptions(path=changed, agency=agency_a, fmt="csv"))
    assert (third.imported, third.unchanged) == (1, 2)
    leg = Attendance.objects.get(officer=setup["e1"], course__code="LEG")
    history = ObjectChange.objects.get(object_id=str(leg.pk), action="update")
    assert (history.before["hours"], history.after["hours"]) in {("3.50", "2.00"), (3.5, 2.0)}


def test_located_errors_and_good_rows_kept(agency_a: Any, setup: dict[str, Any], tmp_path: Path) -> None:
    text = HEADER + GOOD + ("E9,FA-QUAL,2026-01-05,4,,\n"  # line 5: officer of another agency
                            "E2,OTHER,2026-01-05,4,,\n"  # line 6: course of another agency
                            "E2,LEG,2026-31-01,4,,\n"  # line 7: bad date
                            "E2,LEG,2026-04-01,lots,,\n"  # line 8: bad hours
                            "E2,LEG,2026-04-02,4,,maybe\n"  # line 9: bad passed
                            "E1,FA-QUAL,2026-01-05,4,,\n")  # line 10: same completion as line 2
    result = run_import("training", ImportOptions(path=write(tmp_path, text), agency=agency_a, fmt="csv"))
    assert (result.imported, result.rejected, result.exit_code) == (3, 6, 1)
    assert sorted((e.line, e.field, e.value) for e in result.errors) == [
        (5, "employee_id", "E9"), (6, "course_code", "OTHER"), (7, "completed_on", "2026-31-01"),
        (8, "hours", "lots"), (9, "passed", "maybe"), (10, "employee_id", "E1|FA-QUAL|2026-01-05")]
    reasons = {e.line: e.reason for e in result.errors}
    assert reasons[5] == "no officer with this employee id at ZZ0000001"
    assert reasons[6].startswith("no course with this code at ZZ0000001")
    assert reasons[10].startswith("duplicate completion (employee id, course code, date) in this file")
    assert Attendance.objects.filter(agency=agency_a).count() == 3


def test_a_file_of_another_kind_is_refused_whole(agency_a: Any, setup: dict[str, Any], tmp_path: Path) -> None:
    with pytest.raises(ImportFailure) as refused:
        run_import("training", ImportOptions(path=write(tmp_path, "a,b\n1,2\n"), agency=agency_a, fmt="csv"))
    assert refused.value.field == "FILE"
    assert "this does not look like a CSV with the columns of training attendance" in refused.value.message
    assert not Attendance.objects.exists()


def test_command_line_exit_codes(agency_a: Any, setup: dict[str, Any], tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    parser: argparse.ArgumentParser = core_cli.build_parser(core_cli.register, cli_training.register)
    bad = write(tmp_path, HEADER + GOOD + "NOPE,LEG,2026-01-01,4,,\n")
    assert core_cli.run(parser, ["import", "training", str(bad), "--agency", "ZZ0000001"]) == 1
    report = tmp_path / "training.csv.errors.csv"
    assert "3 imported" in capsys.readouterr().out and "NOPE" in report.read_text()
    assert core_cli.run(parser, ["import", "training", str(write(tmp_path, HEADER + GOOD)),
                                 "--agency", "ZZ0000001"]) == 0
    assert not report.exists()
    assert core_cli.run(parser, ["import", "training", str(write(tmp_path, "x\n1\n")), "--agency",
                                 "ZZ0000001"]) == 2


def test_web_upload_and_api(agency_a: Any, agency_b: Any, setup: dict[str, Any], persona: Any) -> None:
    command = persona(Role.COMMAND)
    client = verified_client(command)
    assert client.get("/m/policing/training/import/").status_code == 200
    preview = client.post("/m/policing/training/import/", {
        "agency": agency_a.pk, "fmt": "csv", "file": SimpleUploadedFile("t.csv", (HEADER + GOOD).encode())})
    assert preview.status_code == 200 and "3 would be imported" in preview.content.decode()
    done = client.post("/m/policing/training/import/commit/", {"token": preview.context["token"]})
    assert done.status_code == 302 and Attendance.objects.count() == 3
    batch = TrainingImportBatch.objects.get()
    assert client.get(f"/m/policing/training/import/{batch.pk}/").status_code == 200
    analyst = verified_client(persona(Role.ANALYST))
    assert analyst.get("/m/policing/training/import/").status_code == 403  # may read, may not import
    other = verified_client(persona(Role.COMMAND, agency=agency_b))
    assert other.get(f"/m/policing/training/import/{batch.pk}/").status_code == 404
    token = make_api_token(command)
    api = Client().post("/api/v1/policing/training/imports/", {
        "agency": agency_a.ori, "format": "csv", "dry_run": "true",
        "file": SimpleUploadedFile("t.csv", (HEADER + GOOD).encode())}, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.status_code == 200, api.content
    assert (api.json()["unchanged"], api.json()["imported"]) == (3, 0)  # the web upload already put them in
