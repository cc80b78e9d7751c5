"""The incidents app's warmer (`core.warmup`): the default view of every analysis page, for one user.

Each page is computed exactly as its page computes it — the parameter schema with its defaults, resolved for
the user (`ScopeQuery.run` → the result cache) — so the entries are the ones the page reads; the hot-spot
page's drawn map too, and the incident list's count.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from safecity.core.permissions import has_module
from safecity.core.roles import Module
from safecity.incidents.kit import INCIDENTS
from safecity.incidents.schemas import (
    CompstatQuery,
    FirearmQuery,
    HotspotQuery,
    NearRepeatQuery,
    ScopeQuery,
    TrendsQuery,
    UptickQuery,
)

# The order pages are warmed in: the meeting's pages first, the slow permutation test last.
PAGES: tuple[type[ScopeQuery], ...] = (CompstatQuery, TrendsQuery, FirearmQuery, HotspotQuery, UptickQuery,
                                       NearRepeatQuery)


def warm_user(user: Any) -> int:
    """Compute (or read) the default views `user` would get; returns how many."""
    if not has_module(user, Module.INCIDENTS, "view"):
        return 0
    from safecity.incidents.stats_views import hotspot_map_drawing

    done = 0
    for query_class in PAGES:
        params = query_class.model_validate({})  # every parameter at its default
        try:
            scope, as_of = params.resolve(user)
        except ValidationError:  # nothing to show by default (no agency with data): the page says so itself
            continue
        if isinstance(params, HotspotQuery):
            params.result_drawn(user, scope, as_of, hotspot_map_drawing)
        else:
            params.result(user, scope, as_of)
        done += 1
    INCIDENTS.count(INCIDENTS.filtered(user=user, data={}), user=user)  # the list's "N in all"
    return done + 1
