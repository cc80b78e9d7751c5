"""Early-intervention records declared for the module kit: pursuits (list, create, detail, CSV, API) and the
flags' list and CSV (their detail page, with the review, is hand-written in `views.eis`)."""

from __future__ import annotations

from typing import Any

from safecity.core.kit import Choice, Column, DateRange, RecordKit, Search, agency_filter
from safecity.core.roles import Module
from safecity.policing import actions, selectors
from safecity.policing.forms.eis import PursuitCreateForm
from safecity.policing.models import EIFlag, FlagStatus, Intervention, Pursuit, PursuitOutcome


def _officer(o: Any) -> str:
    return f"{o.officer.last_name}, {o.officer.first_name}"


PURSUITS = RecordKit(
    module=Module.POLICING,
    model=Pursuit,
    namespace="policing_pursuits",
    noun="pursuit",
    plural="vehicle pursuits",
    list_selector=selectors.pursuit_list,
    get_selector=selectors.pursuit_get,
    columns=(
        Column("started_at", "Began", lambda p: f"{p.started_at:%Y-%m-%d %H:%M}", sort=("started_at", "id"), link=True),
        Column("officer", "Officer", _officer, sort=("officer__last_name", "id")),
        Column("reason", "Reason", "reason", sort=("reason", "id")),
        Column("outcome", "Outcome", lambda p: p.get_outcome_display(), sort=("outcome", "id")),
        Column("crash", "Crash", lambda p: "yes" if p.crash else "no"),
        Column("injuries", "Injuries", lambda p: "yes" if p.injuries else "no"),
        Column("agency", "Agency", "agency.ori", sort=("agency__ori", "id")),
    ),
    filters=(
        DateRange("started", "Began", lookup="started_at__date"),
        Choice("outcome", "Outcome", lookup="outcome", choices=PursuitOutcome.choices),
        agency_filter(Module.POLICING),
    ),
    search=Search("Officer name or reason", ("officer__last_name", "officer__first_name", "reason")),
    default_sort="-started_at",
    export_columns=(
        Column("agency", "Agency", "agency.ori"),
        Column("officer_employee_id", "Officer employee id", "officer.employee_id"),
        Column("started_at", "Began", lambda p: p.started_at.isoformat()),
        Column("reason", "Reason"),
        Column("outcome", "Outcome"),
        Column("crash", "Crash"),
        Column("injuries", "Injuries"),
    ),
    detail_fields=(
        Column("agency", "Agency", lambda p: f"{p.agency.name} ({p.agency.ori})"),
        Column("officer", "Officer", lambda p: str(p.officer)),
        Column("started_at", "Began", lambda p: f"{p.started_at:%Y-%m-%d %H:%M}"),
        Column("reason", "Reason"),
        Column("outcome", "Outcome", lambda p: p.get_outcome_display()),
        Column("crash", "Crash", lambda p: "yes" if p.crash else "no"),
        Column("injuries", "Injuries", lambda p: "yes" if p.injuries else "no"),
        Column("notes", "Notes"),
    ),
    title=lambda p: f"Vehicle pursuit on {p.started_at:%Y-%m-%d} by {p.officer.last_name}",
    list_intro="Vehicle pursuits by the primary unit's officer: an early-intervention indicator.",
    create_form=PursuitCreateForm,
    create_action=actions.pursuit_create,
    api_id_param="pursuit_id",
    api_operation_prefix="safecity_policing_api",
)


def _rules(flag: EIFlag) -> str:
    return ", ".join(flag.rules)


FLAGS = RecordKit(
    module=Module.POLICING,
    model=EIFlag,
    namespace="policing_eis",
    noun="flag",
    plural="early-intervention flags",
    list_selector=selectors.eiflag_list,
    get_selector=selectors.eiflag_get,
    columns=(
        Column("officer", "Officer", _officer, sort=("officer__last_name", "officer__first_name", "id"), link=True),
        Column("unit", "Unit", lambda f: f.indicators.get("unit", "")),
        Column("as_of", "As of", "as_of", sort=("as_of", "id")),
        Column("rules", "Rules that fired", _rules),
        Column("score", "Score (mean unit percentile)", "score", sort=("score", "id")),
        Column("status", "Review stage", lambda f: f.get_status_display(), sort=("status", "id")),
        Column("intervention", "Intervention", lambda f: f.get_intervention_display() if f.intervention else ""),
    ),
    filters=(
        DateRange("as_of", "As of", lookup="as_of"),
        Choice("status", "Review stage", lookup="status", choices=FlagStatus.choices),
        Choice("intervention", "Intervention", lookup="intervention", choices=Intervention.choices),
        agency_filter(Module.POLICING),
    ),
    search=Search("Officer name or badge", ("officer__last_name", "officer__first_name", "officer__badge_number")),
    default_sort="-as_of",
    export_columns=(
        Column("agency", "Agency", "agency.ori"),
        Column("officer_employee_id", "Officer employee id", "officer.employee_id"),
        Column("as_of", "As of"),
        Column("rules", "Rules", _rules),
        Column("score", "Score"),
        Column("status", "Status"),
        Column("intervention", "Intervention"),
        Column("follow_up_due", "Follow up by"),
        Column("follow_up_on", "Followed up on"),
    ),
    title=lambda f: f"Early-intervention flag: {f.officer.first_name} {f.officer.last_name}, {f.as_of}",
    list_intro=("Officers the threshold rules picked out on an as-of date. A flag is a prompt for a supervisor "
                "to look at the officer's record, not a finding of misconduct."),
    list_template="policing/eis/flag_list.html",
    api_id_param="flag_id",
    api_operation_prefix="safecity_policing_api",
)
