"""Complaints as a record type of the importer framework: `safecity import complaints FILE --agency ORI`.

A CSV with one row per allegation; rows with the same `complaint_number` (the agency's own number for the
complaint, anywhere in the file) make one complaint with its allegations. Required columns: `complaint_number`,
`received_on`, `source` (civilian, anonymous, third_party, internal; also "named", "third party"),
`employee_id` (the accused officer) and `category` (an allegation category of the rule pack
`policing.complaint_categories`, by code or label). Optional: `finding`, `finding_date`, `discipline` (per
allegation) and, per complaint (on every row of the complaint or only some, but never two different values),
`status`, `closed_on`, `occurred_on`, `channel`, `summary` (free text, at most `actions.SUMMARY_MAX`
characters), `location` (at most `actions.LOCATION_MAX`), `district` (one of the agency's districts, by code
or name), `investigator_employee_id` (an officer of the agency who is not accused in the complaint) and the
complainant's identity, `complainant_name`, `complainant_contact`, `complainant_race`, `complainant_sex`,
`complainant_age`, `complainant_relationship`.

The stage follows the workflow's rules (`complaint_rules`): without a `status` the complaint is received, or
assigned when an investigator is named (the workflow names one on assignment), or under investigation once a
finding is present (findings are recorded from that stage on), or closed when a `closed_on` is given (which
needs a finding on every allegation); a `status` below what the findings or the investigator need is refused.
The stages in between are put on the timeline dated on receipt, the review stage on the latest finding date,
closing on `closed_on` (else the latest finding date); deadlines come from the rule pack.

The complainant's identity goes only into the separate `Complainant` record, never into an error, the
preview, the audit trail or the change history: an error about an identity column says so without its value,
and a line the reader cannot split into columns is reported without its text when the file has identity
columns. The summary may identify the complainant too, so it is treated the same way (stored on the complaint,
shown in no error, preview or audit event, and withheld from the change history by the model's
`history_withheld`). A complaint with any bad row is not imported (its other rows are named in one more
error), so a complaint is never stored with part of its allegations. Re-importing a file changes nothing; a
complaint whose rows changed is updated to match the file (`policing.actions.complaints_import`); its summary,
location, district and investigator only when the file has their columns, so a file without them leaves what
was recorded in safecity.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from safecity.core import selectors as core_selectors
from safecity.core.actors import Actor
from safecity.core.importing.errors import ImportFailure, RowError, RowRejected
from safecity.core.importing.reading import CsvSource, SourceInfo
from safecity.core.importing.spec import Encoded, Format, ImportOptions, Plan, PreviewColumn, RecordType, Rows
from safecity.core.roles import Module
from safecity.policing import actions, complaint_rules
from safecity.policing.actions import (
    LOCATION_MAX,
    SUMMARY_MAX,
    ComplainantIn,
    ImportedAllegation,
    ImportedComplaint,
)
from safecity.policing.import_columns import load_mapping, parse_date
from safecity.policing.models import (
    Complaint,
    ComplaintChannel,
    ComplaintImportBatch,
    ComplaintImportRowError,
    ComplaintSource,
    ComplaintStatus,
    Finding,
    Officer,
)

IDENTITY = ("complainant_name", "complainant_contact", "complainant_race", "complainant_sex", "complainant_age",
            "complainant_relationship")
IDENTITY_LENGTHS = {"complainant_name": 160, "complainant_contact": 200, "complainant_race": 30,
                    "complainant_sex": 10, "complainant_relationship": 80}
# Optional per-complaint details: column → the name `ImportedComplaint.fields_in_file` gives it.
DETAILS = {"summary": "summary", "location": "location", "district": "district",
           "investigator_employee_id": "investigator"}
# Columns whose values never appear in an error, the preview or the audit trail: the identity and the summary
# (free text, which may name the complainant).
WITHHELD_FIELDS = (*IDENTITY, "summary")
PER_COMPLAINT = ("received_on", "source", "status", "closed_on", "occurred_on", "channel", *DETAILS, *IDENTITY)
PER_ALLEGATION = ("employee_id", "category", "finding", "finding_date", "discipline")
READS = ("complaint_number", *PER_COMPLAINT, *PER_ALLEGATION)
REQUIRED = ("complaint_number", "received_on", "source", "employee_id", "category")
WITHHELD = "(withheld)"
CHUNK = 900
FINGERPRINT_PURPOSE = b"safecity.policing.complaint-import.v1"


def _slug(text: str) -> str:
    return text.strip().lower().replace("-", "_").replace(" ", "_")


def _words(choices: Iterable[tuple[str, Any]], extra: dict[str, str] | None = None) -> dict[str, str]:
    """Accepted spellings → value: the value, its label, both as slugs."""
    found: dict[str, str] = {}
    for value, label in choices:
        found[_slug(value)] = value
        found[_slug(str(label))] = value
    return {**found, **(extra or {})}


SOURCES = _words(ComplaintSource.choices, {"named": ComplaintSource.CIVILIAN, "civilian": ComplaintSource.CIVILIAN,
                                           "third_party": ComplaintSource.THIRD_PARTY})
CHANNELS = _words(ComplaintChannel.choices)
FINDINGS = _words(Finding.choices, {"": Finding.PENDING})
STATUSES = _words(ComplaintStatus.choices)


def _spelling(text: str) -> str:
    return " ".join(text.split()).lower()


def district_spellings(districts: Iterable[tuple[int, str, str]]) -> dict[str, int | None]:
    """How a file may name a district (pk, code, name): its code or its name, ignoring case and repeated
    spaces. A code wins over another district's name; a name two districts share maps to None (ambiguous)."""
    rows = list(districts)
    codes = {_spelling(code): pk for pk, code, _ in rows}
    names: dict[str, int | None] = {}
    for pk, _, name in rows:
        key = _spelling(name)
        names[key] = None if key in names and names[key] != pk else pk
    return {**names, **codes}


@dataclass(slots=True)
class Group:
    """The rows of one complaint number, in file order (line, values)."""

    key: str
    rows: list[tuple[int, dict[str, str]]]


@dataclass(slots=True)
class Prepared:
    line: int
    complaint: ImportedComplaint
    employee_ids: list[str]


# Fields added to ImportedComplaint after fingerprints were first stored: left out while empty, so a complaint
# without them keeps the fingerprint it had (re-importing an older file still changes nothing).
LATER_FIELDS = ("summary", "location", "district_id", "investigator_id", "fields_in_file")


def fingerprint(complaint: ImportedComplaint) -> str:
    """A keyed hash of everything the file says about a complaint (its identity and summary included): the key,
    derived from SECRET_KEY with a purpose string, keeps anyone who can read the stored hash from testing
    guessed names against it."""
    data = dataclasses.asdict(complaint)
    data.pop("fingerprint")
    for name in LATER_FIELDS:
        if not data[name]:
            data.pop(name)
    text = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
    key = hmac.new(settings.SECRET_KEY.encode(), FINGERPRINT_PURPOSE, hashlib.sha256).digest()
    return hashlib.blake2b(text.encode(), key=key, digest_size=16).hexdigest()


class ComplaintStore:
    """Keyed by the agency's complaint number; the stored fingerprint decides new / changed / unchanged (a
    complaint worked on in safecity since its import stays as it is until its rows change in the file)."""

    def __init__(self, agency: Any, actor: Actor) -> None:
        self.agency, self.actor = agency, actor

    def existing(self, keys: Iterable[str]) -> dict[str, tuple[int, str]]:
        keys = list(keys)
        found: dict[str, tuple[int, str]] = {}
        for i in range(0, len(keys), CHUNK):
            rows = Complaint.objects.filter(agency=self.agency, external_number__in=keys[i:i + CHUNK])
            for number, pk, digest in rows.values_list("external_number", "pk", "import_hash"):
                found[number] = (pk, digest)
        return found

    @staticmethod
    def digest_matches(stored: str, digest: str) -> bool:
        return stored == digest

    def write(self, new: list[Encoded], changed: list[tuple[int, Encoded]], batch_id: int | None) -> None:
        actions.complaints_import(actor=self.actor, agency=self.agency, batch_id=batch_id,
                                  new=[e[3] for e in new], changed={pk: e[3] for pk, e in changed})

    def backfill(self, found: list[tuple[int, str]]) -> None:
        """Nothing to do: every imported complaint stores its full fingerprint."""


class ComplaintPlan(Plan):
    key_label = "complaint number"

    def __init__(self, opts: ImportOptions, info: SourceInfo) -> None:
        self.opts, self.info = opts, info
        self.mapping = load_mapping(opts.mapping_path, opts.mapping_label, READS)
        self.key_field = self.mapping.column("complaint_number")
        self.columns = tuple(self.mapping.column(f) for f in REQUIRED)
        self.expected = f"a CSV of complaint allegations ({', '.join(self.columns)})"
        self.store = ComplaintStore(opts.agency, opts.actor)
        self.ori = opts.agency.ori
        self.officers: dict[str, int] = dict(Officer.objects.filter(agency=opts.agency)
                                             .values_list("employee_id", "pk"))
        district_rows = list(core_selectors.district_list(user=opts.actor, agency=opts.agency)
                             .values_list("pk", "code", "name"))
        self.districts = district_spellings(district_rows)
        self.district_names = {pk: f"{code} — {name}" for pk, code, name in district_rows}  # for the preview
        self.employee_ids = {pk: employee for employee, pk in self.officers.items()}
        self.today = timezone.localdate()
        self.identity: tuple[str, ...] = ()  # the identity fields the file has columns for (known once read)
        self.details: tuple[str, ...] = ()  # the optional detail columns the file has (known once read)
        self._categories: dict[dt.date, dict[str, str]] = {}

    # ---- reading: every row, grouped by complaint number ------------------------------------------------

    def source(self) -> Rows:
        reader = CsvSource(self.info)
        rows = list(reader.rows())  # complaints are grouped across the whole file, so it is read first
        missing = [c for c in self.columns if c not in reader.header]
        if missing:
            shown = ", ".join(reader.header[:12]) + (" …" if len(reader.header) > 12 else "")
            raise ImportFailure("FILE", f"this does not look like {self.expected}: column {missing[0]!r} is "
                                        f"missing (found: {shown})")
        self.identity = tuple(f for f in IDENTITY if self.mapping.column(f) in reader.header)
        self.details = tuple(f for f in DETAILS if self.mapping.column(f) in reader.header)
        if self.identity and "complainant_name" not in self.identity:
            raise ImportFailure("FILE", f"the complainant columns ({', '.join(self.identity)}) need the "
                                        f"{self.mapping.column('complainant_name')!r} column too")
        quiet = bool(self.identity) or "summary" in self.details
        errors = [self._quiet(e) for e in reader.errors] if quiet else list(reader.errors)
        groups: dict[str, Group] = {}
        items: list[tuple[int, Group | RowRejected]] = []
        for row in rows:
            number = self.mapping.get(row.values, "complaint_number")
            if not number:
                items.append((row.line, RowRejected([RowError(row.line, self.key_field, "",
                                                              "this column is required")])))
            elif number in groups:
                groups[number].rows.append((row.line, row.values))
            else:
                groups[number] = Group(number, [(row.line, row.values)])
                items.append((row.line, groups[number]))
        return Rows([item for _, item in items], errors, lambda: self.info.size)

    @staticmethod
    def _quiet(error: RowError) -> RowError:
        # A line that could not be read whole may hold the complainant's name: say where, not what.
        return RowError(error.line, error.field, WITHHELD if error.value else "",
                        f"{error.reason} (the line's text is not shown: it may identify the complainant)")

    def key(self, record: Group) -> str:
        return record.key

    def line(self, record: Group) -> int:
        return record.rows[0][0]

    # ---- validation ------------------------------------------------------------------------------------

    def categories(self, on: dt.date) -> dict[str, str]:
        if on not in self._categories:
            self._categories[on] = _words(complaint_rules.categories(on))
        return self._categories[on]

    def validate(self, record: Group) -> Prepared | list[RowError]:
        errors: list[RowError] = []
        get, column = self.mapping.get, self.mapping.column
        first = record.rows[0][0]

        def problem(line: int, field: str, value: str, reason: str) -> None:
            errors.append(RowError(line, column(field), WITHHELD if field in WITHHELD_FIELDS and value else value,
                                   reason))

        level: dict[str, tuple[int, str]] = {}  # field → (line, value) where the complaint's value was first given
        for line, row in record.rows:
            for field in PER_COMPLAINT:
                value = get(row, field)
                if not value:
                    continue
                if field not in level:
                    level[field] = (line, value)
                elif value != level[field][1]:
                    problem(line, field, value, f"differs from line {level[field][0]} of the same complaint")

        def date(field: str) -> dt.date | None:
            line, text = level.get(field, (first, ""))
            if not text:
                return None
            found = parse_date(text, self.mapping.date_format)
            if found is None:
                problem(line, field, text, "not a date (YYYY-MM-DD or MM/DD/YYYY)")
            elif found > self.today:
                problem(line, field, text, "in the future")
                return None
            return found

        received = date("received_on")
        if "received_on" not in level:
            problem(first, "received_on", "", "this column is required")
        source_line, source_text = level.get("source", (first, ""))
        source = SOURCES.get(_slug(source_text))
        if source is None:
            problem(source_line, "source", source_text, "required: one of " + ", ".join(ComplaintSource.values)
                    if not source_text else f"unknown source; use one of {', '.join(ComplaintSource.values)}")
        occurred = date("occurred_on")
        if occurred is not None and received is not None and occurred > received:
            problem(level["occurred_on"][0], "occurred_on", level["occurred_on"][1],
                    "after the day the complaint was received")
        channel_line, channel_text = level.get("channel", (first, ""))
        channel = CHANNELS.get(_slug(channel_text), "") if channel_text else ""
        if channel_text and not channel:
            problem(channel_line, "channel", channel_text,
                    f"unknown channel; use one of {', '.join(ComplaintChannel.values)}")

        summary = self._text(level, "summary", SUMMARY_MAX, problem)
        location = self._text(level, "location", LOCATION_MAX, problem)
        district_id = self._district(level, problem)

        allegations, employee_ids = self._allegations(record, received, problem)
        investigator_id = self._investigator(record, level, problem)
        steps = self._stages(record, level, received, allegations, problem, date)
        complainant = self._complainant(record, level, source, problem)
        if errors:
            return self._withhold(record, level, errors)
        assert received is not None and source is not None and steps is not None
        complaint = ImportedComplaint(
            number=record.key, fingerprint="", received_on=received, source=source, allegations=allegations,
            steps=steps, occurred_on=occurred, channel=channel, complainant=complainant,
            identity_in_file=bool(self.identity), summary=summary, location=location, district_id=district_id,
            investigator_id=investigator_id, fields_in_file=tuple(DETAILS[f] for f in self.details))
        complaint.fingerprint = fingerprint(complaint)
        return Prepared(first, complaint, employee_ids)

    @staticmethod
    def _text(level: dict[str, tuple[int, str]], field: str, limit: int, problem: Any) -> str:
        line, text = level.get(field, (0, ""))
        if len(text) > limit:
            # The text is not shown for the summary (problem() withholds it); the length helps either way.
            problem(line, field, text, f"at most {limit} characters (this one has {len(text)})")
            return ""
        return text

    def _district(self, level: dict[str, tuple[int, str]], problem: Any) -> int | None:
        line, text = level.get("district", (0, ""))
        if not text:
            return None
        found = self.districts.get(_spelling(text), 0)
        if found is None:
            problem(line, "district", text, f"more than one district of {self.ori} has this name; give its code")
        elif not found:
            problem(line, "district", text, f"no district with this code or name at {self.ori}")
        return found or None

    def _investigator(self, record: Group, level: dict[str, tuple[int, str]], problem: Any) -> int | None:
        """The investigator's officer id, checked as `complaint_transition` checks an assignment: an officer of
        the agency who is not accused in the complaint."""
        line, employee = level.get("investigator_employee_id", (0, ""))
        if not employee:
            return None
        officer = self.officers.get(employee)
        if officer is None:
            problem(line, "investigator_employee_id", employee, f"no officer with this employee id at {self.ori}")
            return None
        accused = [n for n, row in record.rows if self.mapping.get(row, "employee_id") == employee]
        if accused:
            problem(line, "investigator_employee_id", employee,
                    f"an accused officer cannot investigate the complaint (accused on line {accused[0]})")
            return None
        return officer

    def _allegations(self, record: Group, received: dt.date | None, problem: Any) -> \
            tuple[list[ImportedAllegation], list[str]]:
        get = self.mapping.get
        categories = self.categories(received or self.today)
        found: list[ImportedAllegation] = []
        employee_ids: list[str] = []
        seen: dict[tuple[str, str], int] = {}
        for line, row in record.rows:
            employee, category_text = get(row, "employee_id"), get(row, "category")
            officer = self.officers.get(employee)
            if not employee:
                problem(line, "employee_id", "", "this column is required: the accused officer's employee id")
            elif officer is None:
                problem(line, "employee_id", employee, f"no officer with this employee id at {self.ori}")
            category = categories.get(_slug(category_text))
            if category is None:
                problem(line, "category", category_text, "unknown allegation category; use one of "
                        + ", ".join(sorted(set(categories.values()))))
            finding_text = get(row, "finding")
            finding = FINDINGS.get(_slug(finding_text))
            if finding is None:
                problem(line, "finding", finding_text, f"unknown finding; use one of {', '.join(Finding.values)}")
            date_text = get(row, "finding_date")
            finding_date = parse_date(date_text, self.mapping.date_format) if date_text else None
            if date_text and finding_date is None:
                problem(line, "finding_date", date_text, "not a date (YYYY-MM-DD or MM/DD/YYYY)")
            elif finding_date is not None:
                if finding in (None, Finding.PENDING):
                    problem(line, "finding_date", date_text, "a finding date needs a finding")
                elif finding_date > self.today:
                    problem(line, "finding_date", date_text, "in the future")
                elif received is not None and finding_date < received:
                    problem(line, "finding_date", date_text, "before the complaint was received")
            discipline = get(row, "discipline")
            if discipline and finding != Finding.SUSTAINED:
                problem(line, "discipline", discipline, "discipline follows only a sustained finding")
            elif len(discipline) > 120:
                problem(line, "discipline", discipline, "at most 120 characters")
            pair = (employee, category or category_text)
            if pair in seen:
                problem(line, "category", category_text,
                        f"the same officer and category as line {seen[pair]} of this complaint")
            seen.setdefault(pair, line)
            if officer is not None and category is not None and finding is not None:
                found.append(ImportedAllegation(officer_id=officer, category=category, finding=finding,
                                                finding_date=finding_date, discipline=discipline))
                employee_ids.append(employee)
        return found, employee_ids

    def _stages(self, record: Group, level: dict[str, tuple[int, str]], received: dt.date | None,
                allegations: list[ImportedAllegation], problem: Any, date: Any) -> list[tuple[str, dt.date]] | None:
        """The stages after receipt with the day each was reached, consistent with the findings."""
        first = record.rows[0][0]
        status_line, status_text = level.get("status", (first, ""))
        status = STATUSES.get(_slug(status_text)) if status_text else None
        if status_text and status is None:
            problem(status_line, "status", status_text,
                    f"unknown status; use one of {', '.join(ComplaintStatus.values)}")
            return None
        closed_on = date("closed_on")
        decided = [a for a in allegations if a.finding != Finding.PENDING]
        finding_days = [a.finding_date for a in decided if a.finding_date is not None]
        assigned = "investigator_employee_id" in level  # the workflow names the investigator on assignment
        if status is None:
            status = (ComplaintStatus.CLOSED if "closed_on" in level else
                      ComplaintStatus.INVESTIGATING if decided else
                      ComplaintStatus.ASSIGNED if assigned else ComplaintStatus.RECEIVED)
        if decided and status in (ComplaintStatus.RECEIVED, ComplaintStatus.ASSIGNED):
            problem(status_line, "status", status_text, "a complaint with a finding is at least under investigation "
                                                        "(findings are recorded from that stage on)")
        elif assigned and status == ComplaintStatus.RECEIVED:
            problem(status_line, "status", status_text, "a complaint with an investigator is at least assigned "
                                                        "(the investigator is named on assignment)")
        if status == ComplaintStatus.CLOSED:
            for line, row in record.rows:
                if FINDINGS.get(_slug(self.mapping.get(row, "finding"))) == Finding.PENDING:
                    problem(line, "finding", self.mapping.get(row, "finding"),
                            "the complaint is closed: every allegation needs a finding")
        elif "closed_on" in level:
            problem(level["closed_on"][0], "closed_on", level["closed_on"][1],
                    f"only a closed complaint has a closing date (its status is {status})")
        if received is None:
            return None
        latest = max(finding_days, default=None)
        closing = closed_on or latest
        if status == ComplaintStatus.CLOSED:
            if closing is None:
                if "closed_on" not in level:
                    problem(first, "closed_on", "", "required for a closed complaint whose findings have no dates")
                return None
            if closing < received:
                problem(level["closed_on"][0], "closed_on", level["closed_on"][1], "before the complaint was received")
            elif latest is not None and closing < latest:
                problem(level["closed_on"][0], "closed_on", level["closed_on"][1],
                        f"before the latest finding ({latest.isoformat()})")
        order = [str(s) for s in complaint_rules.ORDER]
        days: dict[str, dt.date] = {ComplaintStatus.ASSIGNED: received, ComplaintStatus.INVESTIGATING: received,
                ComplaintStatus.REVIEW: latest or received, ComplaintStatus.CLOSED: closing or received}
        return [(s, days[s]) for s in order[1:order.index(status) + 1]]

    def _complainant(self, record: Group, level: dict[str, tuple[int, str]], source: str | None,
                     problem: Any) -> ComplainantIn | None:
        if not self.identity:
            return None
        given = {f: level[f] for f in IDENTITY if f in level}
        if source == ComplaintSource.ANONYMOUS:
            for field, (line, value) in given.items():
                problem(line, field, value, "an anonymous complaint keeps no identity: leave the complainant's "
                                            "columns empty")
            return None
        if "complainant_name" not in given:
            if source in (ComplaintSource.CIVILIAN, ComplaintSource.THIRD_PARTY):
                problem(record.rows[0][0], "complainant_name", "",
                        "a named or third-party complaint needs the complainant's name")
            for field, (line, value) in given.items():
                problem(line, field, value, "complainant details without the complainant's name")
            return None
        for field, limit in IDENTITY_LENGTHS.items():
            if field in given and len(given[field][1]) > limit:
                problem(given[field][0], field, given[field][1], f"at most {limit} characters (value not shown)")
        age: int | None = None
        if "complainant_age" in given:
            line, text = given["complainant_age"]
            try:
                age = int(text)
            except ValueError:
                age = None
            if age is None or not 0 < age < 120:
                problem(line, "complainant_age", text, "not an age from 1 to 119 (value not shown)")
        values = {f: given.get(f, (0, ""))[1] for f in IDENTITY}
        return ComplainantIn(name=values["complainant_name"], contact=values["complainant_contact"],
                             race=values["complainant_race"], sex=values["complainant_sex"], age=age,
                             relationship=values["complainant_relationship"])

    def _withhold(self, record: Group, level: dict[str, tuple[int, str]], errors: list[RowError]) -> list[RowError]:
        """The complaint's errors, with any identity or summary value scrubbed even where it was typed into
        another column, and one more error naming the complaint's other lines (they are not imported either)."""
        secrets = [v for f, (_, v) in level.items() if f in WITHHELD_FIELDS and len(v) >= 3]
        for error in errors:
            if any(s.lower() in error.value.lower() for s in secrets):
                error.value = WITHHELD
        bad = {e.line for e in errors}
        others = [line for line, _ in record.rows if line not in bad]
        if others:
            where = ", ".join(str(n) for n in sorted(bad)[:10])
            errors.append(RowError(others[0], self.key_field, record.key,
                                   f"complaint not imported: fix line{'s' if len(bad) > 1 else ''} {where} "
                                   f"(a complaint goes in with all its allegations or not at all)"))
        return errors

    # ---- encoding and preview --------------------------------------------------------------------------

    def encode(self, prepared: Prepared) -> Encoded:
        return (prepared.complaint.number, prepared.complaint.fingerprint, prepared.line, prepared.complaint)

    def preview(self, prepared: Prepared) -> dict[str, Any]:
        c = prepared.complaint
        return {"line": prepared.line, "key": c.number, "received": c.received_on.isoformat(), "source": c.source,
                "status": c.status, "allegations": "; ".join(
                    f"{emp}: {a.category} ({a.finding})" for emp, a in zip(prepared.employee_ids, c.allegations,
                                                                           strict=True)),
                # the summary is never shown (it may name the complainant); the other details are
                "location": c.location, "district": self.district_names.get(c.district_id or 0, ""),
                "investigator": self.employee_ids.get(c.investigator_id or 0, "")}


class ComplaintImport(RecordType):
    name = "complaints"
    noun = "complaint"
    plural = "complaints"
    module = Module.POLICING
    rights = ("add", "change")
    url_namespace = "policing_complaints_import"
    formats = (Format("csv", "Complaints (CSV, one row per allegation: complaint_number, received_on, source, "
                             "employee_id, category, finding, …)"),)
    preview_columns = (PreviewColumn("line", "Line"), PreviewColumn("key", "Complaint number"),
                       PreviewColumn("received", "Received"), PreviewColumn("source", "Source"),
                       PreviewColumn("status", "Stage"), PreviewColumn("allegations", "Allegations"),
                       PreviewColumn("location", "Location"), PreviewColumn("district", "District"),
                       PreviewColumn("investigator", "Investigator"))
    history_model = Complaint

    @property
    def batch_model(self) -> type[ComplaintImportBatch]:
        return ComplaintImportBatch

    @property
    def error_model(self) -> type[ComplaintImportRowError]:
        return ComplaintImportRowError

    def plan(self, opts: ImportOptions, info: SourceInfo) -> ComplaintPlan:
        return ComplaintPlan(opts, info)


COMPLAINTS_IMPORT = ComplaintImport()
