"""Early-intervention writes: pursuits, the scoring run that raises flags, and the supervisory review of a flag.

Review workflow (each step an audited action; any other move is refused naming `status`):
    open ──assign supervisor──▶ review ──intervention chosen──▶ intervention ──follow-up──▶ closed
                                   └────── "none warranted" closes the flag ─────────────────▲
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from safecity.core.actions import AuditFrame, audited
from safecity.core.actors import Actor, is_system
from safecity.core.history import snapshot
from safecity.core.models import Agency
from safecity.core.permissions import NotPermitted, ensure_can, ensure_module
from safecity.core.roles import Module, Sensitivity
from safecity.policing.models import (
    EIFlag,
    EIFlagStep,
    FlagStatus,
    Intervention,
    Officer,
    Pursuit,
    PursuitOutcome,
)

__all__ = ["ei_run", "eiflag_assign", "eiflag_follow_up", "eiflag_intervene", "pursuit_create"]

# Each step: the one stage it starts from, and the stages it may lead to.
STEPS: dict[str, tuple[str, set[str]]] = {
    "assign": (FlagStatus.OPEN, {FlagStatus.REVIEW}),
    "intervene": (FlagStatus.REVIEW, {FlagStatus.INTERVENTION, FlagStatus.CLOSED}),
    "follow_up": (FlagStatus.INTERVENTION, {FlagStatus.CLOSED}),
}


def pursuit_create(*, actor: Actor, agency: Agency, officer: Officer, started_at: dt.datetime, reason: str,
                   outcome: str, crash: bool = False, injuries: bool = False, notes: str = "") -> Pursuit:
    with audited(actor=actor, action="pursuit.create") as frame:
        if not is_system(actor):
            ensure_module(actor, Module.POLICING, "add", agency.pk)
        errors: dict[str, str] = {}
        if officer.agency_id != agency.pk:
            errors["officer"] = "The officer belongs to another agency."
        if started_at is None:
            errors["started_at"] = "Required."
        elif started_at > timezone.now():
            errors["started_at"] = "Cannot be in the future."
        if not reason.strip():
            errors["reason"] = "Required."
        if outcome not in PursuitOutcome.values:
            errors["outcome"] = f"Unknown outcome {outcome!r}; use one of {', '.join(PursuitOutcome.values)}."
        if errors:
            raise ValidationError(errors)
        pursuit = Pursuit.objects.create(agency=agency, officer=officer, started_at=started_at, reason=reason.strip(),
                                         outcome=outcome, crash=crash or outcome == PursuitOutcome.CRASH,
                                         injuries=injuries, notes=notes)
        frame.created(pursuit)
    return pursuit


def _step(frame: AuditFrame, flag: EIFlag, actor: Actor, note: str) -> None:
    name = actor.name if is_system(actor) else str(getattr(actor, "username", actor))
    step = EIFlagStep.objects.create(agency_id=flag.agency_id, flag=flag, status=flag.status, at=timezone.now(),
                                     actor_name=name, note=note, sensitivity=int(Sensitivity.PERSONNEL))
    frame.created(step)


def ei_run(*, actor: Actor, agency: Agency, as_of: dt.date) -> list[EIFlag]:
    """Score the agency's officers on `as_of` and raise a flag for each officer a rule fires on. Idempotent:
    an officer already flagged on that date is left alone, so a re-run adds nothing. Returns the new flags."""
    from safecity.policing.selectors.eis import SCORE_WINDOW_DAYS, ei_score, indicator_table

    with audited(actor=actor, action="eiflag.run") as frame:
        if not is_system(actor):
            ensure_module(actor, Module.POLICING, "add", agency.pk)
            ensure_module(actor, Module.POLICING, "change", agency.pk)
            from safecity.policing.selectors.eis import ei_agencies
            if agency not in ei_agencies(user=actor):
                raise NotPermitted("Early-intervention scoring needs clearance for personnel records.")
        if as_of > timezone.localdate():
            raise ValidationError({"as_of": "Cannot be in the future."})
        scored = ei_score(user=actor, agency=agency, as_of=as_of)
        already = set(EIFlag.objects.filter(agency=agency, as_of=as_of).values_list("officer_id", flat=True))
        created: list[EIFlag] = []
        for i, officer in enumerate(scored.data.officers):
            fired = scored.scoring.rules_for(i)
            if not fired or officer.pk in already:
                continue
            s = scored.scoring.score[i]
            flag = EIFlag.objects.create(
                agency=agency, officer=officer, as_of=as_of, window_days=SCORE_WINDOW_DAYS, rules=fired,
                indicators=indicator_table(scored, i), score=None if s != s else round(float(s), 2),
                sensitivity=int(Sensitivity.PERSONNEL))
            frame.created(flag)
            _step(frame, flag, actor, "Raised by the scoring: " + ", ".join(fired))
            created.append(flag)
        frame.extra.update({"agency": agency.ori, "as_of": as_of.isoformat(), "flags_created": len(created),
                            "already_flagged": len(already)})
    return created


def _move(flag: EIFlag, step: str, to: str) -> None:
    start, ends = STEPS[step]
    if flag.status != start or to not in ends:
        raise ValidationError({"status": f"A flag that is {FlagStatus(flag.status).label.lower()} cannot move to "
                                         f"{FlagStatus(to).label.lower()}."})


def eiflag_assign(*, actor: Actor, flag: EIFlag, supervisor: Officer, notes: str = "") -> EIFlag:
    """Open → review: a supervisor is assigned and reviews the officer's record."""
    with audited(actor=actor, action="eiflag.assign", obj=flag) as frame:
        if not is_system(actor):
            ensure_can(actor, "change", flag)
        _move(flag, "assign", FlagStatus.REVIEW)
        if supervisor.agency_id != flag.agency_id:
            raise ValidationError({"supervisor": "The supervisor belongs to another agency."})
        if supervisor.pk == flag.officer_id:
            raise ValidationError({"supervisor": "An officer cannot review their own flag."})
        before = snapshot(flag)
        flag.status, flag.supervisor, flag.review_notes = FlagStatus.REVIEW, supervisor, notes.strip()
        flag.save()
        frame.updated(flag, before)
        _step(frame, flag, actor, f"Supervisor assigned: {supervisor}. {notes.strip()}".strip())
    return flag


def eiflag_intervene(*, actor: Actor, flag: EIFlag, intervention: str, notes: str = "",
                     follow_up_due: dt.date | None = None) -> EIFlag:
    """Review → intervention chosen; "none warranted" closes the flag, anything else needs a follow-up date."""
    with audited(actor=actor, action="eiflag.intervene", obj=flag) as frame:
        if not is_system(actor):
            ensure_can(actor, "change", flag)
        if intervention not in Intervention.values:
            raise ValidationError({"intervention": f"Unknown intervention {intervention!r}."})
        to = FlagStatus.CLOSED if intervention == Intervention.NONE else FlagStatus.INTERVENTION
        _move(flag, "intervene", to)
        if to == FlagStatus.INTERVENTION and follow_up_due is None:
            raise ValidationError({"follow_up_due": "Required: when will the supervisor follow up?"})
        if follow_up_due is not None and follow_up_due < flag.as_of:
            raise ValidationError({"follow_up_due": "Cannot be before the flag's as-of date."})
        if intervention == Intervention.OTHER and not notes.strip():
            raise ValidationError({"notes": "Say what the intervention is."})
        before = snapshot(flag)
        flag.status, flag.intervention, flag.intervention_notes = to, intervention, notes.strip()
        flag.follow_up_due = follow_up_due
        flag.save()
        frame.updated(flag, before)
        _step(frame, flag, actor, f"Intervention: {Intervention(intervention).label}. {notes.strip()}".strip())
    return flag


def eiflag_follow_up(*, actor: Actor, flag: EIFlag, follow_up_on: dt.date, outcome: str) -> EIFlag:
    """Intervention → closed: the follow-up happened, with its outcome."""
    with audited(actor=actor, action="eiflag.follow_up", obj=flag) as frame:
        if not is_system(actor):
            ensure_can(actor, "change", flag)
        _move(flag, "follow_up", FlagStatus.CLOSED)
        errors: dict[str, Any] = {}
        if follow_up_on is None:
            errors["follow_up_on"] = "Required."
        elif follow_up_on > timezone.localdate():
            errors["follow_up_on"] = "Cannot be in the future."
        elif follow_up_on < flag.as_of:
            errors["follow_up_on"] = "Cannot be before the flag's as-of date."
        if not outcome.strip():
            errors["outcome"] = "Required: what did the follow-up find?"
        if errors:
            raise ValidationError(errors)
        before = snapshot(flag)
        flag.status, flag.follow_up_on, flag.follow_up_outcome = FlagStatus.CLOSED, follow_up_on, outcome.strip()
        flag.save()
        frame.updated(flag, before)
        _step(frame, flag, actor, f"Follow-up on {follow_up_on.isoformat()}: {outcome.strip()}")
    return flag
