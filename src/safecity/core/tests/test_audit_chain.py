from __future__ import annotations

import datetime as dt
import json
import secrets
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections, transaction
from django.db.utils import DatabaseError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safecity.core import audit, audit_checkpoints, audit_keys, checks
from safecity.core.actors import SYSTEM
from safecity.core.cli import build_parser, register, run
from safecity.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def main(argv: list[str]) -> int:
    """core's own commands, without the other apps' (core tests import no other app)."""
    return run(build_parser(register), argv)



def _append(n: int) -> list[AuditEvent]:
    return [audit.record(action="test.event", actor=SYSTEM, extra={"i": i}) for i in range(n)]


class _TriggersOff:
    """Tamper like an attacker with raw database access would: bypass the append-only triggers."""

    def __enter__(self) -> None:
        with connection.cursor() as c:
            if connection.vendor == "postgresql":
                c.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")
            else:
                c.execute("DROP TRIGGER IF EXISTS core_auditevent_no_update")
                c.execute("DROP TRIGGER IF EXISTS core_auditevent_no_delete")

    def __exit__(self, *exc: object) -> None:
        with connection.cursor() as c:
            if connection.vendor == "postgresql":
                c.execute("ALTER TABLE core_auditevent ENABLE TRIGGER USER")
            else:
                from safecity.core.migrations import _audit_triggers

                for sql in _audit_triggers.SQLITE_FORWARD:
                    c.execute(sql)


def test_intact_chain_verifies() -> None:
    _append(5)
    result = audit.verify_chain()
    assert result.ok and result.checked == 5


def test_events_are_chained_and_sub_second() -> None:
    a, b = _append(2)
    assert b.prev_hash == a.hash and a.prev_hash == audit.GENESIS
    stored = AuditEvent.objects.get(pk=b.pk)
    assert stored.occurred_at.tzinfo is not None
    assert stored.occurred_at.microsecond == b.occurred_at.microsecond  # hundredths (and finer) survive storage


def test_database_refuses_update_and_delete() -> None:
    (event,) = _append(1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.event"


def test_altered_event_is_named() -> None:
    events = _append(6)
    with _TriggersOff():
        AuditEvent.objects.filter(pk=events[3].pk).update(outcome="denied")
    result = audit.verify_chain()
    assert not result.ok and result.problem is not None
    assert result.problem.seq == events[3].seq and "altered" in result.problem.reason


def test_deleted_event_is_named() -> None:
    events = _append(6)
    with _TriggersOff():
        AuditEvent.objects.filter(pk=events[2].pk).delete()
    result = audit.verify_chain()
    assert result.problem is not None and result.problem.seq == events[2].seq
    assert "missing" in result.problem.reason


def test_reordered_events_are_named() -> None:
    events = _append(6)
    a, b = events[1], events[4]
    with _TriggersOff():
        # swap the positions of two events (keeping their hashes), as an attacker reordering history would
        AuditEvent.objects.filter(pk=a.pk).update(seq=-1)
        AuditEvent.objects.filter(pk=b.pk).update(seq=a.seq)
        AuditEvent.objects.filter(pk=a.pk).update(seq=b.seq)
    result = audit.verify_chain()
    assert result.problem is not None and result.problem.seq == a.seq


def test_cli_verify_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    events = _append(3)
    assert main(["audit", "verify"]) == 0
    assert "3 events verified" in capsys.readouterr().out
    with _TriggersOff():
        AuditEvent.objects.filter(pk=events[1].pk).update(actor_name="mallory")
    assert main(["audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert f"#{events[1].seq}" in err and "altered" in err


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n=st.integers(min_value=2, max_value=8), data=st.data())
def test_any_single_tamper_is_caught_at_its_position(n: int, data: st.DataObject) -> None:
    with _TriggersOff():
        AuditEvent.objects.all().delete()
    events = _append(n)
    victim = data.draw(st.integers(min_value=0, max_value=n - 1))
    field = data.draw(st.sampled_from(["action", "actor_name", "outcome", "object_id", "purpose"]))
    with _TriggersOff():
        AuditEvent.objects.filter(pk=events[victim].pk).update(**{field: "tampered"})
    result = audit.verify_chain()
    assert result.problem is not None and result.problem.seq == events[victim].seq


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent writers (run by .ci/run)")
    writers, per_writer = 6, 25
    errors: list[BaseException] = []
    barrier = threading.Barrier(writers)

    def work(w: int) -> None:
        try:
            barrier.wait()
            for i in range(per_writer):
                audit.record(action="test.concurrent", actor=SYSTEM, extra={"w": w, "i": i})
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert AuditEvent.objects.filter(action="test.concurrent").count() == writers * per_writer
    result = audit.verify_chain()
    assert result.ok, result.problem


# ---- finding 3: a keyed and anchored chain -------------------------------------------------------------


def _rehash_from(events: list[AuditEvent], start: int, **changes: object) -> None:
    """The attack of finding 3: change an event, then recompute every later link with the public unkeyed hash."""
    with _TriggersOff():
        prev_hash = events[start].prev_hash
        for i, original in enumerate(events[start:]):
            event = AuditEvent.objects.get(pk=original.pk)
            for name, value in (changes if i == 0 else {}).items():
                setattr(event, name, value)
            if "key_id" in changes:
                event.key_id = changes["key_id"]
            event.prev_hash = prev_hash
            event.hash = audit.compute_hash({name: getattr(event, name) for name in audit.HASHED_FIELDS})
            AuditEvent.objects.filter(pk=event.pk).update(
                **{name: getattr(event, name) for name in (*changes, "prev_hash", "hash")})
            prev_hash = event.hash


def _checkpoint(path: Path) -> None:
    assert main(["audit", "checkpoint", "--out", str(path)]) == 0


def test_recomputed_unkeyed_hashes_no_longer_verify() -> None:
    events = _append(5)
    _rehash_from(events, 1, outcome="denied")
    result = audit.verify_chain()
    assert not result.ok and result.problem is not None
    assert result.problem.seq == events[1].seq and "altered" in result.problem.reason


def test_rehashed_as_legacy_after_keyed_events_fails() -> None:
    events = _append(5)
    _rehash_from(events, 2, outcome="denied", key_id="")
    result = audit.verify_chain()
    assert result.problem is not None and result.problem.seq == events[2].seq
    assert "legacy" in result.problem.reason


def test_whole_chain_rehashed_as_legacy_is_caught_by_a_checkpoint(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    events = _append(4)
    _checkpoint(tmp_path / "cp.log")
    _rehash_from(events, 0, actor_name="mallory", key_id="")
    capsys.readouterr()
    assert main(["audit", "verify", "--checkpoints", str(tmp_path / "cp.log")]) == 1
    assert "checkpoint line 1" in capsys.readouterr().err


def test_deleting_the_newest_event_fails_against_checkpoints(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    events = _append(4)
    checkpoints = tmp_path / "cp.log"
    _checkpoint(checkpoints)
    with _TriggersOff():
        AuditEvent.objects.filter(pk=events[-1].pk).delete()
    assert audit.verify_chain(checkpoint_file=None).ok  # the chain alone cannot see a truncation
    capsys.readouterr()
    assert main(["audit", "verify", "--checkpoints", str(checkpoints)]) == 1
    err = capsys.readouterr().err
    assert "checkpoint line 1" in err and f"#{events[-1].seq}" in err and "removed" in err
    # a new event at the freed sequence number is a different event, not a repair
    audit.record(action="test.after", actor=SYSTEM)
    assert main(["audit", "verify", "--checkpoints", str(checkpoints)]) == 1
    assert "differs" in capsys.readouterr().err


def test_tasks_daily_writes_a_checkpoint_that_catches_truncation(settings: Any,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    _append(3)
    assert main(["tasks", "daily"]) == 0
    out = capsys.readouterr().out
    lines = settings.AUDIT_CHECKPOINT_FILE.read_text().splitlines()
    assert len(lines) == 1 and settings.AUDIT_CHECKPOINT_FILE.stat().st_mode & 0o777 == 0o600
    head = AuditEvent.objects.order_by("-seq").first()
    assert head is not None and json.loads(lines[0])["seq"] == head.seq and json.loads(lines[0])["head"] == head.hash
    assert f"audit checkpoint: #{head.seq}" in out and "append-only triggers: present" in out
    with _TriggersOff():
        AuditEvent.objects.filter(pk=head.pk).delete()
    assert main(["tasks", "daily"]) == 1  # the default checkpoint file is checked without being named
    assert "BROKEN" in capsys.readouterr().out
    assert main(["audit", "verify"]) == 1
    assert "differs" in capsys.readouterr().err


def test_altered_checkpoint_line_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    checkpoints = tmp_path / "cp.log"
    _append(2)
    _checkpoint(checkpoints)
    _append(2)
    _checkpoint(checkpoints)
    assert main(["audit", "verify", "--checkpoints", str(checkpoints)]) == 0
    first, second = checkpoints.read_text().splitlines()
    forged = json.loads(second)
    forged["seq"] -= 1
    checkpoints.write_text(first + "\n" + json.dumps(forged) + "\n")
    capsys.readouterr()
    assert main(["audit", "verify", "--checkpoints", str(checkpoints)]) == 1
    err = capsys.readouterr().err
    assert "checkpoint line 2" in err and "signature" in err
    checkpoints.write_text(first + "\nnot json\n")
    assert main(["audit", "verify", "--checkpoints", str(checkpoints)]) == 1
    assert "checkpoint line 2" in capsys.readouterr().err


def test_triggers_survive_the_key_migration() -> None:
    # SQLite adds `key_id` by rebuilding the table, which drops its triggers; 0004 must put them back.
    assert audit.missing_triggers() == []


@pytest.mark.django_db(transaction=True)  # `manage check` closes the database connection when it ends
def test_missing_triggers_fail_verify_and_manage_check(capsys: pytest.CaptureFixture[str]) -> None:
    _append(2)
    assert audit.missing_triggers() == []
    assert main(["manage", "check"]) == 0
    assert "safecity.E001" not in capsys.readouterr().err
    with _TriggersOff():
        assert audit.missing_triggers()
        assert main(["audit", "verify"]) == 1
        assert "append-only triggers" in capsys.readouterr().err
        with pytest.raises(SystemExit) as exit_info:
            main(["manage", "check"])
        assert exit_info.value.code == 1
        assert "safecity.E001" in capsys.readouterr().err


def test_key_rotation_is_recorded_and_old_events_still_verify(settings: Any, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    before = _append(2)
    assert main(["audit", "rotate-key"]) == 0
    capsys.readouterr()
    after = _append(2)
    rotation = AuditEvent.objects.get(action=audit.ROTATE_ACTION)
    old_id, new_id = before[0].key_id, after[0].key_id
    assert old_id and new_id and old_id != new_id
    assert rotation.key_id == old_id and rotation.extra["new_key_id"] == new_id
    assert (settings.AUDIT_KEYRING_DIR / f"{new_id}.key").stat().st_mode & 0o777 == 0o600
    assert main(["audit", "verify"]) == 0
    assert "5 events verified" in capsys.readouterr().out

    # an event after the rotation re-signed with the retired key (a leaked old key) is refused
    old_key = audit_keys.keyring()[old_id]
    with _TriggersOff():
        event = AuditEvent.objects.get(pk=after[1].pk)
        event.key_id = old_id
        forged = audit.compute_mac(audit.event_values(event), old_key.secret)
        AuditEvent.objects.filter(pk=event.pk).update(key_id=old_id, hash=forged)
    result = audit.verify_chain()
    assert result.problem is not None and result.problem.seq == after[1].seq and new_id in result.problem.reason


def test_wrong_key_fails(settings: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    events = _append(2)
    other = tmp_path / "other.key"
    other.write_text(secrets.token_hex(32))
    settings.AUDIT_KEY_FILE = str(other)
    settings.AUDIT_KEYRING_DIR = tmp_path / "empty"
    assert main(["audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert f"#{events[0].seq}" in err and events[0].key_id in err and "keyring" in err
    # an operator who swaps the key without rotating cannot continue the chain silently
    with pytest.raises(audit_keys.AuditKeyError, match=events[0].key_id):
        audit.record(action="test.event", actor=SYSTEM)
    assert [m.id for m in checks.audit_guards() if events[0].key_id in m.msg] == ["safecity.E002"]


def test_syslog_sink_sends_a_signed_checkpoint(settings: Any) -> None:
    _append(3)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.settimeout(5)
        settings.AUDIT_CHECKPOINT_SINKS = [f"syslog://127.0.0.1:{sock.getsockname()[1]}"]
        assert main(["audit", "checkpoint"]) == 0
        message = sock.recv(65536).decode()
    assert message.startswith("<") and "safecity-audit-checkpoint" in message
    checkpoint = audit_checkpoints.parse_line(message[message.index("{"):].strip())
    head = AuditEvent.objects.order_by("-seq").first()
    assert head is not None and (checkpoint.seq, checkpoint.head) == (head.seq, head.hash)
    assert audit_checkpoints.signature_ok(checkpoint, audit_keys.keyring())
    assert not settings.AUDIT_CHECKPOINT_FILE.exists()


def test_http_witness_sink_receives_the_checkpoint(settings: Any) -> None:
    received: list[bytes] = []

    class Witness(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            received.append(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Witness)
    server.timeout = 10
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    try:
        _append(1)
        settings.AUDIT_CHECKPOINT_SINKS = ["file", f"http://127.0.0.1:{server.server_port}/witness"]
        assert main(["audit", "checkpoint"]) == 0
    finally:
        thread.join(5)
        server.server_close()
    (body,) = received
    assert json.loads(body) == json.loads(settings.AUDIT_CHECKPOINT_FILE.read_text())


def test_hmac_covers_every_stored_field() -> None:
    (event,) = _append(1)
    stored = {f.attname for f in AuditEvent._meta.concrete_fields} - {"id", "hash"}
    assert stored == set(audit.KEYED_FIELDS)
    key = audit_keys.keyring()[event.key_id]
    values = audit.event_values(AuditEvent.objects.get(pk=event.pk))
    assert audit.compute_mac(values, key.secret) == event.hash
    for name in audit.KEYED_FIELDS:
        changed = dict(values, **{name: "x" if values[name] != "x" else "y"})
        assert audit.compute_mac(changed, key.secret) != event.hash, name


def test_legacy_unkeyed_prefix_verifies_and_is_protected_by_the_first_keyed_event() -> None:
    legacy = []
    prev = audit.GENESIS
    for i in range(3):
        event = AuditEvent(seq=i + 1, occurred_at=timezone.now().astimezone(dt.UTC), actor_name="system",
                           action="legacy.event", extra={"i": i}, prev_hash=prev)
        event.hash = prev = audit.compute_hash({n: getattr(event, n) for n in audit.HASHED_FIELDS})
        event.save(force_insert=True)
        legacy.append(event)
    keyed = _append(2)
    assert keyed[0].prev_hash == legacy[-1].hash and keyed[0].key_id
    result = audit.verify_chain()
    assert result.ok and result.checked == 5 and result.legacy == 3
    _rehash_from(legacy, 1, outcome="denied")
    result = audit.verify_chain()
    assert result.problem is not None and result.problem.seq == keyed[0].seq and "link" in result.problem.reason


def test_generated_key_is_private_and_made_once(settings: Any, tmp_path: Path) -> None:
    settings.AUDIT_KEY_FILE = ""
    settings.AUDIT_KEY_GENERATED_FILE = tmp_path / "var" / "audit_key"
    first = audit_keys.configured_key()
    assert settings.AUDIT_KEY_GENERATED_FILE.stat().st_mode & 0o777 == 0o600
    assert audit_keys.configured_key() == first
    assert len(first.key_id) == 16 and first.key_id not in settings.AUDIT_KEY_GENERATED_FILE.read_text()
    settings.AUDIT_KEY = "a secret from the environment, not from a file"
    assert audit_keys.configured_key().key_id != first.key_id
