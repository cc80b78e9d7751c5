"""The officer roster import: keyed by employee id, idempotent, located errors, assignment history kept."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from safecity.conftest import verified_client
from safecity.core import cli as core_cli
from safecity.core.importing.runner import run_import
from safecity.core.importing.spec import ImportOptions
from safecity.core.models import ObjectChange
from safecity.core.roles import Role
from safecity.policing import cli_training
from safecity.policing.models import Assignment, Officer
from safecity.policing.tests.factories import make_unit

pytestmark = pytest.mark.django_db

HEADER = "employee_id,last_name,first_name,badge_number,rank,unit_code,status,hire_date,separation_date\n"
GOOD = ("R1,Rivera,Ana,2001,officer,P1,active,2019-04-01,\n"
        "R2,Chen,Bo,2002,Sergeant,P1,active,06/15/2012,\n"
        "R3,Okafor,Chi,,officer,,separated,2010-01-01,2024-03-31\n")


def write(tmp_path: Path, text: str) -> Path:
    target = tmp_path / "roster.csv"
    target.write_text(text, encoding="utf-8")
    return target


def test_import_rerun_and_a_transfer(agency_a: Any, agency_b: Any, tmp_path: Path) -> None:
    make_unit(agency_a, code="P1", name="Patrol One")
    make_unit(agency_a, code="GANG", name="Gang Unit")
    make_unit(agency_b, code="B1", name="Theirs")
    first = run_import("officers", ImportOptions(path=write(tmp_path, HEADER + GOOD), agency=agency_a, fmt="csv"))
    assert (first.imported, first.rejected, first.exit_code) == (3, 0, 0)
    chen = Officer.objects.get(agency=agency_a, employee_id="R2")
    assert (chen.rank, chen.unit.code, str(chen.hire_date)) == ("sergeant", "P1", "2012-06-15")
    assert [(a.unit.code, str(a.started), a.ended) for a in chen.assignments.all()] == [("P1", "2012-06-15", None)]
    again = run_import("officers", ImportOptions(path=write(tmp_path, HEADER + GOOD), agency=agency_a, fmt="csv"))
    assert (again.imported, again.unchanged) == (0, 3) and Assignment.objects.count() == 2
    moved = run_import("officers", ImportOptions(
        path=write(tmp_path, HEADER + GOOD.replace("Sergeant,P1", "sergeant,GANG")), agency=agency_a, fmt="csv"))
    assert (moved.imported, moved.unchanged) == (1, 2)
    today = timezone.localdate()
    history = [(a.unit.code, a.started, a.ended) for a in Assignment.objects.filter(officer=chen).order_by("started")]
    assert history[-1] == ("GANG", today, None) and history[0][2] is not None and history[0][2] < today
    assert ObjectChange.objects.filter(object_id=str(chen.pk), action="update").exists()


def test_located_errors(agency_a: Any, tmp_path: Path) -> None:
    make_unit(agency_a, code="P1", name="Patrol One")
    text = HEADER + GOOD + ("R4,Lee,,1,officer,P1,active,2020-01-01,\n"  # line 5: no first name
                            "R5,Lee,Di,1,general,P1,active,2020-01-01,\n"  # line 6: rank
                            "R6,Lee,Di,1,officer,NOPE,active,2020-01-01,\n"  # line 7: unit
                            "R7,Lee,Di,1,officer,P1,retired,2020-31-01,\n"  # line 8: status and date
                            "R8,Lee,Di,1,officer,P1,separated,2020-01-01,\n")  # line 9: separated without date
    result = run_import("officers", ImportOptions(path=write(tmp_path, text), agency=agency_a, fmt="csv"))
    assert (result.imported, result.rejected, result.exit_code) == (3, 5, 1)
    assert sorted((e.line, e.field) for e in result.errors) == [
        (5, "first_name"), (6, "rank"), (7, "unit_code"), (8, "hire_date"), (8, "status"), (9, "separation_date")]


def test_command_line_and_page(agency_a: Any, persona: Any, tmp_path: Path) -> None:
    make_unit(agency_a, code="P1", name="Patrol One")
    parser: argparse.ArgumentParser = core_cli.build_parser(core_cli.register, cli_training.register)
    assert core_cli.run(parser, ["import", "officers", str(write(tmp_path, HEADER + GOOD)),
                                 "--agency", agency_a.ori]) == 0
    assert core_cli.run(parser, ["import", "officers", str(write(tmp_path, "a,b\n1,2\n")),
                                 "--agency", agency_a.ori]) == 2
    client = verified_client(persona(Role.COMMAND))
    assert "Import officers from a file" in client.get("/m/policing/officers/").content.decode()
    preview = client.post("/m/policing/officers/import/", {
        "agency": agency_a.pk, "fmt": "csv", "file": SimpleUploadedFile("r.csv", (HEADER + GOOD).encode())})
    body = preview.content.decode()  # the command line already imported the same rows
    assert preview.status_code == 200 and "3 already imported and unchanged" in body
    assert verified_client(persona(Role.ANALYST)).get("/m/policing/officers/import/").status_code == 403
