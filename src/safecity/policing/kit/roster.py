"""Policing records declared for the module kit (`core.kit`): the roster's pages, CSV and API come from here."""

from __future__ import annotations

from typing import Any

from safecity.core.kit import Choice, Column, RecordKit, Search, agency_filter
from safecity.core.roles import Module
from safecity.policing import actions, selectors
from safecity.policing.forms.roster import OfficerCreateForm, OfficerEditForm
from safecity.policing.models import Officer, OfficerStatus, Rank


def _units(user: Any) -> list[tuple[str, str]]:
    return [(u.code, f"{u.name} ({u.code})") for u in selectors.unit_list(user=user)]


def _unit(officer: Officer) -> str | None:
    return f"{officer.unit.name} ({officer.unit.code})" if officer.unit is not None else None


OFFICERS = RecordKit(
    module=Module.POLICING,
    model=Officer,
    namespace="policing",
    noun="officer",
    plural="officers",
    list_selector=selectors.officer_list,
    get_selector=selectors.officer_get,
    columns=(
        Column("name", "Name", lambda o: f"{o.last_name}, {o.first_name}", sort=("last_name", "first_name", "id"),
               link=True),
        Column("badge", "Star / badge", "badge_number", sort=("badge_number", "id")),
        Column("rank", "Rank", lambda o: o.rank_label, sort=("rank", "last_name", "id")),
        Column("unit", "Unit", _unit, sort=("unit__name", "last_name", "id")),
        Column("status", "Status", lambda o: o.get_status_display(), sort=("status", "last_name", "id")),
        Column("agency", "Agency", "agency.ori", sort=("agency__ori", "last_name", "id")),
    ),
    filters=(
        Choice("unit", "Unit", lookup="unit__code", choices=_units),
        Choice("rank", "Rank", lookup="rank", choices=Rank.choices),
        Choice("status", "Status", lookup="status", choices=OfficerStatus.choices),
        agency_filter(Module.POLICING),
    ),
    search=Search("Name, badge or employee id", ("last_name", "first_name", "badge_number", "employee_id")),
    default_sort="name",
    export_columns=(
        Column("agency", "Agency", "agency.ori"),
        Column("employee_id", "Employee id"),
        Column("badge_number", "Star / badge"),
        Column("last_name", "Last name"),
        Column("first_name", "First name"),
        Column("rank", "Rank"),
        Column("unit", "Unit", "unit.code"),
        Column("status", "Status"),
        Column("hire_date", "Hire date"),
        Column("separation_date", "Separation date"),
    ),
    detail_fields=(
        Column("agency", "Agency", lambda o: f"{o.agency.name} ({o.agency.ori})"),
        Column("employee_id", "Employee id"),
        Column("badge_number", "Star / badge"),
        Column("rank", "Rank", lambda o: o.rank_label),
        Column("unit", "Unit", _unit),
        Column("status", "Status", lambda o: o.get_status_display()),
        Column("hire_date", "Hire date"),
        Column("separation_date", "Separation date"),
        Column("user", "User account", lambda o: o.user.username if o.user else None),
    ),
    detail_template="policing/officer_detail.html",
    list_template="policing/officer_list.html",
    title=lambda o: f"{o.rank_label} {o.first_name} {o.last_name}",
    create_form=OfficerCreateForm,
    create_action=actions.officer_create,
    edit_form=OfficerEditForm,
    update_action=actions.officer_update,
    api_id_param="officer_id",
    api_operation_prefix="safecity_policing_api",
)
