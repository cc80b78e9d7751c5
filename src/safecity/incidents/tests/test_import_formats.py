"""Each format's parser on a small real-shaped fixture, through the whole pipeline."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from safecity.core import actions
from safecity.core.actors import SYSTEM
from safecity.core.models import Agency
from safecity.core.roles import Sensitivity
from safecity.incidents.importers import ImportOptions, ImportResult, run_import
from safecity.incidents.importers.records import block_address, parse_age
from safecity.incidents.models import Incident

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def run(agency: Agency, name: str, fmt: str, **kwargs: Any) -> ImportResult:
    return run_import(ImportOptions(path=FIXTURES / name, agency=agency, fmt=fmt, **kwargs))


def get(agency: Agency, number: str) -> Incident:
    return Incident.objects.get(agency=agency, incident_number=number)


def local(value: dt.datetime) -> dt.datetime:
    from zoneinfo import ZoneInfo

    return value.astimezone(ZoneInfo(settings.TIME_ZONE))


def add_loop_geography(agency: Agency) -> None:
    """A district and a beat around downtown Chicago, so fixture points fall inside and others outside."""
    square = {"type": "Polygon", "coordinates": [[[-87.70, 41.80], [-87.55, 41.80], [-87.55, 41.95],
                                                  [-87.70, 41.95], [-87.70, 41.80]]]}
    inner = {"type": "Polygon", "coordinates": [[[-87.66, 41.86], [-87.60, 41.86], [-87.60, 41.92],
                                                 [-87.66, 41.92], [-87.66, 41.86]]]}
    district = actions.district_save(actor=SYSTEM, agency=agency, code="001", name="Central", geometry=square)
    actions.beat_save(actor=SYSTEM, district=district, code="0111", name="Loop", geometry=inner)


def test_block_address_masks_house_numbers() -> None:
    assert block_address("1234 N MAIN ST") == "1200 N MAIN ST"
    assert block_address("012XX N STATE ST") == "1200 N STATE ST"
    assert block_address("5 W CHICAGO AVE") == "0 W CHICAGO AVE"
    assert block_address("1100 W  39TH  PL") == "1100 W 39TH PL"
    assert block_address("MAIN ST / 1ST AVE") == "MAIN ST / 1ST AVE"
    assert block_address("") == ""


def test_parse_age_handles_ranges_and_junk() -> None:
    assert parse_age("34") == 34
    assert parse_age("18-24") == 18
    assert parse_age("<18") == 17
    assert parse_age("65+") == 65
    assert parse_age("NB") == 0
    assert parse_age("UNKNOWN") is None
    assert parse_age("(null)") is None
    assert parse_age("-955") is None


def test_nibrs_flat_file(agency_a: Agency) -> None:
    result = run(agency_a, "nibrs_sample.txt", "nibrs")
    assert (result.rows_read, result.imported, result.rejected) == (8, 8, 0), result.errors
    murder = get(agency_a, "INC-0001")
    assert local(murder.occurred_from).replace(tzinfo=None) == dt.datetime(2024, 1, 5, 22, 0)
    assert murder.occurred_date == dt.date(2024, 1, 5)
    assert (murder.primary_offense, murder.is_fatal, murder.is_firearm, murder.is_shooting, murder.is_violent) == (
        "09A", True, True, True, True)
    assert murder.victims.get().is_fatal and murder.victims.get().relationship == "AQ"
    assert murder.arrestees.get().arrest_date == dt.date(2024, 1, 7)
    assert murder.offenders.get().age == 28
    robbery = get(agency_a, "INC-0002")
    assert robbery.offenses.get().weapon_codes == ["11A"]
    assert robbery.is_shooting and not robbery.is_fatal
    assert sorted(robbery.properties.values_list("description_code", "value")) == [("13", 600), ("20", 150)]
    assert robbery.offenders.get().age == 20  # '2025' is the range 20–25
    rape = get(agency_a, "INC-0003")
    assert rape.sensitivity == Sensitivity.JUVENILE | Sensitivity.VICTIM_IDENTIFYING
    burglary = get(agency_a, "INC-0004")
    assert (burglary.offense_count, burglary.primary_offense) == (2, "220")
    assert get(agency_a, "INC-0006").reported_at is not None
    mvt = get(agency_a, "INC-0007")
    assert (mvt.cleared_exceptionally, mvt.cleared_at) == ("A", dt.date(2024, 2, 1))
    dui = get(agency_a, "GB-0008")
    assert dui.primary_offense == "90D" and dui.arrestees.get().offense_code == "90D"


def test_nibrs_wrong_ori_is_rejected(agency_b: Agency) -> None:
    result = run(agency_b, "nibrs_sample.txt", "nibrs")
    assert result.imported == 0 and result.rejected == 8
    assert {e.field for e in result.errors} == {"ori"}
    assert result.errors[0].line == 1 and "ZZ0000001" in result.errors[0].reason


def test_chicago(agency_a: Agency) -> None:
    add_loop_geography(agency_a)
    result = run(agency_a, "chicago_sample.csv", "chicago")
    assert (result.rows_read, result.imported, result.rejected) == (12, 12, 0), result.errors
    murder = get(agency_a, "JH100001")
    assert murder.block_address == "1200 N STATE ST"
    assert (murder.primary_offense, murder.is_fatal, murder.victim_count) == ("09A", True, 1)
    assert local(murder.occurred_from).replace(tzinfo=None) == dt.datetime(2024, 1, 2, 23, 30)
    assert murder.district.code == "001" and murder.beat.code == "0111"
    robbery = get(agency_a, "JH100002")
    assert robbery.is_firearm and robbery.is_shooting and robbery.offenses.get().weapon_codes == ["12"]
    assert get(agency_a, "JH100010").sensitivity == Sensitivity.VICTIM_IDENTIFYING
    projected = get(agency_a, "JH100011")  # no Latitude/Longitude: converted from State Plane X/Y
    assert projected.latitude == pytest.approx(41.8856, abs=1e-4)
    assert projected.longitude == pytest.approx(-87.6340, abs=1e-4)
    assert get(agency_a, "JH100012").primary_offense == "90Z"  # IUCR not listed → FBI Code fallback
    assert get(agency_a, "JH100003").victim_count == 0  # property crime: no invented victim


def test_nypd(agency_a: Agency) -> None:
    result = run(agency_a, "nypd_sample.csv", "nypd")
    assert (result.imported, result.rejected) == (12, 0), result.errors
    murder = get(agency_a, "260100001")
    assert murder.is_fatal and murder.victims.get().age == 18 and murder.victims.get().race == "B"
    robbery = get(agency_a, "260100002")
    assert robbery.occurred_to is not None and robbery.primary_offense == "120"
    assert get(agency_a, "260100003").sensitivity & Sensitivity.JUVENILE
    assert get(agency_a, "260100005").offenses.get().attempted
    assert get(agency_a, "260100008").primary_offense == "23A"  # PD_CD refines KY_CD 109
    assert get(agency_a, "260100012").primary_offense == "290"  # blank KY_CD → OFNS_DESC
    projected = get(agency_a, "260100007")
    assert projected.latitude == pytest.approx(40.7282, abs=1e-3)
    assert get(agency_a, "260100011").sensitivity & Sensitivity.VICTIM_IDENTIFYING


def test_lapd(agency_a: Agency) -> None:
    result = run(agency_a, "lapd_sample.csv", "lapd")
    assert (result.imported, result.rejected) == (12, 0), result.errors
    murder = get(agency_a, "240100001")
    assert murder.block_address == "1100 W 39TH PL" and murder.is_shooting and murder.is_fatal
    assert local(get(agency_a, "240100002").occurred_from).time() == dt.time(0, 45)  # TIME OCC "45"
    assert local(get(agency_a, "240100007").occurred_from).time() == dt.time(0, 1)
    two = get(agency_a, "240100010")
    assert two.latitude is None and two.longitude is None  # LAT/LON 0 means missing
    assert sorted(two.offenses.values_list("code__code", flat=True)) == ["120", "13A"]
    assert two.primary_offense == "120" and two.is_firearm
    assert get(agency_a, "240100006").sensitivity & Sensitivity.JUVENILE
    assert get(agency_a, "240100005").offenses.get().weapon_codes == ["12"]


def test_crime_open_database(agency_a: Agency) -> None:
    result = run(agency_a, "code_sample.csv", "code")
    assert (result.imported, result.rejected) == (12, 0), result.errors
    assert get(agency_a, "9100002").primary_offense == "120"  # CODE's 12A personal robbery
    assert get(agency_a, "9100005").primary_offense == "220"
    assert get(agency_a, "9100001").is_fatal
    assert get(agency_a, "9100011").latitude is None
    assert get(agency_a, "9100004").occurred_to is not None


@pytest.mark.parametrize("mapping", ["custom_mapping.json", "custom_mapping.toml"])
def test_csv_with_mapping(agency_a: Agency, mapping: str) -> None:
    result = run(agency_a, "custom_sample.csv", "csv", mapping_path=FIXTURES / mapping)
    assert (result.imported, result.rejected) == (12, 0), result.errors
    first = get(agency_a, "R-24-0001")
    assert first.block_address == "1200 N MAIN ST"
    assert first.latitude == pytest.approx(41.9, abs=1e-5) and first.longitude == pytest.approx(-87.63, abs=1e-5)
    assert first.is_shooting and first.victims.get().sex == "M"
    homicide = get(agency_a, "R-24-0007")
    assert homicide.is_fatal and homicide.is_firearm
    assert get(agency_a, "R-24-0004").sensitivity & Sensitivity.JUVENILE


def test_legacy_encoding_is_detected(agency_a: Agency) -> None:
    result = run(agency_a, "custom_cp1252.csv", "csv", mapping_path=FIXTURES / "custom_mapping.json")
    assert result.rejected == 0 and result.imported == 4, result.errors
    assert result.encoding != "utf-8"
    assert get(agency_a, "R-24-0001").block_address == "1200 N MUÑOZ ST"
