"""The walls around complaint files: who reads what (role × record, including the accused officer's own
account), the audit of every read, oversight may comment but not decide, and isolation between agencies."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.test import Client

from safecity.conftest import PASSWORD, make_persona, verified_client
from safecity.core import actions as core_actions
from safecity.core.actors import SYSTEM
from safecity.core.models import Agency, AuditEvent, User
from safecity.core.roles import Role
from safecity.policing import actions, selectors
from safecity.policing.models import Allegation, Complaint, ComplaintComment
from safecity.policing.tests.factories import make_officer
from safecity.policing.tests.factories_complaints import advance, make_complaint

pytestmark = pytest.mark.django_db
NAME, CONTACT, SUMMARY = "Robin Complainant", "555-0100", "Struck during a traffic stop on Elm."
BASE, API = "/m/policing/complaints/", "/api/v1/policing/complaints/"


@pytest.fixture
def world(agency_a: Any, agency_b: Any) -> dict[str, Any]:
    """A complaint in agency A against an officer whose own account holds `command` (a sergeant who supervises
    others), another against an officer whose account holds `oversight`, and one in agency B."""
    sergeant_user = make_persona("sgt_accused", agency_a, Role.COMMAND)
    sergeant = make_officer(agency_a, last_name="Sergeantson", user=sergeant_user)
    board_user = make_persona("board_accused", agency_a, Role.OVERSIGHT)
    board_officer = make_officer(agency_a, last_name="Boardley", user=board_user)
    plain_user = make_persona("ofc_accused", agency_a, Role.OFFICER)
    plain = make_officer(agency_a, last_name="Plainview", user=plain_user)
    investigator = make_officer(agency_a, last_name="Investigates")
    complaint = make_complaint(agency_a, [sergeant, plain], name=NAME, summary=SUMMARY)
    advance(complaint, "investigating", investigator=investigator, on=dt.date(2026, 1, 9))
    actions.complaint_extend(actor=SYSTEM, complaint=complaint, due_on=dt.date(2027, 1, 1),
                             reason=f"{NAME} is in hospital until December")
    actions.complaint_comment(actor=SYSTEM, complaint=complaint, body=f"Board: call {NAME} on {CONTACT}.")
    other = make_complaint(agency_a, [board_officer], name="Other Person", summary="Rude at the front desk.")
    theirs = make_complaint(agency_b, [make_officer(agency_b, last_name="Bravoson")], name="Bravo Complainant")
    return {"complaint": complaint, "other": other, "theirs": theirs, "sergeant_user": sergeant_user,
            "board_user": board_user, "plain_user": plain_user, "investigator": investigator}


def _page(client: Client, c: Complaint) -> tuple[int, str]:
    reply = client.get(f"{BASE}{c.public_id}/")
    return reply.status_code, reply.content.decode()


# role → (detail status, sees the complainant and summary)
MATRIX = {
    Role.ADMIN: (200, True), Role.COMMAND: (200, True), Role.OVERSIGHT: (200, True),
    Role.ANALYST: (404, False), Role.OFFICER: (403, False), Role.EXECUTIVE: (403, False),
    Role.PUBLIC: (403, False), Role.INTEL: (403, False), Role.CASEWORKER: (403, False),
}


@pytest.mark.parametrize("role", list(MATRIX))
def test_role_by_record_matrix_on_the_page_and_the_api(role: str, agency_a: Any, world: dict[str, Any]) -> None:
    status, sees = MATRIX[role]
    user = make_persona(f"m_{role}", agency_a, role)
    client = verified_client(user)
    code, page = _page(client, world["complaint"])
    assert code == status
    for secret in (NAME, CONTACT, SUMMARY):
        assert (secret in page) is sees
    api = client.get(f"{API}{world['complaint'].public_id}")
    assert api.status_code == (status if status != 403 else 403)
    if sees:
        body = api.json()
        assert body["complainant"]["name"] == NAME and body["summary"] == SUMMARY
    listing = client.get(BASE)
    assert (world["complaint"].reference in listing.content.decode()) is (status == 200)


@pytest.mark.parametrize("who", ["sergeant_user", "board_user"])
def test_the_accused_officers_own_account_never_sees_the_complainant(who: str, world: dict[str, Any]) -> None:
    client = verified_client(world[who])
    target = world["complaint"] if who == "sergeant_user" else world["other"]
    code, page = _page(client, target)
    assert code == 200  # the role may read complaint files; the allegations against them stay visible
    assert "Withheld: an officer accused in a complaint never sees who made it." in page
    for secret in (NAME, "Other Person", CONTACT, SUMMARY, "Rude at the front desk", "Change history"):
        assert secret not in page
    body = client.get(f"{API}{target.public_id}").json()
    assert body["complainant"] is None and body["summary"] is None
    assert NAME not in str(body) and CONTACT not in str(body)
    csv = b"".join(client.get(f"{BASE}export.csv").streaming_content).decode()
    assert NAME not in csv and SUMMARY not in csv


def test_the_accused_sees_the_complainant_of_a_complaint_against_someone_else(world: dict[str, Any]) -> None:
    # the wall is per complaint: the accused sergeant is an ordinary reader of the oversight officer's complaint
    _, page = _page(verified_client(world["sergeant_user"]), world["other"])
    assert "Other Person" in page and "Rude at the front desk" in page


def test_an_accused_officer_with_command_cannot_decide_move_or_comment(world: dict[str, Any]) -> None:
    client = verified_client(world["sergeant_user"])
    c = world["complaint"]
    allegation = c.allegations.get(officer__user=world["sergeant_user"])
    assert client.post(f"{BASE}{c.public_id}/transition/", {"t-to_status": "review"}).status_code == 403
    assert client.post(f"{BASE}{c.public_id}/allegations/{allegation.public_id}/finding/",
                       {"finding": "exonerated"}).status_code == 403
    assert client.post(f"{BASE}{c.public_id}/comment/", {"c-body": "I did nothing wrong"}).status_code == 403
    api = client.post(f"{API}{c.public_id}/allegations/{allegation.public_id}/finding",
                      {"finding": "exonerated"}, content_type="application/json")
    assert api.status_code == 403
    allegation.refresh_from_db()
    c.refresh_from_db()
    assert (allegation.finding, c.status) == ("pending", "investigating")
    assert ComplaintComment.objects.count() == 1  # the board's, from the fixture
    assert AuditEvent.objects.filter(action="allegation.finding", outcome="denied").exists()


def test_an_officer_role_alone_reaches_nothing(world: dict[str, Any]) -> None:
    client = verified_client(world["plain_user"])
    assert _page(client, world["complaint"])[0] == 403
    assert client.get(f"{API}{world['complaint'].public_id}").status_code == 403


def test_every_read_of_a_complaint_file_is_audited(agency_a: Any, world: dict[str, Any], persona: Any) -> None:
    c = world["complaint"]
    client = verified_client(persona(Role.OVERSIGHT, username="reader"))

    def reads() -> int:
        return AuditEvent.objects.filter(action="record.read", object_type="policing.complaint",
                                         object_id=str(c.pk), actor_name="reader").count()

    assert reads() == 0
    _page(client, c)
    _page(client, c)
    assert reads() == 2
    client.get(f"{API}{c.public_id}")
    assert reads() == 3
    client.get(f"{BASE}export.csv")
    export = AuditEvent.objects.filter(action="export", object_type="policing.complaint", actor_name="reader").get()
    assert export.extra["rows"] == 2
    # a refused read (another agency's complaint) reads nothing and is not a read event
    _page(client, world["theirs"])
    assert AuditEvent.objects.filter(action="record.read", object_id=str(world["theirs"].pk)).count() == 0


def test_oversight_reads_and_comments_but_cannot_change_findings_or_stage(world: dict[str, Any],
                                                                           persona: Any) -> None:
    c = world["complaint"]
    allegation = c.allegations.first()
    assert allegation is not None
    client = verified_client(persona(Role.OVERSIGHT, username="board"))
    reply = client.post(f"{BASE}{c.public_id}/comment/", {"c-body": "Please obtain the dash-camera footage."})
    assert reply.status_code == 302
    api = client.post(f"{API}{c.public_id}/comments", {"body": "Second request."}, content_type="application/json")
    assert api.status_code == 201 and api.json()["author_name"] == "board"
    assert list(ComplaintComment.objects.filter(author__username="board").values_list("body", flat=True)) == [
        "Please obtain the dash-camera footage.", "Second request."]
    assert AuditEvent.objects.filter(action="complaint.comment", actor_name="board").count() == 2
    assert "Please obtain the dash-camera footage." in _page(client, c)[1]
    # findings and stage: refused through the page and the API, nothing changes
    assert client.post(f"{BASE}{c.public_id}/allegations/{allegation.public_id}/finding/",
                       {"finding": "exonerated"}).status_code == 403
    assert client.get(f"{BASE}{c.public_id}/allegations/{allegation.public_id}/finding/").status_code == 403
    assert client.post(f"{BASE}{c.public_id}/transition/", {"t-to_status": "review"}).status_code == 403
    assert client.post(f"{BASE}{c.public_id}/extend/", {"x-due_on": "2027-01-01", "x-reason": "x"}).status_code == 403
    for path, body in ((f"{API}{c.public_id}/allegations/{allegation.public_id}/finding", {"finding": "exonerated"}),
                       (f"{API}{c.public_id}/transition", {"to_status": "review"}),
                       (f"{API}{c.public_id}/extend", {"due_on": "2027-01-01", "reason": "x"})):
        assert client.post(path, body, content_type="application/json").status_code == 403, path
    allegation.refresh_from_db()
    c.refresh_from_db()
    assert (allegation.finding, c.status) == ("pending", "investigating")
    assert "Record finding" not in _page(client, c)[1]


def test_analyst_sees_no_complaint_and_cannot_comment(world: dict[str, Any], persona: Any) -> None:
    client = verified_client(persona(Role.ANALYST))
    c = world["complaint"]
    assert "your role is not cleared to read them" in client.get(BASE).content.decode()
    assert client.get(f"{API}").json()["items"] == []
    csv = b"".join(client.get(f"{BASE}export.csv").streaming_content).decode().strip().splitlines()
    assert len(csv) == 1  # the header only
    assert client.post(f"{BASE}{c.public_id}/comment/", {"c-body": "hello"}).status_code == 404
    assert client.post(f"{API}{c.public_id}/comments", {"body": "hello"},
                       content_type="application/json").status_code == 404
    assert ComplaintComment.objects.count() == 1  # the board's, from the fixture


def test_command_records_findings_and_closes_through_the_pages(world: dict[str, Any], persona: Any) -> None:
    c = world["complaint"]
    client = verified_client(persona(Role.COMMAND, username="chief"))
    for a in c.allegations.all():
        reply = client.post(f"{BASE}{c.public_id}/allegations/{a.public_id}/finding/",
                            {"finding": "not_sustained", "finding_date": "2026-02-01"})
        assert reply.status_code == 302
    assert client.post(f"{BASE}{c.public_id}/transition/", {"t-to_status": "review", "t-on": "2026-02-02"}
                       ).status_code == 302
    bad = client.post(f"{BASE}{c.public_id}/transition/", {"t-to_status": "assigned"})
    assert bad.status_code == 400 and "Select a valid choice" in bad.content.decode()
    api = client.post(f"{API}{c.public_id}/transition", {"to_status": "received"}, content_type="application/json")
    assert api.status_code == 422 and "status" in api.content.decode()
    api = client.post(f"{API}{c.public_id}/transition", {"to_status": "closed", "on": "2026-02-03"},
                      content_type="application/json")
    assert api.status_code == 200 and api.json()["status"] == "closed"
    assert set(Allegation.objects.filter(complaint=c).values_list("finding", flat=True)) == {"not_sustained"}


def test_form_and_api_bad_input_is_named(world: dict[str, Any], persona: Any, agency_a: Any) -> None:
    client = verified_client(persona(Role.ADMIN, username="adm"))
    c = world["complaint"]
    reply = client.post(f"{BASE}{c.public_id}/extend/", {"x-due_on": "2026-13-45", "x-reason": ""})
    assert reply.status_code == 400 and "Enter a valid date" in reply.content.decode()
    api = client.post(f"{API}{c.public_id}/extend", {"due_on": "not-a-date", "reason": "x"},
                      content_type="application/json")
    assert api.status_code == 422 and "due_on" in api.content.decode()
    api = client.post(f"{API}{c.public_id}/transition", {"to_status": "review", "on": "2999-01-01"},
                      content_type="application/json")
    assert api.status_code == 422 and "Cannot be in the future" in api.content.decode()
    before = Complaint.objects.count()
    reply = client.post(f"{BASE}new/", {"agency": agency_a.ori, "received_on": "2026-02-01", "source": "civilian",
                                         "complainant_name": "", "officer_1": "", "category_1": "discourtesy"})
    page = reply.content.decode()
    assert reply.status_code == 400 and "An allegation needs both an officer and a category." in page
    assert Complaint.objects.count() == before
    bad_filter = client.get(f"{BASE}?finding=guilty")
    assert bad_filter.status_code == 400
    assert client.get(f"{API}?received_from=yesterday").status_code == 422


def test_intake_page_creates_a_complaint_with_its_allegations(world: dict[str, Any], persona: Any,
                                                             agency_a: Any) -> None:
    client = verified_client(persona(Role.COMMAND, username="intake"))
    officer = world["investigator"]
    reply = client.post(f"{BASE}new/", {
        "agency": agency_a.ori, "received_on": "2026-03-02", "source": "third_party", "channel": "web",
        "summary": "Witnessed a search", "complainant_name": "Sam Witness", "complainant_relationship": "bystander",
        "officer_1": f"{agency_a.ori}:{officer.employee_id}", "category_1": "improper_search",
        "officer_2": f"{agency_a.ori}:{officer.employee_id}", "category_2": "discourtesy"})
    assert reply.status_code == 302, reply.content.decode()[:2000]
    created = Complaint.objects.get(received_on=dt.date(2026, 3, 2))
    assert sorted(created.allegations.values_list("category", flat=True)) == ["discourtesy", "improper_search"]
    assert created.complainant.name == "Sam Witness"


def test_isolation_between_agencies_and_guessed_ids(world: dict[str, Any], agency_b: Any) -> None:
    mine, theirs = world["theirs"], world["complaint"]
    client = verified_client(make_persona("bravo_cmd", agency_b, Role.COMMAND))
    listing = client.get(BASE).content.decode()
    assert mine.reference in listing and theirs.reference not in listing
    allegation = theirs.allegations.first()
    assert allegation is not None
    for target in (theirs.public_id, uuid.uuid4()):
        assert client.get(f"{BASE}{target}/").status_code == 404
        assert client.post(f"{BASE}{target}/transition/", {"t-to_status": "review"}).status_code == 404
        assert client.post(f"{BASE}{target}/extend/", {"x-due_on": "2027-01-01", "x-reason": "r"}).status_code == 404
        assert client.post(f"{BASE}{target}/comment/", {"c-body": "x"}).status_code == 404
        assert client.get(f"{BASE}{target}/allegations/{allegation.public_id}/finding/").status_code == 404
        assert client.get(f"{API}{target}").status_code == 404
        for path in (f"{API}{target}/transition", f"{API}{target}/comments"):
            assert client.post(path, {"to_status": "review", "body": "x"},
                               content_type="application/json").status_code == 404
    # an allegation of one complaint cannot be reached through another complaint's URL
    own = verified_client(make_persona("alpha_cmd", theirs.agency, Role.COMMAND))
    other_allegation = world["other"].allegations.get()
    assert own.get(f"{BASE}{theirs.public_id}/allegations/{other_allegation.public_id}/finding/").status_code == 404
    csv = b"".join(client.get(f"{BASE}export.csv").streaming_content).decode()
    assert mine.reference in csv and theirs.reference not in csv
    api = client.get(API).json()
    assert [c["reference"] for c in api["items"]] == [mine.reference]
    assert client.get(f"{API}{mine.public_id}").status_code == 200


def test_each_filter_gives_the_same_rows_on_the_page_the_csv_and_the_api(agency_a: Any, persona: Any) -> None:
    one, two = make_officer(agency_a, last_name="One"), make_officer(agency_a, last_name="Two")
    investigator = make_officer(agency_a, last_name="Inv")
    decided = make_complaint(agency_a, [one], received_on=dt.date(2025, 6, 1), categories=("bias",))
    advance(decided, "closed", investigator=investigator, on=dt.date(2025, 6, 20), finding="sustained")
    late = make_complaint(agency_a, [two], received_on=dt.date(2026, 1, 5), categories=("discourtesy",),
                          source="anonymous")  # due 15 January: overdue today
    client = verified_client(persona(Role.OVERSIGHT, username="filters"))
    cases = {
        "category=bias": {decided}, "finding=sustained": {decided}, "finding=pending": {late},
        f"officer={two.employee_id}": {late}, "deadline=overdue": {late}, "deadline=open": {late},
        "source=anonymous": {late}, "status=closed": {decided}, "received_from=2026-01-01": {late},
        "received_to=2025-12-31": {decided}, "q=" + late.reference[:9]: {late},
    }
    for query, expected in cases.items():
        want = {c.reference for c in expected}
        page = client.get(f"{BASE}?{query}").content.decode()
        assert {c.reference for c in (decided, late) if c.reference in page} == want, query
        csv = b"".join(client.get(f"{BASE}export.csv?{query}").streaming_content).decode()
        assert {c.reference for c in (decided, late) if c.reference in csv} == want, query
        api = client.get(f"{API}?{query}").json()["items"]
        assert {c["reference"] for c in api} == want, query


def test_a_complaint_that_lost_its_label_stays_hidden_and_every_read_is_still_audited(
        world: dict[str, Any], persona: Any) -> None:
    """Defence in depth: a row written around the actions (raw SQL, a restore) without the personnel label."""
    c = world["complaint"]
    Complaint.objects.filter(pk=c.pk).update(sensitivity=0)  # simulates such a write; the actions never do this
    Allegation.objects.filter(complaint=c).update(sensitivity=0)
    analyst = verified_client(persona(Role.ANALYST, username="curious"))
    assert analyst.get(f"{BASE}{c.public_id}/").status_code == 404
    assert analyst.get(f"{API}{c.public_id}").status_code == 404
    assert c.reference not in analyst.get(BASE).content.decode()
    admin = verified_client(persona(Role.ADMIN, username="reads"))
    assert admin.get(f"{API}{c.public_id}").status_code == 200
    assert admin.get(f"{BASE}{c.public_id}/").status_code == 200
    assert AuditEvent.objects.filter(action="record.read", object_id=str(c.pk), actor_name="reads").count() == 2


# ---- accounts the accused-officer wall does not know yet ---------------------------------------------------

WALL = "Withheld: an officer accused in a complaint never sees who made it."
OFFICERS = "/m/policing/officers/"


def _account(username: str, agency: Agency, role: str, *, first: str = "", last: str = "",
             affiliation: str = "agency", expires: dt.datetime | None = None) -> User:
    user = core_actions.user_create(actor=SYSTEM, username=username, email=f"{username}@example.org",
                                    password=PASSWORD, first_name=first, last_name=last, home_agency=agency,
                                    affiliation=affiliation)
    core_actions.role_grant(actor=SYSTEM, user=user, agency=agency, role=role, expires_at=expires)
    return User.objects.get(pk=user.pk)


def test_unlinked_accounts_that_read_complaints_are_listed_until_linked(agency_a: Any, agency_b: Any,
                                                                         world: dict[str, Any]) -> None:
    """A captain with command whose account is not on their roster entry reads complaints against them in full;
    the officers page tells the administrator, who links it there, and the wall then applies."""
    from django.utils import timezone

    viewer = make_persona("adm_viewer", agency_a, Role.ADMIN)
    make_officer(agency_a, last_name="Viewerton", user=viewer)  # linked: not listed
    captain = _account("cmd_unlinked", agency_a, Role.COMMAND, first="Una", last="Linkless")
    entry = make_officer(agency_a, first_name="Una", last_name="Linkless", rank="captain")
    admin = _account("adm_unlinked", agency_a, Role.ADMIN)
    make_persona("board_civilian", agency_a, Role.OVERSIGHT)  # a board member: no roster entry to link
    make_persona("analyst_a", agency_a, Role.ANALYST)  # not cleared for complaint files
    _account("vendor_admin", agency_a, Role.ADMIN, affiliation="contractor")  # not an agency employee
    _account("lapsed_cmd", agency_a, Role.COMMAND, expires=timezone.now() - dt.timedelta(days=1))
    make_persona("cmd_b", agency_b, Role.COMMAND)
    complaint = make_complaint(agency_a, [entry], name="Sam Sayer", summary="Shouted at me on Oak Street.")
    captain_client = verified_client(captain)
    page = _page(captain_client, complaint)[1]
    assert "Sam Sayer" in page and WALL not in page  # the gap: the wall does not know the captain's account

    listed = selectors.unlinked_cleared_accounts(user=viewer, agency=agency_a)
    assert [a.user.username for a in listed] == ["adm_unlinked", "cmd_unlinked"]
    assert listed[1].matches == [entry] and listed[1].roles == ["Command staff"]
    assert listed[0].matches == [] and listed[0].roles == ["Agency administrator"]
    # only an administrator of the agency's accounts may ask, and only about that agency
    assert selectors.unlinked_cleared_accounts(user=world["sergeant_user"], agency=agency_a) == []
    assert selectors.unlinked_cleared_accounts(user=viewer, agency=agency_b) == []
    admin_b = make_persona("adm_b", agency_b, Role.ADMIN)
    assert [a.user.username for a in selectors.unlinked_cleared_accounts(user=admin_b, agency=agency_b)] == [
        "adm_b", "cmd_b"]

    client = verified_client(viewer)
    roster = client.get(OFFICERS).content.decode()
    assert "2 accounts with access to complaints are not linked to a roster entry" in roster
    assert f"{OFFICERS}{entry.public_id}/edit/" in roster and "adm_unlinked" in roster
    for absent in ("vendor_admin", "board_civilian", "lapsed_cmd", "analyst_a", "cmd_b", "sgt_accused"):
        assert absent not in roster, absent
    assert "not linked to a roster entry" not in captain_client.get(OFFICERS).content.decode()  # not an admin

    form = {"first_name": "Una", "last_name": "Linkless", "status": "active", "badge_number": entry.badge_number}
    assert client.post(f"{OFFICERS}{entry.public_id}/edit/", {**form, "account": str(captain.pk)}).status_code == 302
    assert [a.user.username for a in selectors.unlinked_cleared_accounts(user=viewer, agency=agency_a)] == [
        "adm_unlinked"]
    assert "1 account with access to complaints is not linked" in client.get(OFFICERS).content.decode()
    page = _page(captain_client, complaint)[1]
    assert WALL in page and "Sam Sayer" not in page and "Oak Street" not in page  # linked: the wall applies

    actions.officer_update(actor=SYSTEM, officer=make_officer(agency_a, last_name="Adminson"), user=admin)
    assert selectors.unlinked_cleared_accounts(user=viewer, agency=agency_a) == []
    assert "not linked to a roster entry" not in client.get(OFFICERS).content.decode()


def test_an_agency_without_officers_has_no_one_to_link(agency_a: Any) -> None:
    """No complaint can name anyone where there is no roster, so its administrators are not listed."""
    city = core_actions.agency_create(actor=SYSTEM, ori="ZZ0000003", name="Alpha City Hall", agency_type="city",
                                      jurisdiction="Alpha", state="ZZ")
    admin = make_persona("city_admin", city, Role.ADMIN)
    assert selectors.unlinked_cleared_accounts(user=admin, agency=city) == []
    make_officer(city, last_name="Firstly")
    assert [a.user.username for a in selectors.unlinked_cleared_accounts(user=admin, agency=city)] == ["city_admin"]
