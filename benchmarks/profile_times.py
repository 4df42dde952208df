"""Time every chapter in each profile and write ganbook/assets/results/profile_times.json.

Each notebook is executed from top to bottom in a fresh kernel, exactly as the book
build and nbval run it, with GANBOOK_PROFILE set.  Run it through `make benchmarks`
(which prepares the data and sets GANBOOK_DATA_DIR) on the machine whose numbers you
want; tools/update_readme.py writes the README's chapter table and benchmarks/README.md from the JSON.
Usage: python benchmarks/profile_times.py [--profiles full smoke] [--keep DIR] [notebook ...]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import nbformat
import tables
from common import utc_now
from nbclient import NotebookClient
from tables import duration

from ganbook import results

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


def budget_goal_line(chapters: dict) -> str:
    """The budget goals, and each goal chapter's last `full` time against its goal."""
    parts = []
    for chapter, goal in BUDGET_GOALS.items():
        seconds = chapters.get(chapter, {}).get("full_seconds")
        verdict = ("not measured" if seconds is None
                   else f"{duration(seconds)}, {'met' if seconds <= goal else 'not met'}")
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
        lines.append(f"| {chapter} | {duration(times.get('full_seconds'))} "
                     f"| {duration(times.get('smoke_seconds'))} "
                     f"| {times.get('measured_at', results['measured_at'])}, "
                     f"{times.get('cpu', machine['cpu'])} |")
    lines += ["", budget_goal_line(results["chapters"])]
    lines += ["", f"Measured by `benchmarks/profile_times.py` (file last written {results['measured_at']}) on "
              f"{machine['cores']} cores, Python {machine['python']}, "
              f"TensorFlow {machine['tensorflow']}, Keras {machine['keras']}; each chapter in a "
              "fresh kernel, start-up included. Data: "
              + "; ".join(f"{name}: {source}" for name, source in sorted(machine["data"].items()))
              + "."]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--profiles", nargs="+", default=["full", "smoke"], choices=["full", "smoke"])
    parser.add_argument("--keep", type=Path, help="save the executed notebooks in this folder")
    args = parser.parse_args()
    notebooks = args.notebooks or sorted((ROOT / "book").glob("*.ipynb"))
    results = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {"chapters": {}}
    for entry in results["chapters"].values():  # entries of a file from before per-chapter dates
        entry.setdefault("measured_at", results.get("measured_at"))
        entry.setdefault("cpu", results.get("machine", {}).get("cpu"))
    for path in notebooks:
        entry = results["chapters"].setdefault(path.stem, {})
        for profile in args.profiles:
            seconds = run_notebook(path.resolve(), profile, keep=args.keep)
            entry[f"{profile}_seconds"] = round(seconds, 1)
            print(f"{path.stem:24s} {profile:5s} {seconds:7.1f} s", flush=True)
        entry.update(measured_at=utc_now(), cpu=cpu_name())
    import keras
    import tensorflow as tf

    import ganbook  # noqa: F401  (imports TensorFlow quietly)
    from ganbook.data import load_dataset

    results["machine"] = {
        "cpu": cpu_name(), "cores": os.cpu_count(), "python": platform.python_version(),
        "tensorflow": tf.__version__, "keras": keras.__version__,
        "data": {name: load_dataset(name).provenance["source"] for name in ("mnist", "fashion_mnist")},
    }
    results["measured_at"] = utc_now()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
