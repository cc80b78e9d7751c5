"""Issue 8, item 3: the demo made incidents after the moment it was built, which an import rejects. The generator
now runs the importer's own row validation on every incident and never generates one after the build time."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings

from safecity.core.models import Agency
from safecity.demo import incidents as demo_incidents
from safecity.demo.build import POLICE_ORI, _agencies, _geography
from safecity.demo.incidents import generate_incidents
from safecity.incidents.codes import current_codes
from safecity.incidents.importers.derive import Validator
from safecity.incidents.importers.records import IncidentRec, OffenseRec, VictimRec
from safecity.incidents.models import Incident

SCALE = 0.05


@pytest.fixture
def riverton(db) -> Agency:  # type: ignore[no-untyped-def]
    agencies = _agencies()
    _geography(agencies[POLICE_ORI], random.Random(2026))
    return agencies[POLICE_ORI]


def as_import_record(incident: Incident) -> IncidentRec:
    """A stored incident as the importer's record, built here from the database rows (not from the generator)."""
    return IncidentRec(
        line=0, incident_number=incident.incident_number, occurred_from=incident.occurred_from,
        occurred_to=incident.occurred_to, reported_at=incident.reported_at, block_address=incident.block_address,
        latitude=incident.latitude, longitude=incident.longitude, location_type=incident.location_type,
        offenses=[OffenseRec(code=o.code.code, weapon_codes=list(o.weapon_codes)) for o in incident.offenses.all()],
        victims=[VictimRec(seq=v.seq, victim_type=v.victim_type, age=v.age, offense_codes=list(v.offense_codes))
                 for v in incident.victims.all()])


def test_demo_built_early_in_the_day_has_nothing_after_the_build_and_passes_import_validation(
        riverton: Agency) -> None:
    # 00:30 local: on the old generator most of the last day's incidents fell later that day.
    built = dt.datetime(2026, 6, 30, 0, 30, tzinfo=ZoneInfo(settings.TIME_ZONE))
    with time_machine.travel(built, tick=False):
        created = generate_incidents(agency=riverton, seed=3, scale=SCALE)
        validator = Validator(riverton, current_codes(), settings.TIME_ZONE)
    assert created > 3000
    incidents = Incident.objects.filter(agency=riverton)
    late = list(incidents.filter(occurred_from__gt=built).values_list("incident_number", "occurred_from")[:5])
    assert late == []
    assert not incidents.filter(reported_at__gt=built).exists()
    # The last day keeps its incidents (squeezed into the half hour already past), not dropped.
    assert incidents.filter(occurred_date=built.date()).exists()
    rejected = {}
    for incident in incidents.prefetch_related("offenses__code", "victims"):
        found = validator.check(as_import_record(incident))
        if isinstance(found, list):
            rejected[incident.incident_number] = [(e.field, e.reason) for e in found]
    assert rejected == {}


def test_demo_refuses_an_end_date_after_today(riverton: Agency) -> None:
    noon = dt.datetime(2026, 6, 30, 12, 0, tzinfo=ZoneInfo(settings.TIME_ZONE))
    with (time_machine.travel(noon, tick=False),
          pytest.raises(ValueError, match=r"^end: 2026-07-03 is after today \(2026-06-30\)")):
        generate_incidents(agency=riverton, seed=3, scale=SCALE, end=dt.date(2026, 7, 3))
    assert not Incident.objects.filter(agency=riverton).exists()


def test_an_incident_the_importer_would_reject_stops_the_build(riverton: Agency,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The check is the importer's: an offense code missing from the NIBRS table is named, as on import."""
    mix = dict(demo_incidents.OFFENSE_MIX)
    mix["99Q"] = mix.pop("290")
    monkeypatch.setattr(demo_incidents, "OFFENSE_MIX", mix)
    with pytest.raises(demo_incidents.DemoInvalid,
                       match=r"would be rejected by the importer: offense_code '99Q': offense code is not in the "
                             r"current NIBRS code table"):
        generate_incidents(agency=riverton, seed=3, scale=SCALE, end=dt.date(2026, 6, 30), plant_uptick=False)
    assert not Incident.objects.filter(agency=riverton).exists()
