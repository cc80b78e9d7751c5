"""Finding 6 (issue 6): weak passwords were accepted in CJI mode. CJIS IA-5(1)(a), NIST SP 800-63B-4 §3.1.1.2."""

from __future__ import annotations

import gzip
import hashlib
import random
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ImproperlyConfigured, ValidationError

from safecity.conftest import PASSWORD
from safecity.core import actions, passwords
from safecity.core.actors import SYSTEM
from safecity.core.cli import build_parser, register, run
from safecity.core.models import AuditEvent, User
from safecity.core.roles import Role

pytestmark = pytest.mark.django_db

# The four passwords the issue reports as accepted in CJI mode.
ISSUE_EXAMPLES = ["passwordpassword", "1234567890123456", "aaaaaaaaaaaaaaa", "P@ssw0rd123456"]
STRONG = "velvet cormorant juggles nine lanterns"  # noqa: S105  (test value)


def main(argv: list[str]) -> int:
    """core's own commands, without the other apps' (core tests import no other app)."""
    return run(build_parser(register), argv)



@pytest.fixture
def operator_dir(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """A private var directory, so loading an operator list never touches the real one."""
    settings.VAR_DIR = tmp_path
    return tmp_path


def _create(agency, password: str, username: str = "weak") -> User:  # type: ignore[no-untyped-def]
    return actions.user_create(actor=SYSTEM, username=username, email=f"{username}@example.org",
                               password=password, home_agency=agency)


@pytest.mark.parametrize("password", ISSUE_EXAMPLES)
def test_issue_examples_refused_by_user_create(agency_a, settings, password: str) -> None:  # type: ignore[no-untyped-def]
    assert settings.CJI_MODE
    with pytest.raises(ValidationError) as err:
        _create(agency_a, password)
    assert list(err.value.message_dict) == ["password"]
    assert not User.objects.filter(username="weak").exists()


@pytest.mark.parametrize("password", ISSUE_EXAMPLES)
def test_issue_examples_refused_on_the_web_form(agency_a, alice_admin, signed_in, password: str) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(alice_admin)
    resp = client.post("/manage/", {
        "form": "user", "new-username": "weakling", "new-email": "w@example.org", "new-home_agency": agency_a.pk,
        "new-role": Role.OFFICER, "new-password": password,
    })
    assert resp.status_code == 400
    errors = resp.context["user_form"].errors
    assert list(errors) == ["password"], errors  # the message sits on the password field, nowhere else
    assert any("pass-phrase of three or four unrelated words" in e for e in errors["password"])
    assert "pass-phrase of three or four unrelated words" in resp.content.decode()
    assert not User.objects.filter(username="weakling").exists()
    assert not AuditEvent.objects.filter(action="user.create", actor_id=alice_admin.pk).exists()


def test_strong_pass_phrase_accepted_on_form_and_action(agency_a, alice_admin, signed_in) -> None:  # type: ignore[no-untyped-def]
    assert _create(agency_a, STRONG, username="phrase").check_password(STRONG)
    resp = signed_in(alice_admin).post("/manage/", {
        "form": "user", "new-username": "phrase2", "new-email": "p2@example.org", "new-home_agency": agency_a.pk,
        "new-role": Role.OFFICER, "new-password": STRONG,
    })
    assert resp.status_code == 302
    assert User.objects.get(username="phrase2").check_password(STRONG)


@pytest.mark.parametrize("password,code", [
    ("passwordpassword", "password_pattern"),
    ("abcabcabcabcabcabc", "password_pattern"),
    ("aaaaaaaaaaaaaaa", "password_pattern"),
    ("1234567890123456", "password_pattern"),
    ("qwertyuiopasdfgh", "password_pattern"),
    ("zyxwvutsrqponm!7", "password_pattern"),
    ("1234567890123456", "password_entirely_numeric"),
    ("P@ssw0rd123456", "password_compromised"),
    ("M0nk3yM0nk3y!2026", "password_compromised"),
    ("password123456", "password_too_common"),
    ("passwordpassword", "password_too_weak"),
])
def test_each_rule_refuses_with_its_own_code(password: str, code: str) -> None:
    with pytest.raises(ValidationError) as err:
        validate_password(password, User(username="somebody", email="somebody@example.org"))
    assert code in {e.code for e in err.value.error_list}
    assert all("pass-phrase" in m or "too short" in m or "too similar" in m for m in err.value.messages)


def test_strength_estimate_knows_the_user_and_the_city(settings) -> None:  # type: ignore[no-untyped-def]
    person = User(username="zbyszewski", email="zb@example.org", last_name="Zbyszewski")
    settings.CITY_NAME = "Elsewhere"
    validate_password("Quillfeather#1", person)
    settings.CITY_NAME = "Quillfeather"
    with pytest.raises(ValidationError) as err:
        validate_password("Quillfeather#1", person)
    assert [e.code for e in err.value.error_list] == ["password_too_weak"]


def test_minimum_score_is_checked() -> None:
    assert passwords.StrengthValidator(min_score=4).min_score == 4
    with pytest.raises(ImproperlyConfigured, match="SAFECITY_PASSWORD_MIN_SCORE"):
        passwords.StrengthValidator(min_score=5)


def test_repeats_and_sequences_do_not_hit_ordinary_pass_phrases() -> None:
    check = passwords.RepeatSequenceValidator()
    for phrase in [STRONG, PASSWORD, "granite-orchard-lantern-9", "Mississippi riverboat gamblers",
                   "first abc then some other words"]:
        check.validate(phrase)


def test_packaged_list_holds_django_and_zxcvbn_lists() -> None:
    from safecity.core.passwords_update import packaged_sources

    packaged = passwords.hash_list(passwords.PACKAGED_FILE)
    sources = {p.lower() for p in packaged_sources()}
    assert len(sources) > 39_000 and len(packaged) >= len(sources)
    assert all(passwords.sha1(p) in packaged for p in sources)
    raw = packaged._map
    assert raw is not None  # sorted and distinct, as the binary search needs
    keys = [raw[i:i + 8] for i in range(0, len(raw), 8)]
    assert keys == sorted(set(keys))
    # the hashes of the list it replaced are still there (correcthorsebatterystaple was one of them)
    assert passwords.sha1("correcthorsebatterystaple") in packaged
    assert passwords.sha1(STRONG) not in packaged


def test_leetspeak_case_and_padding_are_undone() -> None:
    check = passwords.CompromisedPasswordValidator()
    for password in ["P@ssw0rd123456", "PASSWORD!!2026", "2026Dr@g0n!!", "Sunsh1neSunsh1ne", "Qw3rty-1234567"]:
        with pytest.raises(ValidationError, match="look-alike symbols"):
            check.validate(password)
    check.validate(STRONG)


def _hibp_file(path: Path, breached: list[str], noise: int, compress: bool = False) -> None:
    """A small file in the Have I Been Pwned download format: `SHA1:COUNT` lines (here unsorted)."""
    rng = random.Random(6)
    lines = [f"{hashlib.sha1(p.encode()).hexdigest().upper()}:{rng.randint(1, 9999)}" for p in breached]  # noqa: S324
    lines += [f"{rng.getrandbits(160):040X}:{rng.randint(1, 99)}" for _ in range(noise)]
    rng.shuffle(lines)
    text = "\r\n".join(lines) + "\r\n"
    if compress:
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text)


@pytest.mark.parametrize("compress", [False, True])
def test_update_command_loads_a_hibp_file(agency_a, operator_dir: Path, tmp_path: Path, capsys,  # type: ignore[no-untyped-def]
                                          monkeypatch, compress: bool) -> None:
    from safecity.core import passwords_update

    monkeypatch.setattr(passwords_update, "FLUSH_EVERY", 500)  # spill to the bucket files several times
    packaged_before = passwords.PACKAGED_FILE.read_bytes()
    _create(agency_a, STRONG, username="before")  # accepted while the phrase is not on any list
    source = tmp_path / ("pwned.txt.gz" if compress else "pwned.txt")
    _hibp_file(source, [STRONG, "another breached phrase here"], noise=5000, compress=compress)

    assert main(["passwords", "update", str(source)]) == 0
    assert "5,002 hashes" in capsys.readouterr().out
    loaded = passwords.operator_list_path()
    assert loaded.parent == operator_dir and loaded.stat().st_size == 5002 * 8
    assert passwords.PACKAGED_FILE.read_bytes() == packaged_before  # the shipped list is never rewritten
    with pytest.raises(ValidationError) as err:
        _create(agency_a, STRONG, username="after")
    assert "data breach" in " ".join(err.value.message_dict["password"])
    with pytest.raises(ValidationError):
        _create(agency_a, STRONG.upper(), username="after")  # its variants too

    # Loading a new list replaces the old one; running processes see the new file.
    _hibp_file(source, ["only this one now"], noise=10, compress=compress)
    assert main(["passwords", "update", str(source)]) == 0
    assert _create(agency_a, STRONG, username="after").check_password(STRONG)


def test_update_command_accepts_clear_text_and_reports_bad_input(operator_dir: Path, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                  capsys) -> None:
    source = tmp_path / "list.txt"
    source.write_text("# a comment\nvelvet cormorant juggles nine lanterns\n\nsecond phrase\nsecond phrase\n")
    assert main(["passwords", "update", str(source)]) == 0
    assert "2 hashes" in capsys.readouterr().out
    with pytest.raises(ValidationError):
        passwords.CompromisedPasswordValidator().validate(STRONG)
    assert main(["passwords", "update", str(tmp_path / "missing.txt")]) == 2
    err = capsys.readouterr().err
    assert "missing.txt" in err and "Traceback" not in err


def test_test_persona_password_passes_the_rules() -> None:
    validate_password(PASSWORD, User(username="olivia", email="olivia@example.org"))
