"""Officer identifiers for anything that leaves the agency: a keyed hash, never a name or badge number.

`officer_hash(officer)` = HMAC-SHA256 of "<agency ORI>:<employee id>" under a key derived from
`settings.SECRET_KEY` with a purpose string, as hex truncated to 16 characters. The same officer always gets the
same id (so public tables can be joined over time), and without the secret the id cannot be turned back into
the person (the Stanford Open Policing Project publishes officer ids the same way, salted and hashed).
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings

PURPOSE = b"safecity.policing.officer-hash.v1"


def _key() -> bytes:
    # A key derived for this purpose only, so the hash never equals any other use of SECRET_KEY.
    return hmac.new(str(settings.SECRET_KEY).encode(), PURPOSE, hashlib.sha256).digest()


def officer_hash(officer: Any) -> str:
    """The officer's public id: 16 hex characters."""
    message = f"{officer.agency.ori}:{officer.employee_id}".encode()
    return hmac.new(_key(), message, hashlib.sha256).hexdigest()[:16]
