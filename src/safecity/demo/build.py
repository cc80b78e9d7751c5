"""Build the demo city, Riverton, reproducibly from a seed (public ids stay random). Safe to run again."""

from __future__ import annotations

import random
from typing import IO, Any

from django.db import transaction

from safecity.core import actions
from safecity.core.actors import DEMO
from safecity.core.models import Agency, AgencyType, User
from safecity.core.roles import Role
from safecity.demo.geography import DISTRICT_NAMES, build_geography, geojson

CITY = "Riverton"
POPULATION = 612_480
POLICE_ORI = "ZZ0010000"

# ORIs beginning ZZ are not assigned to any real state, so demo data can never be mistaken for real data.
AGENCIES: list[dict[str, Any]] = [
    {"ori": "ZZ0019900", "name": "City of Riverton", "agency_type": AgencyType.CITY, "population": POPULATION},
    {"ori": POLICE_ORI, "name": "Riverton Police Department", "agency_type": AgencyType.POLICE,
     "population": POPULATION},
    {"ori": "ZZ0020000", "name": "Alder County Sheriff's Office", "agency_type": AgencyType.SHERIFF,
     "population": 148_210},
    {"ori": "ZZ001FD00", "name": "Riverton Fire Department", "agency_type": AgencyType.FIRE,
     "population": POPULATION},
    {"ori": "ZZ001HD00", "name": "Riverton Department of Public Health", "agency_type": AgencyType.HEALTH,
     "population": POPULATION},
    {"ori": "ZZ001RN00", "name": "Second Chance Riverton (reentry nonprofit)", "agency_type": AgencyType.REENTRY,
     "population": None},
]

# (username, role, agency ORI, display name). Passwords are printed by `make demo`; demo only.
PERSONAS: list[tuple[str, str, str, str]] = [
    ("admin", Role.ADMIN, POLICE_ORI, "Alex Admin"),
    ("chief", Role.COMMAND, POLICE_ORI, "Casey Chief"),
    ("analyst", Role.ANALYST, POLICE_ORI, "Ana Analyst"),
    ("officer", Role.OFFICER, POLICE_ORI, "Omar Officer"),
    ("oversight", Role.OVERSIGHT, POLICE_ORI, "Olivia Oversight"),
    ("erpo", Role.ERPO, POLICE_ORI, "Erin ERPO"),
    ("intel", Role.INTEL, POLICE_ORI, "Ivan Intel"),
    ("caseworker", Role.CASEWORKER, "ZZ001RN00", "Cam Caseworker"),
    ("grants", Role.GRANTS, "ZZ0019900", "Grace Grants"),
    ("public", Role.PUBLIC, "ZZ0019900", "Pat Public"),
    ("deputy", Role.OFFICER, "ZZ0020000", "Dana Deputy"),
    ("mayor", Role.EXECUTIVE, "ZZ0019900", "Morgan Mayor"),
]
# A persona's role in further agencies: the mayor's questions cover the police and the sheriff alike.
ALSO_GRANTED: dict[str, tuple[str, ...]] = {"mayor": (POLICE_ORI, "ZZ0020000")}


_WORDS = ["maple", "harbor", "lantern", "copper", "meadow", "granite", "willow", "falcon", "orchard", "summit",
          "cedar", "beacon", "prairie", "quartz"]


def demo_password(username: str) -> str:
    """A fixed pass-phrase per demo account (never use these outside the demo)."""
    n = sum(map(ord, username))
    return f"{_WORDS[n % 14]}-{_WORDS[(n // 14) % 14]}-tide-{n % 97:02d}"


def build_demo(*, seed: int = 2026, incidents: bool = True, out: IO[str] | None = None,
               ids: random.Random | None = None) -> None:
    """Build the demo city. `seed` fixes the data; public ids are random unless a test passes a seeded `ids`."""
    from safecity.incidents.actions import offense_code_table_load

    rng = random.Random(seed)
    with transaction.atomic():
        offense_code_table_load()  # normally loaded by a migration; a flushed test database needs it again
        agencies = _agencies()
        _geography(agencies[POLICE_ORI], rng)
        _geography(agencies["ZZ0020000"], random.Random(seed + 1), prefix="S")
        _personas(agencies)
    if incidents:
        from safecity.demo.incidents import generate_incidents

        generate_incidents(agency=agencies[POLICE_ORI], seed=seed, out=out, ids=ids)
        generate_incidents(agency=agencies["ZZ0020000"], seed=seed + 7, out=out, scale=0.1, ids=ids)
    if incidents:
        from safecity.demo.policing import build_policing

        build_policing(agency=agencies[POLICE_ORI], seed=seed, out=out)
    if out is not None:
        out.write(f"\nDemo city {CITY} is ready. Sign in with any of these accounts (demo only):\n")
        out.write(f"  {'user name':<12} {'password':<32} role\n")
        for username, role, ori, _ in PERSONAS:
            out.write(f"  {username:<12} {demo_password(username):<32} {Role(role).label} ({ori})\n")
        out.write(f"  {'cityadmin':<12} {demo_password('cityadmin'):<32} Platform administrator\n")


def _agencies() -> dict[str, Agency]:
    found: dict[str, Agency] = {}
    city = None
    for spec in AGENCIES:
        agency = Agency.objects.filter(ori=spec["ori"]).first()
        if agency is None:
            agency = actions.agency_create(actor=DEMO, ori=spec["ori"], name=spec["name"],
                                           agency_type=spec["agency_type"], jurisdiction=CITY, state="ZZ",
                                           parent=city if spec["agency_type"] != AgencyType.CITY else None)
        if spec["population"]:
            for year, factor in ((2023, 0.992), (2024, 0.996), (2025, 1.0), (2026, 1.003)):
                actions.agency_population_set(actor=DEMO, agency=agency, year=year,
                                              population=round(spec["population"] * factor),
                                              source="Synthetic demo figure")
        if spec["agency_type"] == AgencyType.CITY:
            city = agency
        found[spec["ori"]] = agency
    return found


def _geography(agency: Agency, rng: random.Random, prefix: str = "") -> None:
    population = agency.population(2026) or 0
    districts, beats = build_geography(rng, population)
    saved = []
    for i, shape in enumerate(districts):
        pop = sum(b.population for b in beats if b.district_index == i)
        saved.append(actions.district_save(actor=DEMO, agency=agency, code=f"{prefix}{i + 1}",
                                           name=f"{DISTRICT_NAMES[i]} District", geometry=geojson(shape),
                                           population=pop))
    for b in beats:
        actions.beat_save(actor=DEMO, district=saved[b.district_index], code=f"{prefix}{b.code}",
                          name=f"Beat {prefix}{b.code}", geometry=geojson(b.polygon), population=b.population)


def _personas(agencies: dict[str, Agency]) -> None:
    for username, role, ori, display in PERSONAS:
        user = _ensure_user(username, display, agencies[ori])
        for granted_in in (ori, *ALSO_GRANTED.get(username, ())):
            actions.role_grant(actor=DEMO, user=user, agency=agencies[granted_in], role=role)
    _ensure_user("cityadmin", "City Platform Admin", agencies["ZZ0019900"], superuser=True)


def _ensure_user(username: str, display: str, agency: Agency, superuser: bool = False) -> User:
    user = User.objects.filter(username=username).first()
    first, _, last = display.partition(" ")
    if user is None:
        user = actions.user_create(actor=DEMO, username=username, email=f"{username}@riverton.example",
                                   password=demo_password(username), first_name=first, last_name=last,
                                   home_agency=agency, is_superuser=superuser)
    elif not user.check_password(demo_password(username)):
        user.set_password(demo_password(username))
        user.save(update_fields=["password"])
    return user
