"""Run profiles: how much work a chapter does.

``full`` (the default) is what the rendered book shows; ``smoke`` is the CI
profile that only proves every cell runs.  The active profile comes from the
``GANBOOK_PROFILE`` environment variable.
"""

from __future__ import annotations

import numbers
import os
from typing import TypeVar

PROFILES = ("full", "smoke")
PROFILE_ENV_VAR = "GANBOOK_PROFILE"

T = TypeVar("T")


def active_profile() -> str:
    """Return the active profile name, read from ``GANBOOK_PROFILE`` (default ``full``).

    Raises ``ValueError`` naming the valid profiles when the variable holds anything else.
    """
    profile = os.environ.get(PROFILE_ENV_VAR, "full").strip().lower() or "full"
    if profile not in PROFILES:
        raise ValueError(
            f"{PROFILE_ENV_VAR}={profile!r} is not a profile; expected one of {', '.join(PROFILES)}"
        )
    return profile


def budget(*, full: T, smoke: T) -> T:
    """Return ``full`` or ``smoke`` depending on the active profile.

    Numeric budgets (steps, epochs, sample counts) must be positive: a budget of
    zero or less would silently skip the work it sizes, so it raises ``ValueError``.
    """
    for name, value in (("full", full), ("smoke", smoke)):
        is_number = isinstance(value, numbers.Real) and not isinstance(value, bool)
        if is_number and not value > 0:
            raise ValueError(f"budget {name}={value!r}: a numeric budget must be positive")
    return full if active_profile() == "full" else smoke
