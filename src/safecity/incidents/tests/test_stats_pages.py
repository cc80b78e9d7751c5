"""Crime-analysis pages and API: module gate, cross-agency isolation, CSV/PDF exports, 422 on bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from safecity.conftest import make_persona
from safecity.core.models import AuditEvent
from safecity.core.roles import Role
from safecity.incidents.tests.factories import geography, make_incident

PAGES = ["stats_compstat", "stats_trends", "stats_upticks", "stats_hotspots", "stats_near_repeat", "stats_firearm"]
ENDPOINTS = ["compstat", "trends", "upticks", "hotspots", "near-repeat", "firearm-violence"]
AS_OF = "2026-06-17"


@pytest.fixture
def city(agency_a, agency_b):  # type: ignore[no-untyped-def]
    _, beat_a = geography(agency_a)
    _, beat_b = geography(agency_b, lon=-88.0, lat=40.0)
    day = dt.date(2026, 6, 1)
    for i in range(6):
        make_incident(agency_a, day + dt.timedelta(days=i), [("13A", ["12"])], [(["13A"], False, True)],
                      beat=beat_a, lon=-89.695 + i * 0.001, lat=39.705)
        make_incident(agency_a, day + dt.timedelta(days=i), [("120", [])], beat=beat_a, lon=-89.69, lat=39.71)
    make_incident(agency_a, dt.date(2025, 6, 3), [("120", [])], beat=beat_a, lon=-89.69, lat=39.71)
    make_incident(agency_b, day, [("220", [])], beat=beat_b, lon=-87.99, lat=40.01)
    # Simple assaults (no CompStat category) on the as-of day: the data on file run to AS_OF in both agencies.
    for agency in (agency_a, agency_b):
        make_incident(agency, dt.date.fromisoformat(AS_OF), [("13B", [])])
    make_incident(agency_a, dt.date(2024, 12, 1), [("13B", [])])  # A's data start before every prior period
    return beat_a, beat_b


@pytest.mark.parametrize("page", PAGES)
def test_pages_render_for_officer(page, city, olivia_officer, ann_analyst, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(olivia_officer)
    response = client.get(reverse(f"incidents:{page}"), {"as_of": AS_OF})
    assert response.status_code == 200, response.content[:500]
    html = response.content.decode()
    assert "Alpha Police Department" in html and "Bravo" not in html
    assert "<caption>" in html and 'scope="col"' in html and "style=" not in html and "<script>" not in html
    assert reverse(f"incidents:{page}_csv") not in html  # officers may not export: no dead download link
    analyst = signed_in(ann_analyst).get(reverse(f"incidents:{page}"), {"as_of": AS_OF}).content.decode()
    assert reverse(f"incidents:{page}_csv") in analyst


@pytest.mark.parametrize("page", PAGES)
def test_pages_isolate_agencies(page, city, agency_b, bob_officer_b, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(bob_officer_b)
    response = client.get(reverse(f"incidents:{page}"), {"agency": "ZZ0000001", "as_of": AS_OF})
    assert response.status_code == 400
    assert "Alpha" not in response.content.decode()
    own = client.get(reverse(f"incidents:{page}"), {"as_of": AS_OF})
    assert own.status_code == 200
    assert "Bravo" in own.content.decode() and "Alpha" not in own.content.decode()
    # Exporting needs the export right (officers have none); an analyst at B may export, but only B's numbers.
    assert client.get(reverse(f"incidents:{page}_csv"), {"agency": "ZZ0000001"}).status_code == 403
    analyst_b = signed_in(make_persona("bea", agency_b, Role.ANALYST))
    csv = analyst_b.get(reverse(f"incidents:{page}_csv"), {"agency": "ZZ0000001"})
    assert csv.status_code == 400 and csv["Content-Type"].startswith("text/html")


def test_pages_require_incidents_module(city, agency_a, persona, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(persona(Role.CASEWORKER))
    for page in PAGES:
        assert client.get(reverse(f"incidents:{page}")).status_code == 403
    assert client.get(reverse("incidents:stats_compstat_pdf")).status_code == 403


def test_compstat_page_numbers_and_flag_note(city, olivia_officer, signed_in) -> None:  # type: ignore[no-untyped-def]
    html = signed_in(olivia_officer).get(reverse("incidents:stats_compstat"), {"as_of": AS_OF}).content.decode()
    assert "|Z| ≥ 1.96" in html
    assert "Robbery (120)" in html and "offenses" in html and "victims" in html


def test_csv_download_is_audited(city, ann_analyst, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(ann_analyst)
    before = AuditEvent.objects.filter(action="export").count()
    response = client.get(reverse("incidents:stats_compstat_csv"), {"as_of": AS_OF})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    header = next(line for line in lines if line.startswith("category,"))
    # The default week is the last complete one (issue 8): key "week"; "wtd" is the week-to-date option.
    assert header.startswith("category,unit,week_current,week_prior_year,week_change,week_pct_change,week_poisson_z")
    robbery = next(line for line in lines if line.startswith("Robbery (120)")).split(",")
    # 28-day: 6 robberies vs 1 a year earlier: change 5, +500%, Z = 2(√6 − 1)
    assert robbery[1] == "offenses" and robbery[8:12] == ["6", "1", "5", "500.0"]
    assert float(robbery[12]) == pytest.approx(2 * (6**0.5 - 1), abs=1e-3)
    murder = next(line for line in lines if line.startswith("Murder")).split(",")
    assert murder[5] == ""  # % change undefined at a zero base
    assert AuditEvent.objects.filter(action="export").count() == before + 1
    event = AuditEvent.objects.filter(action="export").order_by("-seq").first()
    assert event.object_type == "incidents.compstat" and event.extra["format"] == "csv"
    for page in PAGES[1:]:
        r = client.get(reverse(f"incidents:{page}_csv"), {"as_of": AS_OF})
        assert r.status_code == 200 and r["Content-Type"].startswith("text/csv"), page
    assert AuditEvent.objects.filter(action="export").count() == before + len(PAGES)


def test_pdf_report(city, ann_analyst, signed_in) -> None:  # type: ignore[no-untyped-def]
    response = signed_in(ann_analyst).get(reverse("incidents:stats_compstat_pdf"), {"as_of": AS_OF})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    body = response.content
    assert body.startswith(b"%PDF-") and body.rstrip().endswith(b"%%EOF")
    assert b"/Type /Page" in body and b"xref" in body and b"trailer" in body
    assert b"Alpha Police Department" in body  # document title (Info dictionary)
    assert AuditEvent.objects.filter(action="export", extra__format="pdf").exists()


def test_bad_page_params_are_400_not_500(city, olivia_officer, ann_analyst, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(olivia_officer)
    for params in ({"as_of": "not-a-date"}, {"as_of": "99999-01-01"}, {"area": "beat:999"}, {"months": "5"},
                   {"agency": "ZZ9999999"}):
        page = "incidents:stats_trends" if "months" in params else "incidents:stats_compstat"
        assert client.get(reverse(page), params).status_code == 400, params
    assert client.get(reverse("incidents:stats_hotspots"), {"cell_m": "99999999999999999999"}).status_code == 400
    assert signed_in(ann_analyst).get(reverse("incidents:stats_compstat_pdf"), {"as_of": "x"}).status_code == 400


# ---- API ---------------------------------------------------------------------------------------------


def api(client, endpoint, **params):  # type: ignore[no-untyped-def]
    return client.get(f"/api/v1/incidents/stats/{endpoint}", params)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_api_endpoints(endpoint, city, olivia_officer, bob_officer_b, signed_in) -> None:  # type: ignore[no-untyped-def]
    mine = api(signed_in(olivia_officer), endpoint, as_of=AS_OF)
    assert mine.status_code == 200, mine.content[:500]
    assert mine.json()["agency"] == "ZZ0000001"
    other = api(signed_in(bob_officer_b), endpoint, agency="ZZ0000001", as_of=AS_OF)
    assert other.status_code == 422
    assert other.json()["error"]["fields"][0]["field"] == "agency"
    own = api(signed_in(bob_officer_b), endpoint, as_of=AS_OF)
    assert own.status_code == 200 and own.json()["agency"] == "ZZ0000002"


def test_api_compstat_numbers(city, olivia_officer, signed_in) -> None:  # type: ignore[no-untyped-def]
    body = api(signed_in(olivia_officer), "compstat", as_of=AS_OF).json()
    rows = {r["category"]: r for r in body["rows"]}
    assert rows["robbery"]["cells"]["d28"]["current"] == 6 and rows["robbery"]["unit"] == "offenses"
    # 6 vs 0: Z = 4.9, but only 3 expected per period if nothing changed — too few to test, so not flagged.
    cell = rows["shooting_victims"]["cells"]["d28"]
    assert {k: cell[k] for k in ("current", "prior", "change", "pct_change", "z", "flag", "expected")} == {
        "current": 6, "prior": 0, "change": 6, "pct_change": None, "z": pytest.approx(4.899, abs=1e-3),
        "flag": None, "expected": 3.0}
    assert cell["coverage"] == cell["prior_coverage"] == "full" and "too few" in cell["note"]
    assert body["coverage"]["first"] == "2024-12-01" and body["coverage"]["last"] == AS_OF
    assert body["z_threshold"] == 1.96 and body["areas"][0]["code"] == "1"


def test_api_with_token(city, olivia_officer, api_token, client) -> None:  # type: ignore[no-untyped-def]
    token = api_token(olivia_officer)
    r = client.get("/api/v1/incidents/stats/firearm-violence", {"as_of": AS_OF},
                   HTTP_AUTHORIZATION=f"Bearer {token}")
    assert r.status_code == 200
    ytd = r.json()["year_to_date"][0]
    assert ytd["counts"]["shooting_victims"] == 6


@pytest.mark.parametrize(("endpoint", "params", "field"), [
    ("compstat", {"as_of": "2026-13-45"}, "as_of"),
    ("compstat", {"as_of": "1800-01-01"}, "as_of"),
    ("compstat", {"mode": "everything"}, "mode"),
    ("compstat", {"area": "precinct:7"}, "area"),
    ("compstat", {"area": "beat:999"}, "area"),
    ("compstat", {"agency": "ZZ9999999"}, "agency"),
    ("trends", {"months": "100000000000000000000"}, "months"),
    ("trends", {"months": "0"}, "months"),
    ("upticks", {"level": "county"}, "level"),
    ("hotspots", {"cell_m": "5"}, "cell_m"),
    ("hotspots", {"days": "99999999999"}, "days"),
    ("hotspots", {"category": "jaywalking"}, "category"),
    ("near-repeat", {"permutations": "100000"}, "permutations"),
    ("near-repeat", {"space_band": "-1"}, "space_band"),
    ("near-repeat", {"bands": "1000"}, "bands"),
])
def test_api_422(endpoint, params, field, city, olivia_officer, signed_in) -> None:  # type: ignore[no-untyped-def]
    r = api(signed_in(olivia_officer), endpoint, **params)
    assert r.status_code == 422, r.content[:300]
    assert field in [f["field"] for f in r.json()["error"]["fields"]]


def test_api_requires_module(city, persona, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(persona(Role.CASEWORKER))
    for endpoint in ENDPOINTS:
        assert api(client, endpoint).status_code == 403
