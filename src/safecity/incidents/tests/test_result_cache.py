"""Cached analyses and list counts (issue 8, item 15): never stale after a write, never shared across visibility.

Each write path (create, update, import, an import that deletes and re-inserts an incident's offenses) is
followed at once by the page, whose numbers must equal a fresh computation that bypasses the cache; the
visibility tests make the user who would get a wrong entry ask second. The list tests count SQL statements.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safecity.conftest import make_persona
from safecity.core import actions as core_actions
from safecity.core import dataversion, resultcache
from safecity.core.actions import audited
from safecity.core.actors import SYSTEM
from safecity.core.history import snapshot
from safecity.core.models import Agency, AuditEvent, RoleAssignment, User
from safecity.core.permissions import NotPermitted
from safecity.core.roles import Module, Role, Sensitivity
from safecity.incidents import actions
from safecity.incidents.importers import ImportOptions, run_import
from safecity.incidents.models import Incident
from safecity.incidents.schemas import CompstatQuery
from safecity.incidents.tests.factories import geography, make_incident
from safecity.incidents.tests.test_import_formats import FIXTURES

pytestmark = pytest.mark.django_db

COMPSTAT = "incidents:stats_compstat"


def today() -> dt.date:
    return timezone.localdate()


def page_numbers(client: Client, **query: str) -> dict[str, int]:
    """Year-to-date count per CompStat row, as the page computed it (through the cache)."""
    response = client.get(reverse(COMPSTAT), query)
    assert response.status_code == 200, response.content[:400]
    return {row.category: row.cells["ytd"].current for row in response.context["result"].rows}


def fresh_numbers(user: User, **query: str) -> dict[str, int]:
    """The same numbers computed now, without the cache."""
    params = CompstatQuery.model_validate(query)
    scope, as_of = params.resolve(user)
    return {row.category: row.cells["ytd"].current for row in params.compute(user, scope, as_of).rows}


@pytest.fixture
def assaults(agency_a: Agency) -> list[Incident]:
    _, beat = geography(agency_a)
    day = today() - dt.timedelta(days=1) if today().timetuple().tm_yday > 1 else today()
    make_incident(agency_a, today(), [("90Z", [])])  # data on file through the as-of day (in no category)
    return [make_incident(agency_a, day, [("13A", ["12"])], [(["13A"], False, True)], beat=beat)
            for _ in range(3)]


def test_page_shows_an_incident_created_right_after(assaults: list[Incident], agency_a: Agency,
                                                   ann_analyst: User, olivia_officer: User,
                                                   signed_in: Callable[[User], Client]) -> None:
    client = signed_in(ann_analyst)
    query = {"as_of": str(today())}
    before = page_numbers(client, **query)
    assert before == page_numbers(client, **query)  # the second is a hit, and the same
    actions.incident_create(actor=olivia_officer, agency=agency_a, incident_number="NEW-1",
                            occurred_from=timezone.now() - dt.timedelta(minutes=5),
                            offenses=[actions.OffenseIn("13A", weapon_codes=["12"])],
                            victims=[actions.VictimIn(offense_codes=["13A"])])
    after = page_numbers(client, **query)
    assert after == fresh_numbers(ann_analyst, **query)
    assert after["violent"] == before["violent"] + 1


def test_page_shows_an_update_right_after(assaults: list[Incident], ann_analyst: User, olivia_officer: User,
                                          signed_in: Callable[[User], Client]) -> None:
    client = signed_in(ann_analyst)
    query = {"as_of": str(today())}
    before = page_numbers(client, **query)
    # Sealing hides the incident from every role: CompStat must drop it at once.
    actions.incident_update(actor=SYSTEM, incident=assaults[0], sensitivity=Sensitivity.SEALED)
    after = page_numbers(client, **query)
    assert after == fresh_numbers(ann_analyst, **query)
    assert after["violent"] == before["violent"] - 1


def test_page_shows_an_import_and_a_reimport_that_replaces_offenses(
        agency_a: Agency, ann_analyst: User, signed_in: Callable[[User], Client], tmp_path: Path) -> None:
    client = signed_in(ann_analyst)
    query = {"as_of": "2024-01-10"}  # the sample's last day: an as-of outside the data on file is refused
    empty = page_numbers(client, **query)
    assert all(v is None for v in empty.values())  # nothing on file yet: "no data", not 0
    run_import(ImportOptions(path=FIXTURES / "chicago_sample.csv", agency=agency_a, fmt="chicago"))
    imported = page_numbers(client, **query)
    assert imported == fresh_numbers(ann_analyst, **query) and imported != empty
    # A re-import deletes the incident's offenses and inserts the new ones (here: a different top offense).
    prefix = "JH100003,01/03/2024 09:00:00 AM,004XX S DEARBORN ST,"
    edited = tmp_path / "edited.csv"
    edited.write_text((FIXTURES / "chicago_sample.csv").read_text().replace(prefix + "0820", prefix + "0610"))
    run_import(ImportOptions(path=edited, agency=agency_a, fmt="chicago"))
    replaced = page_numbers(client, **query)
    assert replaced == fresh_numbers(ann_analyst, **query) and replaced != imported


def test_every_audited_change_to_an_agency_record_raises_its_version(agency_a: Agency, agency_b: Agency,
                                                                      ann_analyst: User) -> None:
    def version(agency: Agency) -> int:
        return next((v for a, _, v in dataversion.versions([agency.pk])), 0)

    start_a, start_b = version(agency_a), version(agency_b)
    core_actions.agency_population_set(actor=SYSTEM, agency=agency_a, year=2026, population=1000)  # rates
    assert version(agency_a) == start_a + 1
    geography(agency_a)  # a district and a beat: the "by area" rows
    assert version(agency_a) == start_a + 3
    # No action deletes incidents yet; any that will reports the deletion to its frame, which raises the version.
    incident = make_incident(agency_a, dt.date(2026, 1, 5), [("120", [])])  # the factory bumps like a write
    assert version(agency_a) == start_a + 4
    with audited(actor=SYSTEM, action="incident.delete", obj=incident) as frame:
        frame.deleted(incident, snapshot(incident))
        incident.delete()
    assert version(agency_a) == start_a + 5
    # Role grants and revocations change who sees what (in the key already), not the agency's data.
    core_actions.role_revoke(actor=SYSTEM, assignment=RoleAssignment.objects.get(user=ann_analyst))
    assert version(agency_a) == start_a + 5
    assert version(agency_b) == start_b  # nothing of B's changed


def test_a_refused_write_does_not_raise_the_version(agency_a: Agency, agency_b: Agency,
                                                    olivia_officer: User) -> None:
    core_actions.agency_population_set(actor=SYSTEM, agency=agency_b, year=2026, population=1000)
    before = dataversion.versions([agency_b.pk])
    with pytest.raises(NotPermitted):  # an officer of A may not add incidents to B: rolled back, bump too
        actions.incident_create(actor=olivia_officer, agency=agency_b, incident_number="X-1",
                                occurred_from=timezone.now(), offenses=[actions.OffenseIn("13A")])
    assert dataversion.versions([agency_b.pk]) == before


def test_users_with_different_clearances_never_share_an_entry(
        assaults: list[Incident], agency_a: Agency, ann_analyst: User, olivia_officer: User,
        signed_in: Callable[[User], Client]) -> None:
    # A juvenile-labelled assault: officers are cleared for the label, analysts are not.
    make_incident(agency_a, assaults[0].occurred_date, [("13A", ["12"])], [(["13A"], False, True)],
                  sensitivity=Sensitivity.JUVENILE)
    query = {"as_of": str(today())}
    analyst = page_numbers(signed_in(ann_analyst), **query)  # cached first, with the narrower clearance
    officer = page_numbers(signed_in(olivia_officer), **query)
    assert officer == fresh_numbers(olivia_officer, **query)
    assert officer["violent"] == analyst["violent"] + 1
    assert resultcache.visibility_key(ann_analyst, Module.INCIDENTS) != resultcache.visibility_key(
        olivia_officer, Module.INCIDENTS)
    # And the other way round: a user cleared for less asks after one cleared for more.
    other_analyst = make_persona("ana2", agency_a, Role.ANALYST)
    assert page_numbers(signed_in(other_analyst), **{**query, "mode": "incidents"}) == fresh_numbers(
        other_analyst, **query, mode="incidents")


def test_users_with_the_same_visibility_share_an_entry(assaults: list[Incident], agency_a: Agency,
                                                       ann_analyst: User,
                                                       signed_in: Callable[[User], Client]) -> None:
    query = {"as_of": str(today())}
    first = page_numbers(signed_in(ann_analyst), **query)
    colleague = signed_in(make_persona("ana3", agency_a, Role.ANALYST))
    with CaptureQueriesContext(connection) as queries:
        assert page_numbers(colleague, **query) == first
    # Nothing counted again: the analysis came from the cache. (Resolving the scope and the as-of still reads
    # a row or two through the (agency, date) index: which agency to show, and the data on file.)
    counted = [q["sql"] for q in queries.captured_queries
               if "incidents_" in q["sql"] and any(w in q["sql"].upper() for w in ("COUNT(", "SUM(", "GROUP BY"))]
    assert counted == [], counted


def test_page_api_and_csv_share_an_entry_and_exports_stay_audited(
        assaults: list[Incident], ann_analyst: User, signed_in: Callable[[User], Client]) -> None:
    client = signed_in(ann_analyst)
    query = {"as_of": str(today())}
    page_numbers(client, **query)
    with CaptureQueriesContext(connection) as queries:
        api = client.get("/api/v1/incidents/stats/compstat", query)
        csv = client.get(reverse("incidents:stats_compstat_csv"), query)
        csv_again = client.get(reverse("incidents:stats_compstat_csv"), query)
    assert api.status_code == csv.status_code == csv_again.status_code == 200
    assert not [q["sql"] for q in queries.captured_queries if "incidents_offense" in q["sql"]]
    assert AuditEvent.objects.filter(action="export", object_type="incidents.compstat").count() == 2


# ---- the incident list: no COUNT(*) of the table on every page ---------------------------------------------


def _counts(queries: Any) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]


@pytest.fixture
def many(agency_a: Agency) -> None:
    for i in range(60):
        make_incident(agency_a, dt.date(2026, 1, 1) + dt.timedelta(days=i), [("120", [])])


def test_list_pages_do_not_recount_the_table(many: None, agency_a: Agency, ann_analyst: User,
                                             olivia_officer: User, signed_in: Callable[[User], Client]) -> None:
    client = signed_in(ann_analyst)
    first = client.get(reverse("incidents:list"))
    assert first.status_code == 200 and first.context["page"].paginator.count == 60
    for page in ("2", "3", "1"):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("incidents:list"), {"page": page})
        assert response.status_code == 200
        assert _counts(queries) == [], _counts(queries)
        assert response.context["page"].paginator.count == 60
    actions.incident_create(actor=olivia_officer, agency=agency_a, incident_number="NEW-2",
                            occurred_from=timezone.now() - dt.timedelta(minutes=5), offenses=[actions.OffenseIn("120")])
    assert client.get(reverse("incidents:list"), {"page": "2"}).context["page"].paginator.count == 61
    # A filter is its own count.
    filtered = client.get(reverse("incidents:list"), {"q": "NEW-2"})
    assert filtered.context["page"].paginator.count == 1


def test_api_list_does_not_recount_and_counts_a_new_incident(many: None, agency_a: Agency, ann_analyst: User,
                                                             olivia_officer: User,
                                                             signed_in: Callable[[User], Client]) -> None:
    client = signed_in(ann_analyst)
    assert client.get("/api/v1/incidents/", {"limit": 5}).json()["count"] == 60
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/api/v1/incidents/", {"limit": 5})
    assert again.status_code == 200 and again.json()["count"] == 60 and _counts(queries) == []
    actions.incident_create(actor=olivia_officer, agency=agency_a, incident_number="NEW-3",
                            occurred_from=timezone.now() - dt.timedelta(minutes=5), offenses=[actions.OffenseIn("120")])
    assert client.get("/api/v1/incidents/", {"limit": 5}).json()["count"] == 61


def test_list_counts_follow_visibility(many: None, agency_a: Agency, ann_analyst: User, olivia_officer: User,
                                       signed_in: Callable[[User], Client]) -> None:
    make_incident(agency_a, dt.date(2026, 3, 1), [("120", [])], sensitivity=Sensitivity.JUVENILE)
    analyst = signed_in(ann_analyst).get(reverse("incidents:list")).context["page"].paginator.count
    officer = signed_in(olivia_officer).get(reverse("incidents:list")).context["page"].paginator.count
    assert (analyst, officer) == (60, 61)


def test_list_order_is_newest_first_with_ties_by_time_then_id(agency_a: Agency, ann_analyst: User,
                                                              signed_in: Callable[[User], Client]) -> None:
    """The list now sorts by (occurred_date, occurred_from, id) so the index gives the order: the same order."""
    day = dt.date(2026, 2, 1)
    made = [make_incident(agency_a, day, [("120", [])], hour=h) for h in (9, 17, 9)]
    made.append(make_incident(agency_a, day - dt.timedelta(days=1), [("120", [])], hour=23))
    rows = signed_in(ann_analyst).get(reverse("incidents:list")).context["rows"]
    assert [r["object"].pk for r in rows] == [made[1].pk, made[2].pk, made[0].pk, made[3].pk]
