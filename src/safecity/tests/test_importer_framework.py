"""The importer framework with a second record type, defined here only: district boundaries from a CSV.

Proves that a record type plugged into `core.importing` gets, from declarations alone, what incidents get:
located errors, idempotency by content hash, history for changed rows, kill-safe batches, exit codes, the
command line, the web upload → preview → commit → result pages, and the API. It uses an existing model
(`core.District`) and the incident batch tables, and registers itself only for the duration of a test.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import include, path, reverse

from safecity.core import cli as core_cli
from safecity.core.importing import spec
from safecity.core.importing.api import register as register_api
from safecity.core.importing.cli import add_record_type
from safecity.core.importing.csvplan import CsvPlan
from safecity.core.importing.errors import ImportFailure, RowError, RowRejected
from safecity.core.importing.reading import SourceInfo
from safecity.core.importing.runner import run_import
from safecity.core.importing.spec import Format, ImportOptions, PreviewColumn, RecordType
from safecity.core.importing.store import ModelStore
from safecity.core.importing.views import urls as import_urls
from safecity.core.models import Agency, AuditEvent, District, ObjectChange, User
from safecity.core.roles import Module
from safecity.incidents.models import ImportBatch, ImportRowError

FIELDS = ("name", "population", "geometry", "min_lon", "min_lat", "max_lon", "max_lat")


class DistrictPlan(CsvPlan):
    columns = ("code", "name", "population", "west", "south", "east", "north")
    key_column = "code"
    key_label = "district code"
    layout = "district boundaries"

    def parse(self, line: int, row: dict[str, str]) -> dict[str, Any]:
        errors: list[RowError] = []
        population: int | None = None
        if row["population"].strip():
            try:
                population = int(row["population"])
            except ValueError:
                errors.append(RowError(line, "population", row["population"], "not a whole number"))
        box: list[float] = []
        for column in ("west", "south", "east", "north"):
            try:
                box.append(float(row[column]))
            except ValueError:
                errors.append(RowError(line, column, row[column], "not a number"))
        if not errors and (box[0] >= box[2] or box[1] >= box[3]):
            errors.append(RowError(line, "east", row["east"], "the box is empty (west ≥ east or south ≥ north)"))
        if errors:
            raise RowRejected(errors)
        west, south, east, north = box
        ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
        return {"name": row["name"].strip(), "population": population,
                "geometry": {"type": "Polygon", "coordinates": [ring]},
                "min_lon": west, "min_lat": south, "max_lon": east, "max_lat": north}


class DistrictImport(RecordType):
    name = "test-districts"
    noun = "district"
    plural = "districts"
    module = Module.INCIDENTS  # test-only: borrows the incident batch tables and their module
    url_namespace = "test_district_import"
    formats = (Format("csv", "District boundaries (CSV)"),)
    preview_columns = (PreviewColumn("line", "Line"), PreviewColumn("key", "Code"), PreviewColumn("name", "Name"))
    history_model = District

    @property
    def batch_model(self) -> type[ImportBatch]:
        return ImportBatch

    @property
    def error_model(self) -> type[ImportRowError]:
        return ImportRowError

    def plan(self, opts: ImportOptions, info: SourceInfo) -> DistrictPlan:
        return DistrictPlan(opts, info, ModelStore(District, opts.agency, "code", FIELDS))


DISTRICTS = DistrictImport()


def _api_urls() -> Any:
    from ninja import NinjaAPI, Router

    from safecity.api import api
    from safecity.core.api_auth import SessionAuth, TokenAuth

    test_api = NinjaAPI(urls_namespace="district-imports-test", auth=[TokenAuth(), SessionAuth()])
    for exc_class, handler in api._exception_handlers.items():
        test_api.add_exception_handler(exc_class, handler)
    router = Router()
    register_api(router, DISTRICTS, url_prefix="/api/v1/district-imports")
    test_api.add_router("/district-imports", router)
    return path("api/v1/", test_api.urls)


urlpatterns = [
    path("districts/import/", include((import_urls(DISTRICTS), DISTRICTS.url_namespace))),
    _api_urls(),
    path("", include("safecity.core.urls")),
]
pytestmark = pytest.mark.django_db

HEADER = "code,name,population,west,south,east,north\n"
GOOD = ("D1,North,120000,-90.0,41.0,-89.9,41.1\n"
        "D2,South,98000,-90.0,40.9,-89.9,41.0\n"
        "D3,East,,-89.9,40.9,-89.8,41.1\n")


@pytest.fixture
def registered() -> Iterator[DistrictImport]:
    spec.register(DISTRICTS)
    yield DISTRICTS
    spec.unregister(DISTRICTS.name)


def write(tmp_path: Path, text: str, name: str = "districts.csv") -> Path:
    target = tmp_path / name
    target.write_text(text, encoding="utf-8")
    return target


def test_import_rerun_change_and_history(agency_a: Agency, registered: DistrictImport, tmp_path: Path) -> None:
    source = write(tmp_path, HEADER + GOOD)
    first = run_import("test-districts", ImportOptions(path=source, agency=agency_a, fmt="csv"))
    assert (first.rows_read, first.imported, first.unchanged, first.rejected, first.exit_code) == (3, 3, 0, 0, 0)
    north = District.objects.get(agency=agency_a, code="D1")
    assert north.population == 120000 and north.contains(-89.95, 41.05)  # bounding box stored for lookups
    again = run_import(DISTRICTS, ImportOptions(path=source, agency=agency_a, fmt="csv"))
    assert (again.imported, again.unchanged, again.exit_code) == (0, 3, 0)  # idempotent by content hash
    changed = write(tmp_path, HEADER + GOOD.replace("North,120000", "North,125000"))
    third = run_import(DISTRICTS, ImportOptions(path=changed, agency=agency_a, fmt="csv"))
    assert (third.imported, third.unchanged) == (1, 2)
    assert District.objects.get(pk=north.pk).population == 125000  # updated in place, same row
    history = ObjectChange.objects.get(object_id=str(north.pk), action="update")
    assert (history.before["population"], history.after["population"]) == (120000, 125000)
    assert list(AuditEvent.objects.filter(action="import.batch").values_list("extra__history", flat=True)) == \
        [0, 0, 1]


def test_located_errors_duplicates_and_exit_codes(agency_a: Agency, registered: DistrictImport,
                                                  tmp_path: Path) -> None:
    text = HEADER + GOOD + "D4,West,many,-90,41,-89,42\nD1,North again,1,-90,41,-89,42\nD5,Empty,1,-89,41,-90,42\n"
    result = run_import(DISTRICTS, ImportOptions(path=write(tmp_path, text), agency=agency_a, fmt="csv"))
    assert (result.imported, result.rejected, result.exit_code) == (3, 3, 1)
    assert sorted((e.line, e.field, e.value) for e in result.errors) == [
        (5, "population", "many"), (6, "code", "D1"), (7, "east", "-90")]
    assert "duplicate district code in this file (first on line 2)" in {e.reason for e in result.errors}
    batch = result.batch
    assert (batch.rows_total, batch.rows_rejected, batch.status) == (6, 3, "partial")
    assert ImportRowError.objects.filter(batch=batch).count() == 3


def test_a_file_of_another_kind_is_refused_whole(agency_a: Agency, registered: DistrictImport,
                                                 tmp_path: Path) -> None:
    with pytest.raises(ImportFailure) as refused:
        run_import(DISTRICTS, ImportOptions(path=write(tmp_path, "a,b\n1,2\n"), agency=agency_a, fmt="csv"))
    assert refused.value.field == "FILE"
    assert refused.value.message.startswith("this does not look like a CSV with the columns of district "
                                            "boundaries (code, name, population, west, south, east, north): "
                                            "column 'code' is missing (found: a, b)")
    lines = HEADER + "".join(f"X{i}\n" for i in range(60))  # right header, no row of the right width
    with pytest.raises(ImportFailure) as garbage:
        run_import(DISTRICTS, ImportOptions(path=write(tmp_path, lines), agency=agency_a, fmt="csv"))
    assert "this does not look like a CSV with the columns of district boundaries" in garbage.value.message
    assert "expected 7 columns, found 1 (lines 2, 3, 4, 5, 6 …)" in garbage.value.message
    assert not ImportBatch.objects.exists() or ImportBatch.objects.get().status == "failed"
    assert not District.objects.exists()


def test_a_killed_run_keeps_whole_batches_and_the_rerun_finishes(
        agency_a: Agency, registered: DistrictImport, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = write(tmp_path, HEADER + "".join(f"K{i},Area {i},{i},-90,41,-89,42\n" for i in range(10)))
    real_write = ModelStore.write
    calls = {"n": 0}

    def dying_write(self: ModelStore, *args: Any) -> None:
        calls["n"] += 1
        real_write(self, *args)
        if calls["n"] == 2:
            raise KeyboardInterrupt  # killed after writing batch 2, before its commit

    monkeypatch.setattr(ModelStore, "write", dying_write)
    with pytest.raises(KeyboardInterrupt):
        run_import(DISTRICTS, ImportOptions(path=source, agency=agency_a, fmt="csv", batch_size=4))
    assert District.objects.count() == 4  # batch 1 only: batch 2 rolled back with its transaction
    assert ImportBatch.objects.get().status == "failed"
    monkeypatch.undo()
    rerun = run_import(DISTRICTS, ImportOptions(path=source, agency=agency_a, fmt="csv", batch_size=4))
    assert (rerun.imported, rerun.unchanged, rerun.exit_code) == (6, 4, 0)


def test_command_line_for_a_registered_type(agency_a: Agency, registered: DistrictImport, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    def register_type(sub: core_cli.Subparsers) -> None:
        add_record_type(sub, "test-districts", help="import districts", description="Districts.",
                        formats=("csv",), default_format="csv")

    parser: argparse.ArgumentParser = core_cli.build_parser(core_cli.register, register_type)
    bad = write(tmp_path, HEADER + GOOD + "D9,Bad,x,-90,41,-89,42\n")
    assert core_cli.run(parser, ["import", "test-districts", str(bad), "--agency", "zz0000001"]) == 1
    report = tmp_path / "districts.csv.errors.csv"
    assert "3 imported" in capsys.readouterr().out and report.is_file()
    assert core_cli.run(parser, ["import", "test-districts", str(write(tmp_path, HEADER + GOOD)),
                                 "--agency", "ZZ0000001"]) == 0
    assert not report.exists()  # a clean run removes the stale report of the earlier one
    assert core_cli.run(parser, ["import", "test-districts", str(write(tmp_path, "a,b\n1,2\n")),
                                 "--agency", "ZZ0000001"]) == 2
    assert "FILE: this does not look like a CSV with the columns of district boundaries" in capsys.readouterr().err


@pytest.mark.urls(__name__)
def test_pages_and_api_from_the_declaration(ann_analyst: User, agency_a: Agency, registered: DistrictImport,
                                            signed_in: Callable[[User], Client],
                                            api_token: Callable[[User], str]) -> None:
    client = signed_in(ann_analyst)
    page = client.get(reverse("test_district_import:upload"))
    assert page.status_code == 200 and b"Import districts" in page.content
    upload = SimpleUploadedFile("districts.csv", (HEADER + GOOD).encode())
    preview = client.post(reverse("test_district_import:upload"), {"agency": agency_a.pk, "fmt": "csv",
                                                                  "file": upload})
    body = preview.content.decode()
    assert preview.status_code == 200 and "3 would be imported" in body and ">North</td>" in body
    done = client.post(reverse("test_district_import:commit"), {"token": preview.context["token"]})
    assert done.status_code == 302 and District.objects.count() == 3
    result = client.get(done["Location"]).content.decode()
    assert "3 imported (new or changed)" in result
    garbage = client.post(reverse("test_district_import:upload"), {
        "agency": agency_a.pk, "fmt": "csv", "file": SimpleUploadedFile("notes.csv", b"a,b\n1,2\n")})
    assert garbage.status_code == 400
    assert "notes.csv: this does not look like a CSV with the columns of district boundaries" in \
        garbage.content.decode()
    api = Client().post("/api/v1/district-imports/", {
        "agency": agency_a.ori, "format": "csv", "dry_run": "true",
        "file": SimpleUploadedFile("d.csv", (HEADER + GOOD).encode())},
        HTTP_AUTHORIZATION=f"Bearer {api_token(ann_analyst)}")
    assert api.status_code == 200, api.content
    assert (api.json()["unchanged"], api.json()["batch"]) == (3, None)
