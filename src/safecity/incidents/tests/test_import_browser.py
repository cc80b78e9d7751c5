"""Issue 8, item 12, in Chromium: long values from a file (a 5,000-character cell, a very long file name) wrap
inside the import pages instead of widening them, at 1366 px, 1920 px and on a phone (390 px), and the pages
pass axe. Screenshots go to SAFECITY_SCREENSHOT_DIR (default: a folder in the system's temporary directory)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest

from safecity.incidents.tests.test_import_formats import FIXTURES
from safecity.tests.test_browser import _axe, _sign_in, browser, demo_city  # noqa: F401  fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("SAFECITY_SCREENSHOT_DIR", Path(tempfile.gettempdir()) / "safecity-shots"))


def _long_file() -> bytes:
    """Chicago's layout without locations (Chicago's points lie outside Riverton), one runaway cell kept and
    one rejected."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO((FIXTURES / "chicago_sample.csv").read_text(encoding="utf-8"))))
    header = rows[0]
    for row in rows[1:]:
        for column in ("X Coordinate", "Y Coordinate", "Latitude", "Longitude", "Location"):
            row[header.index(column)] = ""
    rows[2][header.index("Block")] = "X" * 5000  # kept, cut to 200 characters on the incident
    rows[3][header.index("Date")] = "9" * 5000  # rejected: the preview shows the raw value in its error table
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode()


def _fits(page: Any) -> tuple[int, int]:
    return page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")


def test_long_values_wrap_on_the_import_pages(live_server: Any, browser: Any, demo_city: Any) -> None:  # noqa: F811
    from safecity.demo.build import demo_password

    SHOTS.mkdir(parents=True, exist_ok=True)
    name = "riverton-" + "very-long-export-name-" * 10 + ".csv"
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    _sign_in(page, live_server.url, "analyst", demo_password("analyst"))  # two-step set-up happens once
    for width, height in ((1366, 900), (1920, 1080), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{live_server.url}/incidents/import/")
        page.select_option("#id_fmt", "chicago")
        page.set_input_files("#id_file", files=[{"name": name, "mimeType": "text/csv", "buffer": _long_file()}])
        with page.expect_navigation():
            page.click("main button[type=submit]")
        assert "Check before importing" in page.inner_text("h1")
        assert "rejected" in page.inner_text("main")
        page.screenshot(path=str(SHOTS / f"import-preview-{width}.png"), full_page=True)
        scroll, inner = _fits(page)
        assert scroll <= inner, f"preview is {scroll}px wide in a {inner}px window"
        assert _axe(page) == []
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        page.screenshot(path=str(SHOTS / f"import-result-{width}.png"), full_page=True)
        scroll, inner = _fits(page)
        assert scroll <= inner, f"result is {scroll}px wide in a {inner}px window"
        assert _axe(page) == []
        page.goto(f"{live_server.url}/incidents/import/")
        page.screenshot(path=str(SHOTS / f"import-upload-{width}.png"), full_page=True)
        scroll, inner = _fits(page)
        assert scroll <= inner, f"upload page with recent imports is {scroll}px wide in a {inner}px window"
    context.close()
