"""Shared fixtures: agencies, named personas (one per role) created through actions, signed-in clients."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

from safecity.core import actions  # noqa: E402
from safecity.core.actors import SYSTEM
from safecity.core.models import Agency, User  # noqa: E402
from safecity.core.roles import Role  # noqa: E402

PASSWORD = "lantern-harbor-meadow-77"  # noqa: S105  (test personas only)


@pytest.fixture(autouse=True)
def _no_background_warmup(settings: Any) -> None:
    """No `safecity tasks warm` process from an import or a server start under test: it would open the
    configured database, not the test database (core/warmup.py; tests call `warmup.warm()` directly)."""
    settings.RESULT_WARMUP = False


@pytest.fixture
def agency_a(db: Any) -> Agency:
    return actions.agency_create(actor=SYSTEM, ori="ZZ0000001", name="Alpha Police Department",
                                 agency_type="police", jurisdiction="Alpha", state="ZZ")


@pytest.fixture
def agency_b(db: Any) -> Agency:
    return actions.agency_create(actor=SYSTEM, ori="ZZ0000002", name="Bravo Sheriff's Office",
                                 agency_type="sheriff", jurisdiction="Bravo", state="ZZ")


def make_persona(username: str, agency: Agency, *roles: str, superuser: bool = False) -> User:
    user = actions.user_create(actor=SYSTEM, username=username, email=f"{username}@example.org",
                               password=PASSWORD, home_agency=agency, is_superuser=superuser)
    for role in roles:
        actions.role_grant(actor=SYSTEM, user=user, agency=agency, role=role)
    return User.objects.get(pk=user.pk)


@pytest.fixture
def persona(agency_a: Agency) -> Callable[..., User]:
    """persona("officer") → a user with that role at agency A (named after the role)."""

    def build(role: str, agency: Agency | None = None, username: str | None = None) -> User:
        return make_persona(username or f"{role}_{(agency or agency_a).ori[-1]}", agency or agency_a, role)

    return build


@pytest.fixture
def olivia_officer(agency_a: Agency) -> User:
    return make_persona("olivia", agency_a, Role.OFFICER)


@pytest.fixture
def bob_officer_b(agency_b: Agency) -> User:
    return make_persona("bob", agency_b, Role.OFFICER)


@pytest.fixture
def alice_admin(agency_a: Agency) -> User:
    return make_persona("alice", agency_a, Role.ADMIN)


@pytest.fixture
def ann_analyst(agency_a: Agency) -> User:
    return make_persona("ann", agency_a, Role.ANALYST)


@pytest.fixture
def otto_oversight(agency_a: Agency) -> User:
    return make_persona("otto", agency_a, Role.OVERSIGHT)


@pytest.fixture
def city_hall(db: Any) -> Agency:
    return actions.agency_create(actor=SYSTEM, ori="ZZ0000099", name="City of Alpha", agency_type="city",
                                 jurisdiction="Alpha", state="ZZ")


@pytest.fixture
def maya_mayor(city_hall: Agency, agency_a: Agency, agency_b: Agency) -> User:
    """The mayor / public-safety director: homed at the city, the executive role in the police and the sheriff."""
    user = make_persona("maya", city_hall, Role.EXECUTIVE)
    for agency in (agency_a, agency_b):
        actions.role_grant(actor=SYSTEM, user=user, agency=agency, role=Role.EXECUTIVE)
    return User.objects.get(pk=user.pk)


def verified_client(user: User) -> Client:
    """A client signed in as `user` with two-step sign-in already passed (as the MFA page would leave it)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    user.refresh_from_db(fields=["session_epoch"])  # a stale copy would sign in with an already-ended epoch
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def signed_in() -> Callable[[User], Client]:
    return verified_client


def make_api_token(user: User, name: str = "test", days: int = 30) -> str:
    """A bearer token for `user`, made by the command line's path; the owner gets a confirmed TOTP device
    because CJI mode refuses staff tokens whose owner has none."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
    _, secret = actions.api_token_create(actor=SYSTEM, owner=user, name=name, days=days)
    return secret


@pytest.fixture
def api_token() -> Callable[[User], str]:
    return make_api_token


def set_audit_triggers(enabled: bool) -> None:
    """Tests that flush the database (transactional, live-server) must lift the append-only guard to do so."""
    from django.db import connection

    from safecity.core.migrations import _audit_triggers

    with connection.cursor() as c:
        if connection.vendor == "postgresql":
            c.execute(f"ALTER TABLE core_auditevent {'ENABLE' if enabled else 'DISABLE'} TRIGGER USER")
        elif enabled:
            for sql in _audit_triggers.SQLITE_FORWARD:
                c.execute(sql.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS"))
        else:
            for sql in _audit_triggers.SQLITE_REVERSE:
                c.execute(sql)


@pytest.fixture(autouse=True)
def _audit_guard_for_flushing_tests(request: pytest.FixtureRequest) -> Any:
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
        or (marker is not None and marker.kwargs.get("transaction"))
    )
    if not transactional:
        yield
        return
    request.getfixturevalue("transactional_db")
    set_audit_triggers(True)
    yield
    set_audit_triggers(False)


@pytest.fixture(scope="session")
def _audit_key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import secrets

    path = tmp_path_factory.mktemp("audit-key") / "audit_key"
    path.write_text(secrets.token_hex(32))
    return path


@pytest.fixture(autouse=True)
def _files_outside_var(settings: Any, tmp_path_factory: pytest.TempPathFactory, _audit_key_file: Path) -> None:
    """Tests never touch the installation's audit key, keyring, checkpoint file or import folders in var/
    (each test starts an empty chain, so it gets an empty checkpoint file and keyring; one key serves the
    whole session; import batch folders are named by batch id, which every test database reuses)."""
    run = tmp_path_factory.mktemp("audit")
    settings.IMPORT_DIR = run / "imports"
    settings.IMPORT_STAGING_DIR = run / "imports" / "staging"
    settings.AUDIT_KEY = ""
    settings.AUDIT_KEY_FILE = str(_audit_key_file)
    settings.AUDIT_KEYRING_DIR = run / "keys"
    settings.AUDIT_CHECKPOINT_FILE = run / "checkpoints.log"
    settings.AUDIT_CHECKPOINT_SINKS = ["file"]


@pytest.fixture(autouse=True)
def _rate_limits_per_test(settings: Any) -> Any:
    """Database counters roll back with each test; Redis counters (SAFECITY_REDIS_URL) get a prefix per test."""
    if not settings.REDIS_URL:
        yield
        return
    import uuid

    from safecity.core import ratelimit

    settings.RATE_LIMIT_REDIS_PREFIX = f"safecity-test:{uuid.uuid4().hex}:"
    used = ratelimit.store()  # the test may point settings elsewhere; clean up where it started
    yield
    used.clear()
