"""Small helpers the benchmark scripts share: where results go and what ran them."""

from __future__ import annotations

import json
import os
import platform
from datetime import datetime, timezone
from pathlib import Path

import ganbook  # noqa: F401  (before the libraries: it imports TensorFlow quietly)

# isort: split

import keras
import tensorflow as tf

from ganbook import results

RESULTS_DIR = results.RESULTS_DIR  # shipped with the package, so chapters read them anywhere


def with_run(runs: list[dict], record: dict) -> list[dict]:
    """``runs`` with ``record`` in place of any earlier run of its seed, in seed order."""
    return sorted([r for r in runs if r["seed"] != record["seed"]] + [record], key=lambda r: r["seed"])


def machine() -> str:
    """Cores, Python and TensorFlow/Keras versions of this machine, in one line."""
    return (f"{os.cpu_count()} cores, Python {platform.python_version()}, "
            f"TensorFlow {tf.__version__}, Keras {keras.__version__}")


def utc_now() -> str:
    """The current time as 'YYYY-MM-DD HH:MM UTC'."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def write_results(name: str, payload: dict) -> Path:
    """Write ``payload`` plus the machine and the time to ``results/<name>.json``."""
    path = RESULTS_DIR / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({**payload, "machine": machine(), "measured_at": utc_now()},
                               indent=2, default=float) + "\n")
    print(f"wrote {path}")
    return path
