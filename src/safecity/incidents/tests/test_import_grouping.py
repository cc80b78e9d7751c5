"""Rows of one incident merged (Chicago homicides, one row per victim) and the content_hash fingerprint."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from safecity.core.models import Agency
from safecity.incidents.importers import ImportFailure, ImportOptions, run_import
from safecity.incidents.models import Incident, Victim
from safecity.incidents.tests.test_import_formats import FIXTURES, run

pytestmark = pytest.mark.django_db

HEADER = (FIXTURES / "chicago_sample.csv").read_text().splitlines()[0]
VICTIM_1 = ('13400001,JH300001,03/02/2024 11:30:00 PM,012XX N STATE ST,0110,HOMICIDE,FIRST DEGREE MURDER,STREET,'
            'false,false,0111,001,42,32,01A,1176229,1908433,2024,03/22/2024 03:40:54 PM,41.904100000,'
            '-87.628100000,"(41.904100000, -87.628100000)"')
THEFT = ('13400002,JH300002,03/03/2024 09:00:00 AM,004XX S DEARBORN ST,0820,THEFT,$500 AND UNDER,STREET,false,'
         'false,0111,001,42,32,06,1176040,1898410,2024,03/22/2024 03:40:54 PM,41.876600000,-87.629100000,'
         '"(41.876600000, -87.629100000)"')
VICTIM_2 = VICTIM_1.replace("13400001,", "13400003,", 1)
VICTIM_3 = VICTIM_1.replace("13400001,", "13400004,", 1)


def write(tmp_path: Path, *rows: str, name: str = "crimes.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    return path


def chicago(agency: Agency, path: Path) -> object:
    return run_import(ImportOptions(path=path, agency=agency, fmt="chicago"))


def test_chicago_victim_rows_become_one_incident(agency_a: Agency, tmp_path: Path) -> None:
    # Victim rows need not be adjacent: the third comes after an unrelated row.
    path = write(tmp_path, VICTIM_1, VICTIM_2, THEFT, VICTIM_3)
    result = chicago(agency_a, path)
    assert (result.rows_read, result.imported, result.rejected) == (2, 2, 0), result.errors
    murder = Incident.objects.get(incident_number="JH300001")
    assert (murder.victim_count, murder.offense_count, murder.is_fatal) == (3, 1, True)
    victims = list(Victim.objects.filter(incident=murder).order_by("seq"))
    assert [v.seq for v in victims] == [1, 2, 3] and all(v.is_fatal for v in victims)
    assert Incident.objects.get(incident_number="JH300002").victim_count == 0
    again = chicago(agency_a, path)
    assert (again.imported, again.unchanged) == (0, 2)
    fewer = chicago(agency_a, write(tmp_path, VICTIM_1, VICTIM_2, THEFT, name="fewer.csv"))
    assert (fewer.imported, fewer.unchanged) == (1, 1)  # a victim row gone: the incident changed
    murder.refresh_from_db()
    assert murder.victim_count == 2 and Victim.objects.filter(incident=murder).count() == 2


def test_chicago_still_rejects_true_duplicates(agency_a: Agency, tmp_path: Path) -> None:
    moved = VICTIM_2.replace("03/02/2024 11:30:00 PM", "03/09/2024 10:00:00 AM")
    result = chicago(agency_a, write(tmp_path, VICTIM_1, VICTIM_1, moved))
    by_line = {e.line: e for e in result.errors}
    assert set(by_line) == {3, 4}
    assert "duplicate row" in by_line[3].reason and "line 2" in by_line[3].reason
    assert "different date" in by_line[4].reason and by_line[4].field == "Case Number"
    assert Incident.objects.get(incident_number="JH300001").victim_count == 1


def test_a_bad_row_in_a_group_is_rejected_alone(agency_a: Agency, tmp_path: Path) -> None:
    bad = VICTIM_2.replace(",0110,HOMICIDE", ",9999,HOMICIDE").replace(",01A,", ",99Z,")  # no code at all
    result = chicago(agency_a, write(tmp_path, VICTIM_1, bad, VICTIM_3))
    assert [e.line for e in result.errors] == [3] and result.errors[0].field == "IUCR"
    assert Incident.objects.get(incident_number="JH300001").victim_count == 2


def _custom(tmp_path: Path, **extra: object) -> Path:
    spec = json.loads((FIXTURES / "custom_mapping.json").read_text())
    path = tmp_path / "mapping.json"
    path.write_text(json.dumps({**spec, **extra}))
    return path


def test_generic_csv_groups_only_when_the_mapping_says_so(agency_a: Agency, tmp_path: Path) -> None:
    lines = (FIXTURES / "custom_sample.csv").read_text().splitlines()
    second_victim = lines[1].replace(",31,MALE,", ",29,FEMALE,")
    source = tmp_path / "rms.csv"
    source.write_text("\n".join([*lines, second_victim]) + "\n")
    plain = run_import(ImportOptions(path=source, agency=agency_a, fmt="csv", mapping_path=_custom(tmp_path)))
    assert plain.rejected == 1 and "duplicate incident number" in plain.errors[0].reason
    Incident.objects.all().delete()
    grouped = run_import(ImportOptions(path=source, agency=agency_a, fmt="csv",
                                       mapping_path=_custom(tmp_path, group_rows_by_incident=True)))
    assert (grouped.imported, grouped.rejected) == (12, 0), grouped.errors
    first = Incident.objects.get(incident_number="R-24-0001")
    assert sorted(first.victims.values_list("sex", "age")) == [("F", 29), ("M", 31)]


def test_group_setting_must_be_a_boolean(agency_a: Agency, tmp_path: Path) -> None:
    with pytest.raises(ImportFailure, match="group_rows_by_incident"):
        run_import(ImportOptions(path=FIXTURES / "custom_sample.csv", agency=agency_a, fmt="csv",
                                 mapping_path=_custom(tmp_path, group_rows_by_incident="yes")))


def test_fingerprint_is_stored_whole_in_content_hash(agency_a: Agency) -> None:
    run(agency_a, "chicago_sample.csv", "chicago")
    stored = set(Incident.objects.values_list("source", flat=True))
    hashes = list(Incident.objects.values_list("content_hash", flat=True))
    assert stored == {"chicago"}
    assert all(len(h) == 20 and int(h, 16) >= 0 for h in hashes) and len(set(hashes)) == 12


def test_rows_fingerprinted_in_source_before_content_hash_are_unchanged(agency_a: Agency) -> None:
    run(agency_a, "chicago_sample.csv", "chicago")
    full = dict(Incident.objects.values_list("incident_number", "content_hash"))
    for number, digest in full.items():  # what the importer wrote before content_hash existed
        Incident.objects.filter(incident_number=number).update(source=f"chicago:{digest}"[:20], content_hash="")
    again = run(agency_a, "chicago_sample.csv", "chicago")
    assert (again.imported, again.unchanged) == (0, 12)
    assert dict(Incident.objects.values_list("incident_number", "content_hash")) == full
    assert set(Incident.objects.values_list("source", flat=True)) == {"chicago"}
