"""Aggregate crime statistics (CompStat, trends, upticks, hot spots, near repeat, firearm violence).

Every function takes the acting user and starts from ``Incident.objects.restrict(user, AGGREGATE)``
(``Scope.incidents``) so an aggregate never includes a record the user may not count: for every role but the
executive (mayor) that is exactly what the user can list (``core.roles.ROLE_AGGREGATE_CLEARANCES``).
Counting happens in the database with conditional ``Count(..., filter=Q(...))`` aggregates; Python only
folds the few grouped rows into categories and calls the pure functions in :mod:`safecity.analytics`.
Each analysis returns a result dataclass named as the API names it (:mod:`.results`); drawing is left to
``incidents.charts``.
"""
