from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction
from django.db.utils import DatabaseError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safecity.cli import main
from safecity.core import audit
from safecity.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _append(n: int) -> list[AuditEvent]:
    return [audit.record(action="test.event", actor="system", extra={"i": i}) for i in range(n)]


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
                audit.record(action="test.concurrent", actor="system", extra={"w": w, "i": i})
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
