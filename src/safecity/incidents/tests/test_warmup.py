"""Warming the result cache (core/warmup.py) and the rendered tables cached with results (issue 8, item 15).

The warm-up must put into the cache exactly the entries the pages read (the page after it reads the entry it
left, and shows the same numbers as a fresh computation), once per kind of user. The rendered tables of an
analysis page and of the incident list must change with the data and with who is asking.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safecity.conftest import make_persona
from safecity.core import resultcache, warmup
from safecity.core.models import Agency, User
from safecity.core.roles import Module, Role
from safecity.incidents import actions
from safecity.incidents.models import Incident
from safecity.incidents.schemas import CompstatQuery, HotspotQuery, TrendsQuery
from safecity.incidents.tests.factories import geography, make_incident

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def assaults(agency_a: Agency) -> list[Incident]:
    _, beat = geography(agency_a)
    day = today() - dt.timedelta(days=1) if today().timetuple().tm_yday > 1 else today()
    make_incident(agency_a, today(), [("90Z", [])])
    return [make_incident(agency_a, day, [("13A", ["12"])], [(["13A"], False, True)], beat=beat,
                          lat=39.7 + i * 0.001, lon=-89.7) for i in range(3)]


def _cached(key: str) -> bool:
    return resultcache.peek(key)


def test_representative_users_one_per_visibility_and_home_agency(agency_a: Agency, agency_b: Agency,
                                                                 ann_analyst: User, bob_officer_b: User) -> None:
    second = make_persona("ann2", agency_a, Role.ANALYST)
    make_persona("nobody", agency_a)  # no role: sees nothing, warms nothing
    chosen = warmup.representative_users(Module.INCIDENTS)
    assert {u.username for u in chosen} == {ann_analyst.username, bob_officer_b.username}
    assert chosen[0].username == ann_analyst.username  # two users share that kind: warmed first
    assert second.username not in {u.username for u in chosen}


def test_warm_leaves_what_the_pages_read(assaults: list[Incident], ann_analyst: User,
                                        signed_in: Callable[[User], Client]) -> None:
    keys = {}
    for query_class in (CompstatQuery, TrendsQuery, HotspotQuery):
        params = query_class.model_validate({})
        scope, as_of = params.resolve(ann_analyst)
        keys[query_class.__name__] = params.cache_key(ann_analyst, scope, as_of)
    assert not any(_cached(k) for k in keys.values())
    report = warmup.warm()
    assert report.failures == () and report.users >= 1 and report.entries >= 7
    assert all(_cached(k) for k in keys.values()), keys
    # The page reads that entry (its own key), and it holds what a fresh computation gives.
    client = signed_in(ann_analyst)
    response = client.get(reverse("incidents:stats_compstat"))
    assert response.status_code == 200
    params = CompstatQuery.model_validate({})
    scope, as_of = params.resolve(ann_analyst)
    fresh = params.compute(ann_analyst, scope, as_of)
    assert [(r.category, r.cells["ytd"].current) for r in response.context["result"].rows] == \
        [(r.category, r.cells["ytd"].current) for r in fresh.rows]
    assert warmup.warm().entries == report.entries  # a second run finds them (and computes nothing new)


def test_analysis_tables_follow_the_data(assaults: list[Incident], agency_a: Agency, ann_analyst: User,
                                         olivia_officer: User, signed_in: Callable[[User], Client]) -> None:
    client = signed_in(ann_analyst)
    url = reverse("incidents:stats_compstat")
    query = {"as_of": str(today()), "period": "ytd", "mode": "incidents"}
    first = _results(client.get(url, query).content.decode())
    assert "Aggravated assault" in first and first == _results(client.get(url, query).content.decode())
    actions.incident_create(actor=olivia_officer, agency=agency_a, incident_number="NEW-1",
                            occurred_from=timezone.now() - dt.timedelta(minutes=5),
                            offenses=[actions.OffenseIn("13A", weapon_codes=["12"])],
                            victims=[actions.VictimIn(offense_codes=["13A"])])
    after = client.get(url, query)
    assault = next(r for r in after.context["result"].rows if r.category == "agg_assault")
    assert assault.cells["ytd"].current == 4
    table = after.content.decode().split('id="compstat-period"', 1)[1]
    assert "Aggravated assault" in table and ">4<" in table.split("Aggravated assault", 1)[1][:900]


def _results(page: str) -> str:
    """The analysis's part of the page (the rest holds a per-request CSRF token in the sign-out form)."""
    return page.split('id="compstat-summary"', 1)[1].split('id="compstat-how"', 1)[0]


def _table(page: str) -> str:
    return page.split("<table", 1)[1].split("</table>", 1)[0]


def test_incident_list_table_follows_data_and_visibility(assaults: list[Incident], agency_a: Agency,
                                                        agency_b: Agency, ann_analyst: User,
                                                        olivia_officer: User, bob_officer_b: User,
                                                        signed_in: Callable[[User], Client]) -> None:
    ann = signed_in(ann_analyst)
    url = reverse("incidents:list")
    before = _table(ann.get(url).content.decode())
    assert before.count("<tr>") >= 5 and "NEW-2" not in before
    assert _table(ann.get(url).content.decode()) == before  # the cached table: the same rows
    actions.incident_create(actor=olivia_officer, agency=agency_a, incident_number="NEW-2",
                            occurred_from=timezone.now() - dt.timedelta(minutes=1),
                            offenses=[actions.OffenseIn("13A", weapon_codes=["12"])],
                            victims=[actions.VictimIn(offense_codes=["13A"])])
    after = _table(ann.get(url).content.decode())
    assert "NEW-2" in after and "5 in all" in after
    bob = _table(signed_in(bob_officer_b).get(url).content.decode())  # another agency: none of these
    assert "NEW-2" not in bob and "0 in all" in bob
