"""Mapping files (`--mapping`) for the policing importers: a bad setting is refused naming it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from safecity.core.importing.errors import ImportFailure
from safecity.policing.import_columns import load_mapping
from safecity.policing.importers_complaints import READS
from safecity.policing.imports_stops import load_stop_mapping

FIELDS = ("external_id", "started", "category")


@pytest.mark.parametrize(("spec", "where", "message"), [
    ('{"colums": {}}', "colums", "unknown setting; expected one of citation, columns, date_format, name, "
                                 "timestamp_format, values"),
    ('{"date_format": "YYYY"}', "date_format", "'YYYY' is not a strptime format"),
    ('{"columns": {"started": 3}}', "columns", "must be a table of field = column name"),
    ('{"values": {"category": "x"}}', "values", "must be a table per field of file value = our value"),
    ('{"columns": {"colour": "c"}}', "colour", "not a field this importer reads; expected one of external_id"),
])
def test_a_bad_mapping_names_the_setting(tmp_path: Path, spec: str, where: str, message: str) -> None:
    path = tmp_path / "m.json"
    path.write_text(spec)
    with pytest.raises(ImportFailure) as err:
        load_mapping(path, "--mapping", FIELDS)
    assert where in str(err.value) and message in str(err.value)


@pytest.mark.parametrize(("spec", "where", "message"), [
    ('{"timestamp_format": "%H"}', "timestamp_format", "unknown setting; expected one of citation, columns, "
                                                       "date_format, name, time_format, values"),
    ('{"time_format": "HH:MM"}', "time_format", "'HH:MM' is not a strptime format"),
    ('{"values": {"subject_race": 1}}', "values", "must be a table per OPP field of file value = OPP value"),
    ('{"columns": {"colour": "c"}}', "colour", "not an OPP field this importer reads; expected one of"),
])
def test_a_bad_stop_mapping_names_the_setting(tmp_path: Path, spec: str, where: str, message: str) -> None:
    path = tmp_path / "m.json"
    path.write_text(spec)
    with pytest.raises(ImportFailure) as err:
        load_stop_mapping(path)
    assert where in str(err.value) and message in str(err.value)


def test_values_are_recoded_and_the_stop_key_has_its_own_default(tmp_path: Path) -> None:
    path = tmp_path / "m.toml"
    path.write_text('[columns]\nstarted = "Start Time"\n[values.category]\n"EVID" = "evidentiary"\n')
    m = load_mapping(path, "--mapping", FIELDS)
    row: dict[str, Any] = {"Start Time": " 2026-01-01 10:00 ", "category": " evid "}
    assert (m.get(row, "started"), m.get(row, "category"), m.get(row, "external_id")) == (
        "2026-01-01 10:00", "evidentiary", "")
    stops = load_stop_mapping(None)
    assert (stops.column("stop_id"), stops.column("date"), stops.date_format) == ("raw_row_number", "date", "%Y-%m-%d")


def test_a_complaints_mapping_may_rename_the_detail_columns(tmp_path: Path) -> None:
    path = tmp_path / "m.toml"
    path.write_text('[columns]\nsummary = "Narrative"\nlocation = "Place"\ndistrict = "Area"\n'
                    'investigator_employee_id = "IA Investigator"\n')
    m = load_mapping(path, "--mapping", READS)
    row = {"Narrative": " Pushed. ", "Place": "Oak St", "Area": "2", "IA Investigator": "E5"}
    assert [m.get(row, f) for f in ("summary", "location", "district", "investigator_employee_id")] == [
        "Pushed.", "Oak St", "2", "E5"]
    path.write_text('[columns]\ninvestigator = "IA"\n')  # the column is named for the employee id
    with pytest.raises(ImportFailure) as err:
        load_mapping(path, "--mapping", READS)
    assert "investigator: not a field this importer reads" in str(err.value)
