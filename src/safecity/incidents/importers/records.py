"""The canonical record every format parses into, and the small text helpers parsers share."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from safecity.core.importing.errors import ImportFailure, RowError, RowRejected

__all__ = ["ArresteeRec", "ImportFailure", "IncidentRec", "OffenderRec", "OffenseRec", "PropertyRec", "RowError",
           "RowRejected", "VictimRec", "block_address", "parse_age"]


@dataclass(slots=True)
class OffenseRec:
    code: str
    attempted: bool = False
    weapon_codes: list[str] = field(default_factory=list)
    location_type: str = ""
    bias_codes: list[str] = field(default_factory=list)  # NIBRS 8A; empty = not reported (stored as 88, none)
    gang_codes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class VictimRec:
    seq: int = 1
    victim_type: str = "I"
    age: int | None = None
    sex: str = ""
    race: str = ""
    ethnicity: str = ""
    injury_codes: list[str] = field(default_factory=list)
    offense_codes: list[str] = field(default_factory=list)
    relationship: str = ""


@dataclass(slots=True)
class OffenderRec:
    seq: int = 1
    age: int | None = None
    sex: str = ""
    race: str = ""
    ethnicity: str = ""


@dataclass(slots=True)
class ArresteeRec:
    arrest_date: dt.date
    seq: int = 1
    arrest_type: str = ""
    offense_code: str = ""
    armed_with: list[str] = field(default_factory=list)
    age: int | None = None
    sex: str = ""
    race: str = ""
    ethnicity: str = ""


@dataclass(slots=True)
class PropertyRec:
    loss_type: str
    seq: int = 1
    description_code: str = ""
    value: int | None = None


@dataclass(slots=True)
class IncidentRec:
    line: int
    incident_number: str
    occurred_from: dt.datetime
    occurred_to: dt.datetime | None = None
    reported_at: dt.datetime | None = None
    block_address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    location_type: str = ""
    cleared_exceptionally: str = "N"
    cleared_at: dt.date | None = None
    offenses: list[OffenseRec] = field(default_factory=list)
    victims: list[VictimRec] = field(default_factory=list)
    offenders: list[OffenderRec] = field(default_factory=list)
    arrestees: list[ArresteeRec] = field(default_factory=list)
    properties: list[PropertyRec] = field(default_factory=list)
    digest: str = ""  # set by parsers that can fingerprint their raw input cheaply

    def content_hash(self) -> str:
        """Fingerprint of what the source said (not of derived fields), to tell unchanged rows from edits."""
        if self.digest:
            return self.digest
        parts: list[Any] = [
            self.incident_number, self.occurred_from.isoformat(),
            self.occurred_to.isoformat() if self.occurred_to else "",
            self.reported_at.isoformat() if self.reported_at else "", self.block_address,
            self.latitude, self.longitude, self.location_type, self.cleared_exceptionally, self.cleared_at,
            [(o.code, o.attempted, o.weapon_codes, o.location_type, o.bias_codes, o.gang_codes)
             for o in self.offenses],
            [(v.seq, v.victim_type, v.age, v.sex, v.race, v.ethnicity, v.injury_codes, v.offense_codes,
              v.relationship) for v in self.victims],
            [(o.seq, o.age, o.sex, o.race, o.ethnicity) for o in self.offenders],
            [(a.seq, a.arrest_date, a.arrest_type, a.offense_code, a.armed_with, a.age, a.sex, a.race,
              a.ethnicity) for a in self.arrestees],
            [(p.seq, p.loss_type, p.description_code, p.value) for p in self.properties],
        ]
        return hashlib.blake2b(repr(parts).encode(), digest_size=10).hexdigest()


# "1234 N MAIN ST" and Chicago's redacted "012XX N MAIN ST" both become "1200 N MAIN ST".
_HOUSE_NUMBER = re.compile(r"^\s*(\d+)(X*)\b\s*(.*)$", re.IGNORECASE)
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1 << 16)
def block_address(text: str) -> str:
    """Mask a street address to its hundred block so no record stores where someone lives.

    Cached: open-data exports repeat the same (already block-level) addresses many times over.
    """
    text = _SPACES.sub(" ", text.strip())
    if not text:
        return ""
    match = _HOUSE_NUMBER.match(text)
    if not match:
        return text[:200]
    digits, xs, rest = match.groups()
    number = int(digits + "0" * len(xs))
    block = (number // 100) * 100
    return f"{block} {rest}".strip()[:200]


_AGE_RANGE = re.compile(r"^(\d{1,3})\s*-\s*(\d{1,3})$")


@lru_cache(maxsize=4096)  # a file holds a few hundred distinct age spellings
def parse_age(text: str) -> int | None:
    """Ages arrive as '34', '18-24', '<18', '65+', 'NB'/'BB' (infants) or junk; junk means unknown.

    A range keeps its lower bound so an under-18 range is still recognised as juvenile.
    """
    text = text.strip().upper()
    if not text or text in {"UNKNOWN", "(NULL)", "NULL", "00", "0", "NS"}:
        return None
    if text in {"NN", "NB", "BB"}:
        return 0
    if text.startswith("<"):
        return max(int(text[1:]) - 1, 0) if text[1:].isdigit() else None
    if text.endswith("+"):
        return int(text[:-1]) if text[:-1].isdigit() else None
    if text.isdigit():
        age = int(text)
        return age if 0 < age < 120 else None
    match = _AGE_RANGE.match(text)
    if match:
        return int(match.group(1))
    return None
