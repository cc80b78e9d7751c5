"""The module kit, proven through incidents: filters declared once and honoured alike by the list page, the
API list and the CSV export; bad filters named; whitelisted sorting; the audited, export-restricted CSV; and
the generated create / edit pages going through the incident actions."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safecity.conftest import make_persona
from safecity.core import actions
from safecity.core.actors import SYSTEM
from safecity.core.models import Agency, AuditEvent, ObjectChange, User
from safecity.core.roles import Role, Sensitivity
from safecity.incidents.actions import incident_update
from safecity.incidents.models import Arrestee, Incident
from safecity.incidents.tests.factories import geography, make_incident, square

pytestmark = pytest.mark.django_db
API = "/api/v1/incidents/"


@pytest.fixture
def city(agency_a: Agency, agency_b: Agency) -> dict[str, Incident]:
    """Agency A: three incidents over two districts/beats with different offenses and clearance; B: one."""
    _, beat_101 = geography(agency_a)
    north = actions.district_save(actor=SYSTEM, agency=agency_a, code="2", name="North District",
                                  geometry=square(-89.6, 39.7, 0.02), population=1_000)
    beat_201 = actions.beat_save(actor=SYSTEM, district=north, code="201", name="Beat 201",
                                 geometry=square(-89.6, 39.7, 0.02), population=1_000)
    first = make_incident(agency_a, dt.date(2026, 5, 1), [("13A", ["12"])], beat=beat_101)
    # 13A only as the second offense: the offense filter matches any offense, not only the primary one
    second = make_incident(agency_a, dt.date(2026, 5, 10), [("220", []), ("13A", [])], beat=beat_201)
    # test setup of an arrest segment (no hand-entry action for arrestees exists yet)
    Arrestee.objects.create(agency=agency_a, incident=second, arrest_date=dt.date(2026, 5, 11), arrest_type="T")
    third = make_incident(agency_a, dt.date(2026, 6, 1), [("120", [])], beat=beat_101)
    incident_update(actor=SYSTEM, incident=third, cleared_exceptionally="A", cleared_at=dt.date(2026, 6, 2))
    other = make_incident(agency_b, dt.date(2026, 5, 5), [("13A", [])])
    return {"first": first, "second": second, "third": third, "other": other}


def _page_numbers(client: Client, params: dict[str, str]) -> set[str]:
    r = client.get(reverse("incidents:list"), params)
    assert r.status_code == 200, r.content[:500]
    return {row["object"].incident_number for row in r.context["rows"]}


def _api_numbers(client: Client, params: dict[str, str]) -> set[str]:
    r = client.get(API, params)
    assert r.status_code == 200, r.content[:500]
    return {item["incident_number"] for item in r.json()["items"]}


def _csv(response: Any) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


def _csv_numbers(client: Client, params: dict[str, str]) -> set[str]:
    r = client.get(reverse("incidents:export"), params)
    assert r.status_code == 200, getattr(r, "content", b"")[:500]
    return {row["incident_number"] for row in _csv(r)}


def test_declared_filters_work_alike_on_page_api_and_csv(
        city: dict[str, Incident], ann_analyst: User, signed_in: Callable[[User], Client]) -> None:
    client = signed_in(ann_analyst)
    n = {k: v.incident_number for k, v in city.items()}
    cases: list[tuple[dict[str, str], set[str]]] = [
        ({}, {n["first"], n["second"], n["third"]}),
        ({"offense": "13a"}, {n["first"], n["second"]}),
        ({"district": "2"}, {n["second"]}),
        ({"beat": "101"}, {n["first"], n["third"]}),
        ({"date_from": "2026-05-05", "date_to": "2026-05-31"}, {n["second"]}),
        ({"date_to": "2026-05-10"}, {n["first"], n["second"]}),
        ({"status": "open"}, {n["first"]}),
        ({"status": "cleared-arrest"}, {n["second"]}),
        ({"status": "cleared-exceptionally"}, {n["third"]}),
        ({"q": n["third"].lower()}, {n["third"]}),
        ({"agency": "zz0000001"}, {n["first"], n["second"], n["third"]}),  # an ORI in any case, as links had
        ({"offense": "13A", "beat": "101"}, {n["first"]}),
    ]
    for params, expected in cases:
        assert _page_numbers(client, params) == expected, ("page", params)
        assert _api_numbers(client, params) == expected, ("api", params)
        assert _csv_numbers(client, params) == expected, ("csv", params)


def test_filter_form_has_labels_and_keeps_the_choices_to_the_users_agencies(
        city: dict[str, Incident], ann_analyst: User, signed_in: Callable[[User], Client]) -> None:
    page = signed_in(ann_analyst).get(reverse("incidents:list"), {"district": "2"})
    body = page.content.decode()
    for label in ("Occurred from", "Occurred to", "Offense", "Top charge", "Offense group", "Crime against",
                  "Offense category", "District", "Beat", "Firearm", "Block address", "Status", "Case number"):
        assert f">{label}" in body, label
    assert "<caption>" in body and 'aria-sort="descending"' in body
    district_choices = [v for v, _ in page.context["form"].fields["district"].choices]
    assert district_choices == ["", "1", "2"]  # agency B's areas are not offered to A's analyst


@pytest.mark.parametrize(("params", "field"), [
    ({"date_from": "2026-02-30"}, "date_from"),
    ({"date_from": "2026-06-01", "date_to": "2026-05-01"}, "date_to"),
    ({"district": "99"}, "district"),
    ({"status": "closed"}, "status"),
    ({"sort": "sensitivity"}, "sort"),
    ({"offense": "TOOLONG"}, "offense"),
    ({"agency": "ZZ0000002"}, "agency"),  # another agency's ORI is refused, never an empty or a wider list
    ({"agency": "ZZ9999999"}, "agency"),
    ({"agency": "ZZ0000001" * 30}, "agency"),
])
def test_bad_filters_are_refused_naming_the_parameter(
        params: dict[str, str], field: str, city: dict[str, Incident], ann_analyst: User,
        signed_in: Callable[[User], Client]) -> None:
    client = signed_in(ann_analyst)
    api = client.get(API, params)
    assert api.status_code == 422, api.content[:300]
    assert [f["field"] for f in api.json()["error"]["fields"]] == [field]
    page = client.get(reverse("incidents:list"), params)
    assert page.status_code == 400 and page.context["form"].errors.get(field)
    assert page.context["rows"] == []
    export = client.get(reverse("incidents:export"), params)
    assert export.status_code == 400 and field in export.content.decode()


def test_agency_filter_offers_only_the_users_agencies_by_name_and_keeps_the_ori_as_value(
        city: dict[str, Incident], agency_a: Agency, agency_b: Agency, ann_analyst: User,
        signed_in: Callable[[User], Client]) -> None:
    client = signed_in(ann_analyst)
    page = client.get(reverse("incidents:list"))
    assert page.context["form"].fields["agency"].choices == [
        ("", "All agencies you may see"), ("ZZ0000001", "Alpha Police Department (ZZ0000001)")]
    body = page.content.decode()
    assert "Bravo" not in body and "ZZ0000002" not in body  # B is not even named to A's analyst
    refused = client.get(reverse("incidents:list"), {"agency": "zz0000002"})
    assert refused.status_code == 400
    assert "ZZ0000002 is not an agency you may see" in refused.context["form"].errors["agency"][0]
    assert "ZZ0000002 is not an agency you may see" in refused.content.decode()
    api = client.get(API, {"agency": "ZZ0000002"}).json()
    assert api["error"]["fields"][0]["field"] == "agency" and "not an agency you may see" in api["error"]["message"]
    # one who may see both agencies gets both, and each narrows the list, on the page, the API and the CSV
    both = make_persona("both", agency_a, Role.ANALYST)
    actions.role_grant(actor=SYSTEM, user=both, agency=agency_b, role=Role.ANALYST)
    client = signed_in(User.objects.get(pk=both.pk))
    page = client.get(reverse("incidents:list"), {"agency": "zz0000002"})
    assert [v for v, _ in page.context["form"].fields["agency"].choices] == ["", "ZZ0000001", "ZZ0000002"]
    assert 'value="ZZ0000002" selected' in page.content.decode()  # a lower-case link shows its agency chosen
    mine = {city[k].incident_number for k in ("first", "second", "third")}
    for params, expected in (({"agency": "zz0000002"}, {city["other"].incident_number}),
                             ({"agency": " ZZ0000001 "}, mine)):
        assert _page_numbers(client, params) == expected, ("page", params)
        assert _api_numbers(client, params) == expected, ("api", params)
        assert _csv_numbers(client, params) == expected, ("csv", params)


def test_sorting_by_declared_columns_only(city: dict[str, Incident], ann_analyst: User,
                                         signed_in: Callable[[User], Client]) -> None:
    client = signed_in(ann_analyst)
    n = {k: v.incident_number for k, v in city.items()}
    newest_first = [n["third"], n["second"], n["first"]]
    page = client.get(reverse("incidents:list"))
    assert [r["object"].incident_number for r in page.context["rows"]] == newest_first
    page = client.get(reverse("incidents:list"), {"sort": "occurred"})
    assert [r["object"].incident_number for r in page.context["rows"]] == newest_first[::-1]
    assert 'aria-sort="ascending"' in page.content.decode()
    api = client.get(API, {"sort": "offense"}).json()["items"]
    assert [i["primary_offense"] for i in api] == ["120", "13A", "13A"]  # 13A outranks 220 in the hierarchy


def test_csv_export_needs_export_right_lists_only_exportable_rows_and_is_audited(
        city: dict[str, Incident], agency_a: Agency, agency_b: Agency, olivia_officer: User,
        signed_in: Callable[[User], Client]) -> None:
    refused = signed_in(olivia_officer).get(reverse("incidents:export"))
    assert refused.status_code == 403  # officers may view incidents but not export them
    # analyst (export) at A, officer (no export) at B: the page lists both agencies, the CSV only A
    both = make_persona("both", agency_a, Role.ANALYST)
    actions.role_grant(actor=SYSTEM, user=both, agency=agency_b, role=Role.OFFICER)
    client = signed_in(User.objects.get(pk=both.pk))
    assert city["other"].incident_number in _page_numbers(client, {})
    before = AuditEvent.objects.filter(action="export").count()
    response = client.get(reverse("incidents:export"), {"offense": "13A"})
    rows = _csv(response)
    assert response["Content-Disposition"].startswith('attachment; filename="incidents-')
    assert {r["incident_number"] for r in rows} == {city["first"].incident_number, city["second"].incident_number}
    assert {r["agency"] for r in rows} == {agency_a.ori}
    assert rows[0].keys() >= {"occurred_from", "primary_offense", "district", "beat", "sensitivity"}
    events = AuditEvent.objects.filter(action="export").order_by("seq")
    assert events.count() == before + 1
    event = events.last()
    assert event is not None and event.object_type == "incidents.incident"
    assert event.extra["rows"] == 2 and event.extra["format"] == "csv" and "offense=13A" in event.purpose


def test_sensitive_reads_are_audited_on_page_and_api(agency_a: Agency, olivia_officer: User,
                                                     signed_in: Callable[[User], Client]) -> None:
    juvenile = make_incident(agency_a, dt.date(2026, 5, 1), [("13A", [])], sensitivity=int(Sensitivity.JUVENILE))
    client = signed_in(olivia_officer)
    assert client.get(reverse("incidents:detail", args=[juvenile.public_id])).status_code == 200
    assert client.get(f"{API}{juvenile.public_id}").status_code == 200
    reads = AuditEvent.objects.filter(action="record.read", object_id=str(juvenile.pk))
    assert reads.count() == 2


def test_create_page_goes_through_the_action(agency_a: Agency, olivia_officer: User,
                                             signed_in: Callable[[User], Client]) -> None:
    client = signed_in(olivia_officer)
    form = client.get(reverse("incidents:create"))
    assert form.status_code == 200 and b"Incident number" in form.content
    when = (timezone.localtime() - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    data = {"agency": agency_a.ori, "incident_number": "HAND-1", "occurred_from": when, "offense": "13A",
            "weapon_codes": "12", "block_address": "100 block of Main St"}
    done = client.post(reverse("incidents:create"), data)
    incident = Incident.objects.get(incident_number="HAND-1")
    assert done.status_code == 302 and done["Location"] == reverse("incidents:detail", args=[incident.public_id])
    assert incident.agency == agency_a and incident.is_firearm and incident.source == "manual"
    assert AuditEvent.objects.filter(action="incident.create", actor=olivia_officer).count() == 1
    again = client.post(reverse("incidents:create"), data)  # the action's own check, shown on its field
    assert again.status_code == 400
    assert "already has an incident" in " ".join(again.context["form"].errors["incident_number"])
    half = client.post(reverse("incidents:create"), {**data, "incident_number": "HAND-2", "latitude": "39.7"})
    assert half.status_code == 400 and half.context["form"].errors["longitude"]
    assert not Incident.objects.filter(incident_number="HAND-2").exists()


def test_create_page_offers_only_agencies_where_the_user_may_add(
        agency_a: Agency, agency_b: Agency, signed_in: Callable[[User], Client]) -> None:
    user = make_persona("mixed", agency_a, Role.OFFICER)
    actions.role_grant(actor=SYSTEM, user=user, agency=agency_b, role=Role.OVERSIGHT)  # view only at B
    client = signed_in(User.objects.get(pk=user.pk))
    choices = [v for v, _ in client.get(reverse("incidents:create")).context["form"].fields["agency"].choices]
    assert choices == [agency_a.ori]
    when = (timezone.localtime() - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    refused = client.post(reverse("incidents:create"), {"agency": agency_b.ori, "incident_number": "X-1",
                                                        "occurred_from": when, "offense": "13A"})
    assert refused.status_code == 400 and refused.context["form"].errors["agency"]
    assert not Incident.objects.filter(incident_number="X-1").exists()


def test_edit_page_records_history_and_hides_what_may_not_be_changed(
        city: dict[str, Incident], olivia_officer: User, otto_oversight: User,
        signed_in: Callable[[User], Client]) -> None:
    mine, theirs = city["first"], city["other"]
    client = signed_in(olivia_officer)
    url = reverse("incidents:edit", args=[mine.public_id])
    page = client.get(url)
    assert page.status_code == 200 and page.context["form"].initial["cleared_exceptionally"] == "N"
    done = client.post(url, {"block_address": "200 block of Oak St", "location_type": "", "occurred_to": "",
                             "cleared_exceptionally": "N", "cleared_at": ""})
    assert done.status_code == 302
    mine.refresh_from_db()
    assert mine.block_address == "200 block of Oak St"
    change = ObjectChange.objects.get(object_id=str(mine.pk), action="update")
    assert change.before["block_address"] == "" and change.after["block_address"] == "200 block of Oak St"
    assert client.get(reverse("incidents:edit", args=[theirs.public_id])).status_code == 404
    assert client.get(reverse("incidents:edit", args=[uuid.uuid4()])).status_code == 404
    assert signed_in(otto_oversight).get(url).status_code == 403  # oversight may view, not change
    detail = client.get(reverse("incidents:detail", args=[mine.public_id]))
    assert url in detail.content.decode()
    early = client.post(url, {"occurred_to": "2020-01-01T00:00", "cleared_exceptionally": "N"})
    assert early.status_code == 400 and early.context["form"].errors["occurred_to"]


def test_paging_keeps_the_filters_and_sort(agency_a: Agency, ann_analyst: User,
                                           signed_in: Callable[[User], Client]) -> None:
    _, beat = geography(agency_a)
    for i in range(53):
        make_incident(agency_a, dt.date(2026, 1, 1) + dt.timedelta(days=i), [("13A", [])], beat=beat)
    make_incident(agency_a, dt.date(2026, 3, 1), [("220", [])])  # outside the filter
    client = signed_in(ann_analyst)
    first = client.get(reverse("incidents:list"), {"offense": "13A", "sort": "occurred"})
    assert first.context["page"].paginator.count == 53 and len(first.context["rows"]) == 50
    assert 'href="?offense=13A&amp;sort=occurred&amp;page=2"' in first.content.decode()
    second = client.get(reverse("incidents:list"), {"offense": "13A", "sort": "occurred", "page": "2"})
    days = [r["object"].occurred_date for r in second.context["rows"]]
    assert days == [dt.date(2026, 2, 20), dt.date(2026, 2, 21), dt.date(2026, 2, 22)]
