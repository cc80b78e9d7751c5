"""Demo part: early intervention (runs last in `policing.PARTS`, after the parts that make complaints, uses of
force and stops).

* Vehicle pursuits: each officer's count is Poisson with mean `PURSUITS_PER_YEAR` × years × `officer_risk`, so
  pursuits carry the same latent risk as the other indicators.
* The scoring runs twice: a year before the end of the history window (so the evaluation page can compare
  those flags with the year that followed) and at its end.
* A few of the earlier flags are taken through the review in different stages (review, intervention,
  closed with a follow-up, closed with none warranted).

Idempotent: pursuits are made only when the agency has none, the scoring adds no flag twice, and reviews are
started only when no flag has left the open stage.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from typing import IO

from django.utils import timezone

from safecity.core.actors import DEMO
from safecity.core.models import Agency
from safecity.demo.policing import officer_risk
from safecity.policing.actions import ei_run, eiflag_assign, eiflag_follow_up, eiflag_intervene, pursuit_create
from safecity.policing.models import EIFlag, FlagStatus, Officer, Pursuit, PursuitOutcome

PURSUITS_PER_YEAR = 0.25
REASONS = ["traffic violation", "stolen vehicle", "felony suspect", "reckless driving", "DUI suspect"]


def _poisson(rng: random.Random, lam: float) -> int:
    # Knuth's method is fine for the small means here.
    k, p, limit = 0, 1.0, math.exp(-lam)
    while True:
        p *= rng.random()
        if p < limit:
            return k
        k += 1


def _pursuits(agency: Agency, officers: list[Officer], seed: int, start: dt.date, end: dt.date) -> int:
    if Pursuit.objects.filter(agency=agency).exists():
        return 0
    rng = random.Random(f"{seed}:pursuits")
    years = (end - start).days / 365.0
    now = timezone.now()
    made = 0
    for officer in officers:
        hired = officer.hire_date or start
        for _ in range(_poisson(rng, PURSUITS_PER_YEAR * years * officer_risk(officer, seed))):
            first = max(start, hired)
            day = first + dt.timedelta(days=rng.randint(0, max((end - first).days, 0)))
            at = dt.datetime.combine(day, dt.time(rng.randint(0, 23), rng.randint(0, 59)), tzinfo=dt.UTC)
            if at > now:
                continue
            outcome = rng.choices(PursuitOutcome.values, [0.4, 0.35, 0.15, 0.1])[0]
            pursuit_create(actor=DEMO, agency=agency, officer=officer, started_at=at, reason=rng.choice(REASONS),
                           outcome=outcome, injuries=rng.random() < 0.15)
            made += 1
    return made


def _reviews(agency: Agency, as_of: dt.date, seed: int) -> int:
    if EIFlag.objects.filter(agency=agency).exclude(status=FlagStatus.OPEN).exists():
        return 0
    rng = random.Random(f"{seed}:reviews")
    flags = list(EIFlag.objects.filter(agency=agency, as_of=as_of).select_related("officer").order_by("officer_id"))
    sergeants = list(Officer.objects.filter(agency=agency, rank__in=["sergeant", "lieutenant"]).order_by("id"))
    today = timezone.localdate()
    done = 0
    for i, flag in enumerate(flags[:8]):
        supervisor = next((s for s in sergeants if s.unit_id == flag.officer.unit_id and s.pk != flag.officer_id),
                          next((s for s in sergeants if s.pk != flag.officer_id), None))
        if supervisor is None:
            break
        eiflag_assign(actor=DEMO, flag=flag, supervisor=supervisor, notes="Read the officer's reports of the period.")
        stage = i % 4
        if stage == 1:
            eiflag_intervene(actor=DEMO, flag=flag, intervention="none",
                             notes="Each use of force was reviewed and found within policy.")
        elif stage in (2, 3):
            kind = rng.choice(["counselling", "training", "eap"])
            due = min(today, as_of + dt.timedelta(days=90))
            eiflag_intervene(actor=DEMO, flag=flag, intervention=kind, notes="Agreed with the officer.",
                             follow_up_due=due)
            if stage == 3:
                eiflag_follow_up(actor=DEMO, flag=flag, follow_up_on=due,
                                 outcome="Completed; no further concerns at the follow-up meeting.")
        done += 1
    return done


def build(*, agency: Agency, officers: list[Officer], seed: int, start: dt.date, end: dt.date,
          out: IO[str] | None = None) -> None:
    made = _pursuits(agency, officers, seed, start, end)
    earlier = end - dt.timedelta(days=365)
    first = ei_run(actor=DEMO, agency=agency, as_of=earlier)
    last = ei_run(actor=DEMO, agency=agency, as_of=end)
    reviews = _reviews(agency, earlier, seed)
    if out is not None:
        out.write(f"Early intervention: {made} pursuits; flags {len(first)} on {earlier}, {len(last)} on {end}; "
                  f"{reviews} reviews started.\n")
