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


def verdict(runs, plain_runs, higher_is_better: bool) -> str:
    """The ablation verdict on one trick: ``"helpful"`` when every value of ``runs`` beats
    every value of ``plain_runs`` (the plain recipe's, on the same seeds), ``"harmful"``
    when every one is worse, and ``"within the spread"`` otherwise.

    With n runs a side, a trick that changes nothing gets each clean verdict with
    chance 1 / C(2n, n): 1 in 20 for three seeds.
    """
    ours, plain = [float(v) for v in runs], [float(v) for v in plain_runs]
    if not ours or not plain:
        raise ValueError("a verdict needs at least one run of the trick and one of the plain recipe")
    sign = 1.0 if higher_is_better else -1.0
    if min(sign * v for v in ours) > max(sign * v for v in plain):
        return "helpful"
    return "harmful" if max(sign * v for v in ours) < min(sign * v for v in plain) else "within the spread"
