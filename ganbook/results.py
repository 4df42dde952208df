"""Measured results that ship with the package, so a chapter shows them anywhere.

The benchmarks under ``benchmarks/`` write their JSON into this package's
``assets/results/`` folder; a chapter opened alone (in Colab, say) reads the same
files through :func:`load`, with nothing of the repository beside it.
"""

from __future__ import annotations

import json
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "assets" / "results"


def available() -> list[str]:
    """The names of the result files that ship with this copy of ``ganbook``."""
    return sorted(path.stem for path in RESULTS_DIR.glob("*.json"))


def path(name: str) -> Path:
    """The path of result file ``name`` (e.g. ``"family"``), which need not exist yet."""
    if not isinstance(name, str) or not name or "/" in name or name.endswith(".json"):
        raise ValueError(f"a result name is a bare file stem such as 'family', got {name!r}")
    return RESULTS_DIR / f"{name}.json"


def load(name: str) -> dict:
    """The measured results ``name`` as the benchmark wrote them.

    Raises ``ValueError`` naming the results that do ship when ``name`` is not one of them.
    """
    file = path(name)
    if not file.is_file():
        raise ValueError(f"no results named {name!r} ship with ganbook; "
                         f"available: {', '.join(available()) or 'none'}")
    return json.loads(file.read_text())
