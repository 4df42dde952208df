"""Time `make test` from a fresh clone (set-up included) and write results/clean_clone.json.

This is what CI does: clone the committed main, then run the README's test command.
Usage: python benchmarks/clean_clone.py  (from the repository root; takes a few minutes)
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

import tables
from common import utc_now
from tables import duration

from ganbook import results

ROOT = Path(__file__).resolve().parents[1]
RESULTS = results.path("clean_clone")
LOG = Path(tempfile.gettempdir()) / "ganbook_clean_clone.log"  # what the commands printed, to read a failure


def timed(command: list[str], cwd: Path) -> tuple[float, int]:
    """Run ``command`` in ``cwd``, appending its output to ``LOG``; return (seconds, exit code)."""
    start = time.perf_counter()
    with LOG.open("a") as log:
        log.write(f"$ {' '.join(command)}\n")
        log.flush()
        code = subprocess.run(command, cwd=cwd, stdout=log, stderr=subprocess.STDOUT).returncode
    return time.perf_counter() - start, code


# ------------------------------------------------- its tables in benchmarks/README.md

GOAL_MINUTES = 15  # `make test` from a clean clone, set-up included


def clean_clone_table() -> str:
    """Markdown table of the clean-clone `make test` timing, from clean_clone.json, and
    whether the run met the goal of GOAL_MINUTES."""
    results = tables.load_results("clean_clone")
    if not results:
        return "_No measurement yet: run `python benchmarks/clean_clone.py`._"
    total = results["steps"]["total"]
    met = results["outcome"] == "passed" and total <= 60 * GOAL_MINUTES
    return "\n".join([
        "| step | time |", "|---|---|",
        *(f"| {step} | {duration(seconds)} |" for step, seconds in results["steps"].items()),
        "", f"Measured {results['measured_at']} by `benchmarks/clean_clone.py` on "
            f"{results['cores']} cores: `{results['command']}` in a fresh clone "
            f"({results['outcome']}).",
        "", f"**Goal:** `{results['command']}` passes within {GOAL_MINUTES} minutes from a clean clone: "
            + ("**met** in this run." if met else "**not met** in this run."),
    ])


def main() -> None:
    LOG.write_text("")
    with tempfile.TemporaryDirectory() as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        steps, codes = {}, []
        for label, command in [("create .venv and install the pinned packages", ["make", "setup"]),
                               ("prepare the data", ["make", "data"]),
                               ("pytest: unit tests, nbval of every chapter alone (smoke), "
                                "book build (smoke)", ["make", "test"])]:
            seconds, code = timed(command, clone)
            steps[label] = round(seconds, 1)
            codes.append(code)
    steps["total"] = round(sum(steps.values()), 1)
    RESULTS.write_text(json.dumps({
        "command": "make test", "steps": steps, "cores": os.cpu_count(),
        "outcome": "passed" if not any(codes) else f"FAILED (exit codes {codes})",
        "measured_at": utc_now(),
    }, indent=2) + "\n")
    print(RESULTS.read_text())
    print(f"output of the commands: {LOG}")


if __name__ == "__main__":
    main()
