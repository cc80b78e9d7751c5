"""The facts every incident row carries, derived in one place from plain values (no Django, no database).

Importing (`importers.derive` + `importers.store`), entering a report by hand (`actions.incident_create`), the
demo city (`demo.incidents`) and the test factories all call this module, so an incident is stored the same
way whichever door it came through (`tests/test_incident_facts.py` proves it).

Rules (docs/importing.md, "Derive"):

* **primary offense** — the most serious offense: the FBI Summary Reporting hierarchy for Part I offenses
  first (09A murder, 11A/11B/11C rape, 120 robbery, 13A aggravated assault, 220 burglary, 23A–23H larceny,
  240 motor-vehicle theft, 200 arson), then every other offense by crime-against category (person,
  property, society, not a crime), Group A before Group B, then code.
* **firearm** — an offense whose weapon/force codes include 11–15 (with or without the automatic `A`).
* **shooting** — a firearm in a crime against a person, or in a robbery; **shot victims** are the
  persons among its victims (NIBRS victim types I individual and L law-enforcement officer).
* **fatal** — a 09A murder with at least one victim; the fatal victims are those connected to the 09A (or
  connected to no offense at all, when the source does not link victims to offenses).
* **labels** — *victim-identifying* when any offense is 11A–11D, 36A, 36B, 64A or 64B; *juvenile* when any
  victim, offender or arrestee is under 18.
* **bias motivation** (NIBRS data element 8A) — every offense carries one to five codes from the pack
  `incidents/data/nibrs_bias_motivation.csv`; none given means 88 (no bias); 88 (none) and 99 (unknown)
  stand alone. Rows of one incident merged by the importer pool their codes per offense (`merge_bias`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from safecity.core.roles import Sensitivity

HIERARCHY = ("09A", "11A", "11B", "11C", "120", "13A", "220", "23A", "23B", "23C", "23D", "23E", "23F", "23G",
             "23H", "240", "200")
_RANK = {code: i for i, code in enumerate(HIERARCHY)}
AGAINST_ORDER = {"person": 0, "property": 1, "society": 2, "none": 3}
VICTIM_IDENTIFYING_CODES = frozenset({"11A", "11B", "11C", "11D", "36A", "36B", "64A", "64B"})
HOMICIDE = "09A"
ROBBERY = "120"
PERSON_VICTIM_TYPES = frozenset({"I", "L"})  # NIBRS victim types that are people: individual, police officer
ADULT_AGE = 18
# NIBRS Data Element 13 (Type Weapon/Force Involved): 11 firearm, 12 handgun, 13 rifle, 14 shotgun, 15 other
# firearm, each optionally suffixed "A" for automatic.
FIREARM_WEAPON_CODES = frozenset({"11", "12", "13", "14", "15", "11A", "12A", "13A", "14A", "15A"})


BIAS_NONE = "88"
BIAS_UNKNOWN = "99"
BIAS_ALONE = frozenset({BIAS_NONE, BIAS_UNKNOWN})
MAX_BIAS_MOTIVATIONS = 5  # NIBRS data element 8A repeats up to five times per offense


def merge_bias(*lists: Sequence[str]) -> list[str]:
    """The bias motivations of one offense reported on several rows (or several columns), in first-seen order.

    A row that says "none" or "unknown" adds nothing to a row that names a bias: the offense is the same, and
    NIBRS does not let 88/99 stand beside a bias. Between the two, unknown (99) wins over none (88): one
    row not knowing the motive means the incident's motive is not known to be absent.
    """
    found: list[str] = []
    for codes in lists:
        for raw in codes:
            code = raw.strip().upper()
            if code and code not in found:
                found.append(code)
    named = [c for c in found if c not in BIAS_ALONE]
    if named:
        return named
    if BIAS_UNKNOWN in found:
        return [BIAS_UNKNOWN]
    return [BIAS_NONE]


def bias_problem(codes: Sequence[str], known: Mapping[str, object]) -> str:
    """Why `codes` (already merged) are not a valid data element 8A for one offense; "" when they are."""
    unknown = [c for c in codes if c not in known]
    if unknown:
        return (f"{unknown[0]!r} is not a NIBRS bias motivation code (data element 8A; the codes in force are in "
                "incidents/data/nibrs_bias_motivation.csv)")
    if len(codes) > MAX_BIAS_MOTIVATIONS:
        return (f"{len(codes)} bias motivations for one offense ({', '.join(codes)}); NIBRS allows at most "
                f"{MAX_BIAS_MOTIVATIONS}")
    if len(codes) > 1 and not BIAS_ALONE.isdisjoint(codes):
        return "88 (none) and 99 (unknown) cannot be combined with other bias motivations"
    return ""


class CodeInfo(Protocol):
    """What the rules need from a NIBRS code-table row (an `OffenseCode` fits, as does any plain object)."""

    @property
    def crime_against(self) -> str: ...

    @property
    def group(self) -> str: ...

    @property
    def is_violent(self) -> bool: ...


class HasAge(Protocol):
    """A victim, offender or arrestee: anything with an age in years (None when unknown)."""

    @property
    def age(self) -> int | None: ...


class VictimLike(HasAge, Protocol):
    """A victim as the rules see it (`VictimValues`, or the importer's `VictimRec`)."""

    @property
    def victim_type(self) -> str: ...

    @property
    def offense_codes(self) -> Sequence[str]: ...


Codes = Mapping[str, CodeInfo]
OffenseKey = tuple[tuple[str, tuple[str, ...]], ...]  # ((code, weapon codes), ...) in the record's order


def involves_firearm(weapon_codes: Iterable[str]) -> bool:
    return any(code.strip().upper() in FIREARM_WEAPON_CODES for code in weapon_codes)


def primary_offense(codes: Sequence[str], table: Codes) -> str:
    """The most serious of `codes` (see the module docstring); "" for none."""
    def key(code: str) -> tuple[int, int, int, str]:
        row = table[code]
        return (_RANK.get(code, len(HIERARCHY)), AGAINST_ORDER.get(row.crime_against, 9),
                0 if row.group == "A" else 1, code)

    return min(codes, key=key) if codes else ""


@dataclass(frozen=True, slots=True)
class OffenseFacts:
    """What follows from an incident's offenses alone (a file repeats a few hundred combinations, so the
    importer works each one out once and shares it between rows)."""

    primary_offense: str
    offense_firearm: tuple[bool, ...]
    is_firearm: bool
    is_violent: bool
    is_shooting: bool
    has_homicide: bool
    victim_identifying: bool
    label_mask: int  # the labels that follow from the offenses alone


def offense_facts(offenses: OffenseKey, table: Codes) -> OffenseFacts:
    codes = [code for code, _ in offenses]
    identifying = not VICTIM_IDENTIFYING_CODES.isdisjoint(codes)
    firearm = tuple(involves_firearm(weapons) for _, weapons in offenses)
    shooting = any(armed and (table[code].crime_against == "person" or code == ROBBERY)
                   for code, armed in zip(codes, firearm, strict=True))
    return OffenseFacts(
        primary_offense=primary_offense(codes, table), offense_firearm=firearm, is_firearm=any(firearm),
        is_violent=any(table[c].is_violent for c in codes), is_shooting=shooting, has_homicide=HOMICIDE in codes,
        victim_identifying=identifying, label_mask=int(Sensitivity.VICTIM_IDENTIFYING) if identifying else 0)


def any_juvenile(*groups: Iterable[HasAge]) -> bool:
    """True when anyone in the groups (victims, offenders, arrestees) is known to be under 18."""
    for group in groups:
        for person in group:
            age = person.age
            if age is not None and age < ADULT_AGE:
                return True
    return False


_JUVENILE = int(Sensitivity.JUVENILE)


def labels(offenses: OffenseFacts, juvenile: bool) -> int:
    """The sensitivity labels the facts call for, as the `ProtectedModel.sensitivity` bit mask."""
    return (offenses.label_mask | _JUVENILE) if juvenile else offenses.label_mask


def incident_is_fatal(offenses: OffenseFacts, victim_count: int) -> bool:
    return offenses.has_homicide and victim_count > 0


def victim_is_fatal(incident_fatal: bool, victim_offense_codes: Sequence[str]) -> bool:
    return incident_fatal and (HOMICIDE in victim_offense_codes or not victim_offense_codes)


def victim_is_shot(offenses: OffenseFacts, victim_type: str) -> bool:
    return offenses.is_shooting and victim_type in PERSON_VICTIM_TYPES


_NO_FLAGS = tuple((False,) * n for n in range(16))


def people_facts(offenses: OffenseFacts, victims: Sequence[VictimLike], offenders: Sequence[HasAge] = (),
                 arrestees: Sequence[HasAge] = ()) -> tuple[bool, int, tuple[bool, ...], tuple[bool, ...]]:
    """(is_fatal, sensitivity, per-victim fatal, per-victim shot): what needs the people as well as the offenses.

    The same rules as `incident_is_fatal`, `any_juvenile`, `labels`, `victim_is_fatal` and `victim_is_shot`, in
    one call because the importer runs it for every row of a file.
    """
    # any_juvenile and labels, unrolled: this is the importer's per-row hot path.
    juvenile = False
    for person in victims:
        age = person.age
        if age is not None and age < ADULT_AGE:
            juvenile = True
            break
    if not juvenile and offenders:
        juvenile = any_juvenile(offenders)
    if not juvenile and arrestees:
        juvenile = any_juvenile(arrestees)
    mask = (offenses.label_mask | _JUVENILE) if juvenile else offenses.label_mask
    count = len(victims)
    fatal = offenses.has_homicide and count > 0
    if fatal or offenses.is_shooting:
        victim_fatal = tuple([victim_is_fatal(fatal, v.offense_codes) for v in victims])
        victim_shot = tuple([victim_is_shot(offenses, v.victim_type) for v in victims])
    else:
        victim_fatal = victim_shot = _NO_FLAGS[count] if count < 16 else (False,) * count
    return fatal, mask, victim_fatal, victim_shot


@dataclass(frozen=True, slots=True)
class VictimValues:
    """The victim values the rules read."""

    victim_type: str = "I"
    age: int | None = None
    offense_codes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class IncidentFacts:
    """Every derived value of one incident and of its offenses and victims (in the order given)."""

    primary_offense: str
    is_firearm: bool
    is_violent: bool
    is_shooting: bool
    is_fatal: bool
    sensitivity: int
    offense_count: int
    victim_count: int
    offense_firearm: tuple[bool, ...]
    victim_fatal: tuple[bool, ...]
    victim_shot: tuple[bool, ...]


def derive(*, offenses: Sequence[tuple[str, Sequence[str]]], victims: Sequence[VictimValues], table: Codes,
           offenders: Sequence[HasAge] = (), arrestees: Sequence[HasAge] = (),
           known: OffenseFacts | None = None) -> IncidentFacts:
    """All facts of one incident. `offenses` are (NIBRS code, weapon/force codes) pairs; every code must be
    in `table`. `known` passes facts already worked out for the same offenses (the importer's cache)."""
    of = known if known is not None else offense_facts(
        tuple((code, tuple(weapons)) for code, weapons in offenses), table)
    fatal, mask, victim_fatal, victim_shot = people_facts(of, victims, offenders, arrestees)
    return IncidentFacts(
        primary_offense=of.primary_offense, is_firearm=of.is_firearm, is_violent=of.is_violent,
        is_shooting=of.is_shooting, is_fatal=fatal, sensitivity=mask, offense_count=len(offenses),
        victim_count=len(victims), offense_firearm=of.offense_firearm, victim_fatal=victim_fatal,
        victim_shot=victim_shot)


# NIBRS data element 4, exceptional clearance: N (not applicable) and the five reasons A-E.
CLEARED_EXCEPTIONALLY = [("N", "N — not cleared exceptionally"), ("A", "A — death of offender"),
                         ("B", "B — prosecution declined"), ("C", "C — in custody of another jurisdiction"),
                         ("D", "D — victim refused to cooperate"), ("E", "E — juvenile, no custody")]
