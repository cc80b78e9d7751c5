"""Early intervention through the database: event gathering, the scoring run (idempotent), the review workflow,
the personnel wall, agency isolation, and the evaluation finding a planted signal."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from safecity.conftest import make_persona, verified_client
from safecity.core.actors import SYSTEM
from safecity.core.models import AuditEvent
from safecity.core.permissions import NotPermitted
from safecity.core.roles import Role, Sensitivity
from safecity.policing import actions, selectors
from safecity.policing.models import EIFlag, FlagStatus, Injury, Officer
from safecity.policing.tests.factories import make_officer, make_unit
from safecity.policing.tests.factories_eis import make_complaint, make_force, make_pursuit, make_stops

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2025, 6, 30)


def _day(days_before: int) -> dt.date:
    return AS_OF - dt.timedelta(days=days_before)


@pytest.fixture
def squad(agency_a: Any) -> dict[str, Any]:
    """Unit P1 with six officers and a sergeant. Officer 0 has three uses of force in 90 days; officer 1 has
    three too but one of them exactly 90 days before the as-of date."""
    unit = make_unit(agency_a, code="P1", name="Patrol One")
    officers = [make_officer(agency_a, unit=unit, hire_date=dt.date(2015, 1, 1)) for _ in range(6)]
    sergeant = make_officer(agency_a, unit=unit, rank="sergeant", last_name="Sarge")
    for d in (1, 30, 89):
        make_force(agency_a, officers[0], _day(d))
    for d in (1, 30, 90):
        make_force(agency_a, officers[1], _day(d))
    return {"unit": unit, "officers": officers, "sergeant": sergeant}


def test_events_are_gathered_per_officer(agency_a: Any, squad: dict[str, Any], persona: Any) -> None:
    o = squad["officers"][2]
    make_complaint(agency_a, [o], _day(10), allegations_each=2)  # two allegations, one complaint
    make_complaint(agency_a, [o], _day(20), sustained=True, finding_date=_day(5))
    make_force(agency_a, o, _day(3), subject_injury=Injury.SERIOUS)
    make_force(agency_a, o, _day(4), officer_injured=True)
    make_pursuit(agency_a, o, _day(6), injuries=True)
    make_stops(agency_a, o, _day(7), 4, searched=1)
    command = persona(Role.COMMAND)
    scored = selectors.ei_score(user=command, agency=agency_a, as_of=AS_OF)
    table = selectors.indicator_table(scored, scored.data.index_of(o))
    counts = {r["indicator"]: r["count"] for r in table["rows"]}
    assert counts == {"complaints": 2, "sustained": 1, "force": 2, "pursuits": 1, "injuries": 3, "searches": 1}
    assert table["stops"] == 4
    assert table["unit"] == "P1"
    rates = {r["indicator"]: r["rate"] for r in table["rows"]}
    assert rates["searches"] == 0.25 and rates["force"] == 2.0  # a full year of service in the window


def test_analyst_gathers_no_complaints(agency_a: Any, squad: dict[str, Any], persona: Any) -> None:
    """The arrays come through restrict(): an analyst (no personnel clearance) sees no complaint."""
    o = squad["officers"][2]
    make_complaint(agency_a, [o], _day(10))
    analyst = persona(Role.ANALYST)
    scored = selectors.ei_score(user=analyst, agency=agency_a, as_of=AS_OF)
    counts = {r["indicator"]: r["count"] for r in selectors.indicator_table(scored, scored.data.index_of(o))["rows"]}
    assert counts["complaints"] == 0


def test_run_flags_by_rule_window_edge_and_is_idempotent(agency_a: Any, squad: dict[str, Any]) -> None:
    created = actions.ei_run(actor=SYSTEM, agency=agency_a, as_of=AS_OF)
    by_officer = {f.officer_id: f for f in created}
    o0, o1 = squad["officers"][0], squad["officers"][1]
    assert "uof-3-in-90" in by_officer[o0.pk].rules
    # officer 1's third use of force is exactly 90 days back: outside (t-90, t], so the count rule does not fire.
    assert o1.pk not in by_officer or "uof-3-in-90" not in by_officer[o1.pk].rules
    flag = by_officer[o0.pk]
    assert flag.sensitivity == int(Sensitivity.PERSONNEL)
    assert flag.status == FlagStatus.OPEN and flag.steps.count() == 1
    assert actions.ei_run(actor=SYSTEM, agency=agency_a, as_of=AS_OF) == []
    assert EIFlag.objects.filter(agency=agency_a).count() == len(created)
    assert AuditEvent.objects.filter(action="eiflag.run").count() == 2
    with pytest.raises(ValidationError) as err:
        actions.ei_run(actor=SYSTEM, agency=agency_a, as_of=dt.date(2999, 1, 1))
    assert "as_of" in err.value.message_dict


def _flag(agency: Any) -> EIFlag:
    return actions.ei_run(actor=SYSTEM, agency=agency, as_of=AS_OF)[0]


def test_review_workflow_steps_and_transitions(agency_a: Any, squad: dict[str, Any], persona: Any) -> None:
    flag = _flag(agency_a)
    command = persona(Role.COMMAND)
    with pytest.raises(ValidationError) as err:
        actions.eiflag_follow_up(actor=command, flag=flag, follow_up_on=AS_OF, outcome="x")
    assert "status" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        actions.eiflag_assign(actor=command, flag=flag, supervisor=flag.officer)
    assert "supervisor" in err.value.message_dict
    actions.eiflag_assign(actor=command, flag=flag, supervisor=squad["sergeant"], notes="Looked at the reports.")
    with pytest.raises(ValidationError) as err:
        actions.eiflag_intervene(actor=command, flag=flag, intervention="training")
    assert "follow_up_due" in err.value.message_dict
    actions.eiflag_intervene(actor=command, flag=flag, intervention="training", follow_up_due=AS_OF + dt.timedelta(60))
    assert flag.status == FlagStatus.INTERVENTION
    with pytest.raises(ValidationError) as err:
        actions.eiflag_follow_up(actor=command, flag=flag, follow_up_on=AS_OF + dt.timedelta(30), outcome=" ")
    assert "outcome" in err.value.message_dict
    actions.eiflag_follow_up(actor=command, flag=flag, follow_up_on=AS_OF + dt.timedelta(30), outcome="Completed.")
    flag.refresh_from_db()
    assert flag.status == FlagStatus.CLOSED
    assert [s.status for s in flag.steps.order_by("at", "id")] == ["open", "review", "intervention", "closed"]
    codes = list(AuditEvent.objects.filter(action__startswith="eiflag.").values_list("action", "outcome"))
    assert ("eiflag.assign", "success") in codes or ("eiflag.assign", "ok") in codes or any(
        c == "eiflag.assign" for c, _ in codes)
    assert {c for c, _ in codes} >= {"eiflag.run", "eiflag.assign", "eiflag.intervene", "eiflag.follow_up"}
    with pytest.raises(ValidationError):
        actions.eiflag_assign(actor=command, flag=flag, supervisor=squad["sergeant"])


def test_none_warranted_closes_the_flag(agency_a: Any, squad: dict[str, Any]) -> None:
    flag = _flag(agency_a)
    actions.eiflag_assign(actor=SYSTEM, flag=flag, supervisor=squad["sergeant"])
    actions.eiflag_intervene(actor=SYSTEM, flag=flag, intervention="none", notes="Force was justified each time.")
    assert flag.status == FlagStatus.CLOSED and flag.follow_up_due is None


def test_oversight_reads_but_cannot_act_analyst_and_officer_see_nothing(agency_a: Any, squad: dict[str, Any],
                                                                         persona: Any) -> None:
    flag = _flag(agency_a)
    oversight, analyst = persona(Role.OVERSIGHT), persona(Role.ANALYST)
    assert selectors.eiflag_list(user=oversight).filter(pk=flag.pk).exists()
    with pytest.raises(NotPermitted):
        actions.eiflag_assign(actor=oversight, flag=flag, supervisor=squad["sergeant"])
    assert AuditEvent.objects.filter(action="eiflag.assign", outcome="denied").exists()
    assert not selectors.eiflag_list(user=analyst).exists()
    c = verified_client(oversight)
    assert c.get(f"/m/policing/eis/{flag.public_id}/").status_code == 200
    assert c.get(f"/m/policing/eis/{flag.public_id}/assign/").status_code == 403
    a = verified_client(analyst)
    for url in ("/m/policing/eis/", f"/m/policing/eis/{flag.public_id}/", "/m/policing/eis/evaluation/",
                "/m/policing/eis/export.csv", f"/m/policing/eis/officers/{flag.officer.public_id}/"):
        assert a.get(url).status_code == 403, url
    assert a.get("/api/v1/policing/eis/evaluation").status_code == 403
    assert a.get("/api/v1/policing/eis/flags/").json()["items"] == []
    assert a.get(f"/api/v1/policing/eis/flags/{flag.public_id}").status_code == 404
    # The flagged officer's own account (officer role) never reaches a flag.
    me = make_persona("flagged_self", agency_a, Role.OFFICER)
    actions.officer_update(actor=SYSTEM, officer=flag.officer, user=me)
    o = verified_client(me)
    assert o.get(f"/m/policing/eis/{flag.public_id}/").status_code == 403
    assert o.get("/api/v1/policing/eis/flags/").status_code == 403


def test_command_walks_the_review_through_the_pages(agency_a: Any, squad: dict[str, Any], persona: Any) -> None:
    flag = _flag(agency_a)
    c = verified_client(persona(Role.COMMAND))
    page = c.get("/m/policing/eis/")
    assert page.status_code == 200 and flag.officer.last_name in page.content.decode()
    detail = c.get(f"/m/policing/eis/{flag.public_id}/").content.decode()
    assert "not a finding" in detail and "uof-3-in-90" in detail
    bad = c.post(f"/m/policing/eis/{flag.public_id}/assign/", {"supervisor": ""})
    assert bad.status_code == 400 and "This field is required" in bad.content.decode()
    ok = c.post(f"/m/policing/eis/{flag.public_id}/assign/",
                {"supervisor": str(squad["sergeant"].public_id), "notes": "Reviewing."})
    assert ok.status_code == 302
    early = c.post(f"/m/policing/eis/{flag.public_id}/follow-up/", {"follow_up_on": "2025-07-01", "outcome": "x"})
    assert early.status_code == 400 and "cannot move" in early.content.decode()
    assert c.post(f"/m/policing/eis/{flag.public_id}/intervene/",
                  {"intervention": "counselling", "follow_up_due": "2025-09-01"}).status_code == 302
    flag.refresh_from_db()
    assert flag.status == FlagStatus.INTERVENTION
    csv = c.get("/m/policing/eis/export.csv")
    assert csv.status_code == 200 and flag.officer.employee_id in b"".join(csv.streaming_content).decode()
    run = c.post("/m/policing/eis/run/", {"agency": agency_a.ori, "as_of": AS_OF.isoformat()})
    assert run.status_code == 200 and "0 new flags" in run.content.decode()
    assert c.post("/m/policing/eis/run/", {"agency": agency_a.ori, "as_of": "not a date"}).status_code == 400


def test_other_agency_sees_nothing_guessed_ids_404(agency_a: Any, agency_b: Any, squad: dict[str, Any]) -> None:
    flag = _flag(agency_a)
    pursuit = make_pursuit(agency_a, squad["officers"][0], _day(3))
    other = verified_client(make_persona("cmd_b", agency_b, Role.COMMAND))
    assert flag.officer.last_name not in other.get("/m/policing/eis/").content.decode()
    for url in (f"/m/policing/eis/{flag.public_id}/", f"/m/policing/eis/{flag.public_id}/assign/",
                f"/m/policing/eis/officers/{flag.officer.public_id}/", f"/m/policing/pursuits/{pursuit.public_id}/",
                "/m/policing/eis/00000000-0000-4000-8000-000000000000/",
                f"/api/v1/policing/eis/flags/{flag.public_id}", f"/api/v1/policing/eis/pursuits/{pursuit.public_id}",
                f"/api/v1/policing/eis/officers/{flag.officer.public_id}"):
        assert other.get(url).status_code == 404, url
    assert other.post(f"/m/policing/eis/{flag.public_id}/assign/",
                      {"supervisor": str(squad["sergeant"].public_id)}).status_code == 404
    assert other.get("/api/v1/policing/eis/flags/").json()["items"] == []
    assert other.get("/api/v1/policing/eis/pursuits/").json()["items"] == []
    assert flag.officer.employee_id not in b"".join(other.get("/m/policing/eis/export.csv").streaming_content).decode()
    assert other.get(f"/api/v1/policing/eis/evaluation?agency={agency_a.ori}").status_code == 422
    assert other.get(f"/m/policing/eis/evaluation/?agency={agency_a.ori}").status_code == 400
    assert other.get(f"/m/policing/eis/evaluation.csv?agency={agency_a.ori}").status_code == 400
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN


def test_pursuit_form_names_bad_fields_and_saves_good_input(agency_a: Any, squad: dict[str, Any], persona: Any) -> None:
    c = verified_client(persona(Role.COMMAND))
    bad = c.post("/m/policing/pursuits/new/", {"officer": str(squad["officers"][0].public_id),
                                               "started_at": "2999-01-01 10:00", "reason": "felony",
                                               "outcome": "escaped"})
    assert bad.status_code == 400 and "Cannot be in the future" in bad.content.decode()
    ok = c.post("/m/policing/pursuits/new/", {"officer": str(squad["officers"][0].public_id),
                                              "started_at": "2025-05-01 10:00", "reason": "felony",
                                              "outcome": "crash", "injuries": "on"})
    assert ok.status_code == 302
    p = selectors.pursuit_list(user=persona(Role.ADMIN, username="adm")).get()
    assert p.crash and p.injuries


@pytest.fixture
def planted(agency_a: Any) -> dict[str, Any]:
    """80 officers in four units; each with a latent risk (log-normal, mean 1). Uses of force and complaints in
    the year before AS_OF and sustained complaints in the year after are drawn in proportion to it. The whole
    roster comes first, so a sustained complaint always has an officer who is not accused to investigate it."""
    rng = random.Random(11)
    units = [make_unit(agency_a, code=f"U{i}", name=f"Unit {i}") for i in range(4)]
    roster = [make_officer(agency_a, unit=units[i % 4], hire_date=dt.date(2012, 1, 1)) for i in range(80)]
    risk: dict[int, float] = {}
    for o in roster:
        r = rng.lognormvariate(-0.32, 0.8)
        risk[o.pk] = r

        def poisson(lam: float) -> int:
            k, p, limit = 0, 1.0, pow(2.718281828, -lam)
            while True:
                p *= rng.random()
                if p < limit:
                    return k
                k += 1

        for _ in range(poisson(1.5 * r)):
            make_force(agency_a, o, _day(rng.randint(0, 364)))
        for _ in range(poisson(0.6 * r)):
            make_complaint(agency_a, [o], _day(rng.randint(0, 364)))
        for _ in range(poisson(0.35 * r)):
            make_complaint(agency_a, [o], AS_OF + dt.timedelta(days=rng.randint(1, 365)), sustained=True)
    return {"risk": risk}


def test_evaluation_finds_the_planted_signal(agency_a: Any, planted: dict[str, Any], persona: Any) -> None:
    command = persona(Role.COMMAND)
    report = selectors.ei_evaluation(user=command, agency=agency_a, as_of=AS_OF, today=dt.date(2026, 11, 1),
                                     ks=(10,))
    ev = report.evaluation
    assert report.complete and ev.officers == 80 and 0 < ev.positives < 80
    assert ev.base_rate is not None and ev.at_k[0].precision > ev.base_rate
    c = verified_client(command)
    page = c.get(f"/m/policing/eis/evaluation/?agency={agency_a.ori}&as_of={AS_OF}")
    assert page.status_code == 200 and "Precision@k" in page.content.decode()
    api = c.get(f"/api/v1/policing/eis/evaluation?agency={agency_a.ori}&as_of={AS_OF}").json()
    assert api["positives"] == ev.positives and {r["key"] for r in api["rules"]} >= {"uof-3-in-90"}
    csv = c.get(f"/m/policing/eis/evaluation.csv?agency={agency_a.ori}&as_of={AS_OF}")
    assert csv.status_code == 200 and b"uof-3-in-90" in csv.content
    assert c.get("/api/v1/policing/eis/evaluation?as_of=2999-01-01").status_code == 422
    officer = Officer.objects.filter(agency=agency_a).first()
    assert officer is not None
    ind = c.get(f"/api/v1/policing/eis/officers/{officer.public_id}?as_of={AS_OF}").json()
    assert {r["indicator"] for r in ind["rows"]} >= {"force", "complaints"}
    assert c.get(f"/m/policing/eis/officers/{officer.public_id}/?as_of={AS_OF}").status_code == 200
    tile = selectors.dashboard_eis(user=command, today=dt.date(2026, 11, 1))
    assert tile.visible and tile.open_total == 0
    assert not selectors.dashboard_eis(user=persona(Role.ANALYST)).visible


def test_signed_out_visitors_are_sent_to_sign_in(client: Any, agency_a: Any) -> None:
    for url in ("/m/policing/eis/", "/m/policing/eis/export.csv", "/m/policing/eis/evaluation/"):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"], url


def test_flag_list_offers_the_run_only_to_those_who_may_start_it(agency_a: Any, persona: Any) -> None:
    assert "Run the scoring" in verified_client(persona(Role.COMMAND)).get("/m/policing/eis/").content.decode()
    assert "Run the scoring" not in verified_client(persona(Role.OVERSIGHT)).get("/m/policing/eis/").content.decode()


def test_dashboard_tile_shows_open_reviews_by_stage(agency_a: Any, squad: dict[str, Any], persona: Any) -> None:
    from django.template.loader import render_to_string

    flag = _flag(agency_a)
    actions.eiflag_assign(actor=SYSTEM, flag=flag, supervisor=squad["sergeant"])
    command = persona(Role.COMMAND)
    tile = selectors.dashboard_eis(user=command)
    assert dict((code, n) for code, _, n in tile.by_stage)["review"] == 1
    html = render_to_string("policing/tiles/eis.html", {"eis": tile})
    assert "Supervisor reviewing" in html and "<caption>" in html
    hidden = render_to_string("policing/tiles/eis.html", {"eis": selectors.dashboard_eis(user=persona(Role.ANALYST))})
    assert "not cleared" in hidden and "Supervisor reviewing" not in hidden


def test_cached_evaluation_follows_a_write(agency_a: Any, squad: dict[str, Any], persona: Any) -> None:
    command = persona(Role.COMMAND)
    today = dt.date(2026, 11, 1)
    before = selectors.ei_evaluation(user=command, agency=agency_a, as_of=AS_OF, today=today)
    assert before.stored_flags == 0
    assert selectors.ei_evaluation(user=command, agency=agency_a, as_of=AS_OF, today=today) is not None
    created = actions.ei_run(actor=command, agency=agency_a, as_of=AS_OF)
    after = selectors.ei_evaluation(user=command, agency=agency_a, as_of=AS_OF, today=today)
    assert after.stored_flags == len(created) > 0
