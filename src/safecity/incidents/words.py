"""NIBRS codes on an incident's people and offenses, said in words for the incident page.

Display labels only (no rule depends on them), after the FBI NIBRS User Manual's data values for victim
type, sex, injury and weapon/force. The domain reference marks the victim-type values as unverified, so an
unknown code is shown as the code itself rather than guessed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

VICTIM_TYPES = {"I": "person", "B": "business", "F": "financial institution", "G": "government",
                "L": "law enforcement officer", "R": "religious organization", "S": "society/public", "O": "other",
                "U": "unknown victim type"}
PEOPLE = {"I", "L"}  # victim types that have an age, a sex and injuries
SEXES = {"M": "male", "F": "female", "U": "sex unknown", "X": "sex not specified"}
INJURIES = {"N": "no injury", "B": "apparent broken bones", "I": "possible internal injury",
            "L": "severe laceration", "M": "apparent minor injury", "O": "other major injury", "T": "loss of teeth",
            "U": "unconsciousness"}
WEAPONS = {"11": "firearm", "12": "handgun", "13": "rifle", "14": "shotgun", "15": "other firearm",
           "20": "knife or cutting instrument", "30": "blunt object", "35": "motor vehicle",
           "40": "personal weapons (hands, feet, teeth)", "50": "poison", "60": "explosives",
           "65": "fire or incendiary device", "70": "drugs or sleeping pills", "85": "asphyxiation",
           "90": "other weapon", "95": "unknown weapon", "99": "no weapon"}


def weapon_words(codes: Iterable[str]) -> str:
    """["12A", "20"] → "automatic handgun, knife or cutting instrument"."""
    said = []
    for raw in codes:
        code = raw.strip().upper()
        automatic = code.endswith("A") and len(code) == 3
        name = WEAPONS.get(code[:2] if automatic else code, f"weapon code {code}")
        said.append(f"automatic {name}" if automatic else name)
    return ", ".join(said)


def victim_words(victim: Any, offense_names: dict[str, str] | None = None) -> str:
    """"Victim 1: person, female, 34, injured — shot (apparent minor injury); offenses: 13A Aggravated Assault"."""
    kind = victim.victim_type or "U"
    parts = [VICTIM_TYPES.get(kind, f"victim type {kind}")]
    injuries = [c.strip().upper() for c in victim.injury_codes or [] if c.strip()]
    if kind in PEOPLE:
        if victim.sex:
            parts.append(SEXES.get(victim.sex.upper(), f"sex {victim.sex}"))
        parts.append(str(victim.age) if victim.age else "age unknown")
        hurt = [c for c in injuries if c != "N"]
        if victim.is_fatal:
            parts.append("killed")
        elif hurt or victim.is_shot:
            parts.append("injured")
        elif injuries:
            parts.append("not injured")
    text = f"Victim {victim.seq}: " + ", ".join(parts)
    if victim.is_shot:
        text += " — shot"
    named = [INJURIES.get(c, f"injury code {c}") for c in injuries if c != "N"]
    if named:
        text += f" ({', '.join(named)})"
    if victim.offense_codes:
        names = offense_names or {}
        offenses = [f"{c} {names[c]}" if c in names else c for c in victim.offense_codes]
        text += "; offenses: " + ", ".join(offenses)
    return text
