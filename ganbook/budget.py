"""Run profiles: how much work a chapter does.

``full`` (the default) is what the rendered book shows; ``smoke`` is the CI
profile that only proves every cell runs.  The active profile comes from the
``GANBOOK_PROFILE`` environment variable.

Claim checks (hidden cells that hold a chapter's prose to its measured numbers) run
only when the build asks for them with ``GANBOOK_CHECK_CLAIMS=1``: ``make book``,
``make test`` and CI set it; a student's Colab or Jupyter session does not, so an
edited parameter, another seed or other data never trips a window tuned on the
book's own run.
"""

from __future__ import annotations

import numbers
import os
from typing import TypeVar

PROFILES = ("full", "smoke")
PROFILE_ENV_VAR = "GANBOOK_PROFILE"
CLAIMS_ENV_VAR = "GANBOOK_CHECK_CLAIMS"

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


def checking_claims(profile: str | None = None) -> bool:
    """Whether the build asked for claim checks (``GANBOOK_CHECK_CLAIMS=1``).

    With ``profile`` (``"full"`` or ``"smoke"``), only while that profile is active,
    since most claims are about the numbers of the ``full`` run.  Any value of the
    variable other than ``0``, ``1`` or empty raises ``ValueError``.
    """
    if profile is not None and profile not in PROFILES:
        raise ValueError(f"profile={profile!r}: expected one of {', '.join(PROFILES)} or None")
    value = os.environ.get(CLAIMS_ENV_VAR, "").strip()
    if value not in ("", "0", "1"):
        raise ValueError(f"{CLAIMS_ENV_VAR}={value!r}: expected 1 (check claims) or 0 / unset")
    return value == "1" and (profile is None or active_profile() == profile)
