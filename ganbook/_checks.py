"""Argument checks the modules share, so that every error reads the same way."""

from __future__ import annotations


def check_positive_int(name: str, value, integer_types: tuple = (int,)) -> None:
    """Raise ``ValueError`` unless ``value`` is a positive integer of ``integer_types`` (never a bool)."""
    if not isinstance(value, integer_types) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
