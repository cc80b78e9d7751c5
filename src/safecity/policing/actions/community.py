"""Community problem solving writes: SARA projects and their assessment, meetings, surveys.

Every write is an audited action; a refused one names the field. Areas are beat codes of the project's own
agency, so a project can never count another agency's incidents.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

import safecity.incidents.selectors as incident_selectors
from safecity.core.actions import audited
from safecity.core.actors import Actor, is_system
from safecity.core.history import snapshot
from safecity.core.models import Agency, Beat, District
from safecity.core.permissions import ensure_can, ensure_module
from safecity.core.roles import Module
from safecity.policing.models import (
    ConcernCategory,
    CountSource,
    FollowUp,
    FollowUpStatus,
    Meeting,
    MeetingConcern,
    ProblemProject,
    ProjectActivity,
    ProjectStatus,
    SurveyItem,
    SurveyMethod,
    SurveyResult,
    SurveyWave,
)
from safecity.policing.models.community import PROJECT_FLOW

__all__ = [
    "activity_add", "concern_add", "followup_add", "followup_update", "meeting_create", "meeting_update",
    "project_advance", "project_create", "project_set_assessment", "project_update", "survey_result_set",
    "wave_create", "wave_update",
]

AREAS = ("target", "buffer", "control", "buffer_control")
COUNT_FIELDS = tuple(f"{area}_{period}" for area in AREAS for period in ("before", "after"))


def _check_add(actor: Actor, agency: Agency) -> None:
    if not is_system(actor):
        ensure_module(actor, Module.POLICING, "add", agency.pk)


def _check_change(actor: Actor, obj: Any) -> None:
    if not is_system(actor):
        ensure_can(actor, "change", obj)


def _required(errors: dict[str, str], **values: str) -> None:
    for key, value in values.items():
        if not (value or "").strip():
            errors[key] = "Required."


def _area_errors(errors: dict[str, str], agency: Agency, beat: Beat | None = None,
                 district: District | None = None) -> None:
    if beat is not None and beat.agency_id != agency.pk:
        errors["beat"] = "The beat belongs to another agency."
    if district is not None and district.agency_id != agency.pk:
        errors["district"] = "The district belongs to another agency."
    if beat is not None and district is not None and beat.district_id != district.pk:
        errors["beat"] = f"Beat {beat.code} is not in district {district.code}."


def _not_future(errors: dict[str, str], key: str, day: dt.date | None) -> None:
    if day is not None and day > timezone.localdate():
        errors[key] = "Cannot be in the future."


def _apply(obj: Any, changes: dict[str, Any]) -> None:
    for key, value in changes.items():
        setattr(obj, key, value)


# ---- SARA projects ---------------------------------------------------------------------------------------

def project_create(*, actor: Actor, agency: Agency, title: str, problem_statement: str, beat: Beat | None = None,
                   place: str = "", opened: dt.date | None = None) -> ProblemProject:
    """Open a project in Scanning; its target area starts as its beat."""
    opened = opened or timezone.localdate()
    with audited(actor=actor, action="sara.create") as frame:
        _check_add(actor, agency)
        errors: dict[str, str] = {}
        _required(errors, title=title, problem_statement=problem_statement)
        _area_errors(errors, agency, beat=beat)
        _not_future(errors, "opened", opened)
        if errors:
            raise ValidationError(errors)
        project = ProblemProject.objects.create(
            agency=agency, title=title.strip(), problem_statement=problem_statement.strip(), beat=beat,
            place=place.strip(), opened=opened, target_beats=[beat.code] if beat is not None else [])
        frame.created(project)
    return project


_PROJECT_EDITABLE = {"title", "problem_statement", "analysis_notes", "response_summary", "assessment_notes",
                     "beat", "place", "opened"}


def project_update(*, actor: Actor, project: ProblemProject, **changes: Any) -> ProblemProject:
    """Change the narrative of a project (its assessment design goes through `project_set_assessment`)."""
    unknown = set(changes) - _PROJECT_EDITABLE
    if unknown:
        raise ValidationError({k: "This field cannot be changed here." for k in sorted(unknown)})
    with audited(actor=actor, action="sara.update", obj=project) as frame:
        _check_change(actor, project)
        errors: dict[str, str] = {}
        for key in ("title", "problem_statement"):
            if key in changes:
                _required(errors, **{key: changes[key]})
        if "beat" in changes:
            _area_errors(errors, project.agency, beat=changes["beat"])
        _not_future(errors, "opened", changes.get("opened"))
        if errors:
            raise ValidationError(errors)
        before = snapshot(project)
        _apply(project, changes)
        project.save()
        frame.updated(project, before)
    return project


def _beat_codes(errors: dict[str, str], agency: Agency, key: str, codes: Iterable[str]) -> list[str]:
    wanted = sorted({c.strip() for c in codes if c.strip()})
    known = set(Beat.objects.filter(agency=agency, code__in=wanted).values_list("code", flat=True))
    unknown = [c for c in wanted if c not in known]
    if unknown:
        errors[key] = f"Unknown beat {', '.join(unknown)} for {agency.ori}."
    return wanted


def project_set_assessment(
    *, actor: Actor, project: ProblemProject, before_from: dt.date, before_to: dt.date, after_from: dt.date,
    after_to: dt.date, target_beats: Iterable[str] = (), buffer_beats: Iterable[str] = (),
    control_beats: Iterable[str] = (), buffer_control_beats: Iterable[str] = (), offense_codes: Iterable[str] = (),
    count_source: str = CountSource.INCIDENTS, alpha: float = 0.10, **counts: int | None,
) -> ProblemProject:
    """Set the assessment's design: periods, areas, offenses, and where the counts come from.

    `count_source="incidents"`: counts are read from the incidents (target and control beats required).
    `"manual"`: the eight counts `<area>_<before|after>` are typed in; target and control are required, the
    buffer and its control are optional (a pair each). Areas may not overlap: a beat in two roles would be
    counted twice.
    """
    unknown = set(counts) - set(COUNT_FIELDS)
    if unknown:
        raise ValidationError({k: "Unknown field." for k in sorted(unknown)})
    with audited(actor=actor, action="sara.assessment", obj=project) as frame:
        _check_change(actor, project)
        errors: dict[str, str] = {}
        agency = project.agency
        areas = {
            "target_beats": _beat_codes(errors, agency, "target_beats", target_beats),
            "buffer_beats": _beat_codes(errors, agency, "buffer_beats", buffer_beats),
            "control_beats": _beat_codes(errors, agency, "control_beats", control_beats),
            "buffer_control_beats": _beat_codes(errors, agency, "buffer_control_beats", buffer_control_beats),
        }
        seen: dict[str, str] = {}
        for key, codes in areas.items():
            for code in codes:
                if code in seen and key not in errors:
                    errors[key] = f"Beat {code} is already in the {seen[code].replace('_', ' ')[:-1]} area."
                seen.setdefault(code, key)
        if before_from > before_to:
            errors["before_to"] = "The before period ends before it starts."
        if after_from > after_to:
            errors["after_to"] = "The after period ends before it starts."
        if before_to >= after_from and "before_to" not in errors:
            errors["after_from"] = "The after period must start after the before period ends."
        _not_future(errors, "after_to", after_to)
        if not 0 < alpha < 1:
            errors["alpha"] = "Must be between 0 and 1 (0.10 for a 90% interval)."
        codes = sorted({c.strip().upper() for c in offense_codes if c.strip()})
        table = incident_selectors.offense_codes_current()
        bad = [c for c in codes if c not in table]
        if bad:
            errors["offense_codes"] = f"Unknown NIBRS offense code {', '.join(bad)}."
        if count_source not in CountSource.values:
            errors["count_source"] = f"Unknown source {count_source!r}."
        values: dict[str, int | None] = {name: counts.get(name) for name in COUNT_FIELDS}
        if count_source == CountSource.INCIDENTS:
            for key in ("target_beats", "control_beats"):
                if not areas[key] and key not in errors:
                    errors[key] = "Choose at least one beat."
            if bool(areas["buffer_control_beats"]) and not areas["buffer_beats"]:
                errors["buffer_beats"] = "A buffer control area needs a buffer area."
            values = dict.fromkeys(COUNT_FIELDS)  # read from the incidents, never stored
        else:
            for name, value in values.items():
                if value is not None and value < 0:
                    errors[name] = "Cannot be negative."
            for name in ("target_before", "target_after", "control_before", "control_after"):
                if values[name] is None:
                    errors.setdefault(name, "Required when the counts are entered by hand.")
            for area in ("buffer", "buffer_control"):
                pair = (values[f"{area}_before"], values[f"{area}_after"])
                if (pair[0] is None) != (pair[1] is None):
                    missing = f"{area}_before" if pair[0] is None else f"{area}_after"
                    errors.setdefault(missing, "Give both periods of this area, or neither.")
            if values["buffer_control_before"] is not None and values["buffer_before"] is None:
                errors.setdefault("buffer_before", "A buffer control area needs a buffer area.")
        if errors:
            raise ValidationError(errors)
        before = snapshot(project)
        _apply(project, {**areas, **values, "before_from": before_from, "before_to": before_to,
                         "after_from": after_from, "after_to": after_to, "offense_codes": codes,
                         "count_source": count_source, "alpha": alpha})
        project.save()
        frame.updated(project, before)
    return project


def project_advance(*, actor: Actor, project: ProblemProject, to: str, on: dt.date | None = None) -> ProblemProject:
    """Move a project to the next SARA step (one step at a time; closing needs an assessment design)."""
    with audited(actor=actor, action="sara.advance", obj=project) as frame:
        _check_change(actor, project)
        if to not in PROJECT_FLOW:
            raise ValidationError({"to": f"Unknown step {to!r}."})
        current = PROJECT_FLOW.index(project.status)
        if PROJECT_FLOW.index(to) != current + 1:
            allowed = PROJECT_FLOW[current + 1] if current + 1 < len(PROJECT_FLOW) else None
            raise ValidationError({"to": f"A project in {ProjectStatus(project.status).label} can move only to "
                                         f"{ProjectStatus(allowed).label if allowed else 'nothing (it is closed)'}."})
        if to == ProjectStatus.CLOSED and project.after_to is None:
            raise ValidationError({"to": "Set the assessment (areas and periods) before closing the project."})
        before = snapshot(project)
        project.status = to
        if to == ProjectStatus.CLOSED:
            project.closed = on or timezone.localdate()
        project.save()
        frame.updated(project, before)
    return project


def activity_add(*, actor: Actor, project: ProblemProject, date: dt.date, description: str,
                 partners: str = "") -> ProjectActivity:
    with audited(actor=actor, action="sara.activity", obj=project) as frame:
        _check_change(actor, project)
        errors: dict[str, str] = {}
        _required(errors, description=description)
        if date < project.opened:
            errors["date"] = f"Before the project opened ({project.opened})."
        if errors:
            raise ValidationError(errors)
        activity = ProjectActivity.objects.create(agency=project.agency, project=project, date=date,
                                                  description=description.strip(), partners=partners.strip())
        frame.created(activity)
    return activity


# ---- Meetings ------------------------------------------------------------------------------------------

def meeting_create(*, actor: Actor, agency: Agency, date: dt.date, venue: str, attendance: int,
                   district: District | None = None, beat: Beat | None = None, minutes: str = "") -> Meeting:
    with audited(actor=actor, action="meeting.create") as frame:
        _check_add(actor, agency)
        errors: dict[str, str] = {}
        _required(errors, venue=venue)
        _area_errors(errors, agency, beat=beat, district=district)
        _not_future(errors, "date", date)
        if attendance < 0:
            errors["attendance"] = "Cannot be negative."
        if errors:
            raise ValidationError(errors)
        meeting = Meeting.objects.create(agency=agency, date=date, venue=venue.strip(), attendance=attendance,
                                         district=district or (beat.district if beat else None), beat=beat,
                                         minutes=minutes.strip())
        frame.created(meeting)
    return meeting


_MEETING_EDITABLE = {"date", "venue", "attendance", "district", "beat", "minutes"}


def meeting_update(*, actor: Actor, meeting: Meeting, **changes: Any) -> Meeting:
    unknown = set(changes) - _MEETING_EDITABLE
    if unknown:
        raise ValidationError({k: "This field cannot be changed here." for k in sorted(unknown)})
    with audited(actor=actor, action="meeting.update", obj=meeting) as frame:
        _check_change(actor, meeting)
        errors: dict[str, str] = {}
        if "venue" in changes:
            _required(errors, venue=changes["venue"])
        _area_errors(errors, meeting.agency, beat=changes.get("beat", meeting.beat),
                     district=changes.get("district", meeting.district))
        _not_future(errors, "date", changes.get("date"))
        if changes.get("attendance", 0) < 0:
            errors["attendance"] = "Cannot be negative."
        if errors:
            raise ValidationError(errors)
        before = snapshot(meeting)
        _apply(meeting, changes)
        meeting.save()
        frame.updated(meeting, before)
    return meeting


def concern_add(*, actor: Actor, meeting: Meeting, category: str, description: str) -> MeetingConcern:
    with audited(actor=actor, action="meeting.concern", obj=meeting) as frame:
        _check_change(actor, meeting)
        errors: dict[str, str] = {}
        _required(errors, description=description)
        if category not in ConcernCategory.values:
            errors["category"] = f"Unknown category {category!r}."
        if errors:
            raise ValidationError(errors)
        concern = MeetingConcern.objects.create(agency=meeting.agency, meeting=meeting, category=category,
                                                description=description.strip())
        frame.created(concern)
    return concern


def followup_add(*, actor: Actor, meeting: Meeting, action: str, owner: str, due: dt.date,
                 concern: MeetingConcern | None = None) -> FollowUp:
    with audited(actor=actor, action="meeting.followup", obj=meeting) as frame:
        _check_change(actor, meeting)
        errors: dict[str, str] = {}
        _required(errors, action=action, owner=owner)
        if due < meeting.date:
            errors["due"] = f"Before the meeting ({meeting.date})."
        if concern is not None and concern.meeting_id != meeting.pk:
            errors["concern"] = "The concern was raised at another meeting."
        if errors:
            raise ValidationError(errors)
        follow_up = FollowUp.objects.create(agency=meeting.agency, meeting=meeting, concern=concern,
                                            action=action.strip(), owner=owner.strip(), due=due)
        frame.created(follow_up)
    return follow_up


def followup_update(*, actor: Actor, follow_up: FollowUp, status: str,
                    completed: dt.date | None = None) -> FollowUp:
    """Mark a follow-up done or dropped (with the day), or reopen it."""
    with audited(actor=actor, action="meeting.followup_update", obj=follow_up) as frame:
        _check_change(actor, follow_up)
        if status not in FollowUpStatus.values:
            raise ValidationError({"status": f"Unknown status {status!r}."})
        errors: dict[str, str] = {}
        if status == FollowUpStatus.OPEN:
            completed = None
        else:
            completed = completed or timezone.localdate()
            _not_future(errors, "completed", completed)
            if completed < follow_up.meeting.date:
                errors["completed"] = f"Before the meeting ({follow_up.meeting.date})."
        if errors:
            raise ValidationError(errors)
        before = snapshot(follow_up)
        follow_up.status, follow_up.completed = status, completed
        follow_up.save()
        frame.updated(follow_up, before)
    return follow_up


# ---- Surveys -------------------------------------------------------------------------------------------

def _wave_errors(errors: dict[str, str], *, start: dt.date, end: dt.date, method: str, sample_size: int,
                 margin_of_error: float | None) -> None:
    if start > end:
        errors["end"] = "The wave ends before it starts."
    _not_future(errors, "start", start)
    if method not in SurveyMethod.values:
        errors["method"] = f"Unknown method {method!r}."
    if sample_size < 1:
        errors["sample_size"] = "Must be at least 1."
    if margin_of_error is not None and not 0 < margin_of_error < 100:
        errors["margin_of_error"] = "Percentage points between 0 and 100."


def wave_create(*, actor: Actor, agency: Agency, code: str, name: str, start: dt.date, end: dt.date,
                method: str, sample_size: int, margin_of_error: float | None = None) -> SurveyWave:
    with audited(actor=actor, action="survey.wave_create") as frame:
        _check_add(actor, agency)
        errors: dict[str, str] = {}
        _required(errors, code=code, name=name)
        if "|" in code:
            errors["code"] = "May not contain |."
        elif code.strip() and SurveyWave.objects.filter(agency=agency, code=code.strip()).exists():
            errors["code"] = "This agency already has a wave with that code."
        _wave_errors(errors, start=start, end=end, method=method, sample_size=sample_size,
                     margin_of_error=margin_of_error)
        if errors:
            raise ValidationError(errors)
        wave = SurveyWave.objects.create(agency=agency, code=code.strip(), name=name.strip(), start=start, end=end,
                                         method=method, sample_size=sample_size, margin_of_error=margin_of_error)
        frame.created(wave)
    return wave


_WAVE_EDITABLE = {"name", "start", "end", "method", "sample_size", "margin_of_error"}


def wave_update(*, actor: Actor, wave: SurveyWave, **changes: Any) -> SurveyWave:
    unknown = set(changes) - _WAVE_EDITABLE
    if unknown:
        raise ValidationError({k: "This field cannot be changed here." for k in sorted(unknown)})
    with audited(actor=actor, action="survey.wave_update", obj=wave) as frame:
        _check_change(actor, wave)
        errors: dict[str, str] = {}
        if "name" in changes:
            _required(errors, name=changes["name"])
        merged = {k: changes.get(k, getattr(wave, k)) for k in ("start", "end", "method", "sample_size",
                                                                "margin_of_error")}
        _wave_errors(errors, **merged)
        if errors:
            raise ValidationError(errors)
        before = snapshot(wave)
        _apply(wave, changes)
        wave.save()
        frame.updated(wave, before)
    return wave


def result_key(wave_code: str, district_code: str, item: str) -> str:
    """The import's key of one result (wave, district and item codes)."""
    return f"{wave_code}|{district_code}|{item}"


def survey_result_set(*, actor: Actor, wave: SurveyWave, district: District, item: str, n: int,
                      agree: int) -> SurveyResult:
    """Enter (or correct) one item's result in one district: n answered, `agree` agreed."""
    with audited(actor=actor, action="survey.result", obj=wave) as frame:
        _check_change(actor, wave)
        errors: dict[str, str] = {}
        if district.agency_id != wave.agency_id:
            errors["district"] = "The district belongs to another agency."
        if item not in SurveyItem.values:
            errors["item"] = f"Unknown item {item!r}."
        if n < 1:
            errors["n"] = "Must be at least 1."
        if agree < 0 or agree > n:
            errors["agree"] = f"Must be between 0 and n ({n})."
        if errors:
            raise ValidationError(errors)
        key = result_key(wave.code, district.code, item)
        existing = SurveyResult.objects.filter(agency=wave.agency, key=key).first()
        if existing is None:
            result = SurveyResult.objects.create(agency=wave.agency, key=key, wave=wave, district=district,
                                                 item=item, n=n, agree=agree)
            frame.created(result)
        else:
            before = snapshot(existing)
            existing.n, existing.agree = n, agree
            existing.save()
            frame.updated(existing, before)
            result = existing
    return result
