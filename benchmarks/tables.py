"""Markdown helpers that the benchmarks' table renderers share.

Each benchmark script renders its own tables for benchmarks/README.md from the JSON it
writes (a function beside its ``main``); tools/update_readme.py places them between the
README's generated markers.  Every number in a table or its footer comes from the JSON.
"""

from __future__ import annotations

import json

from ganbook import results


def load_results(name: str) -> dict:
    """The results file ``name``.json shipped with the package, or {} before its first run."""
    path = results.path(name)
    return json.loads(path.read_text()) if path.is_file() else {}


def duration(value: float | None) -> str:
    """Seconds as "42 s" (under two minutes) or "3.5 min"; "not measured" for None."""
    if value is None:
        return "not measured"
    return f"{value:.0f} s" if value < 120 else f"{value / 60:.1f} min"


def rate_text(value: float) -> str:
    """A learning rate as the papers write it: 3e-3, 2e-4."""
    return f"{value:.0e}".replace("e-0", "e-")


def real_floor(n: int) -> str:
    """What ``n`` real MNIST training images score on the book's evaluator, from the DCGAN
    chapter's measured floor (keras_dcgan.json), or a note that it was measured at another size."""
    floor = load_results("keras_dcgan").get("floor", {})
    if floor.get("n") != n:
        return f"no real-image floor measured at {n:,} images"
    return f"{n:,} real images score {floor['classifier_score']:.2f}, FID {floor['fid']:.1f}"


def per_seed(runs: list, key: str, fmt: str) -> str:
    """The value of ``key`` in each run, formatted with ``fmt``, comma-separated."""
    return ", ".join(format(r[key], fmt) for r in runs)


def mean_sd(values: list[float]) -> tuple[float, float]:
    """Mean and sample standard deviation (0 for one value)."""
    mean = sum(values) / len(values)
    return mean, (sum((v - mean) ** 2 for v in values) / max(len(values) - 1, 1)) ** 0.5


def mean_sd_cell(runs: list, key: str, scale: float = 1.0, digits: int = 2, unit: str = "") -> str:
    """"mean ± sd" of ``scale`` times ``key`` over ``runs``."""
    mean, sd = mean_sd([scale * r[key] for r in runs])
    return f"{mean:.{digits}f} ± {sd:.{digits}f}{unit}"
