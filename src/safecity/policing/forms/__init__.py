"""Forms of the policing module, one module per record family; each turns valid input into its action's
keyword arguments."""
