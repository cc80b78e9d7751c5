"""The audit log page and its export (issue 8, item 13): honest times, plain words, filters, an audited CSV,
and an agency auditor who sees every event that concerns the agency."""

from __future__ import annotations

import ast
import csv
import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.test import Client

from safecity.conftest import make_persona
from safecity.core import actions, audit, audit_labels
from safecity.core.actors import SYSTEM
from safecity.core.models import Agency, AuditEvent, User
from safecity.core.roles import Role

pytestmark = pytest.mark.django_db
SRC = Path(__file__).resolve().parents[2]


def _fail_sign_ins(username: str, times: int) -> None:
    for _ in range(times):
        actions.login_failed(username=username, source_ip="192.0.2.7", window_seconds=settings.LOCKOUT_WINDOW_SECONDS,
                             limit=settings.LOCKOUT_FAILURES)


def _page(client: Client, **params: str) -> str:
    resp = client.get("/audit/", params)
    assert resp.status_code == 200, resp.content.decode()[:2000]
    return resp.content.decode()


def _rows(client: Client, **params: str) -> str:
    """Only the table body, so words in the filter menus do not count."""
    return _page(client, **params).split("<tbody>")[1].split("</tbody>")[0]


def test_times_are_labelled_honestly_in_utc_and_local_time(otto_oversight: User,
                                                           signed_in: Callable[[User], Client]) -> None:
    # 14:03:12.345678 UTC is 09:03:12 in Chicago (CDT): the old page printed the Chicago time, with
    # microseconds, under "When (UTC)".
    with time_machine.travel(dt.datetime(2026, 6, 17, 14, 3, 12, 345678, tzinfo=dt.UTC), tick=False):
        audit.record(action="agency.update", actor=SYSTEM, agency_ori=otto_oversight.home_agency.ori)
    html = _page(signed_in(otto_oversight), action="agency.update")
    assert '<time datetime="2026-06-17T14:03:12+00:00">2026-06-17 14:03:12 UTC</time>' in html
    assert "2026-06-17 09:03:12 CDT" in html
    assert "Local time (America/Chicago)" in html
    assert "345678" not in html


def test_actions_and_records_are_shown_in_plain_words(olivia_officer: User, otto_oversight: User,
                                                      signed_in: Callable[[User], Client]) -> None:
    actions.login_succeeded(user=olivia_officer, method="password")
    client = signed_in(otto_oversight)
    _page(client)  # writes an "audit.read" of "core.auditevent"
    html = _rows(client)
    assert "Sign-in" in html and "Audit log viewed" in html
    assert "<td data-label=\"Record\">Audit log</td>" in html
    assert "Succeeded" in html


def test_every_action_code_in_the_source_is_registered() -> None:
    """Each literal `action="…"` given to `audited()` or `audit.record()` outside tests has plain words."""
    import django.apps

    assert django.apps.apps.ready  # apps' ready() registered their codes
    found: dict[str, str] = {}
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC)
        if "tests" in rel.parts or "migrations" in rel.parts or rel.name == "conftest.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name not in {"audited", "record"}:
                continue
            for kw in node.keywords:
                if kw.arg == "action" and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                    found[kw.value.value] = str(rel)
                if kw.arg == "action" and isinstance(kw.value, ast.IfExp):
                    for branch in (kw.value.body, kw.value.orelse):
                        if isinstance(branch, ast.Constant):
                            found[str(branch.value)] = str(rel)
    assert len(found) > 20
    missing = {code: where for code, where in found.items() if audit_labels.action_label(code) == code}
    assert missing == {}
    assert audit_labels.action_label(audit.ROTATE_ACTION) != audit.ROTATE_ACTION


def test_registering_other_words_for_a_code_is_refused() -> None:
    audit_labels.register(actions={"auth.login": "Sign-in"})  # the same words again: harmless
    with pytest.raises(ValueError, match="auth.login"):
        audit_labels.register(actions={"auth.login": "Log on"})


def test_agency_auditor_sees_every_event_about_its_users(agency_a: Agency, agency_b: Agency,
                                                         olivia_officer: User, bob_officer_b: User,
                                                         otto_oversight: User,
                                                         signed_in: Callable[[User], Client]) -> None:
    # A city administrator is a platform administrator whose home is another agency, as in the demo.
    city = Agency.objects.create(ori="ZZ0019900", name="City of Testville")
    cityadmin = make_persona("cityadmin", city, Role.ADMIN, superuser=True)
    _fail_sign_ins("olivia", settings.LOCKOUT_FAILURES)
    _fail_sign_ins("bob", 2)
    olivia_officer.refresh_from_db()
    assert olivia_officer.is_locked
    actions.user_unlock(actor=cityadmin, user=olivia_officer)

    client = signed_in(otto_oversight)
    html = _rows(client, actor="olivia")
    assert html.count("Failed") >= settings.LOCKOUT_FAILURES
    assert "Account locked after failed sign-ins" in html
    assert "Account unlocked" in html and ">cityadmin<" in html
    # Another agency's officer is none of agency A's business.
    assert "Failed" not in _rows(client, actor="bob")

    from safecity.core import selectors

    visible = selectors.audit_event_visible(user=otto_oversight)
    assert visible.filter(action="auth.login", outcome="failure", actor_name="olivia").count() == \
        settings.LOCKOUT_FAILURES
    assert visible.filter(action="auth.lockout").count() == 1
    assert visible.filter(action="user.unlock", actor_id=cityadmin.pk).count() == 1
    assert not visible.filter(actor_name="bob").exists()
    # The platform administrator sees everything, bob's failures included.
    assert selectors.audit_event_visible(user=cityadmin).filter(actor_name="bob").count() == 2


def test_filters_narrow_by_date_user_action_object_and_outcome(agency_a: Agency, olivia_officer: User,
                                                               otto_oversight: User,
                                                               signed_in: Callable[[User], Client]) -> None:
    ori = agency_a.ori
    with time_machine.travel(dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC), tick=False):
        audit.record(action="agency.update", actor=SYSTEM, agency_ori=ori, object_repr="March change")
    with time_machine.travel(dt.datetime(2026, 4, 10, 15, 0, tzinfo=dt.UTC), tick=False):
        audit.record(action="agency.update", actor=SYSTEM, agency_ori=ori, object_repr="April change",
                     object_type="core.agency", object_id=str(agency_a.pk))
        actions.login_failed(username="olivia", source_ip=None, window_seconds=60, limit=99)
    # Local midnight: 2026-04-11 03:00 UTC is still 10 April in Chicago.
    with time_machine.travel(dt.datetime(2026, 4, 11, 3, 0, tzinfo=dt.UTC), tick=False):
        audit.record(action="agency.update", actor=SYSTEM, agency_ori=ori, object_repr="Late evening change")
    client = signed_in(otto_oversight)

    april = _page(client, date_from="2026-04-01", date_to="2026-04-10")
    assert "April change" in april and "Late evening change" in april and "March change" not in april
    march = _page(client, date_to="2026-03-31")
    assert "March change" in march and "April change" not in march
    by_action = _rows(client, action="agency.update")
    assert "March change" in by_action and "Sign-in" not in by_action
    by_user = _rows(client, actor="OLIVIA")
    assert "Failed" in by_user and "March change" not in by_user
    by_object = _page(client, obj="april")
    assert "April change" in by_object and "March change" not in by_object
    by_type = _page(client, object_type="core.agency")
    assert "April change" in by_type and "March change" not in by_type
    failures = _rows(client, outcome="failure")
    assert "Failed" in failures and "April change" not in failures
    # Paging keeps the filters.
    for n in range(55):
        audit.record(action="export", actor=SYSTEM, agency_ori=ori, object_repr=f"row {n}")
    first = _page(client, action="export")
    assert 'href="?action=export&amp;page=2"' in first and "Page 1 of 2" in first


@pytest.mark.parametrize(("params", "field"), [
    ({"date_from": "2026-13-01"}, "From (date)"),
    ({"date_from": "2026-05-02", "date_to": "2026-05-01"}, "To (date, inclusive)"),
    ({"outcome": "exploded"}, "Outcome"),
    ({"action": "no.such.action"}, "Action"),
])
def test_bad_filters_are_named_not_crashed(params: dict[str, str], field: str, otto_oversight: User,
                                           signed_in: Callable[[User], Client]) -> None:
    client = signed_in(otto_oversight)
    resp = client.get("/audit/", params)
    assert resp.status_code == 400
    html = resp.content.decode()
    assert f'role="alert">{field}:' in html
    # The values typed are kept in the form.
    for value in params.values():
        if field != "Action" and field != "Outcome":
            assert f'value="{value}"' in html
    csv_resp = client.get("/audit/export.csv", params)
    assert csv_resp.status_code == 400 and field in csv_resp.content.decode()


def test_csv_export_is_filtered_safe_and_audited(agency_a: Agency, otto_oversight: User,
                                                 signed_in: Callable[[User], Client]) -> None:
    audit.record(action="agency.update", actor=SYSTEM, agency_ori=agency_a.ori, object_repr="=HYPERLINK(\"x\")")
    audit.record(action="user.create", actor=SYSTEM, agency_ori=agency_a.ori, object_repr="someone")
    client = signed_in(otto_oversight)
    resp = client.get("/audit/export.csv", {"action": "agency.update"})
    assert resp.status_code == 200 and resp["Content-Type"].startswith("text/csv")
    body = b"".join(resp.streaming_content).decode()  # type: ignore[attr-defined]
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [r["action_code"] for r in rows] == ["agency.update"]
    assert rows[0]["action"] == "Agency changed"
    assert rows[0]["object"] == "'=HYPERLINK(\"x\")"  # neutralised by core.csvsafe
    assert rows[0]["occurred_at_utc"].endswith("+00:00") and rows[0]["occurred_at_local"][-6:] in {"-05:00", "-06:00"}
    event = AuditEvent.objects.filter(action="export", object_type="core.auditevent").get()
    assert event.actor_id == otto_oversight.pk and event.extra == {"rows": 1, "format": "csv"}
    assert "action=agency.update" in event.purpose


def test_csv_export_needs_the_export_right(agency_a: Agency, olivia_officer: User,
                                           signed_in: Callable[[User], Client]) -> None:
    resp = signed_in(olivia_officer).get("/audit/export.csv")
    assert resp.status_code == 403
    assert not AuditEvent.objects.filter(action="export", object_type="core.auditevent").exists()
    assert AuditEvent.objects.filter(action="permission.denied", actor_id=olivia_officer.pk).exists()
