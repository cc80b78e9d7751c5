"""Drill-down: every figure of CompStat, upticks, hot spots, near repeat and firearm violence links to the
incident list filtered to the incidents behind it, and that list holds exactly the figure's count (or, for
figures counted in victims or offenses, the incidents those belong to)."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from safecity.core.models import Agency, User
from safecity.incidents.drilldown import hotspot_bounds, hotspot_drill
from safecity.incidents.stats.scope import resolve_scope
from safecity.incidents.stats.spatial import hotspots
from safecity.incidents.tests.factories import geography, make_incident

pytestmark = pytest.mark.django_db
AS_OF = "2026-06-17"
LINK = re.compile(r'<a class="usa-link" href="(/incidents/\?[^"]+)">([0-9]+)'
                  r'<span class="usa-sr-only"> \(list ([^)]*)\)')


@pytest.fixture
def city(agency_a: Agency, agency_b: Agency) -> None:
    """Agency A this June and last June: assaults with shot victims (one with two), robberies, burglaries,
    thefts with two larceny offenses, a fatal shooting; agency B one burglary (never in A's lists)."""
    _, beat = geography(agency_a)
    day = dt.date(2026, 6, 1)
    for i in range(6):
        make_incident(agency_a, day + dt.timedelta(days=i), [("13A", ["12"])], [(["13A"], False, True)],
                      beat=beat, lon=-89.695 + i * 0.001, lat=39.705)
        make_incident(agency_a, day + dt.timedelta(days=i), [("120", [])], beat=beat, lon=-89.69, lat=39.71)
    # two shot victims in one incident: 2 victims, 1 incident
    make_incident(agency_a, dt.date(2026, 6, 9), [("13A", ["12"])], [(["13A"], False, True), (["13A"], False, True)],
                  beat=beat, lon=-89.689, lat=39.711)
    make_incident(agency_a, dt.date(2026, 6, 10), [("09A", ["12"])], [(["09A"], True, True)], beat=beat,
                  lon=-89.688, lat=39.712)
    # two larceny offenses in one incident: 2 offenses, 1 incident
    make_incident(agency_a, dt.date(2026, 6, 11), [("23C", []), ("23F", [])], beat=beat, lon=-89.687, lat=39.713)
    for i in range(3):
        make_incident(agency_a, dt.date(2026, 6, 12) + dt.timedelta(days=i), [("220", [])], beat=beat,
                      lon=-89.686, lat=39.714)
    make_incident(agency_a, dt.date(2025, 6, 3), [("120", [])], beat=beat, lon=-89.69, lat=39.71)
    make_incident(agency_a, dt.date(2025, 6, 4), [("13A", ["12"])], [(["13A"], False, True)], beat=beat,
                  lon=-89.69, lat=39.71)
    make_incident(agency_a, dt.date(2025, 5, 20), [("220", [])], beat=beat, lon=-89.69, lat=39.71)
    _, beat_b = geography(agency_b, lon=-88.0, lat=40.0)
    make_incident(agency_b, day, [("220", [])], beat=beat_b, lon=-87.99, lat=40.01)
    # Data on file from 2021 to the as-of day for both (a group B offense, in no analysis category), so every
    # period the pages compare is covered (outside coverage a figure is "no data" and has no link).
    for agency, b in ((agency_a, beat), (agency_b, beat_b)):
        for on in (dt.date(2021, 1, 4), dt.date.fromisoformat(AS_OF)):
            make_incident(agency, on, [("90Z", [])], beat=b)


def _list_count(client: Client, url: str) -> int:
    r = client.get(url)
    assert r.status_code == 200, (url, r.content[:300])
    count: int = r.context["page"].paginator.count
    return count


def _check_links(client: Client, page: str, params: dict[str, str]) -> tuple[int, int]:
    """Every drill link on the page: exact figures equal the list's rows; unit figures cover them."""
    r = client.get(reverse(page), {"as_of": AS_OF, **params})
    assert r.status_code == 200, r.content[:300]
    links = LINK.findall(r.content.decode())
    exact = 0
    for url, number, what in links:
        n = _list_count(client, html.unescape(url))
        if what == "these incidents":
            assert n == int(number), (page, params, url, number, n)
            exact += 1
        else:  # victims or offenses: the incidents they belong to, at least one, never more than the figure
            assert 0 < n <= int(number), (page, params, url, number, n)
    return len(links), exact


@pytest.mark.parametrize(("page", "params", "least"), [
    # CompStat shows one period at a time (28 days by default; `period` picks another tab).
    ("incidents:stats_compstat", {"mode": "incidents"}, 12),
    ("incidents:stats_compstat", {"mode": "nibrs"}, 12),
    ("incidents:stats_compstat", {"mode": "offenses"}, 12),
    ("incidents:stats_compstat", {"mode": "nibrs", "period": "ytd"}, 12),
    ("incidents:stats_compstat", {"area": "district:1"}, 12),
    ("incidents:stats_upticks", {}, 5),
    ("incidents:stats_hotspots", {"category": "violent", "cell_m": "100"}, 2),
    ("incidents:stats_hotspots", {"category": "shooting_incidents"}, 2),
    ("incidents:stats_near_repeat", {"category": "robbery"}, 1),
    ("incidents:stats_firearm", {}, 8),
])
def test_every_linked_figure_lists_its_incidents(
        page: str, params: dict[str, str], least: int, city: None, ann_analyst: User,
        signed_in: Callable[[User], Client]) -> None:
    links, exact = _check_links(signed_in(ann_analyst), page, params)
    assert links >= least and exact >= 1, (links, exact)


def test_counts_in_incidents_are_all_exact(city: None, ann_analyst: User, signed_in: Callable[[User], Client]) -> None:
    client = signed_in(ann_analyst)
    body = client.get(reverse("incidents:stats_compstat"), {"as_of": AS_OF, "mode": "incidents"}).content.decode()
    # counted by incident, every row but shooting victims (always victims) lists exactly its count
    links, exact = _check_links(client, "incidents:stats_compstat", {"mode": "incidents"})
    others = [(url, what) for url, _, what in LINK.findall(body) if what != "these incidents"]
    assert len(others) == links - exact > 0
    assert all("firearm=shooting" in url and what.endswith("victims") for url, what in others)
    # the 28-day cell of aggravated assault: 7 incidents this June (the one with two victims counts once)
    row = body[body.index("Aggravated assault (13A)"):]
    # (week to date, from 15 June, is 0 and not linked): 28 days 7, same days a year earlier 1
    assert [int(n) for _, n, _ in LINK.findall(row)[:2]] == [7, 1]


def test_unit_figures_say_what_the_list_holds(city: None, ann_analyst: User,
                                               signed_in: Callable[[User], Client]) -> None:
    """In NIBRS units shooting victims (9) live in 8 incidents and larceny offenses (2) in 1: the links say so."""
    client = signed_in(ann_analyst)
    body = client.get(reverse("incidents:stats_compstat"), {"as_of": AS_OF}).content.decode()
    found = {what for _, _, what in LINK.findall(body)}
    assert "the incidents behind these victims" in found and "the incidents behind these offenses" in found
    larceny = body[body.index("Larceny-theft (23A–23H)"):]
    url, number, _ = LINK.findall(larceny)[0]
    assert (int(number), _list_count(client, html.unescape(url))) == (2, 1)


def test_hot_spot_cells_partition_the_located_incidents(city: None, ann_analyst: User) -> None:
    """Cell links use the grid's own edges: the cells' lists add up to the incidents counted in them."""
    scope = resolve_scope(ann_analyst, "ZZ0000001")
    result = hotspots(user=ann_analyst, scope=scope, as_of=dt.date(2026, 6, 17), category="violent", cell_m=100,
                      top=100)
    assert result.cells
    seen = 0
    for cell in result.cells:
        west, south, east, north = hotspot_bounds(result, cell)
        assert west < cell.lon < east and south < cell.lat < north
        seen += cell.count
    assert seen == sum(c.count for c in result.cells)
    assert hotspot_drill(result).exact and "located=yes" in hotspot_drill(result).url


def test_links_keep_other_agencies_out(city: None, ann_analyst: User, signed_in: Callable[[User], Client]) -> None:
    client = signed_in(ann_analyst)
    body = client.get(reverse("incidents:stats_compstat"), {"as_of": AS_OF}).content.decode()
    links = LINK.findall(body)
    assert links
    for url, _, _ in links:
        assert "agency=ZZ0000001" in url
        listed: Any = client.get(html.unescape(url)).context["rows"]
        assert all(row["object"].agency.ori == "ZZ0000001" for row in listed)
