"""The module kit: generic, permission-checked pages and API operations for agency-owned records.

A module declares a `RecordKit` (model, selectors, actions, forms, columns, filters, search) and gets from
`core.kit.views` its list / detail / create / edit / CSV export pages and from `core.kit.api` its API list
and detail. A hand-written page that runs an action for a form does it through `core.kit.forms.applied` (refusal →
404/403, the action's validation errors onto the form's fields). See docs/architecture.md, "How to add a module".
"""

from safecity.core.kit.base import Column, RecordKit
from safecity.core.kit.filters import (
    BBox,
    Choice,
    DateRange,
    Filter,
    FilterSet,
    MultiChoice,
    Search,
    Text,
    agency_filter,
)
from safecity.core.kit.forms import applied, form_errors

__all__ = ["BBox", "Choice", "Column", "DateRange", "Filter", "FilterSet", "MultiChoice", "RecordKit", "Search",
           "Text", "agency_filter", "applied", "form_errors"]
