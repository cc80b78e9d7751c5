"""The Stanford Open Policing Project's value rules for one stop, as plain values in and out (no Django).

From the project's data readme (``stanford-policylab/opp`` ``data_readme.md``, "standardized data"
section):

* ``subject_race`` ∈ {white, black, hispanic, asian/pacific islander, other}; a Hispanic ethnicity overrides
  the race; not recorded → ``unknown`` (kept apart from ``other`` so a missing value is never a group);
* ``subject_age`` outside 10–110 → not recorded (NA);
* ``outcome`` = the strictest of arrest > citation > warning > summons;
* ``contraband_*`` not recorded when ``search_conducted`` is not recorded;
* ``search_basis`` ∈ {k9, plain view, consent, probable cause, other}; a search with no reason given counts as
  probable cause.

`standardise(raw)` takes the text of each OPP column (after a mapping has renamed columns and recoded values)
and returns the model's values, or raises `ValueProblems` naming every bad column and value.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["BOOL_FIELDS", "OPP_FIELDS", "RACES", "Problem", "ValueProblems", "is_missing", "standardise",
           "strictest_outcome"]

MISSING = frozenset({"", "na", "n/a", "nan", "null", "none"})
TRUE = frozenset({"true", "t", "yes", "y", "1"})
FALSE = frozenset({"false", "f", "no", "n", "0"})
RACES = ("white", "black", "hispanic", "asian/pacific islander", "other", "unknown")
# Older OPP releases pool the last two; it is not a comparison group either way.
RACE_ALIASES = {"other/unknown": "other"}
SEXES = ("male", "female")
TYPES = ("vehicular", "pedestrian")
OUTCOMES = ("arrest", "citation", "warning", "summons")  # strictest first
SEARCH_BASES = ("k9", "plain view", "consent", "probable cause", "other")
HISPANIC = frozenset({"hispanic", "h", "latino", "hispanic or latino", "true", "yes", "y"})
NOT_HISPANIC = frozenset({"non-hispanic", "not hispanic", "n", "no", "false", "not hispanic or latino"})
BOOL_FIELDS = ("arrest_made", "citation_issued", "warning_issued", "frisk_performed", "search_conducted",
               "search_person", "search_vehicle", "contraband_found", "contraband_drugs", "contraband_weapons",
               "contraband_other")
TEXT_FIELDS = {"location": 200, "reason_for_stop": 200, "violation": 200}
# Every column the importer reads, in the OPP's names (subject_ethnicity is ours: cities that record ethnicity
# apart from race give it so that Hispanic can override race).
OPP_FIELDS = ("date", "time", "location", "lat", "lng", "district", "beat", "subject_race", "subject_ethnicity",
              "subject_sex", "subject_age", "type", "officer_id", "reason_for_stop", "violation", "outcome",
              "search_basis", *BOOL_FIELDS)
AGE_RANGE = (10, 110)


def is_missing(text: str) -> bool:
    return text.strip().lower() in MISSING


@dataclass(frozen=True)
class Problem:
    field: str
    value: str
    reason: str


class ValueProblems(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{p.field}: {p.reason}" for p in problems))
        self.problems = problems


def strictest_outcome(arrest: bool | None, citation: bool | None, warning: bool | None, given: str = "") -> str:
    """The strictest of the flags and a recorded outcome, in the OPP's order; "" when none applies."""
    found = {given} if given else set()
    for flag, name in ((arrest, "arrest"), (citation, "citation"), (warning, "warning")):
        if flag:
            found.add(name)
    return next((name for name in OUTCOMES if name in found), "")


def _choice(field: str, text: str, allowed: tuple[str, ...], problems: list[Problem]) -> str:
    value = text.strip().lower()
    if value in MISSING:
        return ""
    if value in allowed:
        return value
    problems.append(Problem(field, text, f"not one of {', '.join(allowed)} (or NA)"))
    return ""


def _bool(field: str, text: str, problems: list[Problem]) -> bool | None:
    value = text.strip().lower()
    if value in MISSING:
        return None
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    problems.append(Problem(field, text, "not TRUE/FALSE (or NA)"))
    return None


def _degrees(field: str, text: str, limit: float, problems: list[Problem]) -> float | None:
    if is_missing(text):
        return None
    try:
        value = float(text)
    except ValueError:
        problems.append(Problem(field, text, "not a number"))
        return None
    if not math.isfinite(value) or abs(value) > limit:
        problems.append(Problem(field, text, f"not between -{limit:g} and {limit:g}"))
        return None
    return value


def _time(text: str, time_format: str, problems: list[Problem]) -> dt.time | None:
    if is_missing(text):
        return None
    formats = (time_format,) if time_format else ("%H:%M:%S", "%H:%M")
    for fmt in formats:
        try:
            return dt.datetime.strptime(text.strip(), fmt).time()  # noqa: DTZ007 - a local clock time
        except ValueError:
            continue
    problems.append(Problem("time", text, f"not a time in the form {time_format or 'HH:MM or HH:MM:SS'}"))
    return None


def standardise(raw: Mapping[str, str], *, date_format: str = "%Y-%m-%d", time_format: str = "",
                today: dt.date | None = None) -> dict[str, Any]:
    """The model's values for one stop, from the text of each OPP column (absent columns count as NA).

    Returns the OPP fields plus ``district_code``, ``beat_code`` and ``officer_employee_id`` for the caller to
    resolve; raises `ValueProblems` listing every column that cannot be read.
    """
    problems: list[Problem] = []

    def text(name: str) -> str:
        return raw.get(name, "") or ""

    out: dict[str, Any] = {}
    date_text = text("date").strip()
    date: dt.date | None = None
    if is_missing(date_text):
        problems.append(Problem("date", date_text, "this column is required"))
    else:
        try:
            date = dt.datetime.strptime(date_text, date_format).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            problems.append(Problem("date", date_text, f"does not match the date format {date_format!r}"))
    if date is not None and today is not None and date > today:
        problems.append(Problem("date", date_text, f"is after today ({today.isoformat()})"))
    out["date"] = date
    out["time"] = _time(text("time"), time_format, problems)
    lat = _degrees("lat", text("lat"), 90, problems)
    lng = _degrees("lng", text("lng"), 180, problems)
    if (lat is None) != (lng is None) and not any(p.field in ("lat", "lng") for p in problems):
        missing = "lng" if lng is None else "lat"
        problems.append(Problem(missing, text(missing), "lat and lng must be given together"))
    out["lat"], out["lng"] = lat, lng

    race_text = text("subject_race").strip().lower()
    race = RACE_ALIASES.get(race_text, race_text)
    if race in MISSING:
        race = "unknown"
    elif race not in RACES:
        problems.append(Problem("subject_race", text("subject_race"),
                                f"not one of {', '.join(RACES)} (or NA); map other codes in the mapping's "
                                "[values.subject_race]"))
    ethnicity = text("subject_ethnicity").strip().lower()
    if ethnicity in HISPANIC:
        race = "hispanic"  # the OPP rule: Hispanic ethnicity overrides race
    elif ethnicity not in MISSING and ethnicity not in NOT_HISPANIC:
        problems.append(Problem("subject_ethnicity", text("subject_ethnicity"), "not hispanic / non-hispanic"))
    out["subject_race"] = race
    out["subject_sex"] = _choice("subject_sex", text("subject_sex"), SEXES, problems)
    age_text = text("subject_age").strip()
    age: int | None = None
    if not is_missing(age_text):
        try:
            number = float(age_text)
        except ValueError:
            problems.append(Problem("subject_age", age_text, "not a number"))
        else:
            # OPP: ages outside 10–110 are recording errors and become NA, not a rejected stop.
            if math.isfinite(number) and AGE_RANGE[0] <= number <= AGE_RANGE[1]:
                age = int(number)
    out["subject_age"] = age
    out["type"] = _choice("type", text("type"), TYPES, problems)
    for name, length in TEXT_FIELDS.items():
        value = text(name).strip()
        out[name] = "" if value.lower() in MISSING else value[:length]
    flags = {name: _bool(name, text(name), problems) for name in BOOL_FIELDS}
    if flags["search_conducted"] is None and (flags["search_person"] or flags["search_vehicle"]):
        flags["search_conducted"] = True  # a recorded search of the person or vehicle is a search
    if flags["search_conducted"] is None:
        for name in ("contraband_found", "contraband_drugs", "contraband_weapons", "contraband_other"):
            flags[name] = None  # OPP: contraband is NA when whether a search happened is NA
    elif flags["contraband_found"] is None and any(
            flags[n] for n in ("contraband_drugs", "contraband_weapons", "contraband_other")):
        flags["contraband_found"] = True
    out.update(flags)
    given = _choice("outcome", text("outcome"), OUTCOMES, problems)
    out["outcome"] = strictest_outcome(flags["arrest_made"], flags["citation_issued"], flags["warning_issued"], given)
    basis = _choice("search_basis", text("search_basis"), SEARCH_BASES, problems)
    if flags["search_conducted"] and not basis:
        basis = "probable cause"  # OPP: a search with no reason recorded counts as probable cause
    out["search_basis"] = basis if flags["search_conducted"] else ""
    for name, key in (("district", "district_code"), ("beat", "beat_code"), ("officer_id", "officer_employee_id")):
        value = text(name).strip()
        out[key] = "" if value.lower() in MISSING else value
    if problems:
        raise ValueProblems(problems)
    return out
