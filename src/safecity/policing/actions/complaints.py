"""Complaint writes: intake with allegations (and the complainant's identity, kept apart), the stage
workflow with its deadlines, extensions, findings and comments. Every write is one audited action.

Labels are set here and nowhere else: every complaint, allegation, timeline entry and comment carries
`personnel`, the complainant `personnel` and `victim-identifying`; no caller can pass or drop them."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from safecity.core.actions import audited
from safecity.core.actors import Actor, is_system
from safecity.core.history import snapshot
from safecity.core.models import Agency, District, User
from safecity.core.permissions import NotPermitted, active_assignments, ensure_can, ensure_module
from safecity.core.roles import Module, Sensitivity
from safecity.policing import complaint_rules
from safecity.policing.models import (
    Allegation,
    Complainant,
    Complaint,
    ComplaintChannel,
    ComplaintComment,
    ComplaintEvent,
    ComplaintEventKind,
    ComplaintSource,
    ComplaintStatus,
    Finding,
    Officer,
)
from safecity.policing.selectors.complaints import (
    REFERENCE_ALPHABET,
    REFERENCE_GROUP_LEN,
    REFERENCE_GROUPS,
    can_comment,
    is_accused,
)

PERSONNEL = int(Sensitivity.PERSONNEL)
IDENTITY = int(Sensitivity.PERSONNEL | Sensitivity.VICTIM_IDENTIFYING)
MAX_TEXT = 5000
LOCATION_MAX = 200  # Complaint.location's max_length
SUMMARY_MAX = MAX_TEXT  # the summary is free text (a TextField); intake's form caps it here too


class InvalidTransition(ValidationError):
    """A stage change the workflow does not allow; names the field (`status`) and the stages allowed."""

    def __init__(self, current: str, wanted: str) -> None:
        allowed = complaint_rules.TRANSITIONS.get(current, ())
        words = ", ".join(str(ComplaintStatus(s).label) for s in allowed) or "none"
        self.current, self.wanted = current, wanted
        super().__init__({"status": f"A complaint cannot move from {_label(current)} to {_label(wanted)}; "
                                    f"allowed next: {words}."})


def _label(status: str) -> str:
    return str(ComplaintStatus(status).label) if status in ComplaintStatus.values else repr(status)


def new_reference() -> str:
    """16 characters from a 31-letter alphabet (≈ 79 bits), from the OS's secure generator: unguessable, and not
    derived from any id or date."""
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_GROUPS * REFERENCE_GROUP_LEN))
    n = REFERENCE_GROUP_LEN
    return "-".join(chars[i:i + n] for i in range(0, len(chars), n))


def _unique_reference() -> str:
    while True:  # a collision at 79 bits is practically impossible, but cheap to rule out
        ref = new_reference()
        if not Complaint.objects.filter(reference=ref).exists():
            return ref


@dataclass
class AllegationIn:
    officer: Officer
    category: str


@dataclass
class ComplainantIn:
    name: str
    contact: str = ""
    race: str = ""
    sex: str = ""
    age: int | None = None
    relationship: str = ""


@dataclass
class ComplaintIn:
    """One complaint as intake (or a bulk load) describes it."""

    received_on: dt.date
    source: str
    allegations: Sequence[AllegationIn]
    channel: str = ""
    occurred_on: dt.date | None = None
    location: str = ""
    district: District | None = None
    summary: str = ""
    complainant: ComplainantIn | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _problems(agency: Agency, c: ComplaintIn, today: dt.date, *, identity_required: bool = True) -> dict[str, str]:
    errors: dict[str, str] = {}
    if c.received_on > today:
        errors["received_on"] = "Cannot be in the future."
    if c.occurred_on is not None and c.occurred_on > c.received_on:
        errors["occurred_on"] = "Cannot be after the day the complaint was received."
    if c.source not in ComplaintSource.values:
        errors["source"] = f"Unknown source {c.source!r}; use one of {', '.join(ComplaintSource.values)}."
    if c.channel and c.channel not in ComplaintChannel.values:
        errors["channel"] = f"Unknown channel {c.channel!r}; use one of {', '.join(ComplaintChannel.values)}."
    if c.district is not None and c.district.agency_id != agency.pk:
        errors["district"] = "The district belongs to another agency."
    if len(c.location) > LOCATION_MAX:
        errors["location"] = f"At most {LOCATION_MAX} characters."
    if len(c.summary) > SUMMARY_MAX:
        errors["summary"] = f"At most {SUMMARY_MAX} characters."
    if c.source == ComplaintSource.ANONYMOUS and c.complainant is not None:
        errors["complainant"] = "An anonymous complaint keeps no identity; leave the complainant's details empty."
    elif identity_required and c.source in (ComplaintSource.CIVILIAN, ComplaintSource.THIRD_PARTY) and (
            c.complainant is None or not c.complainant.name.strip()):
        errors["complainant"] = "A named or third-party complaint needs the complainant's name."
    if c.complainant is not None and c.complainant.age is not None and not 0 < c.complainant.age < 120:
        errors["complainant"] = "Age must be between 1 and 119."
    if not c.allegations:
        errors["allegations"] = "At least one allegation (an officer and a category) is needed."
    categories = {code for code, _ in complaint_rules.categories(c.received_on)}
    for i, a in enumerate(c.allegations, start=1):
        if a.officer.agency_id != agency.pk:
            errors["allegations"] = f"Allegation {i}: the officer belongs to another agency."
        elif a.category not in categories:
            errors["allegations"] = (f"Allegation {i}: unknown category {a.category!r}; use one of "
                                     f"{', '.join(sorted(categories))}.")
    return errors


def _build(agency: Agency, c: ComplaintIn, actor_name: str) -> tuple[Complaint, list[Allegation],
                                                                    Complainant | None, ComplaintEvent]:
    due = complaint_rules.stage_due(ComplaintStatus.RECEIVED, received=c.received_on, stage_start=c.received_on)
    complaint = Complaint(
        agency=agency, reference=_unique_reference(), received_on=c.received_on, occurred_on=c.occurred_on,
        source=c.source, channel=c.channel, location=c.location.strip(), district=c.district,
        summary=c.summary.strip(), status=ComplaintStatus.RECEIVED, stage_started_on=c.received_on, due_on=due,
        discipline_limit_on=complaint_rules.discipline_limit(c.received_on), sensitivity=PERSONNEL)
    allegations = [Allegation(agency=agency, complaint=complaint, officer=a.officer, category=a.category,
                              sensitivity=PERSONNEL) for a in c.allegations]
    person = None
    if c.complainant is not None:
        p = c.complainant
        person = Complainant(agency=agency, complaint=complaint, name=p.name.strip(), contact=p.contact.strip(),
                             race=p.race, sex=p.sex, age=p.age, relationship=p.relationship.strip(),
                             sensitivity=IDENTITY)
    event = ComplaintEvent(agency=agency, complaint=complaint, kind=ComplaintEventKind.TRANSITION, from_status="",
                           to_status=ComplaintStatus.RECEIVED, on=c.received_on, due_on=due,
                           actor_name=actor_name, sensitivity=PERSONNEL)
    return complaint, allegations, person, event


def _actor_name(actor: Actor) -> str:
    return str(getattr(actor, "username", None) or getattr(actor, "name", None) or actor)[:150]


def complaint_create(*, actor: Actor, agency: Agency, complaint: ComplaintIn) -> Complaint:
    """Take in a complaint with its allegations (and the complainant's identity unless anonymous)."""
    with audited(actor=actor, action="complaint.create") as frame:
        if not is_system(actor):
            ensure_module(actor, Module.POLICING, "add", agency.pk)
        errors = _problems(agency, complaint, timezone.localdate())
        if errors:
            raise ValidationError(errors)
        row, allegations, person, event = _build(agency, complaint, _actor_name(actor))
        row.save()
        frame.created(row)
        for a in allegations:
            a.complaint = row
            a.save()
            frame.created(a)
        if person is not None:
            person.complaint = row
            person.save()
            # The history row says an identity was recorded, never what it is (the audit log is read by
            # roles that need not see who complained).
            frame.touch(agency.pk)
            frame.changes.append((person, "create", None, {"id": person.pk, "complaint_id": row.pk,
                                                           "identity": "withheld from history"}))
        event.complaint = row
        event.save()
        frame.created(event)
    return row


def complaints_bulk_load(*, actor: Actor, agency: Agency, complaints: Sequence[ComplaintIn],
                         closings: Sequence[Sequence[tuple[str, dt.date, str]]] = (),
                         findings: Sequence[Sequence[tuple[str, dt.date | None, str]]] = (),
                         investigators: Sequence[Officer | None] = (),
                         comments: Sequence[Sequence[tuple[str, str, str]]] = ()) -> int:
    """Load many complaints in one audited action (the demo, a migration from another system): each complaint
    is validated like intake; `closings[i]` is its later stage history (status, date, reason), `findings[i]`
    one (finding, date, discipline) per allegation, `investigators[i]` the assigned investigator and
    `comments[i]` (author name, role, text) remarks. Rows are written with bulk inserts; one audit event."""
    today = timezone.localdate()
    with audited(actor=actor, action="complaint.bulk_load") as frame:
        if not is_system(actor):
            ensure_module(actor, Module.POLICING, "add", agency.pk)
        for i, c in enumerate(complaints, start=1):
            errors = _problems(agency, c, today)
            inv = investigators[i - 1] if i - 1 < len(investigators) else None
            if inv is not None and (inv.agency_id != agency.pk or any(a.officer.pk == inv.pk for a in c.allegations)):
                errors["investigator"] = "Must be an officer of the agency who is not accused in the complaint."
            if errors:
                raise ValidationError({f"complaint {i}: {k}": v for k, v in errors.items()})
        built = [_build(agency, c, _actor_name(actor)) for c in complaints]
        rows = Complaint.objects.bulk_create([b[0] for b in built], batch_size=500)
        allegations: list[Allegation] = []
        people: list[Complainant] = []
        events: list[ComplaintEvent] = []
        notes: list[ComplaintComment] = []
        for i, (row, alls, person, event) in enumerate(built):
            row.investigator = investigators[i] if i < len(investigators) else None
            for author, role, text in (comments[i] if i < len(comments) else ()):
                notes.append(ComplaintComment(agency=agency, complaint=row, author_name=author[:150],
                                              author_role=role[:20], body=text[:MAX_TEXT], sensitivity=PERSONNEL))
            for j, a in enumerate(alls):
                a.complaint = row
                if i < len(findings) and j < len(findings[i]):
                    a.finding, a.finding_date, a.discipline = findings[i][j]
                allegations.append(a)
            if person is not None:
                person.complaint = row
                people.append(person)
            event.complaint = row
            events.append(event)
            stage_from = row.status
            for status, on, reason in (closings[i] if i < len(closings) else ()):
                due = complaint_rules.stage_due(status, received=row.received_on, stage_start=on)
                events.append(ComplaintEvent(agency=agency, complaint=row, kind=ComplaintEventKind.TRANSITION,
                                             from_status=stage_from, to_status=status, on=on, due_on=due,
                                             reason=reason, actor_name=_actor_name(actor), sensitivity=PERSONNEL))
                row.status, row.stage_started_on, row.due_on = status, on, due
                row.closed_on = on if status == ComplaintStatus.CLOSED else None
                stage_from = status
        Complaint.objects.bulk_update(rows, ["status", "stage_started_on", "due_on", "closed_on", "investigator"],
                                      batch_size=500)
        ComplaintComment.objects.bulk_create(notes, batch_size=1000)
        Allegation.objects.bulk_create(allegations, batch_size=1000)
        Complainant.objects.bulk_create(people, batch_size=1000)
        ComplaintEvent.objects.bulk_create(events, batch_size=1000)
        frame.touch(agency.pk)
        frame.extra.update({"complaints": len(rows), "allegations": len(allegations)})
    return len(rows)


@dataclass
class ImportedAllegation:
    officer_id: int
    category: str
    finding: str = Finding.PENDING
    finding_date: dt.date | None = None
    discipline: str = ""


@dataclass
class ImportedComplaint:
    """One complaint of an imported file (`safecity import complaints`), as the importer prepared it: keyed by
    the agency's own complaint number, with the stages it has passed since receipt (each with the day it was
    reached; empty = still received) and, when the file has complainant columns (`identity_in_file`), the
    complainant's identity, which replaces the stored one. Likewise the summary, location, district and
    investigator replace the stored ones only when the file has their columns (`fields_in_file`: "summary",
    "location", "district", "investigator"): a complaint re-imported from a file without them keeps what was
    recorded in safecity."""

    number: str
    fingerprint: str
    received_on: dt.date
    source: str
    allegations: list[ImportedAllegation]
    steps: list[tuple[str, dt.date]] = field(default_factory=list)
    occurred_on: dt.date | None = None
    channel: str = ""
    complainant: ComplainantIn | None = None
    identity_in_file: bool = False
    summary: str = ""
    location: str = ""
    district_id: int | None = None
    investigator_id: int | None = None
    fields_in_file: tuple[str, ...] = ()

    @property
    def status(self) -> str:
        return self.steps[-1][0] if self.steps else ComplaintStatus.RECEIVED


IMPORT_REASON = "Recorded by an import of the agency's complaint file."


def _intake(c: ImportedComplaint, officers: Mapping[int, Officer],
            districts: Mapping[int, District]) -> ComplaintIn:
    """The imported complaint as intake describes it (its unknown officers and district left out)."""
    return ComplaintIn(received_on=c.received_on, source=c.source, channel=c.channel, occurred_on=c.occurred_on,
                       location=c.location, district=districts.get(c.district_id) if c.district_id else None,
                       summary=c.summary, complainant=c.complainant,
                       allegations=[AllegationIn(officer=officers[a.officer_id], category=a.category)
                                    for a in c.allegations if a.officer_id in officers])


def _imported_problems(agency: Agency, c: ImportedComplaint, officers: Mapping[int, Officer],
                       districts: Mapping[int, District], today: dt.date) -> dict[str, str]:
    errors: dict[str, str] = {}
    missing = [a for a in c.allegations if a.officer_id not in officers]
    if missing:
        errors["allegations"] = "An accused officer is not an officer of this agency."
    if c.district_id is not None and c.district_id not in districts:
        errors["district"] = "Not a district of this agency."
    errors.update(_problems(agency, _intake(c, officers, districts), today, identity_required=c.identity_in_file))
    # The investigator is checked as `complaint_transition` checks it when a complaint is assigned.
    if c.investigator_id is not None:
        if c.investigator_id not in officers:
            errors["investigator"] = "The investigator is not an officer of this agency."
        elif any(a.officer_id == c.investigator_id for a in c.allegations):
            errors["investigator"] = "An accused officer cannot investigate the complaint."
        elif c.status == ComplaintStatus.RECEIVED:
            errors["status"] = "A complaint with an investigator is at least assigned."
    for a in c.allegations:
        if a.finding not in Finding.values:
            errors["finding"] = f"Unknown finding; use one of {', '.join(Finding.values)}."
        elif a.discipline and a.finding != Finding.SUSTAINED:
            errors["discipline"] = "Discipline follows only a sustained finding."
        if a.finding_date is not None and not c.received_on <= a.finding_date <= today:
            errors["finding_date"] = "Must fall between the day the complaint was received and today."
    order = [str(s) for s in complaint_rules.ORDER]
    position, last = 0, c.received_on
    for status, on in c.steps:
        if status not in order or order.index(status) != position + 1:
            errors["status"] = "The stages must follow the workflow one at a time."
            break
        if not last <= on <= today:
            errors["status"] = "Each stage must be reached on or after the one before it, and not in the future."
        position, last = order.index(status), on
    decided = [a for a in c.allegations if a.finding != Finding.PENDING]
    if decided and c.status in (ComplaintStatus.RECEIVED, ComplaintStatus.ASSIGNED):
        errors["status"] = "A complaint with a finding is at least under investigation."
    if c.status == ComplaintStatus.CLOSED and len(decided) < len(c.allegations):
        errors["status"] = "A closed complaint needs a finding on every allegation."
    return errors


def _walk(row: Complaint, steps: Sequence[tuple[str, dt.date]], actor_name: str,
          reason: str = IMPORT_REASON) -> list[ComplaintEvent]:
    """Move a complaint through `steps` (stage, day reached), setting its stage dates and deadlines from the
    rule packs as `complaint_transition` does; the timeline entries are returned for the caller to save."""
    events = []
    for status, on in steps:
        due = complaint_rules.stage_due(status, received=row.received_on, stage_start=on)
        events.append(ComplaintEvent(agency=row.agency, complaint=row, kind=ComplaintEventKind.TRANSITION,
                                     from_status=row.status, to_status=status, on=on, due_on=due, reason=reason,
                                     actor_name=actor_name, sensitivity=PERSONNEL))
        row.status, row.stage_started_on, row.due_on = status, on, due
        row.closed_on = on if status == ComplaintStatus.CLOSED else None
    return events


def complaints_import(*, actor: Actor, agency: Agency, new: Sequence[ImportedComplaint],
                      changed: Mapping[int, ImportedComplaint], batch_id: int | None = None) -> int:
    """Write one batch of an imported complaint file: `new` complaints are taken in as intake does (fresh
    reference codes, the complainant apart) and walked through their stages; `changed` ones (primary key →
    complaint) get the file's values, their allegations matched by officer and category (added, updated or
    removed to match the file) and, when the stage differs, one timeline entry to the file's stage. The importer
    framework calls this inside the batch's transaction (`core.importing.actions.batch_commit`), which records
    the complaints' own before/after history; allegation changes are recorded here, the complainant's only as
    "identity withheld"."""
    today = timezone.localdate()
    every = [*new, *changed.values()]
    with audited(actor=actor, action="complaint.import") as frame:
        if not is_system(actor):
            ensure_module(actor, Module.POLICING, "add", agency.pk)
            if changed:
                ensure_module(actor, Module.POLICING, "change", agency.pk)
        officers = Officer.objects.filter(agency=agency).in_bulk(
            {a.officer_id for c in every for a in c.allegations}
            | {c.investigator_id for c in every if c.investigator_id is not None})
        districts = District.objects.filter(agency=agency).defer("geometry").in_bulk(
            {c.district_id for c in every if c.district_id is not None})
        errors: dict[str, str] = {}
        for c in every:
            errors.update({f"complaint {c.number}: {k}": v
                           for k, v in _imported_problems(agency, c, officers, districts, today).items()})
        taken = Complaint.objects.filter(agency=agency, external_number__in=[c.number for c in new])
        errors.update({f"complaint {number}: external_number": "Already imported for this agency."
                       for number in taken.values_list("external_number", flat=True)})
        if errors:
            raise ValidationError(errors)
        name = _actor_name(actor)
        rows, allegations, people, events = [], [], [], []
        for c in new:
            row, alls, person, event = _build(agency, _intake(c, officers, districts), name)
            row.external_number, row.import_hash, row.import_batch_id = c.number, c.fingerprint, batch_id
            row.investigator_id = c.investigator_id
            for a, given in zip(alls, c.allegations, strict=True):
                a.finding, a.finding_date, a.discipline = given.finding, given.finding_date, given.discipline
            rows.append(row)
            allegations.append(alls)
            people.append(person)
            events.append([event, *_walk(row, c.steps, name)])
        Complaint.objects.bulk_create(rows, batch_size=500)
        for row, alls, person, evs in zip(rows, allegations, people, events, strict=True):
            for a in alls:
                a.complaint = row
            for e in evs:
                e.complaint = row
            if person is not None:
                person.complaint = row
        Allegation.objects.bulk_create([a for alls in allegations for a in alls], batch_size=1000)
        Complainant.objects.bulk_create([p for p in people if p is not None], batch_size=1000)
        ComplaintEvent.objects.bulk_create([e for evs in events for e in evs], batch_size=1000)
        for pk, c in changed.items():
            _reimport(frame, Complaint.objects.select_related("agency").get(pk=pk, agency=agency), c, officers,
                      districts, batch_id, name)
        frame.touch(agency.pk)
        frame.extra.update({"agency": agency.ori, "batch": batch_id, "added": len(rows), "updated": len(changed),
                            "allegations": sum(len(c.allegations) for c in every)})
    return len(rows) + len(changed)


def _reimport(frame: Any, row: Complaint, c: ImportedComplaint, officers: Mapping[int, Officer],
              districts: Mapping[int, District], batch_id: int | None, actor_name: str) -> None:
    """A complaint imported before whose rows changed in the file: the file's values win (for the optional
    fields, only those the file has columns for)."""
    received_moved = row.received_on != c.received_on
    row.received_on, row.occurred_on, row.source, row.channel = c.received_on, c.occurred_on, c.source, c.channel
    intake = _intake(c, officers, districts)
    if "summary" in c.fields_in_file:
        row.summary = intake.summary.strip()
    if "location" in c.fields_in_file:
        row.location = intake.location.strip()
    if "district" in c.fields_in_file:
        row.district = intake.district
    if "investigator" in c.fields_in_file:
        row.investigator_id = c.investigator_id
    row.import_hash, row.import_batch_id = c.fingerprint, batch_id
    row.discipline_limit_on = complaint_rules.discipline_limit(c.received_on)
    steps = [s for s in c.steps if s[0] == c.status]
    if c.status != row.status:
        events = _walk(row, steps or [(c.status, c.received_on)], actor_name)
        ComplaintEvent.objects.bulk_create(events)
    elif received_moved:
        row.due_on = complaint_rules.stage_due(row.status, received=c.received_on,
                                               stage_start=row.stage_started_on or c.received_on)
    row.save()  # its before/after history is the batch's (RecordType.history_model)
    stored: dict[tuple[int, str], Allegation] = {}
    for a in row.allegations.all():
        stored.setdefault((a.officer_id, a.category), a)
    kept: set[int] = set()
    for given in c.allegations:
        found = stored.get((given.officer_id, given.category))
        if found is None:
            found = Allegation(agency=row.agency, complaint=row, officer=officers[given.officer_id],
                               category=given.category, finding=given.finding, finding_date=given.finding_date,
                               discipline=given.discipline, sensitivity=PERSONNEL)
            found.save()
            frame.created(found)
        else:
            before = snapshot(found)
            found.finding, found.finding_date, found.discipline = given.finding, given.finding_date, given.discipline
            found.save()
            frame.updated(found, before)
        kept.add(found.pk)
    for a in stored.values():
        if a.pk not in kept:
            before = snapshot(a)
            a.delete()
            frame.deleted(a, before)
    _reimport_identity(frame, row, c)


def _reimport_identity(frame: Any, row: Complaint, c: ImportedComplaint) -> None:
    # As at intake, the history says that an identity was recorded, changed or removed, never what it is.
    person = Complainant.objects.filter(complaint=row).first()
    withheld = {"complaint_id": row.pk, "identity": "withheld from history"}
    if c.source == ComplaintSource.ANONYMOUS or (c.identity_in_file and c.complainant is None):
        if person is not None:
            pk = person.pk
            person.delete()
            frame.changes.append((person, "delete", {"id": pk, **withheld}, None))
        return
    if not c.identity_in_file or c.complainant is None:
        return
    p = c.complainant
    values = {"name": p.name.strip(), "contact": p.contact.strip(), "race": p.race, "sex": p.sex, "age": p.age,
              "relationship": p.relationship.strip()}
    if person is None:
        person = Complainant(agency=row.agency, complaint=row, sensitivity=IDENTITY, **values)
        person.save()
        frame.changes.append((person, "create", None, {"id": person.pk, **withheld}))
    elif any(getattr(person, k) != v for k, v in values.items()):
        for k, v in values.items():
            setattr(person, k, v)
        person.save()
        frame.changes.append((person, "update", {"id": person.pk, **withheld}, {"id": person.pk, **withheld}))


def _refuse_accused(actor: Actor, complaint: Complaint, doing: str) -> None:
    if not is_system(actor) and is_accused(actor, complaint):
        raise NotPermitted(f"An officer accused in a complaint cannot {doing} it.")


def _check_day(on: dt.date, complaint: Complaint, name: str = "on") -> None:
    if on > timezone.localdate():
        raise ValidationError({name: "Cannot be in the future."})
    if complaint.stage_started_on is not None and on < complaint.stage_started_on:
        raise ValidationError({name: f"Cannot be before the current stage began ({complaint.stage_started_on})."})


def complaint_transition(*, actor: Actor, complaint: Complaint, to_status: str, on: dt.date | None = None,
                         reason: str = "", investigator: Officer | None = None) -> Complaint:
    """Move a complaint to the next stage. Refused with `InvalidTransition` when the workflow does not allow
    it; assigning needs an investigator, closing a finding on every allegation, reopening and sending findings
    back a reason. The new stage's due date comes from the deadline rule pack."""
    day = on or timezone.localdate()
    with audited(actor=actor, action="complaint.transition", obj=complaint) as frame:
        if not is_system(actor):
            ensure_can(actor, "change", complaint)
        _refuse_accused(actor, complaint, "move")
        current = complaint.status
        if to_status not in complaint_rules.TRANSITIONS.get(current, ()):
            raise InvalidTransition(current, to_status)
        _check_day(day, complaint)
        if len(reason) > MAX_TEXT:
            raise ValidationError({"reason": f"At most {MAX_TEXT} characters."})
        if (current, to_status) in complaint_rules.NEEDS_REASON and not reason.strip():
            raise ValidationError({"reason": f"Say why the complaint goes from {_label(current)} back to "
                                             f"{_label(to_status)}."})
        before = snapshot(complaint)
        if to_status == ComplaintStatus.ASSIGNED:
            if investigator is None:
                raise ValidationError({"investigator": "Choose the investigator to assign."})
            if investigator.agency_id != complaint.agency_id:
                raise ValidationError({"investigator": "The investigator belongs to another agency."})
            if complaint.allegations.filter(officer=investigator).exists():
                raise ValidationError({"investigator": "An accused officer cannot investigate the complaint."})
            complaint.investigator = investigator
        if to_status == ComplaintStatus.CLOSED:
            pending = complaint.allegations.filter(finding=Finding.PENDING).count()
            if pending:
                raise ValidationError({"status": f"{pending} allegation(s) still have no finding; record every "
                                                 f"finding before closing."})
        complaint.status = to_status
        complaint.stage_started_on = day
        complaint.due_on = complaint_rules.stage_due(to_status, received=complaint.received_on, stage_start=day)
        complaint.closed_on = day if to_status == ComplaintStatus.CLOSED else None
        complaint.save()
        frame.updated(complaint, before)
        event = ComplaintEvent.objects.create(
            agency=complaint.agency, complaint=complaint, kind=ComplaintEventKind.TRANSITION, from_status=current,
            to_status=to_status, on=day, due_on=complaint.due_on, reason=reason.strip(),
            actor_name=_actor_name(actor), sensitivity=PERSONNEL)
        frame.created(event)
        frame.extra.update({"from": current, "to": to_status})
    return complaint


def complaint_extend(*, actor: Actor, complaint: Complaint, due_on: dt.date, reason: str) -> Complaint:
    """Move the current stage's due date later; the reason is required and kept on the timeline."""
    with audited(actor=actor, action="complaint.extend", obj=complaint) as frame:
        if not is_system(actor):
            ensure_can(actor, "change", complaint)
        _refuse_accused(actor, complaint, "extend")
        errors: dict[str, str] = {}
        if complaint.status == ComplaintStatus.CLOSED:
            errors["due_on"] = "A closed complaint has no deadline to extend; reopen it first."
        elif complaint.due_on is not None and due_on <= complaint.due_on:
            errors["due_on"] = f"Must be after the current due date ({complaint.due_on})."
        if not reason.strip():
            errors["reason"] = "Say why the deadline is extended."
        elif len(reason) > MAX_TEXT:
            errors["reason"] = f"At most {MAX_TEXT} characters."
        if errors:
            raise ValidationError(errors)
        before = snapshot(complaint)
        complaint.due_on = due_on
        complaint.save(update_fields=["due_on", "last_updated"])
        frame.updated(complaint, before)
        event = ComplaintEvent.objects.create(
            agency=complaint.agency, complaint=complaint, kind=ComplaintEventKind.EXTENSION,
            from_status=complaint.status, to_status=complaint.status, on=timezone.localdate(), due_on=due_on,
            reason=reason.strip(), actor_name=_actor_name(actor), sensitivity=PERSONNEL)
        frame.created(event)
    return complaint


def allegation_finding_set(*, actor: Actor, allegation: Allegation, finding: str,
                           finding_date: dt.date | None = None, discipline: str = "") -> Allegation:
    """Record the finding (and discipline, for a sustained allegation) while the complaint is under
    investigation or review. Only those with the change right (command, administrators) may; never an officer
    accused in the complaint."""
    complaint = allegation.complaint
    with audited(actor=actor, action="allegation.finding", obj=allegation) as frame:
        if not is_system(actor):
            ensure_can(actor, "change", allegation)
            ensure_can(actor, "change", complaint)
        _refuse_accused(actor, complaint, "decide findings on")
        errors: dict[str, str] = {}
        if finding not in Finding.values:
            errors["finding"] = f"Unknown finding {finding!r}; use one of {', '.join(Finding.values)}."
        if complaint.status not in (ComplaintStatus.INVESTIGATING, ComplaintStatus.REVIEW):
            errors["finding"] = (f"Findings are recorded while the complaint is under investigation or review, not "
                                 f"when it is {_label(complaint.status)}.")
        if discipline.strip() and finding != Finding.SUSTAINED:
            errors["discipline"] = "Discipline follows only a sustained finding."
        if len(discipline) > 120:
            errors["discipline"] = "At most 120 characters."
        day = finding_date if finding_date is not None else (
            timezone.localdate() if finding not in ("", Finding.PENDING) else None)
        if day is not None and day > timezone.localdate():
            errors["finding_date"] = "Cannot be in the future."
        if day is not None and day < complaint.received_on:
            errors["finding_date"] = f"Cannot be before the complaint was received ({complaint.received_on})."
        if errors:
            raise ValidationError(errors)
        before = snapshot(allegation)
        allegation.finding = finding
        allegation.finding_date = None if finding == Finding.PENDING else day
        allegation.discipline = discipline.strip()
        allegation.save()
        frame.updated(allegation, before)
    return allegation


def complaint_comment(*, actor: Actor, complaint: Complaint, body: str) -> ComplaintComment:
    """Add a comment (oversight board, command, administrators); the complaint itself is not changed."""
    with audited(actor=actor, action="complaint.comment", obj=complaint) as frame:
        if not is_system(actor) and not can_comment(actor, complaint):
            raise NotPermitted("You may not comment on this complaint.")
        text = body.strip()
        if not text:
            raise ValidationError({"body": "Write the comment."})
        if len(text) > MAX_TEXT:
            raise ValidationError({"body": f"At most {MAX_TEXT} characters."})
        roles = sorted({role for a_id, role in active_assignments(actor) if a_id == complaint.agency_id})
        author = actor if isinstance(actor, User) else None
        comment = ComplaintComment.objects.create(
            agency=complaint.agency, complaint=complaint, author=author,
            author_name=_actor_name(actor), author_role=",".join(roles)[:20], body=text, sensitivity=PERSONNEL)
        frame.created(comment)
    return comment


__all__ = [
    "LOCATION_MAX", "SUMMARY_MAX", "AllegationIn", "ComplainantIn", "ComplaintIn", "ImportedAllegation",
    "ImportedComplaint", "InvalidTransition",
    "allegation_finding_set", "complaint_comment", "complaint_create", "complaint_extend", "complaint_transition",
    "complaints_bulk_load", "complaints_import", "new_reference",
]
