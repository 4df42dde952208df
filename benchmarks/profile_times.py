"""Time every chapter in each profile and write ganbook/assets/results/profile_times.json.

Each notebook is executed from top to bottom in a fresh kernel, exactly as the book
build and nbval run it, with GANBOOK_PROFILE set.  Run it through `make benchmarks`
(which prepares the data and sets GANBOOK_DATA_DIR) on the machine whose numbers you
want; tools/update_readme.py writes the README's chapter table and benchmarks/README.md from the JSON.
Usage: python benchmarks/profile_times.py [--profiles full smoke] [--repeats N] [--keep DIR] [notebook ...]

With ``--repeats N`` each chapter runs N times per profile; the fastest run is its time,
and every run is kept beside it (``<profile>_runs``).  On a shared machine other work
only ever adds time, so the fastest run is the closest to what the chapter itself costs
(the reasoning of Python's ``timeit``); the table shows the slowest too.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import ganbook  # noqa: F401  (before the libraries: it imports TensorFlow quietly)

# isort: split

import keras
import nbformat
import tables
import tensorflow as tf
from common import utc_now
from nbclient import NotebookClient
from tables import duration

from ganbook import results
from ganbook.data import load_dataset

ROOT = Path(__file__).resolve().parents[1]
RESULTS = results.path("profile_times")


def run_notebook(path: Path, profile: str, timeout: int = 1800, keep: Path | None = None) -> float:
    """Execute notebook ``path`` in ``profile``; return the wall-clock seconds it took.

    With ``keep``, the executed notebook (outputs and any error) is saved there as
    ``<name>.<profile>.ipynb``, to read what the run printed.
    """
    nb = nbformat.read(path, as_version=4)
    previous = os.environ.get("GANBOOK_PROFILE")
    os.environ["GANBOOK_PROFILE"] = profile  # the kernel inherits this environment
    try:
        start = time.perf_counter()
        NotebookClient(nb, timeout=timeout, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        return time.perf_counter() - start
    finally:
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, keep / f"{path.stem}.{profile}.ipynb")
        if previous is None:
            os.environ.pop("GANBOOK_PROFILE", None)
        else:
            os.environ["GANBOOK_PROFILE"] = previous


def cpu_name() -> str:
    """The CPU model as the kernel reports it (Linux), else the platform's processor string."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


# ------------------------------------------------- its tables in benchmarks/README.md

# Issue 27's budget goals: seconds of a `full` run of these chapters on the book's 2-core machine.
BUDGET_GOALS = {"semi_supervised_gan": 600, "conditional_gans": 360, "wgan_began": 360}


def shown_time(times: dict, profile: str) -> str:
    """A chapter's time in ``profile``: its fastest run, and with several runs how many and the slowest."""
    seconds, runs = times.get(f"{profile}_seconds"), times.get(f"{profile}_runs", [])
    if len(runs) < 2:
        return duration(seconds)
    return f"{duration(seconds)} (fastest of {len(runs)}; slowest {duration(max(runs))})"


def measured_when(times: dict, default: str) -> str:
    """When a chapter's `full` time was measured, and its `smoke` time when that was another run."""
    full, smoke = (times.get(f"{profile}_measured_at", times.get("measured_at", default))
                   for profile in ("full", "smoke"))
    return full if smoke == full or "smoke_seconds" not in times else f"{full} (`smoke`: {smoke})"


def budget_goal_line(chapters: dict) -> str:
    """The budget goals, and each goal chapter's `full` time (its fastest run) against its goal."""
    parts = []
    for chapter, goal in BUDGET_GOALS.items():
        times = chapters.get(chapter, {})
        seconds = times.get("full_seconds")
        verdict = ("not measured" if seconds is None
                   else f"{shown_time(times, 'full')}, {'met' if seconds <= goal else 'not met'}")
        parts.append(f"{chapter} within {duration(goal)}: {verdict}")
    return "**Budget goals** for the `full` profile on this machine: " + "; ".join(parts) + "."


def profile_times_table() -> str:
    """Markdown table of chapter run times per profile, from profile_times.json."""
    results = tables.load_results("profile_times")
    if not results:
        return "_No measurements yet: run `make benchmarks`._"
    machine = results["machine"]
    lines = ["| chapter | `full` | `smoke` | measured |", "|---|---|---|---|"]
    for chapter, times in sorted(results["chapters"].items()):
        lines.append(f"| {chapter} | {shown_time(times, 'full')} "
                     f"| {shown_time(times, 'smoke')} "
                     f"| {measured_when(times, results['measured_at'])}, "
                     f"{times.get('cpu', machine['cpu'])} |")
    lines += ["", budget_goal_line(results["chapters"])]
    lines += ["", f"Measured by `benchmarks/profile_times.py` (file last written {results['measured_at']}) on "
              f"{machine['cores']} cores, Python {machine['python']}, "
              f"TensorFlow {machine['tensorflow']}, Keras {machine['keras']}; each chapter in a "
              "fresh kernel, start-up included. Data: "
              + "; ".join(f"{name}: {source}" for name, source in sorted(machine["data"].items()))
              + "."]
    return "\n".join(lines)


def machine_description() -> dict:
    """The machine, the library versions and the data sources the times belong to."""
    return {"cpu": cpu_name(), "cores": os.cpu_count(), "python": platform.python_version(),
            "tensorflow": tf.__version__, "keras": keras.__version__,
            "data": {name: load_dataset(name).provenance["source"] for name in ("mnist", "fashion_mnist")}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--profiles", nargs="+", default=["full", "smoke"], choices=["full", "smoke"])
    parser.add_argument("--repeats", type=int, default=1,
                        help="runs per chapter and profile; the fastest is its time (default 1)")
    parser.add_argument("--keep", type=Path, help="save the executed notebooks in this folder")
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error(f"--repeats must be at least 1, got {args.repeats}")
    notebooks = args.notebooks or sorted((ROOT / "book").glob("*.ipynb"))
    stored = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {"chapters": {}}
    for entry in stored["chapters"].values():  # entries of a file from before per-chapter dates
        entry.setdefault("measured_at", stored.get("measured_at"))
        entry.setdefault("cpu", stored.get("machine", {}).get("cpu"))
    machine = machine_description()
    for path in notebooks:
        entry = stored["chapters"].setdefault(path.stem, {})
        started = utc_now()
        for profile in args.profiles:
            runs = []
            for _ in range(args.repeats):
                runs.append(round(run_notebook(path.resolve(), profile, keep=args.keep), 1))
                print(f"{path.stem:24s} {profile:5s} {runs[-1]:7.1f} s", flush=True)
            entry[f"{profile}_seconds"], entry[f"{profile}_runs"] = min(runs), runs
            entry[f"{profile}_measured_at"] = started
        entry["cpu"] = machine["cpu"]
        # After every chapter: a run stopped halfway keeps the chapters it has timed.
        stored.update(machine=machine, measured_at=utc_now())
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(stored, indent=2, sort_keys=True) + "\n")
        print(f"wrote {RESULTS}", flush=True)


if __name__ == "__main__":
    main()
