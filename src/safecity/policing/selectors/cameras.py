"""Body-worn camera reads: inventory, recordings, activation compliance, the purge-due list, the dashboard tile."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from safecity.analytics.proportions import Proportion, proportion
from safecity.core import rules
from safecity.policing import compliance
from safecity.policing.models import Assignment, Camera, CameraAssignment, EventKind, OfficerEvent, Recording
from safecity.policing.retention import RETENTION_PACK


def camera_list(*, user: Any, action: str = "view") -> QuerySet[Camera]:
    return Camera.objects.restrict(user, action).select_related("agency").order_by("agency__ori", "serial", "id")


def camera_get(*, user: Any, public_id: Any, action: str = "view") -> Camera:
    return camera_list(user=user, action=action).get(public_id=public_id)


def camera_assignments(*, user: Any, camera: Camera) -> QuerySet[CameraAssignment]:
    return CameraAssignment.objects.restrict(user, "view").filter(camera=camera).select_related("officer").order_by(
        "-started")


def recording_list(*, user: Any, action: str = "view") -> QuerySet[Recording]:
    return Recording.objects.restrict(user, action).select_related("agency", "officer", "camera").order_by(
        "-started", "-id")


def recording_get(*, user: Any, public_id: Any, action: str = "view") -> Recording:
    return recording_list(user=user, action=action).get(public_id=public_id)


def purge_due(*, user: Any, today: dt.date | None = None, action: str = "view") -> QuerySet[Recording]:
    """Recordings past their retention date, not on legal hold and not yet purged.

    For each retention rule with a number of days: recordings of its category recorded while it was in force
    whose last day to keep (the local date the recording ended + days) is before today."""
    day = today or timezone.localdate()
    tz = timezone.get_current_timezone()
    due = Q(pk__in=[])
    for rule in rules.pack(RETENTION_PACK.name).rules:
        days = str(rule.values.get("retention_days", "")).strip()
        if not days:
            continue
        # kept through (ended's local date + days); due when that date < today ⇔ ended < local midnight of
        # (today - days)
        cutoff = dt.datetime.combine(day - dt.timedelta(days=int(days)), dt.time(), tzinfo=tz)
        span = Q(started__gte=dt.datetime.combine(rule.effective_from, dt.time(), tzinfo=tz))
        if rule.effective_to is not None:
            span &= Q(started__lt=dt.datetime.combine(rule.effective_to + dt.timedelta(days=1), dt.time(), tzinfo=tz))
        due |= Q(category=rule.key, ended__lt=cutoff) & span
    return recording_list(user=user, action=action).filter(due, legal_hold=False, purged_at__isnull=True)


# ---- activation compliance -------------------------------------------------------------------------------

def window_rule() -> compliance.WindowRule:
    return compliance.WindowRule(
        before_minutes=float(getattr(settings, "POLICING_BWC_WINDOW_BEFORE_MINUTES", 2)),
        after_minutes=float(getattr(settings, "POLICING_BWC_WINDOW_AFTER_MINUTES", 2)),
        default_minutes=float(getattr(settings, "POLICING_BWC_DEFAULT_EVENT_MINUTES", 10)),
    )


@dataclass(frozen=True)
class RateRow:
    key: str
    label: str
    rate: Proportion

    @property
    def missed(self) -> int:
        return self.rate.trials - self.rate.successes


@dataclass(frozen=True)
class EventRow:
    officer: str
    unit: str
    kind: str
    reference: str
    start: dt.datetime | None
    status: str

    @property
    def status_words(self) -> str:
        return compliance.STATUS_WORDS[self.status]


@dataclass(frozen=True)
class ComplianceReport:
    overall: Proportion
    statuses: dict[str, int]
    by_officer: list[RateRow]
    by_unit: list[RateRow]
    by_month: list[RateRow]
    by_kind: list[RateRow]
    missed: list[EventRow]
    rule: compliance.WindowRule
    date_from: dt.date | None
    date_to: dt.date | None


def _aware(day: dt.date | None, clock: dt.time | None) -> dt.datetime | None:
    if day is None or clock is None:
        return None
    return dt.datetime.combine(day, clock, tzinfo=timezone.get_current_timezone())


def _rates(counts: dict[Any, tuple[int, int]], labels: dict[Any, str]) -> list[RateRow]:
    return [RateRow(str(k), labels.get(k, str(k)), proportion(*counts[k])) for k in sorted(counts, key=str)]


def activation_report(*, user: Any, date_from: dt.date | None = None, date_to: dt.date | None = None,
                      unit: str = "", missed_limit: int = 500) -> ComplianceReport:
    """Activation compliance of the events the user may see (see `policing.compliance` for the rule)."""
    rule = window_rule()
    events_qs = OfficerEvent.objects.restrict(user, "view")
    rows = list(events_qs.values(
        "id", "officer_id", "kind", "on_scene_from", "on_scene_to", "on_duty", "officer__last_name",
        "officer__first_name", "officer__badge_number", "incident__occurred_from", "incident__incident_number",
        "stop__date", "stop__time", "stop__stop_id", "force_incident__occurred_at", "force_incident__case_number"))
    events: list[compliance.Event] = []
    info: dict[int, dict[str, Any]] = {}
    for r in rows:
        start = r["on_scene_from"] or {
            EventKind.INCIDENT: r["incident__occurred_from"],
            EventKind.STOP: _aware(r["stop__date"], r["stop__time"]),
            EventKind.FORCE: r["force_incident__occurred_at"],
        }[r["kind"]]
        day = timezone.localtime(start).date() if start else r["stop__date"]
        if day is not None and ((date_from and day < date_from) or (date_to and day > date_to)):
            continue
        if day is None and (date_from or date_to):
            continue
        events.append(compliance.Event(r["id"], r["officer_id"], start, r["on_scene_to"], r["on_duty"]))
        ref = r["incident__incident_number"] or r["stop__stop_id"] or r["force_incident__case_number"] or ""
        info[r["id"]] = {"row": r, "day": day, "ref": ref, "start": start}
    officer_ids = {e.officer_id for e in events}
    recordings: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    for oid, s, e in Recording.objects.restrict(user, "view").filter(officer_id__in=officer_ids).values_list(
            "officer_id", "started", "ended"):
        recordings[oid].append((s, e))
    cameras: dict[int, list[compliance.Interval]] = defaultdict(list)
    for oid, s, e in CameraAssignment.objects.restrict(user, "view").filter(officer_id__in=officer_ids).values_list(
            "officer_id", "started", "ended"):
        cameras[oid].append((s, e))
    units: dict[int, list[tuple[dt.date, dt.date | None, str, str]]] = defaultdict(list)
    for oid, s, e, code, name in Assignment.objects.restrict(user, "view").filter(
            officer_id__in=officer_ids).values_list("officer_id", "started", "ended", "unit__code", "unit__name"):
        units[oid].append((s, e, code, name))

    def unit_on(oid: int, day: dt.date | None) -> tuple[str, str]:
        for s, e, code, name in units.get(oid, ()):
            if day is not None and s <= day and (e is None or day <= e):
                return code, name
        return "", "No unit on record"

    statuses = compliance.assess(events, recordings, cameras, rule)
    keyed: list[tuple[compliance.Event, str, str, str]] = []
    for ev in events:
        code, name = unit_on(ev.officer_id, info[ev.key]["day"])
        keyed.append((ev, statuses[ev.key], code, name))
    if unit:
        keyed = [k for k in keyed if k[2] == unit]
    status_list = [s for _, s, _, _ in keyed]
    officer_labels: dict[Any, str] = {}
    unit_labels: dict[Any, str] = {}
    for ev, _, code, name in keyed:
        r = info[ev.key]["row"]
        officer_labels[ev.officer_id] = (f"{r['officer__last_name']}, {r['officer__first_name']} "
                                         f"({r['officer__badge_number']})")
        unit_labels[code] = f"{name} ({code})" if code else name
    by_officer = _rates(compliance.tally(status_list, [ev.officer_id for ev, *_ in keyed]), officer_labels)
    by_officer.sort(key=lambda row: (row.rate.value if row.rate.trials else 2, row.label))
    total = compliance.tally(status_list, ["all"] * len(status_list)).get("all", (0, 0))
    missed = [EventRow(officer_labels[ev.officer_id], unit_labels[code], EventKind(info[ev.key]["row"]["kind"]).label,
                       info[ev.key]["ref"], info[ev.key]["start"], st)
              for ev, st, code, _ in sorted(keyed, key=lambda k: (k[0].start or dt.datetime.max.replace(
                  tzinfo=dt.UTC)), reverse=True) if st == compliance.MISSED][:missed_limit]
    counts: dict[str, int] = defaultdict(int)
    for s in status_list:
        counts[s] += 1
    return ComplianceReport(
        overall=proportion(*total),
        statuses={k: counts.get(k, 0) for k in compliance.STATUS_WORDS},
        by_officer=by_officer,
        by_unit=_rates(compliance.tally(status_list, [code for _, _, code, _ in keyed]), unit_labels),
        by_month=_rates(compliance.tally(status_list, [
            info[ev.key]["day"].strftime("%Y-%m") if info[ev.key]["day"] else "no date" for ev, *_ in keyed]), {}),
        by_kind=_rates(compliance.tally(status_list, [ev_kind(info[ev.key]["row"]) for ev, *_ in keyed]),
                       dict(EventKind.choices)),
        missed=missed, rule=rule, date_from=date_from, date_to=date_to,
    )


def ev_kind(row: dict[str, Any]) -> str:
    return str(row["kind"])


@dataclass(frozen=True)
class CameraTile:
    """The dashboard's camera-activation figure: the last 12 months, overall and per unit."""

    overall: Proportion
    by_unit: list[RateRow]
    date_from: dt.date
    date_to: dt.date


def dashboard_cameras(*, user: Any, today: dt.date | None = None) -> CameraTile:
    day = today or timezone.localdate()
    start = day.replace(year=day.year - 1) + dt.timedelta(days=1) if not (day.month == 2 and day.day == 29) \
        else day.replace(year=day.year - 1, day=28)
    report = activation_report(user=user, date_from=start, date_to=day, missed_limit=0)
    return CameraTile(overall=report.overall, by_unit=report.by_unit, date_from=start, date_to=day)
