"""Every policing page a chief opens, on the demo city's policing data, in real Chromium: axe (WCAG 2.1 AA)
clean, and no sideways scrolling at 1366 px, 1920 px and a 390 px phone. Pages are found by following the
menu and then one record link and any import link from each list, so a new page is checked without being
listed here."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from safecity.tests.test_browser import HIDDEN_COLUMNS, _axe, _sign_in, browser  # noqa: F401  (browser: a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1366, 1920, 390)
UUID_PATH = re.compile(r"/m/policing/.+/[0-9a-f-]{36}/$")
# Set SAFECITY_SCREENSHOTS=<folder> to keep a full-page screenshot of every page at every width.
SHOTS = os.environ.get("SAFECITY_SCREENSHOTS", "")


def _policing_links(page: Any) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    return [h for h in hrefs if h.startswith("/m/policing/") and not h.endswith((".csv", ".json"))
            and "page=" not in h]


def test_every_policing_page_passes_axe_and_fits(live_server: Any, browser: Any) -> None:  # noqa: F811
    from safecity.core.models import Agency
    from safecity.demo.build import POLICE_ORI, build_demo, demo_password
    from safecity.demo.incidents import generate_incidents
    from safecity.demo.policing import build_policing

    build_demo(seed=7, incidents=False)
    police = Agency.objects.get(ori=POLICE_ORI)
    # a tenth of the demo's incidents: enough for the camera dispatch links and the SARA project's counts,
    # so pages that link to incidents are checked with those links on them
    generate_incidents(agency=police, seed=7, scale=0.1)
    build_policing(agency=police, seed=7)
    base = live_server.url
    context = browser.new_context()
    page = context.new_page()
    _sign_in(page, base, "admin", demo_password("admin"))
    page.goto(base + "/m/policing/")
    menu = page.eval_on_selector_all("nav[aria-label=Main] .usa-nav__submenu a",
                                     "els => els.map(e => e.getAttribute('href'))")
    starts = ["/m/policing/"] + [h for h in menu if h.startswith("/m/policing/") and h != "/m/policing/"]
    paths: list[str] = []
    for start in starts:
        if start not in paths:
            paths.append(start)
        page.goto(base + start)
        links = _policing_links(page)
        records = [h for h in links if UUID_PATH.match(urlparse(h).path)]
        if records and records[0] not in paths:
            paths.append(records[0])
        # the upload pages a list offers ("Import … from a file") are not in the menu
        paths += [h for h in links if urlparse(h).path.endswith("/import/") and h not in paths]
    failures: list[str] = []
    for path in paths:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            response = page.goto(base + path)
            assert response is not None and response.status == 200, f"{path}: {response and response.status}"
            if width == WIDTHS[0]:
                failures += [f"{path}: {v['id']} — {v['help']} ({v['nodes'][0]['target']})" for v in _axe(page)]
            scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if scroll > inner:
                failures.append(f"{path}: {scroll - inner} px wider than a {width} px window")
            if width != 390:
                failures += [f"{path}: {hidden} at {width} px" for hidden in page.evaluate(HIDDEN_COLUMNS)]
            if SHOTS:
                name = re.sub(r"[^a-z0-9]+", "-", path.strip("/")) or "start"
                page.screenshot(path=str(Path(SHOTS) / f"{name}-{width}.png"), full_page=True)
    context.close()
    assert len(paths) > 15, paths
    assert not failures, "\n".join(failures)
