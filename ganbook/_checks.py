"""Argument checks the modules share, so that every error reads the same way."""

from __future__ import annotations

import numpy as np


def is_integer(value) -> bool:
    """Whether ``value`` is a Python or NumPy integer (a bool is not)."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def check_positive_int(name: str, value, integer_types: tuple = (int,)) -> None:
    """Raise ``ValueError`` unless ``value`` is a positive integer of ``integer_types`` (never a bool)."""
    if not isinstance(value, integer_types) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")


def check_non_negative(name: str, value) -> float:
    """``value`` as a float; raise ``ValueError`` unless it is a real number >= 0 (never a bool)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating)) or not value >= 0:
        raise ValueError(f"{name} must be a number >= 0, got {value!r}")
    return float(value)


def check_labels(labels, num_classes: int | None = None) -> np.ndarray:
    """``labels`` as an array; raise unless they are integers >= 0 (and < ``num_classes`` if given).

    Keras' ``Embedding`` wraps a negative index round to the last class and a GPU's gather
    returns zeros for one past the end, so a bad label would train silently as another."""
    labels = np.asarray(labels)
    if not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(f"labels must be integers (class indices), got dtype {labels.dtype}")
    top = "" if num_classes is None else f"..{num_classes - 1}"
    bad = (labels < 0) if num_classes is None else (labels < 0) | (labels >= num_classes)
    if bad.any():
        wrong = sorted(set(labels[bad].tolist()))[:5]
        raise ValueError(f"labels must be integers in 0{top or ' or more'}, got {wrong}")
    return labels


def check_output_shape(model, expected: tuple):
    """Return ``model``; raise ``ValueError`` unless its output shape (batch axis excluded) is ``expected``."""
    got = tuple(model.output_shape[1:])
    if got != tuple(expected):
        raise ValueError(f"{model.name} produces shape {got}, expected {tuple(expected)}")
    return model
