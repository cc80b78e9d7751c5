"""Complaint reads. Every read starts from `restrict(user, action)`: complaints, allegations, the timeline and
comments carry the `personnel` label, so only roles cleared for personnel files see them at all.

Two rules go beyond the label:

* **The complainant's identity** (`complainant_for`) is withheld from any user whose linked officer record
  (`Officer.user`) is accused in the complaint, whatever that user's role; so is every free text that may
  name the complainant: the summary (`summary_for`), the comments and the timeline's reasons. Anonymous
  complaints have no identity to show.
* **The public status lookup** (`complaint_status`) is the one read without a user: it answers a reference
  code with the stage and stage dates only, in a shape that is the same for unknown codes.

The first rule knows an officer's account only through `Officer.user`, so `unlinked_cleared_accounts` lists the
accounts it cannot yet protect: staff who read complaint files and are linked to no roster entry.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractYear, Lower
from django.utils import timezone

from safecity.core import selectors as core_selectors
from safecity.core.models import Affiliation, Agency, User
from safecity.core.permissions import active_assignments, visibility_filter
from safecity.core.roles import ROLE_CLEARANCES, VIEW, Module, Role, Sensitivity, role_allows
from safecity.policing import complaint_rules
from safecity.policing.models import (
    Allegation,
    Complainant,
    Complaint,
    ComplaintComment,
    ComplaintEvent,
    ComplaintEventKind,
    ComplaintStatus,
    Finding,
    Officer,
)

# Who may comment on a complaint they can read. "Comment" is not a change to the complaint (it adds a separate
# record and leaves findings and stage untouched), so it is not the module's `change` right, which the
# oversight role must not have; it is this list of roles, checked per agency (see docs/policing.md).
COMMENT_ROLES = frozenset({Role.OVERSIGHT, Role.COMMAND, Role.ADMIN})

OPEN = [ComplaintStatus.RECEIVED, ComplaintStatus.ASSIGNED, ComplaintStatus.INVESTIGATING, ComplaintStatus.REVIEW]


def cleared_agencies(user: Any, action: str = "view") -> set[int] | None:
    """Agencies where the user may take `action` on policing records *and* is cleared for personnel files
    (None = every agency). Complaint reads are narrowed to these on top of `restrict()`, so a complaint row that
    somehow lost its label (a raw insert) is still out of an uncleared role's sight."""
    grants = visibility_filter(user, Module.POLICING, action)
    if grants is None:
        return None
    return {a for mask, ids in grants.items() if mask & Sensitivity.PERSONNEL for a in ids}


def _personnel(qs: QuerySet[Any], user: Any, action: str = "view") -> QuerySet[Any]:
    agencies = cleared_agencies(user, action)
    return qs if agencies is None else qs.filter(agency_id__in=sorted(agencies))


def complaint_list(*, user: Any, action: str = "view") -> QuerySet[Complaint]:
    # Allegations share the complaint's agency and label, so whoever reads the complaint may read them.
    return _personnel(Complaint.objects.restrict(user, action), user, action).select_related(
        "agency", "district", "investigator").prefetch_related("allegations", "allegations__officer").order_by(
        "-received_on", "-id")


def complaint_get(*, user: Any, public_id: Any, action: str = "view") -> Complaint:
    return complaint_list(user=user, action=action).get(public_id=public_id)


def allegations_for(*, user: Any, complaint: Complaint) -> QuerySet[Allegation]:
    return _personnel(Allegation.objects.restrict(user, "view"), user).filter(complaint=complaint).select_related(
        "officer", "officer__unit").order_by("id")


def allegation_get(*, user: Any, public_id: Any, action: str = "view") -> Allegation:
    found: Allegation = _personnel(Allegation.objects.restrict(user, action), user, action).select_related(
        "complaint").get(public_id=public_id)
    return found


def timeline_for(*, user: Any, complaint: Complaint) -> list[ComplaintEvent]:
    """The stage changes and extensions; a reader accused in the complaint gets them without the reasons
    (free text may name the complainant)."""
    events = list(_personnel(ComplaintEvent.objects.restrict(user, "view"), user).filter(
        complaint=complaint).order_by("on", "id"))
    if events and is_accused(user, complaint):
        for e in events:
            e.reason = "(withheld)" if e.reason else ""
    return events


def comments_for(*, user: Any, complaint: Complaint) -> QuerySet[ComplaintComment]:
    """Comments on the complaint; none for a reader accused in it (free text may name the complainant)."""
    if is_accused(user, complaint):
        return ComplaintComment.objects.none()
    return _personnel(ComplaintComment.objects.restrict(user, "view"), user).filter(complaint=complaint).order_by(
        "created", "id")


def is_accused(user: Any, complaint: Complaint) -> bool:
    """Is `user` the linked account of an officer accused in `complaint`?"""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return Allegation.objects.filter(complaint=complaint, officer__user=user).exists()


# Roles that read complaint files (cleared for personnel files, with the module's view right) and whose holders
# can themselves be named in one, so the accused-officer wall must know their account. Taken from the role
# tables, so a role cleared later is covered unless it is struck here. The oversight role is struck: board
# members and outside auditors are civilians from outside the agency, with no roster entry for an allegation
# to name (an agency that puts an internal auditor on the roster links that account like any other).
ROSTER_CLEARED_ROLES = frozenset(
    Role(role) for role, mask in ROLE_CLEARANCES.items()
    if mask & Sensitivity.PERSONNEL and role_allows(role, Module.POLICING, VIEW)) - {Role.OVERSIGHT}


@dataclass(frozen=True)
class UnlinkedAccount:
    """An account that reads the agency's complaint files but is linked to none of its officers."""

    user: User
    roles: list[str]  # labels of the roles that clear it, in the agency
    matches: list[Officer]  # the agency's unlinked officers with the account's first and last name


def unlinked_cleared_accounts(*, user: Any, agency: Agency) -> list[UnlinkedAccount]:
    """Active accounts of agency employees (`Affiliation.AGENCY`) holding a role of `ROSTER_CLEARED_ROLES` in
    `agency` that no officer of the agency is linked to (`Officer.user`). `is_accused` recognises an officer's
    own account only through that link, so such an account reads complaints against its holder in full until it
    is linked. Empty unless `user` administers the agency's accounts, and for an agency without officers (no
    complaint there can name anyone). Contractors, partners and the public are left out: they are not the
    agency's employees, so not on its roster."""
    if not core_selectors.managed_agencies(user=user).filter(pk=agency.pk).exists():
        return []
    officers = Officer.objects.restrict(user, "view").filter(agency=agency)
    if not officers.exists():
        return []
    now = timezone.now()
    roles = sorted(ROSTER_CLEARED_ROLES)
    accounts = list(core_selectors.managed_users(user=user).filter(
        Q(role_assignments__expires_at__isnull=True) | Q(role_assignments__expires_at__gt=now),
        role_assignments__agency=agency, role_assignments__role__in=roles, is_active=True,
        affiliation=Affiliation.AGENCY,
    ).exclude(pk__in=officers.filter(user__isnull=False).values("user_id")).distinct().order_by("username"))
    if not accounts:
        return []
    # A likely roster entry to link: an unlinked officer with the same first and last name.
    lasts = sorted({a.last_name.strip().lower() for a in accounts if a.last_name.strip()})
    by_name: dict[tuple[str, str], list[Officer]] = {}
    for o in officers.filter(user__isnull=True).annotate(last_lower=Lower("last_name")).filter(
            last_lower__in=lasts).order_by("last_name", "first_name", "id"):
        by_name.setdefault((o.first_name.strip().lower(), o.last_name.strip().lower()), []).append(o)
    found = []
    for account in accounts:
        held = sorted({str(Role(a.role).label) for a in account.role_assignments.all()
                       if a.agency_id == agency.pk and a.role in ROSTER_CLEARED_ROLES
                       and (a.expires_at is None or a.expires_at > now)})
        name = (account.first_name.strip().lower(), account.last_name.strip().lower())
        found.append(UnlinkedAccount(user=account, roles=held, matches=by_name.get(name, []) if all(name) else []))
    return found


def complainant_for(*, user: Any, complaint: Complaint) -> Complainant | None:
    """The complainant's identity, or None: anonymous, not cleared, or the reader is accused in the complaint."""
    if is_accused(user, complaint):
        return None
    return _personnel(Complainant.objects.restrict(user, "view"), user).filter(complaint=complaint).first()


def summary_for(*, user: Any, complaint: Complaint) -> str | None:
    """The summary, or None for a reader accused in the complaint (free text may name the complainant)."""
    return None if is_accused(user, complaint) else complaint.summary


def can_comment(user: Any, complaint: Complaint) -> bool:
    """A reader of the complaint holding an oversight, command or administrator role in its agency, who is not
    accused in it."""
    if not complaint_list(user=user).filter(pk=complaint.pk).exists():
        return False
    if is_accused(user, complaint):
        return False
    if getattr(user, "is_superuser", False):
        return True
    return any(a_id == complaint.agency_id and role in COMMENT_ROLES for a_id, role in active_assignments(user))


def can_read_complaints(user: Any) -> bool:
    """Cleared for personnel files in some agency where the user may view policing records."""
    grants = visibility_filter(user, Module.POLICING, "view")
    return grants is None or any(mask & Sensitivity.PERSONNEL for mask in grants)


def overdue(*, user: Any, today: dt.date | None = None) -> QuerySet[Complaint]:
    day = today or timezone.localdate()
    return complaint_list(user=user).filter(status__in=OPEN, due_on__lt=day).order_by("due_on", "id")


def due_soon(*, user: Any, today: dt.date | None = None) -> QuerySet[Complaint]:
    """Open complaints due today or within the pack's `due_soon` days (not yet overdue)."""
    day = today or timezone.localdate()
    horizon = day + dt.timedelta(days=complaint_rules.due_soon_days(day))
    return complaint_list(user=user).filter(status__in=OPEN, due_on__gte=day, due_on__lte=horizon).order_by(
        "due_on", "id")


# ---- the complainant's status lookup ------------------------------------------------------------------

REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud over the phone
REFERENCE_GROUPS, REFERENCE_GROUP_LEN = 4, 4
_REFERENCE_RE = re.compile(rf"^[{REFERENCE_ALPHABET}]{{{REFERENCE_GROUPS * REFERENCE_GROUP_LEN}}}$")


def normalise_reference(raw: str) -> str | None:
    """`abcd-efgh …` → `ABCD-EFGH-…`; None for anything that cannot be a reference."""
    compact = re.sub(r"[\s-]", "", (raw or "").upper())[:64]
    if not _REFERENCE_RE.match(compact):
        return None
    n = REFERENCE_GROUP_LEN
    return "-".join(compact[i:i + n] for i in range(0, len(compact), n))


@dataclass(frozen=True)
class StatusStage:
    status: str
    label: str
    reached_on: dt.date | None


@dataclass(frozen=True)
class StatusReply:
    """What a complainant learns: the stage and when each stage was reached. Nothing else."""

    found: bool
    status: str = ""
    status_label: str = ""
    stages: list[StatusStage] = field(default_factory=list)


def complaint_status(reference: str) -> StatusReply:
    """The one read without a user: by reference code, stage and stage dates only. A malformed code, an
    unknown code and a code of another agency all answer `StatusReply(found=False)`."""
    code = normalise_reference(reference)
    if code is None:
        return StatusReply(found=False)
    row = Complaint.objects.filter(reference=code).values("id", "status", "received_on").first()
    if row is None:
        return StatusReply(found=False)
    steps = ComplaintEvent.objects.filter(complaint_id=row["id"], kind=ComplaintEventKind.TRANSITION).order_by(
        "on", "id").values_list("to_status", "on")
    # a reopened complaint shows the latest date each stage was reached
    reached: dict[str, dt.date] = {ComplaintStatus.RECEIVED: row["received_on"], **dict(steps)}
    status = row["status"]
    stages = []
    for s in complaint_rules.ORDER:
        stages.append(StatusStage(status=s, label=str(ComplaintStatus(s).label), reached_on=reached.get(s)))
        if s == status:
            break
    return StatusReply(found=True, status=status, status_label=str(ComplaintStatus(status).label), stages=stages)


# ---- figures for the dashboard ------------------------------------------------------------------------


@dataclass(frozen=True)
class ComplaintAggregate:
    """Counts safe to publish: by year, category and finding; no officers, no complainants."""

    years: list[int]
    by_category: list[tuple[str, list[int]]]  # (category label, count per year)
    by_finding: list[tuple[str, list[int]]]  # (finding label, count per year)
    complaints_per_year: list[int]


def complaint_aggregate(*, user: Any) -> ComplaintAggregate:
    """Allegations by category and by finding per year received, and complaints per year, over what the user
    may see."""
    allegations = _personnel(Allegation.objects.restrict(user, "view"), user).filter(
        complaint__in=complaint_list(user=user)).annotate(year=ExtractYear("complaint__received_on"))
    cat_counts = Counter[tuple[str, int]]()
    find_counts = Counter[tuple[str, int]]()
    for row in allegations.values("year", "category").annotate(n=Count("id")):
        cat_counts[(row["category"], row["year"])] += row["n"]
    for row in allegations.values("year", "finding").annotate(n=Count("id")):
        find_counts[(row["finding"], row["year"])] += row["n"]
    per_year = dict(complaint_list(user=user).annotate(year=ExtractYear("received_on")).values_list("year").annotate(
        n=Count("id")).values_list("year", "n"))
    years = sorted(set(per_year) | {y for _, y in cat_counts} | {y for _, y in find_counts})
    codes = [c for c, _ in complaint_rules.categories(dt.date(9999, 1, 1))] or []
    seen = {c for c, _ in cat_counts}
    by_category = [(complaint_rules.category_label(c), [cat_counts.get((c, y), 0) for y in years])
                   for c in codes + sorted(seen - set(codes)) if c in seen]
    by_finding = [(str(label), [find_counts.get((value, y), 0) for y in years])
                  for value, label in Finding.choices if any(find_counts.get((value, y)) for y in years)]
    return ComplaintAggregate(years=years, by_category=by_category, by_finding=by_finding,
                              complaints_per_year=[per_year.get(y, 0) for y in years])


@dataclass(frozen=True)
class ComplaintsTile:
    cleared: bool  # False: the user may not read complaint files, so no figures are shown (not zeros)
    open_count: int = 0
    overdue_count: int = 0
    due_soon_count: int = 0
    months: list[tuple[str, int]] = field(default_factory=list)  # ("2026-05", complaints received), last 12


def dashboard_complaints(*, user: Any, today: dt.date | None = None) -> ComplaintsTile:
    """Open, overdue and due-soon complaints and complaints received per month over the last 12 months."""
    if not can_read_complaints(user):
        return ComplaintsTile(cleared=False)
    day = today or timezone.localdate()
    first = complaint_rules.add_months(day.replace(day=1), -11)
    received = Counter(f"{d.year:04d}-{d.month:02d}" for d in complaint_list(user=user).filter(
        received_on__gte=first, received_on__lte=day).values_list("received_on", flat=True))
    months = []
    for i in range(12):
        m = complaint_rules.add_months(first, i)
        key = f"{m.year:04d}-{m.month:02d}"
        months.append((key, received.get(key, 0)))
    return ComplaintsTile(
        cleared=True, open_count=complaint_list(user=user).filter(status__in=OPEN).count(),
        overdue_count=overdue(user=user, today=day).count(), due_soon_count=due_soon(user=user, today=day).count(),
        months=months)


def accused_officers(*, user: Any) -> list[tuple[str, str]]:
    """(employee id, name) of officers with an allegation the user may see, for the list's officer filter."""
    ids = _personnel(Allegation.objects.restrict(user, "view"), user).values("officer_id")
    return [(o.employee_id, f"{o.last_name}, {o.first_name} ({o.employee_id})")
            for o in Officer.objects.restrict(user, "view").filter(pk__in=ids).order_by("last_name", "first_name")]


def investigators(*, user: Any) -> QuerySet[Officer]:
    return Officer.objects.restrict(user, "view").filter(status="active").order_by("last_name", "first_name")


__all__ = [
    "COMMENT_ROLES", "ComplaintAggregate", "ComplaintsTile", "StatusReply", "StatusStage", "accused_officers",
    "allegation_get", "allegations_for", "can_comment", "can_read_complaints", "comments_for", "complainant_for",
    "complaint_aggregate", "complaint_get", "complaint_list", "complaint_status", "dashboard_complaints",
    "ROSTER_CLEARED_ROLES", "UnlinkedAccount", "due_soon", "investigators", "is_accused", "normalise_reference",
    "overdue", "summary_for", "timeline_for", "unlinked_cleared_accounts",
]
