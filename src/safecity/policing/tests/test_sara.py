"""SARA projects: the published WDD example reached through a project, counts from incidents, the workflow."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from safecity.core.actors import SYSTEM
from safecity.core.models import AuditEvent
from safecity.core.permissions import NotPermitted
from safecity.core.roles import Role
from safecity.incidents.tests.factories import make_incident
from safecity.policing import actions, selectors
from safecity.policing.tests.factories_community import make_beats, make_project

pytestmark = pytest.mark.django_db

BEFORE = (dt.date(2023, 1, 1), dt.date(2023, 6, 30))
AFTER = (dt.date(2024, 1, 1), dt.date(2024, 6, 29))  # 181 days, like the before period
PERIODS = {"before_from": BEFORE[0], "before_to": BEFORE[1], "after_from": AFTER[0], "after_to": AFTER[1]}
# Wheeler & Ratcliffe (2018), Crime Science 7:11, worked example: control 308 -> 318, target 207 -> 110,
# displacement control 150 -> 140, displacement (buffer) 178 -> 157. Published: WDD -118, SE sqrt(1568),
# Z -2.98, 95% CI [-196, -40].
PUBLISHED = {"control": (308, 318), "target": (207, 110), "buffer_control": (150, 140), "buffer": (178, 157)}


def _check_published(result: Any) -> None:
    assert result.wdd.estimate == pytest.approx(-118)
    assert result.wdd.se == pytest.approx(math.sqrt(1568))
    assert round(result.wdd.z, 2) == -2.98
    assert (round(result.wdd.ci_low), round(result.wdd.ci_high)) == (-196, -40)
    assert result.confidence == 95
    # Bowers & Johnson (2003) quotient on the same counts, worked by hand: (157/318 - 178/308) /
    # (110/318 - 207/308) = -0.08421 / -0.32617 = 0.258 (a diffusion of benefits into the buffer).
    assert result.wdq is not None and round(result.wdq.wdq, 3) == 0.258


def test_the_published_example_typed_in_gives_the_published_wdd(agency_a: Any, alice_admin: Any) -> None:
    beats = make_beats(agency_a)
    project = make_project(agency_a, beats["101"])
    counts = {f"{area}_{period}": PUBLISHED[area][i] for area in PUBLISHED for i, period in
              enumerate(("before", "after"))}
    actions.project_set_assessment(actor=alice_admin, project=project, count_source="manual", alpha=0.05,
                                   **PERIODS, **counts)
    result = selectors.project_assessment(user=alice_admin, project=project)
    assert result.source == "manual" and result.time_weights == (1.0, 1.0)
    assert [(a.key, a.before, a.after) for a in result.areas] == [
        ("target", 207, 110), ("buffer", 178, 157), ("control", 308, 318), ("buffer_control", 150, 140)]
    _check_published(result)


def test_the_published_example_counted_from_incidents_gives_the_published_wdd(agency_a: Any,
                                                                              alice_admin: Any) -> None:
    beats = make_beats(agency_a)
    roles = {"target": "101", "buffer": "102", "control": "103", "buffer_control": "104"}
    for area, (before, after) in PUBLISHED.items():
        for period, count in ((BEFORE, before), (AFTER, after)):
            for i in range(count):
                day = period[0] + dt.timedelta(days=i % 181)
                make_incident(agency_a, day, [("120", [])], beat=beats[roles[area]])
    # Noise the design must leave out: another offense in the target, and a day after the after period.
    make_incident(agency_a, AFTER[0], [("23H", [])], beat=beats["101"])
    make_incident(agency_a, AFTER[1] + dt.timedelta(days=1), [("120", [])], beat=beats["101"])
    project = make_project(agency_a, beats["101"])
    actions.project_set_assessment(
        actor=alice_admin, project=project, **PERIODS, target_beats=["101"], buffer_beats=["102"],
        control_beats=["103"], buffer_control_beats=["104"], offense_codes=["120"], alpha=0.05)
    result = selectors.project_assessment(user=alice_admin, project=project)
    assert result.source == "incidents" and not result.problems
    assert {a.key: (a.before, a.after) for a in result.areas} == PUBLISHED
    _check_published(result)
    hrefs = [link.url for link in result.links]
    assert any(h.startswith("/incidents/stats/?") and "area=beat%3A101" in h and "as_of=2024-06-29" in h
               for h in hrefs)
    assert any(h.startswith("/incidents/?") and "offense=120" in h and "date_from=2023-01-01" in h for h in hrefs)


def test_counts_from_incidents_follow_the_readers_visibility(agency_a: Any, agency_b: Any, persona: Any) -> None:
    beats = make_beats(agency_a)
    for day in (BEFORE[0], BEFORE[0], AFTER[0]):
        make_incident(agency_a, day, [("120", [])], beat=beats["101"])
    make_incident(agency_a, AFTER[0], [("120", [])], beat=beats["103"])
    make_incident(agency_a, BEFORE[0], [("120", [])], beat=beats["103"])
    project = make_project(agency_a, beats["101"])
    actions.project_set_assessment(actor=SYSTEM, project=project, **PERIODS, target_beats=["101"],
                                   control_beats=["103"])
    analyst = persona(Role.ANALYST)
    result = selectors.project_assessment(user=analyst, project=project)
    assert [(a.before, a.after) for a in result.areas[::2]] == [(2, 1), (1, 1)]
    # Hand-worked: target 2 -> 1, control 1 -> 1: WDD = (1 - 2) - (1 - 1) = -1, SE = sqrt(1 + 2 + 1 + 1).
    assert result.wdd is not None and result.wdd.estimate == pytest.approx(-1)
    assert result.wdd.se == pytest.approx(math.sqrt(5))
    # Another agency's analyst cannot read the project at all.
    other = persona(Role.ANALYST, agency=agency_b, username="analyst_b")
    with pytest.raises(type(project).DoesNotExist):
        selectors.project_get(user=other, public_id=project.public_id)


def test_unequal_periods_are_weighted_by_their_length(agency_a: Any) -> None:
    project = make_project(agency_a, make_beats(agency_a)["101"])
    actions.project_set_assessment(
        actor=SYSTEM, project=project, count_source="manual", alpha=0.05,
        before_from=dt.date(2022, 1, 1), before_to=dt.date(2022, 12, 31),  # 365 days
        after_from=dt.date(2023, 7, 2), after_to=dt.date(2023, 12, 31),  # 183 days
        target_before=100, target_after=20, control_before=80, control_after=50)
    result = selectors.project_assessment(user=SYSTEM, project=project)
    w = 365 / 183
    assert result.time_weights == pytest.approx((w, 1.0))
    assert result.wdd is not None and result.wdd.estimate == pytest.approx((20 - 100 / w) - (50 - 80 / w))


def test_bad_assessment_input_names_each_field(agency_a: Any, agency_b: Any) -> None:
    project = make_project(agency_a, make_beats(agency_a)["101"])
    make_beats(agency_b, ("901",))
    with pytest.raises(ValidationError) as err:
        actions.project_set_assessment(
            actor=SYSTEM, project=project, before_from=dt.date(2023, 6, 1), before_to=dt.date(2023, 1, 1),
            after_from=dt.date(2024, 1, 1), after_to=dt.date(2099, 1, 1), target_beats=["101", "901"],
            control_beats=["101"], offense_codes=["ZZZ"], alpha=2)
    assert set(err.value.message_dict) == {"before_to", "after_to", "target_beats", "control_beats",
                                           "offense_codes", "alpha"}
    assert "Unknown beat 901" in err.value.message_dict["target_beats"][0]
    with pytest.raises(ValidationError) as manual:
        actions.project_set_assessment(actor=SYSTEM, project=project, count_source="manual", **PERIODS,
                                       target_before=3, control_before=4, control_after=5, buffer_before=1)
    assert set(manual.value.message_dict) == {"target_after", "buffer_after"}
    project.refresh_from_db()
    assert project.after_to is None  # nothing half-saved


def test_workflow_moves_one_step_at_a_time_and_is_audited(agency_a: Any, persona: Any) -> None:
    project = make_project(agency_a, make_beats(agency_a)["101"])
    command = persona(Role.COMMAND)
    with pytest.raises(ValidationError) as skip:
        actions.project_advance(actor=command, project=project, to="response")
    assert "can move only to Analysis" in skip.value.message_dict["to"][0]
    for step in ("analysis", "response", "assessment"):
        actions.project_advance(actor=command, project=project, to=step)
    with pytest.raises(ValidationError) as early:
        actions.project_advance(actor=command, project=project, to="closed")
    assert "Set the assessment" in early.value.message_dict["to"][0]
    actions.project_set_assessment(actor=command, project=project, **PERIODS, target_beats=["101"],
                                   control_beats=["102"])
    actions.project_advance(actor=command, project=project, to="closed", on=dt.date(2024, 8, 1))
    project.refresh_from_db()
    assert (project.status, project.closed) == ("closed", dt.date(2024, 8, 1))
    assert AuditEvent.objects.filter(action="sara.advance", outcome="success").count() == 4
    with pytest.raises(ValidationError):
        actions.project_advance(actor=command, project=project, to="scanning")


def test_roles_that_may_not_change_are_refused_and_the_refusal_audited(agency_a: Any, persona: Any) -> None:
    project = make_project(agency_a, make_beats(agency_a)["101"])
    for role in (Role.ANALYST, Role.OVERSIGHT):
        user = persona(role)
        with pytest.raises(NotPermitted):
            actions.project_advance(actor=user, project=project, to="analysis")
        with pytest.raises(NotPermitted):
            actions.project_create(actor=user, agency=agency_a, title="x", problem_statement="y")
    assert AuditEvent.objects.filter(action="sara.advance", outcome="denied").count() == 2


def test_counts_are_fresh_after_a_new_incident_and_respect_labels(agency_a: Any, persona: Any) -> None:
    from safecity.core.roles import Sensitivity

    beats = make_beats(agency_a)
    make_incident(agency_a, AFTER[0], [("120", [])], beat=beats["101"])
    project = make_project(agency_a, beats["101"])
    actions.project_set_assessment(actor=SYSTEM, project=project, **PERIODS, target_beats=["101"],
                                   control_beats=["103"])
    analyst = persona(Role.ANALYST)
    assert selectors.project_assessment(user=analyst, project=project).areas[0].after == 1
    make_incident(agency_a, AFTER[0], [("120", [])], beat=beats["101"])  # a write: the cached count must go
    assert selectors.project_assessment(user=analyst, project=project).areas[0].after == 2
    # A personnel-labelled incident is outside an analyst's clearance: it is not counted for them.
    make_incident(agency_a, AFTER[0], [("120", [])], beat=beats["101"], sensitivity=int(Sensitivity.PERSONNEL))
    assert selectors.project_assessment(user=analyst, project=project).areas[0].after == 2
    assert selectors.project_assessment(user=persona(Role.ADMIN), project=project).areas[0].after == 3
