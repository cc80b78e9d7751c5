"""`safecity users token USERNAME --name NAME [--days N]`: print a new API token once, audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from safecity.core.cli import build_parser, register, run
from safecity.core.models import ApiToken, AuditEvent, User

pytestmark = pytest.mark.django_db


def main(argv: list[str]) -> int:
    """core's own commands, without the other apps' (core tests import no other app)."""
    return run(build_parser(register), argv)



def test_prints_a_working_token_once_and_audits_it(ann_analyst: User, capsys: pytest.CaptureFixture[str]) -> None:
    TOTPDevice.objects.create(user=ann_analyst, name="phone", confirmed=True)
    assert main(["users", "token", "ann", "--name", "taxii-feed", "--days", "30"]) == 0
    out, err = capsys.readouterr()
    secret = out.strip()
    assert secret.startswith("sc_") and len(out.splitlines()) == 1 and "shown once" in err
    token = ApiToken.objects.get(user=ann_analyst)
    assert (token.name, token.created_via, token.created_by_id) == ("taxii-feed", "cli", None)
    assert secret.split("_", 2)[2] not in token.key_hash
    event = AuditEvent.objects.get(action="api_token.create")
    assert event.user_agent == "safecity-cli" and event.extra == {"created_via": "cli", "owner": "ann"}
    me = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert me.status_code == 200 and me.json()["username"] == "ann"


def test_warns_when_cji_mode_will_refuse_the_token(ann_analyst: User, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["users", "token", "ANN", "--name", "etl"]) == 0
    _, err = capsys.readouterr()
    assert "no two-step sign-in device" in err
    assert ApiToken.objects.get(user=ann_analyst).expires_at.date() > ApiToken.objects.get().created.date()


@pytest.mark.parametrize("argv,named", [
    (["users", "token", "nobody", "--name", "x"], "USERNAME: no user called 'nobody'"),
    (["users", "token", "ann", "--name", "x", "--days", "0"], "--days: must be between 1 and 365"),
    (["users", "token", "ann", "--name", "x", "--days", "9999"], "--days: must be between 1 and 365"),
    (["users", "token", "ann", "--name", "x", "--days", "ten"], "argument --days: invalid int value: 'ten'"),
    (["users", "token", "ann", "--name", "  "], "--name: give the token a name"),
    (["users", "token", "ann"], "the following arguments are required: --name"),
])
def test_bad_arguments_exit_2_naming_the_argument(ann_analyst: User, capsys: pytest.CaptureFixture[str],
                                                  argv: list[str], named: str) -> None:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own errors exit from inside parse_args
        code = int(exc.code or 0)
    _, err = capsys.readouterr()
    assert code == 2 and named in err
    assert not ApiToken.objects.exists()


def test_refuses_a_deactivated_account(ann_analyst: User, capsys: pytest.CaptureFixture[str], settings: Any) -> None:
    User.objects.filter(pk=ann_analyst.pk).update(is_active=False)
    assert main(["users", "token", "ann", "--name", "x"]) == 2
    assert "USERNAME: ann is deactivated" in capsys.readouterr().err
    assert not ApiToken.objects.exists()
