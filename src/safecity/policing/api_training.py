"""Training over the API, at /api/v1/policing/training/: courses, sessions and attendance (kit), the compliance
report, and attendance imports (`core.importing.api`). No `from __future__ import annotations`: ninja needs them."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field as NinjaField
from ninja import Query, Router, Schema

from safecity.core.api_guard import requires
from safecity.core.importing.api import register as register_import
from safecity.core.kit.api import ERRORS, register
from safecity.core.roles import Module
from safecity.policing import selectors
from safecity.policing.importers_roster import OFFICERS_IMPORT
from safecity.policing.importers_training import TRAINING
from safecity.policing.kit.training import ATTENDANCE, COURSES, SESSIONS
from safecity.policing.kit.units import UNITS
from safecity.policing.schemas.training import (
    AttendanceOut,
    ComplianceOut,
    CourseOut,
    SessionOut,
    UnitOut,
    compliance_out,
)

router = Router(tags=["policing"])
courses_router = Router(tags=["policing"])
register(courses_router, COURSES, CourseOut)
sessions_router = Router(tags=["policing"])
register(sessions_router, SESSIONS, SessionOut)
attendance_router = Router(tags=["policing"])
register(attendance_router, ATTENDANCE, AttendanceOut)
imports_router = Router(tags=["imports"])
register_import(imports_router, TRAINING, url_prefix="/api/v1/policing/training/imports",
                operation_prefix="safecity_policing_training_import")
units_router = Router(tags=["policing"])
register(units_router, UNITS, UnitOut)
roster_imports_router = Router(tags=["imports"])
register_import(roster_imports_router, OFFICERS_IMPORT, url_prefix="/api/v1/policing/roster-imports",
                operation_prefix="safecity_policing_roster_import")


class ComplianceParams(Schema):
    agency: str = NinjaField("", description="ORI of the agency (default: the first whose policing records you "
                                             "may see).", max_length=12)
    as_of: str = NinjaField("", description="Report date, YYYY-MM-DD (default today; not in the future).",
                            max_length=20)
    out_only: str = NinjaField("", description="true: only officers out of compliance.", max_length=10)
    sort: str = NinjaField("name", description="name, unit, completed, short or lapses; prefix - for descending.",
                           max_length=20)


@router.get("/compliance", response={200: ComplianceOut, **ERRORS},
            operation_id="safecity_policing_training_api_compliance")
@requires(Module.POLICING)
def compliance(request: HttpRequest, params: Query[ComplianceParams]) -> Any:
    """Training compliance of one agency on a date: the rule in force (state, period model, citation, status),
    the agency and unit roll-ups, and every officer's hours counted, shortfall and lapse/due date."""
    try:
        query = selectors.compliance_query(user=request.user, data=params.model_dump())
    except ValidationError as exc:
        raise ValidationError({k: " ".join(v) for k, v in exc.message_dict.items()}) from None
    report = selectors.compliance_report(user=request.user, agency=query.agency, as_of=query.as_of)
    return compliance_out(report, selectors.compliance_rows(report, query))


router.add_router("/courses", courses_router)
router.add_router("/sessions", sessions_router)
router.add_router("/attendance", attendance_router)
router.add_router("/imports", imports_router)
