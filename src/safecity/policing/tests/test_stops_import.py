"""`safecity import stops`: the OPP value rules, a mapping, located errors, idempotency, history, a killed run,
the command line's exit codes, and the data version raised by an import."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest

from safecity import cli
from safecity.core import actions as core_actions
from safecity.core import dataversion
from safecity.core.actors import SYSTEM
from safecity.core.importing.errors import ImportFailure
from safecity.core.importing.runner import run_import
from safecity.core.importing.spec import ImportOptions
from safecity.core.importing.store import ModelStore
from safecity.core.models import Agency, AuditEvent, ObjectChange
from safecity.policing.models import Stop, StopImportBatch, StopImportRowError
from safecity.policing.stops_opp import strictest_outcome
from safecity.policing.tests.factories import make_officer

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"
MAPPING = Path(__file__).resolve().parents[1] / "data" / "mappings" / "stops_example.toml"


def _box(west: float, south: float, east: float, north: float) -> dict[str, Any]:
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.fixture
def city(agency_a: Agency) -> Agency:
    d1 = core_actions.district_save(actor=SYSTEM, agency=agency_a, code="D1", name="North",
                                    geometry=_box(-87.92, 41.80, -87.90, 41.82))
    core_actions.district_save(actor=SYSTEM, agency=agency_a, code="D2", name="South",
                               geometry=_box(-87.86, 41.84, -87.84, 41.86))
    core_actions.beat_save(actor=SYSTEM, district=d1, code="B11", name="Beat 11",
                           geometry=_box(-87.92, 41.80, -87.90, 41.82))
    make_officer(agency_a, employee_id="E-1")
    make_officer(agency_a, employee_id="E-2")
    return agency_a


def _run(path: Path, agency: Agency, **kwargs: Any) -> Any:
    return run_import("stops", ImportOptions(path=path, agency=agency, fmt="opp", **kwargs))


def test_strictest_outcome_order() -> None:
    assert strictest_outcome(True, True, True) == "arrest"
    assert strictest_outcome(False, True, True) == "citation"
    assert strictest_outcome(None, None, True, given="summons") == "warning"
    assert strictest_outcome(None, None, None, given="summons") == "summons"
    assert strictest_outcome(False, False, False) == ""


def test_opp_file_applies_the_opp_value_rules(city: Agency) -> None:
    result = _run(FIXTURES / "stops_opp.csv", city)
    assert (result.rows_read, result.imported, result.rejected, result.exit_code) == (5, 5, 0, 0)
    stops = {s.stop_id: s for s in Stop.objects.filter(agency=city).select_related("district", "beat", "officer")}
    first = stops["1001"]
    assert (first.date, first.time) == (dt.date(2024, 3, 2), dt.time(8, 15))
    assert (first.district.code, first.beat.code) == ("D1", "B11")  # located from lat/lng
    assert (first.subject_race, first.subject_sex, first.subject_age) == ("white", "male", 34)
    assert first.officer.employee_id == "E-1"
    assert (first.outcome, first.search_conducted, first.contraband_found, first.search_basis) == \
        ("citation", False, None, "")
    assert (stops["1002"].search_basis, stops["1002"].contraband_found, stops["1002"].outcome) == \
        ("consent", False, "warning")
    third = stops["1003"]
    assert third.subject_age is None  # 8 is outside 10–110: not recorded
    assert third.district.code == "D2" and third.beat is None  # given as a code
    assert third.outcome == "arrest"  # arrest and citation both made: the strictest
    assert third.search_basis == "probable cause"  # searched with no reason given
    assert third.contraband_found is True and third.type == "pedestrian"
    fourth = stops["1004"]
    assert (fourth.time, fourth.lat, fourth.district, fourth.officer) == (None, None, None, None)
    assert fourth.contraband_found is None and fourth.outcome == "citation"
    fifth = stops["1005"]
    assert (fifth.subject_age, fifth.subject_race, fifth.subject_sex, fifth.outcome) == (None, "other", "", "")
    batch = StopImportBatch.objects.get()
    assert (batch.rows_imported, batch.status) == (5, "done")


def test_mapping_renames_columns_and_recodes_values(city: Agency) -> None:
    result = _run(FIXTURES / "stops_city.csv", city, mapping_path=MAPPING)
    assert (result.imported, result.rejected, result.exit_code) == (3, 0, 0)
    stops = {s.stop_id: s for s in Stop.objects.filter(agency=city)}
    assert stops["A-1"].subject_race == "white" and stops["A-1"].date == dt.date(2024, 3, 2)
    assert stops["A-2"].subject_race == "hispanic"  # ethnicity H overrides race W
    assert stops["A-2"].search_conducted is True and stops["A-2"].search_basis == "probable cause"
    assert (stops["A-3"].subject_race, stops["A-3"].type, stops["A-3"].outcome) == ("black", "pedestrian", "arrest")
    assert stops["A-1"].officer is not None and stops["A-3"].officer is None


def test_bad_rows_are_located_and_good_rows_kept(city: Agency, tmp_path: Path) -> None:
    text = (FIXTURES / "stops_opp.csv").read_text()
    bad = [
        "2001,2024-13-01,08:00,,,,,,30,white,male,,vehicular,,,,,,,,,,,,",
        "2002,2024-03-01,25:99,,,,,,30,martian,male,,vehicular,,,,,,,,,,,,",
        "2003,2024-03-01,08:00,,,,D9,,30,black,male,E-99,vehicular,,,,,,,,,,maybe,,",
        "1001,2024-03-01,08:00,,,,,,30,black,male,,vehicular,,,,,,,,,,,,",
    ]
    source = tmp_path / "stops.csv"
    source.write_text(text + "\n".join(bad) + "\n")
    result = _run(source, city)
    assert (result.imported, result.rejected, result.exit_code) == (5, 4, 1)
    found = sorted((e.line, e.field, e.value) for e in result.errors)
    assert found == [(7, "date", "2024-13-01"), (8, "subject_race", "martian"), (8, "time", "25:99"),
                     (9, "district", "D9"), (9, "officer_id", "E-99"), (9, "search_conducted", "maybe"),
                     (10, "raw_row_number", "1001")]
    assert StopImportRowError.objects.count() == 7
    assert Stop.objects.filter(agency=city).count() == 5


def test_rerun_unchanged_then_a_changed_row_with_history_and_data_version(city: Agency, tmp_path: Path) -> None:
    source = tmp_path / "stops.csv"
    shutil.copy(FIXTURES / "stops_opp.csv", source)
    _run(source, city)
    again = _run(source, city)
    assert (again.imported, again.unchanged, again.exit_code) == (0, 5, 0)
    version = dataversion.versions([city.pk])
    source.write_text(source.read_text().replace("1002,2024-03-02,19:40:00,OAK ST", "1002,2024-03-02,19:45:00,OAK ST"))
    third = _run(source, city)
    assert (third.imported, third.unchanged) == (1, 4)
    stop = Stop.objects.get(agency=city, stop_id="1002")
    assert stop.time == dt.time(19, 45)
    change = ObjectChange.objects.get(object_id=str(stop.pk), action="update")
    assert (change.before["time"], change.after["time"]) == ("19:40:00", "19:45:00")
    assert dataversion.versions([city.pk]) != version  # cached equity results are not served stale
    assert list(AuditEvent.objects.filter(action="import.batch").order_by("seq")
                .values_list("extra__history", flat=True)) == [0, 0, 1]


def test_a_killed_run_keeps_whole_batches(city: Agency, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    header = (FIXTURES / "stops_opp.csv").read_text().splitlines()[0]
    rows = [f"K{i},2024-03-0{1 + i % 9},10:00,,,,,,30,white,male,,vehicular,,,,,,,,,,FALSE,," for i in range(10)]
    source = tmp_path / "stops.csv"
    source.write_text(header + "\n" + "\n".join(rows) + "\n")
    real_write = ModelStore.write
    calls = {"n": 0}

    def dying_write(self: ModelStore, *args: Any) -> None:
        calls["n"] += 1
        real_write(self, *args)
        if calls["n"] == 2:
            raise KeyboardInterrupt  # killed after writing batch 2, before its commit

    monkeypatch.setattr(ModelStore, "write", dying_write)
    with pytest.raises(KeyboardInterrupt):
        _run(source, city, batch_size=4)
    assert Stop.objects.filter(agency=city).count() == 4  # batch 1 only
    monkeypatch.setattr(ModelStore, "write", real_write)
    rerun = _run(source, city, batch_size=4)
    assert (rerun.imported, rerun.unchanged) == (6, 4)
    assert Stop.objects.filter(agency=city).count() == 10


def test_bad_mapping_and_wrong_file_are_refused_whole(city: Agency, tmp_path: Path) -> None:
    mapping = tmp_path / "m.toml"
    mapping.write_text('[columns]\nsubject_colour = "RACE"\n')
    with pytest.raises(ImportFailure) as refused:
        _run(FIXTURES / "stops_opp.csv", city, mapping_path=mapping)
    assert refused.value.field == "--mapping: subject_colour"
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n")
    with pytest.raises(ImportFailure) as wrong:
        _run(other, city)
    assert "column 'raw_row_number' is missing" in wrong.value.message
    assert not Stop.objects.exists()


def test_command_line_exit_codes(city: Agency, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "stops.csv"
    shutil.copy(FIXTURES / "stops_opp.csv", source)
    assert cli.main(["import", "stops", str(source), "--agency", city.ori, "--dry-run"]) == 0
    assert not Stop.objects.exists()
    assert cli.main(["import", "stops", str(source), "--agency", city.ori]) == 0
    assert Stop.objects.filter(agency=city).count() == 5
    assert Stop.objects.filter(agency=city, officer__isnull=False).count() == 4  # linked for the CLI actor too
    source.write_text(source.read_text() + "3001,yesterday,,,,,,,,white,,,,,,,,,,,,,,,\n")
    assert cli.main(["import", "stops", str(source), "--agency", city.ori]) == 1
    assert cli.main(["import", "stops", str(source), "--agency", "NOPE"]) == 2
    assert "--agency" in capsys.readouterr().err


def test_web_upload_preview_commit_and_api(city: Agency, persona: Any, api_token: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from safecity.conftest import verified_client
    from safecity.core.roles import Role

    admin = persona(Role.ADMIN)
    client = verified_client(admin)
    upload = SimpleUploadedFile("stops.csv", (FIXTURES / "stops_opp.csv").read_bytes())
    preview = client.post("/m/policing/stops/import/", {"agency": city.pk, "fmt": "opp", "file": upload})
    body = preview.content.decode()
    assert preview.status_code == 200 and "5 would be imported" in body and ">1003</td>" in body
    assert not Stop.objects.exists()  # the preview is a dry run
    done = client.post("/m/policing/stops/import/commit/", {"token": preview.context["token"]})
    assert done.status_code == 302 and Stop.objects.filter(agency=city).count() == 5
    api = Client().post("/api/v1/policing/stops/imports/", {
        "agency": city.ori, "format": "opp", "dry_run": "true",
        "file": SimpleUploadedFile("s.csv", (FIXTURES / "stops_opp.csv").read_bytes())},
        HTTP_AUTHORIZATION=f"Bearer {api_token(admin)}")
    assert api.status_code == 200, api.content
    assert api.json()["unchanged"] == 5
    analyst = persona(Role.ANALYST)
    refused = Client().post("/api/v1/policing/stops/imports/", {
        "agency": city.ori, "format": "opp", "file": SimpleUploadedFile("s.csv", b"raw_row_number\n")},
        HTTP_AUTHORIZATION=f"Bearer {api_token(analyst)}")
    assert refused.status_code == 403


def test_standardise_infers_search_and_contraband_from_their_parts() -> None:
    from safecity.policing.stops_opp import ValueProblems, standardise

    base = {"date": "2024-01-02", "subject_race": "Other/Unknown"}
    v = standardise({**base, "search_vehicle": "TRUE", "contraband_weapons": "TRUE", "subject_age": "110"})
    assert (v["search_conducted"], v["contraband_found"], v["search_basis"]) == (True, True, "probable cause")
    assert (v["subject_race"], v["subject_age"]) == ("other", 110)  # 110 is still in range
    v = standardise({**base, "contraband_found": "TRUE", "search_basis": "consent"})
    assert (v["search_conducted"], v["contraband_found"], v["search_basis"]) == (None, None, "")
    v = standardise({**base, "subject_race": "white", "subject_ethnicity": "H", "outcome": "summons",
                     "warning_issued": "TRUE"})
    assert (v["subject_race"], v["outcome"]) == ("hispanic", "warning")
    with pytest.raises(ValueProblems) as bad:
        standardise({"date": "2024-01-02", "subject_race": "white", "lat": "41.8"})
    assert [(p.field, p.reason) for p in bad.value.problems] == [("lng", "lat and lng must be given together")]
    with pytest.raises(ValueProblems) as future:
        standardise({**base, "date": "2030-01-01"}, today=dt.date(2026, 1, 1))
    assert future.value.problems[0].field == "date"
