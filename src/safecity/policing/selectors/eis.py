"""Early-intervention reads: pursuits, flags and their review steps, and the per-officer event arrays the pure
scoring (`analytics.early_intervention`) works on.

The event arrays are gathered through `restrict(user, "view")` on every source (complaints and allegations,
use of force with its subjects' injuries, pursuits, stops), so a user scores only what they may see. A
system actor (the demo builder, the command line, scheduled tasks) holds no role; it reads one agency's
records whole, because it acts for that agency by design (`actors.is_system`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Count, Q, QuerySet

from safecity.analytics import early_intervention as ei
from safecity.core import rules as rule_packs
from safecity.core.actors import is_system
from safecity.core.models import Agency
from safecity.core.roles import Sensitivity
from safecity.policing.eis_rules import RULE_PACK
from safecity.policing.models import (
    Allegation,
    Assignment,
    EIFlag,
    EIFlagStep,
    Finding,
    FlagStatus,
    Injury,
    Officer,
    Pursuit,
    Stop,
    UseOfForceOfficer,
    UseOfForceSubject,
)

SCORE_WINDOW_DAYS = 365
HORIZON_DAYS = 365
DEFAULT_KS = (5, 10, 20)


def _rows(model: Any, user: Any, agency: Agency) -> QuerySet[Any]:
    base: QuerySet[Any] = model.objects.all() if is_system(user) else model.objects.restrict(user, "view")
    return base.filter(agency=agency)


# --- records ---------------------------------------------------------------------------------------------


def pursuit_list(*, user: Any, action: str = "view") -> QuerySet[Pursuit]:
    return Pursuit.objects.restrict(user, action).select_related("agency", "officer").order_by("-started_at", "id")


def pursuit_get(*, user: Any, public_id: Any, action: str = "view") -> Pursuit:
    return pursuit_list(user=user, action=action).get(public_id=public_id)


def eiflag_list(*, user: Any, action: str = "view") -> QuerySet[EIFlag]:
    return EIFlag.objects.restrict(user, action).select_related(
        "agency", "officer", "officer__unit", "supervisor").order_by("-as_of", "officer__last_name", "id")


def eiflag_get(*, user: Any, public_id: Any, action: str = "view") -> EIFlag:
    return eiflag_list(user=user, action=action).get(public_id=public_id)


def eiflag_steps(*, user: Any, flag: EIFlag) -> QuerySet[EIFlagStep]:
    return EIFlagStep.objects.restrict(user, "view").filter(flag=flag).order_by("at", "id")


def can_see_flags(*, user: Any) -> bool:
    """Whether the user is cleared for personnel records in some agency (what every EI page needs)."""
    from safecity.core.permissions import visibility_filter

    grants = visibility_filter(user, "policing", "view")
    return grants is None or any(mask & Sensitivity.PERSONNEL for mask in grants)


def ei_agencies(*, user: Any) -> list[Agency]:
    """Agencies whose flags the user may see."""
    from safecity.core import selectors as core_selectors
    from safecity.core.permissions import visibility_filter

    grants = visibility_filter(user, "policing", "view")
    agencies = core_selectors.agencies_where(user=user, module="policing", action="view").order_by("ori")
    if grants is None:
        return list(agencies)
    ok = set().union(*[ids for mask, ids in grants.items() if mask & Sensitivity.PERSONNEL])
    return [a for a in agencies if a.pk in ok]


# --- rules -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShownRule:
    rule: ei.ThresholdRule
    citation: str
    status: str
    effective_from: dt.date


def ei_rules(*, on: dt.date) -> list[ShownRule]:
    """The threshold rules in force on `on`, from the rule pack."""
    pack = rule_packs.pack(RULE_PACK.name)
    out = []
    for r in pack.in_force(on):
        values: dict[str, object] = {"key": r.key, **dict(r.values)}
        (rule,) = ei.rules_from_rows([values])
        out.append(ShownRule(rule=rule, citation=r.citation, status=str(r.status), effective_from=r.effective_from))
    return out


# --- event arrays ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EIData:
    agency: Agency
    officer_ids: list[int]
    officers: list[Officer]
    events: ei.Events
    hire: list[dt.date | None]
    separation: list[dt.date | None]
    assignments: dict[int, list[tuple[dt.date, dt.date | None, str, str]]]  # officer id → (start, end, unit, duty)

    def roster(self, as_of: dt.date) -> tuple[ei.Roster, list[str], list[str]]:
        """Service spans and peer groups (unit and assignment duty held on `as_of`) in officer order, with the
        names of the groups."""
        units: dict[str, int] = {}
        duties: dict[str, int] = {}
        unit_idx, duty_idx = [], []
        for oid in self.officer_ids:
            held = [(u, d) for s, e, u, d in self.assignments.get(oid, []) if s <= as_of and (e is None or e >= as_of)]
            unit, duty = held[-1] if held else ("", "")
            unit_idx.append(units.setdefault(unit, len(units)) if unit else -1)
            duty_idx.append(duties.setdefault(duty, len(duties)) if duty else -1)
        far = 10**9
        start = [h.toordinal() if h else 1 for h in self.hire]
        end = [s.toordinal() if s else far for s in self.separation]
        roster = ei.Roster(service_start=np.asarray(start, dtype=np.int64), service_end=np.asarray(end, dtype=np.int64),
                           unit=np.asarray(unit_idx, dtype=np.int64), assignment=np.asarray(duty_idx, dtype=np.int64))
        return roster, list(units), list(duties)

    def index_of(self, officer: Officer) -> int:
        return self.officer_ids.index(officer.pk)


def ei_data(*, user: Any, agency: Agency) -> EIData:
    """Every officer of the agency the user may see, and their events, as arrays."""
    officers = list(_rows(Officer, user, agency).select_related("unit").order_by("id"))
    index = {o.pk: i for i, o in enumerate(officers)}
    o_list: list[int] = []
    d_list: list[int] = []
    k_list: list[int] = []

    def add(officer_id: int | None, day: dt.date | None, kind: ei.Kind) -> None:
        if officer_id in index and day is not None:
            o_list.append(index[officer_id])
            d_list.append(day.toordinal())
            k_list.append(int(kind))

    # Complaints: one per complaint naming the officer; sustained: one per complaint with a sustained
    # allegation, dated by the finding when it is recorded.
    seen: set[tuple[int, int]] = set()
    for officer_id, complaint_id, received, finding, finding_date in _rows(Allegation, user, agency).values_list(
            "officer_id", "complaint_id", "complaint__received_on", "finding", "finding_date").order_by("id"):
        if (officer_id, complaint_id) not in seen:
            seen.add((officer_id, complaint_id))
            add(officer_id, received, ei.Kind.COMPLAINT)
        if finding == Finding.SUSTAINED and (officer_id, -complaint_id) not in seen:
            seen.add((officer_id, -complaint_id))
            add(officer_id, finding_date or received, ei.Kind.SUSTAINED)
    # Use of force, with the subjects' injuries (any injury → INJURY; serious or death → SERIOUS_FORCE).
    subjects = _rows(UseOfForceSubject, user, agency).values("force_incident_id").annotate(
        hurt=Count("id", filter=~Q(injury=Injury.NONE)),
        serious=Count("id", filter=Q(injury__in=[Injury.SERIOUS, Injury.DEATH])))
    hurt = {r["force_incident_id"]: (r["hurt"], r["serious"]) for r in subjects}
    from django.utils import timezone

    # Days are the agency's local calendar days (the server's time zone), as the dates of complaints and stops.
    for officer_id, incident_id, at, injured in _rows(UseOfForceOfficer, user, agency).values_list(
            "officer_id", "force_incident_id", "force_incident__occurred_at", "injured"):
        day = timezone.localtime(at).date() if at is not None else None
        add(officer_id, day, ei.Kind.FORCE)
        h, s = hurt.get(incident_id, (0, 0))
        if injured or h:
            add(officer_id, day, ei.Kind.INJURY)
        if s:
            add(officer_id, day, ei.Kind.SERIOUS_FORCE)
    for officer_id, at, injuries in _rows(Pursuit, user, agency).values_list("officer_id", "started_at", "injuries"):
        day = timezone.localtime(at).date()
        add(officer_id, day, ei.Kind.PURSUIT)
        if injuries:
            add(officer_id, day, ei.Kind.INJURY)
    for officer_id, day, searched in _rows(Stop, user, agency).filter(officer__isnull=False).values_list(
            "officer_id", "date", "search_conducted"):
        add(officer_id, day, ei.Kind.STOP)
        if searched:
            add(officer_id, day, ei.Kind.SEARCH)
    assignments: dict[int, list[tuple[dt.date, dt.date | None, str, str]]] = {}
    for officer_id, start, end, unit_code, duty in _rows(Assignment, user, agency).order_by("started").values_list(
            "officer_id", "started", "ended", "unit__code", "duty"):
        assignments.setdefault(officer_id, []).append((start, end, unit_code, duty or "(no duty recorded)"))
    return EIData(agency=agency, officer_ids=[o.pk for o in officers], officers=officers,
                  events=ei.Events.build(o_list, d_list, k_list), hire=[o.hire_date for o in officers],
                  separation=[o.separation_date for o in officers], assignments=assignments)


@dataclass(frozen=True)
class ScoredAgency:
    data: EIData
    scoring: ei.Scoring
    rules: list[ShownRule]
    units: list[str]
    duties: list[str]
    roster: ei.Roster


def ei_score(*, user: Any, agency: Agency, as_of: dt.date, data: EIData | None = None) -> ScoredAgency:
    data = data or ei_data(user=user, agency=agency)
    shown = ei_rules(on=as_of)
    roster, units, duties = data.roster(as_of)
    scoring = ei.score(data.events, roster, as_of, [s.rule for s in shown], score_window_days=SCORE_WINDOW_DAYS)
    return ScoredAgency(data=data, scoring=scoring, rules=shown, units=units, duties=duties, roster=roster)


def indicator_table(scored: ScoredAgency, i: int) -> dict[str, Any]:
    """One officer's indicators at the as-of date, in plain values (stored on a flag and shown on pages)."""
    w = scored.scoring.windows[SCORE_WINDOW_DAYS]

    def num(x: float) -> float | None:
        return None if np.isnan(x) else round(float(x), 4)

    rows = []
    for j, name in enumerate(ei.INDICATORS):
        rows.append({
            "indicator": name, "label": ei.INDICATOR_LABELS[name], "count": int(w.counts[i, j]),
            "rate": num(w.rates[i, j]), "unit_percentile": num(w.percentiles["unit"][i, j]),
            "assignment_percentile": num(w.percentiles["assignment"][i, j]),
        })
    unit_ix, duty_ix = int(scored.roster.unit[i]), int(scored.roster.assignment[i])
    return {
        "window_days": SCORE_WINDOW_DAYS, "service_years": float(w.service_years[i]), "stops": int(w.stops[i]),
        "unit": scored.units[unit_ix] if unit_ix >= 0 else "",
        "assignment": scored.duties[duty_ix] if duty_ix >= 0 else "",
        "rows": rows,
    }


@dataclass(frozen=True)
class EvaluationReport:
    agency: Agency
    as_of: dt.date
    horizon_days: int
    complete: bool  # the whole horizon lies in the past
    evaluation: ei.Evaluation
    rules: list[ShownRule]
    stored_flags: int


def default_evaluation_as_of(*, user: Any, agency: Agency, today: dt.date) -> dt.date:
    """The latest stored as-of date whose following year has passed; else a year before today."""
    latest = eiflag_list(user=user).filter(agency=agency, as_of__lte=today - dt.timedelta(days=HORIZON_DAYS)
                                           ).order_by("-as_of").values_list("as_of", flat=True).first()
    return latest or today - dt.timedelta(days=HORIZON_DAYS)


def ei_evaluation(*, user: Any, agency: Agency, as_of: dt.date, today: dt.date,
                  ks: Sequence[int] = DEFAULT_KS, horizon_days: int = HORIZON_DAYS) -> EvaluationReport:
    """Score at `as_of` and compare with the adverse outcome (a sustained complaint or a use of force with a
    serious injury) in the following `horizon_days`, over officers serving through the whole period.

    Cached per caller visibility and data version (`core.resultcache`): the dashboard tile and the page share
    it, and any write to the agency's records makes it unreachable. The rules in force are part of the key, so
    an edited rule pack is never answered from an older entry."""
    if is_system(user):
        return _evaluation(user=user, agency=agency, as_of=as_of, today=today, ks=ks, horizon_days=horizon_days)
    from safecity.core.resultcache import cached

    rules = [[s.rule.key, s.rule.indicator, s.rule.kind, s.rule.window_days, s.rule.threshold, s.rule.peer]
             for s in ei_rules(on=as_of)]
    params = {"agency": agency.pk, "as_of": as_of, "today": today, "ks": list(ks), "horizon": horizon_days,
              "rules": rules}
    return cached(user=user, module="policing", analysis="ei_evaluation", params=params,
                  compute=lambda: _evaluation(user=user, agency=agency, as_of=as_of, today=today, ks=ks,
                                              horizon_days=horizon_days))


def _evaluation(*, user: Any, agency: Agency, as_of: dt.date, today: dt.date, ks: Sequence[int],
                horizon_days: int) -> EvaluationReport:
    scored = ei_score(user=user, agency=agency, as_of=as_of)
    n = len(scored.data.officer_ids)
    outcome = ei.adverse_outcome(scored.data.events, n, as_of, horizon_days)
    t, h = as_of.toordinal(), as_of.toordinal() + horizon_days
    eligible = (scored.roster.service_start <= t) & (scored.roster.service_end >= h)
    evaluation = ei.evaluate(scored.scoring, outcome, ks, eligible=eligible)
    stored = eiflag_list(user=user).filter(agency=agency, as_of=as_of).count()
    return EvaluationReport(agency=agency, as_of=as_of, horizon_days=horizon_days,
                            complete=as_of + dt.timedelta(days=horizon_days) < today, evaluation=evaluation,
                            rules=scored.rules, stored_flags=stored)


# --- dashboard -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EIDashboard:
    visible: bool
    by_stage: list[tuple[str, str, int]]  # (status, label, open flags)
    open_total: int
    precision: float | None  # the flags' precision at the evaluated as-of date (any rule)
    base_rate: float | None
    as_of: dt.date | None


def dashboard_eis(*, user: Any, today: dt.date | None = None) -> EIDashboard:
    from django.utils import timezone

    day = today or timezone.localdate()
    if not can_see_flags(user=user):
        return EIDashboard(False, [], 0, None, None, None)
    counts = dict(eiflag_list(user=user).exclude(status=FlagStatus.CLOSED).values_list("status").annotate(
        n=Count("id")).values_list("status", "n"))
    stages = [(s.value, str(s.label), int(counts.get(s.value, 0))) for s in FlagStatus if s != FlagStatus.CLOSED]
    agencies = ei_agencies(user=user)
    precision = base = as_of = None
    if len(agencies) == 1:
        as_of = default_evaluation_as_of(user=user, agency=agencies[0], today=day)
        report = ei_evaluation(user=user, agency=agencies[0], as_of=as_of, today=day)
        if report.evaluation.any_rule is not None:
            precision = report.evaluation.any_rule.precision
        base = report.evaluation.base_rate
    return EIDashboard(True, stages, sum(n for _, _, n in stages), precision, base, as_of)
