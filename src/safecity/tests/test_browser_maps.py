"""The interactive maps in real Chromium (WebGL through SwiftShader): drawn from our own origin only, with
features on the canvas, popups, a legend, keyboard zoom and no axe violations; a PMTiles basemap read with
range requests through our own view (docs/maps.md)."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import os
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from safecity.tests.test_browser import CHROMIUM, _axe, _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Where to keep the screenshots a person looks at (and docs/screenshots/ takes two of); unset: a temp folder.
SHOTS = os.environ.get("SAFECITY_MAP_SCREENSHOTS", "")
TILE_RGB = (255, 204, 229)  # the test basemap's one colour, unlike anything the map draws on top


@pytest.fixture(scope="module")
def gl_browser() -> Iterator[Any]:
    if CHROMIUM is None:
        pytest.fail("Chromium is not installed: `make test` installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        # No --disable-gpu here: MapLibre needs WebGL, which headless Chromium provides through SwiftShader.
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--enable-unsafe-swiftshader", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage"])
        yield b
        b.close()


@pytest.fixture
def mapped_city(transactional_db: Any, settings: Any) -> dict[str, Any]:
    from safecity.core.actors import SYSTEM
    from safecity.core.models import Agency
    from safecity.demo.build import POLICE_ORI, build_demo
    from safecity.incidents.actions import OffenseIn, VictimIn, incident_create

    settings.DEMO_MODE = True
    build_demo(seed=7, incidents=False)
    police = Agency.objects.get(ori=POLICE_ORI)
    now = dt.datetime.now(dt.UTC)
    made = []
    # A tight cluster (a hot spot) and a few scattered incidents, all inside Riverton's beats.
    for i in range(24):
        made.append(incident_create(
            actor=SYSTEM, agency=police, incident_number=f"24-0{i:05d}", occurred_from=now - dt.timedelta(days=3 + i),
            offenses=[OffenseIn(code="13A", weapon_codes=["12"] if i % 3 == 0 else ["40"])],
            victims=[VictimIn(age=20 + i, sex="F" if i % 2 else "M", injury_codes=["M"])],
            block_address=f"{1200 + i}XX N MAIN ST", latitude=39.78 + (i % 4) * 0.0004 + (i // 8) * 0.03,
            longitude=-89.60 + (i % 5) * 0.0004 - (i // 8) * 0.05))
    return {"police": police, "incidents": made}


def _same_origin_only(requests: list[str], base: str) -> list[str]:
    host = urlparse(base).netloc
    return [u for u in requests if urlparse(u).scheme in ("http", "https", "ws", "wss") and urlparse(u).netloc != host]


def _shot(page: Any, name: str) -> None:
    folder = Path(SHOTS) if SHOTS else None
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def _open(gl_browser: Any, base: str, width: int = 1366) -> tuple[Any, Any, list[str], list[str]]:
    from safecity.demo.build import demo_password

    context = gl_browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    requests: list[str] = []
    problems: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" and "favicon" not in m.text else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    _sign_in(page, base, "analyst", demo_password("analyst"))
    return context, page, requests, problems


def _ready(page: Any, selector: str) -> None:
    page.wait_for_selector(f"{selector}[data-map-state=ready]", timeout=90_000)


def test_hotspot_map_draws_from_our_origin_with_popups_legend_and_keyboard(live_server: Any, gl_browser: Any,
                                                                          mapped_city: dict[str, Any]) -> None:
    base = live_server.url
    context, page, requests, problems = _open(gl_browser, base)
    response = page.goto(base + "/incidents/stats/hotspots/?days=60&cell_m=250")
    assert response is not None and response.status == 200
    csp = response.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "unsafe" not in csp and "blob:" not in csp
    _ready(page, "#hotspot-map")
    rendered = page.evaluate("""() => {
        const map = window.safecityMaps['hotspot-map'];
        const count = (layer) => map.queryRenderedFeatures({layers: [layer]}).length;
        return {incidents: count('incidents'), districts: count('districts'), beats: count('beats'),
                cells: count('cells'), streets: count('base-minor') + count('base-major'),
                layers: map.getStyle().layers.length};
    }""")
    assert rendered["incidents"] > 0 and rendered["districts"] > 0 and rendered["beats"] > 0, rendered
    assert rendered["cells"] > 0 and rendered["streets"] > 0, rendered
    labels = page.eval_on_selector_all(".sc-map__label--district", "els => els.map(e => e.textContent)")
    assert "Central District" in labels or len(labels) == 5, labels
    # The SVG map steps aside for the live one; the legend says what every colour means.
    assert page.eval_on_selector("#hotspot-svg", "e => e.hidden") is True
    legend = page.inner_text("#hotspot-map .sc-map__legend")
    for words in ("Incident", "Shooting", "District boundary", "Beat boundary", "99% confidence", "not significant"):
        assert words in legend
    assert page.get_attribute("#hotspot-map .sc-map__canvas", "aria-label")
    # A click on an incident opens a popup that names it and links to its page.
    page.locator("#hotspot-map .sc-map__canvas").scroll_into_view_if_needed()
    x, y = page.evaluate("""() => {
        const map = window.safecityMaps['hotspot-map'];
        const f = map.queryRenderedFeatures({layers: ['incidents']})[0];
        const p = map.project(f.geometry.coordinates);
        const box = map.getCanvas().getBoundingClientRect();
        return [box.left + p.x, box.top + p.y];
    }""")
    page.mouse.click(x, y)
    popup = page.wait_for_selector(".maplibregl-popup", timeout=10_000)
    assert popup is not None and "Incident 24-0" in popup.inner_text()
    link = page.get_attribute(".maplibregl-popup a.usa-link", "href")
    assert link is not None and link.startswith("/incidents/") and link.count("-") == 4  # a public id
    # Keyboard: the map takes focus and zooms with "+".
    before = page.evaluate("() => window.safecityMaps['hotspot-map'].getZoom()")
    page.focus("#hotspot-map canvas")
    page.keyboard.press("Equal")
    page.wait_for_function(f"() => window.safecityMaps['hotspot-map'].getZoom() > {before} + 0.5", timeout=10_000)
    violations = _axe(page)
    assert not violations, [f"{v['id']}: {v['help']} {v['nodes'][0]['target']}" for v in violations]
    for width in (1366, 1920, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(base + "/incidents/stats/hotspots/?days=60&cell_m=250")
        _ready(page, "#hotspot-map")
        box = page.eval_on_selector("#hotspot-map .sc-map__canvas", "e => e.getBoundingClientRect().width")
        assert 300 < box <= width, (width, box)
        _shot(page, f"hotspots-{width}")
    assert not _same_origin_only(requests, base), _same_origin_only(requests, base)
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
    context.close()


def test_incident_page_shows_a_small_map_and_victims_in_words(live_server: Any, gl_browser: Any,
                                                              mapped_city: dict[str, Any]) -> None:
    base = live_server.url
    incident = mapped_city["incidents"][0]
    context, page, requests, problems = _open(gl_browser, base, width=390)
    page.goto(f"{base}/incidents/{incident.public_id}/")
    _ready(page, "#incident-map")
    shown = page.evaluate("""() => {
        const map = window.safecityMaps['incident-map'];
        return [map.queryRenderedFeatures({layers: ['incidents']}).length,
                map.queryRenderedFeatures({layers: ['districts']}).length];
    }""")
    assert shown[0] == 1 and shown[1] > 0, shown
    assert "Victim 1: person, male, 20, injured — shot (apparent minor injury)" in page.inner_text("main")
    assert "handgun (12)" in page.inner_text("main")
    violations = _axe(page)
    assert not violations, [f"{v['id']}: {v['help']} {v['nodes'][0]['target']}" for v in violations]
    _shot(page, "incident-390")
    assert not _same_origin_only(requests, base)
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
    context.close()


# ---- a PMTiles basemap, read through our range-request view -----------------------------------------------


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _one_tile_pmtiles(tile: bytes) -> bytes:
    """A PMTiles v3 archive holding one PNG tile at zoom 0 (tile id 0), written from the published spec:
    a 127-byte header, a gzip-compressed root directory (one entry), JSON metadata, then the tile."""
    directory = gzip.compress(_varint(1) + _varint(0) + _varint(1) + _varint(len(tile)) + _varint(0 + 1))
    metadata = gzip.compress(json.dumps({"name": "test basemap"}).encode())
    root_at = 127
    meta_at = root_at + len(directory)
    data_at = meta_at + len(metadata)
    header = b"PMTiles" + bytes([3]) + struct.pack(
        "<11Q", root_at, len(directory), meta_at, len(metadata), data_at, 0, data_at, len(tile), 1, 1, 1)
    # clustered, internal compression gzip (2), tile compression none (1), tile type png (2), zooms 0–0
    header += bytes([1, 2, 1, 2, 0, 0])
    header += struct.pack("<4i", -1_800_000_000, -850_000_000, 1_800_000_000, 850_000_000)
    header += bytes([0]) + struct.pack("<2i", 0, 0)
    assert len(header) == 127
    return header + directory + metadata + tile


def test_pmtiles_basemap_is_read_in_ranges_from_our_server(live_server: Any, gl_browser: Any, settings: Any,
                                                           mapped_city: dict[str, Any], tmp_path: Path) -> None:
    from PIL import Image

    image = io.BytesIO()
    Image.new("RGB", (256, 256), TILE_RGB).save(image, "PNG")
    archive = tmp_path / "city.pmtiles"
    archive.write_bytes(_one_tile_pmtiles(image.getvalue()))
    settings.BASEMAP_PMTILES = str(archive)
    base = live_server.url
    context, page, requests, problems = _open(gl_browser, base)
    ranges: list[tuple[int, str | None]] = []
    page.on("response", lambda r: ranges.append((r.status, r.headers.get("content-range")))
            if "basemap.pmtiles" in r.url else None)
    page.goto(f"{base}/incidents/{mapped_city['incidents'][0].public_id}/")
    _ready(page, "#incident-map")
    assert ranges and all(status == 206 and (cr or "").startswith("bytes ") for status, cr in ranges), ranges
    shot = page.locator("#incident-map .sc-map__canvas").screenshot()
    corner = Image.open(io.BytesIO(shot)).convert("RGB").getpixel((8, 8))
    assert all(abs(a - b) <= 6 for a, b in zip(corner, TILE_RGB, strict=True)), corner
    assert "pmtiles.js" in " ".join(requests)
    assert not _same_origin_only(requests, base)
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
    context.close()
