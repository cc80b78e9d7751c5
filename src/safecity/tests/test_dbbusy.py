"""Finding 10 (part): a database lock held beyond the timeout answers 503 + Retry-After, never 500, and a
write that has not started yet is retried."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError, connection
from django.test import RequestFactory

from safecity.core import dbbusy
from safecity.core.audit import _PG_LOCK_KEY
from safecity.core.errors import server_error
from safecity.core.models import User
from safecity.core.tests import workers
from safecity.incidents.tests.factories import geography

SIGN_IN = {"method": "post", "path": "/accounts/login/",
           "data": {"username": "olivia", "password": "not-the-password-1", "acknowledge": "on"}}
REQUESTS = {
    "sign-in": SIGN_IN,
    "export": {"method": "get", "path": "/incidents/stats/compstat.csv", "data": {"as_of": "2026-06-17"}},
    "api": {"method": "get", "path": "/api/v1/me"},
}


def _sqlite_only() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's single write lock; test_postgres_lock_timeout_answers_503 covers PostgreSQL")


def _hold_write_lock(path: str) -> sqlite3.Connection:
    holder = sqlite3.connect(path, isolation_level=None, timeout=30, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # the one write lock of the database, as a long import would hold it
    return holder


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("what", ["sign-in", "export", "api"])
def test_write_lock_beyond_busy_timeout_answers_503(what: str, olivia_officer: User, tmp_path: Path) -> None:
    _sqlite_only()
    geography(olivia_officer.home_agency)
    env = workers.database_env(tmp_path)
    env.update(SAFECITY_SQLITE_BUSY_TIMEOUT="0.2", SAFECITY_DB_BUSY_RETRIES="1")
    proc = workers.start_worker(env, "w", tmp_path, ["go"], [REQUESTS[what]],
                                login_as="" if what == "sign-in" else "olivia")
    workers.wait_for_file(tmp_path / "ready-w")
    holder = _hold_write_lock(env["SAFECITY_SQLITE_PATH"])
    try:
        (tmp_path / "go").touch()
        [(status, retry_after, body)] = workers.result(proc)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert (status, retry_after) == (503, str(dbbusy.RETRY_AFTER_SECONDS)), body
    if what == "api":
        assert '"code": "busy"' in body
    else:
        assert "database is busy" in body


@pytest.mark.django_db(transaction=True)
def test_lock_released_during_retries_lets_sign_in_through(olivia_officer: User, tmp_path: Path) -> None:
    _sqlite_only()
    env = workers.database_env(tmp_path)
    env.update(SAFECITY_SQLITE_BUSY_TIMEOUT="0.2", SAFECITY_DB_BUSY_RETRIES="30")
    proc = workers.start_worker(env, "w", tmp_path, ["go"], [SIGN_IN])
    workers.wait_for_file(tmp_path / "ready-w")
    holder = _hold_write_lock(env["SAFECITY_SQLITE_PATH"])
    release = threading.Timer(1.0, lambda: (holder.execute("ROLLBACK"), holder.close()))
    (tmp_path / "go").touch()
    release.start()
    try:
        [(status, _, body)] = workers.result(proc)
    finally:
        release.join()
    assert status == 400 and "Sign-in failed" in body  # the wrong password, answered after the lock went


@pytest.mark.django_db(transaction=True)
def test_postgres_lock_timeout_answers_503(olivia_officer: User, tmp_path: Path) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL lock_timeout")
    import psycopg

    env = workers.database_env(tmp_path)
    env.update(SAFECITY_PG_LOCK_TIMEOUT="0.2", SAFECITY_DB_BUSY_RETRIES="1")
    proc = workers.start_worker(env, "w", tmp_path, ["go"], [SIGN_IN])
    workers.wait_for_file(tmp_path / "ready-w")
    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as holder:
        # The audit chain's append lock, held as a long audited import would hold it.
        holder.execute("SELECT pg_advisory_lock(%s)", [_PG_LOCK_KEY])
        (tmp_path / "go").touch()
        [(status, retry_after, body)] = workers.result(proc)
    assert (status, retry_after) == (503, str(dbbusy.RETRY_AFTER_SECONDS)), body


def _real_lock_error(tmp_path: Path) -> OperationalError:
    path = str(tmp_path / "locked.sqlite3")
    holder = _hold_write_lock(path)
    try:
        sqlite3.connect(path, timeout=0).execute("CREATE TABLE t (x)")
    except sqlite3.OperationalError as exc:
        error = OperationalError(str(exc))
        error.__cause__ = exc
        return error
    finally:
        holder.close()
    raise AssertionError("the write was not blocked")


def test_lock_errors_are_recognised(tmp_path: Path) -> None:
    assert dbbusy.is_lock_timeout(_real_lock_error(tmp_path))
    assert not dbbusy.is_lock_timeout(OperationalError("no such table: t"))
    assert not dbbusy.is_lock_timeout(ValueError("database is locked"))


@pytest.mark.parametrize(("path", "content_type"), [("/api/v1/me", "application/json"), ("/accounts/", "text/html")])
def test_server_error_handler_turns_lock_timeouts_into_503(path: str, content_type: str, tmp_path: Path,
                                                           db: Any) -> None:
    from safecity.api import on_unexpected

    request = RequestFactory().get(path)
    request.user = __import__("django.contrib.auth.models", fromlist=["AnonymousUser"]).AnonymousUser()
    error = _real_lock_error(tmp_path)
    try:
        raise error
    except OperationalError:
        page = server_error(request)
    assert page.status_code == 503 and page["Retry-After"] == "2"
    assert page["Content-Type"].startswith(content_type)
    if path.startswith("/api/"):
        reply = on_unexpected(request, error)
        assert reply.status_code == 503 and reply["Retry-After"] == "2"
        assert b'"code": "busy"' in reply.content


def test_plain_errors_stay_500(db: Any) -> None:
    request = RequestFactory().get("/api/v1/me")
    try:
        raise OperationalError("no such table: t")
    except OperationalError:
        assert server_error(request).status_code == 500
