"""The identity an officer carries outside the agency: a keyed hash, never a name or a badge number.

Anything public or exported outside the agency (open data, public summaries, files sent to researchers)
names an officer by `officer_hash(officer)`, as the Stanford Open Policing Project does with its salted
officer ids. The hash is HMAC-SHA-256 over the agency's ORI and the officer's employee id, under a key
derived from `settings.SECRET_KEY` and a purpose string:

* **stable**: the same officer gets the same id in every release, so records can be joined across files
  and years; the employee id is the agency's permanent personnel number, not the badge (which changes);
* **per installation**: another city running safecity, or anyone without our `SECRET_KEY`, cannot compute
  it, so badge or employee numbers cannot be guessed by hashing candidates (a plain unsalted hash of a
  four-digit badge number is reversed by trying 10,000 values);
* **per agency**: the ORI is inside the message, so employee id E100 at two agencies gives two ids;
* **per purpose**: the key is derived with the purpose string, so a hash used elsewhere with the same secret
  never equals this one.

The digest is cut to 16 hex characters (64 bits): collisions among a roster of even 100,000 officers have a
probability near 3·10⁻¹⁰. Rotating `SECRET_KEY` changes every id; an installation that publishes ids
should keep its key (or set `SAFECITY_OFFICER_ID_KEY`, which takes precedence) for as long as they must stay
comparable.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings

PURPOSE = b"safecity.policing.officer-id.v1"
LENGTH = 16  # hex characters kept (64 bits)


def _key() -> bytes:
    secret = getattr(settings, "SAFECITY_OFFICER_ID_KEY", "") or settings.SECRET_KEY
    # A key of its own for this purpose: HMAC(secret, purpose), so the raw secret never keys our ids.
    return hmac.new(secret.encode(), PURPOSE, hashlib.sha256).digest()


def officer_hash_of(ori: str, employee_id: str) -> str:
    """The public id of the officer with this employee id at the agency with this ORI."""
    message = f"{ori.strip().upper()}\x1f{employee_id.strip()}".encode()
    return hmac.new(_key(), message, hashlib.sha256).hexdigest()[:LENGTH]


def officer_hash(officer: Any) -> str:
    """The public id of an `Officer` (needs `officer.agency.ori` and `officer.employee_id`)."""
    return officer_hash_of(officer.agency.ori, officer.employee_id)
