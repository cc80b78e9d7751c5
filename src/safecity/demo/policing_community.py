"""Community problem solving in the demo: SARA projects, community meetings and resident survey waves.

What is built (documented so a person can check the pages):

* **A SARA project on the planted robbery uptick** (the first beat of the first district, code ``101``:
  robberies rise over the last 8 weeks, see ``demo/incidents.py``). It is in the Response step; its assessment
  counts robberies (NIBRS 120) from the incidents, target = that beat, buffer = the other beats of its
  district, control = the beats of the next district, before = the 8 weeks before the rise, after = the last
  8 weeks. The WDD is positive and its interval lies above zero: the page measures the problem (the rise
  relative to the control), which is what an assessment at this point honestly shows.
* **A closed project on a hot-spot beat** (the beat, other than ``101``, with the most burglaries in the past
  year): burglaries (220) six months before vs six months after a response a year ago. No reduction was
  planted, so the WDD's interval should include zero — the demo does not pretend the response worked.
* **A project with hand-entered counts** (graffiti work orders from the parks department, data kept outside
  the system), in the Analysis step, with counts drawn from Poisson rates (a 35% fall planted in the target).
* **Meetings**: one per district per quarter for the last 18 months, 1–3 concerns each and a follow-up per
  concern, due 30 days after the meeting; follow-ups more than 30 days past due are done with probability
  0.8, the rest stay open — so the overdue list holds a few.
* **Surveys**: three waves (two years ago, one year ago, two months ago), every district, five items, n ≈ 180–320
  per district and item, agree ~ Binomial(n, p) with p = a district's level plus a per-district trend per wave
  (trust rises in the first district, falls in the third), so the chart shows movement and its uncertainty.

Everything goes through the policing actions, is reproducible from ``seed``, idempotent (each part is skipped
when its records exist) and dated no later than ``end`` (yesterday).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from typing import IO, Any

from django.db import transaction
from django.db.models import Count

import safecity.policing.actions as actions
from safecity.core.actors import DEMO
from safecity.core.models import Agency, Beat, District
from safecity.incidents.models import Incident
from safecity.policing.models import (
    ConcernCategory,
    Meeting,
    ProblemProject,
    SurveyItem,
    SurveyMethod,
    SurveyWave,
)

UPTICK_TITLE = "Street robberies around the beat {beat} transit stop"
HOTSPOT_TITLE = "Garage burglaries in beat {beat}"
MANUAL_TITLE = "Graffiti and vandalism at Riverside Park"
VENUES = ["Public library, community room", "Recreation centre gym", "Church hall", "Middle school cafeteria",
          "Senior centre"]
CONCERNS = {
    ConcernCategory.TRAFFIC: ["Speeding on the main avenue", "Cars running the school-zone light"],
    ConcernCategory.DRUGS: ["Dealing outside the corner store", "Needles in the alley behind the market"],
    ConcernCategory.PROPERTY: ["Catalytic converter thefts", "Package thefts from porches"],
    ConcernCategory.VIOLENCE: ["Shots heard at night near the park", "Fights outside the bar at closing"],
    ConcernCategory.DISORDER: ["Loud parties on weekends", "Abandoned cars on the block"],
    ConcernCategory.ENVIRONMENT: ["Street lights out on the side streets", "Vacant house used for squatting"],
    ConcernCategory.CONDUCT: ["Slow response to 911 calls", "Officers not introducing themselves at stops"],
    ConcernCategory.YOUTH: ["Nothing for teenagers to do after school"],
}
FOLLOW_UPS = {
    ConcernCategory.TRAFFIC: ("Speed survey and directed patrols", "Traffic Enforcement"),
    ConcernCategory.DRUGS: ("Narcotics complaint to the district tactical team", "District tactical lieutenant"),
    ConcernCategory.PROPERTY: ("Etching event and crime-prevention flyers", "Community Policing Unit"),
    ConcernCategory.VIOLENCE: ("Report back on shot-spotter and patrol coverage", "District commander"),
    ConcernCategory.DISORDER: ("Refer to the nuisance-abatement team", "City nuisance abatement"),
    ConcernCategory.ENVIRONMENT: ("Request lighting repair from public works", "Public works liaison"),
    ConcernCategory.CONDUCT: ("Review response times and report at the next meeting", "District commander"),
    ConcernCategory.YOUTH: ("Invite parks and recreation to the next meeting", "Community Policing Unit"),
}
# Survey levels (proportion agreeing) per item, and per district an offset and a change per wave.
ITEM_LEVEL = {SurveyItem.RESPECT: 0.66, SurveyItem.FAIR: 0.55, SurveyItem.TRUST: 0.52, SurveyItem.LISTEN: 0.47,
              SurveyItem.SAFE: 0.61}
DISTRICT_SHIFT = [(0.02, 0.05), (0.08, 0.0), (-0.04, -0.045), (0.05, 0.015), (-0.10, 0.02)]


def _poisson(rng: random.Random, lam: float) -> int:
    """Knuth's method (small rates only), so the demo needs nothing beyond the standard library."""
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _binomial(rng: random.Random, n: int, p: float) -> int:
    return sum(rng.random() < p for _ in range(n))


def _design(agency: Agency, target: Beat) -> tuple[list[str], list[str]]:
    """Buffer = the other beats of the target's district; control = the beats of the next district."""
    buffer = list(Beat.objects.filter(agency=agency, district=target.district).exclude(pk=target.pk)
                  .order_by("code").values_list("code", flat=True))
    districts = list(District.objects.filter(agency=agency).order_by("code"))
    other = next((d for d in districts[districts.index(target.district) + 1:] + districts
                  if d.pk != target.district_id), None)
    control = list(Beat.objects.filter(agency=agency, district=other).order_by("code").values_list("code", flat=True))
    return buffer, control


def _to_step(project: ProblemProject, step: str, on: dt.date) -> None:
    order = ["scanning", "analysis", "response", "assessment", "closed"]
    while order.index(project.status) < order.index(step):
        actions.project_advance(actor=DEMO, project=project, to=order[order.index(project.status) + 1], on=on)


def _uptick_project(agency: Agency, target: Beat, end: dt.date) -> None:
    title = UPTICK_TITLE.format(beat=target.code)
    if ProblemProject.objects.filter(agency=agency, title=title).exists():
        return
    buffer, control = _design(agency, target)
    rise = end - dt.timedelta(days=55)  # the last 8 weeks, as the incident generator plants them
    project = actions.project_create(
        actor=DEMO, agency=agency, beat=target, title=title, opened=rise + dt.timedelta(days=24),
        place="Bus transfer stop and the two blocks around it",
        problem_statement=(f"The uptick report flagged robberies in beat {target.code}: riders robbed of phones "
                           "while waiting for buses, mostly after dark. Raised by the beat officer and at the "
                           "district advisory council."))
    actions.project_update(actor=DEMO, project=project, analysis_notes=(
        "Robberies in the beat rose over the last eight weeks while the rest of the district stayed level. "
        "Most happen between 6 p.m. and midnight within 150 m of the transfer stop; victims are riders on "
        "their phones; the shelter's lights were out. See the CompStat and hot-spot figures below."),
        response_summary="Lighting repair, directed patrols at the evening peak, and a transit-ambassador pilot.")
    actions.project_set_assessment(
        actor=DEMO, project=project, before_from=rise - dt.timedelta(days=56), before_to=rise - dt.timedelta(days=1),
        after_from=rise, after_to=end, target_beats=[target.code], buffer_beats=buffer, control_beats=control,
        offense_codes=["120"])
    for days, what, partners in ((26, "Reported the broken shelter lights", "Public works; transit authority"),
                                 (30, "Directed patrols 6 p.m.–midnight at the stop", ""),
                                 (38, "Transit-ambassador pilot started", "Transit authority")):
        activity_day = rise + dt.timedelta(days=days)
        if activity_day <= end:
            actions.activity_add(actor=DEMO, project=project, date=activity_day, description=what, partners=partners)
    _to_step(project, "response", min(end, rise + dt.timedelta(days=30)))


def _hotspot_project(agency: Agency, end: dt.date, exclude: Beat) -> None:
    beats = list(Beat.objects.filter(agency=agency).exclude(pk=exclude.pk).order_by("code"))
    if not beats or ProblemProject.objects.filter(agency=agency, title__startswith="Garage burglaries").exists():
        return
    year = (end - dt.timedelta(days=364), end)
    counts = _burglaries(agency, beats, year)
    target = max(beats, key=lambda b: (counts[b.code], b.code))
    buffer, control = _design(agency, target)
    response = end - dt.timedelta(days=365)
    project = actions.project_create(
        actor=DEMO, agency=agency, beat=target, title=HOTSPOT_TITLE.format(beat=target.code),
        opened=response - dt.timedelta(days=60),
        problem_statement=f"Beat {target.code} had the most burglaries in the agency; most were detached garages.")
    actions.project_update(actor=DEMO, project=project, analysis_notes=(
        "Garages on alleys with no lighting; entries overnight; power tools and bicycles taken."),
        response_summary="Free garage-lock programme with the neighbourhood association; alley lighting.",
        assessment_notes=("Six months before against six months after the response, against the next district. "
                          "Read the interval before claiming success."))
    actions.activity_add(actor=DEMO, project=project, date=response, description="Garage-lock giveaway (140 locks)",
                         partners="Neighbourhood association")
    actions.project_set_assessment(
        actor=DEMO, project=project, before_from=response - dt.timedelta(days=182),
        before_to=response - dt.timedelta(days=1), after_from=response, after_to=response + dt.timedelta(days=181),
        target_beats=[target.code], buffer_beats=buffer, control_beats=control, offense_codes=["220"])
    _to_step(project, "closed", response + dt.timedelta(days=200))


def _burglaries(agency: Agency, beats: list[Beat], year: tuple[dt.date, dt.date]) -> dict[str, int]:
    """Burglaries (top charge 220) per beat in the year: the demo builder reads its own city directly (it is
    not a user; the pages count through `restrict()`)."""
    rows = Incident.objects.filter(agency=agency, primary_offense="220", occurred_date__range=year).values(
        "beat__code").annotate(n=Count("pk")).order_by()
    found = {r["beat__code"]: r["n"] for r in rows}
    return {b.code: int(found.get(b.code, 0)) for b in beats}


def _manual_project(agency: Agency, target: Beat, end: dt.date, rng: random.Random) -> None:
    if ProblemProject.objects.filter(agency=agency, title=MANUAL_TITLE).exists():
        return
    buffer, control = _design(agency, target)
    start = end - dt.timedelta(days=300)
    project = actions.project_create(
        actor=DEMO, agency=agency, beat=target, title=MANUAL_TITLE, opened=start, place="Riverside Park",
        problem_statement="Graffiti and broken fixtures reported weekly by the parks department.")
    # Work orders are the parks department's records, not incidents: the counts are typed in (count_source).
    lam = {"target": (60, 60 * 0.65), "buffer": (45, 44), "control": (80, 78)}
    drawn: dict[str, Any] = {f"{area}_{period}": _poisson(rng, lam[area][i])
                             for area in lam for i, period in enumerate(("before", "after"))}
    actions.project_set_assessment(
        actor=DEMO, project=project, count_source="manual", before_from=start - dt.timedelta(days=120),
        before_to=start - dt.timedelta(days=1), after_from=start + dt.timedelta(days=60),
        after_to=start + dt.timedelta(days=179), target_beats=[target.code], buffer_beats=buffer[:1],
        control_beats=control, **drawn)
    actions.project_update(actor=DEMO, project=project, analysis_notes=(
        "Counts are parks-department work orders for graffiti removal and vandalism repairs (their records, "
        "entered by hand here)."))
    _to_step(project, "analysis", start)


def _meetings(agency: Agency, end: dt.date, rng: random.Random) -> int:
    if Meeting.objects.filter(agency=agency).exists():
        return 0
    made = 0
    districts = list(District.objects.filter(agency=agency).order_by("code"))
    for quarter in range(6):
        for i, district in enumerate(districts):
            day = end - dt.timedelta(days=quarter * 91 + 7 + 3 * i)
            beats = list(Beat.objects.filter(district=district).order_by("code"))
            beat = beats[quarter % len(beats)] if beats else None
            meeting = actions.meeting_create(
                actor=DEMO, agency=agency, date=day, district=district, beat=beat,
                venue=VENUES[(i + quarter) % len(VENUES)], attendance=rng.randint(12, 85),
                minutes=f"Beat meeting for {district.name}. The commander reported the quarter's figures.")
            made += 1
            for category in rng.sample(list(CONCERNS), rng.randint(1, 3)):
                concern = actions.concern_add(actor=DEMO, meeting=meeting, category=category,
                                              description=rng.choice(CONCERNS[category]))
                what, owner = FOLLOW_UPS[category]
                due = day + dt.timedelta(days=30)
                follow_up = actions.followup_add(actor=DEMO, meeting=meeting, action=what, owner=owner, due=due,
                                                 concern=concern)
                if due < end - dt.timedelta(days=30) and rng.random() < 0.8:
                    actions.followup_update(actor=DEMO, follow_up=follow_up, status="done",
                                            completed=min(end, due + dt.timedelta(days=rng.randint(-20, 25))))
    return made


def _surveys(agency: Agency, end: dt.date, rng: random.Random) -> int:
    districts = list(District.objects.filter(agency=agency).order_by("code"))
    made = 0
    for w, ago in enumerate((730, 365, 60)):
        start = end - dt.timedelta(days=ago)
        code = f"{start.year}-{'spring' if start.month < 7 else 'fall'}"
        if SurveyWave.objects.filter(agency=agency, code=code).exists():
            continue
        n_total = 0
        results: list[tuple[District, SurveyItem, int, int]] = []
        for i, district in enumerate(districts):
            level, trend = DISTRICT_SHIFT[i % len(DISTRICT_SHIFT)]
            for item, base in ITEM_LEVEL.items():
                p = min(0.95, max(0.05, base + level + trend * w))
                n = rng.randint(180, 320)
                results.append((district, item, n, _binomial(rng, n, p)))
            n_total += max(n for d, _, n, _ in results if d == district)
        wave = actions.wave_create(
            actor=DEMO, agency=agency, code=code, name=f"Resident survey {code.replace('-', ' ')}", start=start,
            end=min(end, start + dt.timedelta(days=27)), method=SurveyMethod.MIXED if w else SurveyMethod.PHONE,
            sample_size=n_total, margin_of_error=round(100 * 1.96 * math.sqrt(0.25 / n_total), 1))
        for district, item, n, agree in results:
            actions.survey_result_set(actor=DEMO, wave=wave, district=district, item=item, n=n, agree=agree)
        made += 1
    return made


def build(*, agency: Agency, officers: list[Any], seed: int, start: dt.date, end: dt.date,
          out: IO[str] | None = None) -> None:
    rng = random.Random(f"{seed}:community:{agency.ori}")
    first = District.objects.filter(agency=agency).order_by("code").first()
    target = Beat.objects.filter(agency=agency, district=first).order_by("code").first() if first else None
    if target is None:
        return
    with transaction.atomic():
        _uptick_project(agency, target, end)
        _hotspot_project(agency, end, exclude=target)
        _manual_project(agency, target, end, rng)
        meetings = _meetings(agency, end, rng)
        waves = _surveys(agency, end, rng)
    if out is not None:
        out.write(f"Community: {ProblemProject.objects.filter(agency=agency).count()} problem-solving projects, "
                  f"{meetings} new meetings, {waves} new survey waves.\n")
