"""Units declared for the module kit: the list of commands, stations and teams, its CSV and API."""

from __future__ import annotations

from safecity.core.kit import Column, RecordKit, Search, agency_filter
from safecity.core.roles import Module
from safecity.policing import selectors
from safecity.policing.models import Unit

UNITS = RecordKit(
    module=Module.POLICING,
    model=Unit,
    namespace="policing_units",
    noun="unit",
    plural="units",
    list_selector=selectors.unit_list,
    get_selector=selectors.unit_get,
    columns=(
        Column("code", "Code", sort=("code", "id"), link=True),
        Column("name", "Name", sort=("name", "id")),
        Column("parent", "Part of", lambda u: u.parent.name if u.parent else None, sort=("parent__name", "id")),
        Column("district", "District served", lambda u: u.district.name if u.district else None),
        Column("active", "Active", lambda u: "yes" if u.active else "no", sort=("active", "code", "id")),
        Column("agency", "Agency", "agency.ori", sort=("agency__ori", "code", "id")),
    ),
    filters=(agency_filter(Module.POLICING, more=False),),
    search=Search("Code or name", ("code", "name")),
    default_sort="code",
    export_columns=(
        Column("agency", "Agency", "agency.ori"), Column("code", "Code"), Column("name", "Name"),
        Column("parent", "Part of", "parent.code"), Column("district", "District", "district.code"),
        Column("active", "Active"),
    ),
    title=lambda u: f"{u.name} ({u.code})",
    api_id_param="unit_id",
    api_operation_prefix="safecity_policing_api",
)
