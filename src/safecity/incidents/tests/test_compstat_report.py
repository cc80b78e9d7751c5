"""Issue 8, items 5–7: the CompStat PDF is laid out (no text drawn over text) with a trend chart; the page shows
one period at a time with rates per 100,000 and an executive summary; city roles get the roll-up of every
agency they may see, and the mayor counts what command staff count without opening labelled records."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pdfplumber
import pytest
from django.urls import reverse

from safecity.conftest import make_persona
from safecity.core import actions
from safecity.core.actors import SYSTEM
from safecity.core.roles import Role, Sensitivity
from safecity.incidents.tests.factories import geography, make_incident

AS_OF = "2026-06-17"


@pytest.fixture
def data(agency_a, agency_b):  # type: ignore[no-untyped-def]
    """Robbery down hard (20 → 2) and aggravated assault up at A; burglaries at B; one labelled rape at A."""
    _, beat_a = geography(agency_a)
    _, beat_b = geography(agency_b, lon=-88.0, lat=40.0)
    for i in range(20):
        make_incident(agency_a, dt.date(2025, 6, 1) + dt.timedelta(days=i % 14), [("120", [])], beat=beat_a,
                      lon=-89.69, lat=39.71)
    for i in range(2):
        make_incident(agency_a, dt.date(2026, 6, 2 + i), [("120", [])], beat=beat_a, lon=-89.69, lat=39.71)
    for i in range(12):
        make_incident(agency_a, dt.date(2026, 6, 1) + dt.timedelta(days=i), [("13A", ["40"])],
                      [(["13A"], False, False)], beat=beat_a, lon=-89.695 + i * 0.0005, lat=39.705)
    for i in range(3):
        make_incident(agency_b, dt.date(2026, 6, 5 + i), [("220", [])], beat=beat_b, lon=-87.99, lat=40.01)
    make_incident(agency_a, dt.date(2026, 6, 10), [("11A", [])], beat=beat_a, lon=-89.69, lat=39.71,
                  sensitivity=int(Sensitivity.VICTIM_IDENTIFYING))
    for agency, beat in ((agency_a, beat_a), (agency_b, beat_b)):  # data on file from 2025 to the as-of day
        for day in (dt.date(2025, 1, 2), dt.date.fromisoformat(AS_OF)):
            make_incident(agency, day, [("90Z", [])], beat=beat)
    for agency, pop in ((agency_a, 200_000), (agency_b, 50_000)):
        for year in (2025, 2026):
            actions.agency_population_set(actor=SYSTEM, agency=agency, year=year, population=pop,
                                          source="test figure")


# ---- item 7: the PDF --------------------------------------------------------------------------------------


def overlapping_text(pdf: bytes, tolerance: float = 0.5) -> list[str]:
    """Pairs of characters drawn over each other (boxes intersecting by more than ``tolerance`` points in both
    directions), on any page: what a reader sees as "-47.1%DOWN" or a code printed over a unit."""
    found = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for number, page in enumerate(doc.pages, start=1):
            chars = [c for c in page.chars if c["text"].strip()]
            chars.sort(key=lambda c: c["x0"])
            for i, a in enumerate(chars):
                for b in chars[i + 1:]:
                    if b["x0"] >= a["x1"] - tolerance:
                        break
                    dx = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
                    dy = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
                    if dx > tolerance and dy > tolerance:
                        found.append(f"page {number}: {a['text']!r}@({a['x0']:.0f},{a['top']:.0f}) over "
                                     f"{b['text']!r}@({b['x0']:.0f},{b['top']:.0f})")
    return found


def words_outside_page(pdf: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return [w["text"] for page in doc.pages for w in page.extract_words()
                if w["x0"] < 0 or w["x1"] > page.width or w["top"] < 0 or w["bottom"] > page.height]


def test_overlap_check_sees_overlap() -> None:
    """The checker itself: two strings drawn at the same place are reported, side by side they are not."""
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(100, 700, "-47.1%")
    c.drawString(110, 700, "DOWN -2.25")
    c.drawString(100, 600, "-47.1%")
    c.drawString(160, 600, "DOWN")
    c.save()
    found = overlapping_text(buf.getvalue())
    assert found
    # Only the first line (y = 700 from the bottom, about 132 from the top) overlaps; the second does not.
    assert {f.split("@(")[1].split(")")[0].split(",")[1] for f in found} == {"132"}


def test_pdf_text_does_not_overlap_and_has_a_chart(data, ann_analyst, signed_in) -> None:  # type: ignore[no-untyped-def]
    response = signed_in(ann_analyst).get(reverse("incidents:stats_compstat_pdf"), {"as_of": AS_OF})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert overlapping_text(pdf) == []
    assert words_outside_page(pdf) == []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        text = "\n".join(page.extract_text() or "" for page in doc.pages)
        first = doc.pages[0]
        # The trend chart: a titled drawing of lines (one per series, plus axes), rendered as vector paths.
        assert "Monthly trend" in text
        strokes = first.lines + first.curves
        assert len(strokes) >= 4, "no chart drawn on the first page"
        # Rendering to PNG works and the chart area is not blank.
        image = first.to_image(resolution=60).original.convert("L")
        assert image.getextrema()[0] < 100
    # The numbers in words and figures: robbery 2 against 20 (−90%), flagged down; rates per 100,000.
    assert "Robbery (120)" in text and "-90.0%" in text and "DOWN" in text
    assert "Rate per 100,000" in text and "1.0" in text  # 2 robberies / 200,000 × 100,000


# ---- item 5: the page ---------------------------------------------------------------------------------------


def test_compstat_page_one_period_with_rates_and_summary(data, ann_analyst, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(ann_analyst)
    html = client.get(reverse("incidents:stats_compstat"), {"as_of": AS_OF}).content.decode()
    assert "Biggest real changes" in html
    summary = html.split("Biggest real changes", 1)[1].split("</section>", 1)[0]
    assert "Robbery (120): 2 offenses in the last 28 days, down 90% from 20 in the same dates a year earlier" in summary
    assert "Aggravated assault (13A): 12 victims in the last 28 days, against none" in summary
    # The 28-day period is shown by default, one period per table; the others are plain links (no JavaScript).
    assert 'aria-current="true"' in html and "?as_of=2026-06-17&amp;period=ytd" in html
    assert html.count('data-label="Z"') == 12  # one row per category, one period
    # Rates per 100,000: 12 assault victims / 200,000 residents → 6.0
    assert ">6.0<" in html
    ytd = client.get(reverse("incidents:stats_compstat"), {"as_of": AS_OF, "period": "ytd"}).content.decode()
    assert "Year to date: 1 Jan 2026 to 17 Jun 2026" in ytd
    # Districts may have no population figure in some cities: the page says so rather than invent one.
    nopop = client.get(reverse("incidents:stats_compstat"), {"as_of": AS_OF, "area": "district:1"})
    assert nopop.status_code == 200


def test_area_without_population_says_so(data, agency_a, ann_analyst, signed_in) -> None:  # type: ignore[no-untyped-def]
    agency_a.districts.update(population=None)
    html = signed_in(ann_analyst).get(reverse("incidents:stats_compstat"),
                                      {"as_of": AS_OF, "area": "district:1"}).content.decode()
    assert "no population" in html


# ---- item 6: the roll-up and the mayor -------------------------------------------------------------------------


def test_mayor_defaults_to_rollup_of_every_agency(data, maya_mayor, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(maya_mayor)
    html = client.get(reverse("incidents:stats_compstat"), {"as_of": AS_OF}).content.decode()
    assert "All agencies you can see (Alpha Police Department, Bravo Sheriff&#x27;s Office)" in html
    assert '<option value="ALL" selected>' in html
    assert "By agency" in html
    api = client.get("/api/v1/incidents/stats/compstat", {"as_of": AS_OF}).json()
    assert api["agency"] == "ALL"
    rows = {r["category"]: r for r in api["rows"]}
    assert rows["burglary"]["cells"]["d28"]["current"] == 3  # Bravo's
    assert rows["agg_assault"]["cells"]["d28"]["current"] == 12  # Alpha's
    # The roll-up is the sum of what each agency's own CompStat shows.
    for ori in ("ZZ0000001", "ZZ0000002"):
        own = client.get("/api/v1/incidents/stats/compstat", {"as_of": AS_OF, "agency": ori}).json()
        assert own["agency"] == ori
    for page in ("stats_trends", "stats_upticks", "stats_firearm"):
        r = client.get(reverse(f"incidents:{page}"), {"as_of": AS_OF})
        assert r.status_code == 200 and "All agencies you can see" in r.content.decode(), page
    # Maps need one agency's geography: the roll-up is refused there by name, and not the city's default.
    refused = client.get(reverse("incidents:stats_hotspots"), {"as_of": AS_OF, "agency": "ALL"})
    assert refused.status_code == 400 and "one agency at a time" in refused.content.decode()
    # ... and the map's default is the police department, not the city government's empty page.
    hotspots = client.get(reverse("incidents:stats_hotspots"), {"as_of": AS_OF})
    assert hotspots.status_code == 200 and "Alpha Police Department (agency-wide)" in hotspots.content.decode()
    assert client.get(reverse("incidents:stats_compstat"), {"agency": "ALL", "area": "district:1"}).status_code == 400


def test_rollup_is_the_sum_of_the_agencies(data, maya_mayor, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(maya_mayor)
    total = client.get("/api/v1/incidents/stats/trends", {"as_of": AS_OF, "agency": "ALL"}).json()
    parts = [client.get("/api/v1/incidents/stats/trends", {"as_of": AS_OF, "agency": ori}).json()
             for ori in ("ZZ0000001", "ZZ0000002")]

    def counts(t: dict[str, Any]) -> dict[str, list[int | None]]:
        return {s["category"]: [p["count"] for p in s["points"]] for s in t["series"]}

    def add(x: int | None, y: int | None) -> int | None:  # a month no agency has data for stays "no data"
        return None if x is None and y is None else (x or 0) + (y or 0)

    a, b, whole = counts(parts[0]), counts(parts[1]), counts(total)
    assert whole == {k: [add(x, y) for x, y in zip(a[k], b[k], strict=True)] for k in whole}
    assert any(v is None for v in whole["burglary"])  # months before any data on file are not zeros
    assert sum(v or 0 for v in whole["burglary"]) == 3


def test_analyst_default_stays_home_agency(data, ann_analyst, signed_in) -> None:  # type: ignore[no-untyped-def]
    api = signed_in(ann_analyst).get("/api/v1/incidents/stats/compstat", {"as_of": AS_OF}).json()
    assert api["agency"] == "ZZ0000001"


def test_rollup_covers_only_what_the_user_may_see(data, agency_a, signed_in) -> None:  # type: ignore[no-untyped-def]
    analyst = make_persona("andy", agency_a, Role.ANALYST)
    api = signed_in(analyst).get("/api/v1/incidents/stats/compstat", {"as_of": AS_OF, "agency": "ALL"}).json()
    assert api["label"] == "All agencies you can see (Alpha Police Department)"
    assert {r["category"]: r for r in api["rows"]}["burglary"]["cells"]["d28"]["current"] == 0


def test_mayor_counts_labelled_records_but_cannot_open_them(data, agency_a, maya_mayor, signed_in) -> None:  # type: ignore[no-untyped-def]
    from safecity.incidents.models import Incident

    chief = make_persona("chief", agency_a, Role.COMMAND)
    rape = Incident.objects.get(primary_offense="11A")
    mayor = signed_in(maya_mayor)
    counted = mayor.get("/api/v1/incidents/stats/compstat", {"as_of": AS_OF, "agency": "ZZ0000001"}).json()
    by_chief = signed_in(chief).get("/api/v1/incidents/stats/compstat", {"as_of": AS_OF}).json()
    assert {r["category"]: r for r in counted["rows"]}["rape"]["cells"]["d28"]["current"] == 1
    assert counted["rows"] == by_chief["rows"]
    assert mayor.get(f"/incidents/{rape.public_id}/").status_code == 404
    assert str(rape.public_id) not in mayor.get("/api/v1/incidents/?limit=200").content.decode()
    assert mayor.get(reverse("incidents:edit", args=[rape.public_id])).status_code in (403, 404)
