"""Counting over a scope's agencies: one agency, or the sum over every agency of the roll-up.

``count_matrix`` counts one agency at a time (its fast paths lean on the (agency, date) indexes); the roll-up
runs it once per member agency and adds the results, so a city-wide number is exactly the sum of the numbers
each agency's own page shows.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import QuerySet

from safecity.incidents.models import Incident
from safecity.incidents.stats.counts import Matrix, Windows, count_matrix
from safecity.incidents.stats.scope import Scope


def add_matrices(parts: list[Matrix]) -> Matrix:
    """Cell-by-cell sum of count matrices (groups, categories and windows absent from one part count 0)."""
    if len(parts) == 1:
        return parts[0]
    out: dict[Any, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    for part in parts:
        for group, cats in part.items():
            for cat, windows in cats.items():
                for window, n in windows.items():
                    out[group][cat][window] += n
    return {g: {c: dict(w) for c, w in cats.items()} for g, cats in out.items()}


def count_scope(inc_qs: QuerySet[Incident], scope: Scope, windows: Windows, **kwargs: Any) -> Matrix:
    """``count_matrix`` for every agency of ``scope``, summed. ``inc_qs`` is ``scope.incidents(user)``."""
    return add_matrices([count_matrix(inc_qs, windows, agency_id=a.pk, **kwargs) for a in scope.agencies])
