"""Argument checks the modules share, so that every error reads the same way."""

from __future__ import annotations


def check_positive_int(name: str, value, integer_types: tuple = (int,)) -> None:
    """Raise ``ValueError`` unless ``value`` is a positive integer of ``integer_types`` (never a bool)."""
    if not isinstance(value, integer_types) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")


def check_output_shape(model, expected: tuple):
    """Return ``model``; raise ``ValueError`` unless its output shape (batch axis excluded) is ``expected``."""
    got = tuple(model.output_shape[1:])
    if got != tuple(expected):
        raise ValueError(f"{model.name} produces shape {got}, expected {tuple(expected)}")
    return model
