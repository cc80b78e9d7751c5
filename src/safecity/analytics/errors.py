"""The one error type for bad user input to the analytics command line (kept free of NumPy so the parser
can raise it before any numerical library is imported)."""

from __future__ import annotations

__all__ = ["InputError"]


class InputError(ValueError):
    """Bad user input; the message is a complete one-line explanation."""
