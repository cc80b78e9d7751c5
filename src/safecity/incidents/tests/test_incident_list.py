"""The incident list's finding aids (issue 8, item 9): offence code / top charge / group / crime-against /
category, firearm, address, case number, location and map-area filters, each honoured alike by the page, the
API and the CSV; bad values refused naming the parameter; names beside codes; "page X of Y" paging that keeps
the filters; the count coming from the kit's one overridable place."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from safecity.core.actors import SYSTEM
from safecity.core.kit.views import KitPaginator
from safecity.core.models import Agency, User
from safecity.incidents.actions import incident_update
from safecity.incidents.kit import INCIDENTS
from safecity.incidents.models import Incident
from safecity.incidents.tests.factories import geography, make_incident

pytestmark = pytest.mark.django_db
API = "/api/v1/incidents/"
Params = dict[str, Any]


@pytest.fixture
def city(agency_a: Agency, agency_b: Agency) -> dict[str, Incident]:
    _, beat = geography(agency_a)
    shooting = make_incident(agency_a, dt.date(2026, 5, 1), [("13A", ["12"])], [(["13A"], False, True)], beat=beat,
                             lon=-89.695, lat=39.705)
    murder = make_incident(agency_a, dt.date(2026, 5, 2), [("09A", ["12"])], [(["09A"], True, True)], beat=beat,
                           lon=-89.685, lat=39.715)
    theft = make_incident(agency_a, dt.date(2026, 5, 3), [("23F", []), ("290", [])], beat=beat)  # not located
    drunk = make_incident(agency_a, dt.date(2026, 5, 4), [("90E", [])], beat=beat, lon=-89.695, lat=39.715)
    drugs = make_incident(agency_a, dt.date(2026, 5, 5), [("35A", [])], beat=beat, lon=-89.685, lat=39.705)
    for inc, block in ((shooting, "1200 BLOCK MAIN ST"), (murder, "400 BLOCK OAK AVE"), (theft, "1200 BLOCK ELM ST")):
        incident_update(actor=SYSTEM, incident=inc, block_address=block)
    other = make_incident(agency_b, dt.date(2026, 5, 1), [("13A", ["12"])], [(["13A"], False, True)])
    return {"shooting": shooting, "murder": murder, "theft": theft, "drunk": drunk, "drugs": drugs, "other": other}


def _numbers(client: Client, where: str, params: Params) -> set[str]:
    if where == "page":
        r = client.get(reverse("incidents:list"), params)
        assert r.status_code == 200, r.content[:500]
        return {row["object"].incident_number for row in r.context["rows"]}
    if where == "api":
        r = client.get(API, params)
        assert r.status_code == 200, r.content[:500]
        return {item["incident_number"] for item in r.json()["items"]}
    r = client.get(reverse("incidents:export"), params)
    assert r.status_code == 200, getattr(r, "content", b"")[:500]
    body = b"".join(r.streaming_content).decode()
    return {row["incident_number"] for row in csv.DictReader(io.StringIO(body))}


CASES: list[tuple[Params, set[str]]] = [
    ({"offense": ["13A", "09A"]}, {"shooting", "murder"}),  # repeated parameter
    ({"offense": "13a,290"}, {"shooting", "theft"}),  # comma-separated, any offense (290 is the theft's second)
    ({"top": "290"}, set()),  # the theft's top charge is 23F, not 290
    ({"top": "23F"}, {"theft"}),
    ({"group": "B"}, {"drunk"}),
    ({"group": "A"}, {"shooting", "murder", "theft", "drugs"}),
    ({"against": "society"}, {"drunk", "drugs"}),
    ({"against": "person"}, {"shooting", "murder"}),
    ({"category": "Larceny/Theft Offenses"}, {"theft"}),
    ({"firearm": "yes"}, {"shooting", "murder"}),
    ({"firearm": "no"}, {"theft", "drunk", "drugs"}),
    ({"firearm": "shooting"}, {"shooting", "murder"}),
    ({"firearm": "fatal"}, {"murder"}),
    ({"address": "1200 block"}, {"shooting", "theft"}),
    ({"located": "no"}, {"theft"}),
    ({"area": "-89.7,39.7,-89.69,39.71"}, {"shooting"}),  # south-west quarter of the beat
    ({"area": "-89.69,39.7,-89.68,39.71"}, {"drugs"}),  # west edge inclusive
    ({"q": "T"}, {"shooting", "murder", "theft", "drunk", "drugs"}),
    ({"district": "1", "firearm": "shooting", "date_from": "2026-05-02"}, {"murder"}),
]


@pytest.mark.parametrize(("params", "expected"), CASES)
def test_each_filter_gives_the_same_rows_on_page_api_and_csv(
        params: Params, expected: set[str], city: dict[str, Incident], ann_analyst: User,
        signed_in: Callable[[User], Client]) -> None:
    client = signed_in(ann_analyst)
    want = {city[k].incident_number for k in expected}
    for where in ("page", "api", "csv"):
        assert _numbers(client, where, params) == want, (where, params)


@pytest.mark.parametrize(("params", "field"), [
    ({"offense": "ZZZ"}, "offense"),
    ({"offense": ["13A", "NOPE"]}, "offense"),
    ({"top": "13A,XX"}, "top"),
    ({"group": "C"}, "group"),
    ({"against": "nobody"}, "against"),
    ({"category": "Not a category"}, "category"),
    ({"firearm": "maybe"}, "firearm"),
    ({"located": "sometimes"}, "located"),
    ({"area": "1,2,3"}, "area"),
    ({"area": "-89.6,39.7,-89.7,39.8"}, "area"),  # west of east
    ({"area": "a,b,c,d"}, "area"),
    ({"address": "x" * 101}, "address"),
])
def test_bad_filter_values_are_refused_naming_the_parameter(
        params: Params, field: str, city: dict[str, Incident], ann_analyst: User,
        signed_in: Callable[[User], Client]) -> None:
    client = signed_in(ann_analyst)
    page = client.get(reverse("incidents:list"), params)
    assert page.status_code == 400 and page.context["form"].errors.get(field) and page.context["rows"] == []
    html = page.content.decode()
    assert f'id="id_{field}-error"' in html  # the message sits on the field
    api = client.get(API, params)
    assert api.status_code == 422, api.content[:300]
    assert [f["field"] for f in api.json()["error"]["fields"]] == [field]
    export = client.get(reverse("incidents:export"), params)
    assert export.status_code == 400 and f"{field}:" in export.content.decode()


def test_names_beside_codes_on_page_csv_and_api(city: dict[str, Incident], ann_analyst: User,
                                                signed_in: Callable[[User], Client]) -> None:
    client = signed_in(ann_analyst)
    html = client.get(reverse("incidents:list")).content.decode()
    assert "13A — Aggravated Assault" in html and "Central District (1)" in html and "Beat 101 (101)" in html
    form_html = html[html.index('class="sc-filters"'):]
    form_html = form_html[:form_html.index("</form>")]
    assert '<option value="13A">13A — Aggravated Assault</option>' in form_html
    assert '<option value="1">Central District (1)</option>' in form_html
    body = b"".join(client.get(reverse("incidents:export"), {"top": "13A"}).streaming_content).decode()
    row = next(csv.DictReader(io.StringIO(body)))
    assert (row["primary_offense"], row["primary_offense_name"], row["district_name"], row["beat_name"]) == (
        "13A", "Aggravated Assault", "Central District", "Beat 101")
    item = client.get(API, {"top": "13A"}).json()["items"][0]
    assert (item["primary_offense_name"], item["district_name"], item["beat_name"]) == (
        "Aggravated Assault", "Central District", "Beat 101")


def test_sort_by_block_and_by_district_name(city: dict[str, Incident], ann_analyst: User,
                                            signed_in: Callable[[User], Client]) -> None:
    client = signed_in(ann_analyst)
    rows = client.get(reverse("incidents:list"), {"sort": "block", "address": "block"}).context["rows"]
    assert [r["object"].block_address for r in rows] == ["1200 BLOCK ELM ST", "1200 BLOCK MAIN ST",
                                                         "400 BLOCK OAK AVE"]
    api = client.get(API, {"sort": "-block", "address": "block"}).json()["items"]
    assert [i["block_address"] for i in api] == ["400 BLOCK OAK AVE", "1200 BLOCK MAIN ST", "1200 BLOCK ELM ST"]


def test_page_x_of_y_with_first_previous_next_last_and_jump_keeping_filters(
        agency_a: Agency, ann_analyst: User, signed_in: Callable[[User], Client]) -> None:
    for i in range(2 * INCIDENTS.page_size + 3):  # three pages
        make_incident(agency_a, dt.date(2026, 1, 1) + dt.timedelta(days=i % 90), [("13A" if i % 2 else "120", [])])
    make_incident(agency_a, dt.date(2026, 1, 1), [("220", [])])
    client = signed_in(ann_analyst)
    params = {"offense": ["13A", "120"], "page": "2"}
    page = client.get(reverse("incidents:list"), params)
    html = page.content.decode()
    assert page.status_code == 200 and "Page 2 of 3" in html and 'class="usa-pagination' in html
    # what the list holds, in words (a drilled-down list says which filters brought the reader here)
    assert "offense: 13A — Aggravated Assault, 120 — Robbery." in html
    assert "(page 2 of 3), sorted by Occurred, descending</caption>" in html
    nav = html[html.index('<nav aria-label="Pages"'):]
    for label, number in (("First page", 1), ("Previous page", 1), ("Next page", 3), ("Last page", 3)):
        link = re.search(rf'href="\?([^"]*)" aria-label="{label}"', nav)
        assert link is not None, label
        assert f"page={number}" in link.group(1) and "offense=13A&amp;offense=120" in link.group(1), label
    assert 'aria-current="page">2<' in nav
    # the jump form carries the filters (both offence codes) and asks for the page number
    jump = nav[nav.index("<form"):nav.index("</form>")]
    assert jump.count('type="hidden" name="offense"') == 2 and 'name="page" type="number"' in jump
    assert 'max="3"' in jump and 'for="page-jump"' in jump
    last = client.get(reverse("incidents:list"), {**params, "page": "3"})
    assert len(last.context["rows"]) == 3 and 'aria-label="Next page"' not in last.content.decode()


def test_the_count_comes_from_the_kit(agency_a: Agency, ann_analyst: User) -> None:
    """The list counts only through `RecordKit.count`, so a cached or estimated count plugs in there."""
    calls: list[Any] = []

    def counted(qs: Any) -> int:
        calls.append(qs)
        return 1234

    kit = dataclasses.replace(INCIDENTS, counter=counted)
    paginator = KitPaginator(INCIDENTS.list_selector(user=ann_analyst), 50, kit=kit, user=ann_analyst)
    assert (paginator.count, paginator.num_pages, len(calls)) == (1234, 25, 1)
    make_incident(agency_a, dt.date(2026, 1, 1), [("120", [])])
    # The default: counted once per (query, visibility, data version), so the new incident is counted.
    assert INCIDENTS.count(INCIDENTS.list_selector(user=ann_analyst), user=ann_analyst) == 1
