"""Measured results that ship with the package, so a chapter shows them anywhere.

The benchmarks under ``benchmarks/`` write their JSON into this package's
``assets/results/`` folder; a chapter opened alone (in Colab, say) reads the same
files through :func:`load`, with nothing of the repository beside it.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
from pathlib import Path

import numpy as np

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


MAX_SPLITS = 1_000_000  # the exact test enumerates every split; beyond this it refuses


@functools.lru_cache(maxsize=8)
def _splits(total: int, size: int) -> np.ndarray:
    """Every choice of ``size`` of ``total`` indices, one per row."""
    return np.array(list(itertools.combinations(range(total), size)))


def chance_of_lead(runs, plain_runs, higher_is_better: bool) -> float:
    """The exact one-sided permutation p-value of the runs' lead over the plain runs.

    Pool both groups' values and take every way of choosing ``len(runs)`` of them as
    "the trick's": the share of those splits whose chosen values are at least as good
    in total as the trick's own (ties count against the lead).  If the trick changes
    nothing, all splits are equally likely, so a lead this chance or smaller turns up
    with probability at most this chance.  Three runs a side that each beat each plain
    run give 1 / C(6, 3) = 0.05, the smallest value three seeds can give.
    """
    ours, plain = [float(v) for v in runs], [float(v) for v in plain_runs]
    if not ours or not plain:
        raise ValueError("a verdict needs at least one run of the trick and one of the plain recipe")
    if not all(math.isfinite(v) for v in ours + plain):
        raise ValueError(f"a verdict needs finite values, got {ours} and {plain}")
    if math.comb(len(ours) + len(plain), len(ours)) > MAX_SPLITS:
        raise ValueError(f"{len(ours)} and {len(plain)} runs make more than {MAX_SPLITS:,} splits "
                         "to enumerate; compare fewer runs")
    sign = 1.0 if higher_is_better else -1.0
    pooled = sign * np.array(ours + plain)
    totals = pooled[_splits(len(pooled), len(ours))].sum(axis=1)
    observed = pooled[: len(ours)].sum()
    return float(np.mean(totals >= observed - 1e-9 * max(1.0, abs(observed))))


def verdict(runs, plain_runs, higher_is_better: bool, alpha: float = 0.05) -> str:
    """The ablation verdict on one trick against the plain recipe (same seeds):
    ``"helpful"`` when its lead has :func:`chance_of_lead` at most ``alpha``,
    ``"harmful"`` when the plain recipe's lead has, ``"within the spread"`` otherwise.

    A trick that changes nothing gets each clean verdict with chance at most ``alpha``.
    With three runs a side and ``alpha = 0.05`` the rule is "each run beats each plain run".
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha={alpha!r}: expected a chance between 0 and 1")
    if chance_of_lead(runs, plain_runs, higher_is_better) <= alpha:
        return "helpful"
    if chance_of_lead(runs, plain_runs, not higher_is_better) <= alpha:
        return "harmful"
    return "within the spread"
