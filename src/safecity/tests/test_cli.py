from __future__ import annotations

import pytest

from safecity.cli import main
from safecity.core.models import Agency, AuditEvent, Beat, District, User
from safecity.core.roles import Role
from safecity.demo.build import PERSONAS, POLICE_ORI, build_demo

pytestmark = pytest.mark.django_db


def test_demo_city_is_built_reproducibly_and_idempotently() -> None:
    build_demo(seed=11, incidents=False)
    police = Agency.objects.get(ori=POLICE_ORI)
    assert District.objects.filter(agency=police).count() == 5
    assert Beat.objects.filter(agency=police).count() == 30
    assert 590_000 <= (police.population(2026) or 0) <= 620_000
    assert {a.agency_type for a in Agency.objects.all()} >= {"police", "sheriff", "fire", "health", "reentry"}
    shapes = list(Beat.objects.filter(agency=police).order_by("code").values_list("geometry", flat=True))
    for username, role, ori, _ in PERSONAS:
        user = User.objects.get(username=username)
        assert user.role_assignments.filter(role=role, agency__ori=ori).exists()
    # beats tile their district: every beat's population sums to the district's
    for district in District.objects.filter(agency=police):
        assert sum(b.population or 0 for b in district.beats.all()) == district.population
    build_demo(seed=11, incidents=False)  # a second run changes nothing structural
    assert Beat.objects.filter(agency=police).count() == 30
    assert list(Beat.objects.filter(agency=police).order_by("code").values_list("geometry", flat=True)) == shapes
    assert User.objects.filter(username="officer").count() == 1
    assert set(AuditEvent.objects.filter(action="agency.create").values_list("actor_name", flat=True)) == {
        "system:demo"}


def test_demo_beats_cover_their_points() -> None:
    from safecity.core.geo import locate

    build_demo(seed=3, incidents=False)
    police = Agency.objects.get(ori=POLICE_ORI)
    beat = Beat.objects.filter(agency=police).first()
    assert beat is not None
    c = beat.shape().representative_point()
    district, found = locate(police, c.x, c.y)
    assert found == beat and district == beat.district


def test_cli_reports_bad_arguments_without_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["audit", "nonsense"])
    assert exit_info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
    assert main(["users", "unlock", "ghost"]) == 2
    err = capsys.readouterr().err
    assert "username" in err and "ghost" in err and "Traceback" not in err
    assert main(["passwords", "update", "/no/such/file.txt"]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_cli_unlock_is_audited(agency_a) -> None:  # type: ignore[no-untyped-def]
    from safecity.conftest import make_persona

    make_persona("locked", agency_a, Role.OFFICER)
    User.objects.filter(username="locked").update(locked_at="2026-01-01T00:00:00Z")
    assert main(["users", "unlock", "locked"]) == 0
    assert not User.objects.get(username="locked").is_locked
    event = AuditEvent.objects.filter(action="user.unlock").last()
    assert event is not None and event.actor_name == "system:cli"  # the named system actor


def test_daily_task_disables_inactive_accounts_and_expired_roles(agency_a, capsys) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from django.utils import timezone

    from safecity.conftest import make_persona
    from safecity.core.models import RoleAssignment

    stale = make_persona("stale", agency_a, Role.OFFICER)
    fresh = make_persona("fresh", agency_a, Role.ANALYST)
    long_ago = timezone.now() - dt.timedelta(days=91)
    User.objects.filter(pk=stale.pk).update(last_login=long_ago, date_joined=long_ago)
    User.objects.filter(pk=fresh.pk).update(last_login=timezone.now() - dt.timedelta(days=89))
    RoleAssignment.objects.filter(user=fresh).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert main(["tasks", "daily"]) == 0
    out = capsys.readouterr().out
    assert "disabled after 90 days without sign-in: 1 (stale)" in out and "expired role assignments removed: 1" in out
    head = AuditEvent.objects.order_by("-seq").first()
    assert head is not None and f"audit chain head: #{head.seq} {head.hash}" in out
    assert not User.objects.get(pk=stale.pk).is_active and User.objects.get(pk=fresh.pk).is_active
    assert not RoleAssignment.objects.filter(user=fresh).exists()
    assert AuditEvent.objects.filter(action="user.deactivate", actor_name="system:tasks").exists()
