"""Training sessions: the list (filters, sort, paging, CSV, API) and a session's page with its attendance roster,
inside the agency and the policing module only."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from safecity.conftest import verified_client
from safecity.core.actors import SYSTEM
from safecity.core.models import AuditEvent
from safecity.core.roles import Role
from safecity.policing import actions
from safecity.policing.tests.factories import make_officer
from safecity.policing.tests.factories_training import complete, make_course

pytestmark = pytest.mark.django_db
D = dt.date
LIST = "/m/policing/training/sessions/"
API = "/api/v1/policing/training/sessions/"


def _csv(response: Any) -> str:
    assert response.status_code == 200, response.content[:300]
    return b"".join(response.streaming_content).decode()


@pytest.fixture
def world(agency_a: Any, agency_b: Any) -> dict[str, Any]:
    """Agency A: firearms qualification on 2026-01-05 (Sgt. Range, Range 2) attended by Able (passed, 4 h) and
    Baker (failed, score 40), and on 2026-03-09 (Lt. Cole, Range 1) by Able; de-escalation on 2026-02-10
    (Dr. Moss, Academy) with nobody recorded. Agency B: its own firearms course and one session."""
    fa = make_course(agency_a, "FA-QUAL", "firearms", "4", title="Firearms qualification")
    de = make_course(agency_a, "DE-REF", "de_escalation", "2", title="De-escalation refresher")
    jan = actions.session_create(actor=SYSTEM, course=fa, date=D(2026, 1, 5), instructor="Sgt. Range",
                                 location="Range 2")
    mar = actions.session_create(actor=SYSTEM, course=fa, date=D(2026, 3, 9), instructor="Lt. Cole",
                                 location="Range 1")
    feb = actions.session_create(actor=SYSTEM, course=de, date=D(2026, 2, 10), instructor="Dr. Moss",
                                 location="Academy")
    able = make_officer(agency_a, last_name="Able", first_name="Ann", employee_id="A100")
    baker = make_officer(agency_a, last_name="Baker", first_name="Bo", employee_id="B200")
    complete(able, fa, D(2026, 1, 5), session=jan)
    complete(baker, fa, D(2026, 1, 5), session=jan, passed=False, score=40)
    complete(able, fa, D(2026, 3, 9), session=mar, hours="3.5")
    theirs = make_course(agency_b, "FA-QUAL", "firearms", "4", title="Their firearms")
    their_session = actions.session_create(actor=SYSTEM, course=theirs, date=D(2026, 1, 20),
                                           instructor="Dep. Other", location="Bravo range")
    complete(make_officer(agency_b, last_name="Theirs", employee_id="T1"), theirs, D(2026, 1, 20),
             session=their_session)
    return {"fa": fa, "de": de, "jan": jan, "mar": mar, "feb": feb, "able": able, "baker": baker,
            "theirs": their_session}


def _dates(html: str) -> list[str]:
    """The session dates in the list table, in table order."""
    return re.findall(r'<td data-label="Date"><a class="usa-link" href="[^"]+">(\d{4}-\d\d-\d\d)</a>', html)


def test_list_filters_and_sorts_on_page_csv_and_api(world: dict[str, Any], persona: Any) -> None:
    client = verified_client(persona(Role.ANALYST))
    page = client.get(LIST).content.decode()
    assert _dates(page) == ["2026-03-09", "2026-02-10", "2026-01-05"]  # newest first; agency B's not shown
    assert "Dep. Other" not in page and "Training sessions you may see: 3 in all" in page
    assert _dates(client.get(LIST, {"course": "FA-QUAL"}).content.decode()) == ["2026-03-09", "2026-01-05"]
    assert _dates(client.get(LIST, {"date_from": "2026-02-01", "date_to": "2026-03-09"}).content.decode()) == [
        "2026-03-09", "2026-02-10"]
    assert _dates(client.get(LIST, {"instructor": "range"}).content.decode()) == ["2026-01-05"]
    assert _dates(client.get(LIST, {"location": "academy"}).content.decode()) == ["2026-02-10"]
    assert _dates(client.get(LIST, {"sort": "date"}).content.decode()) == ["2026-01-05", "2026-02-10",
                                                                          "2026-03-09"]
    by_attended = client.get(LIST, {"sort": "-attended"}).content.decode()
    assert _dates(by_attended) == ["2026-01-05", "2026-03-09", "2026-02-10"]  # 2, 1, 0 completions
    assert 'aria-sort="descending"' in by_attended

    csv = _csv(client.get(f"{LIST}export.csv", {"course": "FA-QUAL", "sort": "date"}))
    lines = csv.splitlines()
    assert lines[0] == "agency,course_code,course_title,topic,date,instructor,location,attended,passed"
    assert lines[1:] == ["ZZ0000001,FA-QUAL,Firearms qualification,firearms,2026-01-05,Sgt. Range,Range 2,2,1",
                         "ZZ0000001,FA-QUAL,Firearms qualification,firearms,2026-03-09,Lt. Cole,Range 1,1,1"]
    event = AuditEvent.objects.filter(action="export", object_type="policing.trainingsession").get()
    assert event.extra["rows"] == 2

    api = client.get(API, {"instructor": "cole"}).json()
    assert [(s["date"], s["course"], s["attended"], s["passed"]) for s in api["items"]] == [
        ("2026-03-09", "FA-QUAL", 1, 1)]


def test_bad_filters_are_refused_naming_the_parameter(world: dict[str, Any], persona: Any) -> None:
    client = verified_client(persona(Role.COMMAND))
    bad = client.get(LIST, {"date_from": "2026-13-01"})
    assert bad.status_code == 400 and "date_from" in bad.content.decode()
    backwards = client.get(LIST, {"date_from": "2026-03-01", "date_to": "2026-01-01"})
    assert backwards.status_code == 400 and "Must not be before the start of the range" in backwards.content.decode()
    assert client.get(LIST, {"sort": "officer"}).status_code == 400
    assert client.get(f"{LIST}export.csv", {"date_to": "soon"}).status_code == 400
    refused = client.get(API, {"date_from": "2026-13-01"})
    assert refused.status_code == 422 and "date_from" in refused.content.decode()


def test_paging(agency_a: Any, persona: Any) -> None:
    course = make_course(agency_a, "LEG", "legal_updates")
    start = D(2025, 1, 1)
    actions.session_bulk_create(actor=SYSTEM, agency=agency_a, sessions=[
        (course, start + dt.timedelta(days=n), "", "") for n in range(53)])
    client = verified_client(persona(Role.COMMAND))
    first = client.get(LIST).content.decode()
    assert "53 in all (page 1 of 2)" in first and len(_dates(first)) == 50
    second = client.get(LIST, {"page": "2"}).content.decode()
    assert _dates(second) == ["2025-01-03", "2025-01-02", "2025-01-01"]


def test_session_page_shows_its_roster(world: dict[str, Any], persona: Any) -> None:
    client = verified_client(persona(Role.OVERSIGHT))
    jan, able = world["jan"], world["able"]
    page = client.get(f"{LIST}{jan.public_id}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Firearms qualification (FA-QUAL) on 2026-01-05" in body and "Sgt. Range" in body
    # officers by name and employee id, linked to their roster page, as the compliance report shows them
    assert f'<a class="usa-link" href="/m/policing/officers/{able.public_id}/">Able, Ann</a> (A100)' in body
    rows = re.findall(r'<td data-label="Officer">.*?</tr>', body)
    assert [re.search(r">([A-Za-z]+, [A-Za-z]+)</a>", r).group(1) for r in rows] == ["Able, Ann", "Baker, Bo"]
    assert '<td data-label="Hours credited">4.00</td><td data-label="Result">Passed</td>' in rows[0]
    assert '<td data-label="Result">Not passed (score 40.00)</td>' in rows[1]
    assert "Completions recorded for this session: 2, of which 1 passed (4.00 hours credited to them)" in body
    empty = client.get(f"{LIST}{world['feb'].public_id}/").content.decode()
    assert "Able, Ann" not in empty and "No completions recorded for this session." in empty
    detail = client.get(f"{API}{jan.public_id}").json()
    assert (detail["course"], detail["instructor"], detail["attended"], detail["passed"]) == (
        "FA-QUAL", "Sgt. Range", 2, 1)


def test_course_page_links_to_its_sessions(world: dict[str, Any], persona: Any) -> None:
    client = verified_client(persona(Role.COMMAND))
    fa = world["fa"]
    body = client.get(f"/m/policing/training/courses/{fa.public_id}/").content.decode()
    assert f'href="{LIST}?course=FA-QUAL&amp;agency=ZZ0000001"' in body
    assert f'href="{LIST}{world["jan"].public_id}/"' in body and f'href="{LIST}{world["mar"].public_id}/"' in body
    assert f'href="{LIST}{world["feb"].public_id}/"' not in body  # another course's session
    nav = client.get(LIST).content.decode()
    assert f'href="{LIST}"' in nav and "Training sessions" in nav


def test_another_agencys_sessions_are_not_there(world: dict[str, Any], persona: Any) -> None:
    client = verified_client(persona(Role.COMMAND))
    theirs = world["theirs"]
    assert client.get(f"{LIST}{theirs.public_id}/").status_code == 404
    assert client.get(f"{API}{theirs.public_id}").status_code == 404
    assert "Bravo range" not in _csv(client.get(f"{LIST}export.csv"))
    assert [s["instructor"] for s in client.get(API).json()["items"]] == ["Lt. Cole", "Dr. Moss", "Sgt. Range"]
    assert client.get(LIST, {"agency": "ZZ0000002"}).content.decode().count('data-label="Date"') == 0
    # agency B's own command staff see theirs, and only theirs
    other = verified_client(persona(Role.COMMAND, agency=world["theirs"].agency, username="command_b"))
    assert other.get(f"{LIST}{theirs.public_id}/").status_code == 200
    assert other.get(f"{LIST}{world['jan'].public_id}/").status_code == 404
    assert _dates(other.get(LIST).content.decode()) == ["2026-01-20"]


@pytest.mark.parametrize("role", [Role.OFFICER, Role.EXECUTIVE, Role.CASEWORKER, Role.PUBLIC])
def test_roles_without_the_policing_module_see_no_session(world: dict[str, Any], persona: Any, role: str) -> None:
    client = verified_client(persona(role))
    jan = world["jan"]
    for path in (LIST, f"{LIST}{jan.public_id}/", f"{LIST}export.csv"):
        assert client.get(path).status_code == 403, path
    for path in (API, f"{API}{jan.public_id}"):
        assert client.get(path).status_code == 403, path
    home = client.get("/").content.decode()
    assert f'href="{LIST}"' not in home
