"""Cross-agency isolation and sensitivity labels, through selectors, UI, API and guessed ids."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safecity.conftest import make_persona, verified_client
from safecity.core import actions
from safecity.core.actors import SYSTEM
from safecity.core.models import Agency, AuditEvent
from safecity.core.permissions import NotPermitted
from safecity.core.roles import ROLE_CLEARANCES, Role, Sensitivity, role_allows
from safecity.incidents import selectors
from safecity.incidents.actions import OffenseIn, incident_create, incident_update
from safecity.incidents.models import Incident

pytestmark = pytest.mark.django_db
WHEN = timezone.now() - dt.timedelta(days=2)


def _incident(agency: Agency, number: str, sensitivity: Sensitivity = Sensitivity.NONE) -> Incident:
    return incident_create(actor=SYSTEM, agency=agency, incident_number=number, occurred_from=WHEN,
                           offenses=[OffenseIn(code="120", weapon_codes=["12"])], sensitivity=sensitivity)


def test_officer_sees_only_own_agency(agency_a, agency_b, olivia_officer, bob_officer_b) -> None:
    mine = _incident(agency_a, "A-1")
    theirs = _incident(agency_b, "B-1")
    assert list(selectors.incident_list(user=olivia_officer)) == [mine]
    assert list(selectors.incident_list(user=bob_officer_b)) == [theirs]
    with pytest.raises(Incident.DoesNotExist):
        selectors.incident_get(user=olivia_officer, public_id=theirs.public_id)


def test_guessed_ids_in_ui_and_api_are_404(agency_a, agency_b, olivia_officer, api_token) -> None:
    theirs = _incident(agency_b, "B-1")
    mine = _incident(agency_a, "A-1")
    client = verified_client(olivia_officer)
    assert client.get(f"/incidents/{mine.public_id}/").status_code == 200
    page = client.get(f"/incidents/{theirs.public_id}/")
    assert page.status_code == 404 and b"B-1" not in page.content
    listing = client.get("/incidents/")
    assert b"A-1" in listing.content and b"B-1" not in listing.content
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token(olivia_officer)}"}
    api = Client()
    assert api.get(f"/api/v1/incidents/{mine.public_id}", **auth).status_code == 200
    guessed = api.get(f"/api/v1/incidents/{theirs.public_id}", **auth)
    assert guessed.status_code == 404 and guessed.json()["error"]["code"] == "not_found"
    assert api.get(f"/api/v1/incidents/{uuid.uuid4()}", **auth).status_code == 404
    assert api.get("/api/v1/incidents/not-a-uuid", **auth).status_code in (404, 422)
    items = api.get("/api/v1/incidents/?limit=100", **auth).json()["items"]
    assert [i["incident_number"] for i in items] == ["A-1"]
    # filtering by the other agency's ORI does not widen access: it is refused, naming the parameter
    refused = api.get(f"/api/v1/incidents/?agency={agency_b.ori}", **auth)
    assert refused.status_code == 422 and refused.json()["error"]["fields"][0]["field"] == "agency"


def test_sensitivity_labels_narrow_access(agency_a, olivia_officer, ann_analyst, persona) -> None:
    juvenile = _incident(agency_a, "J-1", Sensitivity.JUVENILE)
    intel = _incident(agency_a, "I-1", Sensitivity.CRIMINAL_INTELLIGENCE)
    sealed = _incident(agency_a, "S-1", Sensitivity.SEALED | Sensitivity.VICTIM_IDENTIFYING)
    plain = _incident(agency_a, "P-1")
    # officers are cleared for juvenile records; analysts are not
    assert set(selectors.incident_list(user=olivia_officer)) == {juvenile, plain}
    assert set(selectors.incident_list(user=ann_analyst)) == {plain}
    intel_analyst = persona(Role.INTEL)
    assert set(selectors.incident_list(user=intel_analyst)) == {intel, plain}
    assert sealed not in selectors.incident_list(user=make_persona("root", agency_a, Role.ADMIN))


def test_sensitive_read_is_audited(agency_a, olivia_officer) -> None:
    juvenile = _incident(agency_a, "J-1", Sensitivity.JUVENILE)
    client = verified_client(olivia_officer)
    assert client.get(f"/incidents/{juvenile.public_id}/").status_code == 200
    event = AuditEvent.objects.filter(action="record.read").last()
    assert event is not None and event.actor_id == olivia_officer.pk and event.object_id == str(juvenile.pk)
    assert event.extra["labels"] == ["juvenile"]


def test_write_denied_across_agencies_is_audited_and_changes_nothing(agency_b, olivia_officer) -> None:
    theirs = _incident(agency_b, "B-1")
    with pytest.raises(NotPermitted):
        incident_update(actor=olivia_officer, incident=theirs, block_address="100 FAKE ST")
    theirs.refresh_from_db()
    assert theirs.block_address == ""
    denial = AuditEvent.objects.filter(action="incident.update").last()
    assert denial is not None and denial.outcome == "denied" and denial.actor_id == olivia_officer.pk


def test_change_history_has_before_and_after(agency_a, olivia_officer) -> None:
    mine = _incident(agency_a, "A-1")
    incident_update(actor=olivia_officer, incident=mine, block_address="1200 N MAIN ST")
    client = verified_client(olivia_officer)
    page = client.get(f"/incidents/{mine.public_id}/").content.decode()
    assert "block_address" in page and "1200 N MAIN ST" in page and "olivia" in page


def test_module_pages_follow_roles(agency_a, olivia_officer) -> None:
    client = verified_client(olivia_officer)
    assert client.get("/incidents/").status_code == 200
    for path in ("/m/intel/", "/m/reentry/", "/manage/", "/audit/"):
        assert client.get(path).status_code == 403, path
    assert AuditEvent.objects.filter(action="permission.denied", actor_id=olivia_officer.pk).count() == 4


def test_admin_of_one_agency_cannot_manage_another(agency_a, agency_b, alice_admin, bob_officer_b) -> None:
    with pytest.raises(NotPermitted):
        actions.role_grant(actor=alice_admin, user=bob_officer_b, agency=agency_b, role=Role.ADMIN)
    with pytest.raises(NotPermitted):
        actions.user_unlock(actor=alice_admin, user=bob_officer_b)


ROLES = [r.value for r in Role]
LABELS = [int(s) for s in Sensitivity if s]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(
    grants=st.lists(st.tuples(st.sampled_from([0, 1]), st.sampled_from(ROLES)), max_size=3, unique=True),
    records=st.lists(st.tuples(st.sampled_from([0, 1]), st.sets(st.sampled_from(LABELS), max_size=2)),
                     min_size=1, max_size=6),
)
def test_restrict_matches_the_written_rule(agency_a, agency_b, grants, records) -> None:
    """Property: restrict() returns exactly the records the role/label rule in roles.py allows."""
    Incident.objects.all().delete()
    agencies = [agency_a, agency_b]
    user = make_persona(f"u{uuid.uuid4().hex[:10]}", agency_a)
    for a, role in grants:
        actions.role_grant(actor=SYSTEM, user=user, agency=agencies[a], role=role)
    user = type(user).objects.get(pk=user.pk)
    made = []
    for i, (a, labels) in enumerate(records):
        mask = Sensitivity(sum(labels))
        made.append((_incident(agencies[a], f"N-{i}", mask), a, mask))
    visible = set(selectors.incident_list(user=user))
    for incident, a, mask in made:
        roles_here = [r for ag, r in grants if ag == a and role_allows(r, "incidents", "view")]
        cleared = Sensitivity.NONE
        for r in roles_here:
            cleared |= ROLE_CLEARANCES[r]
        expected = bool(roles_here) and (mask & ~cleared) == 0
        assert (incident in visible) == expected, (grants, a, mask)
