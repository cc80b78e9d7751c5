"""Incident facts are derived once (incidents.facts): each rule, and the same rows by hand, by import and by demo."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from safecity.core.actors import SYSTEM
from safecity.core.models import Agency
from safecity.core.roles import Sensitivity
from safecity.incidents import facts
from safecity.incidents.actions import OffenseIn, VictimIn, incident_create
from safecity.incidents.codes import read_code_rows
from safecity.incidents.importers import ImportOptions, run_import
from safecity.incidents.models import Incident
from safecity.incidents.tests.factories import geography

TABLE = {r["code"]: SimpleNamespace(crime_against=r["crime_against"], group=r["group"],
                                    is_violent=r["is_violent"] == "1") for r in read_code_rows()}
JUVENILE, IDENTIFYING = int(Sensitivity.JUVENILE), int(Sensitivity.VICTIM_IDENTIFYING)


def derive(offenses: list[tuple[str, list[str]]], victims: list[facts.VictimValues] | None = None,
           **people: Any) -> facts.IncidentFacts:
    return facts.derive(offenses=offenses, victims=victims or [], table=TABLE, **people)


def aged(*ages: int | None) -> list[SimpleNamespace]:
    return [SimpleNamespace(age=a) for a in ages]


# ---- each rule, on plain values ---------------------------------------------------------------------


@pytest.mark.parametrize(("codes", "primary"), [
    (["13A", "120"], "120"),  # robbery outranks aggravated assault in the Summary hierarchy
    (["23H", "220", "290"], "220"),  # burglary before larceny; vandalism is not Part I
    (["35A", "13B"], "13B"),  # neither Part I: a crime against a person before one against society
    (["90Z", "35A"], "35A"),  # Group A before Group B
    (["240", "09A"], "09A"),
    (["26A", "23C"], "23C"),
])
def test_primary_offense_follows_the_hierarchy(codes: list[str], primary: str) -> None:
    assert derive([(c, []) for c in codes]).primary_offense == primary


def test_shooting_needs_a_firearm_in_a_crime_against_a_person_or_a_robbery() -> None:
    assert derive([("13A", ["12"])]).is_shooting
    assert derive([("120", ["11A"])]).is_shooting  # robbery, automatic firearm
    assert not derive([("13A", ["20"])]).is_shooting  # knife
    assert not derive([("220", ["12"])]).is_shooting  # a gun at a burglary shoots nobody
    mixed = derive([("220", ["12"]), ("13A", ["40"])])
    assert mixed.is_firearm and not mixed.is_shooting and mixed.offense_firearm == (True, False)


def test_only_person_victims_are_shot() -> None:
    victims = [facts.VictimValues("I", 30, ("13A",)), facts.VictimValues("B", None, ("13A",)),
               facts.VictimValues("L", 41, ("13A",)), facts.VictimValues("S", None, ("13A",))]
    assert derive([("13A", ["12"])], victims).victim_shot == (True, False, True, False)
    assert derive([("13A", ["40"])], victims).victim_shot == (False,) * 4


def test_fatal_needs_a_murder_and_a_victim_and_marks_the_murder_victims() -> None:
    assert not derive([("09A", [])]).is_fatal
    victims = [facts.VictimValues("I", 30, ("09A",)), facts.VictimValues("I", 28, ("13A",)),
               facts.VictimValues("I", 50, ())]
    found = derive([("09A", ["12"]), ("13A", ["12"])], victims)
    assert found.is_fatal and found.victim_fatal == (True, False, True)
    assert derive([("13A", [])], victims).victim_fatal == (False, False, False)


def test_labels_victim_identifying_and_juvenile_from_victims_offenders_and_arrestees() -> None:
    adult = [facts.VictimValues("I", 30, ())]
    assert derive([("11A", [])], adult).sensitivity == IDENTIFYING
    assert derive([("36A", [])], adult).sensitivity == IDENTIFYING
    assert derive([("13A", [])], adult).sensitivity == 0
    assert derive([("13A", [])], [facts.VictimValues("I", 17, ())]).sensitivity == JUVENILE
    assert derive([("13A", [])], adult, offenders=aged(None, 15)).sensitivity == JUVENILE
    assert derive([("13A", [])], adult, arrestees=aged(16)).sensitivity == JUVENILE
    assert derive([("13A", [])], adult, offenders=aged(18), arrestees=aged(None)).sensitivity == 0
    assert derive([("11B", [])], [facts.VictimValues("I", 0, ())]).sensitivity == IDENTIFYING | JUVENILE  # infant


# ---- incident_create used to disagree with the importer --------------------------------------------

WHEN = dt.datetime(2025, 5, 1, 21, 15, tzinfo=ZoneInfo("America/Chicago"))


def create(agency: Agency, number: str, offenses: list[OffenseIn], victims: list[VictimIn], **kw: Any) -> Incident:
    return incident_create(actor=SYSTEM, agency=agency, incident_number=number, occurred_from=WHEN,
                           offenses=offenses, victims=victims, **kw)


@pytest.mark.django_db
def test_incident_create_takes_the_primary_offense_from_the_hierarchy(agency_a: Agency) -> None:
    incident = create(agency_a, "H-1", [OffenseIn("13A", weapon_codes=["20"]), OffenseIn("120")], [VictimIn()])
    assert incident.primary_offense == "120"


@pytest.mark.django_db
def test_incident_create_derives_the_privacy_labels(agency_a: Agency) -> None:
    juvenile = create(agency_a, "H-2", [OffenseIn("13A")], [VictimIn(age=15)])
    assert juvenile.sensitivity == JUVENILE
    rape = create(agency_a, "H-3", [OffenseIn("11A")], [VictimIn(age=30, sex="F")])
    assert rape.sensitivity == IDENTIFYING
    # A label the caller adds on top (criminal intelligence) is kept with the derived ones.
    both = create(agency_a, "H-4", [OffenseIn("11A")], [VictimIn(age=12)],
                  sensitivity=Sensitivity.CRIMINAL_INTELLIGENCE)
    assert both.sensitivity == IDENTIFYING | JUVENILE | int(Sensitivity.CRIMINAL_INTELLIGENCE)


@pytest.mark.django_db
def test_incident_create_marks_only_person_victims_shot(agency_a: Agency) -> None:
    incident = create(agency_a, "H-5", [OffenseIn("120", weapon_codes=["12"])],
                      [VictimIn(victim_type="I", age=40), VictimIn(victim_type="B")])
    assert incident.is_shooting
    assert list(incident.victims.order_by("seq").values_list("victim_type", "is_shot")) == [("I", True), ("B", False)]
    unarmed = create(agency_a, "H-6", [OffenseIn("13A", weapon_codes=["40"])], [VictimIn(age=40)])
    assert not unarmed.victims.get().is_shot


# ---- one input, three doors, the same rows ---------------------------------------------------------

MAPPING = {
    "name": "facts-test", "timezone": "America/Chicago", "incident_number": "number",
    "occurred_from": {"column": "occurred", "formats": ["%Y-%m-%d %H:%M"]},
    "offense": {"column": "offense"}, "extra_offenses": [{"column": "offense2"}],
    "weapon": {"column": "weapon"},
    "victim": {"age": "victim_age", "sex": "victim_sex"},
    "coordinates": {"latitude": "lat", "longitude": "lon"},
}
# (number suffix, offenses with one weapon for all, victim age, sex): an armed robbery with an aggravated
# assault listed first and a 16-year-old victim; a rape; a murder.
CASES = [("1", ["13A", "120"], "12", 16, "M"), ("2", ["11A"], "", 30, "F"), ("3", ["09A"], "14", 22, "M")]
INCIDENT_FIELDS = ("occurred_from", "occurred_date", "latitude", "longitude", "district_id", "beat_id",
                   "is_firearm", "is_violent", "is_shooting", "is_fatal", "victim_count", "offense_count",
                   "primary_offense", "sensitivity")


def rows(number: str) -> tuple[Any, ...]:
    incident = Incident.objects.get(incident_number=number)
    return (
        {f: getattr(incident, f) for f in INCIDENT_FIELDS},
        list(incident.offenses.order_by("seq").values_list(
            "seq", "code__code", "occurred_date", "weapon_codes", "is_firearm", "attempted")),
        list(incident.victims.order_by("seq").values_list(
            "seq", "victim_type", "age", "sex", "offense_codes", "is_fatal", "is_shot")),
    )


@pytest.mark.django_db
def test_by_hand_by_import_and_by_demo_the_rows_are_identical(agency_a: Agency, tmp_path: Path) -> None:
    from safecity.demo.incidents import incident_rows, save_rows
    from safecity.incidents.codes import current_codes

    _, beat = geography(agency_a)
    lon, lat = -89.69, 39.71  # inside beat 101
    local = WHEN.replace(tzinfo=None)
    header = "number,occurred,offense,offense2,weapon,victim_age,victim_sex,lat,lon\n"
    lines = [f"I-{n},{local:%Y-%m-%d %H:%M},{codes[0]},{codes[1] if len(codes) > 1 else ''},{weapon},{age},{sex},"
             f"{lat},{lon}\n" for n, codes, weapon, age, sex in CASES]
    (tmp_path / "facts.csv").write_text(header + "".join(lines))
    (tmp_path / "facts.json").write_text(json.dumps(MAPPING))
    result = run_import(ImportOptions(path=tmp_path / "facts.csv", agency=agency_a, fmt="csv",
                                      mapping_path=tmp_path / "facts.json"))
    assert (result.imported, result.rejected) == (3, 0), result.errors

    code_table = current_codes()
    built = []
    for n, codes, weapon, age, sex in CASES:
        weapons = [weapon] if weapon else []
        create(agency_a, f"H-{n}", [OffenseIn(c, weapon_codes=weapons) for c in codes],
               [VictimIn(age=age, sex=sex, offense_codes=codes)], latitude=lat, longitude=lon)
        built.append(incident_rows(
            agency=agency_a, number=f"D-{n}", when=WHEN, offenses=[(c, weapons) for c in codes],
            victims=[("I", age, sex, codes)], codes=code_table, latitude=lat, longitude=lon, beat=beat))
    save_rows(built)

    for n, *_ in CASES:
        imported = rows(f"I-{n}")
        assert rows(f"H-{n}") == imported, n
        assert rows(f"D-{n}") == imported, n
    first = rows("I-1")[0]
    assert (first["primary_offense"], first["is_shooting"], first["sensitivity"]) == ("120", True, JUVENILE)
    assert first["beat_id"] is not None
    assert rows("I-2")[0]["sensitivity"] == IDENTIFYING
    assert rows("I-3")[0]["is_fatal"] and rows("I-3")[2][0][-2:] == (True, True)
