"""Agencies and units are chosen from a select, never typed: every policing list's agency filter, the
early-intervention evaluation, the resident-survey page and the camera activation report offer only what the
user may see ("Name (ORI)", "Name (CODE)"), keep the ORI or code as the parameter's value (any case), and
refuse anything else naming the field — 400 on the page and the CSV, 422 in the API, never a 500."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import NoReverseMatch, reverse

from safecity.conftest import make_persona, verified_client
from safecity.core import actions as core_actions
from safecity.core.actors import SYSTEM
from safecity.core.kit import RecordKit
from safecity.core.kit.filters import AgencyChoice
from safecity.core.models import Agency, User
from safecity.core.roles import Role
from safecity.incidents.tests.factories import square
from safecity.policing import actions
from safecity.policing.kit import cameras, community, complaints, eis, force, roster, stops, training, units
from safecity.policing.tests.factories import make_officer, make_unit
from safecity.policing.tests.factories_community import make_wave

pytestmark = pytest.mark.django_db
A_LABEL = ("ZZ0000001", "Alpha Police Department (ZZ0000001)")
B_LABEL = ("ZZ0000002", "Bravo Sheriff's Office (ZZ0000002)")


def _kits() -> list[RecordKit]:
    found = [v for m in (cameras, community, complaints, eis, force, roster, stops, training, units)
             for v in vars(m).values() if isinstance(v, RecordKit)]
    return [k for k in found if any(isinstance(f, AgencyChoice) for f in k.filters)]


API_LISTS = {
    "officer": "officers/", "unit": "units/", "camera": "cameras/", "recording": "recordings/",
    "force_incident": "force/", "stop": "stops/", "complaint": "complaints/", "pursuit": "eis/pursuits/",
    "flag": "eis/flags/", "project": "community/projects/", "meeting": "community/meetings/",
    "wave": "community/surveys/waves/", "course": "training/courses/", "session": "training/sessions/",
    "attendance": "training/attendance/",
}


def _urls(kit: RecordKit) -> tuple[str, str, str | None]:
    try:
        export: str | None = reverse(f"{kit.namespace}:export")
    except NoReverseMatch:
        export = None
    return reverse(f"{kit.namespace}:list"), f"/api/v1/policing/{API_LISTS[kit.noun]}", export


def _command(agency: Agency, name: str) -> User:
    return make_persona(name, agency, Role.COMMAND)  # cleared for personnel: complaints and flags too


def test_every_policing_list_has_the_agency_select() -> None:
    kits = _kits()
    # officers, units, cameras, recordings, force, stops, complaints, pursuits, flags, projects, meetings, waves,
    # courses, sessions, attendance: each with the select instead of the typed-in ORI
    assert sorted(k.noun for k in kits) == sorted(API_LISTS)
    assert all(k.module == "policing" for k in kits)


@pytest.mark.parametrize("kit", _kits(), ids=lambda k: k.noun)
def test_agency_select_lists_only_visible_agencies_and_refuses_the_others(
        kit: RecordKit, agency_a: Agency, agency_b: Agency) -> None:
    page_url, api_url, export_url = _urls(kit)
    a_client = verified_client(_command(agency_a, "cmd_a"))
    page = a_client.get(page_url)
    assert page.status_code == 200
    assert page.context["form"].fields["agency"].choices == [("", "All agencies you may see"), A_LABEL]
    assert "Bravo" not in page.content.decode()  # B is not offered, not even named
    b_page = verified_client(_command(agency_b, "cmd_b")).get(page_url)
    assert b_page.context["form"].fields["agency"].choices == [("", "All agencies you may see"), B_LABEL]

    for bad in ("ZZ0000002", "ZZ9999999", "not an ori", "x" * 500):
        refused = a_client.get(page_url, {"agency": bad})
        assert refused.status_code == 400, (bad, refused.status_code)
        message = refused.context["form"].errors["agency"][0]
        assert "is not an agency you may see" in message and len(message) < 120
        assert message in refused.content.decode().replace("&#x27;", "'")
        answer = a_client.get(api_url, {"agency": bad})
        assert answer.status_code == 422, (bad, answer.status_code)
        assert [f["field"] for f in answer.json()["error"]["fields"]] == ["agency"]
        if export_url:
            export = a_client.get(export_url, {"agency": bad})
            assert export.status_code == 400 and "agency" in export.content.decode()

    for own in ("ZZ0000001", "zz0000001", " zz0000001 "):
        assert a_client.get(page_url, {"agency": own}).status_code == 200, own
        assert a_client.get(api_url, {"agency": own}).status_code == 200, own


def test_agency_filter_narrows_by_ori_in_any_case(agency_a: Agency, agency_b: Agency) -> None:
    alpha, bravo = make_officer(agency_a, last_name="Alphason"), make_officer(agency_b, last_name="Bravoson")
    both = _command(agency_a, "cmd_ab")
    core_actions.role_grant(actor=SYSTEM, user=both, agency=agency_b, role=Role.COMMAND)
    client = verified_client(User.objects.get(pk=both.pk))
    page = client.get("/m/policing/officers/", {"agency": "zz0000002"})
    assert page.context["form"].fields["agency"].choices == [("", "All agencies you may see"), A_LABEL, B_LABEL]
    assert [r["object"] for r in page.context["rows"]] == [bravo]
    assert 'value="ZZ0000002" selected' in page.content.decode()  # the select shows what the link asked for
    api_rows = client.get("/api/v1/policing/officers/", {"agency": "zz0000001"}).json()["items"]
    assert [r["last_name"] for r in api_rows] == ["Alphason"] and alpha.agency == agency_a
    csv = b"".join(client.get("/m/policing/officers/export.csv", {"agency": "Zz0000002"}).streaming_content)
    assert b"Bravoson" in csv and b"Alphason" not in csv


def test_an_inactive_agency_is_still_offered_and_filters_its_records(agency_a: Agency, agency_b: Agency) -> None:
    """An agency that is no longer active keeps its records on the list, so the select still offers it,
    marked inactive, and a link filtering by it works."""
    make_officer(agency_a, last_name="Alphason")
    bravo = make_officer(agency_b, last_name="Bravoson")
    both = _command(agency_a, "cmd_inactive")
    core_actions.role_grant(actor=SYSTEM, user=both, agency=agency_b, role=Role.COMMAND)
    core_actions.agency_update(actor=SYSTEM, agency=agency_b, is_active=False)
    page = verified_client(User.objects.get(pk=both.pk)).get("/m/policing/officers/", {"agency": "ZZ0000002"})
    assert page.status_code == 200
    assert page.context["form"].fields["agency"].choices == [
        ("", "All agencies you may see"), A_LABEL, ("ZZ0000002", "Bravo Sheriff's Office (ZZ0000002, inactive)")]
    assert [r["object"] for r in page.context["rows"]] == [bravo]


def test_ei_evaluation_offers_the_agencies_whose_flags_the_user_may_see(agency_a: Agency, agency_b: Agency) -> None:
    unit = make_unit(agency_a, code="P1", name="Patrol One")
    for _ in range(3):
        make_officer(agency_a, unit=unit, hire_date=dt.date(2015, 1, 1))
    client = verified_client(_command(agency_a, "cmd_a"))
    page = client.get("/m/policing/eis/evaluation/")
    assert page.status_code == 200
    assert page.context["form"].fields["agency"].choices == [A_LABEL]
    body = page.content.decode()
    assert 'value="ZZ0000001" selected' in body and "Bravo" not in body  # the default is shown chosen
    assert client.get("/m/policing/eis/evaluation/", {"agency": "zz0000001", "as_of": "2025-06-30"}).status_code == 200
    api_ok = client.get("/api/v1/policing/eis/evaluation", {"agency": "zz0000001", "as_of": "2025-06-30"})
    assert api_ok.status_code == 200 and api_ok.json()["agency"] == "ZZ0000001"

    message = "No agency with that ORI whose early-intervention data you may see."
    for bad in ("ZZ0000002", "ZZ9999999", "y" * 300):
        refused = client.get("/m/policing/eis/evaluation/", {"agency": bad})
        assert refused.status_code == 400 and refused.context["form"].errors["agency"] == [message]
        answer = client.get("/api/v1/policing/eis/evaluation", {"agency": bad})
        assert answer.status_code == 422
        assert answer.json()["error"]["fields"] == [{"field": "agency", "message": message}]
        assert client.get("/m/policing/eis/evaluation.csv", {"agency": bad}).status_code == 400


def _survey(agency: Agency, code: str, name: str, agree: int) -> None:
    district = core_actions.district_save(actor=SYSTEM, agency=agency, code=code, name=name,
                                          geometry=square(-89.7 + 0.1 * int(code), 39.7, 0.1), population=40_000)
    wave = make_wave(agency, "2024-spring")
    actions.survey_result_set(actor=SYSTEM, wave=wave, district=district, item="trust", n=100, agree=agree)


def test_survey_page_chooses_the_agency_from_a_select_and_names_districts_in_the_chart(
        agency_a: Agency, agency_b: Agency) -> None:
    _survey(agency_a, "1", "Central District", 60)
    _survey(agency_b, "7", "Bravo Hills", 40)
    client = verified_client(make_persona("analyst_a", agency_a, Role.ANALYST))
    page = client.get("/m/policing/community/surveys/")
    body = page.content.decode()
    assert page.status_code == 200
    assert page.context["agencies"] == [("", "All agencies you may see"), A_LABEL]
    assert "Agency ORI" not in body and 'name="agency"' in body and "<select" in body
    assert "Bravo" not in body
    # the chart's line ends name the district as the table does
    assert 'fill="currentColor">1 — Central District</text>' in body
    assert "<th scope=\"row\">1 — Central District" in body
    chosen = client.get("/m/policing/community/surveys/", {"agency": "zz0000001"})
    assert chosen.status_code == 200 and 'value="ZZ0000001" selected' in chosen.content.decode()
    api = client.get("/api/v1/policing/community/surveys/results/", {"agency": "zz0000001"}).json()
    assert [s["district"] for s in api] == ["1"]

    for bad in ("ZZ0000002", "ZZ9999999", "z" * 400):
        refused = client.get("/m/policing/community/surveys/", {"agency": bad})
        text = refused.content.decode()
        assert refused.status_code == 400 and "is not an agency you may see" in text and "agency-error" in text
        assert "Bravo" not in text
        csv = client.get("/m/policing/community/surveys/results.csv", {"agency": bad})
        assert csv.status_code == 400 and "agency:" in csv.content.decode()
        answer = client.get("/api/v1/policing/community/surveys/results/", {"agency": bad})
        assert answer.status_code == 422 and [f["field"] for f in answer.json()["error"]["fields"]] == ["agency"]

    # someone who sees both agencies gets both, and the chart says whose district each line is
    both = make_persona("analyst_ab", agency_a, Role.ANALYST)
    core_actions.role_grant(actor=SYSTEM, user=both, agency=agency_b, role=Role.ANALYST)
    both_client = verified_client(User.objects.get(pk=both.pk))
    page = both_client.get("/m/policing/community/surveys/")
    assert page.context["agencies"] == [("", "All agencies you may see"), A_LABEL, B_LABEL]
    assert '1 — Central District (ZZ0000001)</text>' in page.content.decode()
    only_b = both_client.get("/m/policing/community/surveys/", {"agency": "ZZ0000002"}).content.decode()
    assert "7 — Bravo Hills" in only_b and "Central District" not in only_b


def test_activation_report_chooses_a_unit_from_the_units_the_user_may_see(agency_a: Agency, agency_b: Agency) -> None:
    make_unit(agency_a, code="P1", name="Patrol One")
    make_unit(agency_a, code="TRAF", name="Traffic")
    make_unit(agency_b, code="K9", name="Dog Squad")
    client = verified_client(make_persona("analyst_a", agency_a, Role.ANALYST))
    page = client.get("/m/policing/cameras/activation/")
    assert page.status_code == 200
    assert page.context["form"].fields["unit"].choices == [
        ("", "All units you may see"), ("P1", "Patrol One (P1)"), ("TRAF", "Traffic (TRAF)")]
    body = page.content.decode()
    assert "Unit code" not in body and "Dog Squad" not in body
    lower = client.get("/m/policing/cameras/activation/", {"unit": "p1"})
    assert lower.status_code == 200 and lower.context["form"].cleaned_data["unit"] == "P1"
    assert 'value="P1" selected' in lower.content.decode()
    assert client.get("/api/v1/policing/cameras/activation", {"unit": "p1"}).status_code == 200
    assert client.get("/m/policing/cameras/activation.csv", {"unit": "P1"}).status_code == 200

    for bad in ("K9", "NOPE", "u" * 300):
        refused = client.get("/m/policing/cameras/activation/", {"unit": bad})
        assert refused.status_code == 400
        assert "is not the code of a unit you may see" in refused.context["form"].errors["unit"][0]
        answer = client.get("/api/v1/policing/cameras/activation", {"unit": bad})
        assert answer.status_code == 422 and [f["field"] for f in answer.json()["error"]["fields"]] == ["unit"]
        csv = client.get("/m/policing/cameras/activation.csv", {"unit": bad})
        assert csv.status_code == 400 and csv.content.decode().startswith("unit:")
    backwards = client.get("/api/v1/policing/cameras/activation", {"date_from": "2025-03-10", "date_to": "2025-03-01"})
    assert backwards.status_code == 422 and backwards.json()["error"]["fields"][0]["field"] == "date_to"


def test_a_unit_code_two_agencies_share_is_one_choice_named_by_both(agency_a: Agency, agency_b: Agency) -> None:
    make_unit(agency_a, code="P1", name="Alpha Patrol")
    make_unit(agency_b, code="P1", name="Bravo Patrol")
    both: Any = make_persona("analyst_ab", agency_a, Role.ANALYST)
    core_actions.role_grant(actor=SYSTEM, user=both, agency=agency_b, role=Role.ANALYST)
    page = verified_client(User.objects.get(pk=both.pk)).get("/m/policing/cameras/activation/")
    assert page.context["form"].fields["unit"].choices == [("", "All units you may see"),
                                                           ("P1", "Alpha Patrol / Bravo Patrol (P1)")]
