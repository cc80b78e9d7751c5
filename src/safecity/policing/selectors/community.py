"""Community problem solving reads: SARA projects with their assessment, meetings, follow-ups, surveys.

Every read starts from `restrict(user, action)`. A project's before/after counts come from the incidents
module's public selector `incident_counts_in_beats`, which restricts to what the reader may see, so two
readers with different clearances can see different counts; the page says so.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

import safecity.incidents.selectors as incident_selectors
from safecity.analytics.displacement import WDDResult, WDQResult, wdd, wdq
from safecity.analytics.proportions import wilson_ci
from safecity.policing.models import (
    CountSource,
    FollowUp,
    FollowUpStatus,
    Meeting,
    MeetingConcern,
    ProblemProject,
    ProjectActivity,
    ProjectStatus,
    SurveyItem,
    SurveyResult,
    SurveyWave,
)

# ---- SARA projects ---------------------------------------------------------------------------------------


def project_list(*, user: Any, action: str = "view") -> QuerySet[ProblemProject]:
    return ProblemProject.objects.restrict(user, action).select_related("agency", "beat").defer(
        "beat__geometry").order_by("-opened", "title", "id")


def project_get(*, user: Any, public_id: Any, action: str = "view") -> ProblemProject:
    return project_list(user=user, action=action).get(public_id=public_id)


def activity_list(*, user: Any, project: ProblemProject) -> QuerySet[ProjectActivity]:
    return ProjectActivity.objects.restrict(user, "view").filter(project=project).order_by("date", "id")


@dataclass(frozen=True)
class AreaCounts:
    key: str  # target, buffer, control, buffer_control
    label: str
    beats: tuple[str, ...]
    before: int | None
    after: int | None

    @property
    def change(self) -> int | None:
        return None if self.before is None or self.after is None else self.after - self.before

    @property
    def given(self) -> bool:
        return self.before is not None and self.after is not None


@dataclass(frozen=True)
class FigureLink:
    label: str
    url: str


@dataclass(frozen=True)
class Assessment:
    """What the assessment shows: the counts per area and period, where they came from, WDD and WDQ."""

    source: str
    source_label: str
    before: tuple[dt.date, dt.date] | None
    after: tuple[dt.date, dt.date] | None
    offense_codes: tuple[str, ...]
    areas: tuple[AreaCounts, ...]
    time_weights: tuple[float, float]
    wdd: WDDResult | None
    wdq: WDQResult | None
    problems: tuple[str, ...]
    links: tuple[FigureLink, ...] = field(default=())

    @property
    def confidence(self) -> int:
        return round(100 * (1 - self.wdd.alpha)) if self.wdd is not None else 0


AREA_LABELS = {"target": "Target area", "buffer": "Buffer (displacement) area", "control": "Control area",
               "buffer_control": "Control for the buffer"}


def pair(a: AreaCounts) -> tuple[float, float]:
    return float(a.before or 0), float(a.after or 0)


def _days(period: tuple[dt.date, dt.date]) -> int:
    return (period[1] - period[0]).days + 1


def _coverage_problems(user: Any, project: ProblemProject, first: dt.date, last: dt.date) -> list[str]:
    cover = incident_selectors.data_coverage(user=user, agency_id=project.agency_id)
    if cover.first is None or cover.last is None:
        return ["This agency has no incidents you may see: the counts would all be 0. Enter them by hand."]
    if first < cover.first or last > cover.last:
        return [f"The periods reach outside the incidents held ({cover.first} to {cover.last}); days without "
                "data count as 0, so the counts there are too low."]
    return []


def figure_links(project: ProblemProject) -> tuple[FigureLink, ...]:
    """Links into the incident analyses with the project's beat and dates filled in."""
    beats = project.target_beats or ([project.beat.code] if project.beat_id and project.beat else [])
    if not beats:
        return ()
    ori = project.agency.ori
    as_of = project.after_to or timezone.localdate() - dt.timedelta(days=1)
    start = project.before_from or as_of - dt.timedelta(days=364)
    links: list[FigureLink] = []
    for beat in beats:
        area: dict[str, str | int] = {"agency": ori, "area": f"beat:{beat}", "as_of": as_of.isoformat()}
        links.append(FigureLink(f"CompStat for beat {beat} as of {as_of}",
                                f"{reverse('incidents:stats_compstat')}?{urlencode(area)}"))
        days = max(7, min(3660, (as_of - start).days + 1))
        links.append(FigureLink(f"Hot spots in beat {beat}, {days} days to {as_of}",
                                f"{reverse('incidents:stats_hotspots')}?{urlencode({**area, 'days': days})}"))
        params: dict[str, Any] = {"agency": ori, "beat": beat, "date_from": start.isoformat(),
                                  "date_to": as_of.isoformat()}
        if project.offense_codes:
            params["offense"] = ",".join(project.offense_codes)
        links.append(FigureLink(f"Incidents in beat {beat}, {start} to {as_of}",
                                f"{reverse('incidents:list')}?{urlencode(params)}"))
    return tuple(links)


def project_assessment(*, user: Any, project: ProblemProject) -> Assessment:
    """The counts, the weighted displacement difference (Wheeler & Ratcliffe 2018) and quotient (Bowers &
    Johnson 2003) of a project, from the incidents the user may see or from the counts typed in."""
    links = figure_links(project)
    source_label = str(CountSource(project.count_source).label)
    if None in (project.before_from, project.before_to, project.after_from, project.after_to):
        return Assessment(project.count_source, source_label, None, None, tuple(project.offense_codes), (),
                          (1.0, 1.0), None, None, ("The assessment has not been set up yet.",), links)
    before = (project.before_from, project.before_to)
    after = (project.after_from, project.after_to)
    assert before[0] and before[1] and after[0] and after[1]  # narrowed above, for the type checker
    problems: list[str] = []
    beats = {"target": project.target_beats, "buffer": project.buffer_beats, "control": project.control_beats,
             "buffer_control": project.buffer_control_beats}
    counts: dict[str, tuple[int | None, int | None]] = {}
    if project.count_source == CountSource.INCIDENTS:
        problems += _coverage_problems(user, project, before[0], after[1])
        for key, codes in beats.items():
            if codes:
                got = incident_selectors.incident_counts_in_beats(
                    user=user, agency_id=project.agency_id, beat_codes=codes, periods=[before, after],  # type: ignore[list-item]
                    offense_codes=project.offense_codes)
                counts[key] = (got[0], got[1])
            else:
                counts[key] = (None, None)
    else:
        for key in beats:
            counts[key] = (getattr(project, f"{key}_before"), getattr(project, f"{key}_after"))
    areas = tuple(AreaCounts(key, AREA_LABELS[key], tuple(beats[key]), *counts[key]) for key in beats)
    by = {a.key: a for a in areas}
    # Rates per "after" period: with periods of different lengths the before counts are scaled (Wheeler 2021).
    weights = (_days(before) / _days(after), 1.0)  # type: ignore[arg-type]
    result: WDDResult | None = None
    quotient: WDQResult | None = None
    target, control, buffer = by["target"], by["control"], by["buffer"]
    bcontrol = by["buffer_control"] if by["buffer_control"].given else control
    if target.given and control.given:
        try:
            result = wdd(pair(control), pair(target), pair(bcontrol) if buffer.given else None,
                         pair(buffer) if buffer.given else None, time_weights=weights, alpha=project.alpha)
        except ValueError as exc:
            problems.append(f"The weighted displacement difference cannot be computed: {exc}.")
        if buffer.given:
            try:
                quotient = wdq(pair(control), pair(target), pair(buffer))
            except ValueError as exc:
                problems.append(f"The displacement quotient cannot be computed: {exc}.")
        if result is not None and result.se == 0:
            problems.append("Every count is 0: there is nothing to test.")
    else:
        problems.append("The target and control areas need counts before and after.")
    return Assessment(project.count_source, source_label, before, after,  # type: ignore[arg-type]
                      tuple(project.offense_codes), areas, weights, result, quotient, tuple(problems), links)


# ---- Meetings --------------------------------------------------------------------------------------------


def meeting_list(*, user: Any, action: str = "view") -> QuerySet[Meeting]:
    open_late = Q(follow_ups__status=FollowUpStatus.OPEN, follow_ups__due__lt=timezone.localdate())
    qs: QuerySet[Meeting] = Meeting.objects.restrict(user, action).select_related("agency", "district", "beat").defer(
        "district__geometry", "beat__geometry").annotate(
        concern_count=Count("concerns", distinct=True),
        overdue_count=Count("follow_ups", filter=open_late, distinct=True)).order_by("-date", "id")
    return qs


def meeting_get(*, user: Any, public_id: Any, action: str = "view") -> Meeting:
    return meeting_list(user=user, action=action).get(public_id=public_id)


def concern_list(*, user: Any, meeting: Meeting) -> QuerySet[MeetingConcern]:
    return MeetingConcern.objects.restrict(user, "view").filter(meeting=meeting).order_by("id")


def followup_list(*, user: Any, meeting: Meeting | None = None, overdue: bool = False,
                  action: str = "view") -> QuerySet[FollowUp]:
    """Follow-ups (of one meeting, or all); `overdue`: still open and past their due date, oldest first."""
    qs = FollowUp.objects.restrict(user, action).select_related("meeting", "meeting__beat", "meeting__district",
                                                                "agency", "concern").defer(
        "meeting__beat__geometry", "meeting__district__geometry")
    if meeting is not None:
        qs = qs.filter(meeting=meeting)
    if overdue:
        qs = qs.filter(status=FollowUpStatus.OPEN, due__lt=timezone.localdate())
    return qs.order_by("due", "id")


def followup_get(*, user: Any, public_id: Any, action: str = "view") -> FollowUp:
    return followup_list(user=user, action=action).get(public_id=public_id)


# ---- Surveys ---------------------------------------------------------------------------------------------


def wave_list(*, user: Any, action: str = "view") -> QuerySet[SurveyWave]:
    qs: QuerySet[SurveyWave] = SurveyWave.objects.restrict(user, action).select_related("agency").annotate(
        result_count=Count("results")).order_by("-start", "code", "id")
    return qs


def wave_get(*, user: Any, public_id: Any, action: str = "view") -> SurveyWave:
    return wave_list(user=user, action=action).get(public_id=public_id)


def survey_result_list(*, user: Any, action: str = "view") -> QuerySet[SurveyResult]:
    return SurveyResult.objects.restrict(user, action).select_related("wave", "district", "agency").defer(
        "district__geometry").order_by("wave__start", "district__code", "item", "id")


@dataclass(frozen=True)
class SurveyPoint:
    wave: str
    wave_name: str
    wave_end: dt.date
    n: int
    agree: int
    percent: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class SurveySeries:
    agency: str
    district: str
    district_name: str
    points: tuple[SurveyPoint, ...]

    @property
    def latest(self) -> SurveyPoint:
        return self.points[-1]

    @property
    def change(self) -> float | None:
        return self.points[-1].percent - self.points[0].percent if len(self.points) > 1 else None


def survey_series(*, user: Any, item: str, agency_ori: str = "", district: str = "",
                  action: str = "view") -> list[SurveySeries]:
    """One item by district over the waves, percent agree with a 95% Wilson interval (given n)."""
    qs = survey_result_list(user=user, action=action).filter(item=item)
    if agency_ori:
        qs = qs.filter(agency__ori=agency_ori.upper())
    if district:
        qs = qs.filter(district__code=district)
    grouped: dict[tuple[str, str, str], list[SurveyPoint]] = defaultdict(list)
    for r in qs:
        low, high = wilson_ci(r.agree, r.n)
        grouped[(r.agency.ori, r.district.code, r.district.name)].append(SurveyPoint(
            r.wave.code, r.wave.name, r.wave.end, r.n, r.agree, 100.0 * r.agree / r.n, 100.0 * low, 100.0 * high))
    return [SurveySeries(ori, code, name, tuple(sorted(points, key=lambda p: p.wave_end)))
            for (ori, code, name), points in sorted(grouped.items())]


def survey_items() -> list[tuple[str, str]]:
    return list(SurveyItem.choices)


# ---- Dashboard tile --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommunityTile:
    active_projects: int
    projects_by_status: tuple[tuple[str, int], ...]
    overdue_follow_ups: int
    trust: tuple[SurveySeries, ...]
    trust_item: str


def dashboard_community(*, user: Any) -> CommunityTile:
    """Headline figures: SARA projects by step, overdue meeting follow-ups, latest trust by district."""
    rows = dict(project_list(user=user).order_by().values_list("status").annotate(n=Count("pk")))
    by_status = tuple((str(label), int(rows.get(value, 0))) for value, label in ProjectStatus.choices)
    active = sum(n for value, n in rows.items() if value != ProjectStatus.CLOSED)
    overdue = followup_list(user=user, overdue=True).count()
    trust = tuple(survey_series(user=user, item=SurveyItem.TRUST))
    return CommunityTile(active, by_status, overdue, trust, str(SurveyItem.TRUST.label))
