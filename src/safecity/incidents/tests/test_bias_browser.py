"""Issue 8, item 14 in a real browser: an imported NYPD hate crime shows its bias motivation in words on the
incident page, on a phone without sideways scrolling, and the page passes axe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from safecity.incidents.tests.test_import_nypd_hate import HATE_FILE
from safecity.tests.test_browser import _axe, _sign_in, browser  # noqa: F401  (browser is a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_incident_page_names_the_bias_motivation_on_a_phone(live_server: Any, browser: Any,  # noqa: F811
                                                            tmp_path: Path) -> None:
    from safecity.core.models import Agency
    from safecity.demo.build import POLICE_ORI, build_demo, demo_password
    from safecity.incidents.importers import ImportOptions, run_import
    from safecity.incidents.models import Incident

    build_demo(seed=7, incidents=False)
    lines = HATE_FILE.read_text().splitlines()
    sample = tmp_path / "hate.csv"
    sample.write_text("\n".join(lines[:30]) + "\n")  # header and the first 29 rows of the published file
    police = Agency.objects.get(ori=POLICE_ORI)
    assert run_import(ImportOptions(path=sample, agency=police, fmt="nypd_hate")).imported > 20
    incident = Incident.objects.get(agency=police, incident_number="202206012204617")  # row 1: ANTI-JEWISH

    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    _sign_in(page, live_server.url, "analyst", demo_password("analyst"))
    page.goto(f"{live_server.url}/incidents/{incident.public_id}/")
    cell = page.locator("td[data-label='Bias motivation']")
    assert cell.inner_text().strip() == "Anti-Jewish (21)"
    box = cell.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390, box  # readable without scrolling sideways
    table = page.locator("table", has_text="Offenses in this incident").bounding_box()
    assert table is not None and table["x"] + table["width"] <= 390, table
    violations = [f"{v['id']} — {v['help']} ({v['nodes'][0]['target']})" for v in _axe(page)]
    assert violations == []
    context.close()
