"""`safecity import incidents`: exit codes 0/1/2, one-line errors, the summary and the error report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from safecity.cli import main
from safecity.core.models import Agency, AuditEvent
from safecity.incidents.models import Incident
from safecity.incidents.tests.test_import_formats import FIXTURES

pytestmark = pytest.mark.django_db


def cli(*args: str) -> int:
    return main(["import", "incidents", *args])


def test_all_rows_in_exits_0(agency_a: Agency, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(str(FIXTURES / "nypd_sample.csv"), "--agency", "zz0000001", "--format", "nypd") == 0
    out, err = capsys.readouterr()
    assert out.startswith("12 rows read, 12 imported, 0 unchanged, 0 rejected in ") and out.rstrip().endswith(" s")
    assert err == ""  # not a terminal: no progress bar
    start = AuditEvent.objects.get(action="import.start")
    assert start.actor_name == "system:cli" and start.actor_id is None  # named system actor, not a user
    assert cli(str(FIXTURES / "nypd_sample.csv"), "--agency", "ZZ0000001", "--format", "nypd") == 0
    assert "0 imported, 12 unchanged" in capsys.readouterr().out


def test_some_rows_rejected_exits_1_and_writes_report(agency_a: Agency, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "errors.csv"
    code = cli(str(FIXTURES / "bad_rows_chicago.csv"), "--agency", "ZZ0000001", "--format", "chicago",
               "--error-report", str(report), "--batch-size", "3")
    assert code == 1
    out = capsys.readouterr().out
    assert "12 rows read, 6 imported, 0 unchanged, 6 rejected" in out and str(report) in out
    lines = report.read_text().splitlines()
    assert lines[0] == "line,field,value,reason" and len(lines) == 7
    assert lines[1].startswith("5,Date,02/31/2024 03:00:00 PM,")


def test_default_report_sits_next_to_the_file(agency_a: Agency, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "bad.csv"
    source.write_bytes((FIXTURES / "bad_rows_chicago.csv").read_bytes())
    assert cli(str(source), "--agency", "ZZ0000001", "--format", "chicago") == 1
    assert (tmp_path / "bad.csv.errors.csv").exists()


def test_dry_run_and_strict(agency_a: Agency, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "e.csv"
    assert cli(str(FIXTURES / "lapd_sample.csv"), "--agency", "ZZ0000001", "--format", "lapd", "--dry-run") == 0
    assert capsys.readouterr().out.startswith("dry run: 12 rows read, 12 imported")
    assert not Incident.objects.exists()
    code = cli(str(FIXTURES / "bad_rows_chicago.csv"), "--agency", "ZZ0000001", "--format", "chicago", "--strict",
               "--error-report", str(report))
    assert code == 2 and not Incident.objects.exists()
    assert "strict: 6 of 12 rows rejected, nothing imported" in capsys.readouterr().out
    assert report.exists()


def test_everything_rejected_exits_2(agency_b: Agency, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "e.csv"
    assert cli(str(FIXTURES / "nibrs_sample.txt"), "--agency", "ZZ0000002", "--format", "nibrs",
               "--error-report", str(report)) == 2
    assert "0 imported" in capsys.readouterr().out


@pytest.mark.parametrize(("args", "message"), [
    (["missing.csv", "--agency", "ZZ0000001", "--format", "chicago"], "FILE: missing.csv does not exist"),
    (["{fx}/chicago_sample.csv", "--agency", "ZZ9999999", "--format", "chicago"], "--agency: no agency with ORI"),
    (["{fx}/chicago_sample.csv", "--agency", "ZZ0000001", "--format", "csv"], "--mapping: the csv format needs"),
    (["{fx}/chicago_sample.csv", "--agency", "ZZ0000001", "--format", "chicago", "--batch-size", "0"],
     "--batch-size: must be at least 1"),
    (["{fx}/nypd_sample.csv", "--agency", "ZZ0000001", "--format", "chicago"],
     "mapping chicago.json: incident_number: column 'Case Number' is not in the file header"),
    (["{fx}/custom_sample.csv", "--agency", "ZZ0000001", "--format", "csv", "--mapping", "{tmp}/bad.json"],
     "--mapping: bad.json is not valid JSON"),
    (["{fx}/custom_sample.csv", "--agency", "ZZ0000001", "--format", "csv", "--mapping", "{tmp}/unknown.json"],
     "--mapping: colour: unknown setting"),
    (["{fx}/custom_sample.csv", "--agency", "ZZ0000001", "--format", "csv", "--mapping", "{tmp}/nocol.json"],
     "--mapping: offense: column 'crime' is not in the file header"),
    (["{fx}/custom_sample.csv", "--agency", "ZZ0000001", "--format", "csv", "--mapping", "{tmp}/epsg.json"],
     "--mapping: coordinates.epsg: unknown coordinate system EPSG:999999"),
    (["{fx}/custom_sample.csv", "--agency", "ZZ0000001", "--format", "csv", "--mapping", "{tmp}/missing.json"],
     "--mapping: cannot read"),
])
def test_fatal_problems_exit_2_with_one_line(agency_a: Agency, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                             args: list[str], message: str) -> None:
    good = json.loads((FIXTURES / "custom_mapping.json").read_text())
    (tmp_path / "bad.json").write_text("{not json")
    (tmp_path / "unknown.json").write_text(json.dumps({**good, "colour": "red"}))
    (tmp_path / "nocol.json").write_text(json.dumps({**good, "offense": {"column": "crime", "table": "crimes"}}))
    (tmp_path / "epsg.json").write_text(json.dumps({**good, "coordinates": {"x": "utm_e", "y": "utm_n",
                                                                             "epsg": 999999}}))
    argv = [a.format(fx=FIXTURES, tmp=tmp_path) for a in args]
    assert cli(*argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("safecity: error: ") and message in err, err
    assert "Traceback" not in err
    assert not Incident.objects.exists()


def test_unknown_format_is_an_argument_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli("x.csv", "--agency", "ZZ0000001", "--format", "excel")
    assert exit_info.value.code == 2
    assert "--format" in capsys.readouterr().err
