"""Issue 7, performance: parsing in a worker process, COPY on PostgreSQL, and NUL refused on every database.

The fast paths must not change what lands: every test here compares them with the plain path on the same
file, row for row, or shows the located error a bad line gets.
"""

from __future__ import annotations

import csv
import json
import multiprocessing
import os
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import override_settings

from safecity.core.audit import verify_chain
from safecity.core.models import Agency, AuditEvent
from safecity.incidents.importers import ImportFailure, ImportOptions, ImportResult, run_import
from safecity.incidents.importers.mapping import RowParser
from safecity.incidents.importers.store import IncidentStore
from safecity.incidents.models import Arrestee, ImportBatch, Incident, Offender, Offense, Property, Victim
from safecity.incidents.tests.factories import kill_store_after_writes
from safecity.incidents.tests.test_import_formats import FIXTURES, add_loop_geography

pytestmark = pytest.mark.django_db
IN_WORKER = override_settings(IMPORT_WORKER_MIN_BYTES=0)
IN_PROCESS = override_settings(IMPORT_WORKER_MIN_BYTES=-1)
# What differs between two imports of the same rows by design: keys, random public ids, clocks, batches.
VOLATILE = {"id", "public_id", "created", "last_updated", "import_batch_id", "incident_id", "agency_id"}


def snapshot(agency: Agency) -> dict[str, list[dict[str, Any]]]:
    """Every stored value of an agency's incidents and their children, in a stable order."""
    def rows(model: Any, order: tuple[str, ...]) -> list[dict[str, Any]]:
        found = model.objects.filter(agency=agency).order_by(*order)
        out = []
        for row in found.values(*(f.attname for f in model._meta.concrete_fields),
                                *(() if model is Incident else ("incident__incident_number",))):
            out.append({k: v for k, v in row.items() if k not in VOLATILE})
        return out

    snap = {"incident": rows(Incident, ("incident_number",))}
    for model in (Offense, Victim, Offender, Arrestee, Property):
        snap[model.__name__] = rows(model, ("incident__incident_number", "seq"))
    return snap


def import_file(agency: Agency, path: Path, fmt: str, **kwargs: Any) -> ImportResult:
    return run_import(ImportOptions(path=path, agency=agency, fmt=fmt, **kwargs))


def errors_of(result: ImportResult) -> list[tuple[int, str, str, str]]:
    return sorted((e.line, e.field, e.value, e.reason) for e in result.errors)


@pytest.mark.parametrize(("name", "fmt"), [("bad_rows_chicago.csv", "chicago"), ("nibrs_sample.txt", "nibrs")])
def test_worker_process_parses_and_the_same_rows_errors_and_counts_land(
        agency_a: Agency, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, fmt: str) -> None:
    if not (FIXTURES / name).exists():
        pytest.skip(f"no fixture {name}")
    add_loop_geography(agency_a)
    with IN_PROCESS:
        plain = import_file(agency_a, FIXTURES / name, fmt, batch_size=3, preview_rows=2)
    expected = snapshot(agency_a)
    Incident.objects.filter(agency=agency_a).delete()

    # Prove the rows really were parsed in another process: the parser notes its process id.
    pids = tmp_path / "pids"
    real_parse = RowParser.parse

    def noting_parse(self: RowParser, line: int, row: dict[str, str]) -> Any:
        with pids.open("a") as out:
            out.write(f"{os.getpid()}\n")
        return real_parse(self, line, row)

    monkeypatch.setattr(RowParser, "parse", noting_parse)
    if fmt == "nibrs":
        from safecity.incidents.importers.nibrs import NibrsSource

        real_records = NibrsSource.records

        def noting_records(self: NibrsSource) -> Any:
            for record in real_records(self):  # a generator: runs where the records are read
                with pids.open("a") as out:
                    out.write(f"{os.getpid()}\n")
                yield record

        monkeypatch.setattr(NibrsSource, "records", noting_records)
    with IN_WORKER:
        forked = import_file(agency_a, FIXTURES / name, fmt, batch_size=3, preview_rows=2)
    seen = {int(p) for p in pids.read_text().split()}
    assert seen and os.getpid() not in seen
    assert snapshot(agency_a) == expected
    assert errors_of(forked) == errors_of(plain)
    assert (forked.rows_read, forked.imported, forked.unchanged, forked.rejected, forked.exit_code) == \
        (plain.rows_read, plain.imported, plain.unchanged, plain.rejected, plain.exit_code)
    assert forked.preview == plain.preview
    batches = list(ImportBatch.objects.order_by("pk"))
    assert [(b.rows_total, b.rows_imported, b.rows_rejected, b.status) for b in batches[1:]] == \
        [(b.rows_total, b.rows_imported, b.rows_rejected, b.status) for b in batches[:1]]
    assert not multiprocessing.active_children()
    assert verify_chain().ok


def test_worker_rerun_is_idempotent(agency_a: Agency) -> None:
    with IN_WORKER:
        first = import_file(agency_a, FIXTURES / "chicago_sample.csv", "chicago", batch_size=5)
        again = import_file(agency_a, FIXTURES / "chicago_sample.csv", "chicago", batch_size=5)
    assert (first.imported, again.imported, again.unchanged, again.exit_code) == (12, 0, 12, 0)
    assert [e.extra["inserted"] for e in AuditEvent.objects.filter(action="import.batch").order_by("seq")][:3] == \
        [5, 5, 2]


def test_killed_writer_keeps_whole_batches_and_stops_the_worker(agency_a: Agency,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    kill_store_after_writes(monkeypatch, 2)  # killed after writing part of batch 2, before its commit
    with IN_WORKER, pytest.raises(KeyboardInterrupt):
        import_file(agency_a, FIXTURES / "chicago_sample.csv", "chicago", batch_size=4)
    assert not multiprocessing.active_children()  # the parsing process was stopped with the run
    assert Incident.objects.count() == 4 and ImportBatch.objects.get().status == "failed"
    monkeypatch.undo()
    with IN_WORKER:
        rerun = import_file(agency_a, FIXTURES / "chicago_sample.csv", "chicago", batch_size=4)
    assert (rerun.imported, rerun.unchanged, rerun.exit_code) == (8, 4, 0)


def test_a_worker_that_dies_fails_the_run_clearly_and_keeps_committed_batches(
        agency_a: Agency, monkeypatch: pytest.MonkeyPatch) -> None:
    real_parse = RowParser.parse

    def dying_parse(self: RowParser, line: int, row: dict[str, str]) -> Any:
        if line == 8:
            os._exit(3)  # the parsing process is killed (out of memory, say) mid-file
        return real_parse(self, line, row)

    monkeypatch.setattr(RowParser, "parse", dying_parse)
    with IN_WORKER, pytest.raises(ImportFailure) as failure:
        import_file(agency_a, FIXTURES / "chicago_sample.csv", "chicago", batch_size=4)
    assert failure.value.field == "worker" and "exit code 3" in failure.value.message
    assert Incident.objects.count() == 4  # the first batch (lines 2-5) was committed before the child died
    assert ImportBatch.objects.get().status == "failed"


def _nul_file(tmp_path: Path) -> Path:
    path = tmp_path / "nul.csv"
    rows = [["number", "occurred", "code", "weapon", "address", "lat", "lon", "victim_age", "victim_sex"],
            ["N1", "2024-03-01T10:00", "13A", "", "1 N MAIN ST", "", "", "30", "M"],
            ["N2", "2024-03-01T11:00", "13A", "12\x00", "2 N MAIN ST", "", "", "30", "F"],
            ["N3", "2024-03-01T12:00", "120", "", "3 N MAIN ST", "", "", "", ""]]
    path.write_text("".join(",".join(r) + "\n" for r in rows), encoding="utf-8")
    return path


MAPPING = {"name": "speed", "citation": "Test data.", "incident_number": "number",
           "occurred_from": {"column": "occurred", "formats": ["iso"]}, "block_address": "address",
           "offense": "code", "weapon": "weapon", "victim": {"age": "victim_age", "sex": "victim_sex"},
           "coordinates": {"latitude": "lat", "longitude": "lon"}}


@pytest.mark.parametrize("settings_", [IN_PROCESS, IN_WORKER], ids=["in-process", "worker"])
def test_a_line_with_a_nul_is_a_located_error_on_every_database(agency_a: Agency, tmp_path: Path,
                                                               settings_: Any) -> None:
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps(MAPPING))
    with settings_:
        result = import_file(agency_a, _nul_file(tmp_path), "csv", mapping_path=mapping)
    assert [(e.line, e.field) for e in result.errors] == [(3, "encoding")]
    assert "NUL" in result.errors[0].reason and "\x00" not in result.errors[0].value
    assert (result.imported, result.rejected, result.exit_code) == (2, 1, 1)
    assert sorted(Incident.objects.values_list("incident_number", flat=True)) == ["N1", "N3"]
    assert ImportBatch.objects.get().errors.get().line == 3


# Text a COPY stream must escape (tab, backslash, newline, carriage return, "\N"), unicode, and values
# that are NULL (no coordinates, no age) next to ones that are empty text (no sex, no address).
AWKWARD = [
    ["A\tTAB", "2024-03-01T10:00", "13A", "TAB\tWEAPON", "1 N MAIN ST", "41.88", "-87.63", "30", "M"],
    ["B\\SLASH", "2024-03-01T11:00", "13A", "BACK\\SLASH\\N", "", "", "", "", ""],
    ["C\nNEWLINE", "2024-03-01T12:00", "120", "LINE\nBREAK\rCR", "3 N Ñ ST", "", "", "17", "F"],
    ["D ÜNICODE 東京", "2024-03-01T13:00", "09A", "Ω", "4 N 東京 ST", "0", "0", "NB", "U"],
    ["E\\N", "2024-03-01T14:00", "220", "\\.", "5 N MAIN ST", "41.8", "-87.6", "99", "X"],
]


def _awkward_file(tmp_path: Path) -> tuple[Path, Path]:
    path = tmp_path / "awkward.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["number", "occurred", "code", "weapon", "address", "lat", "lon", "victim_age", "victim_sex"])
        out.writerows(AWKWARD)
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps(MAPPING))
    return path, mapping


@pytest.mark.postgres
def test_copy_and_executemany_store_identical_rows(agency_a: Agency, agency_b: Agency, tmp_path: Path) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("COPY is the PostgreSQL path")
    path, mapping = _awkward_file(tmp_path)
    with override_settings(IMPORT_POSTGRES_COPY=False):
        assert not IncidentStore(agency_b.pk, "csv", {}).use_copy
        plain = import_file(agency_b, path, "csv", mapping_path=mapping)
    assert IncidentStore(agency_a.pk, "csv", {}).use_copy
    copied = import_file(agency_a, path, "csv", mapping_path=mapping)
    assert (copied.imported, plain.imported, copied.rejected) == (5, 5, 0), copied.errors
    expected, got = snapshot(agency_b), snapshot(agency_a)
    assert got == expected
    numbers = [r["incident_number"] for r in got["incident"]]
    assert numbers == sorted(r[0] for r in AWKWARD)  # the text arrived exactly, escapes and all
    weapons = {r["incident__incident_number"]: r["weapon_codes"] for r in got["Offense"]}
    assert weapons["B\\SLASH"] == ["BACK\\SLASH\\N"] and weapons["C\nNEWLINE"] == ["LINE\nBREAK\rCR"]
    incident = {r["incident_number"]: r for r in got["incident"]}
    assert incident["B\\SLASH"]["latitude"] is None and incident["B\\SLASH"]["block_address"] == ""
    victims = {r["incident__incident_number"]: r for r in got["Victim"]}
    assert victims["A\tTAB"]["age"] == 30 and victims["D ÜNICODE 東京"]["age"] == 0
    # a changed re-import goes through the same paths (update plus children re-inserted by COPY)
    changed = [list(r) for r in AWKWARD]
    changed[0][3] = "NEW\tWEAPON"
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["number", "occurred", "code", "weapon", "address", "lat", "lon", "victim_age", "victim_sex"])
        out.writerows(changed)
    with override_settings(IMPORT_POSTGRES_COPY=False):
        again_plain = import_file(agency_b, path, "csv", mapping_path=mapping)
    again_copied = import_file(agency_a, path, "csv", mapping_path=mapping)
    assert (again_copied.imported, again_copied.unchanged) == (again_plain.imported, again_plain.unchanged) == (1, 4)
    assert snapshot(agency_a) == snapshot(agency_b)
