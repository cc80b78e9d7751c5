"""Aggregate crime statistics (CompStat, trends, upticks, hot spots, near repeat, firearm violence).

Every function takes the acting user and starts from ``Incident.objects.restrict(user, "view")`` so an
aggregate can never include a record the user could not list. Counting happens in the database with
conditional ``Count(..., filter=Q(...))`` aggregates; Python only folds the few grouped rows into
categories and calls the pure functions in :mod:`safecity.analytics`. Each analysis returns a result
dataclass named as the API names it (:mod:`.results`); drawing is left to ``incidents.charts``.
"""
