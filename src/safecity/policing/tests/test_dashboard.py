"""The module's start page: one card per record family, each drawn from what the reader may see."""

from __future__ import annotations

from html import unescape
from typing import Any

import pytest

from safecity.conftest import verified_client
from safecity.core.roles import Role
from safecity.policing.tests.factories import make_officer
from safecity.policing.tests.factories_complaints import make_complaint
from safecity.policing.views.dashboard import CARDS

pytestmark = pytest.mark.django_db


def test_every_card_is_drawn_and_personnel_cards_need_the_clearance(agency_a: Any, agency_b: Any,
                                                                    persona: Any) -> None:
    make_complaint(agency_a, [make_officer(agency_a)])
    make_complaint(agency_b, [make_officer(agency_b)])
    command, analyst = persona(Role.COMMAND), persona(Role.ANALYST)
    page = verified_client(command).get("/m/policing/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('class="usa-card ') + html.count('class="usa-card"') >= len(CARDS)
    for heading in ("Training", "Camera activation", "Use of force", "Complaints", "Stops"):
        assert heading in html, heading
    analyst_html = verified_client(analyst).get("/m/policing/").content.decode()
    assert "not cleared" in analyst_html.lower()  # the complaints card says so instead of showing zeros


def test_the_start_page_is_refused_to_roles_without_the_module(persona: Any) -> None:
    assert verified_client(persona(Role.CASEWORKER)).get("/m/policing/").status_code == 403


def test_training_card_speaks_in_names_not_codes(agency_a: Any, persona: Any) -> None:
    """The card names the agency and the rule as a person reads them, and an officer without a unit is
    counted under "No unit on record", listed after the units."""
    from safecity.policing.selectors.training import NO_UNIT, compliance_report

    make_officer(agency_a)
    command = persona(Role.COMMAND)
    report = compliance_report(user=command, agency=agency_a)
    assert report.rule is not None, f"no training rule for state {agency_a.state!r}: pick a fixture state with one"
    html = verified_client(command).get("/m/policing/").content.decode()
    card = unescape(html[html.index(">Training compliance</h2>"):html.index("Open the compliance report")])
    assert f"{agency_a.name}: " in card and report.rule.name in card
    assert f"{agency_a.ori}:" not in card and report.rule.key not in card
    assert NO_UNIT in card
