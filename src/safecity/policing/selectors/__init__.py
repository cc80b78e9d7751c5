"""Reads of policing records, one module per record family, each starting from `restrict(user, action)`:
hidden and unknown ids alike raise `DoesNotExist`. Other apps call `safecity.policing.selectors` only."""

from safecity.policing.selectors.roster import (
    assignment_history,
    officer_get,
    officer_list,
    unit_get,
    unit_list,
    unit_on,
)
from safecity.policing.selectors.stops import (
    dashboard_stops,
    officer_ids_by_employee_id,
    stop_equity,
    stop_get,
    stop_import_batch_list,
    stop_list,
)

__all__ = ["assignment_history", "officer_get", "officer_list", "unit_get", "unit_list", "unit_on",
           "dashboard_stops", "officer_ids_by_employee_id", "stop_equity", "stop_get", "stop_import_batch_list",
           "stop_list"]
