"""Stop pages, CSV and API: walls between agencies, role permissions, the equity tables' numbers (Wilson
intervals checked against Newcombe 1998's published examples), bad parameters named, and the bulk action."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from safecity.conftest import verified_client
from safecity.core.actors import SYSTEM
from safecity.core.models import AuditEvent
from safecity.core.permissions import NotPermitted
from safecity.core.roles import Role
from safecity.policing import actions, selectors
from safecity.policing.models import Stop

pytestmark = pytest.mark.django_db


def _stops(agency: Any, prefix: str, race: str, count: int, searched: int, hits: int = 0,
           arrests: int = 0) -> list[dict[str, Any]]:
    return [{"stop_id": f"{prefix}{i}", "date": dt.date(2024, 5, 1) + dt.timedelta(days=i % 30),
             "time": dt.time(12, 0), "subject_race": race, "type": "vehicular",
             "search_conducted": i < searched, "contraband_found": (i < hits) if i < searched else None,
             "arrest_made": i < arrests, "location": f"{prefix} street"} for i in range(count)]


@pytest.fixture
def stops(agency_a: Any, agency_b: Any) -> None:
    # Newcombe (1998) method 3: 81/263 → 0.2553–0.3662 and 0/20 → 0–0.1611.
    actions.stop_bulk_create(actor=SYSTEM, agency=agency_a,
                             rows=_stops(agency_a, "W", "white", 263, searched=81, hits=27, arrests=81)
                             + _stops(agency_a, "B", "black", 20, searched=0))
    actions.stop_bulk_create(actor=SYSTEM, agency=agency_b, rows=_stops(agency_b, "X", "hispanic", 7, searched=2))


def test_list_detail_csv_and_api_show_only_the_users_agency(stops: None, agency_b: Any, persona: Any) -> None:
    client = verified_client(persona(Role.ANALYST))
    page = client.get("/m/policing/stops/?race=black")
    body = page.content.decode()
    assert page.status_code == 200 and "B1" in body and "X1" not in body
    mine = Stop.objects.get(stop_id="W5")
    theirs = Stop.objects.get(stop_id="X1")
    assert client.get(f"/m/policing/stops/{mine.public_id}/").status_code == 200
    assert client.get(f"/m/policing/stops/{theirs.public_id}/").status_code == 404
    assert client.get(f"/m/policing/stops/{uuid.uuid4()}/").status_code == 404
    csv = b"".join(client.get("/m/policing/stops/export.csv?searched=yes").streaming_content).decode()
    lines = csv.strip().splitlines()
    assert lines[0].startswith("agency,raw_row_number,date,time") and len(lines) == 1 + 81
    assert "X1" not in csv
    api = client.get("/api/v1/policing/stops/?race=white&searched=no").json()
    assert api["count"] == 263 - 81
    assert client.get(f"/api/v1/policing/stops/{theirs.public_id}").status_code == 404
    assert client.get(f"/api/v1/policing/stops/{mine.public_id}").json()["stop_id"] == "W5"
    other = verified_client(persona(Role.ANALYST, agency=agency_b))
    assert other.get(f"/m/policing/stops/{mine.public_id}/").status_code == 404
    rates = other.get("/api/v1/policing/stops/equity/rates").json()
    assert rates["stops"] == 7 and [r[0] for r in rates["rows"]] == ["hispanic"]


def test_equity_tables_match_published_wilson_intervals(stops: None, persona: Any) -> None:
    client = verified_client(persona(Role.OVERSIGHT))
    rates = client.get("/api/v1/policing/stops/equity/rates").json()
    by_race = {row[0]: dict(zip(rates["columns"], row, strict=True)) for row in rates["rows"]}
    white, black = by_race["white"], by_race["black"]
    assert (white["stops"], white["searches"], white["stops_search_known"]) == (263, 81, 263)
    assert (round(white["search_ci_low"], 4), round(white["search_ci_high"], 4)) == (0.2553, 0.3662)
    assert (black["searches"], black["search_ci_low"], round(black["search_ci_high"], 4)) == (0, 0.0, 0.1611)
    assert (white["arrests"], round(white["arrest_ci_low"], 4)) == (81, 0.2553)
    assert white["share_of_stops"] == pytest.approx(263 / 283)
    outcome = client.get("/api/v1/policing/stops/equity/outcome").json()
    hit = {row[0]: dict(zip(outcome["columns"], row, strict=True)) for row in outcome["rows"]}["white"]
    assert (hit["searches"], hit["hits"], hit["hit_rate"]) == (81, 27, pytest.approx(27 / 81))
    veil = client.get("/api/v1/policing/stops/equity/veil").json()
    notes = {row[0]: row[-1] for row in veil["rows"]}
    assert notes["city"].startswith("no estimate")  # all at noon, no location: nothing to fit
    page = client.get("/m/policing/stops/equity/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "30.8% (25.5%–36.6%)" in body  # 81/263 with its interval
    assert "infra-marginality" in body and "benchmarking problem" in body
    csv = client.get("/m/policing/stops/equity/rates.csv").content.decode().splitlines()
    assert csv[0].startswith("district,race,stops") and any(line.startswith("all,white,263,") for line in csv)


def test_equity_bad_parameters_are_named(stops: None, persona: Any) -> None:
    client = verified_client(persona(Role.ANALYST))
    page = client.get("/m/policing/stops/equity/?date_from=2024-06-01&date_to=2024-05-01")
    assert page.status_code == 400 and "Must not be before the start of the range." in page.content.decode()
    assert client.get("/m/policing/stops/equity/?district=NOPE").status_code == 400
    api = client.get("/api/v1/policing/stops/equity/rates?date_from=yesterday")
    assert api.status_code == 422 and "date_from" in api.content.decode()
    assert client.get("/m/policing/stops/equity/rates.csv?date_from=2024-06-01&date_to=2024-05-01").status_code == 400
    assert client.get("/m/policing/stops/equity/other.csv").status_code == 404


def test_roles_without_policing_are_refused(stops: None, persona: Any) -> None:
    client = verified_client(persona(Role.OFFICER))
    assert client.get("/m/policing/stops/").status_code == 403
    assert client.get("/m/policing/stops/equity/").status_code == 403
    assert client.get("/api/v1/policing/stops/equity/veil").status_code == 403


def test_equity_period_and_cache_follow_new_data(stops: None, agency_a: Any, persona: Any) -> None:
    analyst = persona(Role.ANALYST)
    before = selectors.stop_equity(user=analyst, start=dt.date(2024, 5, 1), end=dt.date(2024, 5, 1))
    assert before.stops == 10  # 263 → days 0,30,…; 20 → day 0
    actions.stop_bulk_create(actor=SYSTEM, agency=agency_a, rows=_stops(agency_a, "N", "black", 1, searched=1))
    after = selectors.stop_equity(user=analyst, start=dt.date(2024, 5, 1), end=dt.date(2024, 5, 1))
    assert after.stops == 11  # the bulk action raised the data version: no stale cached result


def test_bulk_create_is_audited_once_idempotent_and_checked(stops: None, agency_a: Any, persona: Any) -> None:
    events = AuditEvent.objects.filter(action="stop.bulk_create").count()
    assert actions.stop_bulk_create(actor=SYSTEM, agency=agency_a, rows=_stops(agency_a, "W", "white", 5, 0)) == 0
    assert AuditEvent.objects.filter(action="stop.bulk_create").count() == events + 1
    with pytest.raises(ValidationError):
        actions.stop_bulk_create(actor=SYSTEM, agency=agency_a, rows=[{"stop_id": "Z", "date": dt.date(2024, 1, 1),
                                                                     "subject_race": "purple"}])
    with pytest.raises(NotPermitted):
        actions.stop_bulk_create(actor=persona(Role.ANALYST), agency=agency_a,
                                 rows=_stops(agency_a, "Q", "white", 1, 0))
    assert not Stop.objects.filter(stop_id="Q0").exists()
    stop = Stop.objects.get(stop_id="B3")
    assert stop.outcome == "" and stop.contraband_found is None


def test_import_pages_are_there_for_those_who_may_import(persona: Any) -> None:
    admin = verified_client(persona(Role.ADMIN))
    assert admin.get("/m/policing/stops/import/").status_code == 200
    assert "/m/policing/stops/import/" in admin.get("/m/policing/stops/").content.decode()
    analyst = verified_client(persona(Role.ANALYST))
    assert analyst.get("/m/policing/stops/import/").status_code == 403
    assert "/m/policing/stops/import/" not in analyst.get("/m/policing/stops/").content.decode()


def test_dashboard_tile(stops: None, persona: Any) -> None:
    from django.template.loader import render_to_string

    tile = selectors.dashboard_stops(user=persona(Role.COMMAND))
    assert tile.stops == 283 and [r.group for r in tile.rows] == ["white", "black"]
    html = render_to_string("policing/tiles/stops.html", {"tile": tile})
    assert "30.8% (25.5%–36.6%)" in html and "/m/policing/stops/equity/" in html
