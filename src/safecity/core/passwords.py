"""Password checks beyond Django's: a compromised-password list (CJIS IA-5(1)(a)) and a generous maximum."""

from __future__ import annotations

import gzip
import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError

DATA_DIR = Path(__file__).resolve().parent / "data"
COMPROMISED_FILE = DATA_DIR / "compromised-sha1.txt.gz"


@lru_cache(maxsize=1)
def _compromised_hashes() -> frozenset[str]:
    """SHA-1 hex digests of known-compromised passwords (refreshed by `safecity passwords update`)."""
    if not COMPROMISED_FILE.exists():
        return frozenset()
    with gzip.open(COMPROMISED_FILE, "rt") as fh:
        return frozenset(line.strip().upper() for line in fh if line.strip() and not line.startswith("#"))


class CompromisedPasswordValidator:
    """Refuses passwords on Django's common-password list or in our offline compromised-password list."""

    def __init__(self) -> None:
        self._common = CommonPasswordValidator()

    def validate(self, password: str, user: Any = None) -> None:
        self._common.validate(password, user)
        digest = hashlib.sha1(password.encode(), usedforsecurity=False).hexdigest().upper()
        if digest in _compromised_hashes():
            raise ValidationError("This password has appeared in a data breach; choose another.",
                                  code="password_compromised")

    def get_help_text(self) -> str:
        return "Your password can't be one that is commonly used or has appeared in a data breach."


class MaximumLengthValidator:
    """Allow long pass-phrases (NIST 800-63B-4: at least 64) but refuse absurd lengths that cost hashing time."""

    max_length = 256

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(f"Passwords can be at most {self.max_length} characters.",
                                  code="password_too_long")

    def get_help_text(self) -> str:
        return f"Long pass-phrases with spaces are welcome (up to {self.max_length} characters)."
