"""Interactive maps (docs/maps.md): the hot-spot map layers API, the basemap served with range requests, the
Content-Security-Policy, the demo street layer, and an incident's page (its map and its victims in words)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse

from safecity.conftest import make_persona
from safecity.core.roles import Role, Sensitivity
from safecity.incidents.tests.factories import geography, make_incident

AS_OF = "2026-06-17"
MAP_API = "/api/v1/incidents/stats/hotspots/map"


@pytest.fixture
def city(agency_a: Any, agency_b: Any) -> dict[str, Any]:
    _, beat_a = geography(agency_a)
    _, beat_b = geography(agency_b, lon=-88.0, lat=40.0)
    day = dt.date(2026, 6, 1)
    plain = [make_incident(agency_a, day + dt.timedelta(days=i), [("13A", ["12"])], [(["13A"], False, True)],
                           beat=beat_a, lon=-89.695 + i * 0.001, lat=39.705) for i in range(6)]
    plain += [make_incident(agency_a, day, [("120", [])], beat=beat_a, lon=-89.69, lat=39.71)]
    juvenile = make_incident(agency_a, day, [("13A", ["12"])], [(["13A"], False, True)], beat=beat_a,
                             lon=-89.692, lat=39.708, sensitivity=Sensitivity.JUVENILE)
    other = make_incident(agency_b, day, [("13A", ["12"])], [(["13A"], False, True)], beat=beat_b, lon=-87.99,
                          lat=40.01)
    for agency in (agency_a, agency_b):  # data on file through the as-of day (unlocated: on no map)
        make_incident(agency, dt.date.fromisoformat(AS_OF), [("90Z", [])])
    return {"plain": plain, "juvenile": juvenile, "other": other}


def _layers(client: Any, **params: str) -> dict[str, Any]:
    response = client.get(MAP_API, {"as_of": AS_OF, **params})
    assert response.status_code == 200, response.content[:400]
    data: dict[str, Any] = response.json()
    return data


def _numbers(layers: dict[str, Any]) -> set[str]:
    return {f["properties"]["number"] for f in layers["incidents"]["features"]}


def test_map_layers_show_the_incidents_the_user_may_see(city: dict[str, Any], ann_analyst: Any,
                                                        olivia_officer: Any, signed_in: Any) -> None:
    """An analyst (not cleared for juvenile records) gets no juvenile point; an officer does; nobody gets
    another agency's incidents. The points are the analysis' incidents: the violent ones in the period."""
    violent = {i.incident_number for i in city["plain"]}  # aggravated assaults and a robbery (120)
    analyst = _layers(signed_in(ann_analyst))
    assert _numbers(analyst) == violent
    assert analyst["incidents_total"] == analyst["incidents_shown"] == len(violent)
    officer = _layers(signed_in(olivia_officer))
    assert _numbers(officer) == violent | {city["juvenile"].incident_number}
    assert city["other"].incident_number not in _numbers(officer)
    first = city["plain"][0].incident_number
    point = next(f for f in officer["incidents"]["features"] if f["properties"]["number"] == first)
    assert point["geometry"] == {"type": "Point", "coordinates": [-89.695, 39.705]}
    assert point["properties"]["url"] == reverse("incidents:detail", args=[city["plain"][0].public_id])
    assert point["properties"]["offense"] == "13A Aggravated Assault"
    assert point["properties"]["shooting"] is True
    # Districts and beats carry their names and a point inside each polygon for the label.
    (district,) = officer["districts"]["features"]
    assert district["properties"]["name"] == "Central District" and district["properties"]["code"] == "1"
    (beat,) = officer["beats"]["features"]
    assert beat["properties"]["name"] == "Beat 101" and beat["properties"]["district"] == "Central District"
    lon, lat = beat["properties"]["label"]
    assert -89.7 < lon < -89.68 and 39.7 < lat < 39.72
    assert officer["bbox"] == pytest.approx([-89.7, 39.7, -89.68, 39.72])


def test_map_cells_match_the_analysis(city: dict[str, Any], olivia_officer: Any, signed_in: Any) -> None:
    """The grid cells add up to the analysis' located incidents, and the significant ones are its hot cells."""
    client = signed_in(olivia_officer)
    params = {"as_of": AS_OF, "cell_m": "250"}
    analysis = client.get("/api/v1/incidents/stats/hotspots", params).json()
    layers = _layers(client, cell_m="250")
    cells = layers["cells"]["features"]
    assert sum(c["properties"]["count"] for c in cells) == analysis["n_incidents"] == 8
    hot = [c for c in cells if c["properties"]["level"] in ("95%", "99%")]
    assert len(hot) == analysis["hot_cells"]
    top = analysis["cells"][0]
    ring = next(c for c in cells if c["properties"]["z"] == top["z"])["geometry"]["coordinates"][0]
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    assert min(lons) < top["lon"] < max(lons) and min(lats) < top["lat"] < max(lats)
    # A 250 m cell is about 0.0029° of longitude and 0.00226° of latitude here.
    assert max(lons) - min(lons) == pytest.approx(250 / (111_320 * 0.7695), rel=0.01)
    assert max(lats) - min(lats) == pytest.approx(250 / 110_540, rel=0.01)


def test_map_layers_refuse_what_the_analysis_refuses(city: dict[str, Any], bob_officer_b: Any, agency_a: Any,
                                                     signed_in: Any) -> None:
    client = signed_in(bob_officer_b)
    response = client.get(MAP_API, {"agency": agency_a.ori, "as_of": AS_OF})
    assert response.status_code == 422 and "agency" in response.content.decode()
    assert client.get(MAP_API, {"cell_m": "5"}).status_code == 422
    grants = signed_in(make_persona("gina", agency_a, Role.GRANTS))
    assert grants.get(MAP_API, {"as_of": AS_OF}).status_code == 403


def test_hotspot_page_places_the_map_over_its_svg(city: dict[str, Any], olivia_officer: Any, signed_in: Any,
                                                  settings: Any) -> None:
    settings.DEMO_MODE = False
    html = signed_in(olivia_officer).get(reverse("incidents:stats_hotspots"), {"as_of": AS_OF}).content.decode()
    assert 'id="hotspot-svg"' in html  # the no-JavaScript map stays
    config = json.loads(re.search(r'<script id="hotspot-map-config" type="application/json">(.*?)</script>',
                                  html, re.S)[1])  # type: ignore[index]
    assert config["layers_url"] == f"{MAP_API}?as_of={AS_OF}"
    assert config["fallback"] == "hotspot-svg" and config["popups"] is True
    assert config["basemap"]["kind"] == "none"  # not the demo, nothing configured: districts and beats only
    assert 'type="module" src="/static/safecity/maps.js"' in html and "Map legend" in html


# ---- basemap: PMTiles served with range requests --------------------------------------------------------


@pytest.fixture
def pmtiles_file(tmp_path: Path, settings: Any) -> bytes:
    body = bytes(range(256)) * 4
    path = tmp_path / "city.pmtiles"
    path.write_bytes(body)
    settings.BASEMAP_PMTILES = str(path)
    return body


def test_basemap_answers_one_range_with_206(pmtiles_file: bytes, olivia_officer: Any, signed_in: Any) -> None:
    client = signed_in(olivia_officer)
    url = reverse("incidents:basemap")
    part = client.get(url, HTTP_RANGE="bytes=10-19")
    assert part.status_code == 206 and part.content == pmtiles_file[10:20]
    assert part["Content-Range"] == "bytes 10-19/1024" and part["Content-Length"] == "10"
    assert part["Accept-Ranges"] == "bytes"
    tail = client.get(url, HTTP_RANGE="bytes=-24")
    assert tail.status_code == 206 and tail.content == pmtiles_file[-24:]
    assert tail["Content-Range"] == "bytes 1000-1023/1024"
    rest = client.get(url, HTTP_RANGE="bytes=1000-")
    assert rest.status_code == 206 and rest.content == pmtiles_file[1000:]
    past_end = client.get(url, HTTP_RANGE="bytes=1020-5000")
    assert past_end.status_code == 206 and past_end["Content-Range"] == "bytes 1020-1023/1024"
    whole = client.get(url)
    assert whole.status_code == 200 and b"".join(whole.streaming_content) == pmtiles_file  # type: ignore[attr-defined]
    assert whole["Accept-Ranges"] == "bytes" and whole["Content-Length"] == "1024"
    # A range that changed under the reader (If-Range with an old ETag) gets the whole file, not a mix.
    stale = client.get(url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"old"')
    assert stale.status_code == 200
    fresh = client.get(url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=whole["ETag"])
    assert fresh.status_code == 206 and fresh.content == pmtiles_file[:10]


def test_basemap_refuses_ranges_it_cannot_satisfy(pmtiles_file: bytes, olivia_officer: Any, signed_in: Any) -> None:
    client = signed_in(olivia_officer)
    url = reverse("incidents:basemap")
    beyond = client.get(url, HTTP_RANGE="bytes=2000-2010")
    assert beyond.status_code == 416 and beyond["Content-Range"] == "bytes */1024"
    assert client.get(url, HTTP_RANGE="bytes=-0").status_code == 416
    # Malformed, backwards or multiple ranges are ignored (RFC 9110 §14.2): the whole file.
    for header in ("bytes=abc", "bytes=20-10", "bytes=0-1,5-6", "items=0-5"):
        assert client.get(url, HTTP_RANGE=header).status_code == 200, header


def test_basemap_needs_a_file_and_the_incidents_module(settings: Any, pmtiles_file: bytes, agency_a: Any,
                                                       client: Any, signed_in: Any, olivia_officer: Any) -> None:
    url = reverse("incidents:basemap")
    assert client.get(url, HTTP_RANGE="bytes=0-9").status_code == 302  # anonymous: sent to sign in
    caseworker = signed_in(make_persona("cora", agency_a, Role.CASEWORKER))
    assert caseworker.get(url, HTTP_RANGE="bytes=0-9").status_code == 403
    settings.BASEMAP_PMTILES = ""
    assert signed_in(olivia_officer).get(url).status_code == 404


# ---- Content-Security-Policy -------------------------------------------------------------------------------


def _csp(response: Any) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in response["Content-Security-Policy"].split("; ")}


def test_csp_stays_strict_with_maps(city: dict[str, Any], olivia_officer: Any, signed_in: Any) -> None:
    page = signed_in(olivia_officer).get(reverse("incidents:stats_hotspots"), {"as_of": AS_OF})
    csp = _csp(page)
    for directive in ("default-src", "script-src", "style-src", "connect-src", "font-src"):
        assert csp[directive] == ["'self'"], directive
    assert csp["img-src"] == ["'self'", "data:"]
    assert "worker-src" not in csp and "child-src" not in csp  # the module worker falls back to script-src 'self'
    assert "unsafe" not in page["Content-Security-Policy"] and "blob:" not in page["Content-Security-Policy"]


def test_csp_opens_only_the_configured_tile_origin(settings: Any, city: dict[str, Any], olivia_officer: Any,
                                                   signed_in: Any) -> None:
    settings.BASEMAP_TILE_URL = "https://tiles.riverton.example/streets/{z}/{x}/{y}.png"
    page = signed_in(olivia_officer).get(reverse("incidents:stats_hotspots"), {"as_of": AS_OF})
    csp = _csp(page)
    assert csp["connect-src"] == ["'self'", "https://tiles.riverton.example"]
    assert csp["img-src"] == ["'self'", "data:", "https://tiles.riverton.example"]
    assert csp["script-src"] == ["'self'"] and csp["default-src"] == ["'self'"]
    assert '"kind": "raster"' in page.content.decode()


# ---- the demo's street layer ---------------------------------------------------------------------------------


def test_bad_basemap_settings_stop_start_up_naming_the_setting(tmp_path: Path) -> None:
    import subprocess
    import sys

    env = {**os.environ, "SAFECITY_VAR_DIR": str(tmp_path)}
    for name, value, says in (
            ("SAFECITY_BASEMAP_TILE_URL", "https://tiles.example.gov/streets.png", "must be an http(s) URL with {z}"),
            ("SAFECITY_BASEMAP_TILE_URL", "ftp://tiles.example.gov/{z}/{x}/{y}.png", "must be an http(s) URL"),
            ("SAFECITY_BASEMAP_PMTILES", str(tmp_path / "missing.pmtiles"), "SAFECITY_BASEMAP_PMTILES: no file")):
        run = subprocess.run([sys.executable, "-c", "import safecity.settings"], env={**env, name: value},
                             capture_output=True, text=True, timeout=120)
        assert run.returncode != 0 and says in run.stderr, (name, value, run.stderr[-300:])


def test_demo_street_layer_is_the_generators_output() -> None:
    from safecity.demo.geography import EAST, NORTH, SOUTH, WEST
    from safecity.demo.streets import render

    shipped = Path(__file__).resolve().parents[2] / "static" / "safecity" / "maps" / "riverton-streets.geojson"
    assert shipped.read_text() == render(), "regenerate: python -m safecity.demo.streets > " + str(shipped)
    data = json.loads(shipped.read_text())
    kinds = {f["properties"]["kind"] for f in data["features"]}
    assert kinds == {"water", "park", "minor", "major", "highway"}
    for feature in data["features"]:
        coords = feature["geometry"]["coordinates"]
        flat = coords if feature["geometry"]["type"] == "LineString" else [p for ring in coords for p in ring]
        assert all(WEST - 0.01 <= lon <= EAST + 0.01 and SOUTH - 0.01 <= lat <= NORTH + 0.01 for lon, lat in flat)
    assert len(shipped.read_bytes()) < 50_000  # small enough to ship and to load on every map


def test_demo_mode_uses_the_demo_streets(settings: Any) -> None:
    from safecity.incidents.maps import basemap_config

    settings.DEMO_MODE = True
    assert basemap_config()["kind"] == "geojson"
    assert basemap_config()["url"].endswith("/safecity/maps/riverton-streets.geojson")
    settings.BASEMAP_PMTILES = "/some/file.pmtiles"  # a city's own file wins over the demo's streets
    assert basemap_config() == {"kind": "pmtiles", "url": reverse("incidents:basemap"),
                                "attribution": "© OpenStreetMap contributors"}


# ---- an incident's page: its map and its people in words ---------------------------------------------------


def test_victims_in_words() -> None:
    from safecity.incidents.words import victim_words, weapon_words

    shot = SimpleNamespace(seq=1, victim_type="I", sex="F", age=34, injury_codes=["M"], offense_codes=["13A"],
                           is_fatal=False, is_shot=True)
    assert victim_words(shot, {"13A": "Aggravated Assault"}) == (
        "Victim 1: person, female, 34, injured — shot (apparent minor injury); offenses: 13A Aggravated Assault")
    killed = SimpleNamespace(seq=2, victim_type="I", sex="M", age=None, injury_codes=[], offense_codes=["09A"],
                             is_fatal=True, is_shot=True)
    assert victim_words(killed) == "Victim 2: person, male, age unknown, killed — shot; offenses: 09A"
    unhurt = SimpleNamespace(seq=3, victim_type="I", sex="", age=70, injury_codes=["N"], offense_codes=[],
                             is_fatal=False, is_shot=False)
    assert victim_words(unhurt) == "Victim 3: person, 70, not injured"
    shop = SimpleNamespace(seq=4, victim_type="B", sex="", age=None, injury_codes=[], offense_codes=["220"],
                           is_fatal=False, is_shot=False)
    assert victim_words(shop, {"220": "Burglary/Breaking & Entering"}) == (
        "Victim 4: business; offenses: 220 Burglary/Breaking & Entering")
    odd = SimpleNamespace(seq=5, victim_type="Q", sex="", age=None, injury_codes=[], offense_codes=[],
                          is_fatal=False, is_shot=False)
    assert victim_words(odd) == "Victim 5: victim type Q"
    assert weapon_words(["12A", "20", "99", "77"]) == (
        "automatic handgun, knife or cutting instrument, no weapon, weapon code 77")


def test_incident_page_has_a_map_and_its_victims_in_words(city: dict[str, Any], olivia_officer: Any,
                                                          signed_in: Any) -> None:
    incident = city["plain"][0]
    response = signed_in(olivia_officer).get(reverse("incidents:detail", args=[incident.public_id]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Victim 1: person, age unknown, injured — shot; offenses: 13A Aggravated Assault" in html
    assert "handgun (12)" in html
    assert "N — not cleared exceptionally" in html  # the clearance code with its meaning
    config = json.loads(re.search(r'<script id="incident-map-config" type="application/json">(.*?)</script>',
                                  html, re.S)[1])  # type: ignore[index]
    (point,) = config["layers"]["incidents"]["features"]
    assert point["geometry"]["coordinates"] == [-89.695, 39.705]
    assert [d["properties"]["name"] for d in config["layers"]["districts"]["features"]] == ["Central District"]
    assert config["popups"] is False and 'aria-label="Map of where incident' in html
    assert "style=" not in html


def test_incident_without_a_location_has_no_map(agency_a: Any, olivia_officer: Any, signed_in: Any) -> None:
    incident = make_incident(agency_a, dt.date(2026, 6, 1), [("120", [])])
    html = signed_in(olivia_officer).get(reverse("incidents:detail", args=[incident.public_id])).content.decode()
    assert "incident-map-config" not in html and "No location was recorded" in html
