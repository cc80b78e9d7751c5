"""Record views are audited (issue 8, item 13): every view in CJI mode, a labelled record's view always —
on the incident page and through the API alike, and the auditor can find the view in the log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from safecity.core.models import Agency, AuditEvent, User
from safecity.core.roles import Sensitivity
from safecity.incidents.tests.factories import make_incident

pytestmark = pytest.mark.django_db
API = "/api/v1/incidents/"


def _views_of(obj_pk: int) -> int:
    return AuditEvent.objects.filter(action="record.read", object_id=str(obj_pk)).count()


@pytest.mark.parametrize("cji_mode", [True, False])
def test_opening_an_incident(cji_mode: bool, settings: object, agency_a: Agency, ann_analyst: User,
                             otto_oversight: User, signed_in: Callable[[User], Client]) -> None:
    settings.CJI_MODE = cji_mode  # type: ignore[attr-defined]
    plain = make_incident(agency_a, dt.date(2026, 5, 1), [("13A", [])])
    assert plain.sensitivity == 0
    client = signed_in(ann_analyst)
    assert client.get(reverse("incidents:detail", args=[plain.public_id])).status_code == 200
    assert client.get(f"{API}{plain.public_id}").status_code == 200
    assert _views_of(plain.pk) == (2 if cji_mode else 0)
    if cji_mode:
        event = AuditEvent.objects.filter(action="record.read", object_id=str(plain.pk)).first()
        assert event is not None and event.actor_id == ann_analyst.pk and event.agency_ori == agency_a.ori
        assert event.object_type == "incidents.incident"
        rows = signed_in(otto_oversight).get("/audit/", {"action": "record.read"}).content.decode()
        assert "Record viewed" in rows and f"{plain}" in rows


def test_a_labelled_incident_is_audited_outside_cji_mode_too(settings: object, agency_a: Agency,
                                                             ann_analyst: User,
                                                             signed_in: Callable[[User], Client]) -> None:
    settings.CJI_MODE = False  # type: ignore[attr-defined]
    labelled = make_incident(agency_a, dt.date(2026, 5, 1), [("13A", [])],
                             sensitivity=int(Sensitivity.VICTIM_IDENTIFYING))
    client = signed_in(ann_analyst)
    assert client.get(reverse("incidents:detail", args=[labelled.public_id])).status_code == 200
    assert _views_of(labelled.pk) == 1
