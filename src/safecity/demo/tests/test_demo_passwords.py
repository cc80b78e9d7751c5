"""The demo accounts' pass-phrases satisfy core's password rules (so `make demo` never fails on them)."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password

from safecity.core.models import User
from safecity.demo.build import PERSONAS, demo_password

pytestmark = pytest.mark.django_db


def test_demo_persona_passwords_pass_the_rules() -> None:
    for username in [u for u, *_ in PERSONAS] + ["cityadmin"]:
        validate_password(demo_password(username), User(username=username, email=f"{username}@riverton.example"))
