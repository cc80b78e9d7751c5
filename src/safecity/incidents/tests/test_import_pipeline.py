"""Bad rows, idempotence, dry run, strict, a run killed midway, permissions and auditing."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from safecity.core.audit import verify_chain
from safecity.core.models import Agency, AuditEvent, User
from safecity.core.permissions import NotPermitted
from safecity.incidents.importers import ImportOptions, error_report_csv, run_import
from safecity.incidents.models import ImportBatch, ImportRowError, Incident, Offense, Victim
from safecity.incidents.tests.factories import kill_store_after_writes
from safecity.incidents.tests.test_import_formats import FIXTURES, add_loop_geography, run

pytestmark = pytest.mark.django_db


def test_every_bad_row_is_reported_and_every_good_row_lands(agency_a: Agency) -> None:
    add_loop_geography(agency_a)
    result = run(agency_a, "bad_rows_chicago.csv", "chicago")
    by_line = {e.line: e for e in result.errors}
    assert set(by_line) == {5, 6, 7, 8, 10, 11, 13}, result.errors
    assert (by_line[5].field, by_line[5].value) == ("Date", "02/31/2024 03:00:00 PM")
    assert "not a date" in by_line[5].reason
    assert (by_line[6].field, by_line[6].value) == ("IUCR", "9999") and "no NIBRS code" in by_line[6].reason
    assert by_line[7].field == "coordinates" and "outside the city" in by_line[7].reason
    assert (by_line[8].field, by_line[8].value) == ("Case Number", "JH200001")
    assert "duplicate" in by_line[8].reason and "line 2" in by_line[8].reason
    assert by_line[10].field == "encoding" and "not valid utf-8" in by_line[10].reason
    assert by_line[11].field == "Date" and by_line[11].value == "yesterday"
    assert by_line[13].field == "row" and "truncated last line" in by_line[13].reason
    landed = set(Incident.objects.filter(agency=agency_a).values_list("incident_number", flat=True))
    assert landed == {"JH200001", "JH200002", "JH200003", "JH200008", "JH200011"}
    assert Incident.objects.get(incident_number="JH200002").block_address == "300 S PEÑA ST"
    assert (result.rows_read, result.imported, result.rejected, result.exit_code) == (12, 5, 7, 1)
    batch = ImportBatch.objects.get()
    assert (batch.rows_total, batch.rows_imported, batch.rows_rejected, batch.status) == (12, 5, 7, "partial")
    stored = list(ImportRowError.objects.filter(batch=batch).values_list("line", "field"))
    assert sorted(stored) == sorted((e.line, e.field) for e in result.errors)
    report = list(csv.reader(io.StringIO(error_report_csv(result.errors))))
    assert report[0] == ["line", "field", "value", "reason"] and report[1][0] == "5" and len(report) == 8


def test_reimport_is_idempotent_and_changed_rows_update(agency_a: Agency, tmp_path: Path) -> None:
    first = run(agency_a, "chicago_sample.csv", "chicago")
    assert first.imported == 12
    ids = dict(Incident.objects.values_list("incident_number", "public_id"))
    counts = (Incident.objects.count(), Offense.objects.count(), Victim.objects.count())
    again = run(agency_a, "chicago_sample.csv", "chicago")
    assert (again.imported, again.unchanged, again.rejected, again.exit_code) == (0, 12, 0, 0)
    assert counts == (Incident.objects.count(), Offense.objects.count(), Victim.objects.count())
    edited = tmp_path / "edited.csv"
    prefix = "JH100003,01/03/2024 09:00:00 AM,004XX S DEARBORN ST,"
    edited.write_text((FIXTURES / "chicago_sample.csv").read_text().replace(prefix + "0820", prefix + "0610"))
    third = run_import(ImportOptions(path=edited, agency=agency_a, fmt="chicago"))
    assert (third.imported, third.unchanged) == (1, 11)
    changed = Incident.objects.get(incident_number="JH100003")
    assert changed.primary_offense == "220" and changed.public_id == ids["JH100003"]
    assert list(changed.offenses.values_list("code__code", flat=True)) == ["220"]
    assert counts == (Incident.objects.count(), Offense.objects.count(), Victim.objects.count())


def test_dry_run_writes_nothing(agency_a: Agency) -> None:
    events = AuditEvent.objects.count()
    result = run(agency_a, "bad_rows_chicago.csv", "chicago", dry_run=True, preview_rows=3)
    assert (result.imported, result.rejected) == (6, 6)  # no geography here, so the far point is fine
    assert len(result.preview) == 3 and result.batch is None
    assert not Incident.objects.exists() and not ImportBatch.objects.exists()
    assert AuditEvent.objects.count() == events


def test_strict_imports_nothing_when_any_row_is_rejected(agency_a: Agency) -> None:
    result = run(agency_a, "bad_rows_chicago.csv", "chicago", strict=True)
    assert result.status == "rejected" and result.exit_code == 2 and result.imported == 0
    assert not Incident.objects.exists()
    batch = ImportBatch.objects.get()
    assert batch.status == "rejected" and batch.errors.count() == len(result.errors) > 0
    clean = run(agency_a, "chicago_sample.csv", "chicago", strict=True)
    assert clean.imported == 12 and clean.exit_code == 0


def test_killed_midway_keeps_whole_batches_and_reruns(agency_a: Agency, monkeypatch: pytest.MonkeyPatch) -> None:
    kill_store_after_writes(monkeypatch, 2)  # killed after writing part of batch 2, before its commit
    with pytest.raises(KeyboardInterrupt):
        run(agency_a, "chicago_sample.csv", "chicago", batch_size=4)
    numbers = set(Incident.objects.values_list("incident_number", flat=True))
    assert numbers == {f"JH10000{i}" for i in range(1, 5)}  # batch 1 committed, batch 2 rolled back
    assert ImportBatch.objects.get().status == "failed"
    assert AuditEvent.objects.filter(action="import.batch").count() == 1
    monkeypatch.undo()
    rerun = run(agency_a, "chicago_sample.csv", "chicago", batch_size=4)
    assert (rerun.imported, rerun.unchanged, rerun.exit_code) == (8, 4, 0)
    assert Incident.objects.count() == 12
    assert verify_chain().ok


def test_batches_are_audited_with_counts(agency_a: Agency) -> None:
    result = run(agency_a, "chicago_sample.csv", "chicago", batch_size=5)
    events = list(AuditEvent.objects.filter(action="import.batch").order_by("seq"))
    assert [e.extra["inserted"] for e in events] == [5, 5, 2]
    assert all(e.object_id == str(result.batch.pk) and e.agency_ori == agency_a.ori for e in events)
    assert AuditEvent.objects.filter(action="import.start").count() == 1
    assert AuditEvent.objects.get(action="import.finish").extra["imported"] == 12


def test_analyst_of_another_agency_cannot_import(agency_a: Agency, agency_b: Agency) -> None:
    from safecity.conftest import make_persona
    from safecity.core.roles import Role

    bea = make_persona("bea", agency_b, Role.ANALYST)
    with pytest.raises(NotPermitted):
        run(agency_a, "chicago_sample.csv", "chicago", actor=bea)
    assert not Incident.objects.exists() and not ImportBatch.objects.exists()
    denied = AuditEvent.objects.get(action="import.start", outcome="denied")
    assert denied.actor_name == "bea" and denied.agency_ori == agency_a.ori
    ok = run(agency_b, "chicago_sample.csv", "chicago", actor=bea)
    assert ok.imported == 12 and ImportBatch.objects.get().started_by == bea


def test_own_analyst_can_import(ann_analyst: User, agency_a: Agency) -> None:
    assert run(agency_a, "nibrs_sample.txt", "nibrs", actor=ann_analyst).imported == 8


def test_unreadable_and_empty_files_fail_whole(agency_a: Agency, tmp_path: Path) -> None:
    from safecity.incidents.importers import ImportFailure

    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(ImportFailure, match="empty"):
        run_import(ImportOptions(path=empty, agency=agency_a, fmt="chicago"))
    wrong = tmp_path / "wrong.csv"
    shutil.copy(FIXTURES / "nypd_sample.csv", wrong)
    with pytest.raises(ImportFailure, match="Case Number"):
        run_import(ImportOptions(path=wrong, agency=agency_a, fmt="chicago"))
    assert not ImportBatch.objects.exists()


def test_clean_utf8_file_reports_width_errors_and_truncated_last_line(agency_a: Agency, tmp_path: Path) -> None:
    lines = (FIXTURES / "chicago_sample.csv").read_text(encoding="utf-8").splitlines()
    source = tmp_path / "cut.csv"
    short = ",".join(lines[2].split(",")[:5])
    source.write_text("\ufeff" + "\n".join([lines[0], lines[1], short, lines[3], lines[4][:40]]), encoding="utf-8")
    result = run_import(ImportOptions(path=source, agency=agency_a, fmt="chicago"))
    assert result.encoding == "utf-8" and result.imported == 2
    assert [(e.line, e.field) for e in result.errors] == [(3, "row"), (5, "row")]
    assert "truncated" not in result.errors[0].reason and "truncated last line" in result.errors[1].reason
