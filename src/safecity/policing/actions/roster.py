"""Roster writes: units, officers and assignment history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from safecity.core.actions import audited
from safecity.core.actors import Actor, is_system
from safecity.core.history import snapshot
from safecity.core.models import Agency, District
from safecity.core.permissions import ensure_can, ensure_module
from safecity.core.roles import Module
from safecity.policing.models import Assignment, Officer, OfficerStatus, Rank, Unit

__all__ = ["assignment_start", "officer_create", "officer_update", "unit_create"]


def _check_agency(actor: Actor, agency: Agency, right: str = "add") -> None:
    if not is_system(actor):
        ensure_module(actor, Module.POLICING, right, agency.pk)


def unit_create(*, actor: Actor, agency: Agency, code: str, name: str, parent: Unit | None = None,
                district: District | None = None) -> Unit:
    with audited(actor=actor, action="unit.create") as frame:
        _check_agency(actor, agency)
        errors: dict[str, str] = {}
        if not code.strip():
            errors["code"] = "Required."
        elif Unit.objects.filter(agency=agency, code=code.strip()).exists():
            errors["code"] = "This agency already has a unit with that code."
        if not name.strip():
            errors["name"] = "Required."
        if parent is not None and parent.agency_id != agency.pk:
            errors["parent"] = "The parent unit belongs to another agency."
        if district is not None and district.agency_id != agency.pk:
            errors["district"] = "The district belongs to another agency."
        if errors:
            raise ValidationError(errors)
        unit = Unit.objects.create(agency=agency, code=code.strip(), name=name.strip(), parent=parent,
                                   district=district)
        frame.created(unit)
    return unit


def officer_create(
    *, actor: Actor, agency: Agency, employee_id: str, first_name: str, last_name: str, rank: str = Rank.OFFICER,
    unit: Unit | None = None, badge_number: str = "", hire_date: dt.date | None = None, sex: str = "",
    race: str = "", birth_year: int | None = None, user: Any = None, duty: str = "",
) -> Officer:
    """Add an officer; with a unit, the first assignment starts on the hire date (or today)."""
    with audited(actor=actor, action="officer.create") as frame:
        _check_agency(actor, agency)
        today = timezone.localdate()
        errors: dict[str, str] = {}
        if not employee_id.strip():
            errors["employee_id"] = "Required."
        elif Officer.objects.filter(agency=agency, employee_id=employee_id.strip()).exists():
            errors["employee_id"] = "This agency already has an officer with that employee id."
        for key, value in (("first_name", first_name), ("last_name", last_name)):
            if not value.strip():
                errors[key] = "Required."
        if rank not in Rank.values:
            errors["rank"] = f"Unknown rank {rank!r}; use one of {', '.join(Rank.values)}."
        if unit is not None and unit.agency_id != agency.pk:
            errors["unit"] = "The unit belongs to another agency."
        if hire_date is not None and hire_date > today:
            errors["hire_date"] = "Cannot be in the future."
        if birth_year is not None and not 1900 <= birth_year <= today.year - 16:
            errors["birth_year"] = "Not a plausible birth year."
        if errors:
            raise ValidationError(errors)
        officer = Officer.objects.create(
            agency=agency, employee_id=employee_id.strip(), first_name=first_name.strip(),
            last_name=last_name.strip(), rank=rank, unit=unit, badge_number=badge_number.strip(),
            hire_date=hire_date, sex=sex, race=race, birth_year=birth_year, user=user,
        )
        frame.created(officer)
        if unit is not None:
            assignment = Assignment.objects.create(agency=agency, officer=officer, unit=unit, rank=rank, duty=duty,
                                                   started=hire_date or today)
            frame.created(assignment)
    return officer


_OFFICER_EDITABLE = {"badge_number", "first_name", "last_name", "status", "separation_date", "sex", "race",
                     "birth_year", "user", "hire_date"}


def officer_update(*, actor: Actor, officer: Officer, **changes: Any) -> Officer:
    """Change roster fields; a move to another unit or rank goes through `assignment_start`."""
    unknown = set(changes) - _OFFICER_EDITABLE
    if unknown:
        raise ValidationError({k: "This field cannot be changed here." for k in sorted(unknown)})
    if "status" in changes and changes["status"] not in OfficerStatus.values:
        raise ValidationError({"status": f"Unknown status {changes['status']!r}."})
    with audited(actor=actor, action="officer.update", obj=officer) as frame:
        if not is_system(actor):
            ensure_can(actor, "change", officer)
        if changes.get("user") is not None:
            _check_account(officer, changes["user"])
        before = snapshot(officer)
        for key, value in changes.items():
            setattr(officer, key, value)
        if officer.status == OfficerStatus.SEPARATED and officer.separation_date is None:
            raise ValidationError({"separation_date": "Required when the officer has separated."})
        officer.save()
        frame.updated(officer, before)
    return officer


def _check_account(officer: Officer, account: Any) -> None:
    """An officer is linked only to an account of their own agency, and an account to one officer there."""
    from django.db.models import Q

    from safecity.core.models import User

    member = User.objects.filter(Q(home_agency_id=officer.agency_id) | Q(role_assignments__agency_id=officer.agency_id),
                                 pk=account.pk, is_active=True).exists()
    if not member:
        raise ValidationError({"user": "Choose an active account of the officer's own agency."})
    other = Officer.objects.filter(agency_id=officer.agency_id, user_id=account.pk).exclude(pk=officer.pk).first()
    if other is not None:
        raise ValidationError({"user": f"That account is already linked to employee {other.employee_id}."})


def assignment_start(*, actor: Actor, officer: Officer, unit: Unit, started: dt.date, rank: str | None = None,
                     duty: str = "") -> Assignment:
    """Move an officer: the open assignment ends the day before `started`, a new one begins, and the officer's
    current unit and rank follow it."""
    rank = rank or officer.rank
    with audited(actor=actor, action="assignment.start", obj=officer) as frame:
        if not is_system(actor):
            ensure_can(actor, "change", officer)
        errors: dict[str, str] = {}
        if unit.agency_id != officer.agency_id:
            errors["unit"] = "The unit belongs to another agency."
        if rank not in Rank.values:
            errors["rank"] = f"Unknown rank {rank!r}."
        current = officer.assignments.filter(ended__isnull=True).order_by("-started").first()
        if current is not None and started <= current.started:
            errors["started"] = f"Must be after the current assignment began ({current.started})."
        if errors:
            raise ValidationError(errors)
        if current is not None:
            before = snapshot(current)
            current.ended = started - dt.timedelta(days=1)
            current.save(update_fields=["ended", "last_updated"])
            frame.updated(current, before)
        assignment = Assignment.objects.create(agency=officer.agency, officer=officer, unit=unit, rank=rank,
                                               duty=duty, started=started)
        frame.created(assignment)
        before = snapshot(officer)
        officer.unit, officer.rank = unit, rank
        officer.save(update_fields=["unit", "rank", "last_updated"])
        frame.updated(officer, before)
    return assignment
