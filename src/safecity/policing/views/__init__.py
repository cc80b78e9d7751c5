"""Policing pages, one module per record family; hand-written views only for what is not a record list."""
