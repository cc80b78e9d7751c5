"""The analysis pages and the API take the same parameters: same bounds, same field names, same defaults.

The cases are written out by hand (not read from the shared declaration) so this test checks the behaviour a
user meets on each side, whatever the code declares.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from safecity.incidents.tests.factories import geography, make_incident

AS_OF = "2026-06-17"
PAGE = {"compstat": "stats_compstat", "trends": "stats_trends", "upticks": "stats_upticks",
        "hotspots": "stats_hotspots", "near-repeat": "stats_near_repeat", "firearm-violence": "stats_firearm"}

REFUSED = [
    ("compstat", {"mode": "everything"}, "mode"),
    ("compstat", {"as_of": "1899-12-31"}, "as_of"),
    ("compstat", {"as_of": "2026-13-45"}, "as_of"),
    ("compstat", {"area": "precinct:7"}, "area"),
    ("compstat", {"agency": "ZZ9999999"}, "agency"),
    ("firearm-violence", {"as_of": "1899-12-31"}, "as_of"),
    # Inside the calendar bounds but outside the agency's data coverage (issue 8: 1900-01-01 showed zeros).
    ("compstat", {"as_of": "1900-01-01"}, "as_of"),
    ("firearm-violence", {"as_of": "2020-12-31"}, "as_of"),
    ("upticks", {"as_of": "2026-06-18"}, "as_of"),
    ("trends", {"months": "11"}, "months"),
    ("trends", {"months": "121"}, "months"),
    ("trends", {"months": "twelve"}, "months"),
    ("trends", {"mode": "victims"}, "mode"),
    ("upticks", {"level": "county"}, "level"),
    ("upticks", {"limit": "0"}, "limit"),
    ("upticks", {"limit": "2001"}, "limit"),
    ("hotspots", {"days": "6"}, "days"),
    ("hotspots", {"days": "3661"}, "days"),
    ("hotspots", {"cell_m": "99"}, "cell_m"),
    ("hotspots", {"cell_m": "2001"}, "cell_m"),
    ("hotspots", {"top": "0"}, "top"),
    ("hotspots", {"top": "101"}, "top"),
    ("hotspots", {"category": "jaywalking"}, "category"),
    ("near-repeat", {"days": "3661"}, "days"),
    ("near-repeat", {"space_band": "9"}, "space_band"),
    ("near-repeat", {"space_band": "2001"}, "space_band"),
    ("near-repeat", {"time_band": "0"}, "time_band"),
    ("near-repeat", {"time_band": "91"}, "time_band"),
    ("near-repeat", {"permutations": "18"}, "permutations"),
    ("near-repeat", {"permutations": "1000"}, "permutations"),
    ("near-repeat", {"bands": "0"}, "bands"),
    ("near-repeat", {"bands": "11"}, "bands"),
    ("near-repeat", {"seed": "-1"}, "seed"),
]

ACCEPTED = [
    ("compstat", {"agency": "zz0000001"}),  # an ORI in lower case is the same agency
    ("compstat", {"mode": "offenses", "area": "beat:101"}),
    ("trends", {"months": "12"}),
    ("trends", {"months": "120", "mode": "incidents"}),
    ("upticks", {"level": "beat", "limit": "2000"}),
    ("hotspots", {"days": "7", "cell_m": "2000", "top": "100", "category": "robbery"}),
    ("near-repeat", {"space_band": "10", "time_band": "90", "bands": "1", "permutations": "19", "seed": "0"}),
    ("near-repeat", {"bands": "10", "days": "3660"}),
    ("firearm-violence", {"as_of": "2021-01-01"}),  # the first day with data
]


@pytest.fixture
def town(agency_a, agency_b):  # type: ignore[no-untyped-def]
    _, beat = geography(agency_a)
    for i in range(4):
        make_incident(agency_a, dt.date(2026, 6, 1) + dt.timedelta(days=i), [("13A", ["12"])],
                      [(["13A"], False, True)], beat=beat, lon=-89.695 + i * 0.001, lat=39.705)
    # Data on file from 1 January 2021 (the firearm page's earliest year) to the as-of day.
    make_incident(agency_a, dt.date(2021, 1, 1), [("13B", [])])
    make_incident(agency_a, dt.date.fromisoformat(AS_OF), [("13B", [])])
    return beat


def page(client, endpoint: str, params: dict[str, str]):  # type: ignore[no-untyped-def]
    return client.get(reverse(f"incidents:{PAGE[endpoint]}"), {"as_of": AS_OF, **params})


def api(client, endpoint: str, params: dict[str, str]):  # type: ignore[no-untyped-def]
    return client.get(f"/api/v1/incidents/stats/{endpoint}", {"as_of": AS_OF, **params})


@pytest.mark.parametrize(("endpoint", "params", "field"), REFUSED)
def test_page_and_api_refuse_the_same_values_on_the_same_field(  # type: ignore[no-untyped-def]
        endpoint, params, field, town, olivia_officer, signed_in) -> None:
    client = signed_in(olivia_officer)
    r_api = api(client, endpoint, params)
    assert r_api.status_code == 422, r_api.content[:300]
    assert [f["field"] for f in r_api.json()["error"]["fields"]] == [field]
    r_page = page(client, endpoint, params)
    assert r_page.status_code == 400, (endpoint, params)
    form = r_page.context["form"]
    assert list(form.errors) == [field], form.errors
    assert all(str(message) for message in form.errors[field])


@pytest.mark.parametrize(("endpoint", "params"), ACCEPTED)
def test_page_and_api_accept_the_same_values(endpoint, params, town, olivia_officer, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(olivia_officer)
    r_api = api(client, endpoint, params)
    assert r_api.status_code == 200, r_api.content[:300]
    r_page = page(client, endpoint, params)
    assert r_page.status_code == 200, r_page.context["form"].errors
    assert r_api.json()["agency"] == "ZZ0000001"


def test_blank_fields_mean_the_default_on_both_sides(town, olivia_officer, signed_in) -> None:  # type: ignore[no-untyped-def]
    """A browser submits every field of the form, empty ones as "": that is "use the default", not an error."""
    client = signed_in(olivia_officer)
    blank = {"agency": "", "area": "", "as_of": "", "mode": "", "months": ""}
    r_page = client.get(reverse("incidents:stats_trends"), blank)
    assert r_page.status_code == 200, r_page.context["form"].errors
    assert client.get("/api/v1/incidents/stats/trends", blank).status_code == 200


def _api_defaults() -> dict[str, dict[str, Any]]:
    from safecity.api import api as ninja_api

    doc = ninja_api.get_openapi_schema()
    out: dict[str, dict[str, Any]] = {}
    for endpoint in PAGE:
        operation = doc["paths"][f"/api/v1/incidents/stats/{endpoint}"]["get"]
        out[endpoint] = {p["name"]: p["schema"].get("default") for p in operation["parameters"]}
    return out


@pytest.mark.parametrize("endpoint", list(PAGE))
def test_page_form_shows_the_api_defaults(endpoint, town, olivia_officer, signed_in) -> None:  # type: ignore[no-untyped-def]
    """With nothing chosen, the form shows every parameter the API takes, holding the API's default."""
    response = signed_in(olivia_officer).get(reverse(f"incidents:{PAGE[endpoint]}"))
    assert response.status_code == 200
    form = response.context["form"]
    for name, default in _api_defaults()[endpoint].items():
        assert name in form.fields, name
        if default not in (None, ""):
            assert str(form[name].value()) == str(default), (name, form[name].value(), default)


RESULTS = {"compstat": "compstat.Compstat", "trends": "trends.Trends", "upticks": "upticks.Upticks",
           "hotspots": "spatial.Hotspots", "near-repeat": "spatial.NearRepeat",
           "firearm-violence": "firearm.Firearm"}


@pytest.mark.parametrize("endpoint", list(PAGE))
def test_api_answers_with_the_result_fields_the_page_reads(endpoint, town, olivia_officer, signed_in) -> None:  # type: ignore[no-untyped-def]
    """The API's keys are the result dataclass's own field names, minus the fields kept for the page."""
    import dataclasses
    import importlib

    module, name = RESULTS[endpoint].split(".")
    result = getattr(importlib.import_module(f"safecity.incidents.stats.{module}"), name)
    shown = [f.name for f in dataclasses.fields(result) if f.metadata.get("api", True)]
    hidden = {f.name for f in dataclasses.fields(result)} - set(shown)
    body = api(signed_in(olivia_officer), endpoint, {}).json()
    assert list(body) == shown
    assert "scope" in hidden and not hidden & set(body)
    page_result = page(signed_in(olivia_officer), endpoint, {}).context["result"]
    assert isinstance(page_result, result) and page_result.agency == body["agency"]


def test_by_area_rule_is_the_same_for_page_pdf_and_api(town, ann_analyst, signed_in) -> None:  # type: ignore[no-untyped-def]
    """Agency → by district; district → by beat; beat → no breakdown."""
    client = signed_in(ann_analyst)
    for area, level, codes in (("", "district", ["1"]), ("district:1", "beat", ["101"]), ("beat:101", None, [])):
        body = api(client, "compstat", {"area": area}).json()
        assert [a["code"] for a in body["areas"]] == codes, area
        result = page(client, "compstat", {"area": area}).context["result"]
        assert result.by_area == level and [a.code for a in result.areas] == codes
        pdf = client.get(reverse("incidents:stats_compstat_pdf"), {"as_of": AS_OF, "area": area})
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
