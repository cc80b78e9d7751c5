"""Riverton's complaints against officers (synthetic; no figure here is taken from a real department).

Per officer, the number of complaints naming them over the history window is a Poisson draw with mean
`BASE_RATE × officer_risk(officer) × years on the force within the window`, so complaint counts follow the
documented latent risk and the early-intervention evaluation has something true to find. Each complaint
accuses that one officer (one to three allegations). Sources, channels, categories and findings are drawn
from the made-up shares below — about 12 % of allegations sustained, the rest mostly not sustained,
unfounded or exonerated, which is the general shape published complaint data show, but the numbers are ours.

Each complaint then walks the workflow with made-up stage durations, stopping where the window ends, so the
recent ones are still open at every stage and some are past their rule-pack deadline; a few carry deadline
extensions with reasons and oversight-board comments. Everything goes through the complaint actions (one
bulk load, a few extensions); re-running adds nothing.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from typing import IO

from safecity.core.actors import DEMO
from safecity.core.models import Agency
from safecity.demo.policing import officer_risk
from safecity.policing.actions import AllegationIn, ComplainantIn, ComplaintIn, complaint_extend, complaints_bulk_load
from safecity.policing.models import Complaint, Officer

BASE_RATE = 0.25  # complaints per officer-year at average risk (synthetic)
SOURCES = [("civilian", 0.55), ("anonymous", 0.15), ("third_party", 0.10), ("internal", 0.20)]
CHANNELS = [("in_person", 0.25), ("phone", 0.25), ("web", 0.3), ("email", 0.1), ("mail", 0.05), ("referral", 0.05)]
CATEGORIES = [("discourtesy", 0.25), ("neglect_of_duty", 0.18), ("improper_search", 0.12), ("excessive_force", 0.12),
              ("bwc_activation", 0.10), ("bias", 0.08), ("false_arrest", 0.06), ("other", 0.09)]
FINDINGS = [("sustained", 0.12), ("not_sustained", 0.38), ("unfounded", 0.22), ("exonerated", 0.20), ("other", 0.08)]
DISCIPLINE = ["Counselling", "Written reprimand", "Remedial training", "1-day suspension", "3-day suspension"]
SUMMARIES = {
    "discourtesy": "Complainant says the officer was rude and used profanity during a call for service.",
    "neglect_of_duty": "Complainant says the officer did not take a report or follow up as promised.",
    "improper_search": "Complainant says the officer searched their car during a traffic stop without consent.",
    "excessive_force": "Complainant says the officer used more force than needed during an arrest.",
    "bwc_activation": "Review found the officer's body camera was not recording during the contact.",
    "bias": "Complainant believes they were stopped because of their race.",
    "false_arrest": "Complainant says they were detained without cause and released without charge.",
    "other": "Complainant raises conduct not covered by the listed categories.",
}
FIRST = ["Ana", "Ben", "Chloe", "Dev", "Elena", "Femi", "Grace", "Hugo", "Iris", "Jon", "Kira", "Luis", "Mina", "Noor"]
LAST = ["Abbott", "Baker", "Castro", "Dunn", "Ellis", "Fischer", "Gomez", "Hale", "Ito", "Jones", "Khan", "Lee"]
RACES = ["black", "white", "hispanic", "asian/pacific islander", ""]
BOARD = "Riverton Police Review Board"
BOARD_REMARKS = [
    "The board asks that the body-camera footage of the whole contact be reviewed before findings.",
    "Please interview the second witness named in the intake notes.",
    "The board notes this is the officer's third complaint of this kind this year.",
    "The board agrees with the proposed finding and has no further questions.",
]


def _pick(rng: random.Random, table: list[tuple[str, float]]) -> str:
    return rng.choices([k for k, _ in table], [w for _, w in table])[0]


def _poisson(rng: random.Random, mean: float) -> int:
    """Knuth's product-of-uniforms draw; the means here are small (a few events)."""
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, max(0, (last - first).days)))


def build(*, agency: Agency, officers: list[Officer], seed: int, start: dt.date, end: dt.date,
          out: IO[str] | None = None) -> None:
    if Complaint.objects.filter(agency=agency).exists():
        return  # idempotent: the agency's complaints were loaded before
    rng = random.Random(f"{seed}:complaints")
    investigators = [o for o in officers if o.rank in ("sergeant", "lieutenant", "detective")]
    specs: list[ComplaintIn] = []
    closings: list[list[tuple[str, dt.date, str]]] = []
    findings: list[list[tuple[str, dt.date | None, str]]] = []
    assigned: list[Officer | None] = []
    remarks: list[list[tuple[str, str, str]]] = []
    for officer in officers:
        first = max(start, officer.hire_date or start)
        years = max(0.0, ((end - first).days + 1) / 365.25)
        for _ in range(_poisson(rng, BASE_RATE * officer_risk(officer, seed) * years)):
            received = _day(rng, first, end)
            source = _pick(rng, SOURCES)
            cats = list(dict.fromkeys(_pick(rng, CATEGORIES) for _ in range(rng.choices([1, 2, 3], [70, 25, 5])[0])))
            person = None
            if source in ("civilian", "third_party"):
                person = ComplainantIn(name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                                       contact=f"555-01{rng.randint(0, 99):02d}", race=rng.choice(RACES),
                                       sex=rng.choice(["female", "male", ""]), age=rng.randint(18, 80),
                                       relationship="witness" if source == "third_party" else "")
            district = officer.unit.district if officer.unit is not None else None
            specs.append(ComplaintIn(
                received_on=received, occurred_on=received - dt.timedelta(days=rng.randint(0, 20)), source=source,
                channel=_pick(rng, CHANNELS), location=f"{rng.randint(1, 48) * 100} block, {district.name}"
                if district is not None else "", district=district, summary=SUMMARIES[cats[0]],
                complainant=person, allegations=[AllegationIn(officer=officer, category=c) for c in cats]))
            # the stages, with made-up durations, as far as the window reaches
            steps: list[tuple[str, dt.date, str]] = []
            day = received + dt.timedelta(days=rng.randint(1, 16))  # intake rule: 10 days; some late
            plan = [("assigned", 0), ("investigating", rng.randint(1, 25)), ("review", rng.randint(60, 280)),
                    ("closed", rng.randint(10, 75))]
            for status, gap in plan:
                day = day + dt.timedelta(days=gap)
                if day > end:
                    break
                steps.append((status, day, ""))
            inv = rng.choice([o for o in investigators if o.pk != officer.pk]) if steps else None
            reached = {s for s, _, _ in steps}
            decided = "review" in reached
            finding_day = next((d for s, d, _ in steps if s == "review"), None)
            rows: list[tuple[str, dt.date | None, str]] = []
            for _c in cats:
                if not decided:
                    rows.append(("pending", None, ""))
                    continue
                finding = _pick(rng, FINDINGS)
                rows.append((finding, finding_day, rng.choice(DISCIPLINE) if finding == "sustained" else ""))
            notes = []
            if decided and rng.random() < 0.15:
                notes.append((BOARD, "oversight", rng.choice(BOARD_REMARKS)))
            closings.append(steps)
            findings.append(rows)
            assigned.append(inv)
            remarks.append(notes)
    complaints_bulk_load(actor=DEMO, agency=agency, complaints=specs, closings=closings, findings=findings,
                                 investigators=assigned, comments=remarks)
    # a few overdue investigations get an extension with its reason, as a commander would record it
    late = list(Complaint.objects.filter(agency=agency, status="investigating", due_on__lt=end).order_by("due_on")[:3])
    for complaint in late:
        assert complaint.due_on is not None
        complaint_extend(actor=DEMO, complaint=complaint, due_on=complaint.due_on + dt.timedelta(days=60),
                                 reason="Awaiting the prosecutor's decision on a related criminal case.")
    if out is not None:
        total = Complaint.objects.filter(agency=agency).count()
        open_ = Complaint.objects.filter(agency=agency).exclude(status="closed").count()
        out.write(f"Policing: {total} complaints ({open_} open).\n")
