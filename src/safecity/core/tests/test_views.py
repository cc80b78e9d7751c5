"""Administration, account and audit pages: happy paths and bad input (field named, nothing lost)."""

from __future__ import annotations

import pytest

from safecity.core.models import ApiToken, AuditEvent, User
from safecity.core.roles import Role

pytestmark = pytest.mark.django_db


def test_admin_creates_user_and_grants_role(agency_a, alice_admin, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(alice_admin)
    resp = client.post("/manage/", {
        "form": "user", "new-username": "newbie", "new-email": "n@example.org", "new-home_agency": agency_a.pk,
        "new-role": Role.OFFICER, "new-password": "granite-orchard-lantern-9",
    })
    assert resp.status_code == 302
    newbie = User.objects.get(username="newbie")
    assert newbie.role_assignments.filter(role=Role.OFFICER, agency=agency_a).exists()
    assert AuditEvent.objects.filter(action="user.create", actor_id=alice_admin.pk).exists()
    assert AuditEvent.objects.filter(action="role.grant", actor_id=alice_admin.pk).exists()


def test_admin_form_errors_name_the_field_and_keep_data(agency_a, alice_admin, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(alice_admin)
    before = User.objects.count()
    resp = client.post("/manage/", {
        "form": "user", "new-username": "bad name!", "new-email": "not-an-email", "new-home_agency": agency_a.pk,
        "new-role": "wizard", "new-password": "short",
    })
    body = resp.content.decode()
    assert resp.status_code == 400
    assert "Use 3–150 letters" in body and "valid email" in body and "Select a valid choice" in body
    assert User.objects.count() == before
    # a weak password is reported against the password field
    resp = client.post("/manage/", {
        "form": "user", "new-username": "okname", "new-email": "ok@example.org", "new-home_agency": agency_a.pk,
        "new-role": Role.OFFICER, "new-password": "password",
    })
    assert resp.status_code == 400 and "too short" in resp.content.decode()
    assert not User.objects.filter(username="okname").exists()


def test_admin_cannot_pick_another_agency(agency_a, agency_b, alice_admin, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(alice_admin)
    resp = client.post("/manage/", {
        "form": "user", "new-username": "sneaky", "new-email": "s@example.org", "new-home_agency": agency_b.pk,
        "new-role": Role.ADMIN, "new-password": "granite-orchard-lantern-9",
    })
    assert resp.status_code == 400 and not User.objects.filter(username="sneaky").exists()


def test_admin_unlocks_via_web(agency_a, alice_admin, olivia_officer, signed_in) -> None:  # type: ignore[no-untyped-def]
    User.objects.filter(pk=olivia_officer.pk).update(locked_at="2026-01-01T00:00:00Z")
    client = signed_in(alice_admin)
    assert "locked" in client.get("/manage/").content.decode()
    client.post(f"/manage/users/{olivia_officer.pk}/", {"op": "unlock"})
    assert not User.objects.get(pk=olivia_officer.pk).is_locked
    assert client.post("/manage/users/999999/", {"op": "unlock"}).status_code == 404


def test_account_page_creates_and_revokes_tokens(olivia_officer, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(olivia_officer)
    resp = client.post("/accounts/", {"name": "etl", "days": "30"})
    assert resp.status_code == 200 and 'id="new-token"' in resp.content.decode()
    token = ApiToken.objects.get(user=olivia_officer)
    bad = client.post("/accounts/", {"name": "", "days": "9999"})
    assert bad.status_code == 400 and "This field is required" in bad.content.decode()
    assert ApiToken.objects.filter(user=olivia_officer).count() == 1
    client.post(f"/accounts/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_audit_page_for_oversight_with_verification(otto_oversight, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(otto_oversight)
    resp = client.get("/audit/?verify=1&outcome=success")
    assert resp.status_code == 200 and "Chain intact" in resp.content.decode()
    assert AuditEvent.objects.filter(action="audit.read", actor_id=otto_oversight.pk).exists()


def test_audit_pages_keep_the_filters(otto_oversight, signed_in) -> None:  # type: ignore[no-untyped-def]
    from safecity.core import audit
    from safecity.core.actors import SYSTEM

    for _ in range(55):
        audit.record(action="test.paging", actor=SYSTEM, agency_ori=otto_oversight.home_agency.ori)
    client = signed_in(otto_oversight)
    first = client.get("/audit/", {"action": "test.paging"}).content.decode()
    assert "Page 1 of 2" in first and 'href="?action=test.paging&amp;page=2"' in first
    second = client.get("/audit/", {"action": "test.paging", "page": 2}).content.decode()
    assert "Page 2 of 2" in second and 'href="?action=test.paging&amp;page=1"' in second
    assert "Page 1 of" not in client.get("/audit/", {"action": "nothing.like.this"}).content.decode()


def test_module_dashboards_and_errors_are_pages_not_tracebacks(alice_admin, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(alice_admin)
    for module in ("policing", "firearms", "intel", "reentry", "grants", "justice"):
        assert client.get(f"/m/{module}/").status_code == 200
    missing = client.get("/m/nonsense/")
    assert missing.status_code == 404 and b"Traceback" not in missing.content
    assert client.get("/incidents/not-a-uuid/").status_code == 404
    assert client.get("/api/v1/nowhere").json()["error"]["code"] == "not_found"
