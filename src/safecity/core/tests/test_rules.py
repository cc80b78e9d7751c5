"""Rule packs (issue 7, "Build"): versioned rule data, one loader, one needs-review convention, one page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.checks import CheckMessage
from django.test import Client

from safecity.conftest import make_persona
from safecity.core import rules
from safecity.core.checks import rule_packs
from safecity.core.models import Agency, User
from safecity.core.roles import Role

DAY = dt.date(2026, 11, 30)
HEADER = "key,value,effective_from,effective_to,citation,status,review_by\n"


@pytest.fixture
def registry() -> Iterator[dict[str, rules.PackSpec]]:
    """Tests may register packs of their own; the apps' registrations come back afterwards."""
    saved = dict(rules._REGISTRY)
    yield rules._REGISTRY
    rules._REGISTRY.clear()
    rules._REGISTRY.update(saved)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def load(path: Path, key: str = "key") -> rules.RulePack:
    return rules.load_pack(path, name="test.pack", title="Test pack", key=key)


def problems(path: Path, key: str = "key") -> list[str]:
    with pytest.raises(rules.RulePackError) as caught:
        load(path, key)
    return caught.value.problems


# ---- the loader --------------------------------------------------------------------------------------


def test_csv_pack_picks_the_period_in_force(tmp_path: Path) -> None:
    path = write(tmp_path, "limits.csv", "# comment lines are skipped but counted\n" + HEADER
                 + "lockout,5,2020-01-01,2024-12-26,Policy v5.9 AC-7,verified,\n"
                 + "lockout,3,2024-12-27,,Policy v6.0 AC-7,verified,2027-01-01\n"
                 + "idle,30,2020-01-01,,Policy v5.9 AC-11,unverified,\n")
    pack = load(path)
    assert pack.value("lockout", on=dt.date(2024, 12, 26)) == "5"  # effective_to is the last day in force
    assert pack.value("lockout", on=dt.date(2024, 12, 27)) == "3"
    assert pack.rule("lockout", on=DAY).citation == "Policy v6.0 AC-7"
    assert pack.rule("lockout", on=DAY).line == 4
    assert [r.key for r in pack.in_force(dt.date(2021, 1, 1))] == ["idle", "lockout"]
    assert pack.value_fields == ("value",)
    with pytest.raises(rules.RuleNotInForce, match="not in force on 2019-12-31"):
        pack.rule("lockout", on=dt.date(2019, 12, 31))
    with pytest.raises(rules.RuleNotInForce, match="no rule 'nothing'"):
        pack.rule("nothing", on=DAY)


def test_toml_pack_keeps_types_and_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "limits.toml", '# a pack\n\n[[rule]]\nkey = "idle"\nvalue = 1800\n'
                 'effective_from = 2024-12-27\neffective_to = 2027-09-30\ncitation = "CJIS v6.0 AC-11"\n'
                 'status = "verified"\n\n[[rule]]\nkey = "idle"\nvalue = 900\neffective_from = "2027-10-01"\n'
                 'citation = "CJIS v6.1 AC-11"\nstatus = "needs-review"\n')
    pack = load(path)
    assert pack.value("idle", on=DAY) == 1800
    assert pack.rule("idle", on=dt.date(2027, 10, 1)).line == 11
    assert pack.rule("idle", on=dt.date(2027, 10, 1)).status is rules.Status.NEEDS_REVIEW


def test_bad_rows_are_refused_naming_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.csv", HEADER
                 + "a,1,2024-13-01,,Cite,verified,\n"  # line 2: impossible date
                 + "b,1,2024-01-01,,,verified,\n"  # line 3: no citation
                 + "c,1,2024-01-01,,Cite,approved,\n"  # line 4: unknown status
                 + "d,1,2024-05-01,2024-04-30,Cite,verified,\n"  # line 5: ends before it starts
                 + "e,1,2024-01-01\n"  # line 6: short row
                 + ",1,2024-01-01,,Cite,verified,\n"  # line 7: no key
                 + "f,1,,,Cite,verified,soon\n")  # line 8: no start, bad review date
    found = "\n".join(problems(path))
    for expected in ("bad.csv:2: effective_from '2024-13-01' is not an ISO date",
                     "bad.csv:3: citation is required",
                     "bad.csv:4: status 'approved' is not one of verified, unverified, needs-review",
                     "bad.csv:5: effective_to 2024-04-30 is before effective_from 2024-05-01",
                     "bad.csv:6: 3 fields, the header has 7",
                     "bad.csv:7: key is required",
                     "bad.csv:8: effective_from is required",
                     "bad.csv:8: review_by 'soon' is not an ISO date"):
        assert expected in found


def test_overlapping_periods_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "overlap.csv", HEADER
                 + "lockout,5,2020-01-01,,Policy v5.9,verified,\n"
                 + "idle,30,2020-01-01,2024-12-31,Policy v5.9,verified,\n"
                 + "lockout,3,2024-12-27,,Policy v6.0,verified,\n"
                 + "idle,15,2024-12-31,,Policy v6.0,verified,\n")
    assert problems(path) == [
        "overlap.csv:4: 'lockout' from 2024-12-27 overlaps the period on line 2 (2020-01-01 to open-ended)",
        "overlap.csv:5: 'idle' from 2024-12-31 overlaps the period on line 3 (2020-01-01 to 2024-12-31)",
    ]


def test_missing_columns_and_broken_files(tmp_path: Path) -> None:
    assert problems(write(tmp_path, "cols.csv", "# c\nkey,value,status\nx,1,verified\n")) == [
        "cols.csv:2: header lacks column(s) effective_from, citation"]
    assert problems(write(tmp_path, "broken.toml", '[[rule]]\nkey = "x"\nvalue = = 3\n'))[0].startswith(
        "broken.toml:3: not valid TOML")
    assert problems(write(tmp_path, "empty.toml", "# nothing\n")) == ["empty.toml:1: no [[rule]] tables"]
    assert problems(write(tmp_path, "nested.toml", '[[rule]]\nkey = "x"\nvalue = [1, 2]\neffective_from = 2024-01-01\n'
                          'citation = "Cite"\nstatus = "verified"\n')) == [
        "nested.toml:1: value must be text, a number or true/false, not list"]
    assert problems(write(tmp_path, "pack.json", "{}")) == ["pack.json:0: a rule pack is a .csv or .toml file"]
    assert problems(tmp_path / "absent.csv")[0].startswith("absent.csv:0: cannot read the pack")


def test_needs_review_convention(tmp_path: Path) -> None:
    path = write(tmp_path, "review.csv", HEADER
                 + "ok,1,2024-01-01,,Cite,verified,2027-01-01\n"
                 + "due,1,2024-01-01,,Cite,verified,2026-11-30\n"
                 + "unchecked,1,2024-01-01,,Cite,unverified,\n"
                 + "disputed,1,2024-01-01,,Cite,needs-review,\n"
                 + "ended,1,2020-01-01,2023-12-31,Cite,unverified,\n")
    pack = load(path)
    flagged = {r.key: r.review_reason(DAY) for r in pack.needing_review(DAY)}
    assert flagged == {"due": "review date 2026-11-30 has passed",
                       "unchecked": "not yet checked against the cited source",
                       "disputed": "marked for review"}  # a rule no longer in force needs no review
    assert not pack.rule("ok", on=DAY).needs_review(DAY)
    assert pack.rule("ok", on=DAY).needs_review(dt.date(2027, 1, 1))


# ---- the packs the city runs on ----------------------------------------------------------------------


def test_every_registered_pack_loads() -> None:
    assert "core.account_security" in {spec.name for spec in rules.registered()}
    for pack in rules.registered_packs():
        assert pack.rules, pack.name
        assert all(r.citation for r in pack.rules)


def test_account_security_rules_match_the_settings_in_force(settings: Any) -> None:
    """The settings the code runs on are within the CJIS rules today (the check below would say otherwise)."""
    pack = rules.pack("core.account_security")
    assert pack.value("AC-7 failed sign-ins", on=DAY) == settings.LOCKOUT_FAILURES == 5
    assert pack.value("AC-11 idle lock", on=DAY) == 1800
    assert rules.setting_value("safecity.core.tasks:INACTIVE_DAYS") == pack.value("AC-2(3) inactive accounts", on=DAY)


# ---- the system check --------------------------------------------------------------------------------


def _ids(messages: list[CheckMessage]) -> list[str]:
    return [m.id or "" for m in messages]


def test_check_warns_about_rules_needing_review(tmp_path: Path, registry: Any) -> None:
    path = write(tmp_path, "review.csv", HEADER + "ok,1,2024-01-01,,Cite,verified,2999-01-01\n"
                 + "unchecked,1,2024-01-01,,Cite,unverified,\n" + "disputed,1,2024-01-01,,Cite,needs-review,\n")
    rules.register(rules.PackSpec(name="test.review", title="Review", path=path, key="key"))
    warnings = [m.msg for m in rule_packs() if m.id == "safecity.W002"]
    assert ("Rule pack test.review: 2 rule(s) need review: disputed (marked for review); unchecked (not yet "
            "checked against the cited source).") in warnings
    assert any(w.startswith("Rule pack core.account_security:") and "NIST single-factor password length (not yet "
               "checked against the cited source)" in w for w in warnings)


def test_check_refuses_a_pack_that_does_not_load(tmp_path: Path, registry: Any) -> None:
    path = write(tmp_path, "broken.csv", HEADER + "x,1,2024-01-01,,,verified,\n")
    rules.register(rules.PackSpec(name="test.broken", title="Broken", path=path, key="key"))
    errors = [m for m in rule_packs() if m.id == "safecity.E004"]
    assert len(errors) == 1 and "broken.csv:2: citation is required" in errors[0].msg


def test_check_refuses_settings_looser_than_a_cjis_rule_in_cji_mode(settings: Any) -> None:
    settings.CJI_MODE = True
    assert "safecity.E005" not in _ids(rule_packs())
    settings.SESSION_IDLE_SECONDS = 2 * 60 * 60
    settings.LOCKOUT_WINDOW_SECONDS = 60
    errors = [m.msg for m in rule_packs() if m.id == "safecity.E005"]
    assert len(errors) == 2
    assert any(e.startswith("SESSION_IDLE_SECONDS is 7200, but AC-11 idle lock (FBI CJIS Security Policy v6.0, "
                            "AC-11 (p. 28)) requires at most 1800") for e in errors)
    assert any(e.startswith("LOCKOUT_WINDOW_SECONDS is 60, but AC-7 counting window") for e in errors)
    settings.CJI_MODE = False  # CJIS binds only where CJI is held
    assert "safecity.E005" not in _ids(rule_packs())


# ---- the page and the API ----------------------------------------------------------------------------


def test_rules_page_lists_every_pack_with_periods_citations_and_review_tags(
        ann_analyst: User, signed_in: Callable[[User], Client]) -> None:
    page = signed_in(ann_analyst).get("/rules/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Sign-in, session and account rules" in html and "core/data/rules/account_security.toml" in html
    assert "FBI CJIS Security Policy v6.0, AC-7 (p. 26)" in html and "2024-12-27" in html
    assert '<span class="usa-tag bg-gold text-ink">Needs review</span> not yet checked against the cited source' in html


def test_rules_page_shows_a_pack_that_does_not_load(
        tmp_path: Path, registry: Any, ann_analyst: User, signed_in: Callable[[User], Client]) -> None:
    path = write(tmp_path, "broken.csv", HEADER + "x,1,2024-01-01,,Cite,maybe,\n")
    rules.register(rules.PackSpec(name="test.broken", title="Broken pack", path=path, key="key"))
    page = signed_in(ann_analyst).get("/rules/")
    assert page.status_code == 200
    assert "This pack cannot be loaded" in page.content.decode()
    assert "broken.csv:2: status &#x27;maybe&#x27; is not one of" in page.content.decode()


def test_rules_page_on_a_date_and_bad_dates(ann_analyst: User, signed_in: Callable[[User], Client]) -> None:
    client = signed_in(ann_analyst)
    early = client.get("/rules/", {"on": "2020-01-01"})
    assert early.status_code == 200
    assert "No rule of this pack is in force on 2020-01-01." in early.content.decode()
    bad = client.get("/rules/", {"on": "last tuesday"})
    assert bad.status_code == 400
    assert "&#x27;last tuesday&#x27; is not a date; use YYYY-MM-DD." in bad.content.decode()


def test_rules_page_is_for_staff(agency_a: Agency, ann_analyst: User, signed_in: Callable[[User], Client]) -> None:
    assert 'href="/rules/"' in signed_in(ann_analyst).get("/").content.decode()  # linked from the start page
    public = make_persona("pat_public", agency_a, Role.PUBLIC)
    assert 'href="/rules/"' not in signed_in(public).get("/").content.decode()
    assert signed_in(public).get("/rules/").status_code == 403
    assert Client().get("/rules/").status_code == 302  # to sign-in


def test_rules_api(agency_a: Agency, ann_analyst: User, api_token: Callable[[User], str]) -> None:
    client = Client(headers={"Authorization": f"Bearer {api_token(ann_analyst)}"})
    reply = client.get("/api/v1/rules", {"on": "2026-11-30"})
    assert reply.status_code == 200, reply.content
    packs = {p["name"]: p for p in reply.json()}
    core = packs["core.account_security"]
    assert core["key_field"] == "key" and core["problems"] == []
    lockout = next(r for r in core["rules"] if r["key"] == "AC-7 failed sign-ins")
    assert lockout["values"]["value"] == 5 and lockout["effective_from"] == "2024-12-27"
    assert lockout["citation"] == "FBI CJIS Security Policy v6.0, AC-7 (p. 26)" and lockout["status"] == "verified"
    nist = next(r for r in core["rules"] if r["key"] == "NIST single-factor password length")
    assert nist["needs_review"] is True and nist["review_reason"] == "not yet checked against the cited source"
    assert not any(r["key"] == "NIST single-factor password length"
                   for r in {p["name"]: p for p in client.get("/api/v1/rules", {"on": "2025-08-25"}).json()}[
                       "core.account_security"]["rules"])  # not yet in force the day before
    bad = client.get("/api/v1/rules", {"on": "soon"})
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"] == "on"
    public = make_persona("pat_public", agency_a, Role.PUBLIC)
    refused = Client(headers={"Authorization": f"Bearer {api_token(public)}"}).get("/api/v1/rules")
    assert refused.status_code == 403


def test_check_refuses_a_rule_naming_a_setting_it_cannot_compare(tmp_path: Path, registry: Any, settings: Any) -> None:
    settings.CJI_MODE = True
    path = write(tmp_path, "limits.toml", '[[rule]]\nkey = "gone"\nvalue = 5\nsetting = "NO_SUCH_SETTING"\n'
                 'bound = "max"\neffective_from = 2024-01-01\ncitation = "Cite"\nstatus = "verified"\n\n'
                 '[[rule]]\nkey = "sideways"\nvalue = 5\nsetting = "LOCKOUT_FAILURES"\nbound = "about"\n'
                 'effective_from = 2024-01-01\ncitation = "Cite"\nstatus = "verified"\n')
    rules.register(rules.PackSpec(name="test.limits", title="Limits", path=path, key="key"))
    errors = [m.msg for m in rule_packs() if m.id == "safecity.E005"]
    assert errors == [
        "test.limits: rule gone (line 1) names setting NO_SUCH_SETTING = None, but cannot be compared with it "
        '(needs a numeric value and setting and bound = "max" or "min").',
        "test.limits: rule sideways (line 10) names setting LOCKOUT_FAILURES = 5, but cannot be compared with it "
        '(needs a numeric value and setting and bound = "max" or "min").',
    ]
