"""Complaints: intake, the stage workflow and its deadlines (boundary days), extensions, findings, the bulk
load, and the complainant's status lookup (nothing revealed, same reply for unknown codes, rate limit)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from safecity.core.actors import SYSTEM
from safecity.core.models import AuditEvent
from safecity.core.roles import Sensitivity
from safecity.policing import actions, complaint_rules, selectors
from safecity.policing.actions import AllegationIn, ComplainantIn, ComplaintIn, InvalidTransition
from safecity.policing.actions.complaints import new_reference
from safecity.policing.models import Complainant, Complaint, ComplaintEvent, ComplaintStatus
from safecity.policing.selectors.complaints import REFERENCE_ALPHABET
from safecity.policing.tests.factories import make_officer
from safecity.policing.tests.factories_complaints import advance, make_complaint

pytestmark = pytest.mark.django_db
RECEIVED = dt.date(2026, 1, 5)


@pytest.fixture
def two(agency_a: Any) -> tuple[Any, Any]:
    return make_officer(agency_a, last_name="Accused"), make_officer(agency_a, last_name="Investigator")


def test_intake_labels_everything_and_starts_the_clock(agency_a: Any, two: Any) -> None:
    accused, _ = two
    c = make_complaint(agency_a, [accused], categories=("excessive_force", "discourtesy"))
    assert c.status == ComplaintStatus.RECEIVED
    assert c.sensitivity & Sensitivity.PERSONNEL
    assert all(a.sensitivity & Sensitivity.PERSONNEL for a in c.allegations.all())
    person = Complainant.objects.get(complaint=c)
    assert person.sensitivity == Sensitivity.PERSONNEL | Sensitivity.VICTIM_IDENTIFYING
    # 10 days from receipt to assign (rule pack), one year to discipline (Cal. Gov. Code 3304(d), receipt-based)
    assert c.due_on == dt.date(2026, 1, 15)
    assert c.discipline_limit_on == dt.date(2027, 1, 5)
    assert list(ComplaintEvent.objects.filter(complaint=c).values_list("to_status", "on")) == [("received", RECEIVED)]


def test_the_personnel_label_cannot_be_dropped(agency_a: Any, two: Any) -> None:
    c = make_complaint(agency_a, [two[0]])
    c.sensitivity = 0
    c.save()
    c.refresh_from_db()
    assert c.sensitivity & Sensitivity.PERSONNEL


def test_anonymous_complaints_keep_no_identity_and_named_ones_need_a_name(agency_a: Any, two: Any) -> None:
    c = make_complaint(agency_a, [two[0]], source="anonymous")
    assert not Complainant.objects.filter(complaint=c).exists()
    with pytest.raises(ValidationError) as err:
        actions.complaint_create(actor=SYSTEM, agency=agency_a, complaint=ComplaintIn(
            received_on=RECEIVED, source="anonymous", complainant=ComplainantIn(name="Someone"),
            allegations=[AllegationIn(officer=two[0], category="discourtesy")]))
    assert "complainant" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        actions.complaint_create(actor=SYSTEM, agency=agency_a, complaint=ComplaintIn(
            received_on=RECEIVED, source="third_party", allegations=[AllegationIn(officer=two[0], category="bias")]))
    assert "complainant" in err.value.message_dict


def test_intake_bad_input_is_named_and_nothing_is_saved(agency_a: Any, agency_b: Any, two: Any) -> None:
    stranger = make_officer(agency_b)
    with pytest.raises(ValidationError) as err:
        actions.complaint_create(actor=SYSTEM, agency=agency_a, complaint=ComplaintIn(
            received_on=dt.date(2999, 1, 1), occurred_on=dt.date(2999, 2, 1), source="carrier-pigeon",
            channel="telepathy", allegations=[AllegationIn(officer=stranger, category="excessive_force")],
            complainant=ComplainantIn(name="X")))
    assert {"received_on", "occurred_on", "source", "channel", "allegations"} <= set(err.value.message_dict)
    with pytest.raises(ValidationError) as err:
        actions.complaint_create(actor=SYSTEM, agency=agency_a, complaint=ComplaintIn(
            received_on=RECEIVED, source="internal", allegations=[AllegationIn(officer=two[0], category="jaywalking")]))
    assert "unknown category 'jaywalking'" in err.value.message_dict["allegations"][0]
    with pytest.raises(ValidationError) as err:
        actions.complaint_create(actor=SYSTEM, agency=agency_a, complaint=ComplaintIn(
            received_on=RECEIVED, source="internal", allegations=[]))
    assert "allegations" in err.value.message_dict
    assert not Complaint.objects.exists()


def test_workflow_walks_forward_and_refuses_a_skipped_stage_by_name(agency_a: Any, two: Any) -> None:
    accused, investigator = two
    c = make_complaint(agency_a, [accused])
    with pytest.raises(InvalidTransition) as err:
        actions.complaint_transition(actor=SYSTEM, complaint=c, to_status="closed", on=RECEIVED)
    assert "cannot move from Received to Closed" in err.value.message_dict["status"][0]
    assert "Assigned to an investigator" in err.value.message_dict["status"][0]
    with pytest.raises(ValidationError) as err:
        actions.complaint_transition(actor=SYSTEM, complaint=c, to_status="assigned", on=RECEIVED)
    assert "investigator" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        actions.complaint_transition(actor=SYSTEM, complaint=c, to_status="assigned", on=RECEIVED,
                                     investigator=accused)
    assert "accused officer cannot investigate" in err.value.message_dict["investigator"][0]
    advance(c, ComplaintStatus.REVIEW, investigator=investigator, on=dt.date(2026, 2, 1))
    with pytest.raises(ValidationError) as err:
        actions.complaint_transition(actor=SYSTEM, complaint=c, to_status="closed", on=dt.date(2026, 2, 2))
    assert "still have no finding" in err.value.message_dict["status"][0]
    advance(c, ComplaintStatus.CLOSED, investigator=investigator, on=dt.date(2026, 2, 3))
    c.refresh_from_db()
    assert (c.status, c.closed_on, c.due_on) == ("closed", dt.date(2026, 2, 3), None)
    assert AuditEvent.objects.filter(action="complaint.transition").count() == 4


def test_reopen_needs_a_reason_and_clears_the_closing(agency_a: Any, two: Any) -> None:
    c = advance(make_complaint(agency_a, [two[0]]), "closed", investigator=two[1], on=dt.date(2026, 3, 1))
    with pytest.raises(ValidationError) as err:
        actions.complaint_transition(actor=SYSTEM, complaint=c, to_status="investigating", on=dt.date(2026, 3, 2))
    assert "reason" in err.value.message_dict
    actions.complaint_transition(actor=SYSTEM, complaint=c, to_status="investigating", on=dt.date(2026, 3, 2),
                                 reason="New video evidence")
    c.refresh_from_db()
    assert c.status == "investigating" and c.closed_on is None
    # the investigation deadline counts from receipt: 6 months after 5 January
    assert c.due_on == dt.date(2026, 7, 5)
    assert ComplaintEvent.objects.filter(complaint=c, reason="New video evidence").exists()


def test_a_transition_cannot_be_dated_before_the_stage_or_in_the_future(agency_a: Any, two: Any) -> None:
    c = make_complaint(agency_a, [two[0]])
    for day in (dt.date(2026, 1, 4), dt.date(2999, 1, 1)):
        with pytest.raises(ValidationError) as err:
            actions.complaint_transition(actor=SYSTEM, complaint=c, to_status="assigned", on=day,
                                         investigator=two[1])
        assert "on" in err.value.message_dict


def test_overdue_and_due_soon_on_the_boundary_days(agency_a: Any, alice_admin: Any, two: Any) -> None:
    c = advance(make_complaint(agency_a, [two[0]]), "investigating", investigator=two[1], on=RECEIVED)
    assert c.due_on == dt.date(2026, 7, 5)  # 6 calendar months from receipt
    soon = complaint_rules.due_soon_days(RECEIVED)
    assert soon == 14

    def lists(day: dt.date) -> tuple[bool, bool]:
        return (selectors.overdue(user=alice_admin, today=day).filter(pk=c.pk).exists(),
                selectors.due_soon(user=alice_admin, today=day).filter(pk=c.pk).exists())

    assert lists(dt.date(2026, 6, 20)) == (False, False)  # 15 days before
    assert lists(dt.date(2026, 6, 21)) == (False, True)  # 14 days before
    assert lists(dt.date(2026, 7, 5)) == (False, True)  # due today: not yet overdue
    assert lists(dt.date(2026, 7, 6)) == (True, False)  # a day late


def test_calendar_arithmetic_of_the_deadlines() -> None:
    assert complaint_rules.add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    assert complaint_rules.add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)
    assert complaint_rules.add_months(dt.date(2026, 3, 31), -1) == dt.date(2026, 2, 28)
    assert complaint_rules.discipline_limit(dt.date(2024, 2, 29)) == dt.date(2025, 2, 28)


def test_extension_needs_a_reason_and_a_later_date_and_lifts_overdue(agency_a: Any, alice_admin: Any,
                                                                     two: Any) -> None:
    c = make_complaint(agency_a, [two[0]])
    assert selectors.overdue(user=alice_admin, today=dt.date(2026, 1, 16)).filter(pk=c.pk).exists()
    with pytest.raises(ValidationError) as err:
        actions.complaint_extend(actor=alice_admin, complaint=c, due_on=dt.date(2026, 1, 10), reason="")
    assert set(err.value.message_dict) == {"due_on", "reason"}
    actions.complaint_extend(actor=alice_admin, complaint=c, due_on=dt.date(2026, 1, 30),
                             reason="Complainant abroad until late January")
    c.refresh_from_db()
    assert c.due_on == dt.date(2026, 1, 30)
    assert not selectors.overdue(user=alice_admin, today=dt.date(2026, 1, 16)).filter(pk=c.pk).exists()
    ev = ComplaintEvent.objects.get(complaint=c, kind="extension")
    assert (ev.reason, ev.due_on, ev.actor_name) == ("Complainant abroad until late January", dt.date(2026, 1, 30),
                                                     "alice")


def test_findings_only_during_investigation_or_review_and_discipline_only_when_sustained(agency_a: Any,
                                                                                         two: Any) -> None:
    c = make_complaint(agency_a, [two[0]])
    a = c.allegations.get()
    with pytest.raises(ValidationError) as err:
        actions.allegation_finding_set(actor=SYSTEM, allegation=a, finding="sustained")
    assert "finding" in err.value.message_dict
    advance(c, "investigating", investigator=two[1], on=RECEIVED)
    a.refresh_from_db()
    with pytest.raises(ValidationError) as err:
        actions.allegation_finding_set(actor=SYSTEM, allegation=a, finding="unfounded", discipline="Reprimand")
    assert "discipline" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        actions.allegation_finding_set(actor=SYSTEM, allegation=a, finding="guilty")
    assert "finding" in err.value.message_dict
    actions.allegation_finding_set(actor=SYSTEM, allegation=a, finding="sustained", discipline="Written reprimand",
                                   finding_date=dt.date(2026, 2, 1))
    a.refresh_from_db()
    assert (a.finding, a.discipline, a.finding_date) == ("sustained", "Written reprimand", dt.date(2026, 2, 1))


def test_bulk_load_validates_like_intake_and_writes_one_event(agency_a: Any, two: Any) -> None:
    good = ComplaintIn(received_on=RECEIVED, source="anonymous",
                       allegations=[AllegationIn(officer=two[0], category="neglect_of_duty")])
    bad = ComplaintIn(received_on=RECEIVED, source="anonymous", allegations=[])
    with pytest.raises(ValidationError) as err:
        actions.complaints_bulk_load(actor=SYSTEM, agency=agency_a, complaints=[good, bad])
    assert "complaint 2: allegations" in err.value.message_dict
    assert not Complaint.objects.exists()
    n = actions.complaints_bulk_load(actor=SYSTEM, agency=agency_a, complaints=[good, good],
                                     closings=[[("assigned", dt.date(2026, 1, 8), "")], []])
    assert n == 2 and AuditEvent.objects.filter(action="complaint.bulk_load").count() == 1
    statuses = sorted(Complaint.objects.values_list("status", flat=True))
    assert statuses == ["assigned", "received"]
    assert all(c.sensitivity & Sensitivity.PERSONNEL for c in Complaint.objects.all())
    assigned = Complaint.objects.get(status="assigned")
    assert assigned.due_on == dt.date(2026, 1, 22)  # 14 days from the stage's start


# ---- reference codes and the public status lookup -----------------------------------------------------


def test_reference_codes_are_random_with_enough_entropy() -> None:
    codes = {new_reference() for _ in range(500)}
    assert len(codes) == 500
    for code in list(codes)[:50]:
        assert re.fullmatch(rf"([{REFERENCE_ALPHABET}]{{4}}-){{3}}[{REFERENCE_ALPHABET}]{{4}}", code)
    assert len(REFERENCE_ALPHABET) ** 16 > 2 ** 79
    # not sequential: no two codes made one after the other share their first group more often than chance
    ordered = [new_reference() for _ in range(200)]
    same_prefix = sum(a[:4] == b[:4] for a, b in zip(ordered, ordered[1:], strict=False))
    assert same_prefix <= 1


def _lookup(client: Client, code: str) -> Any:
    return client.post("/m/policing/complaints/status/", {"reference": code})


def _shape(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_status_lookup_shows_stage_and_dates_only(agency_a: Any, two: Any) -> None:
    c = make_complaint(agency_a, [two[0]], name="Robin Complainant", summary="Struck during a traffic stop.")
    advance(c, "investigating", investigator=two[1], on=dt.date(2026, 1, 9))
    client = Client()
    assert client.get("/m/policing/complaints/status/").status_code == 200
    reply = _lookup(client, c.reference.lower().replace("-", " "))
    page = reply.content.decode()
    assert reply.status_code == 200
    assert "Current stage: Under investigation" in page
    assert "2026-01-05" in page and "2026-01-09" in page
    for secret in ("Robin", "Struck", two[0].last_name, two[1].last_name, "Excessive", "excessive", "555-0100",
                   agency_a.name, c.reference, str(c.public_id)):
        assert secret not in page, secret


def test_status_lookup_answers_unknown_and_malformed_codes_alike(agency_a: Any, two: Any) -> None:
    c = make_complaint(agency_a, [two[0]])
    client = Client()
    unknown = "2222-2222-2222-2222" if c.reference != "2222-2222-2222-2222" else "3333-3333-3333-3333"
    near = c.reference[:-1] + ("2" if c.reference[-1] != "2" else "3")  # one character off
    replies = [_lookup(client, code) for code in (unknown, near, "1", "' OR 1=1 --", str(c.pk), str(c.public_id))]
    assert {r.status_code for r in replies} == {200}
    shapes = {_shape(r.content.decode()) for r in replies}
    assert len(shapes) == 1
    assert "No complaint matches that code" in shapes.pop()
    events = AuditEvent.objects.filter(action="complaint.status_lookup")
    assert events.count() == 6 and all(e.extra == {"found": False} for e in events)
    assert not any(c.reference in str(e.extra) + e.purpose + e.object_repr for e in events)


def test_status_lookup_is_rate_limited_per_address(agency_a: Any, two: Any, settings: Any) -> None:
    settings.RATE_LIMIT_COMPLAINT_STATUS_PER_MINUTE = 3
    c = make_complaint(agency_a, [two[0]])
    client = Client(REMOTE_ADDR="198.51.100.7")
    assert [_lookup(client, "2222-2222-2222-2223").status_code for _ in range(3)] == [200, 200, 200]
    limited = _lookup(client, c.reference)  # even the right code, once over the limit
    assert limited.status_code == 429 and "Too many lookups" in limited.content.decode()
    assert "Current stage" not in limited.content.decode()
    assert int(limited["Retry-After"]) >= 1
    assert _lookup(Client(REMOTE_ADDR="198.51.100.8"), c.reference).status_code == 200  # another address


def test_aggregate_counts_by_category_and_finding_per_year_without_names(agency_a: Any, agency_b: Any,
                                                                        alice_admin: Any, two: Any) -> None:
    accused, investigator = two
    make_complaint(agency_a, [accused], received_on=dt.date(2025, 3, 1), categories=("bias", "discourtesy"))
    closed = make_complaint(agency_a, [accused], received_on=dt.date(2026, 2, 1), categories=("bias",))
    advance(closed, "closed", investigator=investigator, on=dt.date(2026, 2, 10), finding="sustained")
    make_complaint(agency_b, [make_officer(agency_b)], received_on=dt.date(2026, 2, 1))  # not visible to alice
    agg = selectors.complaint_aggregate(user=alice_admin)
    assert agg.years == [2025, 2026] and agg.complaints_per_year == [1, 1]
    assert dict(agg.by_category) == {"Bias-based policing": [1, 1], "Discourtesy": [1, 0]}
    assert dict(agg.by_finding) == {"Pending": [2, 0], "Sustained": [0, 1]}
    assert accused.last_name not in repr(agg)


def test_dashboard_tile_counts_open_and_overdue_and_says_when_not_cleared(agency_a: Any, alice_admin: Any,
                                                                          ann_analyst: Any, two: Any) -> None:
    today = dt.date(2026, 1, 20)
    make_complaint(agency_a, [two[0]], received_on=dt.date(2026, 1, 5))  # due 15 Jan: overdue on the 20th
    make_complaint(agency_a, [two[0]], received_on=dt.date(2026, 1, 18))  # due 28 Jan: due soon
    done = make_complaint(agency_a, [two[0]], received_on=dt.date(2025, 12, 1))
    advance(done, "closed", investigator=two[1], on=dt.date(2025, 12, 5))
    tile = selectors.dashboard_complaints(user=alice_admin, today=today)
    assert (tile.cleared, tile.open_count, tile.overdue_count, tile.due_soon_count) == (True, 2, 1, 1)
    assert tile.months[-1] == ("2026-01", 2) and tile.months[-2] == ("2025-12", 1) and len(tile.months) == 12
    assert selectors.dashboard_complaints(user=ann_analyst, today=today).cleared is False


def test_the_deadline_in_force_on_the_day_the_period_starts_applies(tmp_path: Any) -> None:
    from safecity.core import rules

    path = tmp_path / "deadlines.csv"
    path.write_text(
        "stage,days,months,from,label,effective_from,effective_to,citation,status,review_by\n"
        "received,10,0,received,Assign,2020-01-01,2025-12-31,test policy v1,verified,\n"
        "received,5,0,received,Assign,2026-01-01,,test policy v2,verified,\n"
        "review,30,0,stage,Review,2020-01-01,2025-12-31,test policy v1,verified,\n"
        "review,20,0,stage,Review,2026-01-01,,test policy v2,verified,\n", encoding="utf-8")
    pack = rules.load_pack(path, name="test.deadlines", title="t", key="stage")
    old, new = dt.date(2025, 12, 30), dt.date(2026, 1, 2)
    assert complaint_rules.period_end("received", received=old, stage_start=old, pack=pack) == dt.date(2026, 1, 9)
    assert complaint_rules.period_end("received", received=new, stage_start=new, pack=pack) == dt.date(2026, 1, 7)
    # a stage counted from its own start takes the rule in force when the stage began, not at receipt
    assert complaint_rules.period_end("review", received=old, stage_start=new, pack=pack) == dt.date(2026, 1, 22)
