"""Which TensorFlow / Keras versions the book really runs on: one fresh environment per pair.

For each ``TF/KERAS`` pair: a new virtual environment, ``tensorflow-cpu`` and ``keras`` at
those versions, ``ganbook`` installed from a freshly built **wheel** (not the working
tree, so the shipped assets are what is tested), then the unit tests and every chapter
(nbval, ``smoke`` profile) run from a copy of the repository without its ``ganbook``
folder.  The book-build and browser checks are left out: they test the site, not the
versions; so is the check of the generated tables, which this script's results change.
Writes results/compat.json (one entry per pair, updated in place);
benchmarks/README.md's table is generated from it.  Not part of ``make test``: ``make compat``.
Usage: python benchmarks/compat.py 2.21.0/3.15.1 2.19.0/3.8.0 2.16.2/3.0.0
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import tables
from common import RESULTS_DIR, machine, utc_now

ROOT = Path(__file__).resolve().parents[1]
RESULTS = RESULTS_DIR / "compat.json"
CACHE = ROOT / ".cache" / "compat"
TEST_TOOLS = ["pytest", "pytest-xdist", "nbval", "ipykernel", "nbformat", "pyyaml"]  # pyproject runs pytest with -n 2
SITE_TESTS = ["tests/test_book_build.py", "tests/test_site.py"]
# The generated tables against the results: this script rewrites those results as it runs.
README_CHECK = "tests/test_repository.py::test_readme_tables_match_the_benchmark_results"


def parse_pair(text: str) -> tuple[str, str]:
    """``"2.19.0/3.8.0"`` -> ``("2.19.0", "3.8.0")``, with a clear error otherwise."""
    parts = text.split("/")
    if len(parts) != 2 or not all(p and p[0].isdigit() for p in parts):
        raise argparse.ArgumentTypeError(f"expected TENSORFLOW/KERAS versions like 2.19.0/3.8.0, got {text!r}")
    return parts[0], parts[1]


def run(command: list[str], log, **kwargs) -> int:
    """Run ``command``, its output appended to ``log``; return the exit code."""
    log.write(f"\n$ {' '.join(map(str, command))}\n")
    log.flush()
    return subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, **kwargs).returncode


def build_wheel(out: Path, log) -> Path:
    """A wheel of the working tree's ``ganbook``."""
    if run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)], log):
        raise RuntimeError(f"building the ganbook wheel failed; see {log.name}")
    return next(out.glob("ganbook-*.whl"))


def copy_without_package(target: Path) -> None:
    """The repository's tracked files, minus ``ganbook/``, so imports find the wheel."""
    files = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split()
    for name in files:
        if name.startswith("ganbook/") or not (ROOT / name).is_file():
            continue
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target / name)


def outcomes(junit: Path) -> dict:
    """Passed / failed counts of the unit tests, and each chapter's outcome, from JUnit XML."""
    units = {"passed": 0, "failed": 0, "skipped": 0}
    chapters: dict[str, str] = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        failed = case.find("failure") is not None or case.find("error") is not None
        skipped = case.find("skipped") is not None
        classname = case.get("classname", "")
        if classname.startswith("book."):  # nbval: one test case per notebook cell
            chapter = classname.removeprefix("book.").split(".ipynb")[0]
            if failed or chapter not in chapters:
                chapters[chapter] = "failed" if failed else "passed"
        else:
            units["failed" if failed else "skipped" if skipped else "passed"] += 1
    return {"unit_tests": units, "chapters": chapters}


def check_pair(tensorflow: str, keras: str, wheel: Path, log) -> dict:
    """Install the pair and the wheel in a new environment and run the tests there."""
    env_dir = CACHE / f"tf{tensorflow}-keras{keras}"
    shutil.rmtree(env_dir, ignore_errors=True)
    start = time.perf_counter()
    run([sys.executable, "-m", "venv", str(env_dir)], log)
    python = env_dir / "bin" / "python"
    code = run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                f"tensorflow-cpu=={tensorflow}", f"keras=={keras}", str(wheel), *TEST_TOOLS], log)
    result = {"tensorflow": tensorflow, "keras": keras, "install_seconds": round(time.perf_counter() - start)}
    if code:
        return {**result, "outcome": "install failed"}
    versions = subprocess.run([str(python), "-c", "import numpy, keras, tensorflow as tf; "
                               "print(tf.__version__, keras.__version__, numpy.__version__)"],
                              capture_output=True, text=True).stdout.split()
    result["installed"] = dict(zip(["tensorflow", "keras", "numpy"], versions))
    with tempfile.TemporaryDirectory() as tmp:
        copy_without_package(Path(tmp))
        junit = Path(tmp) / "junit.xml"
        environment = {**os.environ, "GANBOOK_PROFILE": "smoke", "GANBOOK_DATA_DIR": str(ROOT / "data"),
                       "TF_CPP_MIN_LOG_LEVEL": "2", "KERAS_BACKEND": "tensorflow", "PYTHONHASHSEED": "0",
                       "PATH": f"{env_dir / 'bin'}{os.pathsep}{os.environ['PATH']}"}
        start = time.perf_counter()
        run([str(python), "-m", "pytest", "-q", f"--junitxml={junit}", *(f"--ignore={t}" for t in SITE_TESTS),
             f"--deselect={README_CHECK}"],
            log, cwd=tmp, env=environment)
        result["test_seconds"] = round(time.perf_counter() - start)
        if not junit.is_file():
            return {**result, "outcome": "tests did not run"}
        result.update(outcomes(junit))
    failed = result["unit_tests"]["failed"] + sum(v == "failed" for v in result["chapters"].values())
    result["outcome"] = "passed" if not failed else f"{failed} failed"
    return result


# ------------------------------------------------- its tables in benchmarks/README.md

def _compat_row(result: dict, chapters: set[str]) -> str:
    # One pair's row; a pair whose install failed has no test counts.
    cells = [result["tensorflow"], result["keras"]]
    units = result.get("unit_tests")
    if not units:
        return "| " + " | ".join(cells + ["-", "-", "-", result["outcome"]]) + " |"
    ran = {k: v for k, v in result.get("chapters", {}).items() if k in chapters}
    failed = sorted(k for k, v in ran.items() if v == "failed")
    cells += [result.get("installed", {}).get("numpy", "-"),
              f"{units['passed']} of {units['passed'] + units['failed']}",
              f"{len(ran) - len(failed)} of {len(ran)}" + (f" (failed: {', '.join(failed)})" if failed else ""),
              result["outcome"]]
    return "| " + " | ".join(cells) + " |"


def compat_table() -> str:
    """Markdown table of the TensorFlow / Keras pairs tested by benchmarks/compat.py."""
    results = tables.load_results("compat")
    if not results:
        return "_No measurement yet: run `make compat`._"
    chapters = {path.stem for path in (ROOT / "book").glob("*.ipynb")}
    lines = ["| TensorFlow | Keras | NumPy | unit tests passed | chapters passed (smoke) | outcome |",
             "|---|---|---|---|---|---|"]
    order = sorted(results["pairs"].values(),
                   key=lambda r: [int(p) for v in (r["tensorflow"], r["keras"]) for p in v.split(".")])
    lines += [_compat_row(result, chapters) for result in order]
    lines += ["", "Measured by `benchmarks/compat.py` (`make compat`): a fresh virtual environment per "
              "pair, `ganbook` installed from its built wheel, the unit tests and every chapter in "
              "`smoke` (the book-build, browser and README-table checks left out); "
              + "; ".join(f"{k} on {v['measured_at']}" for k, v in results["pairs"].items()) + "."]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pairs", nargs="+", type=parse_pair, help="TENSORFLOW/KERAS, e.g. 2.19.0/3.8.0")
    args = parser.parse_args()
    CACHE.mkdir(parents=True, exist_ok=True)
    results = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {"pairs": {}}
    with open(CACHE / "compat.log", "a") as log, tempfile.TemporaryDirectory() as tmp:
        wheel = build_wheel(Path(tmp), log)
        for tensorflow, keras in args.pairs:
            print(f"TensorFlow {tensorflow} + Keras {keras} ...", flush=True)
            result = check_pair(tensorflow, keras, wheel, log)
            result["measured_at"] = utc_now()
            print(f"  {result['outcome']}", flush=True)
            results["pairs"][f"{tensorflow}/{keras}"] = result
            results["machine"] = machine()
            RESULTS.parent.mkdir(parents=True, exist_ok=True)
            RESULTS.write_text(json.dumps(results, indent=2) + "\n")  # after every pair
    print(f"wrote {RESULTS}; log in {CACHE / 'compat.log'}")


if __name__ == "__main__":
    main()
