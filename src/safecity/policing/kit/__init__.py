"""Policing records declared for the module kit (`core.kit`), one module per record family."""

from safecity.policing.kit.roster import OFFICERS

__all__ = ["OFFICERS"]
