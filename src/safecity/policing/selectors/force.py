"""Use-of-force reads: the incident list, the FBI month file, the public-safe summary and the dashboard figures."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from safecity.core import selectors as core_selectors
from safecity.core.roles import Module
from safecity.policing import fbi, vocab
from safecity.policing.identity import officer_hash
from safecity.policing.models import Injury, Officer, UseOfForceIncident

SMALL_CELL = 5  # counts below this are not published (re-identification risk in small groups)


def force_incident_list(*, user: Any, action: str = "view") -> QuerySet[UseOfForceIncident]:
    return UseOfForceIncident.objects.restrict(user, action).select_related("agency", "district").order_by(
        "-occurred_at", "-id")


def force_incident_get(*, user: Any, public_id: Any, action: str = "view") -> UseOfForceIncident:
    return force_incident_list(user=user, action=action).get(public_id=public_id)


def officer_by_number(*, user: Any, agency_id: int, number: str) -> Officer | None:
    """The agency's officer with this employee id, else this badge number (None when neither or ambiguous)."""
    from safecity.policing.selectors.roster import officer_list

    officers = officer_list(user=user).filter(agency_id=agency_id)
    number = number.strip()
    found = officers.filter(employee_id=number).first()
    if found is None:
        matches = list(officers.filter(badge_number=number)[:2])
        found = matches[0] if len(matches) == 1 else None
    return found


def _month_bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime(year, month, 1, tzinfo=tz)
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
    return start, end


def fbi_month(*, user: Any, ori: str, year: int, month: int, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """The agency's FBI use-of-force submissions for a month (reportable incidents, or a zero report).

    Needs the export right in policing at that agency; an agency the user may not export answers
    `DoesNotExist` like an unknown one. Raises ValueError naming the problem when the output would not conform
    to the schema (it is validated before it is handed out)."""
    agency = core_selectors.agency_by_ori(user=user, ori=ori)
    allowed = core_selectors.agencies_where(user=user, module=Module.POLICING, action="export")
    if agency is None or agency.pk not in {a.pk for a in allowed}:
        raise UseOfForceIncident.DoesNotExist(f"No agency {ori!r} you may export.")
    start, end = _month_bounds(year, month)
    incidents = force_incident_list(user=user, action="export").filter(
        agency=agency, fbi_reportable=True, occurred_at__gte=start, occurred_at__lt=end).order_by("occurred_at", "id")
    document = fbi.month_submission(ori=agency.ori, year=year, month=month,
                                    incidents=incidents.prefetch_related("subjects", "officers__officer"), now=now)
    problems = fbi.validate(document)
    if problems:
        raise ValueError("The FBI file would not conform: " + "; ".join(problems[:10]))
    return document


@dataclass(frozen=True)
class Cell:
    label: str
    count: int | None  # None = suppressed (fewer than SMALL_CELL)

    @property
    def shown(self) -> str:
        return f"<{SMALL_CELL}" if self.count is None else str(self.count)


@dataclass(frozen=True)
class PublicSummary:
    """Counts safe to publish: no names, badge or employee numbers; counts under `SMALL_CELL` suppressed."""

    incidents: int
    reportable: int
    by_month: list[Cell]
    by_force_type: list[Cell]
    by_injury: list[Cell]
    by_reason: list[Cell]
    by_subject_race: list[Cell]
    by_officer: list[Cell]  # label = `officer_hash`, never a name
    small_cell: int = SMALL_CELL
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    tables: list[tuple[str, str, list[Cell]]] = field(default_factory=list)


def _cells(counter: Counter[str], labels: dict[str, str] | None = None, order: list[str] | None = None) -> list[Cell]:
    keys = order if order is not None else sorted(counter)
    return [Cell((labels or {}).get(k, k) or "Not recorded", counter[k] if counter[k] >= SMALL_CELL else None)
            for k in keys if counter[k]]


def public_summary(*, user: Any, date_from: dt.date | None = None, date_to: dt.date | None = None) -> PublicSummary:
    qs = force_incident_list(user=user)
    if date_from:
        qs = qs.filter(occurred_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(occurred_at__date__lte=date_to)
    rows = list(qs.prefetch_related("subjects", "officers__officer__agency"))
    months: Counter[str] = Counter()
    types: Counter[str] = Counter()
    injuries: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    races: Counter[str] = Counter()
    officers: Counter[str] = Counter()
    for inc in rows:
        months[timezone.localtime(inc.occurred_at).strftime("%Y-%m")] += 1
        types.update(t for t in inc.force_types_text.strip(",").split(",") if t)
        injuries[inc.worst_injury] += 1
        reasons[inc.reason_for_contact] += 1
        races.update({s.race for s in inc.subjects.all()})
        officers.update({officer_hash(o.officer) for o in inc.officers.all()})
    by_month = _cells(months)
    by_type = _cells(types, dict(vocab.ForceType.choices))
    by_injury = _cells(injuries, dict(Injury.choices), [c.value for c in Injury])
    by_reason = _cells(reasons, dict(vocab.ContactReason.choices))
    by_race = _cells(races, dict(vocab.SubjectRace.choices))
    by_officer = _cells(officers)
    return PublicSummary(
        incidents=len(rows), reportable=sum(i.fbi_reportable for i in rows), by_month=by_month,
        by_force_type=by_type, by_injury=by_injury, by_reason=by_reason, by_subject_race=by_race,
        by_officer=by_officer, date_from=date_from, date_to=date_to,
        tables=[("month", "Incidents by month", by_month), ("force_type", "Incidents by force type used", by_type),
                ("injury", "Incidents by most serious subject injury", by_injury),
                ("reason", "Incidents by reason for initial contact", by_reason),
                ("subject_race", "Incidents by subject race (an incident counts once per race present)", by_race),
                ("officer", "Incidents by officer (hashed id; officers with fewer than 5 are not listed)",
                 [c for c in by_officer if c.count is not None])],
    )


@dataclass(frozen=True)
class ForceTile:
    """The dashboard's use-of-force trend: incidents and FBI-reportable incidents per month."""

    months: list[tuple[str, int, int]]  # (YYYY-MM, incidents, reportable), oldest first
    total: int
    reportable: int
    peak: int


def dashboard_force(*, user: Any, months: int = 12, today: dt.date | None = None) -> ForceTile:
    day = today or timezone.localdate()
    first = day.replace(day=1)
    for _ in range(months - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    rows = force_incident_list(user=user).filter(occurred_at__date__gte=first, occurred_at__date__lte=day).values_list(
        "occurred_at", "fbi_reportable")
    counts: Counter[str] = Counter()
    reportable: Counter[str] = Counter()
    for when, rep in rows:
        key = timezone.localtime(when).strftime("%Y-%m")
        counts[key] += 1
        reportable[key] += rep
    keys = []
    cursor = first
    while cursor <= day:
        keys.append(cursor.strftime("%Y-%m"))
        cursor = (cursor + dt.timedelta(days=32)).replace(day=1)
    series = [(k, counts[k], reportable[k]) for k in keys]
    return ForceTile(months=series, total=sum(counts.values()), reportable=sum(reportable.values()),
                     peak=max((c for _, c, _ in series), default=0))
