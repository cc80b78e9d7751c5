"""API shapes of policing records, one module per record family."""
