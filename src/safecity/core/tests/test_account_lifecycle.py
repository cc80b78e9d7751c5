"""Finding 9: sessions and tokens end with the account's standing; the last administrator cannot lock
everyone out. Finding 10 (part): `next=` after sign-in never answers 500."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from safecity.conftest import PASSWORD, make_persona, verified_client
from safecity.core import actions, tasks
from safecity.core.actors import SYSTEM
from safecity.core.models import ApiToken, AuditEvent, RoleAssignment, User
from safecity.core.roles import Role

pytestmark = pytest.mark.django_db


def _me(secret: str) -> int:
    return int(Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code)


def _lock_out(username: str) -> None:
    for _ in range(5):  # from a documentation address: leave other tests 127.0.0.1's sign-in rate budget
        Client(REMOTE_ADDR="198.51.100.9").post(
            "/accounts/login/", {"username": username, "password": "wrong-password-123", "acknowledge": "on"})


def test_lockout_ends_sessions_and_refuses_tokens_while_locked(olivia_officer: User, alice_admin: User,
                                                               api_token: Any) -> None:
    client = verified_client(olivia_officer)
    secret = api_token(olivia_officer)
    assert client.get("/incidents/").status_code == 200 and _me(secret) == 200
    _lock_out("olivia")
    assert User.objects.get(pk=olivia_officer.pk).is_locked
    resp = client.get("/incidents/")
    assert resp.status_code == 302 and resp["Location"].startswith("/accounts/login/")
    assert _me(secret) == 401
    # refused while locked, not revoked: a lockout anyone can trigger must not destroy integrations
    assert ApiToken.objects.get(user=olivia_officer).revoked_at is None
    actions.user_unlock(actor=alice_admin, user=User.objects.get(pk=olivia_officer.pk))
    assert _me(secret) == 200
    assert client.get("/incidents/").status_code == 302  # the ended session stays ended


def test_deactivation_ends_sessions_and_revokes_tokens(olivia_officer: User, alice_admin: User,
                                                       api_token: Any) -> None:
    client = verified_client(olivia_officer)
    secret = api_token(olivia_officer)
    actions.user_set_active(actor=alice_admin, user=olivia_officer, active=False)
    assert client.get("/incidents/").status_code == 302
    assert ApiToken.objects.get(user=olivia_officer).revoked_at is not None
    actions.user_set_active(actor=alice_admin, user=olivia_officer, active=True)
    assert _me(secret) == 401 and client.get("/incidents/").status_code == 302


def test_losing_the_last_role_ends_sessions_and_revokes_tokens(olivia_officer: User, alice_admin: User,
                                                               agency_a: Any, api_token: Any) -> None:
    actions.role_grant(actor=SYSTEM, user=olivia_officer, agency=agency_a, role=Role.ANALYST)
    secret = api_token(olivia_officer)
    officer, analyst = (RoleAssignment.objects.get(user=olivia_officer, role=r) for r in (Role.OFFICER, Role.ANALYST))
    actions.role_revoke(actor=alice_admin, assignment=officer)
    assert _me(secret) == 200  # one role left: the token stays
    client = verified_client(olivia_officer)
    assert client.get("/").status_code == 200
    actions.role_revoke(actor=alice_admin, assignment=analyst)
    assert _me(secret) == 401 and ApiToken.objects.get(user=olivia_officer).revoked_at is not None
    assert client.get("/").status_code == 302
    event = AuditEvent.objects.filter(action="role.revoke").latest("seq")
    assert event.extra["tokens_revoked"] == 1


def test_role_expiry_in_the_daily_task_revokes_tokens(olivia_officer: User, api_token: Any) -> None:
    secret = api_token(olivia_officer)
    RoleAssignment.objects.filter(user=olivia_officer).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert tasks.remove_expired_roles() == 1
    assert _me(secret) == 401 and ApiToken.objects.get(user=olivia_officer).revoked_at is not None


def test_ending_sessions_is_one_update_and_leaves_others_alone(
        olivia_officer: User, ann_analyst: User, monkeypatch: pytest.MonkeyPatch,
        django_assert_max_num_queries: Any) -> None:
    mine, theirs = verified_client(olivia_officer), verified_client(ann_analyst)
    for _ in range(30):
        verified_client(ann_analyst)  # sessions that must be neither read nor touched

    def no_decoding(self: Session) -> None:
        raise AssertionError("ending one user's sessions decoded every session in the table")

    monkeypatch.setattr(Session, "get_decoded", no_decoding)
    before = Session.objects.count()
    with django_assert_max_num_queries(2):
        actions._end_sessions(olivia_officer)
    monkeypatch.undo()
    assert Session.objects.count() == before
    assert mine.get("/incidents/").status_code == 302
    assert theirs.get("/incidents/").status_code == 200


def test_last_admin_cannot_deactivate_themselves(alice_admin: User, agency_a: Any) -> None:
    client = verified_client(alice_admin)
    resp = client.post(f"/manage/users/{alice_admin.pk}/", {"op": "deactivate"}, follow=True)
    page = resp.content.decode()
    assert resp.status_code == 200
    assert "last active administrator of Alpha Police Department" in page and "alice deactivated" not in page
    assert User.objects.get(pk=alice_admin.pk).is_active
    assert client.get("/manage/").status_code == 200  # still signed in: nothing changed
    assert AuditEvent.objects.filter(action="user.deactivate", outcome="denied").exists()


def test_last_admin_cannot_remove_their_own_admin_role(alice_admin: User, agency_a: Any) -> None:
    client = verified_client(alice_admin)
    role = RoleAssignment.objects.get(user=alice_admin, role=Role.ADMIN)
    resp = client.post(f"/manage/users/{alice_admin.pk}/", {"op": "revoke", "assignment": role.pk}, follow=True)
    assert resp.status_code == 200 and "last active administrator" in resp.content.decode()
    assert RoleAssignment.objects.filter(pk=role.pk).exists()


def test_an_admin_with_a_colleague_may_step_down(alice_admin: User, agency_a: Any) -> None:
    make_persona("adam", agency_a, Role.ADMIN)
    client = verified_client(alice_admin)
    role = RoleAssignment.objects.get(user=alice_admin, role=Role.ADMIN)
    resp = client.post(f"/manage/users/{alice_admin.pk}/", {"op": "revoke", "assignment": role.pk})
    assert resp.status_code == 302 and not RoleAssignment.objects.filter(pk=role.pk).exists()
    assert client.get("/manage/").status_code == 302  # a role change ends the session (IA-11)


@pytest.mark.parametrize("target", ["abc", "//evil.example", "/\\evil.example", "https://evil.example/",
                                    "javascript:alert(1)", "/\t/evil.example"])
def test_sign_in_next_accepts_only_same_site_paths(agency_a: Any, settings: Any, target: str) -> None:
    settings.CJI_MODE = False  # go straight to `next` (in CJI mode staff first pass the second step)
    make_persona("pat", agency_a, Role.ANALYST)
    client = Client(REMOTE_ADDR="198.51.100.10")
    resp = client.post(f"/accounts/login/?next={quote(target, safe='')}",
                       {"username": "pat", "password": PASSWORD, "acknowledge": "on"})
    assert resp.status_code == 302 and resp["Location"] == "/"
    # signed in already: the login page sends the user on, through the same rule
    again = client.get("/accounts/login/", {"next": target})
    assert again.status_code == 302 and again["Location"] == "/"


def test_sign_in_next_keeps_a_same_site_path(agency_a: Any, settings: Any) -> None:
    settings.CJI_MODE = False
    make_persona("pat", agency_a, Role.ANALYST)
    resp = Client(REMOTE_ADDR="198.51.100.11").post("/accounts/login/?next=/incidents/stats/",
                         {"username": "pat", "password": PASSWORD, "acknowledge": "on"})
    assert resp.status_code == 302 and resp["Location"] == "/incidents/stats/"
