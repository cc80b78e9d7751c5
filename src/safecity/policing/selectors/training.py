"""Training reads: courses, sessions, attendance, and the compliance report built from them.

The report reads officers and attendance through `restrict(user, "view")`, takes the requirement from the
rule pack (`training_rules.requirement_for`: the agency's state, in force on the as-of date) and leaves the
arithmetic to `safecity.analytics.training` (pure). Only passed completions count; officers not employed
on the report date (hired later, or separated on or before it) are left out.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from safecity.analytics.training import (
    CALENDAR,
    Compliance,
    Credit,
    Rollup,
    add_months,
    calendar_period,
    officer_compliance,
    rollup,
)
from safecity.core import rules
from safecity.core.models import Agency
from safecity.policing.identity import officer_hash
from safecity.policing.models import Attendance, Course, Officer, OfficerStatus, TrainingSession
from safecity.policing.training_rules import AppliedRule, requirement_for


def course_list(*, user: Any, action: str = "view") -> QuerySet[Course]:
    return Course.objects.restrict(user, action).select_related("agency").order_by("agency__ori", "code", "id")


def course_get(*, user: Any, public_id: Any, action: str = "view") -> Course:
    return course_list(user=user, action=action).get(public_id=public_id)


def _session_tally(user: Any, action: str, **match: Any) -> Coalesce:
    """How many of a session's completions the user may read (restricted like the roster itself, so a count
    never reveals a completion the user could not open), optionally only those matching `match`."""
    rows = Attendance.objects.restrict(user, action).filter(session=OuterRef("pk"), **match).order_by()
    return Coalesce(Subquery(rows.values("session").annotate(n=Count("pk")).values("n")[:1]), 0)


def session_list(*, user: Any, course: Course | None = None, action: str = "view") -> QuerySet[TrainingSession]:
    """Sessions with `attended` and `passed`: the completions recorded for each that the user may read."""
    qs: QuerySet[TrainingSession] = TrainingSession.objects.restrict(user, action).select_related(
        "course", "agency").annotate(
        attended=_session_tally(user, action), passed=_session_tally(user, action, passed=True))
    return (qs.filter(course=course) if course is not None else qs).order_by("-date", "id")


def session_get(*, user: Any, public_id: Any, action: str = "view") -> TrainingSession:
    return session_list(user=user, action=action).get(public_id=public_id)


def session_attendance(*, user: Any, session: TrainingSession, action: str = "view") -> QuerySet[Attendance]:
    """A session's roster: the completions recorded for it that the user may read, by officer name."""
    return attendance_list(user=user, action=action).filter(session=session).order_by(
        "officer__last_name", "officer__first_name", "officer__employee_id", "id")


def attendance_list(*, user: Any, action: str = "view") -> QuerySet[Attendance]:
    return Attendance.objects.restrict(user, action).select_related(
        "agency", "officer", "course", "session").order_by("agency__ori", "-completed_on", "id")


def attendance_get(*, user: Any, public_id: Any, action: str = "view") -> Attendance:
    return attendance_list(user=user, action=action).get(public_id=public_id)


def officer_training(*, user: Any, officer: Officer) -> QuerySet[Attendance]:
    return attendance_list(user=user).filter(officer=officer)


# ---- compliance -------------------------------------------------------------------------------------------


NO_UNIT = "No unit on record"  # listed after the units


@dataclass(frozen=True)
class OfficerCompliance:
    officer: Officer
    unit: str  # "Name (CODE)" of the officer's current unit, NO_UNIT without one
    result: Compliance

    @property
    def public_id(self) -> str:
        return officer_hash(self.officer)


@dataclass(frozen=True)
class ComplianceReport:
    agency: Agency
    as_of: dt.date
    rule: AppliedRule | None  # None: no rule for the agency's state in force on the date
    officers: list[OfficerCompliance] = field(default_factory=list)
    units: list[Rollup] = field(default_factory=list)
    total: Rollup | None = None

    @property
    def lapsing_within_60_days(self) -> int:
        limit = self.as_of + dt.timedelta(days=60)
        return sum(1 for o in self.officers if o.result.lapses_on is not None and o.result.lapses_on <= limit)


def _earliest_counted(rule: AppliedRule, as_of: dt.date) -> dt.date:
    req = rule.requirement
    if req.period_model == CALENDAR:
        return calendar_period(req, as_of)[0]
    return add_months(as_of, -req.period_months)


def compliance_report(*, user: Any, agency: Agency, as_of: dt.date | None = None,
                      pack: rules.RulePack | None = None, action: str = "view") -> ComplianceReport:
    """Every officer of `agency` employed on `as_of` the user may see, against the rule in force on `as_of`."""
    day = as_of or timezone.localdate()
    rule = requirement_for(agency.state, day, pack=pack, today=timezone.localdate())
    if rule is None:
        return ComplianceReport(agency=agency, as_of=day, rule=None)
    # Officers employed on the report date: hired by then, and not separated on or before it (a report for a
    # past date includes those who have left since).
    officers = list(Officer.objects.restrict(user, action).filter(agency=agency).filter(
        Q(hire_date__isnull=True) | Q(hire_date__lte=day)).exclude(separation_date__lte=day).exclude(
        status=OfficerStatus.SEPARATED, separation_date__isnull=True).select_related("unit", "agency").order_by(
        "last_name", "first_name", "id"))
    credits: dict[int, list[Credit]] = defaultdict(list)
    rows = Attendance.objects.restrict(user, action).filter(
        agency=agency, passed=True, completed_on__gte=_earliest_counted(rule, day), completed_on__lte=day,
    ).values_list("officer_id", "completed_on", "hours", "course__topic")
    for officer_id, completed_on, hours, topic in rows:
        credits[officer_id].append(Credit(completed_on, float(hours), topic))
    results = [OfficerCompliance(o, f"{o.unit.name} ({o.unit.code})" if o.unit else NO_UNIT,
                                 officer_compliance(rule.requirement, credits.get(o.pk, []), day))
               for o in officers]
    by_unit: dict[str, list[Compliance]] = defaultdict(list)
    for r in results:
        by_unit[r.unit].append(r.result)
    units = [rollup(label, by_unit[label]) for label in sorted(by_unit, key=lambda u: (u == NO_UNIT, u))]
    return ComplianceReport(agency=agency, as_of=day, rule=rule, officers=results, units=units,
                            total=rollup(f"{agency.name} ({agency.ori})", (r.result for r in results)))


@dataclass(frozen=True)
class TrainingTile:
    """The dashboard's training figures: per agency the user may see, % of officers compliant per unit."""

    as_of: dt.date
    reports: list[ComplianceReport]


def dashboard_training(*, user: Any, as_of: dt.date | None = None) -> TrainingTile:
    agency_ids = Officer.objects.restrict(user, "view").values_list("agency_id", flat=True).distinct()
    agencies = Agency.objects.filter(pk__in=list(agency_ids)).order_by("ori")[:5]
    day = as_of or timezone.localdate()
    return TrainingTile(as_of=day, reports=[compliance_report(user=user, agency=a, as_of=day) for a in agencies])


# ---- the report's parameters: one parser for the page, the CSV and the API ----------------------------------

SORTS: dict[str, Any] = {
    "name": lambda r: (r.officer.last_name, r.officer.first_name, r.officer.pk),
    "unit": lambda r: (r.unit, r.officer.last_name, r.officer.pk),
    "completed": lambda r: (r.result.completed, r.officer.pk),
    "short": lambda r: (r.result.hours_short, r.officer.pk),
    "lapses": lambda r: (r.result.lapses_on or r.result.due_by or dt.date.max, r.officer.pk),
}


@dataclass(frozen=True)
class ComplianceQuery:
    agency: Agency
    as_of: dt.date
    out_only: bool
    sort: str  # a SORTS key, "-" prefix = descending


def compliance_query(*, user: Any, data: Any, action: str = "view") -> ComplianceQuery:
    """Read `agency` (ORI; default the first the user may see), `as_of` (YYYY-MM-DD, default today, not in
    the future), `out_only` (true/false) and `sort`; raises ValidationError naming the parameter."""
    from django.core.exceptions import ValidationError

    from safecity.core import selectors as core_selectors
    from safecity.core.roles import Module

    errors: dict[str, str] = {}
    agencies = list(core_selectors.agencies_where(user=user, module=Module.POLICING, action=action))
    ori = str(data.get("agency") or "").strip().upper()
    agency = next((a for a in agencies if a.ori == ori), None) if ori else (agencies[0] if agencies else None)
    if agency is None:
        errors["agency"] = (f"{ori[:12]!r} is not an agency whose policing records you may see." if ori
                            else "You may see no agency's policing records.")
    today = timezone.localdate()
    raw_day = str(data.get("as_of") or "").strip()
    day = today
    if raw_day:
        try:
            day = dt.date.fromisoformat(raw_day)
        except ValueError:
            errors["as_of"] = f"{raw_day[:20]!r} is not a date; use YYYY-MM-DD."
        else:
            if day > today:
                errors["as_of"] = "Cannot be in the future: hours not yet completed are unknown."
            elif day.year < 2000:
                errors["as_of"] = "Choose a date in 2000 or later."
    raw_out = str(data.get("out_only") or "").strip().lower()
    if raw_out not in ("", "true", "false", "1", "0", "on"):
        errors["out_only"] = f"{raw_out[:10]!r} is not true or false."
    sort = str(data.get("sort") or "name").strip()
    if sort.lstrip("-") not in SORTS:
        errors["sort"] = f"{sort[:20]!r} is not one of {', '.join(SORTS)} (prefix - for descending)."
    if errors:
        raise ValidationError(errors)
    assert agency is not None
    return ComplianceQuery(agency=agency, as_of=day, out_only=raw_out in ("true", "1", "on"), sort=sort)


def compliance_rows(report: ComplianceReport, query: ComplianceQuery) -> list[OfficerCompliance]:
    rows = [r for r in report.officers if not (query.out_only and r.result.compliant)]
    return sorted(rows, key=SORTS[query.sort.lstrip("-")], reverse=query.sort.startswith("-"))
