"""Demo training records for Riverton: courses, sessions and three years of completions with realistic gaps.

The demo city's state is the fictional "ZZ", whose rule in the pack (ZZ-demo) asks for 24 hours in a
rolling 12 months incl. firearms 4 h and de-escalation 2 h. Each officer follows one profile, drawn once
from the seed, for the most recent year (earlier years are all "regular"):

* regular (70%): firearms qualification, de-escalation refresher, use-of-force and legal updates, first aid
  and three other courses a year (28 to 40 hours): compliant unless a failed course or a late hire date
  leaves them short;
* behind (12%): only two of those courses in the last year: short of hours;
* no firearms (8%): everything but the firearms qualification: short on the firearms topic;
* lapsing (10%): a full year's training, all taken 10 to 11.5 months ago: compliant today, lapsing within
  about two months.

Officers hired within the last year have only what they took since. About 3% of completions are failed
(they do not count). Everything goes through the policing actions; re-running adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import IO

from safecity.core.actors import DEMO
from safecity.core.models import Agency
from safecity.policing.actions import AttendanceRow, attendance_bulk_record, course_create, session_bulk_create
from safecity.policing.models import Course, Officer, TrainingSession

COURSES = [
    ("FA-QUAL", "Firearms qualification", "firearms", "4", "practical"),
    ("FA-LOWLIGHT", "Low-light firearms", "firearms", "4", "practical"),
    ("DE-ESC", "De-escalation (ICAT)", "de_escalation", "8", "blended"),
    ("DE-REF", "De-escalation refresher", "de_escalation", "2", "online"),
    ("CIT-REF", "Crisis intervention refresher", "crisis_intervention", "8", "classroom"),
    ("BIAS", "Implicit bias and procedural justice", "implicit_bias", "4", "classroom"),
    ("UOF", "Use-of-force policy update", "use_of_force", "2", "online"),
    ("DT", "Defensive tactics", "arrest_control", "4", "practical"),
    ("LEG", "Legal updates", "legal_updates", "4", "online"),
    ("CPR", "First aid and CPR", "first_aid", "4", "practical"),
    ("EVOC", "Emergency vehicle operations", "driving", "8", "practical"),
    ("COMM", "Tactical communications", "communications", "4", "classroom"),
]
CORE = ["FA-QUAL", "DE-REF", "UOF", "LEG", "CPR"]  # 16 h; with three electives (4 h or 8 h) at least 28 h
ELECTIVES = ["FA-LOWLIGHT", "DE-ESC", "CIT-REF", "BIAS", "DT", "EVOC", "COMM"]
INSTRUCTORS = ["Sgt. M. Alvarez", "Lt. D. Chen", "Ofc. R. Okafor", "Dr. S. Patel", "Sgt. K. Jensen"]
PROFILES = [("regular", 0.70), ("behind", 0.12), ("no_firearms", 0.08), ("lapsing", 0.10)]


def _courses(agency: Agency) -> dict[str, Course]:
    have = {c.code: c for c in Course.objects.filter(agency=agency)}
    for code, title, topic, hours, delivery in COURSES:
        if code not in have:
            have[code] = course_create(actor=DEMO, agency=agency, code=code, title=title, topic=topic,
                                       hours=Decimal(hours), delivery=delivery)
    return have


def _sessions(agency: Agency, courses: dict[str, Course], rng: random.Random, start: dt.date,
              end: dt.date) -> dict[str, list[TrainingSession]]:
    found: dict[str, list[TrainingSession]] = {code: [] for code in courses}
    existing = list(TrainingSession.objects.filter(agency=agency).select_related("course"))
    if existing:
        for s in sorted(existing, key=lambda s: (s.date, s.pk)):
            found.setdefault(s.course.code, []).append(s)
        return found
    planned: list[tuple[Course, dt.date, str, str]] = []
    for code, course in courses.items():
        every = 30 if code in ("FA-QUAL", "DE-REF", "UOF", "LEG") else 60
        day = start + dt.timedelta(days=rng.randint(0, every - 1))
        while day <= end:
            location = "Riverton range" if course.topic == "firearms" else "Riverton Training Academy"
            planned.append((course, day, rng.choice(INSTRUCTORS), location))
            day += dt.timedelta(days=every + rng.randint(-5, 5))
    for s in session_bulk_create(actor=DEMO, agency=agency, sessions=planned):
        found[s.course.code].append(s)
    return found


def _pick(sessions: list[TrainingSession], lo: dt.date, hi: dt.date, rng: random.Random) -> TrainingSession | None:
    fitting = [s for s in sessions if lo <= s.date <= hi]
    return rng.choice(fitting) if fitting else None


def build(*, agency: Agency, officers: list[Officer], seed: int, start: dt.date, end: dt.date,
          out: IO[str] | None = None) -> None:
    # Sessions draw from their own generator, so a re-run (which reads the sessions back instead of making
    # them) draws the same completions and adds nothing.
    courses = _courses(agency)
    sessions = _sessions(agency, courses, random.Random(f"{seed}:training-sessions"), start, end)
    rng = random.Random(f"{seed}:training")
    rows: list[AttendanceRow] = []
    for officer in officers:
        profile = rng.choices([p for p, _ in PROFILES], [w for _, w in PROFILES])[0]
        hired = officer.hire_date or start
        for k in range(3):
            hi = end - dt.timedelta(days=365 * k)
            lo = hi - dt.timedelta(days=364)
            plan = CORE + rng.sample(ELECTIVES, 3)
            if k == 0 and profile == "behind":
                plan = rng.sample(plan, 2)
            elif k == 0 and profile == "no_firearms":
                plan = [c for c in plan if courses[c].topic != "firearms"]
            elif k == 0 and profile == "lapsing":
                lo, hi = end - dt.timedelta(days=350), end - dt.timedelta(days=305)
            taken: set[tuple[str, dt.date]] = set()
            for code in plan:
                session = _pick(sessions[code], max(lo, hired), hi, rng)
                if session is None or (code, session.date) in taken:
                    continue
                taken.add((code, session.date))
                score = Decimal(rng.randint(62, 100))
                rows.append(AttendanceRow(officer=officer, course=courses[code], completed_on=session.date,
                                          session=session, score=score, passed=rng.random() > 0.03))
    added = attendance_bulk_record(actor=DEMO, agency=agency, rows=rows)
    if out is not None:
        out.write(f"Policing training: {len(courses)} courses, {sum(len(v) for v in sessions.values())} sessions, "
                  f"{added} completions added.\n")
